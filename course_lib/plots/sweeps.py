"""Figures of a sweep over settings and seeds (``course_lib.experiments.Sweep``).

``plot_sweep`` draws a metric against one hyper-parameter: every seed as a small
dot, the mean with an error bar of one standard deviation, and a cross on the
axis for each seed that failed (NaN or infinite, e.g. a diverged run).
``plot_sweep_curves`` draws a curve metric (a loss per epoch) as the mean over
the seeds with a band of one standard deviation, one colour per setting.

Colours of settings come from the ordered colormap ``SETTING_CMAP`` (viridis),
which has no pure red or blue: those are kept for the two classes of a classifier.

Taught in notebooks/04_initialization.ipynb, and
used by every chapter from 04 to 08.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_lib.experiments import Sweep

#: The colormap that gives each setting (or each value of ``hue``) its colour.
SETTING_CMAP = "viridis"
#: The colour of the marks of failed (diverged) runs.
FAILED_COLOR = "tab:purple"


def setting_colors(n: int) -> list:
    """``n`` colours along ``SETTING_CMAP``, light enough at the end to show on white.

    Example:
        >>> len(setting_colors(3))
        3

    Taught in no notebook: the sweep figures use it.
    """
    cmap = plt.get_cmap(SETTING_CMAP)
    return [cmap(t) for t in np.linspace(0.0, 0.85, n)] if n > 1 else [cmap(0.35)]


def _label(setting: dict, keys: Sequence[str]) -> str:
    return ", ".join(f"{key}={setting[key]:g}" if isinstance(setting[key], float)
                     else f"{key}={setting[key]}" for key in keys)


def plot_sweep(sweep: Sweep, x: str, y: str, *, hue: str | None = None, ax: Axes | None = None,
               log_x: bool = False, log_y: bool = False, title: str | None = None,
               xlabel: str | None = None, ylabel: str | None = None) -> Axes:
    """``y`` (a numeric metric) against the hyper-parameter ``x``: seeds as dots, mean ± std.

    Numeric values of ``x`` are joined by a line; names (categories) are not, and
    the groups of ``hue`` are drawn side by side around each name.

    Args:
        sweep: the result of ``course_lib.experiments.run``.
        x: the hyper-parameter on the horizontal axis (numbers, or names drawn as categories).
        y: the metric on the vertical axis.
        hue: another hyper-parameter, one line and colour per value; every other
            hyper-parameter must then have a single value (otherwise points would mix).
        ax: where to draw; a new figure is made when None.
        log_x, log_y: logarithmic axes (a learning rate, a loss that falls by decades).
        title, xlabel, ylabel: labels (defaults: the metric, ``x`` and ``y``).

    Returns:
        The Axes.

    Example:
        >>> from course_lib.experiments import grid, run
        >>> sweep = run(lambda lr, seed: {"loss": lr + 0.01 * seed}, grid(lr=[0.1, 1.0]),
        ...             seeds=range(3), progress=False)
        >>> ax = plot_sweep(sweep, x="lr", y="loss", log_x=True)

    Taught in notebooks/04_initialization.ipynb.
    """
    if x not in sweep.keys:
        raise ValueError(f"plot_sweep: x={x!r} is not a hyper-parameter of the sweep; "
                         f"choose one of {sweep.keys}")
    if y not in sweep.scalars:
        raise ValueError(f"plot_sweep: y={y!r} is not a numeric metric of the sweep; "
                         f"choose one of {list(sweep.scalars)}")
    if hue is not None and (hue not in sweep.keys or hue == x):
        raise ValueError(f"plot_sweep: hue={hue!r} must be another hyper-parameter, one of "
                         f"{[k for k in sweep.keys if k != x]}")
    others = [k for k in sweep.keys if k not in (x, hue)]
    for key in others:
        if len({repr(s[key]) for s in sweep.settings}) > 1:
            raise ValueError(f"plot_sweep: {key!r} varies in this sweep; pass hue={key!r} or "
                             f"plot a part of the sweep")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.8))
    groups = [None] if hue is None else list(dict.fromkeys(s[hue] for s in sweep.settings))
    colors = setting_colors(len(groups))
    x_values = list(dict.fromkeys(s[x] for s in sweep.settings))
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in x_values)
    position = {v: (v if numeric else i) for i, v in enumerate(x_values)}
    scores = sweep.scalars[y]
    finite_all = scores[np.isfinite(scores)]
    floor = finite_all.min() if finite_all.size else 0.0
    # Categories have no order to draw a line along: the groups of ``hue`` sit side by side
    # around each category instead, unconnected.
    dodge = 0.0 if numeric or len(groups) == 1 else 0.3 / (len(groups) - 1)
    for k, (group, color) in enumerate(zip(groups, colors, strict=True)):
        rows = [i for i, s in enumerate(sweep.settings) if hue is None or s[hue] == group]
        xs, means, stds = [], [], []
        for i in rows:
            pos = position[sweep.settings[i][x]] + (k - (len(groups) - 1) / 2) * dodge
            values = scores[i]
            finite = values[np.isfinite(values)]
            ax.scatter(np.full(len(finite), pos, dtype=float), finite, s=10, color=color,
                       alpha=0.35, linewidths=0)
            failed = len(values) - len(finite)
            if failed:
                ax.scatter([pos] * failed, [floor] * failed, marker="x", color=FAILED_COLOR,
                           zorder=3)
            if finite.size:
                xs.append(pos)
                means.append(finite.mean())
                stds.append(finite.std(ddof=1) if finite.size > 1 else 0.0)
        label = None if hue is None else f"{hue}={group}"
        ax.errorbar(xs, means, yerr=stds, color=color, marker="o", ms=5, capsize=3, lw=1.6,
                    ls="-" if numeric else "none", label=label)
    if np.any(~np.isfinite(scores)):
        ax.scatter([], [], marker="x", color=FAILED_COLOR, label="failed run (NaN or inf)")
    if not numeric:
        ax.set_xticks(range(len(x_values)), [str(v) for v in x_values])
    if log_x and numeric:
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    n = len(sweep.seeds)
    ax.set(title=title or f"{y}: mean ± std over {n} seeds (dots: single seeds)",
           xlabel=xlabel or x, ylabel=ylabel or y)
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize=8)
    return ax


def plot_sweep_curves(sweep: Sweep, metric: str, *, ax: Axes | None = None,
                      keys: Sequence[str] | None = None, log_y: bool = False,
                      title: str | None = None, xlabel: str = "epoch",
                      ylabel: str | None = None, colors: Sequence | None = None,
                      labels: Sequence[str] | None = None, linestyle: str = "-") -> Axes:
    """The curve ``metric`` of every setting: the mean over the seeds and a band of ± one std.

    Several metrics of one sweep (a training and a validation loss) go on one Axes
    by calling this once per metric with ``colors`` and ``labels`` of their own.

    Args:
        sweep: the result of ``course_lib.experiments.run`` with a curve metric.
        metric: the name of a curve (1-D array per run), e.g. ``"val_loss"``.
        ax: where to draw; a new figure is made when None.
        keys: the hyper-parameters named in the legend (default: all).
        log_y: logarithmic vertical axis.
        title, xlabel, ylabel: labels.
        colors: one colour per setting (default: along ``SETTING_CMAP``).
        labels: one legend label per setting (default: the setting's ``keys``).
        linestyle: the style of the mean's line (e.g. ``"--"`` for a second metric).

    Returns:
        The Axes.

    Example:
        >>> from course_lib.experiments import grid, run
        >>> sweep = run(lambda lr, seed: {"loss": np.exp(-lr * np.arange(5)) + 0.01 * seed},
        ...             grid(lr=[0.1, 1.0]), seeds=range(3), progress=False)
        >>> ax = plot_sweep_curves(sweep, "loss")

    Taught in notebooks/04_initialization.ipynb.
    """
    if metric not in sweep.curves:
        raise ValueError(f"plot_sweep_curves: {metric!r} is not a curve of the sweep; curves: "
                         f"{list(sweep.curves)}")
    keys = list(sweep.keys if keys is None else keys)
    n_settings = len(sweep.settings)
    colors = setting_colors(n_settings) if colors is None else list(colors)
    labels = [_label(s, keys) or metric for s in sweep.settings] if labels is None \
        else [str(label) for label in labels]
    if len(colors) != n_settings or len(labels) != n_settings:
        raise ValueError(f"plot_sweep_curves: give one colour and one label per setting "
                         f"({n_settings}), got {len(colors)} colours and {len(labels)} labels")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.8))
    for curves, color, label in zip(sweep.curves[metric], colors, labels, strict=True):
        finite = np.where(np.isfinite(curves), curves, np.nan)  # diverged epochs are left out
        if np.all(np.isnan(finite)):
            continue
        with warnings.catch_warnings():  # epochs that no seed reached give NaN, silently
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(finite, axis=0)
            std = np.nanstd(finite, axis=0, ddof=1) if len(curves) > 1 else np.zeros_like(mean)
        epochs = np.arange(1, curves.shape[1] + 1)
        ax.plot(epochs, mean, color=color, lw=1.8, linestyle=linestyle, label=label)
        ax.fill_between(epochs, mean - std, mean + std, color=color, alpha=0.2, linewidth=0)
    if log_y:
        ax.set_yscale("log")
    n = len(sweep.seeds)
    ax.set(title=title or f"{metric}: mean ± std over {n} seeds", xlabel=xlabel,
           ylabel=ylabel or metric)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_sweep_metrics(sweep: Sweep, x: str, metrics: Sequence[str], *, hue: str | None = None,
                       log_x: bool = False, log_y: bool = False, title: str | None = None,
                       xlabel: str | None = None, labels: Sequence[str] | None = None):
    """Several metrics of one sweep side by side: one :func:`plot_sweep` panel per metric.

    Args:
        sweep, x, hue, log_x, log_y: as :func:`plot_sweep` (the same for every panel).
        metrics: the numeric metrics, one panel each, left to right.
        title: the figure's title (default: what was measured, over how many seeds).
        xlabel: the horizontal axis label of every panel (default ``x``).
        labels: the title and vertical axis label of each panel (default: the metric names).

    Returns:
        ``(fig, axes)``, with one Axes per metric.

    Example:
        >>> from course_lib.experiments import grid, run
        >>> sweep = run(lambda lr, seed: {"mse": lr + seed, "r2": 1 - lr}, grid(lr=[0.1, 1.0]),
        ...             seeds=range(3), progress=False)
        >>> fig, axes = plot_sweep_metrics(sweep, "lr", ["mse", "r2"], log_x=True)
        >>> [ax.get_ylabel() for ax in axes]
        ['mse', 'r2']

    Taught in notebooks/07_regression.ipynb.
    """
    metrics = list(metrics)
    labels = metrics if labels is None else list(labels)
    if not metrics or len(labels) != len(metrics):
        raise ValueError(f"plot_sweep_metrics: give one or more metrics and one label each, got "
                         f"metrics={metrics} and labels={labels}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.0 * len(metrics), 3.6), squeeze=False)
    axes = list(axes[0])
    for ax, metric, label in zip(axes, metrics, labels, strict=True):
        plot_sweep(sweep, x=x, y=metric, hue=hue, ax=ax, log_x=log_x, log_y=log_y,
                   title=label, xlabel=xlabel, ylabel=label)
    fig.suptitle(title or f"mean ± std over {len(sweep.seeds)} seeds (dots: single seeds)")
    return fig, axes
