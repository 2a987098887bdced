"""Data augmentation of small grey images: shifted and mirrored copies.

Taught in notebooks/06_regularization.ipynb. Augmentation adds transformed
copies of the training images that keep their labels, so the network sees
the variation it should ignore (a digit one pixel to the left is the same
digit). A transformation that changes what an image means (a mirrored 2 is
not a 2) adds wrong examples instead: the chapter measures both.

Images are arrays of shape (N, H, W); every function returns new arrays of the
input's dtype and leaves its input unchanged. Pixels that a shift moves in from
outside the image are filled with ``fill`` (0: the background of the digits and
of Fashion-MNIST).

Example:
    >>> images = np.arange(9.0).reshape(1, 3, 3)
    >>> shift_images(images, dy=0, dx=1)[0]          # one pixel to the right
    array([[0., 0., 1.],
           [0., 3., 4.],
           [0., 6., 7.]])
    >>> flip_images(images)[0]                        # mirrored left to right
    array([[2., 1., 0.],
           [5., 4., 3.],
           [8., 7., 6.]])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from course_lib import checks

__all__ = ["augmented", "flip_images", "shift_images", "shifts"]


def _images(images, where: str) -> np.ndarray:
    images = checks.real_array(images, "images", where)
    if images.ndim != 3:
        hint = (" Reshape flat images first, e.g. X.reshape(-1, 8, 8) for the digits."
                if images.ndim == 2 else "")
        raise ValueError(f"{where}: images must have shape (N, H, W), got {images.shape}.{hint}")
    return images


def shift_images(images, dy: int, dx: int, *, fill: float = 0.0) -> np.ndarray:
    """Every image moved ``dy`` pixels down and ``dx`` pixels right (negative: up, left).

    What leaves the image is lost; what comes in is ``fill``. A shift by the
    image's height or width or more leaves only ``fill``.

    Args:
        images: (N, H, W).
        dy, dx: whole pixels; ``dy > 0`` moves down, ``dx > 0`` moves right.
        fill: the value of the pixels that come in.

    Returns:
        np.ndarray (N, H, W), of the images' dtype.

    Example:
        >>> shift_images(np.ones((1, 2, 3)), dy=-1, dx=0)[0]   # up: the bottom row is new
        array([[1., 1., 1.],
               [0., 0., 0.]])

    Taught in notebooks/06_regularization.ipynb.
    """
    images = _images(images, "shift_images")
    dy = checks.integer(dy, "dy", "shift_images")
    dx = checks.integer(dx, "dx", "shift_images")
    fill = checks.number(fill, "fill", "shift_images")
    height, width = images.shape[1:]
    out = np.full_like(images, fill)
    if abs(dy) >= height or abs(dx) >= width:
        return out
    # rows [max(dy, 0), height + min(dy, 0)) of the output come from the rows dy above them
    out[:, max(dy, 0):height + min(dy, 0), max(dx, 0):width + min(dx, 0)] = \
        images[:, max(-dy, 0):height + min(-dy, 0), max(-dx, 0):width + min(-dx, 0)]
    return out


def flip_images(images, *, horizontal: bool = True) -> np.ndarray:
    """Every image mirrored: left to right (``horizontal=True``) or top to bottom.

    Args:
        images: (N, H, W).
        horizontal: mirror left-right (True) or upside down (False).

    Returns:
        np.ndarray (N, H, W), a new array of the images' dtype.

    Example:
        >>> flip_images(np.array([[[1, 2], [3, 4]]]), horizontal=False)[0]
        array([[3, 4],
               [1, 2]])

    Taught in notebooks/06_regularization.ipynb.
    """
    images = _images(images, "flip_images")
    checks.boolean(horizontal, "horizontal", "flip_images")
    return images[:, :, ::-1].copy() if horizontal else images[:, ::-1, :].copy()


def shifts(max_shift: int = 1) -> list[Callable[[np.ndarray], np.ndarray]]:
    """The transformations "shift by ``k`` pixels up, down, left or right", for ``k = 1 ..
    max_shift``: ``4 max_shift`` functions of images, for :func:`augmented`.

    Example:
        >>> len(shifts(1)), len(shifts(2))
        (4, 8)

    Taught in notebooks/06_regularization.ipynb.
    """
    max_shift = checks.integer(max_shift, "max_shift", "shifts", minimum=1)
    moves = []
    for k in range(1, max_shift + 1):
        for dy, dx in [(k, 0), (-k, 0), (0, k), (0, -k)]:
            def move(images, dy=dy, dx=dx):
                return shift_images(images, dy, dx)
            move.__name__ = f"shift(dy={dy}, dx={dx})"
            moves.append(move)
    return moves


def augmented(images, labels, transforms: Sequence[Callable[[np.ndarray], np.ndarray]]):
    """The images and every transformed copy of them, with their labels.

    Args:
        images: (N, H, W).
        labels: (N,) the label of each image; a copy keeps the label of its original.
        transforms: functions mapping images (N, H, W) to images (N, H, W), e.g.
            ``shifts(1)`` or ``[flip_images]``; an empty list returns copies of the inputs.

    Returns:
        ``(images, labels)`` of ``N * (1 + len(transforms))`` samples: the originals
        first, then each transform's copies in order.

    Example:
        >>> X, y = augmented(np.ones((5, 8, 8)), np.arange(5), shifts(1))
        >>> X.shape, y[:7].tolist()
        ((25, 8, 8), [0, 1, 2, 3, 4, 0, 1])

    Taught in notebooks/06_regularization.ipynb.
    """
    images = _images(images, "augmented")
    labels = np.asarray(labels)
    if labels.shape[:1] != images.shape[:1]:
        raise ValueError(f"augmented: {len(images)} images but labels of shape {labels.shape}; "
                         "give one label per image")
    transforms = list(transforms)
    for transform in transforms:
        checks.function(transform, "every transform", "augmented")
    copies = [images.copy()]
    for transform in transforms:
        copy = np.asarray(transform(images))
        if copy.shape != images.shape:
            raise ValueError(f"augmented: a transform returned shape {copy.shape} for images "
                             f"of shape {images.shape}; it must keep the shape")
        copies.append(copy.astype(images.dtype, copy=False))
    return np.concatenate(copies), np.concatenate([labels] * len(copies))
