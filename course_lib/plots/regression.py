"""Figures of a regression: residuals, predictions against targets, fitted curves.

Taught in notebooks/07_regression.ipynb.

- ``plot_residuals``: the residuals :math:`y - \\hat y` against the prediction (or
  against a feature), with their binned mean, so that a pattern the model missed
  (a curve, a funnel) stands out from the noise; optionally the band of ±σ of
  the known noise.
- ``plot_curve_fits``: one-input data, the true curve and fitted curves, with
  outliers marked and the training range shaded.

Colours: points gray, binned means and true curves black, fitted curves from the
ordered colormap of the sweeps (viridis); red and blue stay reserved for the two
classes of a classifier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_lib.plots.sweeps import setting_colors

#: Colour of the band of ±σ of the noise.
NOISE_COLOR = "tab:green"


def _vector(values, name: str) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"{name} must be one value per sample, shape (N,), got {values.shape}")
    return values


def binned_means(x, values, bins: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """The mean of ``values`` in ``bins`` bins of ``x`` with equally many samples each.

    Taught in notebooks/07_regression.ipynb (the line through a residual plot).

    Returns:
        ``(centres, means)``, each (bins,): the mean ``x`` and the mean value of each bin.

    Example:
        >>> centres, means = binned_means(np.arange(10.0), np.arange(10.0) ** 2, bins=2)
        >>> centres.tolist(), means.tolist()
        ([2.0, 7.0], [6.0, 51.0])
    """
    x, values = _vector(x, "x"), _vector(values, "values")
    if len(x) != len(values):
        raise ValueError(f"x has {len(x)} values but values has {len(values)}")
    bins = max(1, min(int(bins), len(x)))
    groups = np.array_split(np.argsort(x, kind="stable"), bins)
    return (np.array([x[g].mean() for g in groups]), np.array([values[g].mean() for g in groups]))


def plot_residuals(y_true, y_pred, *, against=None, ax: Axes | None = None,
                   noise_std: float | None = None, bins: int = 20, title: str = "Residuals",
                   xlabel: str | None = None, label: str = "residuals") -> Axes:
    r"""Scatter the residuals :math:`y - \hat y` against the prediction (or ``against``).

    Taught in notebooks/07_regression.ipynb. A model that captured everything
    but the noise leaves residuals centred on 0 with no pattern: the black line
    (the mean residual in ``bins`` bins) stays flat. A curve in that line is
    structure the model missed; a funnel is noise that grows with the target.

    Args:
        y_true, y_pred: (N,) targets and predictions.
        against: (N,) values for the horizontal axis (e.g. one feature); default ``y_pred``.
        ax: where to draw; a new figure is made when None.
        noise_std: if given, dashed lines at ±σ of the known noise.
        bins: the number of bins of the mean line.
        title, xlabel, label: labels (``xlabel`` defaults to "prediction").

    Returns:
        The Axes.

    Example:
        >>> ax = plot_residuals(np.array([1.0, 2.0, 3.0]), np.array([1.1, 1.9, 3.2]))
    """
    y_true, y_pred = _vector(y_true, "y_true"), _vector(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} values but y_pred has {len(y_pred)}")
    x = y_pred if against is None else _vector(against, "against")
    if len(x) != len(y_true):
        raise ValueError(f"against has {len(x)} values for {len(y_true)} residuals")
    residual = y_true - y_pred
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.8))
    ax.scatter(x, residual, s=6, color="tab:gray", alpha=0.4, linewidths=0, label=label)
    ax.plot(*binned_means(x, residual, bins), color="black", lw=2, label="mean residual (binned)")
    ax.axhline(0, color="black", lw=0.8, ls=":")
    if noise_std is not None:
        for sign in (1, -1):
            ax.axhline(sign * noise_std, color=NOISE_COLOR, ls="--", lw=1.2,
                       label="±σ of the noise" if sign == 1 else None)
    ax.set(title=title, xlabel=xlabel or "prediction", ylabel=r"residual $y - \hat y$")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    return ax


def plot_curve_fits(x, y, grid, fits: Mapping[str, Sequence[float]], *, truth=None,
                    is_outlier=None, train_range: tuple[float, float] | None = None,
                    ax: Axes | None = None, colors: Sequence | None = None,
                    title: str = "Fitted curves", xlabel: str = "$x$",
                    ylabel: str = "$y$") -> Axes:
    """One-input data as points, and curves evaluated on ``grid``.

    Taught in notebooks/07_regression.ipynb.

    Args:
        x, y: (N,) or (N, 1) inputs and (N,) targets of the training data.
        grid: (M,) or (M, 1) inputs where the curves are evaluated, in increasing order.
        fits: ``{label: (M,) values}``, one fitted curve each.
        truth: (M,) the true curve on ``grid`` (black, dashed), if known.
        is_outlier: (N,) bool; those points are drawn as black crosses.
        train_range: ``(low, high)``: shade the inputs outside the training range.
        ax: where to draw; a new figure is made when None.
        colors: one colour per fit (default: ``setting_colors``).
        title, xlabel, ylabel: labels.

    Returns:
        The Axes.

    Example:
        >>> grid = np.linspace(0, 1, 5)
        >>> ax = plot_curve_fits(np.array([0.2, 0.8]), np.array([0.1, 0.9]), grid,
        ...                      {"identity": grid}, truth=grid)
    """
    x, y, grid = _vector(x, "x"), _vector(y, "y"), _vector(grid, "grid")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} values but y has {len(y)}")
    if colors is None:
        colors = setting_colors(len(fits))
    if len(colors) != len(fits):
        raise ValueError(f"colors has {len(colors)} entries for {len(fits)} fits")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.8))
    outlier = np.zeros(len(x), bool) if is_outlier is None else np.asarray(is_outlier, bool)
    ax.scatter(x[~outlier], y[~outlier], s=10, color="tab:gray", alpha=0.6, linewidths=0,
               label="training data")
    if outlier.any():
        ax.scatter(x[outlier], y[outlier], s=25, color="black", marker="x",
                   label=f"outliers ({int(outlier.sum())})")
    if truth is not None:
        ax.plot(grid, _vector(truth, "truth"), color="black", ls="--", lw=1.5, label="true curve")
    for (label, values), color in zip(fits.items(), colors, strict=True):
        ax.plot(grid, _vector(values, label), color=color, lw=2, label=label)
    if train_range is not None:
        low, high = train_range
        label = "outside the training range"
        for start, stop in ((grid.min(), low), (high, grid.max())):
            if stop > start:
                ax.axvspan(start, stop, color="0.9", zorder=0, label=label)
                label = None
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax
