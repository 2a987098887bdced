"""The figures of chapter 10: confusion matrix, reliability diagram, predictions, gradients."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.calibration import reliability_bins
from course_lib.plots.calibration import plot_reliability_diagram
from course_lib.plots.confusion import plot_confusion_matrix
from course_lib.plots.gradients import plot_gradient_histograms, plot_update_ratios
from course_lib.plots.predictions import draw_predictions, misclassified_indices, plot_predictions


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def no_red_or_blue(colours):
    """Red and blue mean class 1 and class 0 in this course: nothing else may use them."""
    for colour in colours:
        r, g, b = mcolors.to_rgb(colour)
        assert not (r > 0.6 and g < 0.35 and b < 0.35), f"{colour} is red"
        assert not (b > 0.6 and r < 0.35 and g < 0.6), f"{colour} is blue"


def test_the_confusion_matrix_annotates_counts_and_shades_row_fractions():
    matrix = np.array([[8, 2, 0], [1, 1, 0], [0, 0, 0]])
    ax = plot_confusion_matrix(matrix, ["a", "b", "c"], title="test")
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("predicted class",
                                                                  "true class", "test")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.texts] == ["8", "2", "0", "1", "1", "0", "0", "0", "0"]
    shaded = ax.collections[0].get_array().reshape(3, 3)
    np.testing.assert_allclose(shaded, [[0.8, 0.2, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("matrix, names, message", [
    (np.zeros((2, 3), dtype=int), ["a", "b"], "square"),
    (np.ones((2, 2)), ["a", "b"], "counts"),
    (np.ones((2, 2), dtype=int), ["a"], "class names"),
])
def test_the_confusion_matrix_refuses_what_is_not_one(matrix, names, message):
    with pytest.raises(ValueError, match=message):
        plot_confusion_matrix(matrix, names)


def test_the_reliability_diagram_draws_the_filled_bins_and_the_diagonal():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(300, 3)) * 2
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    bins = reliability_bins(p, rng.integers(0, 3, size=300), n_bins=10)
    ax = plot_reliability_diagram(bins, min_count=5, title="calibration")
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, bins.accuracy[bins.counts >= 5])
    assert ax.get_title() == "calibration" and ax.get_legend() is not None
    assert (ax.get_xlim(), ax.get_ylim()) == ((0.0, 1.0), (0.0, 1.0))
    no_red_or_blue([bar.get_facecolor() for bar in ax.patches])
    with pytest.raises(TypeError, match="reliability_bins"):
        plot_reliability_diagram({"counts": [1]})


def test_misclassified_indices_are_the_wrong_ones_most_confident_first_and_filtered():
    p = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.1, 0.3, 0.6], [0.5, 0.4, 0.1],
                  [0.05, 0.9, 0.05]])
    labels = np.array([0, 0, 1, 2, 1])
    assert misclassified_indices(p, labels).tolist() == [1, 2, 3]
    assert misclassified_indices(p, labels, true_class=0).tolist() == [1]
    assert misclassified_indices(p, labels, predicted_class=0).tolist() == [3]
    assert misclassified_indices(p, labels, min_confidence=0.6).tolist() == [1, 2]
    assert misclassified_indices(p, labels).dtype == np.int64
    with pytest.raises(ValueError, match="labels"):
        misclassified_indices(p, labels[:3])


def test_predictions_are_titled_with_prediction_and_truth_and_their_probabilities():
    p = np.array([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])
    fig = plot_predictions(np.zeros((3, 784)), [0, 0, 1], p, ["cat", "dog", "cow"], ncols=2,
                           title="mistakes")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["pred dog 0.70\ntrue cat 0.10", "pred cat 0.60\ntrue cat 0.60",
                      "pred cow 0.60\ntrue dog 0.20", ""]
    assert not fig.axes[3].axison  # the empty fourth place is switched off
    with pytest.raises(ValueError, match="probabilities"):
        plot_predictions(np.zeros((3, 28, 28)), [0, 0, 1], p[:, :2], ["cat", "dog", "cow"])


def test_draw_predictions_uses_given_axes():
    fig, axes = plt.subplots(1, 2)
    draw_predictions(axes, np.zeros((1, 28, 28)), [1], np.array([[0.4, 0.6]]), ["a", "b"])
    assert axes[0].get_title() == "pred b 0.60\ntrue b 0.60" and not axes[1].axison


def test_gradient_histograms_one_panel_per_layer_one_orange_curve_per_step():
    rng = np.random.default_rng(0)
    gradients = {step: {"hidden.weight": rng.normal(size=500) / (step + 1),
                        "output.weight": rng.normal(size=50) / (step + 1)} for step in (0, 5, 9)}
    fig = plot_gradient_histograms(gradients, title="grads")
    assert [ax.get_title() for ax in fig.axes] == ["hidden.weight", "output.weight"]
    for ax in fig.axes:
        assert ax.get_yscale() == "log" and ax.get_xlabel() == "gradient entry"
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert [label.split(" (")[0] for label in labels] == ["step 0", "step 5", "step 9"]
        colours = [patch.get_edgecolor() for patch in ax.patches]
        assert all(r > g > b for r, g, b, _ in colours), "shades of orange"
    with pytest.raises(ValueError, match="no recorded steps"):
        plot_gradient_histograms({})


def test_update_ratios_are_drawn_on_a_log_axis_with_the_rule_of_thumb():
    ax = plot_update_ratios([0, 10, 20], {"a.weight": [1e-2, 3e-3, 1e-3],
                                          "b.weight": [2e-3, 1e-3, 5e-4]})
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a.weight", "b.weight",
                                                    "1e-3 (rule of thumb)"]
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "std(update) / std(weight)"
    no_red_or_blue([line.get_color() for line in lines])
    with pytest.raises(ValueError, match="ratios for 3 steps"):
        plot_update_ratios([0, 10, 20], {"a.weight": [1e-2]})
