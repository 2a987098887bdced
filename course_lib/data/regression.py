"""Regression data sets of notebooks/07_regression.ipynb.

- ``make_friedman1``: a known function plus noise of known standard deviation,
  so the notebook can show the noise floor no model can beat.
- ``load_diabetes``: scikit-learn's bundled diabetes table (442 patients, 10
  features), real data without a download.

``X`` comes in ``dtype`` (float32 by default, the engine's default; float64 on
request), ``y`` in the same dtype with shape (n_samples,); reshape it to
(n_samples, 1) for a network with one output.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib import checks
from course_lib.data.tabular import TabularData


class FriedmanData(NamedTuple):
    """Friedman #1 samples: unpack as ``X, y, y_clean, noise_std = data``.

    Taught in no notebook by this name: ``make_friedman1`` returns it.

    Attributes:
        X: features (n_samples, n_features), uniform in [0, 1].
        y: noisy targets (n_samples,) = ``y_clean`` + noise.
        y_clean: the noiseless targets (n_samples,), the function itself.
        noise_std: standard deviation of the noise; ``noise_std ** 2`` is the
            expected mean squared error of the perfect model (the noise floor).
    """

    X: np.ndarray
    y: np.ndarray
    y_clean: np.ndarray
    noise_std: float


def friedman1_function(X: np.ndarray) -> np.ndarray:
    """Friedman #1 without noise: ``10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4``.

    Taught in no notebook by this name: ``make_friedman1`` computes its targets with it.
    Columns beyond the fifth do not enter the formula (they are distractors a model
    must learn to ignore).

    Shapes: ``X`` (n_samples, n_features >= 5) -> (n_samples,).
    """
    X = checks.real_array(X, "X", "friedman1_function")
    if X.ndim != 2 or X.shape[1] < 5:
        raise ValueError(
            f"friedman1_function: X must have shape (n_samples, >= 5 features), got {X.shape}"
        )
    x0, x1, x2, x3, x4 = (X[:, j] for j in range(5))
    return 10 * np.sin(np.pi * x0 * x1) + 20 * (x2 - 0.5) ** 2 + 10 * x3 + 5 * x4


def make_friedman1(
    n_samples: int = 1000, *, n_features: int = 5, noise: float = 1.0, rng, dtype=np.float32
) -> FriedmanData:
    """Friedman #1 regression data (Friedman, 1991, "Multivariate adaptive regression splines").

    Taught in notebooks/07_regression.ipynb.
    ``X`` is uniform on [0, 1]^n_features,
    ``y = friedman1_function(X) + noise * N(0, 1)``. Because ``noise`` is known,
    the notebook can compare a model's test MSE with the floor ``noise ** 2``.

    Args:
        n_samples: number of samples.
        n_features: number of features (>= 5; the extra ones are irrelevant).
        noise: standard deviation of the Gaussian noise on ``y``.
        rng: ``np.random.Generator`` or int seed.
        dtype: dtype of ``X``, ``y`` and ``y_clean`` (float32 or float64).

    Returns:
        ``FriedmanData(X, y, y_clean, noise_std)``.

    Example:
        >>> X, y, y_clean, noise_std = make_friedman1(500, noise=1.0, rng=0)
        >>> X.shape, y.shape, noise_std
        ((500, 5), (500,), 1.0)
    """
    n_samples = checks.integer(n_samples, "n_samples", "make_friedman1", minimum=1)
    n_features = checks.integer(n_features, "n_features", "make_friedman1", minimum=5)
    noise = checks.number(noise, "noise (a standard deviation)", "make_friedman1", low=0)
    dtype, rng = checks.float_dtype(dtype, "make_friedman1"), checks.rng(rng, "make_friedman1")
    X = rng.uniform(0, 1, size=(n_samples, n_features))
    y_clean = friedman1_function(X)
    y = y_clean + noise * rng.standard_normal(n_samples)
    return FriedmanData(X.astype(dtype), y.astype(dtype), y_clean.astype(dtype), noise)


def load_diabetes(*, dtype=np.float32) -> TabularData:
    """scikit-learn's bundled diabetes data: 442 patients, 10 features, a disease-progression score.

    Taught in notebooks/07_regression.ipynb.
    The features are the raw values
    (age in years, sex coded 1/2, body-mass index, blood pressure and six blood
    serum measurements), not scikit-learn's pre-scaled ones, so that the
    notebook standardizes them itself with ``Standardizer`` fitted on the
    training split. The target is a quantitative measure of disease progression
    one year later (25 to 346). Ships with scikit-learn: no download.

    Returns:
        ``TabularData(X (442, 10), y (442,), feature_names, None)``.
    """
    from sklearn import datasets  # imported here: scikit-learn is slow to import

    dtype = checks.float_dtype(dtype, "load_diabetes")
    bunch = datasets.load_diabetes(scaled=False)
    return TabularData(
        bunch.data.astype(dtype), bunch.target.astype(dtype), tuple(bunch.feature_names), None
    )
