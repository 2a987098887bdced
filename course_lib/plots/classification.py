"""Figures of a classifier's evaluation: confusion matrix, ROC and precision-recall curves,
the scores of each class against a threshold.

Taught in notebooks/08_classification.ipynb. Each function draws arrays the
chapter computed (``course_lib.metrics.confusion_matrix``, ``roc_curve``,
``precision_recall_curve``), labels its axes and returns the Axes; none makes a
figure when given ``ax``, so the explorer of ``course_lib.widgets.classification``
draws with them on pyplot-free figures.

Colours: the two classes are blue (class 0) and red (class 1) as in every
chapter, so the curves are black, the chance line gray, the operating point at
the chosen threshold green, and the confusion matrix shades of green.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.axes import Axes

from course_lib.plots.boundaries import BINARY_COLORS

__all__ = ["plot_confusion_matrix", "plot_precision_recall_curve", "plot_roc_curve",
           "plot_score_histograms"]

#: The colour of a curve and of the operating point on it.
CURVE_COLOR = "black"
POINT_COLOR = "tab:green"
#: The colormap of confusion matrices (no red or blue: those are the classes).
MATRIX_CMAP = "Greens"


def _axes(ax: Axes | None, figsize=(4.2, 3.8)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_confusion_matrix(matrix, class_names: Sequence[str] | None = None, *,
                          ax: Axes | None = None, title: str = "Confusion matrix",
                          cbar: bool = False) -> Axes:
    """A confusion matrix as a seaborn heatmap: rows the true class, columns the predicted
    class, each cell its count and its share of the row (of the true class).

    Args:
        matrix: (C, C) counts, as ``course_lib.metrics.confusion_matrix`` returns them.
        class_names: C names, in the order of the rows (default: 0, 1, ...).
        ax: where to draw; a new figure is made when None.
        title: the title.
        cbar: draw the colour bar.

    Returns:
        The Axes.

    Example:
        >>> ax = plot_confusion_matrix(np.array([[50, 3], [2, 45]]), ["benign", "malignant"])
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('predicted class', 'true class')

    Taught in notebooks/08_classification.ipynb.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.dtype.kind not in "iu":
        raise ValueError(f"plot_confusion_matrix: matrix must be a square array of counts, got "
                         f"shape {matrix.shape} and dtype {matrix.dtype}")
    names = [str(i) for i in range(len(matrix))] if class_names is None else \
        [str(name) for name in class_names]
    if len(names) != len(matrix):
        raise ValueError(f"plot_confusion_matrix: {len(matrix)} classes but {len(names)} names")
    row_totals = np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    labels = np.array([[f"{count}\n{count / total:.0%}" for count, total in
                        zip(row, np.broadcast_to(totals, row.shape), strict=True)]
                       for row, totals in zip(matrix, row_totals, strict=True)])
    ax = _axes(ax)
    sns.heatmap(matrix / row_totals, annot=labels, fmt="", cmap=MATRIX_CMAP, vmin=0, vmax=1,
                cbar=cbar, square=True, linewidths=1, linecolor="white", ax=ax,
                xticklabels=names, yticklabels=names, annot_kws={"fontsize": 10})
    ax.set(xlabel="predicted class", ylabel="true class", title=title)
    ax.tick_params(axis="y", rotation=0)
    return ax


def plot_roc_curve(fpr, tpr, *, ax: Axes | None = None, label: str | None = None,
                   color=CURVE_COLOR, point: tuple[float, float] | None = None,
                   point_label: str | None = None, title: str = "ROC curve") -> Axes:
    """The ROC curve, true positive rate against false positive rate, with the chance diagonal.

    Args:
        fpr, tpr: from ``course_lib.metrics.roc_curve``.
        ax: where to draw; a new figure is made when None.
        label: the curve's legend entry (e.g. with its AUC).
        color: the curve's colour.
        point: an operating point (fpr, tpr) to mark, e.g. at the chosen threshold.
        point_label: its legend entry.
        title: the title.

    Returns:
        The Axes.

    Example:
        >>> ax = plot_roc_curve([0.0, 0.0, 0.5, 1.0], [0.0, 0.5, 1.0, 1.0], label="AUC 0.88",
        ...                     point=(0.0, 0.5))

    Taught in notebooks/08_classification.ipynb.
    """
    ax = _axes(ax)
    ax.plot([0, 1], [0, 1], ls="--", color="tab:gray", lw=1, label="chance")
    ax.plot(fpr, tpr, color=color, lw=1.8, label=label, drawstyle="default")
    if point is not None:
        ax.plot(*point, "o", ms=9, color=POINT_COLOR, markeredgecolor="black", zorder=3,
                label=point_label)
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel="false positive rate (1 - specificity)",
           ylabel="true positive rate (recall)", title=title)
    ax.set_aspect("equal")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_precision_recall_curve(precision, recall, *, ax: Axes | None = None,
                                label: str | None = None, color=CURVE_COLOR,
                                baseline: float | None = None,
                                point: tuple[float, float] | None = None,
                                point_label: str | None = None,
                                title: str = "Precision-recall curve") -> Axes:
    """Precision against recall (a step curve), with the precision of a random ranking.

    Args:
        precision, recall: from ``course_lib.metrics.precision_recall_curve``.
        ax: where to draw; a new figure is made when None.
        label: the curve's legend entry (e.g. with its average precision).
        color: the curve's colour.
        baseline: the fraction of positives, which a random ranking reaches at every recall.
        point: an operating point (recall, precision) to mark.
        point_label: its legend entry.
        title: the title.

    Returns:
        The Axes.

    Example:
        >>> ax = plot_precision_recall_curve([0.5, 0.67, 1.0], [1.0, 1.0, 0.0], baseline=0.5)

    Taught in notebooks/08_classification.ipynb.
    """
    ax = _axes(ax)
    if baseline is not None:
        ax.axhline(baseline, ls="--", color="tab:gray", lw=1,
                   label=f"random ranking ({baseline:.2f})")
    ax.plot(recall, precision, color=color, lw=1.8, label=label, drawstyle="steps-post")
    if point is not None:
        ax.plot(*point, "o", ms=9, color=POINT_COLOR, markeredgecolor="black", zorder=3,
                label=point_label)
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.05), xlabel="recall (true positive rate)",
           ylabel="precision", title=title)
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(loc="lower left", fontsize=8)
    return ax


def plot_score_histograms(scores, y_true, *, ax: Axes | None = None,
                          threshold: float | None = None,
                          class_names: Sequence[str] = ("class 0", "class 1"),
                          bins: int = 30, score_range: tuple[float, float] = (0.0, 1.0),
                          xlabel: str = "predicted probability of class 1",
                          title: str = "Scores of each class") -> Axes:
    """Histograms of the scores of each class (class 0 blue, class 1 red) and the threshold.

    Args:
        scores: (N,) scores or probabilities of class 1.
        y_true: (N,) 0/1 labels.
        ax: where to draw; a new figure is made when None.
        threshold: drawn as a vertical line: samples to its right are predicted class 1.
        class_names: the names of class 0 and class 1.
        bins, score_range: of the histograms (scores outside ``score_range`` are left out).
        xlabel, title: labels.

    Returns:
        The Axes.

    Example:
        >>> ax = plot_score_histograms([0.1, 0.2, 0.7, 0.9], [0, 0, 1, 1], threshold=0.5)

    Taught in notebooks/08_classification.ipynb.
    """
    scores, y_true = np.asarray(scores, dtype=float), np.asarray(y_true)
    if scores.shape != y_true.shape or scores.ndim != 1:
        raise ValueError(f"plot_score_histograms: scores and y_true must be 1-D of the same "
                         f"length, got {scores.shape} and {y_true.shape}")
    ax = _axes(ax)
    edges = np.linspace(*score_range, bins + 1)
    for cls, (color, name) in enumerate(zip(BINARY_COLORS, class_names, strict=True)):
        ax.hist(scores[y_true == cls], bins=edges, color=color, alpha=0.45,
                label=f"{name} ({np.sum(y_true == cls)})")
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1.2, label=f"threshold {threshold:.2f}")
    ax.set(xlabel=xlabel, ylabel="samples", title=title)
    ax.legend(fontsize=8)
    return ax
