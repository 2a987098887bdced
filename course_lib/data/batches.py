"""``minibatches``: iterate over a data set in mini-batches, shuffled with an explicit ``rng``.

Taught in notebooks/05_optimizers.ipynb: mini-batch SGD.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from course_lib import checks


def minibatches(
    X, y, batch_size: int, *, rng, shuffle: bool = True, drop_last: bool = False
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs that cover every sample once (one epoch).

    Taught in notebooks/05_optimizers.ipynb.
    Call it once per epoch with the same ``rng`` (a Generator) to get a new order each
    epoch.

    Args:
        X: features, shape (n, ...).
        y: targets, shape (n, ...).
        batch_size: samples per batch (>= 1).
        rng: ``np.random.Generator`` or int seed for the order (None: fresh,
            unpredictable randomness); pass ``rng=None`` with ``shuffle=False``.
        shuffle: visit the samples in a random order.
        drop_last: drop the last batch when it has fewer than ``batch_size``
            samples (by default it is kept).

    Yields:
        ``X_batch`` (b, ...) and ``y_batch`` (b, ...), ``b <= batch_size``.

    Example:
        >>> X, y = np.arange(10).reshape(5, 2), np.arange(5)
        >>> rng = np.random.default_rng(0)
        >>> for epoch in range(2):
        ...     print([y_batch.tolist() for _, y_batch in minibatches(X, y, 2, rng=rng)])
        [[2, 4], [3, 0], [1]]
        [[4, 1], [2, 0], [3]]
    """
    X, y = checks.samples(X, y, "minibatches")
    batch_size = checks.integer(batch_size, "batch_size", "minibatches", minimum=1)
    drop_last = checks.boolean(drop_last, "drop_last", "minibatches")
    if checks.boolean(shuffle, "shuffle", "minibatches"):
        order = checks.rng(rng, "minibatches").permutation(len(X))
    elif rng is not None:
        raise ValueError(
            f"minibatches: rng is only used with shuffle=True, got rng={rng!r} and "
            "shuffle=False; pass rng=None"
        )
    else:
        order = np.arange(len(X))
    return _batches(X, y, order, batch_size, drop_last)


def _batches(X, y, order, batch_size, drop_last):
    stop = len(order) - len(order) % batch_size if drop_last else len(order)
    for start in range(0, stop, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]
