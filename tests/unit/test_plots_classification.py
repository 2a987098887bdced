"""course_lib.plots.classification: confusion matrix, ROC and precision-recall curves, score
histograms, each labelled and drawn with the course's colours."""

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import metrics
from course_lib.plots.boundaries import BINARY_COLORS
from course_lib.plots.classification import (
    POINT_COLOR,
    plot_confusion_matrix,
    plot_precision_recall_curve,
    plot_roc_curve,
    plot_score_histograms,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def scores():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    return y, 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(size=200))))


def test_the_confusion_matrix_shows_counts_and_row_shares_with_true_classes_as_rows():
    matrix = np.array([[50, 3], [2, 45]])
    ax = plot_confusion_matrix(matrix, ["benign", "malignant"])
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["50\n94%", "3\n6%", "2\n4%", "45\n96%"]     # row by row: true class
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["benign", "malignant"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["benign", "malignant"]
    assert ax.get_title() == "Confusion matrix"


def test_a_three_class_matrix_and_an_empty_row():
    ax = plot_confusion_matrix(np.array([[2, 0, 0], [0, 0, 0], [1, 1, 3]]))
    texts = [t.get_text() for t in ax.texts]
    assert texts[3:6] == ["0\n0%"] * 3 and len(texts) == 9
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]


@pytest.mark.parametrize("matrix, names, match", [
    (np.ones((2, 3), dtype=int), None, "square"),
    (np.ones((2, 2)), None, "counts"),
    (np.ones((2, 2), dtype=int), ["a"], "2 classes but 1 names"),
])
def test_confusion_matrix_bad_input(matrix, names, match):
    with pytest.raises(ValueError, match=match):
        plot_confusion_matrix(matrix, names)


def test_the_roc_curve_draws_chance_the_curve_and_the_operating_point(scores):
    y, p = scores
    fpr, tpr, _ = metrics.roc_curve(y, p)
    ax = plot_roc_curve(fpr, tpr, label="model", point=(0.2, 0.8), point_label="t = 0.5")
    chance, curve, point = ax.get_lines()
    np.testing.assert_array_equal(chance.get_xdata(), [0, 1])
    np.testing.assert_array_equal(curve.get_xdata(), fpr)
    np.testing.assert_array_equal(curve.get_ydata(), tpr)
    assert mcolors.same_color(point.get_color(), POINT_COLOR)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["chance", "model", "t = 0.5"]
    assert ax.get_xlabel().startswith("false positive rate")
    assert ax.get_ylabel().startswith("true positive rate")


def test_the_precision_recall_curve_with_its_baseline(scores):
    y, p = scores
    precision, recall, _ = metrics.precision_recall_curve(y, p)
    ax = plot_precision_recall_curve(precision, recall, label="model", baseline=y.mean())
    baseline, curve = ax.get_lines()
    assert baseline.get_ydata()[0] == pytest.approx(y.mean())
    np.testing.assert_array_equal(curve.get_xdata(), recall)
    assert curve.get_drawstyle() == "steps-post"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("recall (true positive rate)", "precision")


def test_score_histograms_are_blue_for_class_0_and_red_for_class_1(scores):
    y, p = scores
    ax = plot_score_histograms(p, y, threshold=0.3, class_names=("benign", "malignant"))
    bars_0 = [patch for patch in ax.patches if mcolors.same_color(patch.get_facecolor()[:3],
                                                                  BINARY_COLORS[0])]
    bars_1 = [patch for patch in ax.patches if mcolors.same_color(patch.get_facecolor()[:3],
                                                                  BINARY_COLORS[1])]
    assert sum(b.get_height() for b in bars_0) == np.sum(y == 0)
    assert sum(b.get_height() for b in bars_1) == np.sum(y == 1)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"benign ({np.sum(y == 0)})", f"malignant ({np.sum(y == 1)})",
                      "threshold 0.30"]
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [0.3, 0.3])
    with pytest.raises(ValueError, match="same length"):
        plot_score_histograms(p[:5], y)


def test_every_plot_draws_into_a_given_axes():
    fig, axes = plt.subplots(1, 4)
    assert plot_confusion_matrix(np.eye(2, dtype=int), ax=axes[0]) is axes[0]
    assert plot_roc_curve([0, 1], [0, 1], ax=axes[1]) is axes[1]
    assert plot_precision_recall_curve([1, 1], [1, 0], ax=axes[2]) is axes[2]
    assert plot_score_histograms([0.2, 0.8], [0, 1], ax=axes[3]) is axes[3]
    assert len(plt.get_fignums()) == 1
