"""The dropout layer. Taught in notebooks/06_regularization.ipynb."""

from __future__ import annotations

import numpy as np

from course_lib.nn import functional as F
from course_lib.nn._validation import (
    FORWARD_NOT_RUN,
    as_rng,
    check_dout_shape,
    check_dropout_probability,
    float_input,
    require_cache,
)
from course_lib.nn.module import Module


class Dropout(Module):
    r"""Inverted dropout, as ``torch.nn.Dropout``: in training, zero each element with
    probability ``p`` and scale the others by :math:`1/(1-p)`; in evaluation
    (``model.eval()``), pass the input through unchanged.

    Args:
        p: probability of DROPPING an element, 0 <= p < 1.
        rng: a ``np.random.Generator`` or int seed that draws the masks
            (None: an unseeded generator).

    Shapes: any -> same.

    Example:
        >>> drop = Dropout(0.5, rng=0)
        >>> sorted(set(drop(np.ones((2, 4))).ravel().tolist()))
        [0.0, 2.0]

    Taught in notebooks/06_regularization.ipynb (Srivastava et al., 2014).
    """

    def __init__(self, p: float = 0.5, *, rng=None):
        super().__init__()
        self.p = check_dropout_probability(p, "Dropout")
        self.rng = as_rng(rng)
        self._cache = FORWARD_NOT_RUN
        self._out_shape = None

    def forward(self, x):
        x = float_input(x, self)
        out, self._cache = F.dropout_forward(x, self.p, training=self.training, rng=self.rng)
        self._out_shape = out.shape
        return out

    def backward(self, dout):
        cache = require_cache(self, self._cache)
        dout = np.asarray(dout)
        check_dout_shape(self, dout, self._out_shape)
        return F.dropout_backward(dout, cache)

    def extra_repr(self) -> str:
        return f"p={self.p}"
