"""Batch normalisation layer. Taught in notebooks/06_regularization.ipynb."""

from __future__ import annotations

import numpy as np

from course_lib import checks
from course_lib.nn.functional.batch_norm import batch_norm_backward, batch_norm_forward
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
        self.num_features = checks.integer(num_features, "num_features", "BatchNorm1d",
                                           minimum=1)
        self.eps = checks.number(eps, "eps", "BatchNorm1d", low=0, low_inclusive=False)
        self.momentum = checks.number(momentum, "momentum", "BatchNorm1d", low=0, high=1)
        self.affine = bool(affine)
        dtype = checks.float_dtype(dtype, "BatchNorm1d")
        self.weight = Parameter(np.ones(num_features, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype=dtype)) if affine else None
        self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
        self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))

    def forward(self, x):
        x = self._input(x)
        ones, zeros = np.ones(self.num_features, x.dtype), np.zeros(self.num_features, x.dtype)
        weight = self.weight.data if self.affine else ones
        bias = self.bias.data if self.affine else zeros
        out, cache = batch_norm_forward(x, weight, bias, self.running_mean, self.running_var,
                                        training=self.training, momentum=self.momentum,
                                        eps=self.eps)
        if self.training:
            self.num_batches_tracked += 1
        return self._remember(out, cache)

    def backward(self, dout):
        """Accumulate dL/dweight and dL/dbias into ``.grad``; return dL/dx."""
        dx, dweight, dbias = batch_norm_backward(self._dout(dout), self.cache)
        if self.affine:
            self.weight.grad += dweight
            self.bias.grad += dbias
        return dx

    def _input(self, x) -> np.ndarray:
        x = checks.float_array(x, self, dtype=self.running_mean.dtype)
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
        return x

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}")
