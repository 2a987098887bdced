"""The curve of a learning-rate range test (``course_lib.lr_finder``), with its two readings.

Taught in notebooks/05_optimizers.ipynb.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_lib.lr_finder import LRRangeTest


def plot_lr_range_test(result: LRRangeTest, *, ax: Axes | None = None,
                       title: str = "Learning-rate range test") -> Axes:
    """Loss against learning rate (log axis): every batch in gray, the smoothed loss in black,
    and the two usual suggestions as vertical lines.

    Args:
        result: from ``course_lib.lr_finder.lr_range_test``.
        ax: where to draw; a new figure is made when None.
        title: the title.

    Returns:
        The Axes.

    Example:
        >>> from course_lib.lr_finder import LRRangeTest
        >>> lrs = np.geomspace(1e-4, 1.0, 20)
        >>> curve = 1 + (np.log10(lrs) + 2) ** 2
        >>> ax = plot_lr_range_test(LRRangeTest(lrs, curve, curve, stopped_early=False))
        >>> ax.get_xscale(), ax.get_xlabel()
        ('log', 'learning rate')

    Taught in notebooks/05_optimizers.ipynb.
    """
    if not isinstance(result, LRRangeTest):
        raise TypeError(f"plot_lr_range_test: expected an LRRangeTest, got {type(result).__name__}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.8))
    ax.plot(result.lrs, result.losses, color="0.7", lw=0.8, label="loss of each batch")
    ax.plot(result.lrs, result.smoothed, color="black", lw=1.8, label="smoothed loss")
    ax.axvline(result.steepest_lr, color="tab:green", ls="--",
               label=f"steepest descent: {result.steepest_lr:.2g}")
    ax.axvline(result.min_loss_lr / 10, color="tab:olive", ls=":",
               label=f"lowest loss / 10: {result.min_loss_lr / 10:.2g}")
    finite = result.smoothed[np.isfinite(result.smoothed)]
    if finite.size:
        low, high = float(finite.min()), float(finite[0])
        ax.set_ylim(low - 0.1 * (high - low), max(high, low) + 0.6 * (high - low) + 1e-12)
    ax.set(xscale="log", xlabel="learning rate", ylabel="training loss", title=title)
    ax.legend(fontsize="small")
    return ax
