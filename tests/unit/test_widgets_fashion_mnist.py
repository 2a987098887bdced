"""course_lib.widgets.fashion_mnist: the misclassification explorer, without a browser."""

import numpy as np
import pytest

import course_lib.widgets.fashion_mnist as explorer_module
from course_lib.data.fashion_mnist import FASHION_MNIST_CLASSES
from course_lib.widgets.common import image_outputs
from course_lib.widgets.fashion_mnist import MisclassificationExplorer


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 400
    labels = np.arange(n) % 10
    logits = rng.normal(size=(n, 10)) * 1.5
    logits[np.arange(n), labels] += 2.0
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    return images, labels, probabilities


@pytest.fixture
def explorer(data):
    return MisclassificationExplorer(*data, FASHION_MNIST_CLASSES)


def only_image(explorer):
    images = image_outputs(explorer.output)
    assert len(explorer.output.outputs) == 1 and len(images) == 1
    return images[0]


def test_the_explorer_starts_with_all_predictions_and_the_numbers_behind_them(data, explorer):
    _, labels, probabilities = data
    only_image(explorer)
    predicted = probabilities.argmax(axis=1)
    assert explorer.kept.all() and explorer.matrix.sum() == len(labels)
    assert np.trace(explorer.matrix) == (predicted == labels).sum()
    accuracy = 100 * (predicted == labels).mean()
    assert f"<b>{len(labels)} of {len(labels)}</b> predictions kept (100.0 %)" in \
        explorer.summary.value
    assert f"<b>{accuracy:.1f} %</b> of them right" in explorer.summary.value
    wrong = np.flatnonzero(predicted != labels)
    most_confident = wrong[np.argsort(-probabilities[wrong].max(axis=1), kind="stable")][:8]
    np.testing.assert_array_equal(explorer.shown, most_confident)


def test_raising_the_threshold_keeps_fewer_predictions_and_redraws(data, explorer):
    _, labels, probabilities = data
    before = only_image(explorer)
    explorer.threshold.value = 0.6
    assert only_image(explorer) != before
    kept = probabilities.max(axis=1) >= 0.6
    np.testing.assert_array_equal(explorer.kept, kept)
    assert explorer.matrix.sum() == kept.sum()
    assert all(probabilities[i].max() >= 0.6 for i in explorer.shown)
    assert f"<b>{kept.sum()} of {len(labels)}</b>" in explorer.summary.value


@pytest.mark.parametrize("control, value", [("true_class", "Shirt"), ("predicted_class", "Coat")])
def test_the_class_filters_choose_the_mistakes_shown(data, explorer, control, value):
    _, labels, probabilities = data
    before = only_image(explorer)
    getattr(explorer, control).value = value
    assert only_image(explorer) != before
    index = FASHION_MNIST_CLASSES.index(value)
    column = labels if control == "true_class" else probabilities.argmax(axis=1)
    assert len(explorer.shown) > 0 and all(column[i] == index for i in explorer.shown)
    assert all(probabilities[i].argmax() != labels[i] for i in explorer.shown)
    assert f"'{value if control == 'true_class' else 'any'} predicted as" in explorer.summary.value


def test_a_filter_without_mistakes_still_draws_one_figure(data):
    images, labels, probabilities = data
    perfect = np.eye(10)[labels] * 0.9 + 0.01  # right, with confidence 0.91
    explorer = MisclassificationExplorer(images, labels, perfect, FASHION_MNIST_CLASSES,
                                         threshold=0.95)
    only_image(explorer)
    assert len(explorer.shown) == 0 and explorer.matrix.sum() == 0
    assert "<b>0 of 400</b>" in explorer.summary.value and "-</b> of them right" in \
        explorer.summary.value


def test_the_figure_shows_the_matrix_and_eight_images(monkeypatch, explorer):
    drawn = []
    monkeypatch.setattr(explorer_module, "show_figure", lambda output, fig: drawn.append(fig))
    explorer.update()
    (fig,) = drawn
    matrix_ax = fig.axes[0]
    assert matrix_ax.get_title() == "Predictions with confidence >= 0.00"
    assert (matrix_ax.get_xlabel(), matrix_ax.get_ylabel()) == ("predicted class", "true class")
    image_titles = [ax.get_title() for ax in fig.axes[1:]]
    assert len(image_titles) == 8 and all(t.startswith("pred ") for t in image_titles)


def test_in_grading_mode_the_explorer_builds_nothing(monkeypatch, data):
    monkeypatch.setenv("COURSE_GRADING", "1")
    monkeypatch.setattr(explorer_module, "confusion_matrix",
                        lambda *a, **k: pytest.fail("computed while grading"))
    explorer = MisclassificationExplorer(*data, FASHION_MNIST_CLASSES)
    explorer.update()
    assert explorer.widget is None and explorer.output is None and explorer.kept is None
    assert "switched off while grading" in explorer._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("change, message", [
    ({"images": np.zeros((400, 784))}, "images"),
    ({"labels": np.zeros(399, dtype=int)}, "labels"),
    ({"probabilities": np.ones((400, 10))}, "softmax"),
    ({"probabilities": np.full((400, 9), 1 / 9)}, "one column per class"),
    ({"threshold": 0.99}, "threshold"),
    ({"true_class": "Hat"}, "true_class"),
])
def test_bad_arguments_raise_a_clear_error(data, change, message):
    images, labels, probabilities = data
    arguments = {"images": images, "labels": labels, "probabilities": probabilities, **change}
    with pytest.raises(ValueError, match=message):
        MisclassificationExplorer(arguments.pop("images"), arguments.pop("labels"),
                                  arguments.pop("probabilities"), FASHION_MNIST_CLASSES,
                                  **arguments)
