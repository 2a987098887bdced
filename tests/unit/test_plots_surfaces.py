"""course_lib.plots.surfaces and plots.lr_range: contour lines, paths, range-test curves."""

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.lr_finder import LRRangeTest
from course_lib.optim import SGD, Adam
from course_lib.plots.lr_range import plot_lr_range_test
from course_lib.plots.surfaces import (
    FAILED_COLOR,
    PATH_COLORS,
    plot_path_losses,
    plot_paths,
    plot_surface,
    surface_levels,
)
from course_lib.surfaces import SURFACES, get_surface, ill_conditioned_bowl, optimizer_path, saddle


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_no_path_colour_is_red_blue_orange_or_purple():
    # red and blue mean the two classes, orange a gradient, purple a failed run
    for color in PATH_COLORS:
        r, g, b = mcolors.to_rgb(color)
        assert not (r > 0.6 and g < 0.4 and b < 0.4), color                 # red
        assert not (b > 0.6 and r < 0.4), color                              # blue
        assert mcolors.to_hex(color) not in {mcolors.to_hex(c) for c in
                                             ("tab:orange", "tab:purple", "tab:red", "tab:blue")}


@pytest.mark.parametrize("name", list(SURFACES))
def test_every_surface_is_drawn_with_increasing_levels_labelled_axes_and_its_minima(name):
    surface = get_surface(name)
    ax = plot_surface(surface, levels=12, resolution=40)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$w_1$", "$w_2$")
    assert ax.get_title() == surface.formula
    assert ax.get_xlim() == surface.xlim and ax.get_ylim() == surface.ylim
    labels = [t for t in ax.get_legend_handles_labels()[1]]
    assert labels[0] in ("minimum", "minima (a curve)")
    grid = np.stack(np.meshgrid(np.linspace(*surface.xlim, 40), np.linspace(*surface.ylim, 40)),
                    axis=-1)
    levels = surface_levels(surface, surface.loss(grid), 12)
    assert levels.shape == (12,) and np.all(np.diff(levels) > 0)


def test_a_local_minimum_is_labelled_as_such():
    ax = plot_surface(get_surface("two minima"), resolution=30)
    assert ax.get_legend_handles_labels()[1] == ["minimum", "local minimum"]


def test_paths_are_labelled_with_their_step_counts_and_a_diverged_one_is_purple():
    bowl = ill_conditioned_bowl()
    good = optimizer_path(bowl, SGD, lr=0.015, steps=800)
    slow = optimizer_path(bowl, SGD, lr=0.001, steps=50)
    bad = optimizer_path(bowl, SGD, lr=0.03, steps=800)
    ax = plot_paths({"good": good, "slow": slow, "bad": bad})
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["minimum", f"good ({good.steps_to_tolerance()} steps)", "slow (not there)",
                     f"bad (diverged after {bad.steps} steps)"]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert mcolors.to_hex(lines[texts[3]].get_color()) == mcolors.to_hex(FAILED_COLOR)
    assert mcolors.to_hex(lines[texts[1]].get_color()) == mcolors.to_hex(PATH_COLORS[0])
    # the diverged path is drawn only until it leaves the window
    drawn = lines[texts[3]].get_xydata()
    inside = (np.abs(drawn[:-1, 1]) <= 2.5) & (drawn[:-1, 0] >= -8) & (drawn[:-1, 0] <= 2)
    assert inside.all() and len(drawn) < bad.steps + 1


def test_paths_of_different_surfaces_or_none_are_refused():
    with pytest.raises(ValueError, match="different surfaces"):
        plot_paths({"a": optimizer_path(saddle(), SGD, lr=0.1, steps=3),
                    "b": optimizer_path(ill_conditioned_bowl(), SGD, lr=0.1, steps=3)})
    with pytest.raises(ValueError, match="no paths"):
        plot_paths({})
    with pytest.raises(ValueError, match="colours"):
        plot_paths({"a": optimizer_path(saddle(), SGD, lr=0.1, steps=3)}, colors=[])


def test_path_losses_are_drawn_above_the_minimum_on_a_log_axis_with_the_tolerance():
    s = saddle()
    paths = {"SGD": optimizer_path(s, SGD, lr=0.1, steps=60),
             "Adam": optimizer_path(s, Adam, lr=0.1, steps=60)}
    ax = plot_path_losses(paths)
    sgd, adam, tolerance = ax.get_lines()
    np.testing.assert_allclose(sgd.get_ydata(), paths["SGD"].losses - s.min_loss)
    assert tolerance.get_ydata()[0] == s.tolerance
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step"
    assert ax.get_ylim()[0] == pytest.approx(s.tolerance * 1e-3)


def test_the_range_test_plot_marks_both_suggestions():
    lrs = np.geomspace(1e-4, 1.0, 30)
    curve = 1 + (np.log10(lrs) + 2) ** 2
    result = LRRangeTest(lrs, curve + 0.1, curve, stopped_early=True)
    ax = plot_lr_range_test(result)
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:2] == ["loss of each batch", "smoothed loss"]
    assert labels[2].startswith("steepest descent") and labels[3].startswith("lowest loss / 10")
    assert ax.get_xscale() == "log" and ax.get_ylabel() == "training loss"
    with pytest.raises(TypeError, match="LRRangeTest"):
        plot_lr_range_test({"lrs": lrs})
