"""course_lib.plots.activations: curves from forward/backward pairs, flat regions, panels."""

from functools import partial

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.nn import functional as F
from course_lib.plots.activations import activation_curve, plot_activation, plot_activations


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_the_curve_holds_the_function_and_its_derivative_from_the_backward():
    curve = activation_curve(F.tanh_forward, F.tanh_backward, x_range=(-2, 2), num=5)
    np.testing.assert_allclose(curve.x, [-2, -1, 0, 1, 2])
    np.testing.assert_allclose(curve.value, np.tanh(curve.x))
    np.testing.assert_allclose(curve.slope, 1 - np.tanh(curve.x) ** 2)


def test_sigmoid_is_flat_only_far_from_zero():
    curve = activation_curve(F.sigmoid_forward, F.sigmoid_backward, x_range=(-10, 10), num=2001)
    flat_x = curve.x[curve.flat(0.01)]
    # s(1 - s) < 0.01 exactly when |x| > ln((1 + sqrt(0.96)) / (1 - sqrt(0.96))), about 4.6
    bound = np.log((1 + np.sqrt(0.96)) / (1 - np.sqrt(0.96)))
    assert np.all(np.abs(flat_x) > bound - 0.01)
    assert 0 < curve.flat_fraction(0.01) < 1


def test_relu_is_flat_on_its_whole_negative_half():
    curve = activation_curve(F.relu_forward, F.relu_backward, x_range=(-1, 1), num=201)
    assert curve.flat_fraction() == pytest.approx(101 / 201)


def test_plot_activation_draws_labelled_function_derivative_and_shading():
    ax = plot_activation(F.tanh_forward, F.tanh_backward, name="tanh", x_range=(-6, 6))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["tanh(x)", "tanh'(x)", "flat: |tanh'| < 0.01"]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("tanh", "x", "value")


def test_no_shading_when_nothing_is_flat():
    ax = plot_activation(partial(F.leaky_relu_forward, negative_slope=0.1),
                         F.leaky_relu_backward, name="leaky_relu")
    assert len(ax.get_legend().get_texts()) == 2


def test_plot_activations_makes_one_panel_per_activation_and_hides_the_rest():
    fig, axes = plot_activations({
        "relu": (F.relu_forward, F.relu_backward),
        "tanh": (F.tanh_forward, F.tanh_backward),
    }, ncols=3)
    assert axes.shape == (1, 3)
    assert [ax.get_title() for ax in axes.flat[:2]] == ["relu", "tanh"]
    assert not axes.flat[2].get_visible()


def test_the_panels_share_one_legend_below_them_and_none_covers_a_curve():
    fig, axes = plot_activations({
        "ReLU": (F.relu_forward, F.relu_backward),
        "tanh": (F.tanh_forward, F.tanh_backward),
    }, x_range=(-6, 6))
    assert all(ax.get_legend() is None for ax in axes.flat)
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "$g(x)$", "$g'(x)$", "flat: $|g'(x)| < 0.01$, little or no gradient"]
    fig.canvas.draw()
    box = legend.get_window_extent()
    assert all(box.y1 <= ax.get_window_extent().y0 + 1 for ax in axes.flat[:2])


def test_bad_ranges_are_reported():
    with pytest.raises(ValueError, match="low < high"):
        activation_curve(F.relu_forward, F.relu_backward, x_range=(1, -1))
    with pytest.raises(ValueError, match="empty"):
        plot_activations({})


def test_the_class_colours_red_and_blue_are_not_used_and_the_derivative_is_orange():
    from matplotlib.colors import to_rgba

    ax = plot_activation(F.tanh_forward, F.tanh_backward, name="tanh", x_range=(-6, 6))
    value, slope = [line for line in ax.get_lines() if line.get_label().startswith("tanh")]
    assert to_rgba(slope.get_color()) == to_rgba("tab:orange")
    used = {to_rgba(line.get_color()) for line in ax.get_lines()}
    used |= {tuple(c.get_facecolor()[0]) for c in ax.collections}
    assert used.isdisjoint({to_rgba("tab:red"), to_rgba("tab:blue")})
