"""course_lib.plots.boundaries: shading, the p = 0.5 line, labels, and clear errors."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet

from course_lib.data import xor
from course_lib.plots.boundaries import decision_grid, plot_decision_boundary

XOR_X, XOR_Y = xor()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def vertical_line_at(x0):
    """A classifier whose boundary is the line x1 = x0."""
    return lambda P: 1 / (1 + np.exp(-20 * (P[:, 0] - x0)))


def boundary_vertices(ax):
    """Vertices of the line contour drawn at the single level 0.5."""
    lines = [c for c in ax.collections
             if isinstance(c, ContourSet) and not c.filled and list(c.levels) == [0.5]]
    return np.concatenate([path.vertices for c in lines for path in c.get_paths()])


def test_decision_grid_covers_the_points_plus_padding():
    xx, yy, grid = decision_grid(XOR_X, resolution=11, padding=0.5)
    assert xx.shape == yy.shape == (11, 11) and grid.shape == (121, 2)
    assert grid.min(axis=0).tolist() == [-0.5, -0.5]
    assert grid.max(axis=0).tolist() == [1.5, 1.5]


def test_the_black_boundary_line_lies_where_p_equals_one_half():
    ax = plot_decision_boundary(vertical_line_at(0.3), XOR_X, XOR_Y)
    vertices = boundary_vertices(ax)
    np.testing.assert_allclose(vertices[:, 0], 0.3, atol=0.02)


def test_axes_are_labelled_and_the_legend_names_classes_and_boundary():
    ax = plot_decision_boundary(vertical_line_at(0.5), XOR_X, XOR_Y, title="XOR")
    assert ax.get_title() == "XOR"
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["class 0", "class 1", "boundary p = 0.5"]


def test_a_constant_prediction_draws_no_boundary_line_and_no_warning(recwarn):
    ax = plot_decision_boundary(lambda P: np.full(len(P), 0.5 - 1e-9), XOR_X, XOR_Y)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "boundary p = 0.5" not in labels
    assert not [w for w in recwarn if "contour" in str(w.message).lower()]


def test_class_scores_colour_regions_by_argmax_for_three_classes():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    y = np.array([0, 1, 2])
    centres = X[:, 0]
    ax = plot_decision_boundary(
        lambda P: -np.abs(P[:, :1] - centres), X, y, class_names=["a", "b", "c"]
    )
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]


def test_a_column_of_probabilities_is_accepted_like_a_vector():
    ax = plot_decision_boundary(lambda P: vertical_line_at(0.5)(P)[:, None], XOR_X, XOR_Y)
    np.testing.assert_allclose(boundary_vertices(ax)[:, 0], 0.5, atol=0.02)


def test_predictions_of_the_wrong_shape_get_a_clear_error():
    with pytest.raises(ValueError, match="select one first"):
        plot_decision_boundary(lambda P: np.zeros((3, len(P), 1)), XOR_X, XOR_Y)


def test_points_must_be_two_dimensional_and_match_the_labels():
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        plot_decision_boundary(vertical_line_at(0), np.zeros((4, 3)), XOR_Y)
    with pytest.raises(ValueError, match="one label per row"):
        plot_decision_boundary(vertical_line_at(0), XOR_X, XOR_Y[:3])


def scatter_styles(ax):
    """(face colour as RGBA, number of marker vertices) of each class's points, in order."""
    collections = [c for c in ax.collections if isinstance(c, PathCollection)]
    return [(tuple(c.get_facecolor()[0]), len(c.get_paths()[0].vertices)) for c in collections]


def test_two_classes_are_blue_circles_and_red_squares_for_probabilities_and_for_scores():
    from matplotlib.colors import to_rgba

    def probability(P):
        return vertical_line_at(0.5)(P)

    def scores(P):
        return np.column_stack([1 - probability(P), probability(P)])

    for predict in (probability, scores):
        ax = plot_decision_boundary(predict, XOR_X, XOR_Y)
        (blue, circle_vertices), (red, square_vertices) = scatter_styles(ax)
        assert blue == to_rgba("tab:blue") and red == to_rgba("tab:red")
        assert circle_vertices > square_vertices  # a circle has many vertices, a square few
        plt.close("all")


def test_class_one_drawn_alone_is_still_red():
    from matplotlib.colors import to_rgba

    ax = plot_decision_boundary(vertical_line_at(0.5), XOR_X[1:3], np.array([1, 1]))
    ((colour, _),) = scatter_styles(ax)
    assert colour == to_rgba("tab:red")


def test_one_colour_bar_serves_several_probability_panels():
    from course_lib.data import xor
    from course_lib.plots.boundaries import add_probability_colorbar

    X, y = xor()
    fig, axes = plt.subplots(1, 3, layout="constrained")
    for ax, shift in zip(axes, (0.2, 0.5, 0.8), strict=True):
        plot_decision_boundary(lambda P, s=shift: 1 / (1 + np.exp(-8 * (P[:, 0] - s))), X, y,
                               ax=ax)
    bar = add_probability_colorbar(axes)
    assert bar.ax.get_ylabel() == "p(class 1)"
    assert bar.mappable.get_clim() == (0.0, 1.0) and bar.mappable.get_cmap().name == "RdBu_r"
    assert len(fig.axes) == 4  # three panels and one bar

    empty = plt.subplots()[1]
    with pytest.raises(ValueError, match="no probability shading"):
        add_probability_colorbar(empty)
