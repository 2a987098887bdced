"""Loss functions: the value and its gradient with respect to the prediction.

Every loss takes ``reduction`` = "mean" (PyTorch's default), "sum" or "none"
(per-element, or per-sample for cross-entropy). The backward returns
d loss / d prediction (one array of the prediction's shape); targets are data
and get no gradient. Taught in notebooks/03_backpropagation.ipynb (MSE,
cross-entropy), notebooks/07_regression.ipynb (L1, Huber) and
notebooks/08_classification.ipynb (binary cross-entropy with logits).
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.nn._validation import (
    binary_target,
    check_number,
    check_reduction,
    class_index_target,
    regression_target,
)
from course_lib.nn.functional.activation import sigmoid_forward


def _reduce(elementwise: np.ndarray, reduction: str):
    if reduction == "mean":
        return elementwise.mean()
    if reduction == "sum":
        return elementwise.sum()
    return elementwise


def _upstream(dout, reduction: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """The factor every element's local gradient is multiplied by: dout / n for "mean".

    ``shape`` is the shape of the unreduced loss; dout must be a scalar, or an
    array of that shape for reduction="none" (broadcasting would be a silent bug).
    """
    dout = np.asarray(dout, dtype=dtype)
    expected = shape if reduction == "none" else ()
    if dout.shape != expected:
        raise ValueError(
            f"the loss's backward got dout of shape {dout.shape}, expected {expected} (the "
            f"shape of the loss with reduction={reduction!r})"
        )
    return dout / math.prod(shape) if reduction == "mean" else dout


def mse_loss_forward(pred: np.ndarray, target: np.ndarray, reduction: str = "mean"):
    r"""Mean squared error :math:`\frac{1}{n}\sum_i (\hat y_i - y_i)^2` (n: number of elements).

    Shapes: pred and target identical, any shape (e.g. (N, 1) and (N, 1));
    the target is converted to pred's dtype. Returns ``(loss, cache)``: loss
    is a scalar (an array of pred's shape for reduction="none").
    Derived in notebooks/03_backpropagation.ipynb.
    """
    check_reduction(reduction, "mse_loss_forward")
    pred, target = regression_target(pred, target, "mse_loss_forward")
    residual = pred - target
    return _reduce(residual * residual, reduction), (residual, reduction)


def mse_loss_backward(dout, cache) -> np.ndarray:
    r""":math:`d\hat y = 2(\hat y - y) \cdot dout / n` ("mean"). Shapes: as pred.

    Derived in notebooks/03_backpropagation.ipynb.
    """
    residual, reduction = cache
    return 2 * residual * _upstream(dout, reduction, residual.shape, residual.dtype)


def l1_loss_forward(pred: np.ndarray, target: np.ndarray, reduction: str = "mean"):
    r"""Mean absolute error :math:`\frac{1}{n}\sum_i |\hat y_i - y_i|`.

    Shapes as ``mse_loss_forward``. Taught in notebooks/07_regression.ipynb.
    """
    check_reduction(reduction, "l1_loss_forward")
    pred, target = regression_target(pred, target, "l1_loss_forward")
    residual = pred - target
    return _reduce(np.abs(residual), reduction), (residual, reduction)


def l1_loss_backward(dout, cache) -> np.ndarray:
    r""":math:`d\hat y = \mathrm{sign}(\hat y - y) \cdot dout / n` (0 where equal, as PyTorch).

    Derived in notebooks/07_regression.ipynb.
    """
    residual, reduction = cache
    return np.sign(residual) * _upstream(dout, reduction, residual.shape, residual.dtype)


def huber_loss_forward(pred: np.ndarray, target: np.ndarray, reduction: str = "mean",
                       delta: float = 1.0):
    r"""Huber loss: with :math:`r = \hat y - y`, :math:`\frac12 r^2` if :math:`|r| \le \delta`,
    else :math:`\delta (|r| - \frac12 \delta)`; averaged over elements.

    Quadratic near 0 (like MSE), linear in the tails (like L1), so outliers
    pull less. Shapes as ``mse_loss_forward``. Taught in notebooks/07_regression.ipynb.
    """
    check_reduction(reduction, "huber_loss_forward")
    delta = check_number(delta, "delta", "huber_loss_forward", low=0.0, low_inclusive=False)
    pred, target = regression_target(pred, target, "huber_loss_forward")
    residual = pred - target
    abs_residual = np.abs(residual)
    elementwise = np.where(abs_residual <= delta, 0.5 * residual * residual,
                           delta * (abs_residual - 0.5 * delta))
    return _reduce(elementwise, reduction), (residual, delta, reduction)


def huber_loss_backward(dout, cache) -> np.ndarray:
    r""":math:`d\hat y = \mathrm{clip}(r, -\delta, \delta) \cdot dout / n`. Shapes: as pred.

    Derived in notebooks/07_regression.ipynb.
    """
    residual, delta, reduction = cache
    return np.clip(residual, -delta, delta) * _upstream(dout, reduction, residual.shape,
                                                         residual.dtype)


def binary_cross_entropy_with_logits_forward(logits: np.ndarray, target: np.ndarray,
                                             reduction: str = "mean"):
    r"""Binary cross-entropy on logits :math:`z` (before the sigmoid), computed stably.

    :math:`-[y \log \sigma(z) + (1-y) \log(1-\sigma(z))]
    = \max(z, 0) - z y + \log(1 + e^{-|z|})`; the right-hand form never
    overflows and never takes the log of 0.

    Shapes: logits and target identical (e.g. (N,) or (N, 1)), target values
    in [0, 1]. Returns ``(loss, cache)``. Taught in notebooks/08_classification.ipynb.
    """
    check_reduction(reduction, "binary_cross_entropy_with_logits_forward")
    logits, target = binary_target(logits, target, "binary_cross_entropy_with_logits_forward")
    elementwise = (np.maximum(logits, 0) - logits * target
                   + np.log1p(np.exp(-np.abs(logits))))
    return _reduce(elementwise, reduction), (logits, target, reduction)


def binary_cross_entropy_with_logits_backward(dout, cache) -> np.ndarray:
    r""":math:`dz = (\sigma(z) - y) \cdot dout / n` ("mean"). Shapes: as logits.

    Derived in notebooks/08_classification.ipynb.
    """
    logits, target, reduction = cache
    probabilities, _ = sigmoid_forward(logits)
    return (probabilities - target) * _upstream(dout, reduction, logits.shape, logits.dtype)


def cross_entropy_forward(logits: np.ndarray, target: np.ndarray, reduction: str = "mean"):
    r"""Softmax cross-entropy on logits with integer class targets, as ``F.cross_entropy``.

    Per sample :math:`\ell_n = -\log \mathrm{softmax}(z_n)_{y_n}
    = \log \sum_c e^{z_{nc} - m_n} - (z_{n y_n} - m_n)` with :math:`m_n = \max_c z_{nc}`
    (log-sum-exp: no overflow for large logits); "mean" averages over the N samples.

    Shapes: logits (N, C) float; target (N,) integers in 0..C-1 (class
    indices, not one-hot). Returns ``(loss, cache)``; loss has shape (N,)
    for reduction="none". Derived in notebooks/03_backpropagation.ipynb.
    """
    check_reduction(reduction, "cross_entropy_forward")
    logits, target = class_index_target(logits, target, "cross_entropy_forward")
    rows = np.arange(len(logits))
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp_shifted = np.exp(shifted)
    sum_exp = exp_shifted.sum(axis=1)
    per_sample = np.log(sum_exp) - shifted[rows, target]
    return _reduce(per_sample, reduction), (exp_shifted, sum_exp, target, reduction)


def cross_entropy_backward(dout, cache) -> np.ndarray:
    r""":math:`dz_n = (\mathrm{softmax}(z_n) - \mathrm{onehot}(y_n)) \cdot dout / N` ("mean").

    Shapes: dout scalar ((N,) for "none") -> dlogits (N, C).

    Derived in notebooks/03_backpropagation.ipynb.
    """
    exp_shifted, sum_exp, target, reduction = cache
    dlogits = exp_shifted / sum_exp[:, None]
    dlogits[np.arange(len(target)), target] -= 1
    scale = _upstream(dout, reduction, target.shape, dlogits.dtype)
    dlogits *= scale[:, None] if reduction == "none" else scale
    return dlogits
