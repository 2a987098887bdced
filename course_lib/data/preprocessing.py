r"""Preparing a table for a network: mean imputation and one-hot encoding, fitted on training data.

Taught in notebooks/07_regression.ipynb. Both follow ``Standardizer``'s rule:
``fit`` looks at the training data only and stores what it learned
(``means_``, ``categories_``); ``transform`` applies that, unchanged, to
training, validation and test data alike. Refitting on test data would make
the same house get a different encoding depending on which other houses
happen to be in its batch, and would leak test statistics into the model.

- ``MeanImputer``: replace each NaN by its column's training mean,
  optionally adding one 0/1 "was missing" column per feature that had missing
  values in training (scikit-learn's ``SimpleImputer(add_indicator=True)``).
- ``OneHotEncoder``: a column of categories (strings or ints) becomes one
  0/1 column per training category, in sorted order; a category never seen in
  training becomes a row of zeros (scikit-learn's ``handle_unknown="ignore"``).
"""

from __future__ import annotations

import numpy as np

from course_lib import checks


class MeanImputer:
    r"""Fill missing values (NaN) with the per-column mean of the training data.

    Taught in notebooks/07_regression.ipynb.

    ``fit(X)`` stores ``means_[j]`` = the mean of the non-missing values of column
    j (float64); ``transform(X)`` returns a copy of ``X`` with every NaN of column
    j replaced by ``means_[j]``. With ``add_indicator=True`` the result has one
    more column per feature that had a missing value in training, 1.0 where that
    value was missing and 0.0 elsewhere, appended in column order.

    Shapes: ``X`` (n_samples, n_features) -> (n_samples, n_features [+ n_indicators]).
    Floating inputs keep their dtype; ``X`` is never modified.

    Args:
        add_indicator: append the "was missing" columns.

    Attributes:
        means_ (np.ndarray): (n_features,) float64 training means; None before ``fit``.
        indicator_features_ (np.ndarray): the columns that get an indicator (int64).

    Example:
        >>> imputer = MeanImputer(add_indicator=True).fit(np.array([[1.0, 2.0], [np.nan, 4.0],
        ...                                                           [3.0, 6.0]]))
        >>> imputer.transform(np.array([[np.nan, 5.0]])).tolist()
        [[2.0, 5.0, 1.0]]
    """

    def __init__(self, *, add_indicator: bool = False):
        if not isinstance(add_indicator, bool):
            raise TypeError(f"MeanImputer: add_indicator must be True or False, "
                            f"got {add_indicator!r}")
        self.add_indicator = add_indicator
        self.means_: np.ndarray | None = None
        self.indicator_features_: np.ndarray | None = None

    def fit(self, X) -> MeanImputer:
        """Store the mean of each column's non-missing training values."""
        X = _table(X, "MeanImputer.fit")
        missing = np.isnan(X)
        empty = np.flatnonzero(missing.all(axis=0))
        if len(X) == 0 or empty.size:
            raise ValueError(
                f"MeanImputer.fit: column {int(empty[0]) if empty.size else 0} has no value "
                "to average (every entry is missing, or there are no rows); drop that "
                "column or fit on more data")
        self.means_ = np.nanmean(X.astype(np.float64), axis=0)
        self.indicator_features_ = np.flatnonzero(missing.any(axis=0)).astype(np.int64)
        return self

    def transform(self, X) -> np.ndarray:
        """A copy of ``X`` with NaN replaced by the training means (plus the indicators)."""
        if self.means_ is None:
            raise RuntimeError("MeanImputer.transform was called before fit: call "
                               "fit(X_train) first, on the training data only")
        X = _table(X, "MeanImputer.transform")
        if X.shape[1] != len(self.means_):
            raise ValueError(f"MeanImputer was fitted on {len(self.means_)} columns, but "
                             f"transform got X of shape {X.shape}")
        missing = np.isnan(X)
        filled = np.where(missing, self.means_, X).astype(X.dtype)
        if not self.add_indicator:
            return filled
        indicators = missing[:, self.indicator_features_].astype(X.dtype)
        return np.hstack([filled, indicators])

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``: on the training data only."""
        return self.fit(X).transform(X)

    def __repr__(self) -> str:
        return f"MeanImputer(add_indicator={self.add_indicator})"


class OneHotEncoder:
    r"""One 0/1 column per category seen in training, as scikit-learn's
    ``OneHotEncoder(handle_unknown="ignore")`` for a single column.

    Taught in notebooks/07_regression.ipynb.

    ``fit(values)`` stores ``categories_``, the sorted distinct training values;
    ``transform(values)[i, k] = 1`` when ``values[i] == categories_[k]``, else 0.
    A value not seen in training gets a row of zeros: the network then uses only
    what the other features say.

    Shapes: ``values`` (n_samples,) -> (n_samples, n_categories).

    Args:
        dtype: float32 (default) or float64, the dtype of the result.

    Example:
        >>> encoder = OneHotEncoder().fit(np.array(["b", "a", "b"]))
        >>> encoder.categories_.tolist()
        ['a', 'b']
        >>> encoder.transform(np.array(["b", "c"])).tolist()   # "c" was never seen
        [[0.0, 1.0], [0.0, 0.0]]
    """

    def __init__(self, *, dtype=np.float32):
        self.dtype = checks.float_dtype(dtype, "OneHotEncoder")
        self.categories_: np.ndarray | None = None

    def fit(self, values) -> OneHotEncoder:
        """Store the sorted distinct training values."""
        values = _column(values, "OneHotEncoder.fit")
        if len(values) == 0:
            raise ValueError("OneHotEncoder.fit got no values; fit it on the training column")
        self.categories_ = np.unique(values)
        return self

    def transform(self, values) -> np.ndarray:
        """(n_samples, n_categories) 0/1 rows; unknown values give rows of zeros."""
        if self.categories_ is None:
            raise RuntimeError("OneHotEncoder.transform was called before fit: call "
                               "fit(column_train) first, on the training data only")
        values = _column(values, "OneHotEncoder.transform")
        return (values[:, None] == self.categories_[None, :]).astype(self.dtype)

    def fit_transform(self, values) -> np.ndarray:
        """``fit(values)`` then ``transform(values)``: on the training data only."""
        return self.fit(values).transform(values)

    def __repr__(self) -> str:
        return "OneHotEncoder(not fitted)" if self.categories_ is None else \
            f"OneHotEncoder(categories={self.categories_.tolist()})"


def _table(X, where: str) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{where}: X must have shape (n_samples, n_features), got {X.shape}")
    if X.dtype.kind != "f":
        raise TypeError(f"{where}: X must hold floating point numbers (NaN marks a missing "
                        f"value), got dtype {X.dtype}; convert with X.astype(np.float64)")
    if np.isinf(X).any():
        raise ValueError(f"{where}: X contains infinity; only NaN marks a missing value")
    return X


def _column(values, where: str) -> np.ndarray:
    values = np.asarray(values)
    if values.ndim != 1:
        raise ValueError(f"{where}: expected one column of categories, shape (n_samples,), "
                         f"got {values.shape}")
    if values.dtype.kind == "f" and np.isnan(values).any():
        raise ValueError(f"{where}: a category is NaN; fill missing categories first, e.g. "
                         "with the string 'missing'")
    return values
