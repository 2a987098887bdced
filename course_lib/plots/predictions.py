"""Examples with the probabilities the classifier gave them: what it got wrong, and how sure it was.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb (a grid of misclassified
test images) and used by ``course_lib.widgets.fashion_mnist``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["draw_predictions", "misclassified_indices", "plot_predictions"]


def misclassified_indices(probabilities, labels, *, true_class: int | None = None,
                          predicted_class: int | None = None,
                          min_confidence: float = 0.0) -> np.ndarray:
    """Indices of the wrong predictions, most confident first.

    Args:
        probabilities: (N, C) class probabilities.
        labels: (N,) true classes.
        true_class, predicted_class: keep only this true class / this prediction.
        min_confidence: keep only predictions whose largest probability is at least this.

    Returns:
        int64 indices into the N examples, sorted by decreasing confidence (ties by index).

    Example:
        >>> p = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8]])
        >>> misclassified_indices(p, np.array([0, 0, 0])).tolist()
        [2, 1]

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    probabilities, labels = np.asarray(probabilities), np.asarray(labels)
    if probabilities.ndim != 2 or labels.shape != (len(probabilities),):
        raise ValueError(f"misclassified_indices: probabilities (N, C) and labels (N,) expected, "
                         f"got {probabilities.shape} and {labels.shape}")
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    keep = (predicted != labels) & (confidence >= min_confidence)
    if true_class is not None:
        keep &= labels == true_class
    if predicted_class is not None:
        keep &= predicted == predicted_class
    indices = np.flatnonzero(keep)
    return indices[np.argsort(-confidence[indices], kind="stable")].astype(np.int64)


def draw_predictions(axes: Sequence[Axes], images, labels, probabilities,
                     class_names: Sequence[str]) -> None:
    """Draw one image per Axes, titled with the predicted and true class and their probabilities.

    Unused Axes (more Axes than images) are switched off. Taught in no notebook:
    ``plot_predictions`` and the misclassification explorer draw with it.
    """
    for i, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= len(images):
            ax.axis("off")
            continue
        predicted = int(np.argmax(probabilities[i]))
        true = int(labels[i])
        ax.imshow(np.asarray(images[i]).reshape(28, 28), cmap="binary")
        ax.set_title(f"pred {class_names[predicted]} {probabilities[i][predicted]:.2f}\n"
                     f"true {class_names[true]} {probabilities[i][true]:.2f}", fontsize=7)


def plot_predictions(images, labels, probabilities, class_names: Sequence[str], *,
                     ncols: int = 8, size: float = 1.35,
                     title: str | None = None) -> Figure:
    """A grid of images, each titled "pred <class> <p>" over "true <class> <p>".

    Args:
        images: (N, 28, 28) or (N, 784) images (uint8 or float), at most 64.
        labels: (N,) true classes.
        probabilities: (N, C) the classifier's probabilities for these images.
        class_names: the C class names.
        ncols: images per row.
        size: width of one image in inches.
        title: a title over the grid.

    Returns:
        The Figure.

    Example:
        >>> p = np.array([[0.3, 0.7], [0.6, 0.4]])
        >>> fig = plot_predictions(np.zeros((2, 28, 28)), [0, 1], p, ["cat", "dog"])
        >>> fig.axes[0].get_title()
        'pred dog 0.70\\ntrue cat 0.30'

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    probabilities = np.asarray(probabilities)
    n = len(images)
    if n == 0 or n > 64:
        raise ValueError(f"plot_predictions: give between 1 and 64 images, got {n}")
    if labels.shape != (n,) or probabilities.shape != (n, len(class_names)):
        raise ValueError(f"plot_predictions: expected labels ({n},) and probabilities "
                         f"({n}, {len(class_names)}), got {labels.shape} and "
                         f"{probabilities.shape}")
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size * 1.35),
                             squeeze=False)
    draw_predictions(axes.ravel(), images, labels, probabilities, class_names)
    if title:
        fig.suptitle(title)
    return fig
