"""course_lib.widgets.regularization: the regularization explorer's callback, without a browser."""

import warnings

import numpy as np
import pytest

import course_lib.widgets.regularization as regularization_widget
from course_lib import nn
from course_lib.overfitting import fresh_moons, moons_network, moons_splits, train_moons
from course_lib.train import evaluate
from course_lib.widgets.common import image_outputs
from course_lib.widgets.regularization import RegularizationExplorer, train_regularized

EPOCHS = 40  # short runs: the callback is what is tested, not the training


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)


@pytest.fixture
def explorer():
    return RegularizationExplorer(epochs=EPOCHS)


def only_image(explorer):
    images = image_outputs(explorer.output)
    assert len(explorer.output.outputs) == 1 and len(images) == 1
    return images[0]


def test_the_explorer_starts_with_one_figure_and_the_numbers_behind_it(explorer):
    only_image(explorer)
    history = explorer.result.history
    assert len(history["loss"]) == len(history["val_loss"]) == EPOCHS
    best = int(np.argmin(history["val_loss"])) + 1
    summary = explorer.summary.value
    assert f"accuracy on 5000 fresh points {explorer.result.fresh_accuracy:.3f}" in summary
    assert f"lowest after epoch {best} of {EPOCHS}" in summary
    assert "Noise σ = 0.40, L2 strength λ = 0, dropout p = 0.0, seed 0" in summary
    assert "with dropout on" not in summary
    explorer.dropout.value = 0.3
    assert "(measured while training, with dropout on)" in explorer.summary.value


def test_the_run_is_the_chapters_recipe_on_the_chapters_data():
    result = train_regularized(0.3, 1e-3, 0.2, 2, EPOCHS)
    train, val, _ = moons_splits(2, noise=0.3)
    model = moons_network(dropout=0.2, rng=2)
    history = train_moons(model, train, val=val, lam=1e-3, epochs=EPOCHS, rng=2)
    assert result.history == history
    np.testing.assert_array_equal(result.train[0], train[0])
    fresh = evaluate(model, nn.CrossEntropyLoss(), fresh_moons(noise=0.3), metrics=["accuracy"])
    assert result.fresh_accuracy == fresh["accuracy"]
    assert train_regularized(0.3, 1e-3, 0.2, 2, EPOCHS) is result   # cached


@pytest.mark.parametrize("control, value, summary", [
    ("noise", 0.2, "Noise σ = 0.20"),
    ("lam", 1e-2, "λ = 0.01"),
    ("dropout", 0.5, "dropout p = 0.5"),
    ("seed", 3, "seed 3"),
])
def test_every_control_retrains_and_replaces_the_figure(explorer, control, value, summary):
    before_image, before_history = only_image(explorer), explorer.result.history
    getattr(explorer, control).value = value
    assert only_image(explorer) != before_image
    assert explorer.result.history != before_history
    assert summary in explorer.summary.value


def test_the_figure_has_a_boundary_and_labelled_loss_curves(monkeypatch):
    drawn = []
    monkeypatch.setattr(regularization_widget, "show_figure", lambda output, fig: drawn.append(fig))
    explorer = RegularizationExplorer(lam=1e-2, epochs=EPOCHS)
    (fig,) = drawn
    boundary, curves = fig.axes[:2]
    assert boundary.get_title() == f"Boundary after {EPOCHS} epochs"
    assert curves.get_xlabel() == "epoch" and curves.get_ylabel() == "cross-entropy"
    labels = curves.get_legend_handles_labels()[1]
    assert labels[:2] == ["training loss", "validation loss"]
    assert labels[2].startswith("lowest validation loss (epoch ")
    training, validation, best = curves.get_lines()[:3]
    np.testing.assert_allclose(validation.get_ydata(), explorer.result.history["val_loss"])
    np.testing.assert_array_equal(training.get_xdata(), np.arange(1, EPOCHS + 1))  # epochs 1..N
    assert (training.get_color(), validation.get_color()) == ("black", "tab:green")
    lowest = int(np.argmin(explorer.result.history["val_loss"])) + 1
    assert best.get_xdata()[0] == lowest and labels[2].endswith(f"(epoch {lowest})")


def test_the_boundary_is_computed_in_evaluation_mode_whatever_the_dropout(monkeypatch):
    """With dropout on, a network called in training mode gives a different answer every time;
    the probabilities the boundary is drawn from must be the deterministic evaluation ones."""
    drawn = []
    original = regularization_widget.plot_decision_boundary

    def recording(predict, X, y, **kwargs):
        drawn.append(predict)
        return original(predict, X, y, **kwargs)

    monkeypatch.setattr(regularization_widget, "plot_decision_boundary", recording)
    explorer = RegularizationExplorer(dropout=0.5, epochs=EPOCHS, seed=1)
    (probability,) = drawn
    grid = np.random.default_rng(0).normal(size=(50, 2)).astype(np.float32)
    first, second = probability(grid), probability(grid)
    np.testing.assert_array_equal(first, second)
    assert first.shape == (50,) and np.all((first >= 0) & (first <= 1))
    assert explorer.result.model.training  # the model's own mode is left as it was


def test_extreme_settings_draw_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer = RegularizationExplorer(noise=0.0, lam=0.1, dropout=0.7, epochs=EPOCHS)
    only_image(explorer)


def test_in_grading_mode_the_explorer_builds_nothing_and_trains_nothing(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the explorer trained while grading")

    monkeypatch.setattr(regularization_widget, "train_regularized", must_not_run)
    explorer = RegularizationExplorer()
    explorer.update()
    assert explorer.widget is None and explorer.output is None and explorer.result is None
    assert "switched off while grading" in explorer._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"noise": 0.9}, ValueError, "noise"),
    ({"lam": 0.5}, ValueError, "lam"),
    ({"dropout": 0.8}, ValueError, "dropout"),
    ({"dropout": 0.25}, ValueError, "multiple of 0.1"),
    ({"seed": 10}, ValueError, "seed"),
    ({"epochs": 5}, ValueError, "epochs"),
    ({"noise": "0.3"}, TypeError, "noise"),
])
def test_bad_initial_settings_raise_a_clear_error(kwargs, error, message):
    with pytest.raises(error, match=message):
        RegularizationExplorer(**kwargs)
