r"""One-input regression data: a known curve plus noise, optionally with outliers.

Taught in notebooks/07_regression.ipynb (losses under outliers, extrapolation,
the regression explorer). With one input the data, the fitted curve and the
truth fit in one picture.

``y = f(x) + noise * N(0, 1)``, with ``x`` uniform on ``x_range`` and ``f`` one of
``CURVES``:

- ``"line"``: :math:`f(x) = 2x + 1`;
- ``"sine"``: :math:`f(x) = \sin(\pi x)`;
- ``"square"``: :math:`f(x) = x^2`.

Outliers model gross errors (a typo, a sensor glitch): a random
``outlier_fraction`` of the samples get ``outlier_shift`` added to their target,
all in the same direction, which is what pulls a squared-error fit away.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib import checks

CURVES = {
    "line": lambda x: 2 * x + 1,
    "sine": lambda x: np.sin(np.pi * x),
    "square": lambda x: x**2,
}


class CurveData(NamedTuple):
    """Samples of a curve: unpack as ``x, y, y_clean, is_outlier, noise_std = data``.

    Taught in notebooks/07_regression.ipynb.

    Attributes:
        x: (n, 1) inputs, one feature (the shape a network takes).
        y: (n,) targets: the curve, plus noise, plus the outlier shift where ``is_outlier``.
        y_clean: (n,) the curve itself, :math:`f(x)`.
        is_outlier: (n,) bool, the samples that got the outlier shift.
        noise_std: the standard deviation of the noise (the noise floor is its square).
    """

    x: np.ndarray
    y: np.ndarray
    y_clean: np.ndarray
    is_outlier: np.ndarray
    noise_std: float


def curve_function(name: str, x) -> np.ndarray:
    """The noiseless curve ``name`` (a key of ``CURVES``) at ``x``, element-wise.

    Taught in notebooks/07_regression.ipynb.

    Example:
        >>> curve_function("line", np.array([0.0, 1.0])).tolist()
        [1.0, 3.0]
    """
    checks.choice(name, CURVES, "curve", "curve_function")
    return CURVES[name](np.asarray(x, dtype=np.float64))


def make_curve(n_samples: int, curve: str = "sine", *, noise: float = 0.1,
               x_range: tuple[float, float] = (-1.0, 1.0), outlier_fraction: float = 0.0,
               outlier_shift: float = 5.0, rng, dtype=np.float32) -> CurveData:
    """Sample ``n_samples`` points of a curve with Gaussian noise and optional outliers.

    Taught in notebooks/07_regression.ipynb.

    Args:
        n_samples: number of points.
        curve: ``"line"``, ``"sine"`` or ``"square"`` (see the module docstring).
        noise: standard deviation of the Gaussian noise.
        x_range: ``(low, high)``, the interval the inputs are drawn from.
        outlier_fraction: the fraction of samples (rounded to a whole number, in [0, 1])
            that get ``outlier_shift`` added to their target.
        outlier_shift: how far the outliers are moved (may be negative).
        rng: ``np.random.Generator`` or int seed (required).
        dtype: float32 or float64.

    Returns:
        ``CurveData(x (n, 1), y (n,), y_clean (n,), is_outlier (n,), noise_std)``.

    Example:
        >>> data = make_curve(100, "line", noise=0.5, outlier_fraction=0.05, rng=0)
        >>> data.x.shape, int(data.is_outlier.sum())
        ((100, 1), 5)
    """
    n_samples = checks.integer(n_samples, "n_samples", "make_curve", minimum=1)
    checks.choice(curve, CURVES, "curve", "make_curve")
    noise = checks.number(noise, "noise", "make_curve", low=0)
    low, high = (checks.number(v, "x_range", "make_curve") for v in x_range)
    if not low < high:
        raise ValueError(f"make_curve: x_range must be (low, high) with low < high, got {x_range}")
    fraction = checks.number(outlier_fraction, "outlier_fraction", "make_curve", low=0, high=1)
    shift = checks.number(outlier_shift, "outlier_shift", "make_curve")
    dtype = checks.float_dtype(dtype, "make_curve")
    rng = checks.rng(rng, "make_curve")
    x = rng.uniform(low, high, n_samples)
    y_clean = curve_function(curve, x)
    is_outlier = np.zeros(n_samples, dtype=bool)
    is_outlier[rng.choice(n_samples, size=round(fraction * n_samples), replace=False)] = True
    y = y_clean + noise * rng.standard_normal(n_samples) + shift * is_outlier
    return CurveData(x[:, None].astype(dtype), y.astype(dtype), y_clean.astype(dtype),
                     is_outlier, noise)
