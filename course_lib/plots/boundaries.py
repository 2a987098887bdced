"""Decision boundaries of classifiers on 2-D inputs.

Taught in notebooks/01_xor_from_scratch.ipynb (the XOR boundary during
training) and used again wherever a chapter classifies 2-D toy data.

decision_grid, the grid it evaluates a classifier on, is taught in no notebook;
add_probability_colorbar gives several panels one colour bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from course_lib import checks

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
#: Two classes are always blue circles (class 0) and red squares (class 1), on a
#: plane shaded from blue to red, in every chapter.
BINARY_COLORS = ("tab:blue", "tab:red")


def decision_grid(
    X: np.ndarray, *, resolution: int = 150, padding: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A regular grid covering the points ``X`` (shape (N, 2)) plus ``padding`` on each side.

    The grid :func:`plot_decision_boundary` shades (chapter 01).

    Returns:
        ``(xx, yy, grid)``: ``xx`` and ``yy`` of shape (resolution, resolution)
        as from ``np.meshgrid``, and ``grid`` of shape (resolution**2, 2), the
        same points stacked as rows, ready for a model.
    """
    X = _as_points(X, "decision_grid")
    resolution = checks.integer(resolution, "resolution (grid points per axis)", "decision_grid",
                                minimum=2)
    padding = checks.number(padding, "padding", "decision_grid", low=0)
    return _grid(X, resolution, padding)


def _grid(X, resolution, padding):
    lo = X.min(axis=0) - padding
    hi = X.max(axis=0) + padding
    xx, yy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    *,
    ax: Axes | None = None,
    resolution: int = 150,
    padding: float = 0.5,
    title: str = "Decision boundary",
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
    class_names: Sequence[str] | None = None,
    colorbar: bool = False,
    legend: bool = True,
) -> Axes:
    """Colour the plane by a classifier's output and draw the data on top.

    ``predict`` maps points of shape (M, 2) to either

    - probabilities of class 1, shape (M,) or (M, 1) (binary): the plane is
      shaded by ``p`` from blue (0) to red (1) and the boundary ``p = 0.5``
      is drawn as a black line;
    - class scores or probabilities, shape (M, K) with K >= 2: each region is
      coloured by its ``argmax`` class.

    Two classes look the same either way: class 0 blue circles, class 1 red
    squares (``BINARY_COLORS``).

    Taught in notebooks/01_xor_from_scratch.ipynb.

    Args:
        predict: the model, called once on the whole grid.
        X: the data points, shape (N, 2).
        y: integer class labels, shape (N,).
        ax: where to draw; a new figure is made when None.
        resolution: grid points per axis.
        padding: margin around the data, in input units.
        title, xlabel, ylabel: labels of the axes.
        class_names: legend names of the classes (default "class 0", "class 1", ...).
        colorbar: add a colour bar for ``p`` (binary case).
        legend: draw the legend.

    Returns:
        The Axes.

    Example:
        >>> from course_lib.data import xor
        >>> X, y = xor()
        >>> ax = plot_decision_boundary(lambda P: 1 / (1 + np.exp(-P[:, 0] + 0.5)), X, y)
        >>> ax.get_title()
        'Decision boundary'
    """
    where = "plot_decision_boundary"
    checks.function(predict, "predict", where)
    X = _as_points(X, where)
    y = np.asarray(y).ravel()
    if len(y) != len(X):
        raise ValueError(
            f"{where}: X has {len(X)} points but y has {len(y)} labels; pass one label per row "
            "of X."
        )
    resolution = checks.integer(resolution, "resolution (grid points per axis)", where, minimum=2)
    padding = checks.number(padding, "padding", where, low=0)
    checks.boolean(colorbar, "colorbar", where)
    checks.boolean(legend, "legend", where)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4))
    xx, yy, grid = _grid(X, resolution, padding)
    scores = np.asarray(predict(grid), dtype=float)
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if scores.shape[0] != len(grid) or scores.ndim not in (1, 2):
        raise ValueError(
            f"predict returned shape {scores.shape} for {len(grid)} grid points; expected "
            f"({len(grid)},) probabilities of class 1 or ({len(grid)}, K) class scores. "
            "If your model returns one row per network or per batch, select one first."
        )
    classes = np.unique(y)
    names = list(class_names) if class_names is not None else [f"class {c:g}" for c in classes]
    handles = []
    if scores.ndim == 1:
        p = scores.reshape(xx.shape)
        shading = ax.contourf(
            xx, yy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", vmin=0, vmax=1, alpha=0.7
        )
        if np.nanmin(p) < 0.5 < np.nanmax(p):
            ax.contour(xx, yy, p, levels=[0.5], colors="black", linewidths=1.5)
            handles.append(Line2D([], [], color="black", lw=1.5, label="boundary p = 0.5"))
        if colorbar:
            ax.figure.colorbar(shading, ax=ax, label="p(class 1)")
        colours = BINARY_COLORS if len(classes) <= 2 else None
    else:
        regions = scores.argmax(axis=1).reshape(xx.shape)
        n_classes = max(scores.shape[1], len(classes))
        if n_classes == 2:
            ax.contourf(xx, yy, regions, levels=[-0.5, 0.5, 1.5], colors=BINARY_COLORS,
                        alpha=0.35)
            colours = BINARY_COLORS
        else:
            ax.contourf(
                xx, yy, regions, levels=np.arange(n_classes + 1) - 0.5, cmap="tab10",
                vmin=-0.5, vmax=9.5, alpha=0.35,
            )
            colours = None
    zero_one = set(classes.tolist()) <= {0, 1}
    for i, c in enumerate(classes):
        slot = int(c) if colours and zero_one else i  # class 1 is red even when drawn alone
        colour = colours[slot] if colours else plt.get_cmap("tab10")(int(c) % 10)
        ax.scatter(
            *X[y == c].T, s=70, marker=_MARKERS[slot % len(_MARKERS)], color=colour,
            edgecolors="black", linewidths=1, zorder=3, label=names[i] if i < len(names) else None,
        )
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, xlim=(xx.min(), xx.max()),
           ylim=(yy.min(), yy.max()))
    if legend:
        points = ax.get_legend_handles_labels()[0]
        ax.legend(handles=points + handles, loc="best", fontsize="small", framealpha=0.9)
    return ax


def _as_points(X, where: str) -> np.ndarray:
    X = checks.real_array(X, "X", where).astype(float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"{where}: X must have shape (N, 2), decision boundaries being drawn for 2-D "
            f"inputs; got shape {X.shape}."
        )
    return X


def add_probability_colorbar(axes, *, label: str = "p(class 1)"):
    """One colour bar for the probability shading of several decision-boundary panels.

    The panels drawn by :func:`plot_decision_boundary` (binary case) share one
    scale, from blue (p = 0) to red (p = 1), so one bar beside them reads for all,
    with the same levels and transparency as the shading.

    Taught in notebooks/01_xor_from_scratch.ipynb.

    Args:
        axes: an Axes or a sequence of them, all from one figure, each holding the shading
            of a binary ``plot_decision_boundary``.
        label: the bar's label.

    Returns:
        The Colorbar.

    Example:
        >>> from course_lib.data import xor
        >>> X, y = xor()
        >>> ax = plot_decision_boundary(lambda P: 1 / (1 + np.exp(-P[:, 0] + 0.5)), X, y)
        >>> add_probability_colorbar(ax).ax.get_ylabel()
        'p(class 1)'
    """
    from matplotlib.axes import Axes as _Axes
    from matplotlib.contour import ContourSet

    panels = [axes] if isinstance(axes, _Axes) else list(np.ravel(axes))
    if not panels or not all(isinstance(ax, _Axes) for ax in panels):
        raise TypeError("add_probability_colorbar: axes must be an Axes or a sequence of them.")
    shading = next((c for c in panels[0].collections
                    if isinstance(c, ContourSet) and c.filled), None)
    if shading is None:
        raise ValueError(
            "add_probability_colorbar: axes (its first Axes) holds no probability shading; draw it "
            "with plot_decision_boundary and a predict that returns probabilities of class 1."
        )
    return panels[0].figure.colorbar(shading, ax=panels, label=label)
