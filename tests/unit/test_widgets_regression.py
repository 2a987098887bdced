"""course_lib.widgets.regression: the regression explorer's callback, without a browser."""

import warnings

import numpy as np
import pytest

import course_lib.widgets.regression as regression_widget
from course_lib.data.curves import make_curve
from course_lib.widgets.common import image_outputs
from course_lib.widgets.regression import N_TEST, N_TRAIN, RegressionExplorer, train_width

WIDTHS = (2, 16, 64)


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)


@pytest.fixture
def explorer():
    return RegressionExplorer(width=16, noise=0.3, widths=WIDTHS, epochs=100)


def only_image(explorer):
    images = image_outputs(explorer.output)
    assert len(explorer.output.outputs) == 1 and len(images) == 1
    return images[0]


def test_the_explorer_starts_with_one_figure_and_the_numbers_behind_it(explorer):
    only_image(explorer)
    assert sorted(explorer.results) == list(WIDTHS)
    chosen = explorer.results[16]
    assert f"test MSE <b>{chosen.test_mse:.3f}</b>" in explorer.summary.value
    assert "noise floor σ² = 0.090" in explorer.summary.value
    assert chosen.curve.shape == (201,)


def test_train_width_scores_are_measured_on_its_own_data():
    result = train_width(8, 0.0, 0.2, 1, 100)
    train, test = make_curve(N_TRAIN, "sine", noise=0.2, rng=1), \
        make_curve(N_TEST, "sine", noise=0.2, rng=10_001)
    assert 0 < result.train_mse < np.var(train.y)  # it learned something
    assert result.test_mse > 0 and np.isfinite(result.test_mse)
    assert len(test.y) == N_TEST
    assert train_width(8, 0.0, 0.2, 1, 100) is result  # cached


@pytest.mark.parametrize("control, value, summary", [
    ("width", 64, "Width 64,"),
    ("lam", 1e-2, "λ = 0.01"),
    ("noise", 0.5, "noise σ = 0.50"),
    ("seed", 3, "Width 16,"),
])
def test_every_control_retrains_or_redraws_and_replaces_the_figure(explorer, control, value,
                                                                    summary):
    before = only_image(explorer)
    getattr(explorer, control).value = value
    assert only_image(explorer) != before
    assert summary in explorer.summary.value


def test_a_stronger_penalty_shrinks_the_wide_networks_training_fit(explorer):
    free = explorer.results[64].train_mse
    explorer.lam.value = 1e-1
    assert explorer.results[64].train_mse > free


def test_moving_only_the_width_trains_nothing_new(explorer):
    before = train_width.cache_info()
    explorer.width.value = 2
    after = train_width.cache_info()
    assert after.misses == before.misses  # every width came from the cache
    assert after.hits == before.hits + len(WIDTHS)


def test_noise_zero_draws_without_warnings(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.noise.value = 0.0
    only_image(explorer)
    assert "noise floor σ² = 0.000" in explorer.summary.value


def test_the_figure_has_labelled_axes(monkeypatch, explorer):
    drawn = []
    monkeypatch.setattr(regression_widget, "show_figure", lambda output, fig: drawn.append(fig))
    explorer.update()
    (fig,) = drawn
    fit_panel, errors = fig.axes[:2]
    assert fit_panel.get_title() == "The fit of width 16"
    assert (fit_panel.get_xlabel(), fit_panel.get_ylabel()) == ("$x$", "$y$")
    assert (errors.get_xlabel(), errors.get_ylabel()) == ("hidden width", "mean squared error")
    labels = [text.get_text() for text in errors.get_legend().get_texts()]
    assert labels == ["training MSE", "test MSE", "noise floor σ²", "width 16"]


def test_in_grading_mode_the_explorer_builds_nothing_and_trains_nothing(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")

    def must_not_train(*args):
        raise AssertionError("the explorer trained while grading")

    monkeypatch.setattr(regression_widget, "train_width", must_not_train)
    explorer = RegressionExplorer()
    explorer.update()
    assert explorer.widget is None and explorer.output is None and explorer.results is None
    assert "switched off while grading" in explorer._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("kwargs, message", [
    ({"width": 5}, "width must be one of"),
    ({"lam": 0.5}, "lam must be one of"),
    ({"noise": 2.0}, "noise must be between"),
    ({"seed": 10}, "seed must be between"),
    ({"epochs": 10}, "epochs must be between"),
    ({"widths": (4, 2), "width": 2}, "widths must be increasing"),
])
def test_bad_initial_settings_raise_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RegressionExplorer(**kwargs)
