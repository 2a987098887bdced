"""Friedman #1 (known noise), diabetes and breast cancer, checked against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import datasets as sk

from course_lib.data.classification import load_breast_cancer
from course_lib.data.regression import friedman1_function, load_diabetes, make_friedman1


def test_friedman1_function_matches_scikit_learn_without_noise():
    X_sk, y_sk = sk.make_friedman1(500, n_features=7, noise=0.0, random_state=0)
    np.testing.assert_allclose(friedman1_function(X_sk), y_sk, rtol=1e-12)


def test_friedman1_noise_has_the_returned_std():
    data = make_friedman1(20000, noise=1.5, rng=0, dtype=np.float64)
    assert data.noise_std == 1.5
    residual = data.y - data.y_clean
    assert residual.mean() == pytest.approx(0.0, abs=0.05)
    assert residual.std() == pytest.approx(1.5, rel=0.03)
    np.testing.assert_allclose(data.y_clean, friedman1_function(data.X), rtol=1e-12)


def test_friedman1_shapes_dtypes_range_and_seed():
    X, y, y_clean, noise_std = make_friedman1(100, n_features=8, noise=0.5, rng=3)
    assert X.shape == (100, 8) and X.dtype == np.float32
    assert y.shape == y_clean.shape == (100,) and y.dtype == y_clean.dtype == np.float32
    assert 0 <= X.min() and X.max() <= 1
    np.testing.assert_array_equal(y, make_friedman1(100, n_features=8, noise=0.5, rng=3).y)


def test_friedman1_without_noise_is_the_function():
    data = make_friedman1(50, noise=0.0, rng=0)
    np.testing.assert_array_equal(data.y, data.y_clean)


@pytest.mark.parametrize(("error", "kwargs", "bad"),
                         [(ValueError, {"n_features": 4}, "4"),
                          (ValueError, {"noise": -0.1}, "-0.1"),
                          (TypeError, {"rng": "0"}, "'0'")])
def test_friedman1_bad_arguments(error, kwargs, bad):
    with pytest.raises(error, match=bad):
        make_friedman1(10, **{"rng": 0, **kwargs})


def test_diabetes_is_scikit_learns_raw_table():
    X, y, names, target_names = load_diabetes()
    bunch = sk.load_diabetes(scaled=False)
    assert X.shape == (442, 10) and X.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_allclose(X, bunch.data, rtol=1e-6)
    np.testing.assert_allclose(y, bunch.target, rtol=1e-6)
    assert names[:4] == ("age", "sex", "bmi", "bp") and target_names is None


def test_breast_cancer_labels_and_names():
    data = load_breast_cancer(dtype=np.float64)
    assert data.X.shape == (569, 30) and data.X.dtype == np.float64
    assert data.y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(data.y), [212, 357])
    assert data.target_names == ("malignant", "benign")
    assert data.feature_names[0] == "mean radius" and len(data.feature_names) == 30
