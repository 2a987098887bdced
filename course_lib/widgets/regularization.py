r"""The regularization explorer: noise, L2 strength and dropout rate -> boundary and curves.

Taught in notebooks/06_regularization.ipynb. For every setting of the controls
it draws a data set of noisy moons (``course_lib.overfitting.moons_splits``),
trains the chapter's network on its 180 training points with the chapter's
recipe (``moons_network`` and ``train_moons``: full-batch Adam, the L2 penalty
:math:`\tfrac{\lambda}{2}\sum w^2` on the weights, dropout after each hidden
layer), and shows

- left: the decision boundary (the network's probability of class 1) over the
  training points;
- right: the training and validation loss after every epoch, with the epoch of
  the lowest validation loss, where early stopping would put the weights back.

The summary adds the accuracy on 5000 fresh points of the same distribution.
With little noise nothing overfits; with more noise and no regularization the
boundary bends around single points and the validation loss climbs after its
minimum; a penalty or dropout smooths the boundary and flattens the climb.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from course_lib import checks, nn
from course_lib.nn.functional import softmax
from course_lib.overfitting import (
    EPOCHS,
    NOISE,
    fresh_moons,
    moons_network,
    moons_splits,
    train_moons,
)
from course_lib.plots.boundaries import plot_decision_boundary
from course_lib.train import evaluate, predict
from course_lib.widgets.common import Explorer, new_figure, show_figure

#: The strengths of the L2 penalty the slider offers (0: no penalty).
LAMBDAS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
MAX_NOISE = 0.6
MAX_DROPOUT = 0.7
MAX_SEED = 9
#: Training loss black, validation loss green (red and blue belong to the classes).
CURVE_COLORS = ("black", "tab:green")


class RegularizedRun(NamedTuple):
    """One trained network of the explorer and what it scored.

    Taught in no notebook (the explorer's bookkeeping).
    """

    model: nn.Sequential
    train: tuple[np.ndarray, np.ndarray]
    history: dict[str, list[float]]
    fresh_accuracy: float


@lru_cache(maxsize=32)
def train_regularized(noise: float, lam: float, dropout: float, seed: int,
                      epochs: int) -> RegularizedRun:
    """Draw the data of ``seed`` with this ``noise``, train the chapter's network with this
    L2 strength and dropout rate, and score it on fresh points; the result is cached.

    Taught in no notebook (the explorer's training; the notebook calls the same
    ``moons_splits``, ``moons_network`` and ``train_moons`` itself).
    """
    train, val, _ = moons_splits(seed, noise=noise)
    model = moons_network(dropout=dropout, rng=seed)
    history = train_moons(model, train, val=val, lam=lam, epochs=epochs, rng=seed)
    fresh = evaluate(model, nn.CrossEntropyLoss(), fresh_moons(noise=noise),
                     metrics=["accuracy"])
    return RegularizedRun(model, train, history, fresh["accuracy"])


class RegularizationExplorer(Explorer):
    """Noise, L2 strength, dropout rate and seed -> decision boundary, loss curves, accuracies.

    Taught in notebooks/06_regularization.ipynb.

    Args:
        noise: initial noise standard deviation of the moons, 0 to ``MAX_NOISE``.
        lam: initial L2 strength, one of ``LAMBDAS``.
        dropout: initial drop probability, 0 to ``MAX_DROPOUT`` in steps of 0.1.
        seed: initial seed of the data set and the network (0 to ``MAX_SEED``).
        epochs: full-batch Adam steps per network (20 to 2000).

    Attributes:
        noise, lam, dropout, seed: the controls.
        output: the ``Output`` widget holding the figure.
        summary: an ``HTML`` widget with the numbers behind the figure.
        result: the ``RegularizedRun`` of the current setting.
        widget: the whole explorer, as one box.

    Example:
        >>> explorer = RegularizationExplorer(epochs=50)   # last line of a cell shows it
        >>> explorer.lam.value = 1e-2                       # what moving the slider does
        >>> len(explorer.result.history["val_loss"])        # one value per epoch
        50
    """

    title = "Regularization explorer"

    def __init__(self, *, noise: float = NOISE, lam: float = 0.0, dropout: float = 0.0,
                 seed: int = 0, epochs: int = EPOCHS) -> None:
        super().__init__()
        where = "RegularizationExplorer"
        checks.number(noise, "noise", where, low=0, high=MAX_NOISE)
        checks.choice(lam, LAMBDAS, "lam", where)
        checks.number(dropout, "dropout", where, low=0, high=MAX_DROPOUT)
        if abs(round(dropout, 1) - dropout) > 1e-9:
            raise ValueError(f"{where}: dropout must be a multiple of 0.1 (the slider's step), "
                             f"got {dropout}")
        checks.integer(seed, "seed", where, minimum=0, maximum=MAX_SEED)
        self.epochs = checks.integer(epochs, "epochs", where, minimum=20, maximum=2000)
        self.result: RegularizedRun | None = None
        if self.inert:
            return
        style = {"description_width": "110px"}
        self.noise = widgets.FloatSlider(
            value=noise, min=0.0, max=MAX_NOISE, step=0.05, description="noise σ",
            readout_format=".2f", continuous_update=False, style=style)
        self.lam = widgets.SelectionSlider(
            options=[(f"{v:g}", v) for v in LAMBDAS], value=lam, description="L2 strength λ",
            continuous_update=False, style=style)
        self.dropout = widgets.FloatSlider(
            value=dropout, min=0.0, max=MAX_DROPOUT, step=0.1, description="dropout p",
            readout_format=".1f", continuous_update=False, style=style)
        self.seed = widgets.IntSlider(
            value=seed, min=0, max=MAX_SEED, description="seed", continuous_update=False,
            style=style)
        self._assemble([self.noise, self.lam, self.dropout, self.seed], min_height="330px")

    def update(self, change=None) -> None:
        """Train (or fetch from the cache) the network of the current controls and redraw."""
        if self.inert:
            return
        noise, dropout = round(float(self.noise.value), 2), round(float(self.dropout.value), 1)
        lam, seed = float(self.lam.value), int(self.seed.value)
        result = train_regularized(noise, lam, dropout, seed, self.epochs)
        self.result = result
        history = result.history
        best = int(np.argmin(history["val_loss"]))
        fig, (left, right) = new_figure(ncols=2, figsize=(10, 4.0))
        X, y = result.train
        def probability_of_class_1(P):   # in evaluation mode: no dropout
            return softmax(predict(result.model, P), dim=1)[:, 1]

        plot_decision_boundary(probability_of_class_1, X, y, ax=left, resolution=80,
                               title=f"Boundary after {self.epochs} epochs")
        epochs = np.arange(1, len(history["loss"]) + 1)
        for key, label, color in zip(("loss", "val_loss"), ("training loss", "validation loss"),
                                     CURVE_COLORS, strict=True):
            right.plot(epochs, history[key], color=color, lw=1.8, label=label)
        right.axvline(best + 1, color="tab:gray", ls="--", lw=1,
                      label=f"lowest validation loss (epoch {best + 1})")
        right.set(title="Loss after every epoch", xlabel="epoch", ylabel="cross-entropy",
                  ylim=(0, max(1.0, min(3.0, 1.1 * max(history["val_loss"])))))
        right.grid(True, alpha=0.3)
        right.legend(fontsize=8)
        show_figure(self.output, fig)
        self.summary.value = (
            f"Noise σ = {noise:.2f}, L2 strength λ = {lam:g}, dropout p = {dropout:.1f}, "
            f"seed {seed}: training accuracy {history['accuracy'][-1]:.3f} (measured while "
            f"training{', with dropout on' if dropout > 0 else ''}), validation accuracy "
            f"{history['val_accuracy'][-1]:.3f}, "
            f"<b>accuracy on 5000 fresh points {result.fresh_accuracy:.3f}</b>. The validation "
            f"loss was lowest after epoch {best + 1} of {self.epochs}."
        )
