"""course_lib.data.preprocessing: MeanImputer and OneHotEncoder against scikit-learn, fitted on
training data only, without touching their inputs."""

import numpy as np
import pytest
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OneHotEncoder as SklearnOneHotEncoder

from course_lib.data import MeanImputer, OneHotEncoder


def table_with_gaps(rng, n, d, fraction=0.3):
    X = rng.normal(2.0, 3.0, (n, d))
    X[rng.uniform(size=(n, d)) < fraction] = np.nan
    X[0] = rng.normal(2.0, 3.0, d)  # every column keeps a value
    return X


@pytest.mark.parametrize("add_indicator", [False, True])
def test_mean_imputer_matches_scikit_learn(add_indicator):
    rng = np.random.default_rng(0)
    X_train, X_test = table_with_gaps(rng, 50, 4), table_with_gaps(rng, 20, 4, 0.5)
    X_train[:, 2] = rng.normal(size=50)  # a column without gaps in training: no indicator
    ours = MeanImputer(add_indicator=add_indicator).fit(X_train)
    theirs = SimpleImputer(strategy="mean", add_indicator=add_indicator).fit(X_train)
    np.testing.assert_allclose(ours.transform(X_test), theirs.transform(X_test), rtol=1e-12)
    np.testing.assert_allclose(ours.means_, np.nanmean(X_train, axis=0), rtol=1e-15)
    np.testing.assert_array_equal(ours.indicator_features_,
                                  np.flatnonzero(np.isnan(X_train).any(axis=0)))
    assert 2 not in ours.indicator_features_


def test_mean_imputer_uses_training_means_keeps_dtype_and_inputs():
    X_train = np.array([[1.0, np.nan], [3.0, 4.0]], dtype=np.float32)
    X_test = np.array([[np.nan, np.nan], [10.0, 20.0]], dtype=np.float32)
    before = X_test.copy()
    out = MeanImputer().fit(X_train).transform(X_test)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[2.0, 4.0], [10.0, 20.0]])
    np.testing.assert_array_equal(X_test, before)
    with_indicator = MeanImputer(add_indicator=True).fit_transform(X_train)
    np.testing.assert_array_equal(with_indicator, [[1.0, 4.0, 1.0], [3.0, 4.0, 0.0]])


def test_mean_imputer_errors_say_what_to_do():
    with pytest.raises(RuntimeError, match="before fit"):
        MeanImputer().transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="column 1 has no value"):
        MeanImputer().fit(np.array([[1.0, np.nan], [2.0, np.nan]]))
    with pytest.raises(ValueError, match="fitted on 2 columns"):
        MeanImputer().fit(np.ones((3, 2))).transform(np.ones((3, 3)))
    with pytest.raises(TypeError, match="floating point"):
        MeanImputer().fit(np.ones((3, 2), dtype=int))
    with pytest.raises(ValueError, match="infinity"):
        MeanImputer().fit(np.array([[1.0], [np.inf]]))
    with pytest.raises(ValueError, match=r"\(n_samples, n_features\)"):
        MeanImputer().fit(np.ones(3))
    with pytest.raises(TypeError, match="add_indicator"):
        MeanImputer(add_indicator="yes")


def test_one_hot_encoder_matches_scikit_learn_with_unknown_categories():
    train = np.array(["b", "a", "c", "a", "b"])
    test = np.array(["c", "z", "a"])
    ours = OneHotEncoder().fit(train)
    theirs = SklearnOneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(train[:, None])
    np.testing.assert_array_equal(ours.transform(test), theirs.transform(test[:, None]))
    assert ours.categories_.tolist() == ["a", "b", "c"]
    assert ours.transform(test).dtype == np.float32
    np.testing.assert_array_equal(ours.transform(test)[1], [0.0, 0.0, 0.0])


def test_one_hot_encoder_with_integers_and_float64():
    encoder = OneHotEncoder(dtype=np.float64).fit(np.array([3, 1, 3, 2]))
    out = encoder.transform(np.array([2, 3, 7]))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    assert "categories=[1, 2, 3]" in repr(encoder)


def test_one_hot_encoder_errors_say_what_to_do():
    with pytest.raises(RuntimeError, match="before fit"):
        OneHotEncoder().transform(np.array(["a"]))
    with pytest.raises(ValueError, match="one column"):
        OneHotEncoder().fit(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="NaN"):
        OneHotEncoder().fit(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="no values"):
        OneHotEncoder().fit(np.array([], dtype=str))
    with pytest.raises(ValueError, match="float32 or np.float64"):
        OneHotEncoder(dtype=np.int32)
