"""Activation modules: thin classes over the functional pairs.

Each computes in the dtype of its (floating) input and refuses integer
inputs with a TypeError. Taught in notebooks/03_backpropagation.ipynb.
"""

from __future__ import annotations

import numpy as np

from course_lib.nn import functional as F
from course_lib.nn._validation import (
    FORWARD_NOT_RUN,
    check_dout_shape,
    check_number,
    float_input,
    require_cache,
)
from course_lib.nn.module import Module


class _Activation(Module):
    """Shared plumbing: remember the cache of the last forward, check dout's shape."""

    def __init__(self):
        super().__init__()
        self._cache = FORWARD_NOT_RUN
        self._out_shape = None

    def _store(self, out: np.ndarray, cache) -> np.ndarray:
        self._cache, self._out_shape = cache, out.shape
        return out

    def _dout(self, dout) -> tuple[object, np.ndarray]:
        cache = require_cache(self, self._cache)
        dout = np.asarray(dout)
        check_dout_shape(self, dout, self._out_shape)
        return cache, dout


class ReLU(_Activation):
    r""":math:`\mathrm{ReLU}(x) = \max(x, 0)`. Shapes: any -> same.

    Example:
        >>> ReLU()(np.array([[-1.0, 2.0]]))
        array([[0., 2.]])

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def forward(self, x):
        return self._store(*F.relu_forward(float_input(x, self)))

    def backward(self, dout):
        cache, dout = self._dout(dout)
        return F.relu_backward(dout, cache)


class Sigmoid(_Activation):
    r""":math:`\sigma(x) = 1 / (1 + e^{-x})`, stable for large :math:`|x|`. Shapes: any -> same.

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def forward(self, x):
        return self._store(*F.sigmoid_forward(float_input(x, self)))

    def backward(self, dout):
        cache, dout = self._dout(dout)
        return F.sigmoid_backward(dout, cache)


class Tanh(_Activation):
    r""":math:`\tanh(x)`. Shapes: any -> same.

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def forward(self, x):
        return self._store(*F.tanh_forward(float_input(x, self)))

    def backward(self, dout):
        cache, dout = self._dout(dout)
        return F.tanh_backward(dout, cache)


class LeakyReLU(_Activation):
    r""":math:`x` if :math:`x > 0` else :math:`\text{negative\_slope} \cdot x`. Shapes: any -> same.

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def __init__(self, negative_slope: float = 0.01):
        super().__init__()
        self.negative_slope = check_number(negative_slope, "negative_slope", "LeakyReLU")

    def forward(self, x):
        x = float_input(x, self)
        return self._store(*F.leaky_relu_forward(x, self.negative_slope))

    def backward(self, dout):
        cache, dout = self._dout(dout)
        return F.leaky_relu_backward(dout, cache)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(_Activation):
    r""":math:`x` if :math:`x > 0` else :math:`\alpha (e^x - 1)`. Shapes: any -> same.

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        self.alpha = check_number(alpha, "alpha", "ELU")

    def forward(self, x):
        return self._store(*F.elu_forward(float_input(x, self), self.alpha))

    def backward(self, dout):
        cache, dout = self._dout(dout)
        return F.elu_backward(dout, cache)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class Softmax(_Activation):
    r"""Softmax along ``dim``: :math:`e^{x_i} / \sum_j e^{x_j}` (max-shifted, stable).

    Shapes: (N, C) -> (N, C) with ``dim=-1`` (each row sums to 1). For
    training, feed logits to ``CrossEntropyLoss`` instead: it fuses the
    softmax with the log and is cheaper and more accurate.

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return self._store(*F.softmax_forward(float_input(x, self), self.dim))

    def backward(self, dout):
        cache, dout = self._dout(dout)
        return F.softmax_backward(dout, cache)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(_Activation):
    r"""Log-softmax along ``dim``: :math:`x_i - \log \sum_j e^{x_j}` (log-sum-exp).

    Shapes: as Softmax.

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return self._store(*F.log_softmax_forward(float_input(x, self), self.dim))

    def backward(self, dout):
        cache, dout = self._dout(dout)
        return F.log_softmax_backward(dout, cache)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
