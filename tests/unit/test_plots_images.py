"""image_grid: one Axes per image, titled with class names, wrong predictions in red."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.data.fashion_mnist import FASHION_MNIST_CLASSES
from course_lib.plots.images import WRONG_COLOR, image_grid


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def images():
    return np.random.default_rng(0).integers(0, 256, size=(13, 28, 28), dtype=np.uint8)


def titles(fig):
    return [ax.get_title() for ax in fig.axes]


def test_one_axes_per_image_titled_with_the_class_name(images):
    labels = np.arange(13) % 10
    fig = image_grid(images, labels, FASHION_MNIST_CLASSES, ncols=5)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 13
    assert titles(fig) == [FASHION_MNIST_CLASSES[label] for label in labels]
    assert fig.axes[5].get_subplotspec().rowspan.start == 1  # 5 per row
    np.testing.assert_array_equal(fig.axes[3].images[0].get_array(), images[3])


def test_without_class_names_the_label_number_is_shown(images):
    fig = image_grid(images[:3], [4, 0, 9])
    assert titles(fig) == ["4", "0", "9"]


def test_without_labels_there_are_no_titles(images):
    fig = image_grid(images[:4])
    assert titles(fig) == ["", "", "", ""]


def test_predictions_show_pred_and_true_and_colour_the_wrong_ones(images):
    labels = np.array([0, 1, 2, 3])
    predictions = np.array([0, 6, 2, 8])
    fig = image_grid(images[:4], labels, FASHION_MNIST_CLASSES, predictions=predictions)
    assert titles(fig)[1] == "pred: Shirt\ntrue: Trouser"
    assert titles(fig)[0] == "pred: T-shirt/top\ntrue: T-shirt/top"
    wrong = [mcolors.same_color(ax.title.get_color(), WRONG_COLOR) for ax in fig.axes]
    assert wrong == [False, True, False, True]


def test_flattened_images_are_reshaped_to_squares(images):
    fig = image_grid(images[:2].reshape(2, 784), [1, 2])
    assert fig.axes[0].images[0].get_array().shape == (28, 28)


def test_float_images_share_one_intensity_scale(images):
    floats = images[:3] / 255.0 - 0.5
    fig = image_grid(floats)
    limits = {ax.images[0].get_clim() for ax in fig.axes}
    assert limits == {(floats.min(), floats.max())}


@pytest.mark.parametrize(
    ("kwargs", "bad"),
    [({"labels": [1, 2]}, r"13 integer labels.*shape \(2,\)"),
     ({"labels": np.arange(13) + 5, "class_names": FASHION_MNIST_CLASSES}, "go up to 17"),
     ({"predictions": np.arange(13)}, "need the true labels"),
     ({"ncols": 0}, "ncols must be an integer >= 1, got 0"),
     ({"max_images": 10}, "13 images, more than max_images=10")],
)
def test_bad_arguments_are_explained(images, kwargs, bad):
    with pytest.raises(ValueError, match=bad):
        image_grid(images, **kwargs)


def test_bad_image_shapes_are_explained():
    with pytest.raises(ValueError, match="square number of pixels"):
        image_grid(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="one image"):
        image_grid(np.zeros(784))
    with pytest.raises(ValueError, match="no images"):
        image_grid(np.zeros((0, 28, 28)))
