"""course_lib.widgets.classification: the threshold explorer's callback, without a browser."""

import numpy as np
import pytest

import course_lib.widgets.classification as classification_widget
from course_lib import metrics
from course_lib.widgets.classification import ThresholdExplorer
from course_lib.widgets.common import image_outputs


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)


@pytest.fixture
def scores():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 120)
    return y, 1 / (1 + np.exp(-(2.5 * y - 1.25 + rng.normal(size=120))))


@pytest.fixture
def explorer(scores):
    return ThresholdExplorer(*scores, class_names=("benign", "malignant"))


def only_image(explorer):
    images = image_outputs(explorer.output)
    assert len(explorer.output.outputs) == 1 and len(images) == 1
    return images[0]


def test_the_explorer_starts_with_one_figure_and_the_counts_at_its_threshold(explorer, scores):
    y, p = scores
    only_image(explorer)
    predicted = (p >= 0.5).astype(int)
    np.testing.assert_array_equal(explorer.matrix, metrics.confusion_matrix(y, predicted))
    (tn, fp), (fn, tp) = explorer.matrix
    summary = explorer.summary.value
    assert f"TP {tp}, FP {fp}, FN {fn}, TN {tn}" in summary
    assert f"Precision {metrics.precision_score(y, predicted):.3f}" in summary
    assert f"recall {metrics.recall_score(y, predicted):.3f}" in summary
    assert f"F1 {metrics.f1_score(y, predicted):.3f}" in summary


def test_lowering_the_threshold_trades_false_negatives_for_false_positives(explorer, scores):
    y, p = scores
    before_image = only_image(explorer)
    (_, before_fp), (before_fn, before_tp) = explorer.matrix
    explorer.threshold.value = 0.2
    after = only_image(explorer)
    assert after != before_image
    (tn, fp), (fn, tp) = explorer.matrix
    assert fn <= before_fn and fp >= before_fp and tp + fn == before_tp + before_fn
    np.testing.assert_array_equal(explorer.matrix,
                                  metrics.confusion_matrix(y, (p >= 0.2).astype(int)))
    assert explorer.summary.value.startswith("Threshold 0.20:")


def test_the_curve_control_switches_to_precision_recall(monkeypatch, explorer):
    drawn = []
    monkeypatch.setattr(classification_widget, "show_figure", lambda output, fig: drawn.append(fig))
    explorer.curve.value = "precision-recall"
    (fig,) = drawn
    curve, matrix, histogram = fig.axes[:3]
    assert curve.get_title() == "Precision-recall curve"
    assert (curve.get_xlabel(), curve.get_ylabel()) == ("recall (true positive rate)", "precision")
    assert matrix.get_title() == "Confusion matrix at 0.50"
    assert histogram.get_xlabel() == "predicted probability of malignant"
    explorer.curve.value = "ROC"
    assert drawn[-1].axes[0].get_title() == "ROC curve"


def test_a_threshold_with_no_positive_prediction_is_shown_without_warnings():
    import warnings

    explorer = ThresholdExplorer(np.array([0, 1, 0, 1]), np.array([0.1, 0.6, 0.4, 0.9]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.threshold.value = 0.95
    only_image(explorer)
    assert explorer.matrix.tolist() == [[2, 0], [2, 0]]
    assert "Precision 0.000, recall 0.000" in explorer.summary.value


def test_in_grading_mode_the_explorer_builds_and_computes_nothing(monkeypatch, scores):
    monkeypatch.setenv("COURSE_GRADING", "1")
    monkeypatch.setattr(classification_widget, "roc_curve",
                        lambda *a, **k: pytest.fail("computed a curve while grading"))
    explorer = ThresholdExplorer(*scores)
    explorer.update()
    assert explorer.widget is None and explorer.output is None and explorer.matrix is None
    assert "switched off while grading" in explorer._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("y, p, kwargs, match", [
    ([0, 1, 1], [0.1, 0.2], {}, "same length"),
    ([1, 1, 1], [0.1, 0.2, 0.3], {}, "both classes"),
    ([0, 1, 2], [0.1, 0.2, 0.3], {}, "0/1 labels"),
    ([0, 1], [-1.0, 2.0], {}, "probabilities"),
    ([0, 1], [0.1, 0.9], {"threshold": 1.5}, "threshold"),
    ([0, 1], [0.1, 0.9], {"curve": "DET"}, "curve"),
    ([0, 1], [0.1, 0.9], {"class_names": ("a",)}, "two classes"),
])
def test_bad_inputs_raise_a_clear_error(y, p, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ThresholdExplorer(np.array(y), np.array(p), **kwargs)
