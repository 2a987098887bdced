"""Loss curves: one run, several runs side by side, or many runs grouped by outcome.

Taught in notebooks/01_xor_from_scratch.ipynb (loss during training, networks
that get stuck) and used by every chapter that trains something; a history
dict returned by ``course_lib.train.fit`` can be passed as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_lib import checks

#: Colours of the runs that succeeded and of those that failed. Red and blue are
#: kept for the two classes of a classifier (class 1 red squares, class 0 blue
#: circles, as in ``plots.boundaries``), so a loss panel next to a boundary
#: cannot be read as a class.
OUTCOME_COLORS = ("tab:green", "tab:purple")


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]] | Sequence[float] | np.ndarray,
    *,
    ax: Axes | None = None,
    keys: Sequence[str] | None = None,
    log_y: bool = False,
    colors: Sequence | None = None,
    title: str = "Loss during training",
    xlabel: str = "epoch",
    ylabel: str = "loss",
) -> Axes:
    """Draw one line per curve against its index (epoch or step).

    Taught in notebooks/01_xor_from_scratch.ipynb.

    Args:
        curves: a 1-D sequence (one curve, labelled "loss"), or a mapping
            from label to 1-D sequence, e.g. ``{"train": [...], "val": [...]}``
            or a ``fit()`` history. From a mapping, only 1-D numeric entries
            whose name contains "loss" are drawn unless ``keys`` says which.
        ax: where to draw; a new figure is made when None.
        keys: the labels to draw, in order.
        log_y: logarithmic loss axis (useful when the loss falls by decades).
        colors: one matplotlib colour per curve, in order (default: the colour cycle).
        title, xlabel, ylabel: labels of the axes.

    Returns:
        The Axes.

    Example:
        >>> ax = plot_loss_curves({"train loss": [1.0, 0.5, 0.2], "val loss": [1.1, 0.7, 0.4]})
    """
    checks.boolean(log_y, "log_y", "plot_loss_curves")
    if isinstance(curves, Mapping):
        if keys is None:
            keys = [k for k, v in curves.items() if "loss" in str(k) and _is_curve(v)]
            if not keys:
                keys = [k for k, v in curves.items() if _is_curve(v)]
        missing = [k for k in keys if k not in curves]
        if missing:
            raise ValueError(
                f"keys {missing} are not in the curves; available: {list(curves)}."
            )
        selected = {str(k): checks.real_array(curves[k], f"curve {k!r}", "plot_loss_curves")
                    for k in keys}
    else:
        selected = {"loss": checks.real_array(curves, "curves", "plot_loss_curves")}
    for label, values in selected.items():
        if values.ndim != 1:
            raise ValueError(
                f"curve {label!r} must be 1-D (one value per epoch), got shape {values.shape}."
            )
    if not selected:
        raise ValueError("there is no curve to draw: pass a 1-D sequence or a mapping of them.")
    if colors is not None and len(colors) != len(selected):
        raise ValueError(
            f"colors has {len(colors)} entries for {len(selected)} curves; pass one per curve."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    for i, (label, values) in enumerate(selected.items()):
        color = None if colors is None else colors[i]
        ax.plot(np.arange(len(values)), values, label=label, lw=1.8, color=color)
    if log_y:
        ax.set_yscale("log")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax


def plot_loss_curves_by_outcome(
    losses: np.ndarray,
    succeeded: np.ndarray,
    *,
    ax: Axes | None = None,
    highlight: int | None = None,
    highlight_label: str | None = None,
    outcome_labels: tuple[str, str] = ("solved", "stuck"),
    log_y: bool = True,
    title: str = "Loss of every run",
    xlabel: str = "epoch",
    ylabel: str = "loss",
) -> Axes:
    """Draw many runs at once, coloured by whether each one succeeded.

    Taught in notebooks/01_xor_from_scratch.ipynb: the networks that get stuck
    are the flat lines that never come down.

    Args:
        losses: shape (epochs + 1, runs), one column per run.
        succeeded: shape (runs,), booleans.
        ax: where to draw; a new figure is made when None.
        highlight: index of a run to draw thick and black on top.
        highlight_label: its legend label (default "run <index>").
        outcome_labels: legend labels of the succeeded and failed runs; the
            counts are added, e.g. "solved (52)".
        log_y: logarithmic loss axis.
        title, xlabel, ylabel: labels of the axes.

    Returns:
        The Axes.
    """
    where = "plot_loss_curves_by_outcome"
    losses = checks.real_array(losses, "losses", where).astype(float)
    succeeded = np.asarray(succeeded)
    if succeeded.dtype != bool:
        raise TypeError(f"{where}: succeeded must be booleans (one per run), got dtype "
                        f"{succeeded.dtype}")
    checks.boolean(log_y, "log_y", where)
    if losses.ndim != 2 or succeeded.shape != (losses.shape[1],):
        raise ValueError(
            f"losses must have shape (epochs + 1, runs) and succeeded shape (runs,); got "
            f"{losses.shape} and {succeeded.shape}."
        )
    if highlight is not None:
        checks.integer(highlight, "highlight", where, minimum=0, maximum=losses.shape[1] - 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    epochs = np.arange(losses.shape[0])
    for flag, colour, label in ((True, OUTCOME_COLORS[0], outcome_labels[0]),
                                (False, OUTCOME_COLORS[1], outcome_labels[1])):
        columns = np.flatnonzero(succeeded == flag)
        if len(columns):
            lines = ax.plot(epochs, losses[:, columns], color=colour, lw=0.8, alpha=0.35)
            lines[0].set_label(f"{label} ({len(columns)})")
    if highlight is not None:
        ax.plot(epochs, losses[:, highlight], color="black", lw=2.2,
                label=highlight_label or f"run {highlight}")
    if log_y:
        ax.set_yscale("log")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="lower left", fontsize="small")
    return ax


def _is_curve(values) -> bool:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return False
    return array.ndim == 1 and array.size > 0
