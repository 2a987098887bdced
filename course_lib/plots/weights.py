"""What a penalty does to the weights: their distribution, and which inputs they still use.

Taught in notebooks/06_regularization.ipynb. ``plot_weight_histograms`` draws the
distribution of the weights of several trained models on one axis (by default
of their magnitudes :math:`|w|` on a log scale, where L1's pile of near-zero
weights shows as a separate peak); ``plot_input_weights`` draws, for the first
layer of each model, the mean magnitude of the weights leaving each input,
arranged as the input image: the pixels a model ignores are white.

Models are told apart by the colours ``MODEL_COLORS`` (black, olive, green, brown:
never red or blue, which belong to the two classes of a classifier).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_lib import checks

__all__ = ["MODEL_COLORS", "plot_input_weights", "plot_weight_histograms"]

#: One colour per model, in order.
MODEL_COLORS = ("black", "tab:olive", "tab:green", "tab:brown", "tab:gray", "tab:cyan")
#: The colormap of ``plot_input_weights``: white for weights of 0, dark for large ones.
INPUT_CMAP = "Greys"


def _named_arrays(weights, where: str) -> dict[str, np.ndarray]:
    if not isinstance(weights, Mapping) or not weights:
        raise TypeError(f"{where}: weights must be a dict {{model name: weight array}} with at "
                        f"least one entry, got {type(weights).__name__}")
    arrays = {}
    for name, values in weights.items():
        array = np.asarray(values, dtype=np.float64)
        if array.size == 0 or not np.all(np.isfinite(array)):
            raise ValueError(f"{where}: the weights of {name!r} must be a non-empty array of "
                             "finite numbers")
        arrays[str(name)] = array
    if len(arrays) > len(MODEL_COLORS):
        raise ValueError(f"{where}: at most {len(MODEL_COLORS)} models, got {len(arrays)}")
    return arrays


def plot_weight_histograms(weights: Mapping[str, np.ndarray], *, ax: Axes | None = None,
                           bins: int = 50, log_magnitude: bool = True, floor: float = 1e-6,
                           threshold: float | None = None,
                           title: str = "Distribution of the weights") -> Axes:
    """One outline histogram per model: the fraction of its weights in each bin.

    Args:
        weights: ``{model name: weights}``, e.g. ``{"L1": model[0].weight.data}`` (any shapes;
            every entry counts).
        ax: where to draw; a new figure is made when None.
        bins: the number of bins.
        log_magnitude: histogram :math:`|w|` on a logarithmic axis (magnitudes below
            ``floor`` are counted in the first bin); otherwise :math:`w` on a linear axis.
        floor: the smallest magnitude shown with ``log_magnitude``, > 0.
        threshold: draw a dashed vertical line at this magnitude (the threshold of a
            sparsity measure), with ``log_magnitude``.
        title: the title.

    Returns:
        The Axes.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> ax = plot_weight_histograms({"dense": rng.normal(size=500),
        ...                              "sparse": rng.normal(size=500) * (rng.random(500) < 0.2)},
        ...                             threshold=1e-3)
        >>> ax.get_xscale()
        'log'

    Taught in notebooks/06_regularization.ipynb.
    """
    where = "plot_weight_histograms"
    arrays = _named_arrays(weights, where)
    bins = checks.integer(bins, "bins", where, minimum=2)
    checks.boolean(log_magnitude, "log_magnitude", where)
    floor = checks.number(floor, "floor", where, low=0, low_inclusive=False)
    if threshold is not None:
        threshold = checks.number(threshold, "threshold", where, low=0, low_inclusive=False)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    if log_magnitude:
        values = {name: np.maximum(np.abs(a).ravel(), floor) for name, a in arrays.items()}
        top = max(v.max() for v in values.values())
        edges = np.geomspace(floor, max(top, floor * 10) * 1.01, bins + 1)
        xlabel = f"|w| (log scale; below {floor:g} counted at {floor:g})"
    else:
        values = {name: a.ravel() for name, a in arrays.items()}
        half = max(np.abs(v).max() for v in values.values()) or 1.0
        edges = np.linspace(-half, half, bins + 1)
        xlabel = "w"
    for (name, v), color in zip(values.items(), MODEL_COLORS, strict=False):
        ax.hist(v, bins=edges, weights=np.full(v.size, 1 / v.size), histtype="step",
                color=color, linewidth=1.5, label=name)
    if log_magnitude:
        ax.set_xscale("log")
        if threshold is not None:
            ax.axvline(threshold, color="tab:gray", linestyle="--", linewidth=1,
                       label=f"|w| = {threshold:g}")
    ax.set(title=title, xlabel=xlabel, ylabel="fraction of the weights per bin")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_input_weights(weights: Mapping[str, np.ndarray], image_shape: Sequence[int], *,
                       title: str = "Mean |weight| leaving each input pixel"):
    """For each model, the mean magnitude of the first-layer weights of every input, drawn as
    an image: :math:`\\frac{1}{m}\\sum_j |W_{ji}|` for input :math:`i` of a weight ``W`` of
    shape (m, n) (a ``Linear`` layer's (out, in)), one panel per model, one colour scale.

    Args:
        weights: ``{model name: W}``, each W of shape (m, n) with n = H * W inputs.
        image_shape: ``(H, W)`` of the input images.
        title: the figure's title.

    Returns:
        ``(fig, axes)``: the Figure and a list of one Axes per model.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> fig, axes = plot_input_weights({"a": rng.normal(size=(4, 64)),
        ...                                 "b": np.zeros((4, 64))}, (8, 8))
        >>> len(axes)
        2

    Taught in notebooks/06_regularization.ipynb.
    """
    where = "plot_input_weights"
    arrays = _named_arrays(weights, where)
    shape = tuple(checks.integer(n, "image_shape", where, minimum=1) for n in image_shape)
    if len(shape) != 2:
        raise ValueError(f"{where}: image_shape must be (height, width), got {tuple(image_shape)}")
    maps = {}
    for name, W in arrays.items():
        if W.ndim != 2 or W.shape[1] != shape[0] * shape[1]:
            raise ValueError(f"{where}: the weights of {name!r} have shape {W.shape}; expected "
                             f"(outputs, {shape[0] * shape[1]}) for images of shape {shape}")
        maps[name] = np.abs(W).mean(axis=0).reshape(shape)
    top = max(m.max() for m in maps.values()) or 1.0
    fig, axes = plt.subplots(1, len(maps), figsize=(2.6 * len(maps) + 0.8, 2.9), squeeze=False)
    axes = list(axes[0])
    for ax, (name, image) in zip(axes, maps.items(), strict=True):
        shown = ax.imshow(image, cmap=INPUT_CMAP, vmin=0, vmax=top)
        ax.set(title=name, xticks=[], yticks=[], xlabel="pixel column", ylabel="pixel row")
    fig.colorbar(shown, ax=axes, label="mean |w|", shrink=0.9)
    fig.suptitle(title)
    return fig, axes
