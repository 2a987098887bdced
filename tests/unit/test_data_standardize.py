"""Standardizer: training statistics only, round trip, constant features, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib.data.standardize import Standardizer


def test_training_data_gets_mean_zero_and_std_one():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[5, -3, 100], scale=[2, 0.1, 30], size=(500, 3))
    Z = Standardizer().fit_transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1, rtol=1e-12)


def test_validation_data_is_transformed_with_training_statistics_only():
    rng = np.random.default_rng(1)
    X_train = rng.normal(loc=2.0, scale=3.0, size=(200, 4))
    X_val = rng.normal(loc=10.0, scale=0.5, size=(50, 4))
    scaler = Standardizer().fit(X_train)
    mean, std = scaler.mean_.copy(), scaler.std_.copy()
    Z_val = scaler.transform(X_val)
    np.testing.assert_array_equal(scaler.mean_, mean)  # transforming val changes nothing
    np.testing.assert_array_equal(scaler.std_, std)
    np.testing.assert_allclose(Z_val, (X_val - X_train.mean(axis=0)) / X_train.std(axis=0),
                               rtol=1e-12)
    assert np.all(Z_val.mean(axis=0) > 2)  # far from 0: val was not re-centred on itself


@given(arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(1, 5)),
              elements=st.floats(-1e6, 1e6)))
def test_inverse_transform_gives_the_data_back(X):
    scaler = Standardizer().fit(X)
    Z = scaler.transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(scaler.inverse_transform(Z), X, rtol=1e-9, atol=1e-6)


def test_constant_feature_maps_to_zero_without_nan():
    X = np.array([[0.1, 1.0], [0.1, 2.0], [0.1, 4.0]], dtype=np.float32)
    scaler = Standardizer().fit(X)
    Z = scaler.transform(X)
    assert not np.any(np.isnan(Z))
    np.testing.assert_array_equal(Z[:, 0], 0.0)
    assert scaler.std_[0] == 1.0
    np.testing.assert_allclose(scaler.inverse_transform(Z), X)


def test_dtypes_float32_stays_float32_and_ints_become_float32():
    X32 = np.arange(12, dtype=np.float32).reshape(6, 2)
    assert Standardizer().fit_transform(X32).dtype == np.float32
    assert Standardizer().fit_transform(np.arange(12).reshape(6, 2)).dtype == np.float32
    assert Standardizer().fit_transform(X32.astype(np.float64)).dtype == np.float64


def test_any_sample_shape_works_images_and_1d_targets():
    images = np.random.default_rng(0).integers(0, 256, size=(20, 4, 4)).astype(np.float32)
    assert Standardizer().fit(images).transform(images).shape == (20, 4, 4)
    y = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(Standardizer().fit_transform(y), [-1.224744871, 0, 1.224744871])


def test_use_before_fit_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"before fit: call fit\(X_train\) first"):
        Standardizer().transform(np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="inverse_transform was called before fit"):
        Standardizer().inverse_transform(np.zeros((2, 2)))


def test_wrong_number_of_features_is_a_clear_error():
    scaler = Standardizer().fit(np.zeros((4, 5)))
    expected = r"fitted on samples of shape \(5,\) \(5 features\).*\(4, 3\)"
    with pytest.raises(ValueError, match=expected):
        scaler.transform(np.zeros((4, 3)))


@pytest.mark.parametrize(
    ("error", "X", "bad"),
    [(ValueError, np.array([[1.0, np.nan]]), r"NaN or infinite value, first at index \(0, 1\)"),
     (ValueError, np.zeros((0, 3)), r"at least one sample, got shape \(0, 3\)"),
     (TypeError, np.array(["a", "b"]), "must hold numbers"),
     (TypeError, 3.0, "single number")],
)
def test_fit_refuses_unusable_data(error, X, bad):
    with pytest.raises(error, match=bad):
        Standardizer().fit(X)


def test_repr_says_whether_fitted():
    assert repr(Standardizer()) == "Standardizer(not fitted)"
    assert "(3,)" in repr(Standardizer().fit(np.zeros((2, 3))))
