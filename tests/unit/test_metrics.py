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
                 "confusion_matrix", "roc_curve", "auc", "roc_auc_score", "precision_recall_curve",
                 "average_precision_score", "binomial_confidence_interval",
                 "samples_for_margin", "samples_for_difference"]:
        assert "notebooks/08_classification.ipynb" in getattr(metrics, name).__doc__


# ---- precision-recall curve and average precision (chapter 08) ----------------------------
@given(seed=st.integers(0, 2**31), n=st.integers(2, 50), ties=st.booleans())
def test_precision_recall_curve_and_average_precision_match_sklearn(seed, n, ties):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, n)
    y_true[:2] = [0, 1]
    y_score = rng.integers(0, 5, n) / 4 if ties else rng.normal(size=n) + y_true
    ours = metrics.precision_recall_curve(y_true, y_score)
    theirs = skm.precision_recall_curve(y_true, y_score)
    for a, b in zip(ours, theirs, strict=True):
        assert a.shape == b.shape
        assert_close(a, b)
    assert_close(metrics.average_precision_score(y_true, y_score),
                 skm.average_precision_score(y_true, y_score))


def test_precision_recall_curve_without_positives_warns_like_sklearn():
    with pytest.warns(UndefinedMetricWarning, match="No positive samples"):
        precision, recall, _ = metrics.precision_recall_curve([0, 0, 0], [0.1, 0.5, 0.9])
    assert recall.tolist() == [1.0, 1.0, 1.0, 0.0] and precision.tolist() == [0, 0, 0, 1.0]


def test_average_precision_of_a_perfect_and_of_a_reversed_ranking():
    assert metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert metrics.average_precision_score([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == \
        pytest.approx(skm.average_precision_score([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]))


# ---- uncertainty of an accuracy (chapter 08) ------------------------------------------------
@pytest.mark.parametrize("k, n", [(0, 10), (3, 10), (10, 10), (110, 114), (57, 114), (1, 1)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_interval_matches_scipy(k, n, level):
    from scipy.stats import binomtest

    expected = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    low, high = metrics.binomial_confidence_interval(k, n, level=level)
    assert low == pytest.approx(expected.low, abs=1e-12)
    assert high == pytest.approx(expected.high, abs=1e-12)


def test_the_normal_interval_is_the_textbook_formula_clipped_to_0_1():
    low, high = metrics.binomial_confidence_interval(90, 100, method="normal")
    half = 1.959963984540054 * np.sqrt(0.9 * 0.1 / 100)
    assert (low, high) == (pytest.approx(0.9 - half), pytest.approx(0.9 + half))
    assert metrics.binomial_confidence_interval(100, 100, method="normal") == (1.0, 1.0)
    low, high = metrics.binomial_confidence_interval(100, 100)     # Wilson: not a point
    assert 0.95 < low < 1.0 and high == 1.0


def test_wilson_covers_the_true_proportion_about_as_often_as_promised():
    rng = np.random.default_rng(0)
    for p, n in [(0.97, 114), (0.5, 40), (0.9, 300)]:
        k = rng.binomial(n, p, size=20_000)
        low, high = metrics.binomial_confidence_interval(k, n)
        assert low.shape == high.shape == (20_000,)
        coverage = np.mean((low <= p) & (p <= high))
        assert 0.92 < coverage < 0.98, (p, n, coverage)
    k = rng.binomial(114, 0.97, size=20_000)
    low, high = metrics.binomial_confidence_interval(k, 114, method="normal")
    assert np.mean((low <= 0.97) & (0.97 <= high)) < 0.9     # Wald's interval is too narrow here


def test_samples_for_margin_and_for_difference_follow_their_formulas():
    z = 1.959963984540054
    assert metrics.samples_for_margin(0.95, 0.01) == int(np.ceil(z**2 * 0.95 * 0.05 / 0.01**2))
    assert metrics.samples_for_margin(0.5, 0.05) == int(np.ceil(z**2 * 0.25 / 0.05**2))
    # with that many samples, the Wilson half-width is at most about the margin
    n = metrics.samples_for_margin(0.9, 0.02)
    low, high = metrics.binomial_confidence_interval(round(0.9 * n), n)
    assert (high - low) / 2 == pytest.approx(0.02, rel=0.02)
    z_power = 0.8416212335729143
    p1, p2 = 0.95, 0.96
    spread = z * np.sqrt(2 * 0.955 * 0.045) + z_power * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    expected = spread**2
    assert metrics.samples_for_difference(p1, p2) == int(np.ceil(expected / 0.01**2))
    assert metrics.samples_for_difference(0.8, 0.9) == metrics.samples_for_difference(0.9, 0.8)
    assert metrics.samples_for_difference(0.8, 0.9, power=0.9) > \
        metrics.samples_for_difference(0.8, 0.9)


def test_samples_for_difference_gives_the_promised_power_in_simulation():
    rng = np.random.default_rng(1)
    n = metrics.samples_for_difference(0.8, 0.85)
    a, b = rng.binomial(n, 0.8, 20_000), rng.binomial(n, 0.85, 20_000)
    pooled = (a + b) / (2 * n)
    z = (b - a) / n / np.sqrt(2 * pooled * (1 - pooled) / n)
    assert 0.78 < np.mean(np.abs(z) > 1.959963984540054) < 0.82


@pytest.mark.parametrize("call, error", [
    (lambda: metrics.binomial_confidence_interval(0.9, 100), TypeError),
    (lambda: metrics.binomial_confidence_interval(101, 100), ValueError),
    (lambda: metrics.binomial_confidence_interval(-1, 100), ValueError),
    (lambda: metrics.binomial_confidence_interval(5, 0), ValueError),
    (lambda: metrics.binomial_confidence_interval(5, 10, level=1.0), ValueError),
    (lambda: metrics.binomial_confidence_interval(5, 10, method="exact"), ValueError),
    (lambda: metrics.samples_for_margin(0.9, 0.0), ValueError),
    (lambda: metrics.samples_for_margin("0.9", 0.01), TypeError),
    (lambda: metrics.samples_for_difference(0.9, 0.9), ValueError),
    (lambda: metrics.samples_for_difference(0.9, 0.8, power=1.0), ValueError),
])
def test_uncertainty_helpers_check_their_arguments(call, error):
    with pytest.raises(error):
        call()
