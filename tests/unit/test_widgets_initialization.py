"""course_lib.widgets.initialization: the initialization explorer's callback, without a browser."""

import warnings

import numpy as np
import pytest

import course_lib.widgets.initialization as init_widget
from course_lib import nn
from course_lib.diagnostics import trace
from course_lib.initialization import initialize_, mlp, predict_stds
from course_lib.widgets.common import image_outputs
from course_lib.widgets.initialization import InitializationExplorer, default_data


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)


@pytest.fixture
def explorer():
    return InitializationExplorer(scheme="xavier", activation="tanh", depth=6, width=64)


def only_image(explorer):
    images = image_outputs(explorer.output)
    assert len(explorer.output.outputs) == 1 and len(images) == 1
    return images[0]


def test_the_explorer_starts_with_one_figure_and_the_numbers_behind_it(explorer):
    only_image(explorer)
    X, y = default_data()
    sizes = [64, 64, 64, 64, 64, 64, 10]
    model = initialize_(mlp(sizes, "tanh", rng=0), "xavier", rng=0)
    t = trace(model, X, y, nn.CrossEntropyLoss())
    expected = [t.outputs[i].std() for i in t.of(nn.Linear)]
    np.testing.assert_allclose(explorer.measured["pre_activation"], expected, rtol=1e-6)
    predicted = predict_stds(sizes, "tanh", "xavier",
                             input_second_moment=float(np.mean(X.astype(np.float64) ** 2)))
    np.testing.assert_allclose(explorer.prediction.pre_activation_std,
                               predicted.pre_activation_std)
    assert explorer.loss == pytest.approx(t.loss)
    assert f"layer 1 {expected[0]:.3g} (predicted" in explorer.summary.value
    assert "Saturated in the last hidden layer" in explorer.summary.value


@pytest.mark.parametrize("control, value", [
    ("scheme", "he"), ("activation", "relu"), ("depth", 12), ("gain", 2.0), ("width", 128),
])
def test_every_control_recomputes_and_replaces_the_figure(explorer, control, value):
    before_image, before_numbers = only_image(explorer), explorer.measured["pre_activation"]
    getattr(explorer, control).value = value
    assert only_image(explorer) != before_image
    assert not np.array_equal(explorer.measured["pre_activation"], before_numbers)


def test_depth_and_width_set_the_network(explorer):
    explorer.depth.value, explorer.width.value = 9, 32
    assert explorer.sizes() == [64] + [32] * 8 + [10]
    assert explorer.measured["pre_activation"].shape == (9,)
    assert explorer.measured["gradient"].shape == (9,)


def test_gain_multiplies_the_first_layers_std(explorer):
    first = explorer.measured["pre_activation"][0]
    explorer.gain.value = 2.0
    assert explorer.measured["pre_activation"][0] == pytest.approx(2 * first, rel=1e-5)


@pytest.mark.parametrize("scheme, activation, words", [
    ("too_large", "relu", "not finite (overflow)"),
    ("zeros", "tanh", "exactly 0"),
    ("too_small", "relu", "Dead units"),
])
def test_extreme_settings_are_drawn_and_described_without_warnings(scheme, activation, words):
    explorer = InitializationExplorer(scheme="xavier", activation="tanh", depth=50, width=64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.activation.value = activation
        explorer.scheme.value = scheme
    only_image(explorer)
    assert words in explorer.summary.value


def test_the_figure_has_labelled_axes_and_the_notebooks_data_can_be_used(monkeypatch):
    drawn = []
    monkeypatch.setattr(init_widget, "show_figure", lambda output, fig: drawn.append(fig))
    rng = np.random.default_rng(1)
    data = (rng.normal(size=(50, 8)), rng.integers(0, 3, size=50))
    explorer = InitializationExplorer(activation="relu", depth=4, width=16, data=data)
    assert explorer.sizes() == [8, 16, 16, 16, 3]
    (fig,) = drawn
    stds, histograms = fig.axes[:2]
    assert stds.get_xlabel() == "layer" and stds.get_ylabel() == "std"
    assert stds.get_title() == "xavier, relu, gain 1: std per layer"
    assert stds.get_legend_handles_labels()[1] == [
        "pre-activations", "pre-activations (predicted)", "gradients", "gradients (predicted)"]
    assert histograms.get_title() == "Pre-activations z of the hidden layers"
    assert histograms.get_ylabel() == "fraction of values per bin"
    assert histograms.get_legend_handles_labels()[1] == ["layer 1", "layer 2", "layer 3"]


def test_at_most_eight_layers_get_a_histogram(monkeypatch):
    drawn = []
    monkeypatch.setattr(init_widget, "show_figure", lambda output, fig: drawn.append(fig))
    InitializationExplorer(depth=40, width=16)
    labels = drawn[0].axes[1].get_legend_handles_labels()[1]
    assert len(labels) == 8 and labels[0] == "layer 1" and labels[-1] == "layer 39"


def test_in_grading_mode_the_explorer_builds_nothing_and_computes_nothing(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the explorer computed while grading")

    monkeypatch.setattr(init_widget, "trace", must_not_run)
    explorer = InitializationExplorer()
    explorer.update()
    assert explorer.widget is None and explorer.output is None and explorer.measured is None
    assert "switched off while grading" in explorer._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"scheme": "orthogonal"}, ValueError, "scheme"),
    ({"activation": "gelu"}, ValueError, "activation"),
    ({"depth": 1}, ValueError, "depth"),
    ({"gain": 10.0}, ValueError, "gain"),
    ({"width": 100}, ValueError, "width"),
    ({"data": (np.zeros((5, 3)), np.zeros(4))}, ValueError, "data"),
    ({"data": (np.zeros((5, 3), dtype=int), np.zeros(5))}, TypeError, "dtype"),
])
def test_bad_initial_settings_raise_a_clear_error(kwargs, error, message):
    with pytest.raises(error, match=message):
        InitializationExplorer(**kwargs)
