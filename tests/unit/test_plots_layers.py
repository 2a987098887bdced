"""course_lib.plots.layers: histograms per layer, std per layer, update-to-data ratios."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from course_lib.plots.layers import (
    GRADIENT_COLOR,
    layer_colors,
    plot_layer_histograms,
    plot_layer_stds,
    plot_update_ratios,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_histograms_show_each_layer_as_fractions_on_shared_bins_with_labels():
    rng = np.random.default_rng(0)
    layers = [rng.normal(0, s, size=(50, 40)) for s in (1.0, 0.5, 0.1)]
    ax = plot_layer_histograms(layers, bins=21, value_range=(-3, 3), title="t", xlabel="x")
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
        "t", "x", "fraction of values per bin")
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["layer 1", "layer 2", "layer 3"]
    assert ax.get_xlim() == (-3, 3)
    # each outline's heights are the fractions of that layer's values per bin
    for line, values in zip(ax.get_lines(), layers, strict=True):
        heights = np.asarray(line.get_ydata(), dtype=float)
        counts, _ = np.histogram(values, bins=np.linspace(-3, 3, 22))
        assert heights.max() == pytest.approx((counts / values.size).max())
    # a vanished layer is one spike in the middle bin (odd bins: 0 is a bin centre)
    ax = plot_layer_histograms([np.zeros(100), rng.normal(size=100)], value_range=(-1, 1))
    spike = np.asarray(ax.get_lines()[0].get_ydata(), dtype=float)
    assert spike.max() == pytest.approx(1.0)


def test_histograms_count_what_they_leave_out_and_colour_by_depth():
    values = np.concatenate([np.linspace(-1, 1, 90), np.full(10, np.inf)])
    ax = plot_layer_histograms([values, np.linspace(-5, 5, 100)], labels=["a", "b"],
                               value_range=(-1, 1))
    assert ax.get_legend_handles_labels()[1] == ["a (10 % not finite)", "b (80 % outside)"]
    colors = [line.get_color() for line in ax.get_lines()]
    assert [to_rgb(c) for c in colors] == [to_rgb(c) for c in layer_colors(2)]
    # an all-NaN layer and the default range of constant values do not fail
    ax = plot_layer_histograms([np.full(5, np.nan), np.zeros(5)])
    assert ax.get_legend_handles_labels()[1] == ["layer 1 (100 % not finite)", "layer 2"]


def test_histograms_refuse_bad_arguments():
    with pytest.raises(ValueError, match="empty"):
        plot_layer_histograms([])
    with pytest.raises(ValueError, match="labels"):
        plot_layer_histograms([np.zeros(3)], labels=["a", "b"])
    with pytest.raises(ValueError, match="low < high"):
        plot_layer_histograms([np.zeros(3)], value_range=(1, 1))


def test_layer_stds_draws_the_measurement_its_band_and_the_prediction():
    measured = np.array([[1.0, 0.5, 0.0], [1.2, 0.7, 0.2]])  # a 0 cannot go on a log axis
    ax = plot_layer_stds(measured, predicted=np.array([1.1, 0.6, 0.1]), label="tanh",
                         color=GRADIENT_COLOR, title="T", ylabel="Y")
    dots, line = ax.get_lines()
    np.testing.assert_allclose(dots.get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(dots.get_ydata(), [1.1, 0.6, 0.2])
    np.testing.assert_allclose(line.get_ydata(), [1.1, 0.6, 0.1])
    assert ax.get_yscale() == "log" and len(ax.collections) == 1  # the band
    assert ax.get_legend_handles_labels()[1] == ["tanh", "tanh (predicted)"]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "layer", "Y")
    assert to_rgb(dots.get_color()) == to_rgb(GRADIENT_COLOR)
    one = plot_layer_stds(np.array([1.0, np.inf, 0.5]))
    assert np.isnan(one.get_lines()[0].get_ydata()[1])
    with pytest.raises(ValueError, match="one value per layer"):
        plot_layer_stds(np.ones(3), predicted=np.ones(2))
    with pytest.raises(ValueError, match="shape"):
        plot_layer_stds(np.ones((2, 2, 2)))


def test_update_ratios_are_drawn_as_log10_with_the_target_line():
    ratios = np.array([[1e-3, 1e-2], [1e-4, 0.0]])
    ax = plot_update_ratios(ratios, labels=["W1", "W2"])
    first, second, target = ax.get_lines()
    np.testing.assert_allclose(first.get_ydata(), [-3, -4])
    assert second.get_ydata()[0] == pytest.approx(-2) and np.isnan(second.get_ydata()[1])
    np.testing.assert_allclose(target.get_ydata(), [-3, -3])
    assert ax.get_legend_handles_labels()[1] == ["W1", "W2", "rule of thumb, 0.001"]
    assert ax.get_xlabel() == "step" and "log10" in ax.get_ylabel()
    with pytest.raises(ValueError, match="labels"):
        plot_update_ratios(ratios, labels=["W1"])
    with pytest.raises(ValueError, match="steps"):
        plot_update_ratios(np.ones(3))
