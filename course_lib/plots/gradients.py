"""Per-layer gradient histograms at chosen steps, and update-to-data ratios during training.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb; the numbers come from
``course_lib.torch_diagnostics.GradientMonitor``. Gradients are drawn in
shades of orange (the course's colour for gradients), later steps darker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.plots.sweeps import setting_colors

__all__ = ["plot_gradient_histograms", "plot_update_ratios"]

GRADIENT_CMAP = "Oranges"
RULE_OF_THUMB = 1e-3


def plot_gradient_histograms(gradients: Mapping[int, Mapping[str, np.ndarray]], *,
                             bins: int = 80, quantile: float = 0.999,
                             title: str = "Weight gradients per layer") -> Figure:
    """One panel per layer; in each, the histogram of the gradient's entries at every recorded step.

    Args:
        gradients: step -> parameter name -> gradient values (``GradientMonitor.gradients``).
        bins: bins per histogram.
        quantile: each panel's range is +- this quantile of |gradient| over its steps,
            so that a few outliers do not squash the histograms.
        title: the figure's title.

    Returns:
        The Figure (y axes logarithmic: counts span several decades).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> fig = plot_gradient_histograms({0: {"a.weight": rng.normal(size=100)},
        ...                                 9: {"a.weight": rng.normal(size=100) / 10}})
        >>> fig.axes[0].get_xlabel()
        'gradient entry'

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    steps = sorted(gradients)
    if not steps:
        raise ValueError("plot_gradient_histograms: no recorded steps; did the monitor's "
                         "histogram_steps include steps that ran?")
    names = list(gradients[steps[0]])
    cmap = plt.get_cmap(GRADIENT_CMAP)
    shades = [cmap(t) for t in np.linspace(0.35, 1.0, len(steps))]
    fig, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names), 3.2), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        limit = max(float(np.quantile(np.abs(gradients[s][name]), quantile)) for s in steps)
        edges = np.linspace(-limit, limit, bins + 1) if limit > 0 else bins
        for step, shade in zip(steps, shades, strict=True):
            values = gradients[step][name]
            ax.hist(values, bins=edges, histtype="step", color=shade, linewidth=1.3,
                    label=f"step {step} (std {values.std():.1e})")
        ax.set_yscale("log")
        ax.set(xlabel="gradient entry", ylabel="count", title=name)
        ax.legend(fontsize=7, loc="upper right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_update_ratios(steps: Sequence[int], ratios: Mapping[str, Sequence[float]], *,
                       ax: Axes | None = None,
                       title: str = "Update-to-data ratio per layer") -> Axes:
    """The update-to-data ratio of each layer against the optimizer step, on a log scale.

    A dashed line marks the rule of thumb 1e-3.

    Example:
        >>> ax = plot_update_ratios([0, 10], {"a.weight": [1e-2, 1e-3]})
        >>> ax.get_yscale(), ax.get_xlabel()
        ('log', 'optimizer step')

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.6))
    steps = np.asarray(steps)
    for (name, values), colour in zip(ratios.items(), setting_colors(len(ratios)), strict=True):
        if len(values) != len(steps):
            raise ValueError(f"plot_update_ratios: {name} has {len(values)} ratios for "
                             f"{len(steps)} steps")
        ax.plot(steps, values, color=colour, linewidth=1.2, label=name)
    ax.axhline(RULE_OF_THUMB, color="gray", linestyle="--", linewidth=1,
               label="1e-3 (rule of thumb)")
    ax.set_yscale("log")
    ax.set(xlabel="optimizer step", ylabel="std(update) / std(weight)", title=title)
    ax.legend(fontsize=8, loc="upper right")
    return ax
