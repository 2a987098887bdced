"""``Standardizer``: rescale every feature to mean 0 and standard deviation 1.

Used in notebooks/02_forward_propagation.ipynb; taught in
notebooks/07_regression.ipynb.
"""

from __future__ import annotations

import numpy as np

from course_lib import checks


class Standardizer:
    """Subtract the training mean and divide by the training standard deviation, per feature.

    Used in notebooks/02_forward_propagation.ipynb; taught in
    notebooks/07_regression.ipynb. Fit it on the training data only,
    then transform training, validation and test data with those same
    statistics: computing them on validation or test data would leak
    information about the data the model is judged on.

    ``transform(X) = (X - mean_) / std_`` and ``inverse_transform(Z) = Z * std_ + mean_``,
    with ``mean_`` and ``std_`` (population std, ``ddof=0``) computed over axis 0
    in float64. Features are everything after the first axis: ``X`` of shape
    (n_samples,), (n_samples, n_features) or (n_samples, 28, 28) all work. A
    constant feature gets ``std_ = 1`` and maps to exactly 0 (no division by 0;
    the same ``std_ = 1`` is used if a spread is so tiny its std underflows to 0).
    Floating point inputs keep their dtype; integer inputs give float32.

    Attributes:
        mean_ (np.ndarray): float64, shape ``X.shape[1:]``; None before ``fit``.
        std_ (np.ndarray): float64, shape ``X.shape[1:]``, all > 0; None before ``fit``.

    Example:
        >>> scaler = Standardizer().fit(np.array([[1.0, 10.0], [3.0, 10.0]]))
        >>> scaler.transform(np.array([[2.0, 10.0], [5.0, 10.0]])).tolist()
        [[0.0, 0.0], [3.0, 0.0]]
    """

    def __init__(self):
        self.mean_: np.ndarray | None = None
        self.std_: np.ndarray | None = None

    def fit(self, X) -> Standardizer:
        """Compute the per-feature mean and std of the training data ``X`` (n_samples, ...)."""
        X = checks.real_array(X, "X", "Standardizer.fit")
        if X.ndim == 0:
            raise TypeError("Standardizer.fit needs an array with one row per sample, got a "
                            "single number")
        if len(X) == 0:
            raise ValueError(f"Standardizer.fit needs at least one sample, got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(X))[0])
            raise ValueError(
                f"Standardizer.fit got a NaN or infinite value, first at index {bad}; "
                "clean or impute the data first"
            )
        constant = X.max(axis=0) == X.min(axis=0)
        # A constant feature keeps its exact value as mean, so it maps to exactly 0.
        self.mean_ = np.where(constant, X[0], X.mean(axis=0, dtype=np.float64)).astype(np.float64)
        std = X.std(axis=0, dtype=np.float64)
        # std is 0 for a constant feature, and can underflow to 0 for tiny (1e-170) spreads.
        self.std_ = np.where(constant | (std == 0), 1.0, std)
        return self

    def transform(self, X) -> np.ndarray:
        """``(X - mean_) / std_`` with the training statistics; shape unchanged."""
        X = self._check(X, "transform")
        return ((X - self.mean_) / self.std_).astype(_output_dtype(X), copy=False)

    def inverse_transform(self, Z) -> np.ndarray:
        """``Z * std_ + mean_``: back to the original units (e.g. predictions of a regression)."""
        Z = self._check(Z, "inverse_transform")
        return (Z * self.std_ + self.mean_).astype(_output_dtype(Z), copy=False)

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``: use it on the training data only."""
        return self.fit(X).transform(X)

    def _check(self, X, method: str) -> np.ndarray:
        if self.mean_ is None:
            raise RuntimeError(
                f"Standardizer.{method} was called before fit: call fit(X_train) first, "
                "on the training data only"
            )
        X = checks.real_array(X, "X", f"Standardizer.{method}")
        if X.shape[1:] != self.mean_.shape or X.ndim == 0:
            raise ValueError(
                f"Standardizer was fitted on samples of shape {self.mean_.shape} "
                f"({self.mean_.size} features), but {method} got X of shape {X.shape} "
                f"(samples of shape {X.shape[1:]})"
            )
        return X

    def __repr__(self) -> str:
        if self.mean_ is None:
            return "Standardizer(not fitted)"
        return f"Standardizer(fitted on samples of shape {self.mean_.shape})"


def _output_dtype(X: np.ndarray) -> np.dtype:
    return X.dtype if np.issubdtype(X.dtype, np.floating) else np.dtype(np.float32)
