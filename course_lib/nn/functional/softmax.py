"""Softmax and log-softmax along one axis, numerically stable.

Taught in notebooks/03_backpropagation.ipynb; the cross-entropy loss
(``course_lib.nn.functional.loss``) fuses log-softmax with the negative log-likelihood.
"""

from __future__ import annotations

import numpy as np


def softmax_forward(x: np.ndarray, dim: int = -1):
    r"""Softmax :math:`s_i = e^{x_i - m} / \sum_j e^{x_j - m}` with :math:`m = \max_j x_j`.

    Subtracting the maximum changes nothing mathematically and keeps every
    exponent :math:`\le 0`, so nothing overflows.

    Shapes: any (e.g. logits (N, C) with ``dim=-1``); out has x's shape and
    sums to 1 along ``dim``. Returns ``(out, cache)``, the cache is ``(out, dim)``.
    Taught in notebooks/03_backpropagation.ipynb.
    """
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    out = e / e.sum(axis=dim, keepdims=True)
    return out, (out, dim)


def softmax_backward(dout: np.ndarray, cache) -> np.ndarray:
    r""":math:`dx = s \odot (dout - \sum_j dout_j s_j)` along ``dim``. Shapes: as x.

    Derived in notebooks/03_backpropagation.ipynb.
    """
    out, dim = cache
    return out * (dout - (dout * out).sum(axis=dim, keepdims=True))


def log_softmax_forward(x: np.ndarray, dim: int = -1):
    r"""Log-softmax :math:`x_i - m - \log \sum_j e^{x_j - m}` (log-sum-exp with max shift).

    Shapes: any; out has x's shape. Returns ``(out, cache)``, the cache is
    ``(out, dim)``. Taught in notebooks/03_backpropagation.ipynb.
    """
    shifted = x - x.max(axis=dim, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
    return out, (out, dim)


def log_softmax_backward(dout: np.ndarray, cache) -> np.ndarray:
    r""":math:`dx = dout - \mathrm{softmax}(x) \sum_j dout_j` along ``dim``. Shapes: as x.

    Derived in notebooks/03_backpropagation.ipynb.
    """
    out, dim = cache
    return dout - np.exp(out) * dout.sum(axis=dim, keepdims=True)
