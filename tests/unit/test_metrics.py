"""course_lib.metrics against sklearn.metrics on random data and on edge cases."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st

from course_lib import metrics
from course_lib.metrics import UndefinedMetricWarning

REGRESSION = [
    "mean_squared_error", "root_mean_squared_error", "mean_absolute_error", "r2_score",
    "explained_variance_score", "mean_squared_log_error", "root_mean_squared_log_error",
    "mean_absolute_percentage_error",
]
TOL = 1e-12


def both(name, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(metrics, name)(*args, **kwargs), getattr(skm, name)(*args, **kwargs)


def assert_close(ours, theirs):
    np.testing.assert_allclose(ours, theirs, rtol=TOL, atol=TOL, equal_nan=True)


# ---- regression --------------------------------------------------------------------------
@given(seed=st.integers(0, 2**31), n=st.integers(1, 40), outputs=st.sampled_from([None, 1, 3]),
       name=st.sampled_from(REGRESSION), multioutput=st.sampled_from(["uniform_average",
                                                                      "raw_values"]))
def test_regression_metric_matches_sklearn_on_random_data(seed, n, outputs, name, multioutput):
    rng = np.random.default_rng(seed)
    shape = (n,) if outputs is None else (n, outputs)
    y_true = rng.gamma(2.0, 3.0, size=shape)  # positive, so the log metrics apply
    y_pred = y_true + rng.normal(scale=rng.uniform(0.1, 3), size=shape)
    y_pred = np.abs(y_pred)
    assert_close(*both(name, y_true, y_pred, multioutput=multioutput))


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_perfect_prediction(name):
    y = np.array([0.5, 1.0, 4.0, 9.0])
    ours, theirs = both(name, y, y)
    assert_close(ours, theirs)
    assert ours == (1.0 if name in ("r2_score", "explained_variance_score") else 0.0)


@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.parametrize("y_pred", [[3.0, 3.0, 3.0], [3.0, 2.0, 4.0], [5.0, 5.0, 5.0]])
def test_regression_constant_target_matches_sklearn(name, y_pred):
    """All y_true equal: R^2 and explained variance are 0/0, resolved as scikit-learn does."""
    assert_close(*both(name, [3.0, 3.0, 3.0], y_pred))


def test_r2_and_explained_variance_differ_by_an_offset():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert metrics.explained_variance_score(y, y + 1) == 1.0
    assert metrics.r2_score(y, y + 1) == pytest.approx(1 - 4 / 5)


@pytest.mark.parametrize("name", ["mean_squared_log_error", "root_mean_squared_log_error"])
def test_log_errors_accept_zeros_like_sklearn(name):
    assert_close(*both(name, [0.0, 1.0, 5.0], [0.0, 0.0, 6.0]))


@pytest.mark.parametrize("name", ["mean_squared_log_error", "root_mean_squared_log_error"])
@pytest.mark.parametrize("y_true, y_pred, which", [([1.0, -0.5], [1.0, 2.0], "y_true"),
                                                   ([1.0, 2.0], [-3.0, 2.0], "y_pred")])
def test_log_errors_reject_negative_values_with_value_error(name, y_true, y_pred, which):
    with pytest.raises(ValueError, match=f"{which} contains negative values.*np.maximum"):
        getattr(metrics, name)(y_true, y_pred)


def test_mape_zero_target_uses_epsilon_like_sklearn():
    ours, theirs = both("mean_absolute_percentage_error", [0.0, 2.0], [1.0, 1.0])
    assert_close(ours, theirs)
    assert 1e14 < ours < np.inf


@pytest.mark.parametrize("y_true, y_pred, match", [
    ([1.0, 2.0], [1.0], "same shape"),
    ([], [], "empty"),
    ([1.0, np.nan], [1.0, 2.0], "NaN"),
])
def test_regression_bad_input(y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        metrics.mean_squared_error(y_true, y_pred)


# ---- classification ----------------------------------------------------------------------
AVERAGES = ["micro", "macro", "weighted", None]
ZERO_DIVISION = [0, 1, np.nan]


@given(seed=st.integers(0, 2**31), n=st.integers(1, 30), classes=st.integers(2, 4),
       average=st.sampled_from(AVERAGES), zero_division=st.sampled_from(ZERO_DIVISION),
       name=st.sampled_from(["precision_score", "recall_score", "f1_score"]))
def test_multiclass_precision_recall_f1_match_sklearn(seed, n, classes, average, zero_division,
                                                      name):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, classes, n), rng.integers(0, classes, n)
    assert_close(*both(name, y_true, y_pred, average=average, zero_division=zero_division))


@given(seed=st.integers(0, 2**31), n=st.integers(1, 30), p=st.floats(0.0, 1.0),
       zero_division=st.sampled_from(ZERO_DIVISION),
       name=st.sampled_from(["precision_score", "recall_score", "f1_score", "accuracy_score"]))
def test_binary_metrics_match_sklearn_including_single_class_draws(seed, n, p, zero_division,
                                                                   name):
    rng = np.random.default_rng(seed)
    y_true, y_pred = (rng.random(n) < p).astype(int), (rng.random(n) < p).astype(int)
    kwargs = {} if name == "accuracy_score" else {"zero_division": zero_division}
    assert_close(*both(name, y_true, y_pred, **kwargs))


@pytest.mark.parametrize("y_true, y_pred", [
    ([0, 0, 0, 0], [0, 0, 0, 0]),  # all one (negative) class, perfect
    ([1, 1, 1, 1], [1, 1, 1, 1]),  # all one (positive) class, perfect
    ([1, 1, 1, 1], [0, 0, 0, 0]),  # no predicted positives
    ([0, 0, 0, 0], [1, 0, 1, 0]),  # no true positives
    ([0, 1, 1, 0], [0, 1, 1, 0]),  # perfect prediction
])
@pytest.mark.parametrize("name", ["precision_score", "recall_score", "f1_score"])
@pytest.mark.parametrize("zero_division", ZERO_DIVISION)
def test_binary_edge_cases_match_sklearn(y_true, y_pred, name, zero_division):
    assert_close(*both(name, y_true, y_pred, zero_division=zero_division))


@pytest.mark.parametrize("zero_division", ZERO_DIVISION)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("name", ["precision_score", "recall_score", "f1_score"])
def test_single_sample_wrong_class_matches_sklearn(name, average, zero_division):
    """Found by hypothesis: weighted average when the only kept class has no true sample."""
    assert_close(*both(name, [2], [0], average=average, zero_division=zero_division))


def test_precision_without_predicted_positives_warns_and_returns_zero_by_default():
    with pytest.warns(UndefinedMetricWarning, match="zero_division"):
        assert metrics.precision_score([0, 1, 1], [0, 0, 0]) == 0.0


def test_string_labels_with_pos_label():
    y_true, y_pred = ["cat", "dog", "dog", "cat"], ["cat", "dog", "cat", "cat"]
    assert_close(*both("recall_score", y_true, y_pred, pos_label="dog"))
    assert_close(*both("confusion_matrix", y_true, y_pred))


@given(seed=st.integers(0, 2**31), n=st.integers(1, 40), classes=st.integers(1, 5),
       normalize=st.sampled_from([None, "true", "pred", "all"]))
def test_confusion_matrix_matches_sklearn(seed, n, classes, normalize):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, classes, n), rng.integers(0, classes, n)
    ours, theirs = both("confusion_matrix", y_true, y_pred, normalize=normalize)
    assert ours.dtype == theirs.dtype
    assert_close(ours, theirs)


def test_confusion_matrix_with_labels_orders_and_ignores_as_sklearn():
    y_true, y_pred = [2, 0, 1, 1, 3], [2, 1, 1, 0, 0]
    assert_close(*both("confusion_matrix", y_true, y_pred, labels=[2, 1, 0]))


@given(seed=st.integers(0, 2**31), n=st.integers(2, 50), ties=st.booleans())
def test_roc_curve_and_auc_match_sklearn(seed, n, ties):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, n)
    y_true[:2] = [0, 1]  # both classes present
    y_score = rng.integers(0, 5, n) / 4 if ties else rng.normal(size=n) + y_true
    fpr, tpr, thr = metrics.roc_curve(y_true, y_score)
    fpr_sk, tpr_sk, thr_sk = skm.roc_curve(y_true, y_score, drop_intermediate=False)
    for a, b in [(fpr, fpr_sk), (tpr, tpr_sk), (thr, thr_sk)]:
        assert_close(a, b)
    assert_close(metrics.roc_auc_score(y_true, y_score), skm.roc_auc_score(y_true, y_score))
    assert_close(metrics.auc(fpr, tpr), skm.auc(fpr_sk, tpr_sk))


def test_roc_auc_perfect_and_reversed_ranking():
    y = [0, 0, 1, 1]
    assert metrics.roc_auc_score(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert metrics.roc_auc_score(y, [0.9, 0.8, 0.2, 0.1]) == 0.0


def test_roc_auc_single_class_warns_and_returns_nan_like_sklearn():
    with pytest.warns(UndefinedMetricWarning, match="Only one class"):
        assert np.isnan(metrics.roc_auc_score([1, 1, 1], [0.2, 0.5, 0.9]))


def test_auc_of_decreasing_x_and_non_monotonic_x():
    assert metrics.auc([1.0, 0.0], [1.0, 1.0]) == skm.auc([1.0, 0.0], [1.0, 1.0]) == 1.0
    with pytest.raises(ValueError, match="neither increasing nor decreasing"):
        metrics.auc([0.0, 1.0, 0.5], [0.0, 1.0, 1.0])


@pytest.mark.parametrize("call, match", [
    (lambda: metrics.accuracy_score([0, 1], [0.2, 0.9]), "looks like probabilities"),
    (lambda: metrics.accuracy_score([0, 1, 1], [0, 1]), "3 labels but y_pred has 2"),
    (lambda: metrics.accuracy_score(np.zeros((3, 2)), np.zeros((3, 2))), "argmax"),
    (lambda: metrics.precision_score([0, 1, 2], [0, 1, 1]), "average='binary'"),
    (lambda: metrics.precision_score([0, 2], [0, 2]), "pos_label=1 is not one of the labels"),
    (lambda: metrics.f1_score([0, 1], [0, 1], average="mean"), "average must be one of"),
    (lambda: metrics.f1_score([0, 1], [0, 1], zero_division=2), "zero_division"),
    (lambda: metrics.roc_auc_score([0, 1], np.ones((2, 2))), r"proba\[:, 1\]"),
    (lambda: metrics.roc_curve([0, 1, 2], [0.1, 0.2, 0.3]), "only binary"),
    (lambda: metrics.roc_curve(["a", "b"], [0.1, 0.2]), "pass pos_label"),
    (lambda: metrics.confusion_matrix([0, 1], [0, 1], normalize="rows"), "normalize"),
])
def test_classification_bad_input_gets_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_every_public_metric_names_its_notebook():
    for name in REGRESSION:
        assert "notebooks/07_regression.ipynb" in getattr(metrics, name).__doc__
    for name in ["accuracy_score", "precision_score", "recall_score", "f1_score",
                 "confusion_matrix", "roc_curve", "auc", "roc_auc_score"]:
        assert "notebooks/08_classification.ipynb" in getattr(metrics, name).__doc__
