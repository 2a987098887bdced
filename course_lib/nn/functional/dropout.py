"""Inverted dropout. Taught in notebooks/06_regularization.ipynb."""

from __future__ import annotations

import numpy as np


def dropout_forward(x: np.ndarray, p: float = 0.5, *, training: bool = True,
                    rng: np.random.Generator | None = None, mask: np.ndarray | None = None):
    r"""Inverted dropout: :math:`out = x \odot m / (1 - p)`, each :math:`m_i \sim
    \mathrm{Bernoulli}(1 - p)` (1 = kept).

    ``p`` is the probability of DROPPING a unit (PyTorch's convention). Dividing
    by :math:`1 - p` keeps :math:`E[out] = x`, so evaluation needs no rescaling:
    with ``training=False`` (or ``p == 0``) the input is returned unchanged.

    Args:
        x: any shape.
        p: drop probability, 0 <= p < 1.
        training: False turns dropout off (evaluation).
        rng: the ``np.random.Generator`` that draws the mask (needed unless
            ``mask`` is given).
        mask: a boolean keep-mask of x's shape (True = kept) to use instead of a
            random one, e.g. to check gradients or to reproduce another run.

    Returns:
        ``(out, cache)``: out has x's shape; the cache is the scaled mask
        :math:`m / (1 - p)` in x's dtype, or None when nothing was dropped.

    Example:
        >>> out, _ = dropout_forward(np.ones(4), 0.5, mask=np.array([True, False, True, True]))
        >>> out
        array([2., 0., 2., 2.])

    Taught in notebooks/06_regularization.ipynb.
    """
    if not training or p == 0:
        return x, None
    if mask is None:
        mask = rng.random(x.shape) >= p
    scaled_mask = mask.astype(x.dtype) / (1 - p)
    return x * scaled_mask, scaled_mask


def dropout_backward(dout: np.ndarray, cache) -> np.ndarray:
    r""":math:`dx = dout \odot m / (1 - p)` (the same units are dropped). Shapes: as x.

    Derived in notebooks/06_regularization.ipynb.
    """
    scaled_mask = cache
    return dout if scaled_mask is None else dout * scaled_mask
