"""course_lib.plots.weights: weight histograms of several models and the input-weight images."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from course_lib.plots.weights import MODEL_COLORS, plot_input_weights, plot_weight_histograms


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_one_outline_histogram_per_model_on_a_log_axis_with_the_threshold():
    rng = np.random.default_rng(0)
    weights = {"none": rng.normal(size=(20, 30)), "L1": rng.normal(size=300) * 1e-4}
    ax = plot_weight_histograms(weights, threshold=1e-3, bins=40)
    assert ax.get_xscale() == "log"
    assert ax.get_legend_handles_labels()[1] == ["none", "L1", "|w| = 0.001"]
    patches = ax.patches
    assert len(patches) == 2
    for patch, color in zip(patches, MODEL_COLORS, strict=False):
        assert patch.get_edgecolor() == to_rgba(color)
    assert ax.get_xlabel().startswith("|w|") and ax.get_ylabel() and ax.get_title()


def test_the_heights_are_fractions_of_each_models_weights_and_tiny_ones_land_in_the_first_bin():
    weights = {"a": np.array([0.0, 1e-9, 0.5, 0.5]), "b": np.full(10, 0.5)}
    ax = plot_weight_histograms(weights, bins=10, floor=1e-6)
    heights = [patch.get_path().vertices[1:-1:2, 1] for patch in ax.patches]  # one per bin
    np.testing.assert_allclose(heights[0], [0.5] + [0.0] * 8 + [0.5])
    np.testing.assert_allclose(heights[1], [0.0] * 9 + [1.0])


def test_a_linear_axis_shows_the_signed_weights():
    ax = plot_weight_histograms({"w": np.array([-1.0, 0.0, 2.0])}, log_magnitude=False)
    assert ax.get_xscale() == "linear" and ax.get_xlabel() == "w"


def test_input_weights_are_drawn_as_images_of_the_mean_magnitude_on_one_scale():
    W_a = np.zeros((3, 6))
    W_a[:, 0] = [1.0, -2.0, 3.0]                     # input 0 carries mean |w| = 2
    W_b = np.full((3, 6), 0.5)
    fig, axes = plot_input_weights({"a": W_a, "b": W_b}, (2, 3))
    images = [ax.get_images()[0] for ax in axes]
    np.testing.assert_allclose(images[0].get_array(), [[2.0, 0, 0], [0, 0, 0]])
    np.testing.assert_allclose(images[1].get_array(), np.full((2, 3), 0.5))
    assert all(image.get_clim() == (0.0, 2.0) for image in images)
    assert [ax.get_title() for ax in axes] == ["a", "b"]
    assert fig._suptitle.get_text()


@pytest.mark.parametrize("call, error, message", [
    (lambda: plot_weight_histograms([np.ones(3)]), TypeError, "dict"),
    (lambda: plot_weight_histograms({}), TypeError, "dict"),
    (lambda: plot_weight_histograms({"a": np.array([np.nan])}), ValueError, "finite"),
    (lambda: plot_weight_histograms({"a": np.ones(3)}, floor=0.0), ValueError, "floor"),
    (lambda: plot_weight_histograms({str(i): np.ones(2) for i in range(7)}), ValueError,
     "at most"),
    (lambda: plot_input_weights({"a": np.ones((3, 5))}, (2, 3)), ValueError, "expected"),
    (lambda: plot_input_weights({"a": np.ones((3, 6))}, (6,)), ValueError, "height, width"),
])
def test_bad_arguments_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()
