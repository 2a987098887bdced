"""A grid of labelled images, and of predictions with the wrong ones in red.

Taught in notebooks/00_start_here.ipynb (a first look at Fashion-MNIST) and
chapter 10 (notebooks/10_pytorch_fashion_mnist.ipynb, not yet written): what the network gets wrong.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course_lib import checks

RIGHT_COLOR = "tab:green"
WRONG_COLOR = "tab:red"


def image_grid(
    images,
    labels=None,
    class_names: Sequence[str] | None = None,
    *,
    ncols: int = 10,
    predictions=None,
    cmap: str = "binary",
    size: float = 1.3,
    vmin: float | None = None,
    vmax: float | None = None,
    title: str | None = None,
    max_images: int = 200,
) -> Figure:
    """Show images in a grid, each titled with its class name (or label).

    Taught in notebooks/00_start_here.ipynb and
    chapter 10 (notebooks/10_pytorch_fashion_mnist.ipynb, not yet written).

    With ``predictions``, each title reads "pred: <predicted>" over
    "true: <label>", green when right and red when wrong.

    Args:
        images: shape (N, H, W) grey, (N, H, W, 3) colour, or (N, H*W) flattened
            square images (e.g. (N, 784) -> 28x28).
        labels: (N,) integer labels, or None for untitled images.
        class_names: names indexed by label; without them the label number is shown.
        ncols: images per row (fewer when there are fewer images).
        predictions: (N,) predicted labels; needs ``labels``.
        cmap: colour map of grey images (``"binary"``: dark ink on white).
        size: width of one image in inches.
        vmin, vmax: intensity range; by default 0-255 for uint8 images, else
            the min and max over all the images (one scale for the whole grid).
        title: a title over the whole grid.
        max_images: refuse more images than this (slice the array instead).

    Returns:
        The matplotlib Figure, with one Axes per image, in order.

    Example:
        >>> images = np.random.default_rng(0).integers(0, 256, size=(6, 28, 28), dtype=np.uint8)
        >>> labels, predictions = np.array([0, 1, 2, 0, 1, 2]), np.array([0, 1, 1, 0, 2, 2])
        >>> fig = image_grid(images, labels, ("cat", "dog", "bird"), predictions=predictions)
        >>> [ax.get_title() for ax in fig.axes[:2]]
        ['pred: cat\\ntrue: cat', 'pred: dog\\ntrue: dog']
    """
    images = _as_image_stack(images)
    n = len(images)
    max_images = checks.integer(max_images, "max_images", "image_grid", minimum=1)
    if n == 0:
        raise ValueError("image_grid got no images (an empty array)")
    if n > max_images:
        raise ValueError(
            f"image_grid got {n} images, more than max_images={max_images}; "
            f"show a slice, e.g. images[:{min(max_images, 50)}]"
        )
    ncols = checks.integer(ncols, "ncols", "image_grid", minimum=1)
    size = checks.number(size, "size (inches)", "image_grid", low=0, low_inclusive=False)
    labels = _as_labels(labels, n, "labels")
    predictions = _as_labels(predictions, n, "predictions")
    if predictions is not None and labels is None:
        raise ValueError("predictions need the true labels: pass labels too")
    for name, values in (("labels", labels), ("predictions", predictions)):
        if class_names is not None and values is not None and values.max() >= len(class_names):
            raise ValueError(
                f"{name} go up to {values.max()}, but class_names has {len(class_names)} names"
            )
    if vmin is None and vmax is None:
        vmin, vmax = (0, 255) if images.dtype == np.uint8 else (images.min(), images.max())

    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    title_lines = 0 if labels is None else (2 if predictions is not None else 1)
    cell_height = size * (1 + 0.22 * title_lines)
    fig = plt.figure(figsize=(ncols * size, nrows * cell_height + (0.4 if title else 0)))
    for i in range(n):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is None:
            continue
        true = _name(labels[i], class_names)
        if predictions is None:
            ax.set_title(true, fontsize=8)
        else:
            right = predictions[i] == labels[i]
            ax.set_title(f"pred: {_name(predictions[i], class_names)}\ntrue: {true}", fontsize=7,
                         color=RIGHT_COLOR if right else WRONG_COLOR)
            for spine in ax.spines.values():
                spine.set_color(RIGHT_COLOR if right else WRONG_COLOR)
                spine.set_linewidth(1.0 if right else 2.0)
    if title:
        fig.suptitle(title)
    fig.tight_layout(pad=0.3)
    return fig


def _as_image_stack(images) -> np.ndarray:
    images = checks.real_array(images, "images", "image_grid")
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(
                f"flattened images must have a square number of pixels, got shape {images.shape}"
            )
        return images.reshape(len(images), side, side)
    if images.ndim == 3 or (images.ndim == 4 and images.shape[-1] in (3, 4)):
        return images
    raise ValueError(
        f"images must have shape (N, H, W), (N, H, W, 3) or (N, H*W), got {images.shape}"
        + (" (one image? pass images[None])" if images.ndim < 2 else "")
    )


def _as_labels(values, n: int, name: str) -> np.ndarray | None:
    if values is None:
        return None
    values = np.asarray(values)
    if not np.issubdtype(values.dtype, np.integer):
        raise TypeError(f"image_grid: {name} must be integer labels, got dtype {values.dtype}")
    if values.shape != (n,):
        raise ValueError(
            f"image_grid: {name} must be {n} integer labels, one per image, got shape "
            f"{values.shape}"
        )
    if n and values.min() < 0:
        raise ValueError(f"{name} must be >= 0, got {values.min()}")
    return values


def _name(label, class_names) -> str:
    return str(int(label)) if class_names is None else str(class_names[int(label)])
