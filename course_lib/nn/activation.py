"""Activation modules: thin classes over the functional pairs.

Each computes in the dtype of its (floating) input and refuses integer
inputs with a TypeError. Taught in notebooks/03_backpropagation.ipynb (their
derivatives); the modules are used from chapter 04 on.
"""

from __future__ import annotations

from course_lib import checks
from course_lib.nn.functional import activation as F
from course_lib.nn.functional import stable_softmax as F_softmax
from course_lib.nn.module import Module


class ReLU(Module):
    r""":math:`\mathrm{ReLU}(x) = \max(x, 0)`. Shapes: any -> same.

    Example:
        >>> ReLU()(np.array([[-1.0, 2.0]]))
        array([[0., 2.]])

    Taught in notebooks/04_initialization.ipynb.
    """

    def forward(self, x):
        out, cache = F.relu_forward(checks.float_array(x, self))
        return self._remember(out, cache)

    def backward(self, dout):
        return F.relu_backward(self._dout(dout), self.cache)


class Sigmoid(Module):
    r""":math:`\sigma(x) = 1 / (1 + e^{-x})`, stable for large :math:`|x|`. Shapes: any -> same.

    Taught in notebooks/04_initialization.ipynb.
    """

    def forward(self, x):
        out, cache = F.sigmoid_forward(checks.float_array(x, self))
        return self._remember(out, cache)

    def backward(self, dout):
        return F.sigmoid_backward(self._dout(dout), self.cache)


class Tanh(Module):
    r""":math:`\tanh(x)`. Shapes: any -> same.

    Taught in notebooks/04_initialization.ipynb.
    """

    def forward(self, x):
        out, cache = F.tanh_forward(checks.float_array(x, self))
        return self._remember(out, cache)

    def backward(self, dout):
        return F.tanh_backward(self._dout(dout), self.cache)


class LeakyReLU(Module):
    r""":math:`x` if :math:`x > 0` else :math:`\text{negative\_slope} \cdot x`. Shapes: any -> same.

    Taught in notebooks/04_initialization.ipynb.
    """

    def __init__(self, negative_slope: float = 0.01):
        super().__init__()
        self.negative_slope = checks.number(negative_slope, "negative_slope", "LeakyReLU")

    def forward(self, x):
        out, cache = F.leaky_relu_forward(checks.float_array(x, self), self.negative_slope)
        return self._remember(out, cache)

    def backward(self, dout):
        return F.leaky_relu_backward(self._dout(dout), self.cache)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    r""":math:`x` if :math:`x > 0` else :math:`\alpha (e^x - 1)`. Shapes: any -> same.

    Taught in notebooks/04_initialization.ipynb.
    """

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        self.alpha = checks.number(alpha, "alpha", "ELU")

    def forward(self, x):
        out, cache = F.elu_forward(checks.float_array(x, self), self.alpha)
        return self._remember(out, cache)

    def backward(self, dout):
        return F.elu_backward(self._dout(dout), self.cache)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class Softmax(Module):
    r"""Softmax along ``dim``: :math:`e^{x_i} / \sum_j e^{x_j}` (max-shifted, stable).

    Shapes: (N, C) -> (N, C) with ``dim=-1`` (each row sums to 1). For
    training, feed logits to ``CrossEntropyLoss`` instead: it fuses the
    softmax with the log and is cheaper and more accurate.

    Taught in notebooks/08_classification.ipynb.
    """

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = checks.integer(dim, "dim", "Softmax")

    def forward(self, x):
        out, cache = F_softmax.softmax_forward(checks.float_array(x, self), self.dim)
        return self._remember(out, cache)

    def backward(self, dout):
        return F_softmax.softmax_backward(self._dout(dout), self.cache)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    r"""Log-softmax along ``dim``: :math:`x_i - \log \sum_j e^{x_j}` (log-sum-exp).

    Shapes: as Softmax.

    Taught in notebooks/08_classification.ipynb.
    """

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = checks.integer(dim, "dim", "LogSoftmax")

    def forward(self, x):
        out, cache = F_softmax.log_softmax_forward(checks.float_array(x, self), self.dim)
        return self._remember(out, cache)

    def backward(self, dout):
        return F_softmax.log_softmax_backward(self._dout(dout), self.cache)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
