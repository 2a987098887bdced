"""Figures of what happens layer by layer: histograms per layer, std per layer, update ratios.

Taught in notebooks/04_initialization.ipynb, where a deep network's
activations and gradients vanish, explode or stay put depending on how its
weights start. Layers are coloured by depth along ``LAYER_CMAP`` (dark for
the first layers, light for the deep ones); gradients drawn next to values
are orange (``GRADIENT_COLOR``), as in every chapter.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.axes import Axes

from course_lib.plots.graphs import GRADIENT_COLOR

#: The colormap of layers by depth.
LAYER_CMAP = "viridis"
#: The colour of the values a prediction is compared with (the gradient's is GRADIENT_COLOR).
VALUE_COLOR = "black"

__all__ = [
    "GRADIENT_COLOR",
    "LAYER_CMAP",
    "VALUE_COLOR",
    "layer_colors",
    "plot_layer_histograms",
    "plot_layer_stds",
    "plot_update_ratios",
]


def layer_colors(n: int) -> list:
    """``n`` colours along ``LAYER_CMAP``, first layer darkest.

    Example:
        >>> len(layer_colors(4))
        4

    Taught in no notebook: the layer figures use it.
    """
    cmap = plt.get_cmap(LAYER_CMAP)
    return [cmap(t) for t in np.linspace(0.0, 0.9, n)] if n > 1 else [cmap(0.3)]


def plot_layer_histograms(values: Sequence[np.ndarray], *, labels: Sequence[str] | None = None,
                          ax: Axes | None = None, bins: int = 61,
                          value_range: tuple[float, float] | None = None,
                          title: str = "Distribution per layer", xlabel: str = "value",
                          legend: bool = True) -> Axes:
    """One outline histogram per layer, all on the same bins, coloured by depth (seaborn).

    Each histogram shows the fraction of the layer's values in each bin, so
    layers of any width compare directly; a layer whose values all fall in one
    bin (a signal that vanished) shows as a single spike. Values outside
    ``value_range`` and non-finite values (an overflow) are left out; the legend
    says how many (values outside only when they are more than 1 %).

    Args:
        values: one array per layer (any shape; every entry counts).
        labels: one legend label per layer (default "layer 1", "layer 2", ...).
        ax: where to draw; a new figure is made when None.
        bins: the number of bins (odd, so that 0 is the centre of a bin when the range is
            symmetric, and a spike at 0 stays in one bin).
        value_range: (low, high) of the bins; default: the 0.1 % and 99.9 %
            quantiles of all finite values, made symmetric around 0 when they
            straddle it.
        title, xlabel: labels; the vertical axis is the fraction of values per bin.
        legend: draw the legend (outside on the right).

    Returns:
        The Axes.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> ax = plot_layer_histograms([np.tanh(rng.normal(0, s, 1000)) for s in (0.5, 1, 3)])

    Taught in notebooks/04_initialization.ipynb.
    """
    arrays = [np.asarray(v, dtype=np.float64).ravel() for v in values]
    if not arrays:
        raise ValueError("plot_layer_histograms: values is empty; pass one array per layer")
    labels = [f"layer {i + 1}" for i in range(len(arrays))] if labels is None else list(labels)
    if len(labels) != len(arrays):
        raise ValueError(f"plot_layer_histograms: {len(arrays)} arrays but {len(labels)} labels")
    finite = [a[np.isfinite(a)] for a in arrays]
    if value_range is None:
        value_range = _default_range(np.concatenate(finite))
    low, high = value_range
    if not high > low:
        raise ValueError(f"plot_layer_histograms: value_range must be (low, high) with "
                         f"low < high, got {value_range}")
    edges = np.linspace(low, high, bins + 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    for array, all_values, label, color in zip(finite, arrays, labels, layer_colors(len(arrays)),
                                                strict=True):
        inside = array[(array >= low) & (array <= high)]
        text = label + _left_out(all_values.size - array.size, array.size - inside.size,
                                 all_values.size)
        if inside.size == 0:
            ax.plot([], [], color=color, label=text)
            continue
        counts, _ = np.histogram(inside, bins=edges)  # binned once here: fast for any size
        centres = (edges[:-1] + edges[1:]) / 2
        sns.histplot(x=centres, weights=counts / all_values.size, bins=bins, binrange=(low, high),
                     element="step", fill=False, color=color, linewidth=1.3, label=text, ax=ax)
    ax.set(title=title, xlabel=xlabel, ylabel="fraction of values per bin", xlim=(low, high))
    ax.grid(True, alpha=0.3)
    if legend:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def _left_out(not_finite: int, outside: int, total: int) -> str:
    parts = []
    if not_finite:
        parts.append(f"{100 * not_finite / total:.0f} % not finite")
    if outside > 0.01 * total:
        parts.append(f"{100 * outside / total:.0f} % outside")
    return f" ({', '.join(parts)})" if parts else ""


def _default_range(values: np.ndarray) -> tuple[float, float]:
    if values.size == 0:
        return -1.0, 1.0
    low, high = np.quantile(values, [0.001, 0.999])
    if low < 0 < high:
        half = max(-low, high)
        low, high = -half, half
    if not high > low:  # every value the same (e.g. all zeros)
        spread = max(abs(low), 1e-12)
        low, high = low - spread, high + spread
    return float(low), float(high)


def plot_layer_stds(measured: np.ndarray, *, predicted: np.ndarray | None = None,
                    ax: Axes | None = None, label: str | None = None, color=VALUE_COLOR,
                    log_y: bool = True, title: str = "Standard deviation per layer",
                    ylabel: str = "std") -> Axes:
    """The std of a quantity at each layer: measured as markers, predicted as a line.

    Args:
        measured: (L,) one value per layer, or (n_seeds, L): the mean over the seeds
            with a band of one standard deviation. Zeros and non-finite values (a
            signal that underflowed or overflowed) are left out of a log axis.
        predicted: (L,) the prediction, drawn as a dashed line in the same colour.
        ax: where to draw; a new figure is made when None.
        label: the legend label of the measurement ("(predicted)" is added for the line).
        color: a matplotlib colour.
        log_y: logarithmic vertical axis (signals change by factors per layer).
        title, ylabel: labels; the horizontal axis is the layer, 1 to L.

    Returns:
        The Axes.

    Example:
        >>> ax = plot_layer_stds(np.array([1.0, 0.5, 0.25]), predicted=np.array([1, 0.5, 0.25]),
        ...                      label="tanh")

    Taught in notebooks/04_initialization.ipynb.
    """
    measured = np.asarray(measured, dtype=np.float64)
    if measured.ndim not in (1, 2) or measured.shape[-1] == 0:
        raise ValueError(f"plot_layer_stds: measured must have shape (L,) or (n_seeds, L), "
                         f"got {measured.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.8))
    usable = np.where(np.isfinite(measured) & ((measured > 0) | (not log_y)), measured, np.nan)
    layers = np.arange(1, measured.shape[-1] + 1)
    if measured.ndim == 2:
        with warnings.catch_warnings():  # a layer with fewer than 2 usable seeds: NaN, silently
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(usable, axis=0)
            std = np.nanstd(usable, axis=0, ddof=1) if len(usable) > 1 else np.zeros_like(mean)
        ax.fill_between(layers, mean - std, mean + std, color=color, alpha=0.2, linewidth=0)
        usable = mean
    ax.plot(layers, usable, "o", ms=4, color=color, label=label)
    if predicted is not None:
        predicted = np.asarray(predicted, dtype=np.float64)
        if predicted.shape != layers.shape:
            raise ValueError(f"plot_layer_stds: predicted has shape {predicted.shape}; expected "
                             f"{layers.shape}, one value per layer")
        line = np.where(predicted > 0, predicted, np.nan) if log_y else predicted
        ax.plot(layers, line, "--", lw=1.3, color=color,
                label=None if label is None else f"{label} (predicted)")
    if log_y:
        ax.set_yscale("log")
    ax.set(title=title, xlabel="layer", ylabel=ylabel)
    ax.grid(True, which="major", alpha=0.3)
    if label is not None:
        ax.legend(fontsize=8)
    return ax


def plot_update_ratios(ratios: np.ndarray, *, labels: Sequence[str] | None = None,
                       ax: Axes | None = None, target: float = 1e-3,
                       title: str = "Update-to-data ratio during training") -> Axes:
    """log10 of the update-to-data ratio of each parameter at each step, with the target line.

    Args:
        ratios: (steps, n_parameters), e.g. ``course_lib.diagnostics.update_to_data_ratio``
            of every weight matrix after every step.
        labels: one label per parameter (default "layer 1", ...), coloured by depth.
        ax: where to draw; a new figure is made when None.
        target: the rule of thumb, drawn as a dashed line (1e-3).
        title: the title.

    Returns:
        The Axes.

    Example:
        >>> ax = plot_update_ratios(np.full((50, 3), 1e-3))

    Taught in notebooks/04_initialization.ipynb.
    """
    ratios = np.asarray(ratios, dtype=np.float64)
    if ratios.ndim != 2:
        raise ValueError(f"plot_update_ratios: ratios must be (steps, n_parameters), got "
                         f"{ratios.shape}")
    n = ratios.shape[1]
    labels = [f"layer {i + 1}" for i in range(n)] if labels is None else list(labels)
    if len(labels) != n:
        raise ValueError(f"plot_update_ratios: {n} parameters but {len(labels)} labels")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    with np.errstate(divide="ignore"):
        logs = np.log10(np.where(ratios > 0, ratios, np.nan))
    steps = np.arange(1, len(ratios) + 1)
    for column, label, color in zip(logs.T, labels, layer_colors(n), strict=True):
        ax.plot(steps, column, lw=1.0, color=color, label=label)
    ax.axhline(np.log10(target), color="gray", ls="--", lw=1.2,
               label=f"rule of thumb, {target:g}")
    ax.set(title=title, xlabel="step", ylabel="log10(std of update / std of weights)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax
