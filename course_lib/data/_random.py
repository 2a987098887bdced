"""Turn the ``rng`` argument of the data functions into a ``np.random.Generator``."""

from __future__ import annotations

import numbers

import numpy as np


def as_generator(rng, *, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` as a ``np.random.Generator``: a Generator is used as is, an int is a seed.

    Anything else (``None``, the legacy ``np.random.RandomState``, a float, a bool) is
    refused: every random result of the course must be reproducible from an explicit seed.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a non-negative int seed, got {rng}")
        return np.random.default_rng(int(rng))
    raise ValueError(
        f"{name} must be a numpy.random.Generator or an int seed, got {rng!r}; "
        f"pass for example {name}=0 or {name}=np.random.default_rng(0)"
    )
