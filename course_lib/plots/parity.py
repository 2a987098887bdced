"""Figures of a step-by-step comparison of two frameworks: losses and differences per step.

Taught in notebooks/09_numpy_to_pytorch.ipynb, where the course's NumPy MLP
and its PyTorch twin train on the same batches (``course_lib.torch_parity``).
The functions take any object with the attributes of a ``ParityReport``
(``dtype``, ``epoch``, ``numpy_loss``, ``torch_loss``, ``loss_error``,
``max_parameter_error``), so this module needs no torch.

Colours: course_lib black, torch green (dashed, on top); float64 black and
float32 olive in the differences, with each dtype's unit round-off
(half its machine epsilon) as a gray dotted line.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

__all__ = ["DTYPE_COLORS", "FRAMEWORK_COLORS", "plot_parity_errors", "plot_parity_losses",
           "unit_roundoff"]

#: The colours of the two frameworks' loss curves.
FRAMEWORK_COLORS = {"course_lib": "black", "torch": "tab:green"}
#: The colours of the differences, by dtype.
DTYPE_COLORS = {"float64": "black", "float32": "tab:olive"}


def unit_roundoff(dtype) -> float:
    """Half the machine epsilon of ``dtype``: the largest relative error of one rounding.

    Example:
        >>> unit_roundoff("float32"), unit_roundoff(np.float64)
        (5.960464477539063e-08, 1.1102230246251565e-16)

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    return float(np.finfo(np.dtype(dtype)).eps) / 2


def _axes(ax: Axes | None) -> Axes:
    return plt.subplots(figsize=(6, 4))[1] if ax is None else ax


def _epoch_lines(ax: Axes, epoch: np.ndarray) -> None:
    """Dotted gray lines between epochs (after the last step of each)."""
    for boundary in np.flatnonzero(np.diff(epoch)) + 1.5:
        ax.axvline(boundary, color="gray", lw=0.6, ls=":")


def plot_parity_losses(report, *, ax: Axes | None = None,
                       title: str = "The loss of every step in both frameworks") -> Axes:
    """The batch loss per step in course_lib (black) and torch (green, dashed).

    The two curves lie on top of each other when the frameworks agree; dotted
    lines separate the epochs.

    Example:
        >>> from types import SimpleNamespace
        >>> report = SimpleNamespace(dtype="float64", epoch=np.array([1, 1, 2]),
        ...                          numpy_loss=np.array([2.3, 2.0, 1.7]),
        ...                          torch_loss=np.array([2.3, 2.0, 1.7]))
        >>> ax = plot_parity_losses(report)

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    ax = _axes(ax)
    steps = np.arange(1, len(report.numpy_loss) + 1)
    ax.plot(steps, report.numpy_loss, color=FRAMEWORK_COLORS["course_lib"], lw=2.5, alpha=0.6,
            label="course_lib (NumPy)")
    ax.plot(steps, report.torch_loss, color=FRAMEWORK_COLORS["torch"], lw=1.2, ls="--",
            label="PyTorch")
    _epoch_lines(ax, np.asarray(report.epoch))
    ax.set(xlabel="training step", ylabel="batch loss (cross-entropy)",
           title=f"{title} ({report.dtype})")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def plot_parity_errors(reports: Mapping[str, object], *, ax: Axes | None = None,
                       show_loss: bool = True,
                       title: str = "How far the frameworks differ after each step") -> Axes:
    """Relative differences per step on a log scale, for one or more reports.

    For each report (its label is the key), in the colour of its dtype and a
    line style of its own: the largest relative difference of a parameter after
    each step, and with ``show_loss`` that of the loss (thin, transparent). A
    difference of exactly 0 cannot be drawn on a log scale and is left out (the
    legend says how many steps that was). The unit round-off of each dtype is a
    gray dotted line.

    Example:
        >>> from types import SimpleNamespace
        >>> report = SimpleNamespace(dtype="float32", epoch=np.array([1, 1]),
        ...                          loss_error=np.array([0.0, 2e-8]),
        ...                          max_parameter_error=np.array([3e-8, 5e-8]))
        >>> ax = plot_parity_errors({"SGD, float32": report})

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    ax = _axes(ax)
    styles = ["-", "--", ":", "-."]
    dtypes = []
    for k, (label, report) in enumerate(reports.items()):
        color = DTYPE_COLORS.get(report.dtype, "gray")
        style = styles[k % len(styles)]
        steps = np.arange(1, len(report.max_parameter_error) + 1)
        curves = [("parameters", report.max_parameter_error, 1.6, 1.0)]
        if show_loss:
            curves.append(("loss", report.loss_error, 0.9, 0.7))
        for name, values, width, alpha in curves:
            values = np.asarray(values, dtype=np.float64)
            zeros = int(np.sum(values == 0))
            note = f", {zeros} steps exactly 0" if zeros else ""
            ax.semilogy(steps, np.where(values > 0, values, np.nan), style, color=color,
                        lw=width, alpha=alpha, label=f"{label}: {name}{note}")
        if report.dtype not in dtypes:
            dtypes.append(report.dtype)
    for dtype in dtypes:
        u = unit_roundoff(dtype)
        ax.axhline(u, color="gray", ls=":", lw=1)
        ax.annotate(f"{dtype} unit round-off", (0.99, u), xycoords=("axes fraction", "data"),
                    ha="right", va="top", fontsize=8, color="gray")
    ax.set(xlabel="training step", ylabel="relative difference, course_lib vs torch",
           title=title)
    ax.grid(True, alpha=0.3, which="major")
    ax.legend(fontsize=8)
    return ax
