"""``minibatches``: iterate over a data set in mini-batches, shuffled with an explicit ``rng``.

Taught in notebooks/05_optimizers.ipynb (mini-batch SGD).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from course_lib.data._checks import check_positive_int
from course_lib.data._random import as_generator


def minibatches(
    X, y, batch_size: int, *, shuffle: bool = True, rng=None, drop_last: bool = False
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs that cover every sample once (one epoch).

    Taught in notebooks/05_optimizers.ipynb. Call it once per epoch with the
    same ``rng`` (a Generator) to get a new order each epoch::

        rng = np.random.default_rng(0)
        for epoch in range(10):
            for X_batch, y_batch in minibatches(X, y, 32, rng=rng):
                ...

    Args:
        X: features, shape (n, ...).
        y: targets, shape (n, ...).
        batch_size: samples per batch (>= 1).
        shuffle: visit the samples in a random order (needs ``rng``).
        rng: ``np.random.Generator`` or int seed; required when ``shuffle``.
        drop_last: drop the last batch when it has fewer than ``batch_size``
            samples (by default it is kept).

    Yields:
        ``X_batch`` (b, ...) and ``y_batch`` (b, ...), ``b <= batch_size``.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(
            f"X and y must have the same number of samples, got X {X.shape} and y {y.shape}"
        )
    batch_size = check_positive_int(batch_size, "batch_size")
    for name, flag in (("shuffle", shuffle), ("drop_last", drop_last)):
        if not isinstance(flag, bool):
            raise ValueError(f"{name} must be True or False, got {flag!r}")
    if shuffle:
        if rng is None:
            raise ValueError(
                "minibatches(shuffle=True) needs rng, e.g. rng=np.random.default_rng(0)"
            )
        order = as_generator(rng).permutation(len(X))
    elif rng is not None:
        raise ValueError(f"rng is only used with shuffle=True, got rng={rng!r} and shuffle=False")
    else:
        order = np.arange(len(X))
    return _batches(X, y, order, batch_size, drop_last)


def _batches(X, y, order, batch_size, drop_last):
    stop = len(order) - len(order) % batch_size if drop_last else len(order)
    for start in range(0, stop, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]
