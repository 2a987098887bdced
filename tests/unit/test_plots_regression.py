"""course_lib.plots.regression: residual and curve figures, labelled, with clear errors."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.plots.regression import NOISE_COLOR, binned_means, plot_curve_fits, plot_residuals


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_binned_means_average_equal_sized_groups_in_order_of_x():
    x = np.array([5.0, 1.0, 4.0, 2.0, 3.0, 6.0])
    centres, means = binned_means(x, 10 * x, bins=3)
    np.testing.assert_allclose(centres, [1.5, 3.5, 5.5])
    np.testing.assert_allclose(means, [15.0, 35.0, 55.0])
    assert len(binned_means(x, x, bins=100)[0]) == 6  # never more bins than samples
    with pytest.raises(ValueError, match="x has 6 values"):
        binned_means(x, x[:3])


def test_plot_residuals_draws_residuals_their_binned_mean_and_the_noise_band():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 200)
    y_true = 3 * x + rng.normal(0, 0.1, 200)
    y_pred = 3 * x
    ax = plot_residuals(y_true, y_pred, against=x, noise_std=0.1, xlabel="$x$", title="t")
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("t", "$x$",
                                                                  r"residual $y - \hat y$")
    offsets = ax.collections[0].get_offsets()
    np.testing.assert_allclose(offsets[:, 1], y_true - y_pred)
    np.testing.assert_allclose(offsets[:, 0], x)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["residuals", "mean residual (binned)", "±σ of the noise"]
    band = [line for line in ax.lines if line.get_color() == NOISE_COLOR]
    assert sorted(line.get_ydata()[0] for line in band) == [-0.1, 0.1]


def test_plot_residuals_against_the_prediction_by_default_and_its_errors():
    ax = plot_residuals(np.array([1.0, 2.0, 4.0]), np.array([1.5, 2.0, 3.0]))
    assert ax.get_xlabel() == "prediction"
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 0], [1.5, 2.0, 3.0])
    with pytest.raises(ValueError, match="y_pred has 2"):
        plot_residuals(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="against has 2 values"):
        plot_residuals(np.ones(3), np.ones(3), against=np.ones(2))
    with pytest.raises(ValueError, match=r"shape \(N,\)"):
        plot_residuals(np.ones((3, 2)), np.ones((3, 2)))


def test_plot_curve_fits_marks_outliers_truth_fits_and_the_training_range():
    grid = np.linspace(-2, 2, 41)
    x, y = np.array([-0.5, 0.0, 0.5]), np.array([0.2, 5.0, 0.3])
    ax = plot_curve_fits(x, y, grid, {"fit a": grid**2, "fit b": 0 * grid}, truth=grid**2,
                         is_outlier=np.array([False, True, False]), train_range=(-1, 1))
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert sorted(labels) == sorted(["true curve", "fit a", "fit b", "outside the training range",
                                     "training data", "outliers (1)"])
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("$x$", "$y$", "Fitted curves")
    with pytest.raises(ValueError, match="colors has 1 entries for 2 fits"):
        plot_curve_fits(x, y, grid, {"a": grid, "b": grid}, colors=["black"])
