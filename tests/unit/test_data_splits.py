"""train/val/test splits and k-fold: deterministic, stratified, disjoint and covering."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib.data.splits import kfold, train_val_test_indices, train_val_test_split

labels_strategy = arrays(np.int64, st.integers(1, 120), elements=st.integers(0, 4))
sizes_strategy = st.tuples(st.integers(1, 10), st.integers(0, 10), st.integers(0, 10)).map(
    lambda w: tuple(np.array(w) / sum(w))
)


@given(labels_strategy, sizes_strategy, st.integers(0, 2**32 - 1))
def test_stratified_split_is_disjoint_covering_and_within_one_sample_per_class(y, sizes, seed):
    parts = train_val_test_indices(y, sizes=sizes, rng=seed)
    everything = np.concatenate(parts)
    np.testing.assert_array_equal(np.sort(everything), np.arange(len(y)))
    for c in np.unique(y):
        n_c = np.sum(y == c)
        for part, size in zip(parts, sizes, strict=True):
            assert abs(np.sum(y[part] == c) - n_c * size) < 1


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
    ("kwargs", "bad"),
    [({"sizes": (0.5, 0.5)}, r"\(0.5, 0.5\)"), ({"sizes": (0.6, 0.3, 0.3)}, "0.3"),
     ({"sizes": (0.0, 0.5, 0.5)}, "0.0"), ({"stratify": "yes"}, "'yes'"), ({"rng": None}, "None")],
)
def test_bad_split_arguments(kwargs, bad):
    with pytest.raises(ValueError, match=bad):
        train_val_test_indices(np.arange(10) % 2, **{"rng": 0, **kwargs})


def test_x_and_y_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match=r"X \(10, 2\) and y \(9,\)"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(9), rng=0)


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
    folds = kfold(7, 3, shuffle=False)
    assert [val.tolist() for _, val in folds] == [[0, 1, 2], [3, 4], [5, 6]]


def test_kfold_is_deterministic_for_a_seed():
    a = kfold(np.arange(30) % 3, 5, rng=4)
    b = kfold(np.arange(30) % 3, 5, rng=4)
    for (ta, va), (tb, vb) in zip(a, b, strict=True):
        np.testing.assert_array_equal(ta, tb)
        np.testing.assert_array_equal(va, vb)


@pytest.mark.parametrize(
    ("args", "kwargs", "bad"),
    [((10, 1), {"rng": 0}, "k must be an int >= 2, got 1"), ((3, 4), {"rng": 0}, "k=4"),
     ((10, 3), {}, "needs rng"), ((10, 3), {"shuffle": False, "rng": 0}, "rng=0"),
     ((10, 3), {"stratify": True, "rng": 0}, "needs the labels")],
)
def test_bad_kfold_arguments(args, kwargs, bad):
    with pytest.raises(ValueError, match=bad):
        kfold(*args, **kwargs)
