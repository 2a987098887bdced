"""The fully connected layer. Taught in notebooks/03_backpropagation.ipynb (its maths);
the module is used from chapter 04 (notebooks/04_initialization.ipynb) on."""

from __future__ import annotations

import math

import numpy as np

from course_lib import checks
from course_lib.nn import init
from course_lib.nn.functional.linear import linear_backward, linear_forward
from course_lib.nn.module import Module, Parameter


class Linear(Module):
    r"""Fully connected layer :math:`Y = X W^T + b`, as ``torch.nn.Linear``.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: whether to learn an additive bias.
        rng: a ``np.random.Generator`` or int seed for the initial weights
            (None: fresh unpredictable randomness; see ``course_lib.checks``).
        dtype: dtype of the parameters (float32 by default, as PyTorch).

    Attributes:
        weight: Parameter of shape (out_features, in_features), initialised
            from :math:`\mathcal U(-1/\sqrt{\text{in}}, 1/\sqrt{\text{in}})`
            (PyTorch's default, ``kaiming_uniform_`` with ``a=sqrt(5)``).
        bias: Parameter of shape (out_features,), same distribution, or None.

    Shapes:
        input (N, in_features) -> output (N, out_features).

    Dtypes: the layer computes in its parameters' dtype. A floating input of
    another dtype is converted (so ``x / 255.`` in float64 does not slow a
    float32 model down); an integer or boolean input raises TypeError.

    Example:
        >>> layer = Linear(784, 512, rng=0)
        >>> layer(np.zeros((128, 784), dtype=np.float32)).shape
        (128, 512)

    Taught in notebooks/04_initialization.ipynb.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *,
                 rng=None, dtype=np.float32):
        super().__init__()
        self.in_features = checks.integer(in_features, "in_features", "Linear", minimum=1)
        self.out_features = checks.integer(out_features, "out_features", "Linear", minimum=1)
        dtype = checks.float_dtype(dtype, "Linear")
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        self.bias = Parameter(np.empty(self.out_features, dtype=dtype)) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng=None) -> None:
        """Redraw weight and bias from U(-1/sqrt(in_features), 1/sqrt(in_features))."""
        rng = checks.rng(rng, "Linear.reset_parameters")
        bound = 1 / math.sqrt(self.in_features)
        init.uniform_(self.weight, -bound, bound, rng=rng)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, rng=rng)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._input(x)
        bias = None if self.bias is None else self.bias.data
        out, cache = linear_forward(x, self.weight.data, bias)
        return self._remember(out, cache)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Accumulate dL/dweight and dL/dbias into ``.grad``; return dL/dx."""
        dx, dweight, dbias = linear_backward(self._dout(dout), self.cache)
        self.weight.grad += dweight
        if self.bias is not None:
            self.bias.grad += dbias
        return dx

    def _input(self, x) -> np.ndarray:
        """x as a float array of the parameters' dtype and shape (N, in_features), or an
        error that says what went wrong."""
        x = checks.float_array(x, self, dtype=self.weight.dtype)
        expected = f"(N, {self.in_features})"
        if x.ndim == 2 and x.shape[1] == self.in_features:
            return x
        if x.ndim < 2:
            message = (f"expects a batch of shape {expected}, got a {x.ndim}-D array of shape "
                       f"{x.shape}. For a single sample add a batch dimension: "
                       f"x.reshape(1, -1) or x[None].")
        elif x.ndim > 2 and math.prod(x.shape[1:]) == self.in_features:
            message = (f"expects input of shape {expected}, got shape {x.shape}. Did you forget "
                       f"Flatten? Put nn.Flatten() before this layer (or reshape: "
                       f"x.reshape(len(x), -1)).")
        elif x.ndim > 2:
            message = (f"expects input of shape {expected}, got shape {x.shape} "
                       f"({math.prod(x.shape[1:])} values per sample after flattening). "
                       f"Check in_features.")
        elif x.shape[0] == self.in_features:
            message = (f"expects input of shape {expected}, got shape {x.shape}: samples must "
                       f"be rows. Did you pass the transpose? Try x.T.")
        else:
            message = (f"expects input of shape {expected}, got shape {x.shape} "
                       f"({x.shape[1]} features per sample). Check in_features, and the "
                       f"out_features of the layer before.")
        raise ValueError(f"{self!r} {message}")

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
