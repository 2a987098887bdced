"""The misclassification explorer: a confusion matrix by confidence, and the images behind a cell.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb. A classifier may abstain
when it is unsure: keep only the predictions whose confidence (largest
probability) reaches a threshold, and hand the rest to a person. The
explorer shows what that buys: the confusion matrix of the predictions that
are kept, how many are kept, how many of those are right, and the images of
one kind of mistake (a true class predicted as another), most confident first.

It takes NumPy arrays (images, labels and the model's probabilities), so it
needs no torch: the notebook computes the probabilities once.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from course_lib.metrics import confusion_matrix
from course_lib.plots.confusion import plot_confusion_matrix
from course_lib.plots.predictions import draw_predictions, misclassified_indices
from course_lib.widgets.common import Explorer, show_figure

ANY = "any"
N_SHOWN = 8


class MisclassificationExplorer(Explorer):
    """Confidence threshold, true class and predicted class -> confusion matrix and mistakes.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.

    Args:
        images: (N, 28, 28) test images (uint8 or float).
        labels: (N,) true classes.
        probabilities: (N, C) the model's class probabilities (softmax of its logits).
        class_names: the C class names.
        threshold: initial confidence threshold, from 0 to 0.95.
        true_class, predicted_class: initial filters, a class name or ``"any"``.

    Attributes:
        threshold, true_class, predicted_class: the controls.
        output: the ``Output`` widget holding the figure.
        summary: an ``HTML`` widget with the numbers behind the figure.
        kept: boolean mask (N,) of the predictions at or above the threshold.
        matrix: the confusion matrix (C, C) of the kept predictions.
        shown: indices of the images drawn.
        widget: the whole explorer, as one box.

    Example:
        >>> images = np.zeros((3, 28, 28), dtype=np.uint8)
        >>> probabilities = np.array([[0.95, 0.05], [0.6, 0.4], [0.2, 0.8]])
        >>> explorer = MisclassificationExplorer(images, np.array([0, 1, 1]), probabilities,
        ...                                      ["cat", "dog"])  # shown if last in a cell
        >>> explorer.threshold.value = 0.9        # what moving the slider does
        >>> int(explorer.kept.sum())              # predictions made with confidence >= 0.9
        1
    """

    title = "Misclassification explorer"

    def __init__(self, images, labels, probabilities, class_names: Sequence[str], *,
                 threshold: float = 0.0, true_class: str = ANY, predicted_class: str = ANY):
        super().__init__()
        images, labels = np.asarray(images), np.asarray(labels)
        probabilities = np.asarray(probabilities)
        n = len(images)
        if images.ndim != 3 or n == 0:
            raise ValueError(f"images must have shape (N, height, width), got {images.shape}")
        if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(f"labels must be {n} integer classes, got {labels.dtype} "
                             f"{labels.shape}")
        if probabilities.shape != (n, len(class_names)):
            raise ValueError(f"probabilities must have shape ({n}, {len(class_names)}), one row "
                             f"per image and one column per class, got {probabilities.shape}")
        if np.any(probabilities < 0) or not np.allclose(probabilities.sum(axis=1), 1, atol=1e-3):
            raise ValueError("probabilities must be >= 0 with rows summing to 1; apply a softmax "
                             "to the logits first")
        if not 0.0 <= threshold <= 0.95:
            raise ValueError(f"threshold must be between 0 and 0.95, got {threshold}")
        names = [ANY, *class_names]
        for name, value in (("true_class", true_class), ("predicted_class", predicted_class)):
            if value not in names:
                raise ValueError(f"{name} must be 'any' or a class name, got {value!r}")
        self.images, self.labels, self.probabilities = images, labels, probabilities
        self.class_names = list(class_names)
        self.predicted = probabilities.argmax(axis=1)
        self.confidence = probabilities.max(axis=1)
        self.kept = self.matrix = self.shown = None
        if self.inert:
            return
        style = {"description_width": "120px"}
        self.threshold = widgets.FloatSlider(
            value=threshold, min=0.0, max=0.95, step=0.05, description="min confidence",
            readout_format=".2f", continuous_update=False, style=style)
        self.true_class = widgets.Dropdown(options=names, value=true_class,
                                           description="true class", style=style)
        self.predicted_class = widgets.Dropdown(options=names, value=predicted_class,
                                                description="predicted as", style=style)
        self._assemble([self.threshold, self.true_class, self.predicted_class],
                       min_height="380px")

    def _class_index(self, name: str) -> int | None:
        return None if name == ANY else self.class_names.index(name)

    def update(self, change=None) -> None:
        """Recompute the kept predictions, their confusion matrix and the mistakes shown; redraw."""
        if self.inert:
            return
        threshold = float(self.threshold.value)
        true_index = self._class_index(self.true_class.value)
        predicted_index = self._class_index(self.predicted_class.value)
        self.kept = self.confidence >= threshold
        classes = np.arange(len(self.class_names))
        self.matrix = confusion_matrix(self.labels[self.kept], self.predicted[self.kept],
                                       labels=classes) if self.kept.any() else \
            np.zeros((len(classes), len(classes)), dtype=np.int64)
        mistakes = misclassified_indices(self.probabilities, self.labels, true_class=true_index,
                                         predicted_class=predicted_index,
                                         min_confidence=threshold)
        self.shown = mistakes[:N_SHOWN]

        fig = Figure(figsize=(12.0, 4.8), layout="none")
        fig.subplots_adjust(left=0.1, right=0.99, bottom=0.22, top=0.9, wspace=0.15, hspace=0.5)
        grid = fig.add_gridspec(2, 7, width_ratios=[1.3, 1.3, 1.3, 1, 1, 1, 1])
        matrix_ax = fig.add_subplot(grid[:, :3])
        plot_confusion_matrix(self.matrix, self.class_names, ax=matrix_ax, colorbar=False,
                              title=f"Predictions with confidence >= {threshold:.2f}")
        image_axes = [fig.add_subplot(grid[row, 3 + col]) for row in range(2) for col in range(4)]
        draw_predictions(image_axes, self.images[self.shown], self.labels[self.shown],
                         self.probabilities[self.shown], self.class_names)
        if len(self.shown) == 0:
            image_axes[0].text(0.0, 0.5, "no such mistake", fontsize=9,
                               transform=image_axes[0].transAxes)
        show_figure(self.output, fig)
        self.summary.value = self._summary_html(threshold, len(mistakes))

    def _summary_html(self, threshold: float, n_mistakes: int) -> str:
        n, kept = len(self.labels), int(self.kept.sum())
        right = int(np.trace(self.matrix))
        accuracy = f"{100 * right / kept:.1f} %" if kept else "-"
        kind = f"{self.true_class.value} predicted as {self.predicted_class.value}"
        return (f"Confidence >= {threshold:.2f}: <b>{kept} of {n}</b> predictions kept "
                f"({100 * kept / n:.1f} %), <b>{accuracy}</b> of them right. "
                f"Mistakes of the kind '{kind}': {n_mistakes}; "
                f"the {len(self.shown)} most confident are shown.")
