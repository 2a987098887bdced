"""course_lib.widgets.xor: the XOR explorer's callback, without a browser."""

import warnings

import numpy as np
import pytest

import course_lib.widgets.xor as xor_widget
from course_lib.widgets.common import image_outputs
from course_lib.widgets.xor import XORExplorer
from course_lib.xor import train_xor_networks


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)


@pytest.fixture
def explorer():
    return XORExplorer(hidden_units=2, epochs=500, n_starts=10)


def only_image(explorer):
    images = image_outputs(explorer.output)
    assert len(explorer.output.outputs) == 1 and len(images) == 1
    return images[0]


def test_the_explorer_starts_with_one_figure_and_the_numbers_behind_it(explorer):
    only_image(explorer)
    expected = train_xor_networks(2, range(10), epochs=500)
    np.testing.assert_array_equal(explorer.result.final_loss, expected.final_loss)
    solved = int(expected.solved.sum())
    assert f"{solved} of 10</b> seeds solve XOR" in explorer.summary.value
    assert f"final loss {expected.final_loss[0]:.4f}" in explorer.summary.value


def test_moving_the_hidden_units_slider_retrains_and_replaces_the_figure(explorer):
    before = only_image(explorer)
    explorer.hidden_units.value = 4
    after = only_image(explorer)
    assert after != before
    assert explorer.result.networks.hidden_units == 4
    assert "with 4 hidden units" in explorer.summary.value


def test_moving_the_seed_redraws_without_training_again(explorer):
    before_image, before_result = only_image(explorer), explorer.result
    explorer.seed.value = 3
    assert only_image(explorer) != before_image
    assert explorer.result is before_result
    assert explorer.summary.value.startswith("Seed 3 ")


@pytest.mark.parametrize("control, value", [
    ("activation", "relu"), ("lr", 0.1), ("epochs", 1000),
])
def test_every_control_triggers_a_redraw(explorer, control, value):
    before = only_image(explorer)
    getattr(explorer, control).value = value
    assert only_image(explorer) != before


def test_a_diverging_learning_rate_is_shown_without_warnings_or_errors(explorer):
    explorer.hidden_units.value = 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.lr.value = explorer.lr.max
    only_image(explorer)
    assert "0 of 10</b>" in explorer.summary.value


def test_the_figure_has_labelled_axes(monkeypatch, explorer):
    drawn = []
    monkeypatch.setattr(xor_widget, "show_figure", lambda output, fig: drawn.append(fig))
    explorer.update()
    (fig,) = drawn
    boundary, losses = fig.axes[:2]
    assert boundary.get_title() == "Boundary of seed 0"
    assert (boundary.get_xlabel(), boundary.get_ylabel()) == ("$x_1$", "$x_2$")
    assert (losses.get_xlabel(), losses.get_ylabel()) == ("epoch", "loss")
    assert losses.get_title() == "Loss of the 10 seeds"
    assert losses.get_legend() is not None


def test_in_grading_mode_the_explorer_builds_nothing_and_trains_nothing(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")

    def must_not_train(*args, **kwargs):
        raise AssertionError("the explorer trained while grading")

    monkeypatch.setattr(xor_widget, "_train", must_not_train)
    explorer = XORExplorer()
    explorer.update()
    assert explorer.widget is None and explorer.output is None and explorer.result is None
    assert "switched off while grading" in explorer._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"hidden_units": 9}, ValueError, "hidden_units must be an integer between 1 and 8"),
    ({"hidden_units": "2"}, TypeError, "hidden_units"),
    ({"activation": "gelu"}, ValueError, "activation"),
    ({"lr": 100.0}, ValueError, r"lr must be a finite number in \[0.01, 31.6228\]"),
    ({"lr": None}, TypeError, "lr must be a number"),
    ({"epochs": 10}, ValueError, "epochs"),
    ({"seed": 20}, ValueError, "seed must be an integer between 0 and 19"),
    ({"n_starts": 0}, ValueError, "n_starts"),
])
def test_bad_initial_settings_raise_a_clear_error(kwargs, error, message):
    with pytest.raises(error, match=message):
        XORExplorer(**kwargs)
