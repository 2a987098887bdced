"""train/val/test splits and k-fold: deterministic, stratified, disjoint and covering."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib.data.splits import kfold, train_val_test_indices, train_val_test_split

labels_strategy = arrays(np.int64, st.integers(1, 120), elements=st.integers(0, 4))
weights_strategy = st.tuples(st.integers(1, 10), st.integers(0, 10), st.integers(0, 10))


@given(labels_strategy, weights_strategy, st.integers(0, 2**32 - 1))
@example(np.array([1] * 4 + [0] * 6), (1, 1, 6), 0)  # 4 * 6/8 = 3 positives in test, not 4
def test_stratified_split_is_disjoint_covering_and_within_one_sample_per_class(y, weights, seed):
    sizes = tuple(np.array(weights) / sum(weights))
    parts = train_val_test_indices(y, sizes=sizes, rng=seed)
    everything = np.concatenate(parts)
    np.testing.assert_array_equal(np.sort(everything), np.arange(len(y)))
    exact_sizes = [Fraction(w, sum(weights)) for w in weights]  # the shares, without round-off
    for part, size in zip(parts, exact_sizes, strict=True):
        assert abs(len(part) - len(y) * size) < 1  # each part's size, overall
        for c in np.unique(y):
            assert abs(int(np.sum(y[part] == c)) - int(np.sum(y == c)) * size) < 1  # per class


@given(labels_strategy, st.integers(0, 2**32 - 1))
def test_same_seed_same_split(y, seed):
    first = train_val_test_indices(y, rng=seed)
    second = train_val_test_indices(y, rng=np.random.default_rng(seed))
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_different_seeds_give_different_splits():
    y = np.arange(100) % 3
    first, second = train_val_test_indices(y, rng=0), train_val_test_indices(y, rng=1)
    assert not np.array_equal(first[0], second[0])


def test_part_sizes_are_close_to_the_requested_fractions():
    y = np.repeat([0, 1, 2], [50, 30, 20])
    train, val, test = train_val_test_indices(y, sizes=(0.7, 0.15, 0.15), rng=0)
    assert (len(train), len(val), len(test)) == (70, 15, 15)
    np.testing.assert_array_equal(np.bincount(y[train]), [35, 21, 14])


def test_split_returns_matching_x_y_tuples():
    X = np.arange(40).reshape(20, 2)
    y = np.arange(20) % 2
    (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = train_val_test_split(X, y, rng=0)
    for X_part, y_part in ((X_tr, y_tr), (X_va, y_va), (X_te, y_te)):
        np.testing.assert_array_equal(X_part[:, 0] // 2, np.arange(20)[X_part[:, 0] // 2])
        np.testing.assert_array_equal(y_part, (X_part[:, 0] // 2) % 2)
    assert (len(y_tr), len(y_va), len(y_te)) == (12, 4, 4)


def test_float_targets_are_not_stratified_and_can_be_split():
    y = np.linspace(0, 1, 50)
    train, val, test = train_val_test_indices(y, rng=0)
    assert (len(train), len(val), len(test)) == (30, 10, 10)
    with pytest.raises(ValueError, match="stratify=True needs 1-D integer class labels"):
        train_val_test_indices(y, stratify=True, rng=0)


def test_unstratified_split_of_a_number_of_samples():
    parts = train_val_test_indices(10, sizes=(0.5, 0.5, 0.0), rng=0)
    assert [len(p) for p in parts] == [5, 5, 0]


@pytest.mark.parametrize(
    ("error", "kwargs", "bad"),
    [(ValueError, {"sizes": (0.5, 0.5)}, r"\(0.5, 0.5\)"),
     (ValueError, {"sizes": (0.6, 0.3, 0.3)}, "0.3"),
     (ValueError, {"sizes": (0.0, 0.5, 0.5)}, "0.0"),
     (TypeError, {"sizes": ("a", 0.5, 0.5)}, "'a'"), (TypeError, {"sizes": 0.5}, "0.5"),
     (TypeError, {"stratify": "yes"}, "'yes'"), (TypeError, {"rng": 0.5}, "0.5")],
)
def test_bad_split_arguments(error, kwargs, bad):
    with pytest.raises(error, match=bad):
        train_val_test_indices(np.arange(10) % 2, **{"rng": 0, **kwargs})


def test_x_and_y_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match=r"X has 10 samples but y has 9"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(9), rng=0)


def test_rng_none_gives_a_fresh_split_each_time():
    y = np.arange(100) % 2
    first, second = (train_val_test_indices(y, rng=None)[0] for _ in range(2))
    assert not np.array_equal(first, second)


@given(labels_strategy, st.integers(2, 6), st.booleans(), st.integers(0, 1000))
def test_kfold_validation_parts_partition_the_data(y, k, shuffle, seed):
    if k > len(y):
        return
    folds = kfold(y, k, shuffle=shuffle, rng=seed if shuffle else None)
    assert len(folds) == k
    vals = np.concatenate([val for _, val in folds])
    np.testing.assert_array_equal(np.sort(vals), np.arange(len(y)))
    sizes = [len(val) for _, val in folds]
    assert max(sizes) - min(sizes) <= 1
    for train, val in folds:
        np.testing.assert_array_equal(np.union1d(train, val), np.arange(len(y)))
        assert np.intersect1d(train, val).size == 0
    for c in np.unique(y):  # stratified by default for integer labels
        per_fold = [np.sum(y[val] == c) for _, val in folds]
        assert max(per_fold) - min(per_fold) <= 1


def test_kfold_of_a_number_without_shuffle_is_consecutive_blocks():
    folds = kfold(7, 3, shuffle=False, rng=None)
    assert [val.tolist() for _, val in folds] == [[0, 1, 2], [3, 4], [5, 6]]


def test_kfold_is_deterministic_for_a_seed():
    a = kfold(np.arange(30) % 3, 5, rng=4)
    b = kfold(np.arange(30) % 3, 5, rng=4)
    for (ta, va), (tb, vb) in zip(a, b, strict=True):
        np.testing.assert_array_equal(ta, tb)
        np.testing.assert_array_equal(va, vb)


@pytest.mark.parametrize(
    ("error", "args", "kwargs", "bad"),
    [(ValueError, (10, 1), {"rng": 0}, "k must be an integer >= 2, got 1"),
     (ValueError, (3, 4), {"rng": 0}, "k=4"), (TypeError, (10, 3), {}, "rng"),
     (ValueError, (10, 3), {"shuffle": False, "rng": 0}, "rng=0"),
     (ValueError, (10, 3), {"stratify": True, "rng": 0}, "needs the labels"),
     (TypeError, (10, 3.0), {"rng": 0}, "k must be an integer"),
     (TypeError, (10, 3), {"shuffle": 1, "rng": 0}, "shuffle")],
)
def test_bad_kfold_arguments(error, args, kwargs, bad):
    with pytest.raises(error, match=bad):
        kfold(*args, **kwargs)
