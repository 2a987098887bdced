"""Train/validation/test splits and k-fold cross-validation, seeded and stratified.

Used in notebooks/02_forward_propagation.ipynb; taught in
notebooks/06_regularization.ipynb (why a validation and a test set) and
notebooks/08_classification.ipynb (k-fold cross-validation).

Stratified means each class keeps its proportion in every part: for every
class, the number of its samples in a part differs from the exact share by
less than one sample. ``stratify=None`` (the default) stratifies exactly when
``y`` holds class labels (a 1-D array of ints or bools); float targets
(regression) are split at random.
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np

from course_lib import checks


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
    n, labels = _samples_and_labels(y_or_n, stratify, "train_val_test_indices")
    sizes = _check_sizes(sizes, "train_val_test_indices")
    rng = checks.rng(rng, "train_val_test_indices")
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

    Used in notebooks/02_forward_propagation.ipynb; taught in
    notebooks/06_regularization.ipynb. The three parts are
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
    X, y = checks.samples(X, y, "train_val_test_split")
    indices = train_val_test_indices(y, sizes=sizes, stratify=stratify, rng=rng)
    return tuple((X[idx], y[idx]) for idx in indices)


def kfold(
    y_or_n, k: int = 5, *, rng, shuffle: bool = True, stratify: bool | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """K-fold cross-validation: ``k`` (train_idx, val_idx) pairs whose val parts partition the data.

    Taught in notebooks/08_classification.ipynb: train one model per fold on
    ``(X[train_idx], y[train_idx])`` and score it on the rest.

    Fold sizes differ by at most one sample; when stratified, so do the
    counts of each class across folds.

    Args:
        y_or_n: the targets ``y`` or the number of samples.
        k: number of folds, 2 <= k <= n.
        rng: ``np.random.Generator`` or int seed for the shuffling (None: fresh,
            unpredictable randomness); pass ``rng=None`` with ``shuffle=False``.
        shuffle: shuffle before splitting; without it, folds are consecutive
            blocks (per class when stratified).
        stratify: True, False or None (stratify when ``y`` holds class labels).

    Returns:
        A list of ``k`` pairs of sorted int64 index arrays.

    Example:
        >>> [val.tolist() for _, val in kfold(7, 3, rng=None, shuffle=False)]
        [[0, 1, 2], [3, 4], [5, 6]]
        >>> y = np.array([0, 0, 0, 1, 1, 1])
        >>> for train_idx, val_idx in kfold(y, 3, rng=0):   # stratified: one of each class
        ...     print(y[val_idx].tolist(), len(train_idx))
        [0, 1] 4
        [0, 1] 4
        [0, 1] 4
    """
    n, labels = _samples_and_labels(y_or_n, stratify, "kfold")
    k = checks.integer(k, "k", "kfold", minimum=2)
    if k > n:
        raise ValueError(f"kfold: k must be at most the number of samples ({n}), got k={k}")
    if checks.boolean(shuffle, "shuffle", "kfold"):
        order = checks.rng(rng, "kfold").permutation(n)
    elif rng is not None:
        raise ValueError(
            f"kfold: rng is only used with shuffle=True, got rng={rng!r} and shuffle=False; "
            "pass rng=None"
        )
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


def _samples_and_labels(y_or_n, stratify, where: str):
    stratify = checks.choice(stratify, (None, True, False), "stratify", where)
    if isinstance(y_or_n, numbers.Integral) and not isinstance(y_or_n, bool):
        if stratify:
            raise ValueError(f"{where}: stratify=True needs the labels y, not a number of samples")
        return checks.integer(y_or_n, "y_or_n (a number of samples)", where, minimum=1), None
    y = np.asarray(y_or_n)
    if isinstance(y_or_n, bool) or y.ndim == 0:
        raise TypeError(f"{where}: y_or_n must be the targets y (an array) or a number of "
                        f"samples, got {y_or_n!r}")
    if len(y) == 0:
        raise ValueError(f"{where}: y_or_n must hold at least one sample, got an empty array")
    is_labels = y.ndim == 1 and (np.issubdtype(y.dtype, np.integer) or y.dtype == bool)
    if stratify and not is_labels:
        raise ValueError(
            f"{where}: stratify=True needs 1-D integer class labels, got y with shape {y.shape} "
            f"and dtype {y.dtype} (for one-hot targets pass y.argmax(axis=1))"
        )
    use_labels = is_labels if stratify is None else stratify
    return len(y), (y if use_labels else None)


def _check_sizes(sizes, where: str) -> list[Fraction]:
    """``sizes`` as three exact fractions summing to exactly 1 (floats are read as the nearest
    fraction with a denominator up to 10**6, so 0.6 is 3/5 and 1/3 is 1/3)."""
    message = (f"{where}: sizes must be three fractions (train, val, test) >= 0 summing to 1 "
               f"with train > 0, got {sizes!r}")
    if isinstance(sizes, (str, bytes)) or not np.iterable(sizes):
        raise TypeError(message)
    values = list(sizes)
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        raise TypeError(message)
    if len(values) != 3 or not all(np.isfinite(float(v)) for v in values):
        raise ValueError(message)
    if any(v < 0 for v in values) or values[0] <= 0 or abs(sum(values) - 1) > 1e-6:
        raise ValueError(message)
    fractions = [Fraction(float(v)).limit_denominator(10**6) for v in values]
    return [f / sum(fractions) for f in fractions]


def _allocate(group_sizes: list[int], sizes: list[Fraction]) -> np.ndarray:
    """How many samples of each group (class) go to each part: shape (n_groups, 3).

    Largest remainders, kept within one sample of exact per class and overall:

    - a group's count in a part is its exact share ``n_group * size`` when that
      share is a whole number, else that share rounded down or up;
    - the samples of a group left over after rounding down go, one each, to
      the parts whose share is not whole, those furthest behind their exact
      total so far first (the largest remainder, counted over the groups seen
      so far); ties go to the earlier part.

    With three parts, every part's running total then stays less than one
    sample from exact after every group (the difference can always be kept in
    (-1, 1): a group with one leftover has at least two parts with a fractional
    share, one with two leftovers has three), so each part's size is its exact
    size rounded down or up. Exact rational arithmetic keeps it deterministic
    and free of round-off.
    """
    counts = np.zeros((len(group_sizes), len(sizes)), dtype=np.int64)
    behind = [Fraction(0)] * len(sizes)  # exact total so far minus count so far, per part
    for g, n in enumerate(group_sizes):
        exact = [n * size for size in sizes]
        floors = [share.numerator // share.denominator for share in exact]
        behind = [b + share - floor for b, share, floor in zip(behind, exact, floors, strict=True)]
        fractional = [j for j, share in enumerate(exact) if share.denominator != 1]
        leftover = n - sum(floors)
        for j in sorted(fractional, key=lambda j: -behind[j])[:leftover]:
            floors[j] += 1
            behind[j] -= 1
        counts[g] = floors
    return counts
