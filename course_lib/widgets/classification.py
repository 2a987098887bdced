"""The threshold explorer: move a classifier's threshold along its ROC curve and watch the
confusion matrix change.

Taught in notebooks/08_classification.ipynb. A classifier that outputs a
probability :math:`p` predicts class 1 when :math:`p \\ge t`. Every threshold
:math:`t` is one point of the ROC curve (false positive rate, true positive
rate) and of the precision-recall curve, and one confusion matrix: lowering
:math:`t` turns false negatives into true positives and true negatives into
false positives. The explorer shows all three for the threshold of the slider,
on the scores the notebook computed; nothing is trained.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course_lib import checks
from course_lib.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from course_lib.plots.classification import (
    plot_confusion_matrix,
    plot_precision_recall_curve,
    plot_roc_curve,
    plot_score_histograms,
)
from course_lib.widgets.common import Explorer, new_figure, show_figure

CURVES = ("ROC", "precision-recall")


class ThresholdExplorer(Explorer):
    """Threshold and curve -> the operating point on the curve, the confusion matrix and the
    scores of each class.

    Args:
        y_true: (N,) 0/1 labels of a validation or test set; both classes present.
        scores: (N,) the classifier's probabilities of class 1, in [0, 1].
        threshold: the initial threshold, in [0.01, 0.99].
        class_names: names of class 0 and class 1.
        curve: ``"ROC"`` or ``"precision-recall"``.

    Attributes:
        threshold, curve: the controls.
        output: the ``Output`` widget holding the figure.
        summary: an ``HTML`` widget with the counts and metrics at the threshold.
        matrix: the confusion matrix (2, 2) at the current threshold.
        widget: the whole explorer, as one box.

    Example:
        >>> explorer = ThresholdExplorer([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])  # last line shows it
        >>> explorer.threshold.value = 0.3       # what moving the slider does
        >>> explorer.matrix.tolist()             # [[TN, FP], [FN, TP]]
        [[1, 1], [0, 2]]

    Taught in notebooks/08_classification.ipynb.
    """

    title = "Threshold explorer"

    def __init__(self, y_true, scores, *, threshold: float = 0.5,
                 class_names: tuple[str, str] = ("class 0", "class 1"), curve: str = "ROC"):
        super().__init__()
        where = "ThresholdExplorer"
        y_true, scores = np.asarray(y_true), np.asarray(scores)
        if y_true.ndim != 1 or scores.shape != y_true.shape:
            raise ValueError(f"{where}: y_true and scores must be 1-D of the same length, got "
                             f"shapes {y_true.shape} and {scores.shape}")
        if not set(np.unique(y_true).tolist()) == {0, 1}:
            raise ValueError(f"{where}: y_true must hold 0/1 labels of both classes, got "
                             f"{np.unique(y_true).tolist()}")
        if scores.dtype.kind != "f" or not (np.all(np.isfinite(scores)) and scores.min() >= 0
                                            and scores.max() <= 1):
            raise ValueError(f"{where}: scores must be probabilities of class 1, in [0, 1]; "
                             "for logits z pass F.sigmoid(z)")
        checks.number(threshold, "threshold", where, low=0.01, high=0.99)
        checks.choice(curve, CURVES, "curve", where)
        if len(class_names) != 2:
            raise ValueError(f"{where}: class_names must name the two classes, got {class_names!r}")
        self.y_true, self.scores = y_true.astype(np.int64), scores.astype(np.float64)
        self.class_names = tuple(str(name) for name in class_names)
        self.matrix: np.ndarray | None = None
        if self.inert:
            return
        self.roc = roc_curve(self.y_true, self.scores)
        self.auc = roc_auc_score(self.y_true, self.scores)
        self.pr = precision_recall_curve(self.y_true, self.scores)
        style = {"description_width": "80px"}
        self.threshold = widgets.FloatSlider(
            value=threshold, min=0.01, max=0.99, step=0.01, description="threshold",
            readout_format=".2f", continuous_update=False, style=style)
        self.curve = widgets.Dropdown(options=CURVES, value=curve, description="curve",
                                      style=style)
        self._assemble([self.threshold, self.curve], min_height="320px")

    def update(self, change=None) -> None:
        """Recompute the confusion matrix at the current threshold and redraw."""
        if self.inert:
            return
        threshold = float(self.threshold.value)
        predicted = (self.scores >= threshold).astype(np.int64)
        self.matrix = confusion_matrix(self.y_true, predicted, labels=[0, 1])
        (tn, fp), (fn, tp) = self.matrix
        fpr = fp / (fp + tn)
        recall = recall_score(self.y_true, predicted)
        precision = precision_score(self.y_true, predicted, zero_division=0)
        fig, (left, middle, right) = new_figure(ncols=3, figsize=(12.5, 3.9))
        fig.subplots_adjust(left=0.05, right=0.98, bottom=0.16, top=0.9, wspace=0.4)
        if self.curve.value == "ROC":
            plot_roc_curve(self.roc[0], self.roc[1], ax=left, label=f"AUC {self.auc:.3f}",
                           point=(fpr, recall), point_label=f"threshold {threshold:.2f}")
        else:
            plot_precision_recall_curve(self.pr[0], self.pr[1], ax=left,
                                        baseline=float(self.y_true.mean()),
                                        point=(recall, precision),
                                        point_label=f"threshold {threshold:.2f}")
        plot_confusion_matrix(self.matrix, self.class_names, ax=middle,
                              title=f"Confusion matrix at {threshold:.2f}")
        plot_score_histograms(self.scores, self.y_true, ax=right, threshold=threshold,
                              class_names=self.class_names,
                              xlabel=f"predicted probability of {self.class_names[1]}")
        show_figure(self.output, fig)
        self.summary.value = (
            f"Threshold {threshold:.2f}: TP {tp}, FP {fp}, FN {fn}, TN {tn}. "
            f"<b>Precision {precision:.3f}, recall {recall:.3f}</b>, "
            f"F1 {f1_score(self.y_true, predicted, zero_division=0):.3f}, "
            f"accuracy {accuracy_score(self.y_true, predicted):.3f}, "
            f"false positive rate {fpr:.3f}.")
