"""Small 2-D classification sets to see what a network learns.

Every set returns ``(X, y)``: ``X`` of shape (n_samples, 2) in ``dtype``
(float32 by default, the engine's default; pass ``dtype=np.float64`` for
gradient checks) and ``y`` int64 class labels of shape (n_samples,).
Samples come shuffled, and every random set takes its ``rng`` explicitly (a
``np.random.Generator`` or an int seed), so a seed gives the same data every time.

- ``xor``: the four-row truth table (notebooks/01_xor_from_scratch.ipynb).
- ``make_xor``: noisy points around the four corners (no chapter uses it yet).
- ``make_moons``, ``make_circles``: two interleaved half circles, two rings
  (chapter 06, not yet written).
- ``make_spirals``: CS231n's K interleaved spiral arms (the exercises of chapters 02 and
  03, solutions/02_forward.ipynb and solutions/03_backprop.ipynb; chapter 06, not yet
  written).
"""

from __future__ import annotations

import numpy as np

from course_lib import checks


def xor(*, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table: ``X`` (4, 2) with rows 00, 01, 10, 11 and ``y`` = [0, 1, 1, 0].

    Taught in notebooks/01_xor_from_scratch.ipynb, which writes the same table out by
    hand: no straight line separates the ones from the zeros, so a network needs a
    hidden layer. ``course_lib.xor`` and the XOR explorer take it from here.

    Example:
        >>> X, y = xor()
        >>> X.tolist(), y.tolist()
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=checks.float_dtype(dtype, "xor"))
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def make_xor(
    n_samples: int = 200, *, noise: float = 0.15, rng, dtype=np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy XOR: points scattered around the corners (0,0), (0,1), (1,0), (1,1).

    Taught in no notebook (no chapter uses it yet). Each point is a corner chosen uniformly plus
    Gaussian noise of standard deviation ``noise``; its label is the XOR of the
    corner's coordinates.

    Args:
        n_samples: number of points.
        noise: standard deviation of the Gaussian noise added to each coordinate.
        rng: ``np.random.Generator`` or int seed.
        dtype: dtype of ``X`` (float32 or float64).

    Returns:
        ``X`` (n_samples, 2), ``y`` (n_samples,) int64 in {0, 1}.
    """
    n_samples = checks.integer(n_samples, "n_samples", "make_xor", minimum=1)
    noise = checks.number(noise, "noise (a standard deviation)", "make_xor", low=0)
    dtype, rng = checks.float_dtype(dtype, "make_xor"), checks.rng(rng, "make_xor")
    corners = rng.integers(0, 2, size=(n_samples, 2))
    X = corners + noise * rng.standard_normal((n_samples, 2))
    y = corners[:, 0] ^ corners[:, 1]
    return X.astype(dtype), y.astype(np.int64)


def make_moons(
    n_samples: int = 200, *, noise: float = 0.1, rng, dtype=np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles (the same shape as scikit-learn's ``make_moons``).

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    Class 0 is the upper half circle ``(cos t, sin t)``, class 1 the lower one
    ``(1 - cos t, 0.5 - sin t)``, for ``t`` evenly spaced in [0, pi]; then
    Gaussian noise of standard deviation ``noise`` is added and the samples shuffled.

    Args:
        n_samples: total number of points (class 0 gets the extra one when odd).
        noise: standard deviation of the Gaussian noise.
        rng: ``np.random.Generator`` or int seed.
        dtype: dtype of ``X`` (float32 or float64).

    Returns:
        ``X`` (n_samples, 2), ``y`` (n_samples,) int64 in {0, 1}.
    """
    n_samples = checks.integer(n_samples, "n_samples", "make_moons", minimum=2)
    noise = checks.number(noise, "noise (a standard deviation)", "make_moons", low=0)
    dtype, rng = checks.float_dtype(dtype, "make_moons"), checks.rng(rng, "make_moons")
    n_upper = (n_samples + 1) // 2
    t_upper = np.linspace(0, np.pi, n_upper)
    t_lower = np.linspace(0, np.pi, n_samples - n_upper)
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1)
    lower = np.stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1)
    X = np.concatenate([upper, lower])
    y = np.repeat([0, 1], [n_upper, n_samples - n_upper])
    return _noisy_shuffled(X, y, noise, rng, dtype)


def make_circles(
    n_samples: int = 200, *, noise: float = 0.05, factor: float = 0.5, rng, dtype=np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: class 0 on the unit circle, class 1 on radius ``factor``.

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).

    Args:
        n_samples: total number of points (class 0 gets the extra one when odd).
        noise: standard deviation of the Gaussian noise.
        factor: radius of the inner circle, in (0, 1).
        rng: ``np.random.Generator`` or int seed.
        dtype: dtype of ``X`` (float32 or float64).

    Returns:
        ``X`` (n_samples, 2), ``y`` (n_samples,) int64 in {0, 1}.
    """
    n_samples = checks.integer(n_samples, "n_samples", "make_circles", minimum=2)
    noise = checks.number(noise, "noise (a standard deviation)", "make_circles", low=0)
    factor = checks.number(factor, "factor (the inner radius)", "make_circles", low=0, high=1,
                           low_inclusive=False, high_inclusive=False)
    dtype, rng = checks.float_dtype(dtype, "make_circles"), checks.rng(rng, "make_circles")
    n_outer = (n_samples + 1) // 2
    t_outer = np.linspace(0, 2 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0, 2 * np.pi, n_samples - n_outer, endpoint=False)
    outer = np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1)
    inner = factor * np.stack([np.cos(t_inner), np.sin(t_inner)], axis=1)
    X = np.concatenate([outer, inner])
    y = np.repeat([0, 1], [n_outer, n_samples - n_outer])
    return _noisy_shuffled(X, y, noise, rng, dtype)


def make_spirals(
    n_samples: int = 300, *, n_classes: int = 3, noise: float = 0.2, rng, dtype=np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (CS231n's spiral data set).

    Used by the exercises of solutions/02_forward.ipynb and solutions/03_backprop.ipynb;
    taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    Arm ``k`` holds points at radius ``r`` in [0, 1] and angle
    ``4 r + 2 pi k / n_classes`` (plus Gaussian noise of standard deviation
    ``noise`` on the angle), so no linear model separates the classes.

    Args:
        n_samples: total number of points, split as evenly as possible over the classes.
        n_classes: number of arms (>= 2).
        noise: standard deviation of the noise on the angle, in radians.
        rng: ``np.random.Generator`` or int seed.
        dtype: dtype of ``X`` (float32 or float64).

    Returns:
        ``X`` (n_samples, 2) inside the unit disc, ``y`` (n_samples,) int64 in
        {0, ..., n_classes - 1}.
    """
    n_classes = checks.integer(n_classes, "n_classes", "make_spirals", minimum=2)
    n_samples = checks.integer(n_samples, "n_samples", "make_spirals", minimum=n_classes)
    noise = checks.number(noise, "noise (a standard deviation)", "make_spirals", low=0)
    dtype, rng = checks.float_dtype(dtype, "make_spirals"), checks.rng(rng, "make_spirals")
    counts = np.full(n_classes, n_samples // n_classes)
    counts[: n_samples % n_classes] += 1
    y = np.repeat(np.arange(n_classes), counts)
    radius = np.concatenate([np.linspace(0, 1, count) for count in counts])
    angle = 4 * radius + 2 * np.pi * y / n_classes + noise * rng.standard_normal(n_samples)
    X = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    order = rng.permutation(n_samples)
    return X[order].astype(dtype), y[order].astype(np.int64)


def _noisy_shuffled(X, y, noise, rng, dtype):
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(X))
    return X[order].astype(dtype), y[order].astype(np.int64)
