"""Softmax and log-softmax along one axis, numerically stable.

Taught in notebooks/02_forward_propagation.ipynb (the max shift, log-sum-exp) and
notebooks/03_backpropagation.ipynb (their gradients); the cross-entropy loss
(``course_lib.nn.functional.loss``) fuses log-softmax with the negative log-likelihood.
"""

from __future__ import annotations

import numpy as np


def softmax(x: np.ndarray, dim: int = -1) -> np.ndarray:
    r"""Softmax :math:`s_i = e^{x_i - m} / \sum_j e^{x_j - m}` with :math:`m = \max_j x_j`.

    Subtracting the maximum changes nothing mathematically and keeps every
    exponent :math:`\le 0`, so nothing overflows. As ``torch.softmax``.

    Shapes: any (e.g. logits (N, C) with ``dim=-1``); the result has x's shape
    and sums to 1 along ``dim``.

    Example:
        >>> softmax(np.array([[1000.0, 1000.0]]))
        array([[0.5, 0.5]])

    Taught in notebooks/02_forward_propagation.ipynb.
    """
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def log_softmax(x: np.ndarray, dim: int = -1) -> np.ndarray:
    r"""Log-softmax :math:`x_i - m - \log \sum_j e^{x_j - m}` (log-sum-exp with the max shift).

    Shapes: any; the result has x's shape. As ``torch.log_softmax``.

    Example:
        >>> log_softmax(np.array([[0.0, 0.0]]))
        array([[-0.69314718, -0.69314718]])

    Taught in no notebook by this name: notebooks/02_forward_propagation.ipynb
    teaches log_softmax_forward, which computes it.
    """
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


def softmax_forward(x: np.ndarray, dim: int = -1):
    r"""Softmax along ``dim`` (see :func:`softmax`). Returns ``(out, cache)``, the cache is
    ``(out, dim)``. Shapes: any; out has x's shape.

    Taught in notebooks/03_backpropagation.ipynb.
    """
    out = softmax(x, dim)
    return out, (out, dim)


def softmax_backward(dout: np.ndarray, cache) -> np.ndarray:
    r""":math:`dx = s \odot (dout - \sum_j dout_j s_j)` along ``dim``. Shapes: as x.

    Derived in notebooks/03_backpropagation.ipynb.
    """
    out, dim = cache
    return out * (dout - (dout * out).sum(axis=dim, keepdims=True))


def log_softmax_forward(x: np.ndarray, dim: int = -1):
    r"""Log-softmax along ``dim`` (see :func:`log_softmax`). Returns ``(out, cache)``, the
    cache is ``(out, dim)``. Shapes: any; out has x's shape.

    Taught in notebooks/02_forward_propagation.ipynb.
    """
    out = log_softmax(x, dim)
    return out, (out, dim)


def log_softmax_backward(dout: np.ndarray, cache) -> np.ndarray:
    r""":math:`dx = dout - \mathrm{softmax}(x) \sum_j dout_j` along ``dim``. Shapes: as x.

    Taught in no notebook: chapter 03 derives the softmax's backward, and this one
    follows the same steps.
    """
    out, dim = cache
    return dout - np.exp(out) * dout.sum(axis=dim, keepdims=True)
