"""Train/validation/test splits and k-fold cross-validation, seeded and stratified.

Taught in notebooks/06_regularization.ipynb (why a validation set; k-fold) and
used from notebooks/07_regression.ipynb on.

Stratified means each class keeps its proportion in every part: for every
class, the number of its samples in a part differs from the exact share by
less than one sample. ``stratify=None`` (the default) stratifies exactly when
``y`` holds class labels (a 1-D array of ints or bools); float targets
(regression) are split at random.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_lib.data._checks import check_positive_int
from course_lib.data._random import as_generator


def train_val_test_indices(
    y_or_n, *, sizes=(0.6, 0.2, 0.2), stratify: bool | None = None, rng
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of a train/validation/test split of ``n`` samples (or of the samples of ``y``).

    Taught in notebooks/06_regularization.ipynb.

    Args:
        y_or_n: the targets ``y`` (shape (n,) or (n, ...)) or the number of samples.
        sizes: fractions (train, val, test), each >= 0, summing to 1; train > 0.
        stratify: True, False or None (stratify when ``y`` holds class labels).
        rng: ``np.random.Generator`` or int seed; the same seed gives the same split.

    Returns:
        ``(train_idx, val_idx, test_idx)``: int64 arrays that are disjoint,
        together cover ``range(n)``, each in random order.
    """
    n, labels = _samples_and_labels(y_or_n, stratify)
    sizes = _check_sizes(sizes)
    rng = as_generator(rng)
    if labels is None:
        groups = [np.arange(n)]
    else:
        groups = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    parts: list[list[np.ndarray]] = [[], [], []]
    counts = _allocate([len(group) for group in groups], sizes)
    for group, group_counts in zip(groups, counts, strict=True):
        group = rng.permutation(group)
        for part, chunk in zip(parts, np.split(group, np.cumsum(group_counts)[:-1]), strict=True):
            part.append(chunk)
    return tuple(rng.permutation(np.concatenate(part)).astype(np.int64) for part in parts)


def train_val_test_split(X, y, *, sizes=(0.6, 0.2, 0.2), stratify: bool | None = None, rng):
    """Split ``(X, y)`` into training, validation and test sets.

    Taught in notebooks/06_regularization.ipynb; the three parts are
    ``(X, y)`` tuples, as ``course_lib.train.fit`` takes them.

    Args:
        X: features, shape (n, ...).
        y: targets, shape (n, ...).
        sizes: fractions (train, val, test), each >= 0, summing to 1.
        stratify: True, False or None (stratify when ``y`` holds class labels).
        rng: ``np.random.Generator`` or int seed.

    Returns:
        ``((X_train, y_train), (X_val, y_val), (X_test, y_test))``.

    Example:
        >>> X, y = np.arange(20).reshape(10, 2), np.array([0, 1] * 5)
        >>> train, val, test = train_val_test_split(X, y, rng=0)
        >>> [len(part[1]) for part in (train, val, test)]
        [6, 2, 2]
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(
            f"X and y must have the same number of samples, got X {X.shape} and y {y.shape}"
        )
    indices = train_val_test_indices(y, sizes=sizes, stratify=stratify, rng=rng)
    return tuple((X[idx], y[idx]) for idx in indices)


def kfold(
    y_or_n, k: int = 5, *, shuffle: bool = True, rng=None, stratify: bool | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """K-fold cross-validation: ``k`` (train_idx, val_idx) pairs whose val parts partition the data.

    Taught in notebooks/06_regularization.ipynb::

        for train_idx, val_idx in kfold(y, 5, rng=0):
            model = ...; fit(model, ..., (X[train_idx], y[train_idx]))

    Fold sizes differ by at most one sample; when stratified, so do the
    counts of each class across folds.

    Args:
        y_or_n: the targets ``y`` or the number of samples.
        k: number of folds, 2 <= k <= n.
        shuffle: shuffle before splitting (needs ``rng``); without it, folds
            are consecutive blocks (per class when stratified).
        rng: ``np.random.Generator`` or int seed; required when ``shuffle``.
        stratify: True, False or None (stratify when ``y`` holds class labels).

    Returns:
        A list of ``k`` pairs of sorted int64 index arrays.
    """
    n, labels = _samples_and_labels(y_or_n, stratify)
    k = check_positive_int(k, "k", minimum=2)
    if k > n:
        raise ValueError(f"k must be at most the number of samples ({n}), got k={k}")
    if not isinstance(shuffle, bool):
        raise ValueError(f"shuffle must be True or False, got {shuffle!r}")
    if shuffle:
        if rng is None:
            raise ValueError("kfold(shuffle=True) needs rng, e.g. rng=0 (or pass shuffle=False)")
        order = as_generator(rng).permutation(n)
    elif rng is not None:
        raise ValueError(f"rng is only used with shuffle=True, got rng={rng!r} and shuffle=False")
    else:
        order = np.arange(n)
    fold_of = np.empty(n, dtype=np.int64)
    if labels is None:
        for fold, chunk in enumerate(np.array_split(order, k)):
            fold_of[chunk] = fold
    else:
        # Deal the samples, sorted by class, round-robin over the folds.
        by_class = order[np.argsort(labels[order], kind="stable")]
        fold_of[by_class] = np.arange(n) % k
    everything = np.arange(n, dtype=np.int64)
    return [(everything[fold_of != fold], everything[fold_of == fold]) for fold in range(k)]


def _samples_and_labels(y_or_n, stratify):
    if stratify not in (None, True, False):
        raise ValueError(f"stratify must be True, False or None, got {stratify!r}")
    if isinstance(y_or_n, numbers.Integral) and not isinstance(y_or_n, bool):
        if stratify:
            raise ValueError("stratify=True needs the labels y, not a number of samples")
        return check_positive_int(y_or_n, "n"), None
    y = np.asarray(y_or_n)
    if y.ndim == 0 or len(y) == 0:
        raise ValueError(f"y must be an array of targets with at least one sample, got {y_or_n!r}")
    is_labels = y.ndim == 1 and (np.issubdtype(y.dtype, np.integer) or y.dtype == bool)
    if stratify and not is_labels:
        raise ValueError(
            f"stratify=True needs 1-D integer class labels, got y with shape {y.shape} and "
            f"dtype {y.dtype} (for one-hot targets pass y.argmax(axis=1))"
        )
    use_labels = is_labels if stratify is None else stratify
    return len(y), (y if use_labels else None)


def _check_sizes(sizes) -> np.ndarray:
    try:
        values = np.asarray(sizes, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"sizes must be three fractions (train, val, test), got {sizes!r}"
        ) from error
    if values.shape != (3,) or np.any(values < 0) or values[0] <= 0 or abs(values.sum() - 1) > 1e-6:
        raise ValueError(
            f"sizes must be three fractions (train, val, test) >= 0 summing to 1 with train > 0, "
            f"got {sizes!r}"
        )
    return values


def _allocate(group_sizes: list[int], sizes: np.ndarray) -> np.ndarray:
    """How many samples of each group (class) go to each part: shape (n_groups, 3).

    Each count is the exact share ``n_group * size`` rounded down or up, so
    every class is within one sample of its exact share in every part. The
    samples left over after rounding down go to the parts furthest behind their
    exact total so far, so the part sizes also stay close to exact.
    """
    counts = np.zeros((len(group_sizes), len(sizes)), dtype=np.int64)
    exact_so_far = np.zeros(len(sizes))
    for g, n in enumerate(group_sizes):
        exact = n * sizes
        counts[g] = np.floor(exact)
        exact_so_far += exact
        behind = exact_so_far - counts[: g + 1].sum(axis=0)
        leftover = n - counts[g].sum()
        counts[g, np.argsort(-behind, kind="stable")[:leftover]] += 1
    return counts
