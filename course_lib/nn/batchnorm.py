"""Batch normalisation layer. Taught in notebooks/06_regularization.ipynb."""

from __future__ import annotations

import numpy as np

from course_lib.nn import functional as F
from course_lib.nn._validation import (
    FORWARD_NOT_RUN,
    check_dout_shape,
    check_float_dtype,
    check_number,
    check_positive_int,
    float_input,
    require_cache,
)
from course_lib.nn.module import Module, Parameter


class BatchNorm1d(Module):
    r"""Batch normalisation of (N, C) inputs, as ``torch.nn.BatchNorm1d``.

    :math:`y = \gamma (x - \mu) / \sqrt{\sigma^2 + \epsilon} + \beta`, per feature.
    In training :math:`\mu, \sigma^2` are the batch mean and (biased)
    variance, and the running statistics are updated as PyTorch does:
    :math:`r \leftarrow (1 - \text{momentum})\, r + \text{momentum} \cdot s`, with
    the UNBIASED batch variance :math:`\sigma^2 N/(N-1)` for ``running_var``.
    In evaluation (``model.eval()``) the running statistics are used.

    Args:
        num_features: C, the number of features.
        eps: added to the variance for numerical stability.
        momentum: weight of the newest batch in the running averages, in [0, 1].
        affine: learn ``weight`` (gamma, init 1) and ``bias`` (beta, init 0).
        dtype: dtype of parameters and running statistics (float32 by default).

    Buffers (saved in ``state_dict``, not trained): ``running_mean`` (init 0),
    ``running_var`` (init 1), ``num_batches_tracked``.

    Shapes: (N, C) -> (N, C); training needs N >= 2. Inputs of another
    floating dtype are converted to the parameters' dtype.

    Example:
        >>> bn = BatchNorm1d(3)
        >>> out = bn(np.random.default_rng(0).normal(5, 2, size=(64, 3)))
        >>> bool(np.allclose(out.mean(axis=0), 0, atol=1e-5))
        True

    Taught in notebooks/06_regularization.ipynb (Ioffe & Szegedy, 2015).
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = True, *, dtype=np.float32):
        super().__init__()
        self.num_features = check_positive_int(num_features, "num_features", "BatchNorm1d")
        self.eps = check_number(eps, "eps", "BatchNorm1d", low=0.0, low_inclusive=False)
        self.momentum = check_number(momentum, "momentum", "BatchNorm1d", low=0.0, high=1.0)
        self.affine = bool(affine)
        dtype = check_float_dtype(dtype, "BatchNorm1d")
        self.weight = Parameter(np.ones(num_features, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype=dtype)) if affine else None
        self.running_mean = np.zeros(num_features, dtype=dtype)
        self.running_var = np.ones(num_features, dtype=dtype)
        self.num_batches_tracked = np.zeros((), dtype=np.int64)
        self._cache = FORWARD_NOT_RUN
        self._out_shape = None

    def forward(self, x):
        x = float_input(x, self, dtype=self.running_mean.dtype)
        self._check_input_shape(x)
        out, cache = F.batch_norm_forward(
            x,
            None if self.weight is None else self.weight.data,
            None if self.bias is None else self.bias.data,
            self.running_mean,
            self.running_var,
            training=self.training,
            eps=self.eps,
        )
        if self.training:
            n, m = len(x), self.momentum
            self.running_mean *= 1 - m
            self.running_mean += m * cache.mean
            self.running_var *= 1 - m
            self.running_var += (m * n / (n - 1)) * cache.var
            self.num_batches_tracked += 1
        self._cache, self._out_shape = cache, out.shape
        return out

    def backward(self, dout, *, input_grad: bool = True):
        """Accumulate dL/dweight and dL/dbias into ``.grad``; return dL/dx (None if not
        ``input_grad``)."""
        cache = require_cache(self, self._cache)
        dout = np.asarray(dout, dtype=self.running_mean.dtype)
        check_dout_shape(self, dout, self._out_shape)
        dx, dweight, dbias = F.batch_norm_backward(dout, cache, input_grad=input_grad)
        if self.affine:
            self.weight.grad += dweight
            self.bias.grad += dbias
        return dx

    def _check_input_shape(self, x: np.ndarray) -> None:
        if x.ndim != 2 or x.shape[1] != self.num_features:
            hint = (" For a single sample add a batch dimension: x[None]." if x.ndim == 1
                    else " (Only (N, C) inputs are supported.)" if x.ndim > 2 else "")
            raise ValueError(
                f"{self!r} expects input of shape (N, {self.num_features}), got shape "
                f"{x.shape}.{hint}"
            )
        if self.training and x.shape[0] < 2:
            raise ValueError(
                f"{self!r} in training mode needs a batch of at least 2 samples to compute "
                f"batch statistics, got shape {x.shape}. To predict single samples, switch "
                f"to evaluation mode first: model.eval()."
            )

    def _buffers(self) -> dict[str, np.ndarray]:
        return {"running_mean": self.running_mean, "running_var": self.running_var,
                "num_batches_tracked": self.num_batches_tracked}

    def _convert_buffers(self, dtype) -> None:
        self.running_mean = self.running_mean.astype(dtype)
        self.running_var = self.running_var.astype(dtype)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}")
