"""Activation functions and their derivatives, with the region where they are flat.

Taught in notebooks/02_forward_propagation.ipynb (ranges and uses) and used
by ``course_lib.widgets.activations``. The curves come from a forward/backward
pair of ``course_lib.nn.functional`` (``relu_forward`` / ``relu_backward`` ...):
the derivative is the backward called with an upstream gradient of ones.

"Flat" means :math:`|g'(x)| <` a threshold: almost no gradient passes there. It
has two causes the chapter keeps apart: sigmoid and tanh *saturate* (for large
:math:`|x|` the output approaches an asymptote and the slope decays towards 0),
while ReLU is *inactive* for :math:`x < 0` (output and slope exactly 0); ReLU does
not saturate.

Its helpers other than plot_activations are taught in no notebook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from course_lib import checks


@dataclass(frozen=True)
class ActivationCurve:
    """An activation sampled on a grid: ``x``, ``value = g(x)``, ``slope = g'(x)``.

    What :func:`activation_curve` returns (chapter 02, through the activation explorer).
    """

    x: np.ndarray
    value: np.ndarray
    slope: np.ndarray

    def flat(self, threshold: float = 0.01) -> np.ndarray:
        """Where the slope is so small that almost no gradient passes: ``|g'(x)| < threshold``."""
        return np.abs(self.slope) < threshold

    def flat_fraction(self, threshold: float = 0.01) -> float:
        """Fraction of the grid where the activation is flat (depends on the grid's range)."""
        return float(self.flat(threshold).mean())


def activation_curve(
    forward: Callable, backward: Callable, *, x_range: tuple[float, float] = (-5.0, 5.0),
    num: int = 401,
) -> ActivationCurve:
    """Sample ``g`` and ``g'`` from a forward/backward pair on ``num`` points of ``x_range``.

    Taught in notebooks/02_forward_propagation.ipynb.

    Example:
        >>> from course_lib.nn import functional as F
        >>> curve = activation_curve(F.relu_forward, F.relu_backward, x_range=(-1, 1), num=3)
        >>> curve.value.tolist(), curve.slope.tolist()
        ([0.0, 0.0, 1.0], [0.0, 0.0, 1.0])
    """
    checks.function(forward, "forward", "activation_curve")
    checks.function(backward, "backward", "activation_curve")
    low, high = checks.interval(x_range, "x_range", "activation_curve")
    num = checks.integer(num, "num (grid points)", "activation_curve", minimum=2)
    x = np.linspace(low, high, num)
    value, cache = forward(x)
    slope = backward(np.ones_like(value), cache)
    return ActivationCurve(x, np.asarray(value), np.asarray(slope))


def plot_activation(
    forward: Callable,
    backward: Callable,
    *,
    name: str,
    x_range: tuple[float, float] = (-5.0, 5.0),
    threshold: float | None = 0.01,
    ax: Axes | None = None,
    title: str | None = None,
    legend: bool = True,
) -> Axes:
    """Draw ``g(x)`` (solid) and ``g'(x)`` (dashed), shading where ``|g'(x)| < threshold``.

    Taught in no notebook by this name: notebooks/02_forward_propagation.ipynb draws
    every activation at once with ``plot_activations``, which calls it.

    Args:
        forward, backward: a pair from ``course_lib.nn.functional`` (use
            ``functools.partial`` to fix a hyper-parameter such as ``alpha``).
        name: the function's name, used in the legend ("tanh" -> "tanh(x)", "tanh'(x)").
        x_range: the input interval.
        threshold: shade where the slope is below it, the flat region (None: no shading).
        ax: where to draw; a new figure is made when None.
        title: the title (default: ``name``).
        legend: draw the legend.

    Returns:
        The Axes.
    """
    checks.instance(name, str, "name", "plot_activation")
    if threshold is not None:
        checks.number(threshold, "threshold", "plot_activation", low=0, low_inclusive=False)
    checks.boolean(legend, "legend", "plot_activation")
    curve = activation_curve(forward, backward, x_range=x_range)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3.5))
    ax.axhline(0, color="gray", lw=0.6)
    ax.axvline(0, color="gray", lw=0.6)
    # Red and blue are kept for the classes of chapter 01; derivatives are orange everywhere.
    ax.plot(curve.x, curve.value, lw=2, color="black", label=f"{name}(x)")
    ax.plot(curve.x, curve.slope, lw=2, ls="--", color="tab:orange", label=f"{name}'(x)")
    if threshold is not None:
        mask = curve.flat(threshold)
        if mask.any():
            ax.fill_between(curve.x, 0, 1, where=mask, transform=ax.get_xaxis_transform(),
                            color="tab:gray", alpha=0.2, lw=0,
                            label=f"flat: |{name}'| < {threshold:g}")
    ax.set(title=title if title is not None else name, xlabel="x", ylabel="value",
           xlim=x_range)
    ax.grid(True, alpha=0.3)
    if legend:
        ax.legend(fontsize="small", loc="upper left")
    return ax


def plot_activations(
    activations: Mapping[str, tuple[Callable, Callable]],
    *,
    x_range: tuple[float, float] = (-5.0, 5.0),
    threshold: float | None = 0.01,
    ncols: int = 3,
):
    """Several activations side by side, one panel each; returns ``(fig, axes)``.

    The panels share one legend, below them (solid: the function, dashed: its
    derivative, shaded: where it is flat), so that no legend covers a curve.

    Taught in notebooks/02_forward_propagation.ipynb.

    Args:
        activations: title of each panel -> (forward, backward), e.g.
            ``{"leaky ReLU (α = 0.1)": (partial(F.leaky_relu_forward, negative_slope=0.1),
            F.leaky_relu_backward)}``.
        x_range, threshold: as in ``plot_activation``.
        ncols: panels per row.
    """
    checks.instance(activations, Mapping, "activations (name -> (forward, backward))",
                    "plot_activations")
    ncols = checks.integer(ncols, "ncols", "plot_activations", minimum=1)
    if not activations:
        raise ValueError("plot_activations: activations is empty: pass a mapping name -> "
                         "(forward, backward).")
    n = len(activations)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.4 * nrows + 0.5),
                             squeeze=False, layout="constrained")
    for ax, (name, (forward, backward)) in zip(axes.flat[:n], activations.items(), strict=True):
        plot_activation(forward, backward, name=name, x_range=x_range, threshold=threshold,
                        ax=ax, legend=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    handles = [Line2D([], [], lw=2, color="black", label="$g(x)$"),
               Line2D([], [], lw=2, ls="--", color="tab:orange", label="$g'(x)$")]
    if threshold is not None:
        handles.append(Patch(color="tab:gray", alpha=0.2,
                             label=f"flat: $|g'(x)| < {threshold:g}$, little or no gradient"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return fig, axes
