r"""Calibration: do a classifier's probabilities mean what they say?

Taught in notebooks/10_pytorch_fashion_mnist.ipynb. A classifier is
*calibrated* when, among the examples it predicts with confidence 0.8, 80 %
are right. The predictions are grouped by their confidence (the largest
probability of each row) into ``n_bins`` equal-width bins; for each bin
:math:`B_m` the **reliability diagram** plots the accuracy against the mean
confidence, and the **expected calibration error** (Guo et al., 2017,
"On Calibration of Modern Neural Networks") averages the gaps, weighted by
how many examples fall in each bin:

.. math::
    \mathrm{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{N}
    \,\bigl|\mathrm{acc}(B_m) - \mathrm{conf}(B_m)\bigr|

A bin :math:`m` holds the confidences in :math:`((m - 1)/M, m/M]`. ECE is 0 for
a perfectly calibrated classifier; an over-confident one has accuracy below
confidence in its upper bins. NumPy only: probabilities come in as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib import checks

__all__ = ["ReliabilityBins", "expected_calibration_error", "reliability_bins"]


@dataclass(frozen=True)
class ReliabilityBins:
    """The bins of a reliability diagram.

    Attributes:
        edges: (M + 1,) bin edges from 0 to 1.
        confidence: (M,) mean confidence of the examples in each bin (NaN if empty).
        accuracy: (M,) fraction of them predicted right (NaN if empty).
        counts: (M,) number of examples in each bin.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    edges: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray
    counts: np.ndarray


def _checked(probabilities, labels, n_bins, where):
    probabilities = checks.float_array(probabilities, where)
    labels = np.asarray(labels)
    if probabilities.ndim != 2 or probabilities.shape[1] < 2:
        raise ValueError(f"{where}: probabilities must have shape (N, C) with C >= 2 classes, "
                         f"got {probabilities.shape}")
    if labels.shape != (len(probabilities),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{where}: labels must be integer classes of shape "
                         f"({len(probabilities)},), got {labels.dtype} {labels.shape}")
    if len(labels) == 0:
        raise ValueError(f"{where}: no examples")
    if np.any(probabilities < 0) or not np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(f"{where}: each row of probabilities must be >= 0 and sum to 1; are "
                         "these logits? Apply a softmax first")
    n_bins = checks.integer(n_bins, "n_bins", where, minimum=1)
    return probabilities, labels, n_bins


def reliability_bins(probabilities, labels, *, n_bins: int = 15) -> ReliabilityBins:
    """Group predictions by confidence into ``n_bins`` equal-width bins.

    Args:
        probabilities: (N, C) class probabilities (rows sum to 1), e.g. a softmax of logits.
        labels: (N,) true classes.
        n_bins: the number of bins M.

    Example:
        >>> p = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
        >>> bins = reliability_bins(p, np.array([0, 1, 1, 0]), n_bins=2)
        >>> bins.counts.tolist(), bins.accuracy.tolist()
        ([0, 4], [nan, 0.75])

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    probabilities, labels, n_bins = _checked(probabilities, labels, n_bins, "reliability_bins")
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.arange(n_bins + 1) / n_bins
    # bin m holds (edges[m], edges[m + 1]]; a confidence of exactly 0 goes to the first bin
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    counts = np.bincount(which, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(which, weights=confidence, minlength=n_bins) / counts
        accuracy = np.bincount(which, weights=correct, minlength=n_bins) / counts
    return ReliabilityBins(edges=edges, confidence=mean_confidence,
                           accuracy=accuracy, counts=counts)


def expected_calibration_error(probabilities, labels, *, n_bins: int = 15) -> float:
    """The expected calibration error (module docstring), between 0 and 1.

    Example:
        >>> p = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
        >>> round(expected_calibration_error(p, np.array([0, 1, 1, 0]), n_bins=2), 4)
        0.0

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    bins = reliability_bins(probabilities, labels, n_bins=n_bins)
    filled = bins.counts > 0
    weights = bins.counts[filled] / bins.counts.sum()
    return float(np.sum(weights * np.abs(bins.accuracy[filled] - bins.confidence[filled])))
