"""The fully connected (affine) layer. Taught in notebooks/03_backpropagation.ipynb."""

from __future__ import annotations

import numpy as np


def linear_forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None):
    r"""Affine map :math:`Y = X W^T + b`, as ``torch.nn.functional.linear``.

    Shapes:
        x: (N, in_features); weight: (out_features, in_features);
        bias: (out_features,) or None. Returns out: (N, out_features).

    Returns:
        ``(out, cache)``; the cache is ``(x, weight, bias)``.

    Example:
        >>> out, cache = linear_forward(np.ones((2, 3)), np.ones((4, 3)), np.zeros(4))
        >>> out.shape
        (2, 4)

    Derived in notebooks/03_backpropagation.ipynb.
    """
    out = x @ weight.T
    if bias is not None:
        out = out + bias
    return out, (x, weight, bias)


def linear_backward(dout: np.ndarray, cache):
    r"""Gradients of :math:`Y = X W^T + b`.

    .. math::
        \frac{\partial L}{\partial X} = \mathrm{dout}\, W, \quad
        \frac{\partial L}{\partial W} = \mathrm{dout}^T X, \quad
        \frac{\partial L}{\partial b} = \textstyle\sum_n \mathrm{dout}_n

    Shapes:
        dout: (N, out_features). Returns ``(dx, dweight, dbias)`` with the
        shapes of x, weight and bias; ``dbias`` is None without a bias.

    Example:
        >>> out, cache = linear_forward(np.ones((2, 3)), np.ones((4, 3)), np.zeros(4))
        >>> [g.shape for g in linear_backward(np.ones((2, 4)), cache)]
        [(2, 3), (4, 3), (4,)]

    Derived in notebooks/03_backpropagation.ipynb.
    """
    x, weight, bias = cache
    dx = dout @ weight
    dweight = dout.T @ x
    dbias = None if bias is None else dout.sum(axis=0)
    return dx, dweight, dbias
