"""minibatches and one_hot."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib.data.batches import minibatches
from course_lib.data.encoding import one_hot


@given(st.integers(1, 60), st.integers(1, 17), st.booleans(), st.integers(0, 1000))
def test_one_epoch_visits_every_sample_once(n, batch_size, shuffle, seed):
    X = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n)
    batches = list(minibatches(X, y, batch_size, shuffle=shuffle, rng=seed if shuffle else None))
    seen = np.concatenate([yb for _, yb in batches])
    np.testing.assert_array_equal(np.sort(seen), np.arange(n))
    for Xb, yb in batches:
        np.testing.assert_array_equal(Xb[:, 0], 2 * yb)  # X and y stay paired
    assert [len(yb) for _, yb in batches[:-1]] == [batch_size] * (len(batches) - 1)
    assert len(batches[-1][1]) == (n % batch_size or batch_size)  # last partial batch kept


def test_drop_last_drops_only_the_partial_batch():
    batches = list(minibatches(np.zeros((10, 1)), np.arange(10), 4, shuffle=False, drop_last=True,
                                   rng=None))
    assert [yb.tolist() for _, yb in batches] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_without_shuffle_the_order_is_kept():
    batches = list(minibatches(np.zeros((5, 1)), np.arange(5), 2, shuffle=False, rng=None))
    assert [yb.tolist() for _, yb in batches] == [[0, 1], [2, 3], [4]]


def test_shuffled_epochs_differ_but_a_seed_repeats():
    y = np.arange(50)
    rng = np.random.default_rng(0)
    epoch1 = np.concatenate([b for _, b in minibatches(y, y, 8, rng=rng)])
    epoch2 = np.concatenate([b for _, b in minibatches(y, y, 8, rng=rng)])
    assert not np.array_equal(epoch1, epoch2)
    again = np.concatenate([b for _, b in minibatches(y, y, 8, rng=np.random.default_rng(0))])
    np.testing.assert_array_equal(epoch1, again)


@pytest.mark.parametrize(
    ("error", "args", "kwargs", "bad"),
    [(ValueError, (np.zeros(3), np.zeros(2), 1), {"rng": 0}, r"X \(3,\), y \(2,\)"),
     (ValueError, (np.zeros(3), np.zeros(3), 0), {"rng": 0}, "batch_size must be an integer >= 1"),
     (TypeError, (np.zeros(3), np.zeros(3), 2), {}, "rng"),
     (ValueError, (np.zeros(3), np.zeros(3), 2), {"shuffle": False, "rng": 1}, "rng=1"),
     (TypeError, (np.zeros(3), np.zeros(3), 2), {"rng": 0, "drop_last": "no"}, "'no'")],
)
def test_bad_arguments_fail_at_the_call_not_later(error, args, kwargs, bad):
    with pytest.raises(error, match=bad):
        minibatches(*args, **kwargs)


@given(arrays(np.int64, st.tuples(st.integers(0, 20)), elements=st.integers(0, 6)))
def test_one_hot_round_trip(labels):
    encoded = one_hot(labels, 7)
    assert encoded.shape == (len(labels), 7) and encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded.sum(axis=1), 1)
    np.testing.assert_array_equal(encoded.argmax(axis=1), labels)


def test_one_hot_matches_torch():
    import torch
    labels = np.array([[0, 3], [2, 1]])
    expected = torch.nn.functional.one_hot(torch.from_numpy(labels), 4).numpy()
    np.testing.assert_array_equal(one_hot(labels, 4, dtype=np.float64), expected)


@pytest.mark.parametrize(
    ("error", "labels", "num_classes", "bad"),
    [(ValueError, [0, 3], 3, "got label 3"), (ValueError, [-1], 3, "got label -1"),
     (TypeError, [0.0, 1.0], 2, "float64"),
     (ValueError, [0], 0, "num_classes must be an integer >= 1, got 0")],
)
def test_one_hot_bad_input(error, labels, num_classes, bad):
    with pytest.raises(error, match=bad):
        one_hot(np.array(labels), num_classes)
