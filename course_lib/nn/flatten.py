"""Flatten: from images to vectors. Taught in notebooks/09_numpy_to_pytorch.ipynb, next to
PyTorch's ``torch.nn.Flatten``."""

from __future__ import annotations

import math

import numpy as np

from course_lib import checks
from course_lib.nn.module import Module


class Flatten(Module):
    """Merge dimensions ``start_dim`` .. ``end_dim`` into one, as ``torch.nn.Flatten``.

    Shapes: (N, 28, 28) -> (N, 784) with the defaults (``start_dim=1``: the
    batch dimension is kept). The output is a view when possible; any dtype
    passes through unchanged.

    Example:
        >>> Flatten()(np.zeros((32, 28, 28))).shape
        (32, 784)

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim = checks.integer(start_dim, "start_dim", "Flatten")
        self.end_dim = checks.integer(end_dim, "end_dim", "Flatten")

    def forward(self, x):
        x = np.asarray(x)
        start = self.start_dim + x.ndim if self.start_dim < 0 else self.start_dim
        end = self.end_dim + x.ndim if self.end_dim < 0 else self.end_dim
        if not 0 <= start < x.ndim or not 0 <= end < x.ndim or start > end:
            raise ValueError(
                f"{self!r} cannot flatten an input of shape {x.shape} ({x.ndim}-D): the "
                f"dimensions {self.start_dim}..{self.end_dim} do not exist. Flatten expects a "
                f"batch, e.g. (N, 28, 28); for a single image use x[None]."
            )
        out = x.reshape(x.shape[:start] + (math.prod(x.shape[start:end + 1]),) + x.shape[end + 1:])
        return self._remember(out, x.shape)

    def backward(self, dout):
        input_shape = self.cache
        return self._dout(dout).reshape(input_shape)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
