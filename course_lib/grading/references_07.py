"""The course's answers to exercise 07 (regression), for grading each task on its own.

``regression_references`` holds, in task order and with the exercise's names and
signatures, the course's version of every function (and the one class) that
solutions/07_regression.ipynb asks for. The test cells pass it to
``graded_alone`` and use it for expected values. The versions are built on
course_lib's tested implementations (``course_lib.metrics``,
``course_lib.nn.functional``, ``course_lib.data``), with the exercise's
conventions:

- every metric takes 1-D arrays (N,) and returns a Python float computed in float64;
- ``msle`` raises ValueError on any negative value; ``mape`` divides by
  ``max(|y|, eps)`` with the float64 machine epsilon and returns a fraction;
- ``huber_loss`` is the mean over all entries, ``huber_grad`` its gradient with
  respect to ``pred`` (shape and dtype of ``pred``);
- ``Standardizer`` stores float64 ``mean_`` and ``std_`` (population std, a constant
  column gets 1) and transforms in the input's dtype;
- ``impute_mean(X_train, X)`` fills NaN with the training columns' means;
- ``one_hot(values, categories)`` gives float32 rows, zeros for unknown values.

Used by the test cells of solutions/07_regression.ipynb (and so of exercises/);
taught in no notebook. It runs in the grading kernel: NumPy and course_lib only.
"""

from __future__ import annotations

import types

import numpy as np

from course_lib import metrics
from course_lib.data.preprocessing import MeanImputer
from course_lib.data.standardize import Standardizer as _CourseStandardizer
from course_lib.nn import functional as F

__all__ = ["regression_references"]


def _r2_score(y_true, y_pred):
    """R² of 1-D predictions, in float64; a constant y_true gives 1.0 (exact) or 0.0."""
    return float(metrics.r2_score(np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)))


def _explained_variance(y_true, y_pred):
    """1 - Var(y - y_pred) / Var(y), in float64."""
    return float(metrics.explained_variance_score(np.asarray(y_true, np.float64),
                                                  np.asarray(y_pred, np.float64)))


def _msle(y_true, y_pred):
    """Mean squared log error, in float64; ValueError on any negative value."""
    return float(metrics.mean_squared_log_error(np.asarray(y_true, np.float64),
                                                np.asarray(y_pred, np.float64)))


def _mape(y_true, y_pred):
    """Mean absolute percentage error as a fraction, dividing by max(|y|, eps), in float64."""
    return float(metrics.mean_absolute_percentage_error(np.asarray(y_true, np.float64),
                                                        np.asarray(y_pred, np.float64)))


def _huber_loss(pred, target, delta=1.0):
    """Mean Huber loss over all entries."""
    return float(F.huber_loss_forward(pred, target, "mean", delta)[0])


def _huber_grad(pred, target, delta=1.0):
    """Gradient of the mean Huber loss with respect to pred: shape and dtype of pred."""
    _, cache = F.huber_loss_forward(pred, target, "mean", delta)
    return F.huber_loss_backward(1.0, cache).astype(np.asarray(pred).dtype, copy=False)


class _Standardizer:
    """fit(X_train) stores mean_ and std_; transform(X) = (X - mean_) / std_."""

    def __init__(self):
        self.mean_ = None
        self.std_ = None

    def fit(self, X):
        course = _CourseStandardizer().fit(X)
        self.mean_, self.std_ = course.mean_, course.std_
        return self

    def transform(self, X):
        X = np.asarray(X)
        return ((X - self.mean_) / self.std_).astype(X.dtype, copy=False)


_Standardizer.__name__ = _Standardizer.__qualname__ = "Standardizer"


def _impute_mean(X_train, X):
    """A copy of X with each NaN replaced by the mean of X_train's non-missing values."""
    return MeanImputer().fit(X_train).transform(X)


def _one_hot(values, categories):
    """(N, C) float32 rows: 1 where values[i] == categories[k], zeros for unknown values."""
    values, categories = np.asarray(values), np.asarray(categories)
    return (values[:, None] == categories[None, :]).astype(np.float32)


regression_references = types.SimpleNamespace(
    r2_score=_r2_score,
    explained_variance=_explained_variance,
    msle=_msle,
    mape=_mape,
    huber_loss=_huber_loss,
    huber_grad=_huber_grad,
    Standardizer=_Standardizer,
    impute_mean=_impute_mean,
    one_hot=_one_hot,
)
