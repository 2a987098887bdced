"""Loss surfaces of two parameters as contour lines, and optimizer paths drawn on them.

Taught in notebooks/05_optimizers.ipynb and used by the optimizer explorer
(``course_lib.widgets.optimizers``). ``plot_surface`` draws the contour lines of a
``course_lib.surfaces.Surface`` and marks its minima; ``plot_paths`` draws the
paths of ``optimizer_path`` on top, one colour per optimizer; ``plot_path_losses``
draws how far above the minimum each path's loss is, step by step.

Colours: paths take ``PATH_COLORS`` in order (no red or blue, which mean the two
classes of a classifier, no orange, which means a gradient); a path that diverged
is drawn in purple (``FAILED_COLOR``), as failed runs are everywhere in the course.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_lib.surfaces import OptimizerPath, Surface

#: The colours of paths, in order.
PATH_COLORS = ("black", "tab:green", "tab:pink", "tab:brown", "tab:olive", "tab:gray",
               "goldenrod")
#: The colour of a path that diverged.
FAILED_COLOR = "tab:purple"
#: The colour of the contour lines.
CONTOUR_COLOR = "0.72"


def _new_axes(ax: Axes | None, figsize=(5.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def surface_levels(surface: Surface, values: np.ndarray, n: int = 20) -> np.ndarray:
    """``n`` increasing contour levels for ``values`` of ``surface`` on its window.

    Logarithmically spaced above the minimum for steep surfaces (``log_levels``),
    from the 1st to the 98th percentile of the values, so that a cliff does not
    take every line; otherwise spaced quadratically, closer together near the minimum.

    Example:
        >>> from course_lib.surfaces import ill_conditioned_bowl
        >>> levels = surface_levels(ill_conditioned_bowl(), np.array([0.0, 1.0, 4.0]), n=3)
        >>> levels.tolist()
        [0.0, 1.0, 4.0]

    Taught in no notebook: :func:`plot_surface` uses it.
    """
    gap = values[np.isfinite(values)] - surface.min_loss
    if surface.log_levels:  # from near the floor to the 98th percentile: cliffs do not crowd it
        high = max(float(np.quantile(gap, 0.98)), 1e-12)
        low = max(float(np.quantile(gap, 0.01)), high * 1e-5)
        return surface.min_loss + np.geomspace(low, high, n)
    return surface.min_loss + float(gap.max()) * np.linspace(0.0, 1.0, n) ** 2


def plot_surface(surface: Surface, *, ax: Axes | None = None, levels: int = 20,
                 resolution: int = 160, title: str | None = None) -> Axes:
    """Contour lines of ``surface`` over its window (``xlim``, ``ylim``), minima as black stars.

    Args:
        surface: a ``course_lib.surfaces.Surface``.
        ax: where to draw; a new figure is made when None.
        levels: the number of contour lines.
        resolution: grid points along each axis.
        title: the title (default: the surface's formula).

    Returns:
        The Axes, labelled :math:`w_1` and :math:`w_2`.

    Example:
        >>> from course_lib.surfaces import rosenbrock
        >>> ax = plot_surface(rosenbrock())
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('$w_1$', '$w_2$')

    Taught in notebooks/05_optimizers.ipynb.
    """
    ax = _new_axes(ax)
    w1 = np.linspace(*surface.xlim, resolution)
    w2 = np.linspace(*surface.ylim, resolution)
    grid = np.stack(np.meshgrid(w1, w2), axis=-1)             # (resolution, resolution, 2)
    values = np.asarray(surface.loss(grid), dtype=float)
    ax.contour(w1, w2, values, levels=surface_levels(surface, values, levels),
               colors=CONTOUR_COLOR, linewidths=0.7, linestyles="solid")
    _draw_minima(surface, ax)
    ax.set(xlim=surface.xlim, ylim=surface.ylim, xlabel="$w_1$", ylabel="$w_2$",
           title=surface.formula if title is None else title)
    return ax


def _draw_minima(surface: Surface, ax: Axes) -> None:
    if len(surface.minima) > 5:  # a curve of minima
        ax.plot(surface.minima[:, 0], surface.minima[:, 1], color="black", ls="--", lw=1.2,
                label="minima (a curve)")
        return
    labelled = set()
    for m in surface.minima:
        kind = "minimum" if surface.is_global(m) else "local minimum"
        ax.plot(*m, marker="*", ms=12, ls="none", mec="black",
                mfc="black" if kind == "minimum" else "white",
                label=None if kind in labelled else kind)
        labelled.add(kind)


def _until_it_leaves(path: OptimizerPath, surface: Surface) -> np.ndarray:
    """The points of a diverged path up to the first one outside the plotting window."""
    x, y = path.points[:, 0], path.points[:, 1]
    with np.errstate(invalid="ignore"):
        outside = ~((surface.xlim[0] <= x) & (x <= surface.xlim[1])
                    & (surface.ylim[0] <= y) & (y <= surface.ylim[1]))
    leaves = np.flatnonzero(outside)
    return path.points if leaves.size == 0 else path.points[:leaves[0] + 1]


def _path_label(label: str, path: OptimizerPath) -> str:
    if path.diverged:
        return f"{label} (diverged after {path.steps} steps)"
    arrived = path.steps_to_tolerance()
    return f"{label} ({'not there' if arrived is None else f'{arrived} steps'})"


def plot_paths(paths: Mapping[str, OptimizerPath], *, ax: Axes | None = None,
               colors: Sequence | None = None, title: str | None = None,
               draw_surface: bool = True, legend: bool = True, markersize: float = 2.5,
               resolution: int = 160) -> Axes:
    """The paths of several optimizers on one surface, each labelled with its step count.

    The legend gives, for each path, the step from which its loss stays within the
    surface's ``tolerance`` of the minimum ("not there" if it does not end there) or
    the step at which it diverged; a diverged path is drawn until it leaves the window.

    Args:
        paths: label -> ``OptimizerPath``, all on the same surface.
        ax: where to draw; a new figure is made when None.
        colors: one colour per path (default ``PATH_COLORS``); diverged paths are purple.
        title: the title (default: the surface's formula).
        draw_surface: draw the contour lines first (False to add paths to a drawn surface).
        legend: draw the legend.
        markersize: size of the dot at every step.
        resolution: grid points along each axis of the contour lines.

    Returns:
        The Axes.

    Example:
        >>> from course_lib.optim import SGD
        >>> from course_lib.surfaces import ill_conditioned_bowl, optimizer_path
        >>> bowl = ill_conditioned_bowl()
        >>> ax = plot_paths({"SGD": optimizer_path(bowl, SGD, lr=0.09, steps=100)})
        >>> ax.get_legend().get_texts()[0].get_text()
        'minimum'

    Taught in notebooks/05_optimizers.ipynb.
    """
    if not paths:
        raise ValueError("plot_paths: no paths to draw")
    names = sorted({path.surface.name for path in paths.values()})
    if len(names) > 1:
        raise ValueError(f"plot_paths: the paths are on different surfaces: {names}")
    first = next(iter(paths.values())).surface
    colors = list(PATH_COLORS if colors is None else colors)
    if len(colors) < len(paths):
        raise ValueError(f"plot_paths: {len(paths)} paths but only {len(colors)} colours")
    ax = _new_axes(ax)
    if draw_surface:
        plot_surface(first, ax=ax, title=title, resolution=resolution)
    for (label, path), color in zip(paths.items(), colors, strict=False):
        color = FAILED_COLOR if path.diverged else color
        points = _until_it_leaves(path, first) if path.diverged else path.points
        ax.plot(points[:, 0], points[:, 1], "-o", color=color, lw=1.2, ms=markersize,
                label=_path_label(label, path))
        ax.plot(*path.points[0], marker="o", ms=7, mfc="white", mec=color, ls="none")
    ax.set(xlim=first.xlim, ylim=first.ylim)
    if title is not None:
        ax.set_title(title)
    if legend:
        ax.legend(fontsize="small", loc="best")
    return ax


def plot_path_losses(paths: Mapping[str, OptimizerPath], *, ax: Axes | None = None,
                     colors: Sequence | None = None, title: str = "Loss along the paths") -> Axes:
    r"""The loss minus the surface's minimum, :math:`L - L^*`, step by step, on a log axis.

    The surface's ``tolerance`` is drawn as a dashed line: where a curve crosses it
    for the last time is the step count of :func:`plot_paths`'s legend. The axis stops a
    thousand times below the tolerance.

    Example:
        >>> from course_lib.optim import SGD
        >>> from course_lib.surfaces import saddle, optimizer_path
        >>> ax = plot_path_losses({"SGD": optimizer_path(saddle(), SGD, lr=0.1, steps=100)})
        >>> ax.get_yscale()
        'log'

    Taught in notebooks/05_optimizers.ipynb.
    """
    if not paths:
        raise ValueError("plot_path_losses: no paths to draw")
    colors = list(PATH_COLORS if colors is None else colors)
    ax = _new_axes(ax, figsize=(5.0, 3.5))
    surface = next(iter(paths.values())).surface
    for (label, path), color in zip(paths.items(), colors, strict=False):
        with np.errstate(invalid="ignore"):
            gap = np.where(path.losses - surface.min_loss > 0, path.losses - surface.min_loss,
                           np.nan)  # exactly 0 has no logarithm: a gap in the line
        ax.plot(np.arange(len(gap)), gap, color=FAILED_COLOR if path.diverged else color,
                label=label)
    ax.axhline(surface.tolerance, color="gray", ls="--", lw=1, label="tolerance")
    ax.set(yscale="log", xlabel="step", ylabel="$L - L^*$ (loss above the minimum)", title=title)
    ax.set_ylim(bottom=surface.tolerance * 1e-3)  # far below the tolerance is not interesting
    ax.legend(fontsize="small", loc="upper right")
    return ax
