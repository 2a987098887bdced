"""course_lib.data.augmentation: shifts and flips of small images, and augmented data sets."""

import numpy as np
import pytest

from course_lib.data import augmented, flip_images, shift_images, shifts


def images(n=3, height=4, width=5, dtype=np.float32):
    return (np.arange(n * height * width, dtype=dtype) + 1).reshape(n, height, width)


@pytest.mark.parametrize("dy, dx", [(1, 0), (-1, 0), (0, 2), (0, -3), (2, -1), (-3, 4)])
def test_a_shift_moves_every_pixel_and_fills_the_rest(dy, dx):
    x = images()
    out = shift_images(x, dy, dx, fill=-7.0)
    height, width = x.shape[1:]
    for i in range(height):
        for j in range(width):
            source = (i - dy, j - dx)
            inside = 0 <= source[0] < height and 0 <= source[1] < width
            expected = x[:, source[0], source[1]] if inside else -7.0
            np.testing.assert_array_equal(out[:, i, j], expected)
    assert out.dtype == x.dtype and out.shape == x.shape


def test_shifts_do_not_modify_their_input_and_undo_each_other_inside_the_image():
    x = images()
    before = x.copy()
    back = shift_images(shift_images(x, 1, -1), -1, 1)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_array_equal(back[:, :-1, 1:], x[:, :-1, 1:])
    np.testing.assert_array_equal(shift_images(x, 0, 0), x)
    assert not np.shares_memory(shift_images(x, 0, 0), x)


def test_a_shift_as_large_as_the_image_leaves_only_the_fill():
    np.testing.assert_array_equal(shift_images(images(), 4, 0), 0)
    np.testing.assert_array_equal(shift_images(images(), 0, -5, fill=2.0), 2.0)


def test_flips_mirror_left_right_or_upside_down_and_twice_is_the_identity():
    x = images(dtype=np.float64)
    np.testing.assert_array_equal(flip_images(x), x[:, :, ::-1])
    np.testing.assert_array_equal(flip_images(x, horizontal=False), x[:, ::-1, :])
    np.testing.assert_array_equal(flip_images(flip_images(x)), x)
    assert not np.shares_memory(flip_images(x), x)


def test_shifts_lists_four_moves_per_distance():
    moves = shifts(2)
    assert [move.__name__ for move in moves[:4]] == [
        "shift(dy=1, dx=0)", "shift(dy=-1, dx=0)", "shift(dy=0, dx=1)", "shift(dy=0, dx=-1)"]
    x = images()
    np.testing.assert_array_equal(moves[5](x), shift_images(x, -2, 0))


def test_augmented_keeps_the_originals_first_and_every_copy_keeps_its_label():
    x, y = images(n=3), np.array([7, 8, 9])
    X_aug, y_aug = augmented(x, y, [flip_images, *shifts(1)])
    assert X_aug.shape == (18, 4, 5) and X_aug.dtype == np.float32
    np.testing.assert_array_equal(X_aug[:3], x)
    np.testing.assert_array_equal(X_aug[3:6], flip_images(x))
    np.testing.assert_array_equal(X_aug[6:9], shift_images(x, 1, 0))
    assert y_aug.tolist() == [7, 8, 9] * 6
    X_same, y_same = augmented(x, y, [])
    np.testing.assert_array_equal(X_same, x)
    assert not np.shares_memory(X_same, x)


@pytest.mark.parametrize("call, error, message", [
    (lambda: shift_images(np.ones((2, 8)), 1, 0), ValueError, "reshape"),
    (lambda: shift_images(np.ones((1, 2, 2)), 1.5, 0), TypeError, "dy"),
    (lambda: flip_images(np.ones((1, 2, 2)), horizontal=1), TypeError, "horizontal"),
    (lambda: shifts(0), ValueError, "max_shift"),
    (lambda: augmented(np.ones((2, 3, 3)), [0], []), ValueError, "one label per image"),
    (lambda: augmented(np.ones((2, 3, 3)), [0, 1], [lambda x: x[:, :2]]), ValueError,
     "keep the shape"),
    (lambda: augmented(np.ones((2, 3, 3)), [0, 1], [3]), TypeError, "transform"),
])
def test_bad_arguments_are_refused_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_shift_augmentation_helps_a_network_recognise_shifted_digits():
    """The chapter's claim on a small scale: trained with shifted copies, a network classifies
    shifted digits far better than one trained on the centred digits alone."""
    from sklearn.datasets import load_digits

    from course_lib import nn
    from course_lib.initialization import mlp
    from course_lib.optim import Adam
    from course_lib.train import evaluate, fit

    digits = load_digits()
    pictures = (digits.images / 16).astype(np.float32)
    labels = digits.target.astype(np.int64)
    train, test = slice(0, 300), slice(1000, 1400)
    moves = shifts(1)
    test_shifted = np.concatenate([moves[i % 4](pictures[[k]])
                                   for i, k in enumerate(range(1000, 1400))])
    scores = {}
    for name, transforms in [("none", []), ("shifts", moves)]:
        X, y = augmented(pictures[train], labels[train], transforms)
        model = mlp([64, 64, 10], rng=0)
        epochs = round(400 / np.ceil(len(X) / 64))
        fit(model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=3e-3),
            (X.reshape(-1, 64), y), epochs=epochs, batch_size=64, rng=0, progress=False)
        scores[name] = evaluate(model, nn.CrossEntropyLoss(),
                                (test_shifted.reshape(-1, 64), labels[test]),
                                metrics=["accuracy"])["accuracy"]
    assert scores["shifts"] > scores["none"] + 0.2, scores
