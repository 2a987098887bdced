"""``TabularData``: what the tabular loaders return (features, targets and their names)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class TabularData(NamedTuple):
    """A table of samples: unpack it as ``X, y, feature_names, target_names = data``.

    Taught in no notebook by this name: ``load_breast_cancer`` and ``load_diabetes``
    return it, and the notebooks unpack it.

    Attributes:
        X: features, shape (n_samples, n_features).
        y: targets, shape (n_samples,): float values (regression) or int64 classes.
        feature_names: one name per column of ``X``.
        target_names: the class names, indexed by label (classification), or
            ``None`` (regression).
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...] | None
