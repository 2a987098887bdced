"""course_lib.widgets.optimizers: the optimizer explorer's callback, without a browser."""

import warnings

import numpy as np
import pytest

import course_lib.widgets.optimizers as optimizer_widget
from course_lib.optim import SGD, Adam, RMSprop
from course_lib.surfaces import SURFACES, get_surface, optimizer_path
from course_lib.widgets.common import image_outputs
from course_lib.widgets.optimizers import OPTIMIZERS, OptimizerExplorer, optimizer_setting


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)


@pytest.fixture
def explorer():
    return OptimizerExplorer(surface="bowl", optimizer="SGD + momentum", lr=0.005, momentum=0.9,
                             steps=300)


def only_image(explorer):
    images = image_outputs(explorer.output)
    assert len(explorer.output.outputs) == 1 and len(images) == 1
    return images[0]


def test_the_explorer_starts_with_one_figure_and_the_numbers_behind_it(explorer):
    only_image(explorer)
    expected = optimizer_path(get_surface("bowl"), SGD, lr=0.005, momentum=0.9, steps=300)
    np.testing.assert_array_equal(explorer.path.points, expected.points)
    reference = optimizer_path(get_surface("bowl"), SGD, lr=0.005, steps=300)
    np.testing.assert_array_equal(explorer.reference.points, reference.points)
    summary = explorer.summary.value
    assert f"SGD + momentum gets there in <b>{expected.steps_to_tolerance()}</b> steps" in summary
    assert "gradient descent with the same learning rate (0.005) is not there after 300" in summary


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_menu_entry_runs_the_course_optimizer_it_names(name):
    cls, kwargs = optimizer_setting(name, 0.01, 0.8, 0.95)
    assert cls in (SGD, RMSprop, Adam) and kwargs["lr"] == 0.01
    path = optimizer_path(get_surface("saddle"), cls, steps=5, **kwargs)
    explorer = OptimizerExplorer(surface="saddle", optimizer=name, lr=0.01, momentum=0.8,
                                 beta2=0.95, steps=10)
    np.testing.assert_array_equal(explorer.path.points[:6], path.points)


def test_settings_reach_the_optimizers():
    assert optimizer_setting("Nesterov", 0.1, 0.7, 0.9) == (
        SGD, {"lr": 0.1, "momentum": 0.7, "nesterov": True})
    assert optimizer_setting("RMSprop", 0.1, 0.7, 0.9) == (RMSprop, {"lr": 0.1, "alpha": 0.9})
    assert optimizer_setting("Adam", 0.1, 0.7, 0.9) == (Adam, {"lr": 0.1, "betas": (0.7, 0.9)})
    with pytest.raises(ValueError, match="optimizer must be one of"):
        optimizer_setting("Adagrad", 0.1, 0.7, 0.9)


@pytest.mark.parametrize("control, value", [
    ("surface", "rosenbrock"), ("optimizer", "Adam"), ("learning_rate", 0.001),
    ("momentum", 0.5), ("steps", 100),
])
def test_every_control_triggers_a_redraw(explorer, control, value):
    before = only_image(explorer)
    getattr(explorer, control).value = value
    assert only_image(explorer) != before


def test_beta2_redraws_for_adam_and_sliders_that_do_not_apply_are_disabled(explorer):
    assert not explorer.momentum.disabled and explorer.beta2.disabled
    explorer.optimizer.value = "Adam"
    assert not explorer.momentum.disabled and not explorer.beta2.disabled
    before = only_image(explorer)
    explorer.beta2.value = 0.9
    assert only_image(explorer) != before
    explorer.optimizer.value = "RMSprop"
    assert explorer.momentum.disabled and not explorer.beta2.disabled
    explorer.optimizer.value = "SGD"
    assert explorer.momentum.disabled and explorer.beta2.disabled


def test_a_diverging_path_is_reported_without_warnings(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.learning_rate.value = 0.1
    only_image(explorer)
    assert explorer.path.diverged
    assert f"diverges at step {explorer.path.steps}" in explorer.summary.value


@pytest.mark.parametrize("surface", list(SURFACES))
def test_every_surface_draws(explorer, surface):
    explorer.surface.value = surface
    only_image(explorer)
    assert f"On the {surface} surface" in explorer.summary.value


def test_the_figure_has_labelled_axes(monkeypatch, explorer):
    drawn = []
    monkeypatch.setattr(optimizer_widget, "show_figure", lambda output, fig: drawn.append(fig))
    explorer.update()
    (fig,) = drawn
    paths, losses = fig.axes[:2]
    assert (paths.get_xlabel(), paths.get_ylabel()) == ("$w_1$", "$w_2$")
    assert paths.get_title() == get_surface("bowl").formula
    assert losses.get_xlabel() == "step" and losses.get_yscale() == "log"
    assert losses.get_title() == "Loss above the minimum"
    assert paths.get_legend() is not None and losses.get_legend() is not None


def test_in_grading_mode_the_explorer_builds_nothing_and_computes_nothing(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the explorer ran an optimizer while grading")

    monkeypatch.setattr(optimizer_widget, "_path", must_not_run)
    explorer = OptimizerExplorer()
    explorer.update()
    assert explorer.widget is None and explorer.output is None and explorer.path is None
    assert "switched off while grading" in explorer._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("kwargs, message", [
    ({"surface": "cliff"}, "surface must be one of"),
    ({"optimizer": "Adagrad"}, "optimizer must be one of"),
    ({"lr": 10.0}, "lr must be between"),
    ({"momentum": 1.0}, "momentum must be between"),
    ({"beta2": 0.1}, "beta2 must be between"),
    ({"steps": 5}, "steps must be between"),
])
def test_bad_initial_settings_raise_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        OptimizerExplorer(**kwargs)
