"""The confusion matrix as a heatmap: rows are the true classes, columns the predicted ones.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb (which classes the network
mixes up). The cells are shaded by the fraction of each true class (each row
sums to 1), so a rare class is as visible as a frequent one, and annotated
with the counts. Greys only: red and blue are kept for the two classes of a
binary classifier.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.axes import Axes

__all__ = ["plot_confusion_matrix"]

CMAP = "Greys"


def plot_confusion_matrix(matrix, class_names: Sequence[str], *, ax: Axes | None = None,
                          title: str = "Confusion matrix", annotate: bool = True,
                          colorbar: bool = True) -> Axes:
    """Draw a confusion matrix of counts: row i = true class i, column j = predicted class j.

    Args:
        matrix: (C, C) counts, e.g. ``course_lib.metrics.confusion_matrix(y_true, y_pred)``.
        class_names: the C class names, in the order of the rows.
        ax: where to draw; a new figure is made when None.
        title: the title.
        annotate: write the count in every cell.
        colorbar: draw the colour bar (fraction of the true class).

    Returns:
        The Axes.

    Example:
        >>> ax = plot_confusion_matrix(np.array([[5, 1], [2, 7]]), ["cat", "dog"])
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('predicted class', 'true class')

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"plot_confusion_matrix: matrix must be square (C, C), got {matrix.shape}")
    if not np.issubdtype(matrix.dtype, np.integer) or np.any(matrix < 0):
        raise ValueError("plot_confusion_matrix: matrix must hold counts (integers >= 0)")
    if len(class_names) != len(matrix):
        raise ValueError(f"plot_confusion_matrix: {len(class_names)} class names for a "
                         f"{len(matrix)}x{len(matrix)} matrix")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 0.75 * len(matrix), 0.6 + 0.6 * len(matrix)))
    rows = matrix.sum(axis=1, keepdims=True)
    fraction = np.divide(matrix, rows, out=np.zeros(matrix.shape), where=rows > 0)
    sns.heatmap(fraction, ax=ax, cmap=CMAP, vmin=0.0, vmax=1.0, square=False,
                annot=matrix if annotate else False, fmt="d", annot_kws={"fontsize": 8},
                xticklabels=list(class_names), yticklabels=list(class_names),
                cbar=colorbar, cbar_kws={"label": "fraction of the true class"},
                linewidths=0.5, linecolor="white")
    ax.set(xlabel="predicted class", ylabel="true class", title=title)
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.tick_params(axis="y", labelrotation=0)
    return ax
