"""The reference functions of exercise 08 (solutions/08_evaluation.ipynb), for its test cells.

Each function has the exercise's name and signature and is computed with course_lib's
own metrics, data and loss code, so that a task is graded on its own
(``graded_alone(roc_auc, evaluation_references)`` makes a learner's ``roc_auc`` call
this ``roc_points``) and the tests have expected values. Taught in no notebook: the
exercise's test cells use it, in the grading kernel, so it imports only NumPy and
course_lib's NumPy code.

``own_code`` refuses a graded function that reaches course_lib (or scikit-learn,
SciPy or PyTorch, which have the same functions) from its own code, such as
``from course_lib.metrics import roc_curve`` and a ``def`` that calls it: the
exercise asks for the computation, not for a call to a library's answer.
"""

from __future__ import annotations

import types

import numpy as np

from course_lib import metrics
from course_lib.data import kfold
from course_lib.nn.functional import loss as F_loss

__all__ = ["LIBRARIES_WITH_THE_ANSWERS", "evaluation_references", "own_code"]

#: Packages a graded function of this exercise may not call: they hold the answers.
LIBRARIES_WITH_THE_ANSWERS = ("course_lib", "sklearn", "scipy", "torch")


def _confusion_matrix(y_true, y_pred, n_classes):
    """(n_classes, n_classes) int64 counts: rows the true class, columns the predicted one."""
    return metrics.confusion_matrix(y_true, y_pred, labels=np.arange(n_classes))


def _precision_recall_f1(matrix, average="binary"):
    """(precision, recall, F1) of class 1 ("binary") or the unweighted means over the classes
    ("macro"), from a confusion matrix; 0.0 where a ratio is 0/0."""
    matrix = np.asarray(matrix)
    y_true = np.repeat(np.arange(len(matrix)), matrix.sum(axis=1))
    y_pred = np.concatenate([np.repeat(np.arange(len(matrix)), row) for row in matrix])
    options = {"average": average, "zero_division": 0}
    if average == "macro":
        options["labels"] = list(range(len(matrix)))
    return (metrics.precision_score(y_true, y_pred, **options),
            metrics.recall_score(y_true, y_pred, **options),
            metrics.f1_score(y_true, y_pred, **options))


def _roc_points(y_true, scores):
    """(fpr, tpr, thresholds), float64, one point per distinct score and (0, 0) first."""
    fpr, tpr, thresholds = metrics.roc_curve(np.asarray(y_true), np.asarray(scores, float))
    return fpr, tpr, thresholds


def _roc_auc(y_true, scores):
    """The area under the ROC curve by the trapezoid rule (ties count one half)."""
    return metrics.roc_auc_score(np.asarray(y_true), np.asarray(scores, float))


def _stratified_kfold(y, k, rng):
    """k (train, val) pairs of sorted int64 indices, stratified, shuffled with rng."""
    return kfold(np.asarray(y), k, rng=rng, stratify=True)


def _bce_with_logits(logits, targets, pos_weight=1.0):
    """The mean binary cross-entropy on logits, computed stably, as a float."""
    loss, _ = F_loss.binary_cross_entropy_with_logits_forward(
        np.asarray(logits, float), np.asarray(targets, float), "mean", pos_weight=pos_weight)
    return float(loss)


def _bce_with_logits_grad(logits, targets, pos_weight=1.0):
    """d mean BCE / d logits, of the logits' shape and dtype."""
    logits = np.asarray(logits)
    _, cache = F_loss.binary_cross_entropy_with_logits_forward(
        logits, np.asarray(targets, logits.dtype), "mean", pos_weight=pos_weight)
    return F_loss.binary_cross_entropy_with_logits_backward(1.0, cache).astype(logits.dtype)


def _log_uniform(low, high, size, rng):
    """size values with log10 uniform in [log10 low, log10 high], from rng."""
    from course_lib.search import log_uniform

    return np.asarray(log_uniform(low, high, size, rng=rng), dtype=np.float64)


evaluation_references = types.SimpleNamespace(
    confusion_matrix=_confusion_matrix,
    precision_recall_f1=_precision_recall_f1,
    roc_points=_roc_points,
    roc_auc=_roc_auc,
    stratified_kfold=_stratified_kfold,
    bce_with_logits=_bce_with_logits,
    bce_with_logits_grad=_bce_with_logits_grad,
    log_uniform=_log_uniform,
)


def _reached_names(code: types.CodeType):
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):  # comprehensions, lambdas, nested functions
            yield from _reached_names(const)
        elif isinstance(const, str) and _forbidden(const):  # importlib.import_module("...")
            yield const


def _contents(cell):
    try:
        return cell.cell_contents
    except ValueError:  # a cell not filled yet
        return None


def _forbidden(name: str) -> bool:
    return name.split(".")[0] in LIBRARIES_WITH_THE_ANSWERS


def own_code(function) -> bool:
    """True unless ``function`` reaches one of ``LIBRARIES_WITH_THE_ANSWERS``: through a
    global name bound to one of their modules or objects, or by importing one of them in
    its body (``from sklearn.metrics import roc_curve`` inside the ``def``).

    Checks the learner's function as written (before ``graded_alone``), including
    the comprehensions and nested functions in its body. Calls to the learner's own
    functions, NumPy and the standard library are fine.

    Example:
        >>> from course_lib.metrics import roc_curve
        >>> def roc_points(y, s):
        ...     return roc_curve(y, s)
        >>> own_code(roc_points)
        False
    """
    if not isinstance(function, types.FunctionType):
        return False
    names = set(_reached_names(function.__code__))
    if any(_forbidden(name) for name in names):  # an import in the body, or module.attribute
        return False
    values = [function.__globals__.get(name) for name in names]
    values += [_contents(cell) for cell in function.__closure__ or ()]  # an enclosing def's
    for value in values:
        module = value.__name__ if isinstance(value, types.ModuleType) else \
            getattr(value, "__module__", None)
        if isinstance(module, str) and _forbidden(module):
            return False
    return True
