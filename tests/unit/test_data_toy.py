"""Toy 2-D sets: shapes, dtypes, seeds, and the same geometry as scikit-learn's generators."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import datasets as sk

from course_lib.data.toy import make_circles, make_moons, make_spirals, make_xor, xor

GENERATORS = [make_xor, make_moons, make_circles, make_spirals]


def sorted_rows(X):
    X = np.asarray(X, dtype=np.float64)
    return X[np.lexsort(X.T[::-1])]


def test_xor_truth_table():
    X, y = xor()
    assert X.dtype == np.float32 and y.dtype == np.int64
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]
    assert xor(dtype=np.float64)[0].dtype == np.float64


@pytest.mark.parametrize("generator", GENERATORS)
def test_shapes_dtypes_and_same_seed_same_data(generator):
    X, y = generator(101, noise=0.1, rng=7)
    assert X.shape == (101, 2) and X.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    X2, y2 = generator(101, noise=0.1, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = generator(101, noise=0.1, rng=8)
    assert not np.array_equal(X, X3)
    assert generator(10, noise=0.1, rng=0, dtype=np.float64)[0].dtype == np.float64


@pytest.mark.parametrize("generator", GENERATORS)
@pytest.mark.parametrize(
    ("error", "kwargs", "bad"),
    [(ValueError, {"rng": 0, "noise": -1}, "-1"),
     (ValueError, {"rng": 0, "dtype": np.int32}, "int32"),
     (TypeError, {"rng": 0, "dtype": "nonsense"}, "dtype"),
     (TypeError, {"rng": np.random.RandomState(0)}, "RandomState"),
     (TypeError, {"rng": 1.5}, "1.5"), (ValueError, {"rng": -1}, "seed >= 0")],
)
def test_bad_arguments_raise_an_error_naming_the_value(generator, error, kwargs, bad):
    with pytest.raises(error, match=bad):
        generator(10, **kwargs)


@pytest.mark.parametrize("generator", GENERATORS)
def test_rng_none_is_fresh_randomness(generator):
    first, second = generator(50, rng=None), generator(50, rng=None)
    assert not np.array_equal(first[0], second[0])


@pytest.mark.parametrize("generator", GENERATORS)
def test_zero_samples_is_refused(generator):
    with pytest.raises(ValueError, match="n_samples"):
        generator(0, rng=0)


def test_make_xor_labels_are_the_xor_of_the_corner():
    X, y = make_xor(400, noise=0.0, rng=0)
    assert set(map(tuple, X.tolist())) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    np.testing.assert_array_equal(y, X[:, 0].astype(int) ^ X[:, 1].astype(int))


def test_moons_without_noise_are_scikit_learns_moons():
    X, y = make_moons(200, noise=0.0, rng=0, dtype=np.float64)
    X_sk, y_sk = sk.make_moons(200, noise=0.0, shuffle=False)
    for label in (0, 1):
        np.testing.assert_allclose(sorted_rows(X[y == label]), sorted_rows(X_sk[y_sk == label]),
                                   atol=1e-12)


def test_circles_without_noise_are_scikit_learns_circles():
    X, y = make_circles(200, noise=0.0, factor=0.3, rng=0, dtype=np.float64)
    X_sk, y_sk = sk.make_circles(200, noise=0.0, factor=0.3, shuffle=False)
    for label in (0, 1):
        np.testing.assert_allclose(sorted_rows(X[y == label]), sorted_rows(X_sk[y_sk == label]),
                                   atol=1e-12)


def test_noise_is_gaussian_with_the_given_std():
    X0, y0 = make_circles(20000, noise=0.0, rng=0, dtype=np.float64)
    X, y = make_circles(20000, noise=0.05, rng=0, dtype=np.float64)
    radius = np.hypot(*X[y == 0].T)  # outer circle: radius 1 plus radial noise ~ N(0, 0.05)
    assert radius.mean() == pytest.approx(1.0, abs=0.01)
    assert np.std(radius) == pytest.approx(0.05, rel=0.05)


def test_spirals_have_balanced_classes_and_follow_their_arm():
    X, y = make_spirals(301, n_classes=3, noise=0.0, rng=0, dtype=np.float64)
    np.testing.assert_array_equal(np.bincount(y), [101, 100, 100])
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius.max() == pytest.approx(1.0) and radius.min() == 0.0
    angle = np.arctan2(X[:, 0], X[:, 1])  # x = r sin(a), y = r cos(a)
    expected = 4 * radius + 2 * np.pi * y / 3
    keep = radius > 1e-9
    np.testing.assert_allclose(np.cos(angle[keep] - expected[keep]), 1.0, atol=1e-9)


def test_spirals_need_at_least_one_sample_per_class():
    with pytest.raises(ValueError, match="n_samples"):
        make_spirals(2, n_classes=3, rng=0)
    with pytest.raises(ValueError, match="n_classes"):
        make_spirals(10, n_classes=1, rng=0)
