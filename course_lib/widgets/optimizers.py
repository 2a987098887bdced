"""The optimizer explorer: a surface, an optimizer and its hyper-parameters -> the path it takes.

Taught in notebooks/05_optimizers.ipynb. Every setting of the controls runs the
chosen course_lib optimizer on the chosen 2-D surface
(``course_lib.surfaces.optimizer_path``) and, for comparison, plain gradient
descent with the same learning rate. The figure shows both paths on the contour
lines and their loss above the minimum step by step; the summary gives the
number of steps each needed to come within the surface's tolerance of the
minimum, or the step at which it diverged.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets

from course_lib.optim import SGD, Adam, RMSprop
from course_lib.plots.surfaces import plot_path_losses, plot_paths
from course_lib.surfaces import SURFACES, OptimizerPath, get_surface, optimizer_path
from course_lib.widgets.common import Explorer, new_figure, show_figure

#: The optimizers the explorer offers, in the order of its menu.
OPTIMIZERS = ("SGD", "SGD + momentum", "Nesterov", "RMSprop", "Adam")
LR_EXPONENTS = (-4.0, 0.5)   # the learning-rate slider runs from 10**-4 to 10**0.5
MAX_STEPS = 2000
#: The label of the reference path, plain gradient descent at the same learning rate.
REFERENCE = "gradient descent, same lr"


def optimizer_setting(optimizer: str, lr: float, momentum: float, beta2: float):
    """The course_lib class and keyword arguments of the explorer's choice ``optimizer``.

    ``momentum`` is SGD's momentum (with or without Nesterov) and Adam's
    :math:`\\beta_1`; ``beta2`` is Adam's :math:`\\beta_2` and RMSprop's :math:`\\alpha`.

    Example:
        >>> optimizer_setting("Adam", 0.1, 0.9, 0.99)
        (<class 'course_lib.optim.adam.Adam'>, {'lr': 0.1, 'betas': (0.9, 0.99)})

    Taught in no notebook: the explorer's menu uses it.
    """
    if optimizer == "SGD":
        return SGD, {"lr": lr}
    if optimizer == "SGD + momentum":
        return SGD, {"lr": lr, "momentum": momentum}
    if optimizer == "Nesterov":
        return SGD, {"lr": lr, "momentum": momentum, "nesterov": True}
    if optimizer == "RMSprop":
        return RMSprop, {"lr": lr, "alpha": beta2}
    if optimizer == "Adam":
        return Adam, {"lr": lr, "betas": (momentum, beta2)}
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")


@lru_cache(maxsize=64)
def _path(surface: str, optimizer: str, lr: float, momentum: float, beta2: float,
          steps: int) -> OptimizerPath:
    cls, kwargs = optimizer_setting(optimizer, lr, momentum, beta2)
    return optimizer_path(get_surface(surface), cls, steps=steps, **kwargs)


def _outcome(path: OptimizerPath) -> str:
    if path.diverged:
        return f"diverges at step {path.steps}"
    arrived = path.steps_to_tolerance()
    if arrived is None:
        return f"is not there after {path.steps} steps"
    return f"gets there in <b>{arrived}</b> steps"


class OptimizerExplorer(Explorer):
    """Surface, optimizer, learning rate, momentum / beta1, beta2 / alpha, steps -> the path.

    Taught in notebooks/05_optimizers.ipynb.

    Args:
        surface: a name of ``course_lib.surfaces.SURFACES`` ("bowl", "saddle",
            "rosenbrock", "two minima", "recurrence").
        optimizer: one of ``OPTIMIZERS``.
        lr: the learning rate, from 1e-4 to about 3.16.
        momentum: SGD's momentum and Adam's beta1, in [0, 0.99].
        beta2: Adam's beta2 and RMSprop's alpha, in [0.5, 0.999].
        steps: the number of steps, 10 to 2000.

    Attributes:
        surface, optimizer, learning_rate, momentum, beta2, steps: the controls.
        path, reference: the ``OptimizerPath`` of the chosen optimizer and of
            gradient descent with the same learning rate.
        output, summary, widget: the figure, the numbers behind it, the whole explorer.

    Example:
        >>> explorer = OptimizerExplorer(surface="rosenbrock", optimizer="Adam", lr=0.1)
        >>> explorer.optimizer.value = "SGD + momentum"   # what choosing in the menu does
        >>> explorer.path.steps_to_tolerance()            # steps to the tolerance, or None
    """

    title = "Optimizer explorer"

    def __init__(self, *, surface: str = "rosenbrock", optimizer: str = "Adam", lr: float = 0.1,
                 momentum: float = 0.9, beta2: float = 0.999, steps: int = 500) -> None:
        super().__init__()
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {list(SURFACES)}, got {surface!r}")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
        lo, hi = 10 ** LR_EXPONENTS[0], 10 ** LR_EXPONENTS[1]
        if not lo <= lr <= hi:
            raise ValueError(f"lr must be between {lo:g} and {hi:.3g}, got {lr}")
        if not 0 <= momentum <= 0.99:
            raise ValueError(f"momentum must be between 0 and 0.99, got {momentum}")
        if not 0.5 <= beta2 <= 0.999:
            raise ValueError(f"beta2 must be between 0.5 and 0.999, got {beta2}")
        if not 10 <= steps <= MAX_STEPS:
            raise ValueError(f"steps must be between 10 and {MAX_STEPS}, got {steps}")
        self.path: OptimizerPath | None = None
        self.reference: OptimizerPath | None = None
        if self.inert:
            return
        style = {"description_width": "120px"}
        self.surface = widgets.Dropdown(options=list(SURFACES), value=surface,
                                        description="surface", style=style)
        self.optimizer = widgets.Dropdown(options=OPTIMIZERS, value=optimizer,
                                          description="optimizer", style=style)
        self.learning_rate = widgets.FloatLogSlider(
            value=lr, base=10, min=LR_EXPONENTS[0], max=LR_EXPONENTS[1], step=0.25,
            description="learning rate", readout_format=".3g", continuous_update=False,
            style=style)
        self.momentum = widgets.FloatSlider(
            value=momentum, min=0.0, max=0.99, step=0.01, description="momentum / β1",
            readout_format=".2f", continuous_update=False, style=style)
        self.beta2 = widgets.FloatSlider(
            value=beta2, min=0.5, max=0.999, step=0.001, description="β2 / α",
            readout_format=".3f", continuous_update=False, style=style)
        self.steps = widgets.IntSlider(value=steps, min=10, max=MAX_STEPS, step=10,
                                       description="steps", continuous_update=False, style=style)
        controls = [self.surface, self.optimizer, self.learning_rate, self.momentum, self.beta2,
                    self.steps]
        self._assemble(controls, min_height="330px")

    def update(self, change=None) -> None:
        """Run (or fetch from the cache) both paths for the current controls and redraw."""
        if self.inert:
            return
        name, lr = self.optimizer.value, float(self.learning_rate.value)
        self.momentum.disabled = name in ("SGD", "RMSprop")
        self.beta2.disabled = name not in ("RMSprop", "Adam")
        surface, steps = self.surface.value, self.steps.value
        self.path = _path(surface, name, lr, float(self.momentum.value), float(self.beta2.value),
                          steps)
        self.reference = _path(surface, "SGD", lr, 0.0, 0.999, steps)
        paths = {name: self.path, REFERENCE: self.reference}
        fig, (left, right) = new_figure(ncols=2, figsize=(10.0, 4.0))
        plot_paths(paths, ax=left, colors=["black", "tab:gray"], markersize=2.0, resolution=100)
        left.legend(fontsize="x-small", loc="lower left")
        plot_path_losses(paths, ax=right, colors=["black", "tab:gray"],
                         title="Loss above the minimum")
        show_figure(self.output, fig)
        self.summary.value = self._summary_html()

    def _summary_html(self) -> str:
        surface = self.path.surface
        return (f"On the {surface.name} surface, within {surface.tolerance:g} of the minimum "
                f"loss: {self.optimizer.value} {_outcome(self.path)}; gradient descent with the "
                f"same learning rate ({self.learning_rate.value:.3g}) "
                f"{_outcome(self.reference)}.")
