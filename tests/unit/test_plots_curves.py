"""course_lib.plots.curves: one line per curve, labelled, grouped by outcome."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.plots.curves import plot_loss_curves, plot_loss_curves_by_outcome


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_a_single_sequence_is_drawn_as_one_labelled_curve():
    ax = plot_loss_curves([3.0, 2.0, 1.0])
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), [3.0, 2.0, 1.0])
    np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2])
    assert line.get_label() == "loss"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "loss")
    assert ax.get_title() == "Loss during training"


def test_a_history_dict_draws_its_loss_entries_and_skips_the_rest():
    history = {"train_loss": [1.0, 0.5], "val_loss": [1.2, 0.8], "val_accuracy": [0.5, 0.7],
               "stopped_early": False}
    ax = plot_loss_curves(history, log_y=True)
    assert [line.get_label() for line in ax.get_lines()] == ["train_loss", "val_loss"]
    assert ax.get_yscale() == "log"


def test_keys_choose_which_curves_and_unknown_keys_are_reported():
    history = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.9]}
    ax = plot_loss_curves(history, keys=["accuracy"], ylabel="accuracy")
    assert [line.get_label() for line in ax.get_lines()] == ["accuracy"]
    with pytest.raises(ValueError, match="available"):
        plot_loss_curves(history, keys=["val_loss"])


def test_a_two_dimensional_curve_is_rejected_with_its_shape():
    with pytest.raises(ValueError, match=r"\(2, 2\)"):
        plot_loss_curves(np.ones((2, 2)))


def test_runs_are_coloured_by_outcome_and_counted_in_the_legend():
    losses = np.array([[1.0, 1.0, 1.0], [0.1, 0.7, 0.01]])
    ax = plot_loss_curves_by_outcome(losses, np.array([True, False, True]), highlight=1,
                                     highlight_label="seed 1")
    assert len(ax.get_lines()) == 4
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["solved (2)", "stuck (1)", "seed 1"]
    np.testing.assert_array_equal(ax.get_lines()[-1].get_ydata(), [1.0, 0.7])
    assert ax.get_yscale() == "log"


def test_outcome_shapes_must_agree():
    with pytest.raises(ValueError, match="shape"):
        plot_loss_curves_by_outcome(np.ones((5, 3)), np.ones(4, dtype=bool))


def test_colors_give_one_colour_per_curve_and_must_match_their_number():
    from matplotlib.colors import to_rgba

    curves = {"a loss": [2.0, 1.0], "b loss": [3.0, 1.0]}
    ax = plot_loss_curves(curves, colors=["black", "tab:green"])
    assert [to_rgba(line.get_color()) for line in ax.get_lines()] == [
        to_rgba("black"), to_rgba("tab:green")]
    with pytest.raises(ValueError, match="one per curve"):
        plot_loss_curves([1.0, 0.5], colors=["black", "red"])


def test_outcome_colours_are_not_the_class_colours_red_and_blue():
    from matplotlib.colors import to_rgba

    ax = plot_loss_curves_by_outcome(np.ones((3, 2)), np.array([True, False]))
    colours = {to_rgba(line.get_color()) for line in ax.get_lines()}
    assert colours.isdisjoint({to_rgba("tab:red"), to_rgba("tab:blue")})
