"""The reliability diagram: accuracy against confidence, bin by bin.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb; the bins come from
``course_lib.calibration.reliability_bins``. Bars show the accuracy in each
confidence bin, dots the mean confidence there; a calibrated classifier has
its bars on the diagonal. Bars below the diagonal mean over-confidence.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_lib.calibration import ReliabilityBins

__all__ = ["plot_reliability_diagram"]

BAR_COLOR = "0.6"
CONFIDENCE_COLOR = "black"


def plot_reliability_diagram(bins: ReliabilityBins, *, ax: Axes | None = None,
                             title: str = "Reliability diagram",
                             min_count: int = 1) -> Axes:
    """Draw accuracy (bars) and mean confidence (dots) per confidence bin, and the diagonal.

    Args:
        bins: from ``course_lib.calibration.reliability_bins``.
        ax: where to draw; a new figure is made when None.
        title: the title (add the ECE to it).
        min_count: leave out bins with fewer examples than this (their accuracy is noise).

    Returns:
        The Axes.

    Example:
        >>> from course_lib.calibration import reliability_bins
        >>> p = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
        >>> ax = plot_reliability_diagram(reliability_bins(p, np.array([0, 1, 1, 0]), n_bins=5))
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('confidence (largest probability)', 'accuracy')

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    if not isinstance(bins, ReliabilityBins):
        raise TypeError("plot_reliability_diagram: bins must come from reliability_bins, got "
                        f"{type(bins).__name__}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 4.4))
    shown = bins.counts >= max(min_count, 1)
    left, width = bins.edges[:-1], np.diff(bins.edges)
    ax.bar(left[shown], bins.accuracy[shown], width=width[shown], align="edge",
           color=BAR_COLOR, edgecolor="white", label="accuracy in the bin")
    ax.plot(bins.confidence[shown], bins.accuracy[shown], "o", color=CONFIDENCE_COLOR,
            markersize=4, label="(mean confidence, accuracy)")
    ax.plot([0, 1], [0, 1], "--", color="black", linewidth=1, label="perfect calibration")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence (largest probability)",
           ylabel="accuracy", title=title)
    ax.legend(loc="upper left", fontsize=8)
    return ax
