"""The XOR explorer: change the network and the training, watch boundary and loss change.

Taught in notebooks/01_xor_from_scratch.ipynb. Each setting of the controls
trains ``n_starts`` networks at once (seeds ``0 .. n_starts - 1``) with
``course_lib.xor.train_xor_networks``; the figure shows the decision boundary
of the network of the chosen seed and the loss curves of all of them, so a
learner sees both one run and how often that setting fails.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from course_lib import checks
from course_lib.data import xor
from course_lib.plots.boundaries import plot_decision_boundary
from course_lib.plots.curves import plot_loss_curves_by_outcome
from course_lib.widgets.common import Explorer, new_figure, show_figure
from course_lib.xor import ACTIVATIONS, XORTrainingResult, train_xor_networks

MAX_HIDDEN_UNITS = 8
MAX_EPOCHS = 5000
LR_EXPONENTS = (-2.0, 1.5)  # the learning-rate slider runs from 10**-2 to 10**1.5


@lru_cache(maxsize=16)
def _train(hidden_units: int, activation: str, lr: float, epochs: int, n_starts: int):
    # Moving only the seed slider redraws from this cache without training again.
    return train_xor_networks(
        hidden_units, range(n_starts), activation=activation, lr=lr, epochs=epochs
    )


class XORExplorer(Explorer):
    """Hidden units, activation, learning rate, epochs and seed -> boundary and loss curves.

    Taught in notebooks/01_xor_from_scratch.ipynb.

    Args:
        hidden_units: initial number of hidden units (1 to 8).
        activation: initial hidden activation, one of ``course_lib.xor.ACTIVATIONS``.
        lr: initial learning rate (0.01 to about 31.6).
        epochs: initial number of gradient-descent steps (100 to 5000).
        seed: initial seed whose network is drawn (0 to ``n_starts - 1``).
        n_starts: how many networks (seeds) are trained for every setting.

    Attributes:
        hidden_units, activation, lr, epochs, seed: the controls (named as the arguments).
        output: the ``Output`` widget holding the figure.
        summary: an ``HTML`` widget with the numbers behind the figure.
        result: the ``XORTrainingResult`` of the current setting.
        widget: the whole explorer, as one box.

    Example:
        >>> explorer = XORExplorer(hidden_units=2)   # last line of a cell shows it
        >>> explorer.hidden_units.value = 3          # what moving the slider does
        >>> int(explorer.result.solved.sum())        # networks out of 20 that solved XOR
        17
    """

    title = "XOR explorer"

    def __init__(
        self,
        *,
        hidden_units: int = 2,
        activation: str = "tanh",
        lr: float = 1.0,
        epochs: int = 2000,
        seed: int = 0,
        n_starts: int = 20,
    ) -> None:
        super().__init__()
        where = "XORExplorer"
        checks.integer(hidden_units, "hidden_units", where, minimum=1, maximum=MAX_HIDDEN_UNITS)
        checks.choice(activation, ACTIVATIONS, "activation", where)
        lo, hi = 10 ** LR_EXPONENTS[0], 10 ** LR_EXPONENTS[1]
        checks.number(lr, "lr", where, low=lo, high=hi)
        checks.integer(epochs, "epochs", where, minimum=100, maximum=MAX_EPOCHS)
        checks.integer(n_starts, "n_starts", where, minimum=1)
        checks.integer(seed, "seed", where, minimum=0, maximum=n_starts - 1)
        self.n_starts = n_starts
        self.result: XORTrainingResult | None = None
        if self.inert:
            return
        style = {"description_width": "110px"}
        self.hidden_units = widgets.IntSlider(
            value=hidden_units, min=1, max=MAX_HIDDEN_UNITS, description="hidden units",
            continuous_update=False, style=style,
        )
        self.activation = widgets.Dropdown(
            options=ACTIVATIONS, value=activation, description="activation", style=style
        )
        self.lr = widgets.FloatLogSlider(
            value=lr, base=10, min=LR_EXPONENTS[0], max=LR_EXPONENTS[1], step=0.25,
            description="learning rate", readout_format=".3g", continuous_update=False,
            style=style,
        )
        self.epochs = widgets.IntSlider(
            value=epochs, min=100, max=MAX_EPOCHS, step=100, description="epochs",
            continuous_update=False, style=style,
        )
        self.seed = widgets.IntSlider(
            value=seed, min=0, max=n_starts - 1, description="seed",
            continuous_update=False, style=style,
        )
        controls = [self.hidden_units, self.activation, self.lr, self.epochs, self.seed]
        self._assemble(controls, min_height="300px")

    def update(self, change=None) -> None:
        """Train (or fetch from the cache) for the current controls and redraw."""
        if self.inert:
            return
        result = _train(
            self.hidden_units.value, self.activation.value, float(self.lr.value),
            self.epochs.value, self.n_starts,
        )
        self.result = result
        seed = self.seed.value
        fig, (left, right) = new_figure(ncols=2, figsize=(9.5, 3.8))
        network = result.networks.select(seed)
        X, y = xor()
        plot_decision_boundary(
            lambda P: network.predict_proba(P)[0], X, y, ax=left,
            resolution=80, title=f"Boundary of seed {seed}",
        )
        plot_loss_curves_by_outcome(
            _finite_for_log(result.losses), result.solved, ax=right, highlight=seed,
            highlight_label=f"seed {seed}",
            title=f"Loss of the {self.n_starts} seeds",
        )
        show_figure(self.output, fig)
        self.summary.value = self._summary_html(result, seed)

    def _summary_html(self, result: XORTrainingResult, seed: int) -> str:
        loss = result.final_loss[seed]
        verdict = "solved XOR" if result.solved[seed] else "did not solve XOR"
        loss_text = f"{loss:.4f}" if np.isfinite(loss) else "not finite (diverged)"
        return (
            f"Seed {seed} {verdict}: final loss {loss_text}, "
            f"{result.correct[seed]} of 4 points right. "
            f"<b>{int(result.solved.sum())} of {self.n_starts}</b> seeds solve XOR "
            f"with {self.hidden_units.value} hidden units, {self.activation.value}, "
            f"learning rate {self.lr.value:.3g} and {self.epochs.value} epochs."
        )


def _finite_for_log(losses: np.ndarray) -> np.ndarray:
    # A diverged run has inf/nan losses; leave them out of the drawing (gaps in the line).
    return np.where(np.isfinite(losses), losses, np.nan)
