"""The fully connected (affine) layer. Taught in notebooks/03_backpropagation.ipynb."""

from __future__ import annotations

import numpy as np


def linear_forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None):
    r"""Affine map :math:`Y = X W^T + b`, as ``torch.nn.functional.linear``.

    Shapes:
        x: (N, in_features); weight: (out_features, in_features);
        bias: (out_features,) or None. Returns out: (N, out_features).

    Returns:
        ``(out, cache)``; the cache is ``(x, weight, has_bias)``.

    Derived in notebooks/03_backpropagation.ipynb.

    Example:
        >>> out, cache = linear_forward(np.ones((2, 3)), np.ones((4, 3)), np.zeros(4))
        >>> out.shape
        (2, 4)
    """
    out = x @ weight.T
    if bias is not None:
        out += bias
    return out, (x, weight, bias is not None)


def linear_backward(dout: np.ndarray, cache, *, input_grad: bool = True):
    r"""Gradients of :math:`Y = X W^T + b`.

    .. math::
        \frac{\partial L}{\partial X} = \mathrm{dout}\, W, \quad
        \frac{\partial L}{\partial W} = \mathrm{dout}^T X, \quad
        \frac{\partial L}{\partial b} = \textstyle\sum_n \mathrm{dout}_n

    Shapes:
        dout: (N, out_features). Returns ``(dx, dweight, dbias)`` with the
        shapes of x, weight and bias; ``dbias`` is None without a bias, and
        ``dx`` is None when ``input_grad=False`` (the first layer of a network,
        whose input is data, needs no gradient: it skips the largest product).

    Derived in notebooks/03_backpropagation.ipynb.
    """
    x, weight, has_bias = cache
    dx = dout @ weight if input_grad else None
    dweight = dout.T @ x
    dbias = dout.sum(axis=0) if has_bias else None
    return dx, dweight, dbias
