r"""Regression and classification metrics, written out by hand.

Regression metrics are taught in notebooks/07_regression.ipynb,
classification metrics in notebooks/08_classification.ipynb.
Names, arguments and results
follow scikit-learn's ``sklearn.metrics``, which the tests use as the reference.

Regression metrics take ``y_true`` and ``y_pred`` of shape ``(N,)`` or
``(N, K)`` (K outputs, averaged uniformly unless ``multioutput="raw_values"``)
and return a float. Classification metrics take label arrays of shape
``(N,)`` (ints, bools or strings); scores for ROC are real numbers, shape ``(N,)``.

Edge cases (documented per function):

- a constant ``y_true`` makes :math:`R^2` and explained variance 0/0: the
  result is 1.0 for a perfect prediction and 0.0 otherwise (scikit-learn's
  ``force_finite=True``);
- MSLE / RMSLE raise ValueError on negative values (scikit-learn accepts
  values in (-1, 0); a negative count or price is a data error worth seeing);
- MAPE divides by :math:`\max(|y|, \epsilon)` with :math:`\epsilon` the float64
  machine epsilon, so a zero target gives a huge but finite error (as scikit-learn);
- precision, recall and F1 with a zero denominator (e.g. no predicted
  positives) return ``zero_division`` (default ``"warn"``: 0.0 and an
  :class:`UndefinedMetricWarning`, as scikit-learn);
- ROC AUC with a single class in ``y_true`` warns and returns NaN (as scikit-learn).
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from course_lib import checks


class UndefinedMetricWarning(UserWarning):
    """A metric is 0/0 for these inputs; the documented fallback value was used.

    Taught in no notebook by this name: chapter 08 meets it as the warning of a
    precision with no predicted positives.
    """


# =========================================================================================
# Regression (chapter 07)
# =========================================================================================
def _regression_targets(y_true, y_pred, multioutput, name):
    checks.choice(multioutput, ("uniform_average", "raw_values"), "multioutput", name)
    y_true = checks.real_array(y_true, "y_true", name).astype(np.float64)
    y_pred = checks.real_array(y_pred, "y_pred", name).astype(np.float64)
    if y_true.ndim == 1:
        y_true = y_true[:, None]
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    if y_true.ndim != 2 or y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: y_true and y_pred must have the same shape (N,) or (N, outputs); got "
            f"{np.shape(y_true)} and {np.shape(y_pred)}"
        )
    if y_true.shape[0] == 0:
        raise ValueError(f"{name}: got empty arrays; a metric needs at least one sample")
    if not (np.isfinite(y_true).all() and np.isfinite(y_pred).all()):
        raise ValueError(f"{name}: y_true or y_pred contains NaN or infinity")
    return y_true, y_pred


def _average(per_output: np.ndarray, multioutput: str):
    if multioutput == "raw_values":
        return per_output
    return float(per_output.mean())


def mean_squared_error(y_true, y_pred, *, multioutput="uniform_average"):
    r"""Mean squared error :math:`\frac1N \sum_i (y_i - \hat y_i)^2`.

    Args:
        y_true, y_pred: arrays of shape (N,) or (N, K).
        multioutput: ``"uniform_average"`` (a float) or ``"raw_values"`` (shape (K,)).

    Example:
        >>> mean_squared_error([1.0, 2.0], [1.5, 2.0])
        0.125

    Taught in notebooks/07_regression.ipynb.
    """
    y_true, y_pred = _regression_targets(y_true, y_pred, multioutput, "mean_squared_error")
    return _average(((y_true - y_pred) ** 2).mean(axis=0), multioutput)


def root_mean_squared_error(y_true, y_pred, *, multioutput="uniform_average"):
    r"""Root mean squared error :math:`\sqrt{\frac1N \sum_i (y_i - \hat y_i)^2}`,
    in the units of :math:`y` (per output, then averaged).

    Taught in notebooks/07_regression.ipynb.
    """
    y_true, y_pred = _regression_targets(y_true, y_pred, multioutput, "root_mean_squared_error")
    per_output = np.sqrt(((y_true - y_pred) ** 2).mean(axis=0))
    return _average(per_output, multioutput)


def mean_absolute_error(y_true, y_pred, *, multioutput="uniform_average"):
    r"""Mean absolute error :math:`\frac1N \sum_i |y_i - \hat y_i|`.

    Taught in notebooks/07_regression.ipynb.
    """
    y_true, y_pred = _regression_targets(y_true, y_pred, multioutput, "mean_absolute_error")
    return _average(np.abs(y_true - y_pred).mean(axis=0), multioutput)


def _ratio_or_finite(numerator, denominator):
    """1 - num/den, with 0/0 -> 1.0 and x/0 -> 0.0 (a constant target)."""
    score = np.ones_like(numerator)
    nonzero = denominator != 0
    score[nonzero] = 1.0 - numerator[nonzero] / denominator[nonzero]
    score[~nonzero & (numerator != 0)] = 0.0
    return score


def r2_score(y_true, y_pred, *, multioutput="uniform_average"):
    r"""Coefficient of determination
    :math:`R^2 = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2}`.

    1 is a perfect fit, 0 is as good as predicting the mean :math:`\bar y`,
    and it is negative for worse. If ``y_true`` is constant (denominator 0),
    the score is 1.0 for a perfect prediction and 0.0 otherwise. With a
    single sample it is not defined: an UndefinedMetricWarning and NaN.

    Taught in notebooks/07_regression.ipynb.
    """
    y_true, y_pred = _regression_targets(y_true, y_pred, multioutput, "r2_score")
    if len(y_true) < 2:
        warnings.warn("r2_score needs at least two samples; returning NaN.",
                      UndefinedMetricWarning, stacklevel=2)
        return float("nan")
    ss_res = ((y_true - y_pred) ** 2).sum(axis=0)
    ss_tot = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)
    return _average(_ratio_or_finite(ss_res, ss_tot), multioutput)


def explained_variance_score(y_true, y_pred, *, multioutput="uniform_average"):
    r"""Explained variance :math:`1 - \mathrm{Var}(y - \hat y) / \mathrm{Var}(y)`.

    Equals :math:`R^2` when the residuals have mean zero; unlike :math:`R^2`
    it ignores a constant offset in the predictions. A constant ``y_true``
    gives 1.0 if the residuals are constant too, else 0.0.

    Taught in notebooks/07_regression.ipynb.
    """
    y_true, y_pred = _regression_targets(y_true, y_pred, multioutput, "explained_variance_score")
    residual = y_true - y_pred
    numerator = ((residual - residual.mean(axis=0)) ** 2).mean(axis=0)
    denominator = ((y_true - y_true.mean(axis=0)) ** 2).mean(axis=0)
    return _average(_ratio_or_finite(numerator, denominator), multioutput)


def _check_non_negative(y_true, y_pred, name):
    if (y_true < 0).any() or (y_pred < 0).any():
        which = "y_true" if (y_true < 0).any() else "y_pred"
        raise ValueError(
            f"{name}: {which} contains negative values (smallest "
            f"{min(y_true.min(), y_pred.min()):g}); the logarithmic error is meant for "
            "non-negative targets such as counts or prices. Clip the predictions at 0 "
            "(np.maximum(y_pred, 0)) or use mean_squared_error."
        )


def mean_squared_log_error(y_true, y_pred, *, multioutput="uniform_average"):
    r"""Mean squared logarithmic error
    :math:`\frac1N \sum_i \big(\log(1 + y_i) - \log(1 + \hat y_i)\big)^2`.

    Penalises relative rather than absolute errors (under-prediction a bit
    more than over-prediction). Raises ValueError if any value is negative.

    Taught in notebooks/07_regression.ipynb.
    """
    y_true, y_pred = _regression_targets(y_true, y_pred, multioutput, "mean_squared_log_error")
    _check_non_negative(y_true, y_pred, "mean_squared_log_error")
    per_output = ((np.log1p(y_true) - np.log1p(y_pred)) ** 2).mean(axis=0)
    return _average(per_output, multioutput)


def root_mean_squared_log_error(y_true, y_pred, *, multioutput="uniform_average"):
    r"""Root mean squared logarithmic error
    :math:`\sqrt{\frac1N \sum_i (\log(1 + y_i) - \log(1 + \hat y_i))^2}`.

    Raises ValueError if any value is negative.

    Taught in notebooks/07_regression.ipynb.
    """
    y_true, y_pred = _regression_targets(y_true, y_pred, multioutput,
                                         "root_mean_squared_log_error")
    _check_non_negative(y_true, y_pred, "root_mean_squared_log_error")
    per_output = np.sqrt(((np.log1p(y_true) - np.log1p(y_pred)) ** 2).mean(axis=0))
    return _average(per_output, multioutput)


def mean_absolute_percentage_error(y_true, y_pred, *, multioutput="uniform_average"):
    r"""Mean absolute percentage error
    :math:`\frac1N \sum_i \frac{|y_i - \hat y_i|}{\max(|y_i|, \epsilon)}`,
    as a fraction (0.05 means 5 %).

    :math:`\epsilon` is the float64 machine epsilon (about 2.2e-16), as in
    scikit-learn: a zero target does not divide by zero but gives a huge
    error, a warning sign that MAPE does not suit targets near zero.

    Taught in notebooks/07_regression.ipynb.
    """
    y_true, y_pred = _regression_targets(y_true, y_pred, multioutput,
                                         "mean_absolute_percentage_error")
    eps = np.finfo(np.float64).eps
    per_output = (np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), eps)).mean(axis=0)
    return _average(per_output, multioutput)


# =========================================================================================
# Classification (chapter 08)
# =========================================================================================
def _labels_1d(y, name, what):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name}: {what} must be a 1-D array of labels, got shape {y.shape}. "
                         "For class scores of shape (N, C) take the labels with argmax(axis=1).")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y) & (y == np.round(y))):
        raise ValueError(
            f"{name}: {what} contains non-integer values such as {y[y != np.round(y)][:1]}; "
            "it looks like probabilities or scores. Turn them into labels first, e.g. "
            "(proba >= 0.5).astype(int) or scores.argmax(axis=1)."
        )
    return y


def _label_pair(y_true, y_pred, name):
    y_true = _labels_1d(y_true, name, "y_true")
    y_pred = _labels_1d(y_pred, name, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"{name}: y_true has {len(y_true)} labels but y_pred has {len(y_pred)}")
    if len(y_true) == 0:
        raise ValueError(f"{name}: got empty arrays; a metric needs at least one sample")
    return y_true, y_pred


def accuracy_score(y_true, y_pred):
    r"""Accuracy: the fraction of correct labels, :math:`\frac1N \sum_i [y_i = \hat y_i]`.

    Example:
        >>> accuracy_score([0, 1, 1, 0], [0, 1, 0, 0])
        0.75

    Taught in notebooks/08_classification.ipynb.
    """
    y_true, y_pred = _label_pair(y_true, y_pred, "accuracy_score")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, *, labels=None, normalize=None):
    r"""Confusion matrix :math:`C_{ij}` = number of samples of true class :math:`i`
    predicted as class :math:`j`.

    Rows are true classes, columns predicted classes, both in the order of
    ``labels`` (default: the sorted labels present in either array). For
    binary 0/1 labels this is ``[[TN, FP], [FN, TP]]``.

    Args:
        y_true, y_pred: labels, shape (N,).
        labels: the classes, in order; labels outside this list are ignored.
        normalize: None (counts), ``"true"`` (each row sums to 1), ``"pred"``
            (each column sums to 1) or ``"all"`` (the matrix sums to 1); an
            empty row or column stays 0.

    Returns:
        np.ndarray of shape (C, C): int64 counts, or float64 when normalised.

    Taught in notebooks/08_classification.ipynb.
    """
    y_true, y_pred = _label_pair(y_true, y_pred, "confusion_matrix")
    checks.choice(normalize, (None, "true", "pred", "all"), "normalize", "confusion_matrix")
    labels = np.union1d(y_true, y_pred) if labels is None else np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"confusion_matrix: labels must be a 1-D list of classes, got shape "
                         f"{labels.shape}")
    if labels.size == 0:
        raise ValueError("confusion_matrix: labels is empty")
    index = {label: i for i, label in enumerate(labels.tolist())}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist(), strict=True):
        if t in index and p in index:
            matrix[index[t], index[p]] += 1
    if normalize is None:
        return matrix
    sums = {"true": matrix.sum(axis=1, keepdims=True), "pred": matrix.sum(axis=0, keepdims=True),
            "all": matrix.sum()}
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(matrix / sums[normalize])


def _check_zero_division(zero_division, metric):
    """``zero_division`` is "warn", 0, 1 or NaN (a NaN is not equal to itself, hence apart)."""
    if isinstance(zero_division, numbers.Real) and not isinstance(zero_division, bool) \
            and math.isnan(zero_division):
        return zero_division
    return checks.choice(zero_division, ("warn", 0, 1, np.nan), "zero_division", metric)


def _zero_division_value(zero_division):
    return 0.0 if zero_division == "warn" else float(zero_division)


def _divide(numerator, denominator, zero_division, metric, reason):
    """Element-wise numerator / denominator with ``zero_division`` where denominator == 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    result = np.full(numerator.shape, _zero_division_value(zero_division))
    nonzero = denominator != 0
    result[nonzero] = numerator[nonzero] / denominator[nonzero]
    if zero_division == "warn" and not nonzero.all():
        warnings.warn(
            f"{metric} is ill-defined and set to 0.0 {reason}. Use the zero_division "
            "argument to choose the value.", UndefinedMetricWarning, stacklevel=4)
    return result


def _per_class_counts(y_true, y_pred, labels):
    """True positives, predicted counts and true counts (support) per class, shape (C,) each."""
    tp = np.array([np.sum((y_true == c) & (y_pred == c)) for c in labels])
    predicted = np.array([np.sum(y_pred == c) for c in labels])
    support = np.array([np.sum(y_true == c) for c in labels])
    return tp, predicted, support


def _precision_recall_f1(y_true, y_pred, *, average, pos_label, labels, zero_division, metric):
    y_true, y_pred = _label_pair(y_true, y_pred, metric)
    checks.choice(average, ("binary", "micro", "macro", "weighted", None), "average", metric)
    _check_zero_division(zero_division, metric)
    present = np.union1d(y_true, y_pred)
    if average == "binary":
        if len(present) > 2:
            raise ValueError(
                f"{metric}: the labels are multi-class ({present.tolist()}) but "
                "average='binary'; choose average='macro', 'micro', 'weighted' or None.")
        if len(present) == 2 and pos_label not in present.tolist():
            raise ValueError(f"{metric}: pos_label={pos_label!r} is not one of the labels "
                             f"{present.tolist()}; pass pos_label=<your positive class>.")
        labels = [pos_label]
    elif labels is None:
        labels = present.tolist()
    tp, predicted, support = _per_class_counts(y_true, y_pred, labels)
    if average == "micro":
        tp, predicted, support = tp.sum(keepdims=True), predicted.sum(keepdims=True), \
            support.sum(keepdims=True)
    if metric == "precision_score":
        values = _divide(tp, predicted, zero_division, "Precision",
                         "for labels with no predicted samples")
    elif metric == "recall_score":
        values = _divide(tp, support, zero_division, "Recall",
                         "for labels with no true samples")
    else:
        values = _divide(2 * tp, predicted + support, zero_division, "F1-score",
                         "for labels with neither true nor predicted samples")
    if average is None:
        return values
    keep = ~np.isnan(values)  # zero_division=np.nan leaves such classes out of the mean
    if not keep.any():
        return float("nan")
    values, weights = values[keep], support[keep]
    if average == "weighted" and weights.sum() > 0:
        return float(np.sum(values * weights) / np.sum(weights))
    return float(values.mean())  # also "weighted" when no kept class has true samples


_AVERAGE_DOC = """
    Args:
        y_true, y_pred: labels, shape (N,).
        average: ``"binary"`` (only ``pos_label``; the default, for two classes),
            ``"micro"`` (pool the counts of all classes; equals accuracy for
            multi-class), ``"macro"`` (unweighted mean over classes),
            ``"weighted"`` (mean weighted by each class's number of true
            samples; unweighted if none has any) or None (one value per
            class, in sorted label order).
        pos_label: the positive class for ``average="binary"``.
        labels: the classes to include (default: all present).
        zero_division: the value when the denominator is 0: ``"warn"`` (0.0
            and an UndefinedMetricWarning), 0, 1 or ``np.nan`` (left out of averages).
"""


def precision_score(y_true, y_pred, *, average="binary", pos_label=1, labels=None,
                    zero_division="warn"):
    r"""Precision :math:`\frac{TP}{TP + FP}`: of the samples predicted positive,
    the fraction that is positive. 0/0 (nothing predicted positive) gives
    ``zero_division``.
    {average}
    Taught in notebooks/08_classification.ipynb.
    """
    return _precision_recall_f1(y_true, y_pred, average=average, pos_label=pos_label,
                                labels=labels, zero_division=zero_division,
                                metric="precision_score")


def recall_score(y_true, y_pred, *, average="binary", pos_label=1, labels=None,
                 zero_division="warn"):
    r"""Recall (sensitivity, true positive rate) :math:`\frac{TP}{TP + FN}`: of
    the positive samples, the fraction found. 0/0 (no positive samples)
    gives ``zero_division``.
    {average}
    Taught in notebooks/08_classification.ipynb.
    """
    return _precision_recall_f1(y_true, y_pred, average=average, pos_label=pos_label,
                                labels=labels, zero_division=zero_division,
                                metric="recall_score")


def f1_score(y_true, y_pred, *, average="binary", pos_label=1, labels=None,
             zero_division="warn"):
    r"""F1 score, the harmonic mean of precision and recall,
    :math:`F_1 = \frac{2PR}{P + R} = \frac{2\,TP}{2\,TP + FP + FN}`.

    0/0 (no positive samples and none predicted) gives ``zero_division``.
    {average}
    Taught in notebooks/08_classification.ipynb.
    """
    return _precision_recall_f1(y_true, y_pred, average=average, pos_label=pos_label,
                                labels=labels, zero_division=zero_division, metric="f1_score")


for _metric in (precision_score, recall_score, f1_score):
    _metric.__doc__ = _metric.__doc__.replace("{average}", _AVERAGE_DOC)


def _binary_scores(y_true, y_score, pos_label, name):
    y_true = _labels_1d(y_true, name, "y_true")
    y_score = checks.real_array(y_score, "y_score", name).astype(np.float64)
    if y_score.ndim == 2 and y_score.shape[1] == 2:
        raise ValueError(f"{name}: y_score has shape {y_score.shape}; pass the score of the "
                         "positive class only, e.g. proba[:, 1]")
    if y_score.ndim != 1 or len(y_score) != len(y_true):
        raise ValueError(f"{name}: y_true and y_score must be 1-D of the same length, got "
                         f"shapes {y_true.shape} and {y_score.shape}")
    if len(y_true) == 0:
        raise ValueError(f"{name}: got empty arrays")
    if not np.isfinite(y_score).all():
        raise ValueError(f"{name}: y_score contains NaN or infinity")
    classes = np.unique(y_true).tolist()
    if len(classes) > 2:
        raise ValueError(f"{name}: only binary labels are supported, got classes {classes}")
    if pos_label is None:
        if not set(classes) <= {0, 1} and not set(classes) <= {-1, 1}:
            raise ValueError(f"{name}: labels {classes} are not 0/1 or -1/1; pass pos_label")
        pos_label = 1
    return (y_true == pos_label).astype(np.float64), y_score


def roc_curve(y_true, y_score, *, pos_label=None):
    r"""Receiver operating characteristic: false and true positive rates for every threshold.

    Predicting positive when :math:`s \ge \theta`, for each distinct score
    :math:`\theta` from the highest down:

    .. math::
        \mathrm{TPR}(\theta) = \frac{TP(\theta)}{P}, \qquad
        \mathrm{FPR}(\theta) = \frac{FP(\theta)}{N}.

    The curve starts at (0, 0) with threshold :math:`+\infty` and ends at (1, 1).
    Every distinct score is kept (scikit-learn's ``drop_intermediate=False``).
    Without negatives (or positives) FPR (or TPR) is 0/0: NaN with a warning.

    Args:
        y_true: binary labels, shape (N,).
        y_score: scores or probabilities of the positive class, shape (N,).
        pos_label: the positive class (default 1 for 0/1 or -1/1 labels).

    Returns:
        (fpr, tpr, thresholds): arrays of shape (T + 1,), T distinct scores.

    Taught in notebooks/08_classification.ipynb.
    """
    positive, y_score = _binary_scores(y_true, y_score, pos_label, "roc_curve")
    return _roc_curve(positive, y_score)


def _roc_curve(positive, y_score):
    """roc_curve of checked arrays: ``positive`` 1.0/0.0 per sample, ``y_score`` float64."""
    order = np.argsort(y_score, kind="mergesort")[::-1]
    y_score, positive = y_score[order], positive[order]
    last_of_each_score = np.r_[np.nonzero(np.diff(y_score))[0], len(y_score) - 1]
    tps = np.cumsum(positive)[last_of_each_score]
    fps = (last_of_each_score + 1) - tps
    tps, fps = np.r_[0.0, tps], np.r_[0.0, fps]
    thresholds = np.r_[np.inf, y_score[last_of_each_score]]
    fpr = _rate(fps, "No negative samples in y_true, so the false positive rate is undefined")
    tpr = _rate(tps, "No positive samples in y_true, so the true positive rate is undefined")
    return fpr, tpr, thresholds


def _rate(counts, message):
    if counts[-1] <= 0:
        warnings.warn(message, UndefinedMetricWarning, stacklevel=3)
        return np.full(counts.shape, np.nan)
    return counts / counts[-1]


def auc(x, y):
    r"""Area under a curve by the trapezoidal rule,
    :math:`\sum_k (x_{k+1} - x_k) \frac{y_{k+1} + y_k}{2}`.

    ``x`` must be monotonic (increasing or decreasing; decreasing gives the
    area as a positive number, as scikit-learn).

    Taught in notebooks/08_classification.ipynb.
    """
    x = checks.real_array(x, "x", "auc").astype(np.float64)
    y = checks.real_array(y, "y", "auc").astype(np.float64)
    if x.ndim != 1 or x.shape != y.shape or len(x) < 2:
        raise ValueError(f"auc: x and y must be 1-D of the same length >= 2, got shapes "
                         f"{x.shape} and {y.shape}")
    return _trapezoid_area(x, y)


def _trapezoid_area(x, y) -> float:
    dx = np.diff(x)
    if np.all(dx >= 0):
        direction = 1.0
    elif np.all(dx <= 0):
        direction = -1.0
    else:
        raise ValueError("auc: x is neither increasing nor decreasing, so the area is not defined")
    return float(direction * np.sum(dx * (y[1:] + y[:-1]) / 2))


def roc_auc_score(y_true, y_score, *, pos_label=None):
    r"""Area under the ROC curve: the probability that a random positive sample
    scores higher than a random negative one (ties count one half).

    0.5 is chance, 1.0 a perfect ranking. With only one class in ``y_true`` the
    ROC curve is undefined: an UndefinedMetricWarning and NaN (as scikit-learn).
    Binary only; for multi-class, average one-vs-rest AUCs yourself.

    Args:
        y_true: binary labels, shape (N,).
        y_score: scores of the positive class, shape (N,).

    Taught in notebooks/08_classification.ipynb.
    """
    positive, y_score = _binary_scores(y_true, y_score, pos_label, "roc_auc_score")
    if positive.min() == positive.max():
        warnings.warn("Only one class is present in y_true; ROC AUC is not defined, "
                      "returning NaN.", UndefinedMetricWarning, stacklevel=2)
        return float("nan")
    fpr, tpr, _ = _roc_curve(positive, y_score)
    return _trapezoid_area(fpr, tpr)


def precision_recall_curve(y_true, y_score, *, pos_label=None):
    r"""Precision and recall for every threshold, as scikit-learn's ``precision_recall_curve``.

    Predicting positive when :math:`s \ge \theta`, for each distinct score :math:`\theta`:

    .. math::
        \mathrm{precision}(\theta) = \frac{TP(\theta)}{TP(\theta) + FP(\theta)}, \qquad
        \mathrm{recall}(\theta) = \frac{TP(\theta)}{P}.

    Every distinct score is a threshold (scikit-learn's ``drop_intermediate=False``),
    from the lowest up; a last point (recall 0, precision 1) closes the curve, as
    scikit-learn does. Without positive samples recall is 0/0; it is set to 1 with a
    warning, as scikit-learn does.

    Args:
        y_true: binary labels, shape (N,).
        y_score: scores or probabilities of the positive class, shape (N,).
        pos_label: the positive class (default 1 for 0/1 or -1/1 labels).

    Returns:
        (precision, recall, thresholds): shapes (T + 1,), (T + 1,) and (T,), recall
        decreasing, thresholds increasing.

    Example:
        >>> precision, recall, thresholds = precision_recall_curve([0, 0, 1, 1],
        ...                                                        [0.1, 0.4, 0.35, 0.8])
        >>> precision.round(3).tolist(), recall.tolist(), thresholds.tolist()
        ([0.5, 0.667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0], [0.1, 0.35, 0.4, 0.8])

    Taught in notebooks/08_classification.ipynb.
    """
    positive, y_score = _binary_scores(y_true, y_score, pos_label, "precision_recall_curve")
    order = np.argsort(y_score, kind="mergesort")[::-1]
    y_score, positive = y_score[order], positive[order]
    last_of_each_score = np.r_[np.nonzero(np.diff(y_score))[0], len(y_score) - 1]
    tps = np.cumsum(positive)[last_of_each_score]
    predicted = last_of_each_score + 1.0
    thresholds = y_score[last_of_each_score]
    precision = tps / predicted  # predicted >= 1: never 0/0
    if tps[-1] == 0:
        warnings.warn("No positive samples in y_true, so recall is undefined; it is set to 1 "
                      "for every threshold", UndefinedMetricWarning, stacklevel=2)
        recall = np.ones(tps.shape)
    else:
        recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def average_precision_score(y_true, y_score, *, pos_label=None):
    r"""Average precision, the area under the precision-recall curve as a step function,
    :math:`\mathrm{AP} = \sum_k (R_k - R_{k-1})\, P_k` (scikit-learn's definition, without
    the optimistic interpolation of the trapezoidal rule).

    A random ranking scores about the fraction of positives; a perfect ranking 1.0.

    Example:
        >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
        0.8333

    Taught in notebooks/08_classification.ipynb.
    """
    precision, recall, _ = precision_recall_curve(y_true, y_score, pos_label=pos_label)
    return float(-np.sum(np.diff(recall) * precision[:-1]))


# =========================================================================================
# How sure is a measured accuracy? (notebooks/08_classification.ipynb)
# =========================================================================================
def _normal_quantile(level: float, where: str) -> float:
    """z such that a standard normal lies in [-z, z] with probability ``level``."""
    from statistics import NormalDist

    from course_lib import checks

    level = checks.number(level, "level", where, low=0, high=1, low_inclusive=False,
                          high_inclusive=False)
    return NormalDist().inv_cdf((1 + level) / 2)


def binomial_confidence_interval(successes, n, *, level=0.95, method="wilson"):
    r"""Confidence interval of a proportion, e.g. an accuracy of ``successes`` right of ``n``.

    Each test example is right or wrong, so the number right is binomial and a
    measured accuracy :math:`\hat p = k / n` has a standard error of about
    :math:`\sqrt{\hat p (1 - \hat p) / n}`. With :math:`z` the normal quantile of
    ``level`` (1.96 for 95 %):

    - ``"wilson"`` (the default, Wilson's score interval), good for every :math:`k`,
      also 0 and :math:`n`:

      .. math::
          \frac{k + z^2/2}{n + z^2} \pm \frac{z}{n + z^2}\sqrt{\frac{k (n - k)}{n} + \frac{z^2}{4}}

    - ``"normal"`` (Wald's interval), :math:`\hat p \pm z \sqrt{\hat p (1 - \hat p) / n}`
      clipped to [0, 1]: the textbook formula, too narrow near 0 and 1 (it has width 0
      when every test example is right).

    Args:
        successes: k, an integer in 0..n (or an array of them).
        n: the number of trials (test examples), >= 1.
        level: the confidence level, in (0, 1).
        method: ``"wilson"`` or ``"normal"``.

    Returns:
        ``(low, high)``: floats (or arrays of k's shape) in [0, 1].

    Example:
        >>> low, high = binomial_confidence_interval(110, 114)
        >>> round(low, 4), round(high, 4)
        (0.9132, 0.9863)

    Taught in notebooks/08_classification.ipynb.
    """
    from course_lib import checks

    where = "binomial_confidence_interval"
    n = checks.integer(n, "n", where, minimum=1)
    k = np.asarray(successes)
    if k.dtype.kind not in "iu":
        raise TypeError(f"{where}: successes must be an integer count (how many of the n were "
                        f"right), got {successes!r}; for an accuracy a, pass round(a * n)")
    if np.any(k < 0) or np.any(k > n):
        raise ValueError(f"{where}: successes must lie in 0..n = 0..{n}, got {successes!r}")
    checks.choice(method, ("wilson", "normal"), "method", where)
    z = _normal_quantile(level, where)
    k = k.astype(np.float64)
    if method == "normal":
        p = k / n
        half = z * np.sqrt(p * (1 - p) / n)
        low, high = np.clip(p - half, 0, 1), np.clip(p + half, 0, 1)
    else:
        center = (k + z**2 / 2) / (n + z**2)
        half = z / (n + z**2) * np.sqrt(k * (n - k) / n + z**2 / 4)
        low, high = np.clip(center - half, 0, 1), np.clip(center + half, 0, 1)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def samples_for_margin(p, margin, *, level=0.95) -> int:
    r"""How many test examples make the confidence interval of an accuracy near ``p``
    at most ``margin`` wide on each side: :math:`n = \lceil z^2 p (1 - p) / \text{margin}^2 \rceil`
    (the normal approximation).

    Example:
        >>> samples_for_margin(0.95, 0.01)   # +- 1 point at 95 %, 95 % confidence
        1825

    Taught in notebooks/08_classification.ipynb.
    """
    from course_lib import checks

    where = "samples_for_margin"
    p = checks.number(p, "p", where, low=0, high=1)
    margin = checks.number(margin, "margin", where, low=0, high=1, low_inclusive=False)
    z = _normal_quantile(level, where)
    return int(np.ceil(z**2 * p * (1 - p) / margin**2 - 1e-9))


def samples_for_difference(p1, p2, *, level=0.95, power=0.8) -> int:
    r"""How many test examples each of two models needs (on independent test sets) for a
    two-sided test at ``level`` to detect accuracies ``p1`` and ``p2`` apart with
    probability ``power``:

    .. math::
        n = \left\lceil \frac{\big(z_{\text{level}} \sqrt{2 \bar p (1 - \bar p)}
            + z_{\text{power}} \sqrt{p_1 (1 - p_1) + p_2 (1 - p_2)}\big)^2}{(p_1 - p_2)^2}
            \right\rceil, \qquad \bar p = \frac{p_1 + p_2}{2},

    with :math:`z_{\text{level}}` the two-sided normal quantile (1.96) and
    :math:`z_{\text{power}}` the one-sided one (0.84 for 80 %).

    Example:
        >>> samples_for_difference(0.95, 0.96)   # telling 95 % from 96 %
        6745

    Taught in notebooks/08_classification.ipynb.
    """
    from statistics import NormalDist

    from course_lib import checks

    where = "samples_for_difference"
    p1 = checks.number(p1, "p1", where, low=0, high=1)
    p2 = checks.number(p2, "p2", where, low=0, high=1)
    if p1 == p2:
        raise ValueError(f"{where}: p1 and p2 are equal ({p1}); no test size can tell them apart")
    power = checks.number(power, "power", where, low=0, high=1, low_inclusive=False,
                          high_inclusive=False)
    z_level = _normal_quantile(level, where)
    z_power = NormalDist().inv_cdf(power)
    mean = (p1 + p2) / 2
    spread = z_level * np.sqrt(2 * mean * (1 - mean)) \
        + z_power * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return int(np.ceil(spread**2 / (p1 - p2) ** 2 - 1e-9))
