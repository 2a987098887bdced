r"""The regression explorer: hidden width, L2 strength and noise -> the fit and its errors.

Taught in notebooks/07_regression.ipynb. The data are ``N_TRAIN`` noisy samples
of :math:`\sin(\pi x)` on [-1, 1] (``course_lib.data.make_curve``). For every
setting of the controls, a 1-H-1 ReLU network (``course_lib.regression.mlp``)
is trained for each width in ``widths`` (full-batch Adam, the L2 penalty of
the chosen strength); the figure shows

- left: the training points, the true curve and the fit of the chosen width;
- right: training and test mean squared error against the width, with the
  noise floor :math:`\sigma^2`, the error of the true curve itself.

So a learner sees both one fit and the trend it belongs to: a narrow network
underfits, a wide one without a penalty follows the noise of its few points
(test error well above the floor), and the L2 penalty pulls it back.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from course_lib.data.curves import curve_function, make_curve
from course_lib.plots.regression import NOISE_COLOR, plot_curve_fits
from course_lib.regression import mlp, regression_scores, train_regressor
from course_lib.regularization import L2Penalty
from course_lib.widgets.common import Explorer, new_figure, show_figure

#: The widths the explorer trains (the right panel's horizontal axis).
WIDTHS = (1, 4, 16, 64, 256)
#: The strengths of the L2 penalty the slider offers (0: no penalty).
LAMBDAS = (0.0, 1e-4, 1e-3, 1e-2, 1e-1)
N_TRAIN = 30
N_TEST = 500
GRID = np.linspace(-1.0, 1.0, 201)
MAX_NOISE = 1.0
TRAIN_COLOR, TEST_COLOR, FIT_COLOR = "tab:gray", "black", "tab:green"


class WidthResult(NamedTuple):
    """One trained network: its curve on ``GRID`` and its training and test MSE.

    Taught in no notebook (the explorer's bookkeeping).
    """

    curve: np.ndarray
    train_mse: float
    test_mse: float


@lru_cache(maxsize=256)
def train_width(width: int, lam: float, noise: float, seed: int, epochs: int) -> WidthResult:
    """Train the 1-``width``-1 network on the explorer's data; the result is cached.

    Taught in no notebook (the explorer's training; the notebook trains its own networks).
    """
    train = make_curve(N_TRAIN, "sine", noise=noise, rng=seed)
    test = make_curve(N_TEST, "sine", noise=noise, rng=seed + 10_000)
    model = mlp(1, (width,), rng=seed)
    fitted = train_regressor(model, train.x, train.y, lr=0.01, epochs=epochs,
                             batch_size=N_TRAIN, penalty=L2Penalty(lam) if lam else None,
                             rng=seed)
    return WidthResult(
        fitted.predict(GRID[:, None]),
        regression_scores(train.y, fitted.predict(train.x), ["mse"])["mse"],
        regression_scores(test.y, fitted.predict(test.x), ["mse"])["mse"],
    )


class RegressionExplorer(Explorer):
    """Width, L2 strength, noise and seed -> the fitted curve, and the errors against width.

    Taught in notebooks/07_regression.ipynb.

    Args:
        width: initial hidden width, one of ``widths``.
        lam: initial L2 strength, one of ``LAMBDAS``.
        noise: initial noise standard deviation, 0 to ``MAX_NOISE``.
        seed: initial seed of the data and the network (0 to 9).
        widths: the widths trained for the right panel (sorted, each >= 1).
        epochs: full-batch Adam steps per network.

    Attributes:
        width, lam, noise, seed: the controls.
        output: the ``Output`` widget holding the figure.
        summary: an ``HTML`` widget with the numbers behind the figure.
        results: ``{width: WidthResult}`` of the current setting.
        widget: the whole explorer, as one box.

    Example:
        >>> explorer = RegressionExplorer(width=16, noise=0.3, widths=(4, 16), epochs=100)
        >>> explorer.lam.value = 1e-2             # what moving the slider does
        >>> sorted(explorer.results)              # the widths trained for this setting
        [4, 16]
    """

    title = "Regression explorer"

    def __init__(self, *, width: int = 16, lam: float = 0.0, noise: float = 0.3, seed: int = 0,
                 widths: tuple[int, ...] = WIDTHS, epochs: int = 1000) -> None:
        super().__init__()
        widths = tuple(int(w) for w in widths)
        if not widths or list(widths) != sorted(set(widths)) or widths[0] < 1:
            raise ValueError(f"widths must be increasing positive integers, got {widths}")
        if width not in widths:
            raise ValueError(f"width must be one of {widths}, got {width}")
        if lam not in LAMBDAS:
            raise ValueError(f"lam must be one of {LAMBDAS}, got {lam}")
        if not 0 <= noise <= MAX_NOISE:
            raise ValueError(f"noise must be between 0 and {MAX_NOISE}, got {noise}")
        if not 0 <= seed <= 9:
            raise ValueError(f"seed must be between 0 and 9, got {seed}")
        if not 50 <= epochs <= 5000:
            raise ValueError(f"epochs must be between 50 and 5000, got {epochs}")
        self.widths, self.epochs = widths, epochs
        self.results: dict[int, WidthResult] | None = None
        if self.inert:
            return
        style = {"description_width": "110px"}
        self.width = widgets.SelectionSlider(
            options=widths, value=width, description="hidden width",
            continuous_update=False, style=style)
        self.lam = widgets.SelectionSlider(
            options=[(f"{v:g}", v) for v in LAMBDAS], value=lam, description="L2 strength λ",
            continuous_update=False, style=style)
        self.noise = widgets.FloatSlider(
            value=noise, min=0.0, max=MAX_NOISE, step=0.05, description="noise σ",
            readout_format=".2f", continuous_update=False, style=style)
        self.seed = widgets.IntSlider(
            value=seed, min=0, max=9, description="seed", continuous_update=False, style=style)
        self._assemble([self.width, self.lam, self.noise, self.seed], min_height="320px")

    def update(self, change=None) -> None:
        """Train (or fetch from the cache) every width for the current controls and redraw."""
        if self.inert:
            return
        lam, noise, seed = float(self.lam.value), round(float(self.noise.value), 2), \
            int(self.seed.value)
        self.results = {w: train_width(w, lam, noise, seed, self.epochs) for w in self.widths}
        width = int(self.width.value)
        chosen = self.results[width]
        train = make_curve(N_TRAIN, "sine", noise=noise, rng=seed)
        fig, (left, right) = new_figure(ncols=2, figsize=(10, 3.9))
        plot_curve_fits(train.x, train.y, GRID, {f"network, width {width}": chosen.curve},
                        truth=curve_function("sine", GRID), ax=left, colors=[FIT_COLOR],
                        title=f"The fit of width {width}")
        left.set_ylim(-2.5, 2.5)
        widths = np.array(self.widths)
        right.plot(widths, [self.results[w].train_mse for w in self.widths], "o-",
                   color=TRAIN_COLOR, label="training MSE")
        right.plot(widths, [self.results[w].test_mse for w in self.widths], "s-",
                   color=TEST_COLOR, label="test MSE")
        right.axhline(noise**2, color=NOISE_COLOR, ls="--", label="noise floor σ²")
        right.axvline(width, color=FIT_COLOR, lw=6, alpha=0.3, label=f"width {width}")
        right.set(xscale="log", title="Errors against the width",
                  xlabel="hidden width", ylabel="mean squared error")
        right.set_xticks(widths, [str(w) for w in self.widths])
        right.minorticks_off()
        right.set_yscale("symlog", linthresh=1e-3)
        right.grid(True, alpha=0.3)
        right.legend(fontsize=8)
        show_figure(self.output, fig)
        self.summary.value = (
            f"Width {width}, L2 strength λ = {lam:g}, noise σ = {noise:.2f}: training MSE "
            f"<b>{chosen.train_mse:.3f}</b>, test MSE <b>{chosen.test_mse:.3f}</b>; "
            f"noise floor σ² = {noise**2:.3f} (no model can beat it on average)."
        )
