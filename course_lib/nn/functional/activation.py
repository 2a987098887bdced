"""Element-wise activations and their derivatives.

Taught in notebooks/03_backpropagation.ipynb (the derivative of each one) and
chapter 04 (notebooks/04_initialization.ipynb: how they shape
activations through depth).
Each backward returns ``dx`` (one array, same shape as ``x``).
"""

from __future__ import annotations

import numpy as np


def relu_forward(x: np.ndarray):
    r"""ReLU: :math:`\max(x, 0)`, element-wise. Shapes: any; out has x's shape.

    Returns ``(out, cache)``; the cache is ``out``. Taught in
    notebooks/03_backpropagation.ipynb.
    """
    out = np.maximum(x, 0)
    return out, out


def relu_backward(dout: np.ndarray, cache) -> np.ndarray:
    r""":math:`dx = dout \cdot 1[x > 0]` (0 at x = 0, as in PyTorch). Shapes: as x.

    Derived in notebooks/03_backpropagation.ipynb.
    """
    out = cache
    return dout * (out > 0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    r"""Logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, computed stably.

    With :math:`e = e^{-|x|} \in (0, 1]` (never overflows):
    :math:`\sigma(x) = 1/(1+e)` for :math:`x \ge 0` and :math:`e/(1+e)` otherwise.
    Shapes: any; the result has x's shape and dtype. The course's one sigmoid:
    every other part of course_lib calls this one.

    Example:
        >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        array([0. , 0.5, 1. ])

    Taught in notebooks/02_forward_propagation.ipynb.
    """
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def softplus(x: np.ndarray) -> np.ndarray:
    r"""Softplus :math:`\log(1 + e^{x})`, computed stably as
    :math:`\max(x, 0) + \log(1 + e^{-|x|})`.

    It is :math:`-\log \sigma(-x)`, the building block of the binary cross-entropy:
    :math:`-\log \sigma(z) = \mathrm{softplus}(-z)` and
    :math:`-\log(1 - \sigma(z)) = \mathrm{softplus}(z)`. Shapes: any; the result has
    x's shape and dtype.

    Example:
        >>> softplus(np.array([-1000.0, 0.0, 1000.0])).round(4).tolist()
        [0.0, 0.6931, 1000.0]

    Taught in notebooks/08_classification.ipynb (the binary
    cross-entropy on logits).
    """
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def sigmoid_forward(x: np.ndarray):
    r"""Logistic sigmoid :math:`\sigma(x)` (see :func:`sigmoid`). Shapes: any; out has x's shape.

    Returns ``(out, cache)``; the cache is ``out``. Taught in notebooks/03_backpropagation.ipynb.
    """
    out = sigmoid(x)
    return out, out


def sigmoid_backward(dout: np.ndarray, cache) -> np.ndarray:
    r""":math:`dx = dout \cdot \sigma(x)(1 - \sigma(x))`. Shapes: as x.

    Derived in notebooks/03_backpropagation.ipynb.
    """
    out = cache
    return dout * out * (1 - out)


def tanh_forward(x: np.ndarray):
    r"""Hyperbolic tangent, element-wise. Shapes: any. Returns ``(out, out)``.

    Taught in notebooks/03_backpropagation.ipynb.
    """
    out = np.tanh(x)
    return out, out


def tanh_backward(dout: np.ndarray, cache) -> np.ndarray:
    r""":math:`dx = dout \cdot (1 - \tanh^2 x)`. Shapes: as x.

    Derived in notebooks/03_backpropagation.ipynb.
    """
    out = cache
    return dout * (1 - out * out)


def leaky_relu_forward(x: np.ndarray, negative_slope: float = 0.01):
    r"""Leaky ReLU: :math:`x` if :math:`x > 0`, else :math:`\text{negative\_slope} \cdot x`.

    Shapes: any; out has x's shape. Returns ``(out, cache)``, the cache is
    ``(x, negative_slope)``. Taught in notebooks/03_backpropagation.ipynb.
    """
    out = np.where(x > 0, x, negative_slope * x)
    return out, (x, negative_slope)


def leaky_relu_backward(dout: np.ndarray, cache) -> np.ndarray:
    r""":math:`dx = dout` where :math:`x > 0`, else :math:`\text{negative\_slope} \cdot dout`.

    Derived in notebooks/03_backpropagation.ipynb.
    """
    x, negative_slope = cache
    return np.where(x > 0, dout, negative_slope * dout)


def elu_forward(x: np.ndarray, alpha: float = 1.0):
    r"""ELU: :math:`x` if :math:`x > 0`, else :math:`\alpha (e^x - 1)`.

    Shapes: any; out has x's shape. Returns ``(out, cache)``, the cache is
    ``(x, out, alpha)``. Taught in notebooks/03_backpropagation.ipynb.
    """
    # expm1 only of the non-positive part, so large positive x cannot overflow.
    out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
    return out, (x, out, alpha)


def elu_backward(dout: np.ndarray, cache) -> np.ndarray:
    r""":math:`dx = dout` where :math:`x > 0`, else :math:`dout \cdot \alpha e^x`.

    For :math:`x \le 0`, :math:`\alpha e^x = out + \alpha`, so the cached output is reused.

    Derived in notebooks/03_backpropagation.ipynb.
    """
    x, out, alpha = cache
    return np.where(x > 0, dout, dout * (out + alpha))
