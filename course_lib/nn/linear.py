"""The fully connected layer. Taught in notebooks/03_backpropagation.ipynb."""

from __future__ import annotations

import math

import numpy as np

from course_lib.nn import functional as F
from course_lib.nn import init
from course_lib.nn._validation import (
    FORWARD_NOT_RUN,
    as_rng,
    check_dout_shape,
    check_float_dtype,
    check_positive_int,
    float_input,
    require_cache,
)
from course_lib.nn.module import Module, Parameter


class Linear(Module):
    r"""Fully connected layer :math:`Y = X W^T + b`, as ``torch.nn.Linear``.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: whether to learn an additive bias.
        rng: a ``np.random.Generator`` or int seed for the initial weights
            (None: an unseeded generator).
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

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *,
                 rng=None, dtype=np.float32):
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features", "Linear")
        self.out_features = check_positive_int(out_features, "out_features", "Linear")
        dtype = check_float_dtype(dtype, "Linear")
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        self.bias = Parameter(np.empty(self.out_features, dtype=dtype)) if bias else None
        self.reset_parameters(rng)
        self._cache = FORWARD_NOT_RUN

    def reset_parameters(self, rng=None) -> None:
        """Redraw weight and bias from U(-1/sqrt(in_features), 1/sqrt(in_features))."""
        rng = as_rng(rng)
        bound = 1 / math.sqrt(self.in_features)
        init.uniform_(self.weight, -bound, bound, rng=rng)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, rng=rng)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = float_input(x, self, dtype=self.weight.dtype)
        self._check_input_shape(x)
        bias = None if self.bias is None else self.bias.data
        out, self._cache = F.linear_forward(x, self.weight.data, bias)
        return out

    def backward(self, dout: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        """Accumulate dL/dweight and dL/dbias into ``.grad``; return dL/dx.

        ``input_grad=False`` skips dL/dx and returns None (for a first layer,
        whose input is data); ``Sequential.backward`` uses it.
        """
        cache = require_cache(self, self._cache)
        dout = np.asarray(dout, dtype=self.weight.dtype)
        check_dout_shape(self, dout, (len(cache[0]), self.out_features))
        dx, dweight, dbias = F.linear_backward(dout, cache, input_grad=input_grad)
        self.weight.grad += dweight
        if self.bias is not None:
            self.bias.grad += dbias
        return dx

    def _check_input_shape(self, x: np.ndarray) -> None:
        expected = f"(N, {self.in_features})"
        if x.ndim == 2 and x.shape[1] == self.in_features:
            return
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
