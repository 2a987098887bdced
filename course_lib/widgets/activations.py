"""The activation explorer: an activation, its derivative, and where it is flat.

Taught in notebooks/02_forward_propagation.ipynb. The curves come from the
forward/backward pairs of ``course_lib.nn.functional``; the shaded region is
where the derivative is below a threshold, so almost no gradient passes (sigmoid
and tanh saturate there, ReLU is inactive: ``course_lib.plots.activations``).
"""

from __future__ import annotations

from functools import partial

import ipywidgets as widgets
import numpy as np

from course_lib import checks
from course_lib.nn import functional as F
from course_lib.plots.activations import activation_curve, plot_activation
from course_lib.widgets.common import Explorer, new_figure, show_figure

#: name -> (forward, backward, name of its hyper-parameter or None)
ACTIVATION_PAIRS = {
    "relu": (F.relu_forward, F.relu_backward, None),
    "sigmoid": (F.sigmoid_forward, F.sigmoid_backward, None),
    "tanh": (F.tanh_forward, F.tanh_backward, None),
    "leaky_relu": (F.leaky_relu_forward, F.leaky_relu_backward, "negative_slope"),
    "elu": (F.elu_forward, F.elu_backward, "alpha"),
}
MAX_ABS_INPUT = 20.0


class ActivationExplorer(Explorer):
    """Activation, input range, its hyper-parameter and a slope threshold -> curves.

    Taught in notebooks/02_forward_propagation.ipynb.

    Args:
        activation: one of ``ACTIVATION_PAIRS``.
        x_range: the input interval, within [-20, 20].
        negative_slope: leaky ReLU's slope for x < 0 (PyTorch's default is 0.01).
        alpha: ELU's limit for x -> -infinity is -alpha.
        threshold: slope below which the activation counts as flat.

    Attributes:
        activation, x_range, negative_slope, alpha, threshold: the controls (the
            two hyper-parameters are disabled unless their activation is chosen).
        output: the ``Output`` widget holding the figure.
        summary: an ``HTML`` widget with the measured range and flat fraction.
        curve: the ``ActivationCurve`` currently drawn.
        widget: the whole explorer.

    Example:
        >>> explorer = ActivationExplorer(activation="tanh", x_range=(-5, 5))
        >>> explorer.activation.value = "sigmoid"    # what choosing in the menu does
        >>> round(float(explorer.curve.slope.max()), 2)
        0.25
    """

    title = "Activation explorer"

    def __init__(
        self,
        *,
        activation: str = "tanh",
        x_range: tuple[float, float] = (-5.0, 5.0),
        negative_slope: float = 0.1,
        alpha: float = 1.0,
        threshold: float = 0.01,
    ) -> None:
        super().__init__()
        where = "ActivationExplorer"
        checks.choice(activation, tuple(ACTIVATION_PAIRS), "activation", where)
        low, high = checks.interval(x_range, "x_range", where, low=-MAX_ABS_INPUT,
                                    high=MAX_ABS_INPUT)
        checks.number(negative_slope, "negative_slope", where, low=0, high=1)
        checks.number(alpha, "alpha", where, low=0.1, high=3)
        checks.number(threshold, "threshold", where, low=1e-4, high=0.5)
        self.curve = None
        if self.inert:
            return
        style = {"description_width": "110px"}
        self.activation = widgets.Dropdown(
            options=list(ACTIVATION_PAIRS), value=activation, description="activation",
            style=style,
        )
        self.x_range = widgets.FloatRangeSlider(
            value=(low, high), min=-MAX_ABS_INPUT, max=MAX_ABS_INPUT, step=0.5,
            description="input range", continuous_update=False, style=style,
        )
        self.negative_slope = widgets.FloatSlider(
            value=negative_slope, min=0.0, max=1.0, step=0.01, description="negative_slope",
            continuous_update=False, style=style,
        )
        self.alpha = widgets.FloatSlider(
            value=alpha, min=0.1, max=3.0, step=0.1, description="alpha",
            continuous_update=False, style=style,
        )
        self.threshold = widgets.FloatLogSlider(
            value=threshold, base=10, min=-4, max=np.log10(0.5), step=0.25,
            description="flat if |g'| <", readout_format=".2g",
            continuous_update=False, style=style,
        )
        controls = [self.activation, self.x_range, self.threshold, self.negative_slope,
                    self.alpha]
        self._assemble(controls, min_height="320px")

    def pair(self):
        """The (forward, backward) pair for the current controls."""
        forward, backward, hyper = ACTIVATION_PAIRS[self.activation.value]
        if hyper is not None:
            forward = partial(forward, **{hyper: getattr(self, hyper).value})
        return forward, backward

    def update(self, change=None) -> None:
        """Recompute the curves for the current controls and redraw."""
        if self.inert:
            return
        name = self.activation.value
        hyper = ACTIVATION_PAIRS[name][2]
        self.negative_slope.disabled = hyper != "negative_slope"
        self.alpha.disabled = hyper != "alpha"
        forward, backward = self.pair()
        x_range = tuple(float(v) for v in self.x_range.value)
        self.curve = activation_curve(forward, backward, x_range=x_range, num=801)
        fig, ax = new_figure(figsize=(7.5, 4.0))
        label = name if hyper is None else f"{name} ({hyper} = {getattr(self, hyper).value:g})"
        plot_activation(forward, backward, name=name, x_range=x_range,
                        threshold=self.threshold.value, ax=ax, title=label)
        show_figure(self.output, fig)
        fraction = self.curve.flat_fraction(self.threshold.value)
        self.summary.value = (
            f"On [{x_range[0]:g}, {x_range[1]:g}], {name} takes values from "
            f"{self.curve.value.min():.4g} to {self.curve.value.max():.4g}; its slope ranges "
            f"from {self.curve.slope.min():.4g} to {self.curve.slope.max():.4g} and is below "
            f"{self.threshold.value:.2g} on <b>{fraction:.0%}</b> of the interval."
        )
