"""The initialization explorer: scheme, activation, depth and gain -> the std of every layer.

Taught in notebooks/04_initialization.ipynb. For every setting of the
controls it builds an MLP with ``course_lib.initialization.mlp``, initializes
it with ``initialize_``, runs one forward and backward pass on the data
(``course_lib.diagnostics.trace``), and draws

- left: the std of every layer's pre-activations (black) and of the gradient
  of the loss with respect to them (orange), measured (dots) and predicted by
  the variance recursion (dashed, ``predict_stds``; the gradient's prediction
  starts from the measured gradient of the logits);
- right: the histograms of up to eight hidden layers, coloured by depth: the
  outputs of tanh and sigmoid layers (saturation shows at the ends of their
  range), the pre-activations of the others (half of a ReLU's outputs are 0).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course_lib import checks, nn
from course_lib.diagnostics import dead_fraction, saturated_fraction, trace
from course_lib.initialization import ACTIVATIONS, SCHEMES, initialize_, mlp, predict_stds
from course_lib.plots.layers import (
    GRADIENT_COLOR,
    VALUE_COLOR,
    plot_layer_histograms,
    plot_layer_stds,
)
from course_lib.widgets.common import Explorer, new_figure, show_figure

MAX_DEPTH = 50
WIDTHS = (16, 32, 64, 128, 256, 512)
GAIN_EXPONENTS = (-2.0, 2.0)  # the gain slider runs from 2**-2 to 2**2
MAX_HISTOGRAMS = 8
#: The histograms' range for the bounded activations (the others adapt to the values).
VALUE_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


def default_data(n_samples: int = 500, n_features: int = 64, n_classes: int = 10, *, rng=0):
    """Standard normal inputs (n_samples, n_features), float32, and random labels (n_samples,).

    At initialization the labels do not matter for the std of the signals; the
    notebook passes real data instead.

    Example:
        >>> X, y = default_data(100)
        >>> X.shape, y.shape, X.dtype
        ((100, 64), (100,), dtype('float32'))

    Taught in no notebook: the explorer's default data.
    """
    rng = checks.rng(rng, "default_data")
    X = rng.standard_normal((n_samples, n_features)).astype(np.float32)
    return X, rng.integers(0, n_classes, size=n_samples)


class InitializationExplorer(Explorer):
    """Scheme, activation, depth, gain and width -> predicted and measured std per layer.

    Taught in notebooks/04_initialization.ipynb.

    Args:
        scheme: one of ``course_lib.initialization.SCHEMES``.
        activation: one of ``course_lib.initialization.ACTIVATIONS``.
        depth: the number of Linear layers (2 to 50).
        gain: the factor on the weights' std (0.25 to 4).
        width: the width of the hidden layers, one of ``WIDTHS``.
        data: ``(X, y)`` with X (N, n_features) float and y (N,) class labels;
            default: :func:`default_data`.
        seed: the seed of the weights.

    Attributes:
        scheme, activation, depth, gain, width: the controls.
        output: the ``Output`` widget holding the figure.
        summary: an ``HTML`` widget with the numbers behind the figure.
        measured: ``{"pre_activation": (L,), "gradient": (L,)}`` stds of the current setting.
        prediction: the ``SignalPrediction`` of the current setting.
        loss: the loss at initialization.
        widget: the whole explorer, as one box.

    Example:
        >>> explorer = InitializationExplorer(scheme="xavier", activation="relu", depth=20)
        >>> explorer.scheme.value = "he"             # what choosing in the menu does
        >>> explorer.measured["pre_activation"].shape
        (20,)
    """

    title = "Initialization explorer"

    def __init__(self, *, scheme: str = "xavier", activation: str = "tanh", depth: int = 10,
                 gain: float = 1.0, width: int = 256, data=None, seed: int = 0) -> None:
        super().__init__()
        checks.choice(scheme, SCHEMES, "scheme", "InitializationExplorer")
        checks.choice(activation, ACTIVATIONS, "activation", "InitializationExplorer")
        if not 2 <= depth <= MAX_DEPTH:
            raise ValueError(f"InitializationExplorer: depth must be between 2 and {MAX_DEPTH}, "
                             f"got {depth}.")
        low, high = 2 ** GAIN_EXPONENTS[0], 2 ** GAIN_EXPONENTS[1]
        if not low <= gain <= high:
            raise ValueError(f"InitializationExplorer: gain must be between {low:g} and "
                             f"{high:g}, got {gain}.")
        checks.choice(width, WIDTHS, "width", "InitializationExplorer")
        self.seed = checks.integer(seed, "seed", "InitializationExplorer", minimum=0)
        X, y = default_data() if data is None else data
        self.X = checks.float_array(X, "InitializationExplorer (data X)", dtype=np.float32)
        self.y = np.asarray(y)
        if self.X.ndim != 2 or self.y.shape != (len(self.X),):
            raise ValueError(f"InitializationExplorer: data must be (X, y) with X (N, features) "
                             f"and y (N,), got X {self.X.shape} and y {self.y.shape}.")
        self.n_classes = int(self.y.max()) + 1
        self.measured: dict[str, np.ndarray] | None = None
        self.prediction = None
        self.loss = None
        if self.inert:
            return
        style = {"description_width": "90px"}
        self.scheme = widgets.Dropdown(options=SCHEMES, value=scheme, description="scheme",
                                       style=style)
        self.activation = widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                           description="activation", style=style)
        self.depth = widgets.IntSlider(value=depth, min=2, max=MAX_DEPTH, description="depth",
                                       continuous_update=False, style=style)
        self.gain = widgets.FloatLogSlider(value=gain, base=2, min=GAIN_EXPONENTS[0],
                                           max=GAIN_EXPONENTS[1], step=0.125, description="gain",
                                           readout_format=".3g", continuous_update=False,
                                           style=style)
        self.width = widgets.SelectionSlider(options=WIDTHS, value=width, description="width",
                                             continuous_update=False, style=style)
        controls = [self.scheme, self.activation, self.depth, self.gain, self.width]
        self._assemble(controls, min_height="330px")

    def sizes(self) -> list[int]:
        """The widths [n_0, n_1, ..., n_L] of the current network."""
        hidden = [self.width.value] * (self.depth.value - 1)
        return [self.X.shape[1], *hidden, self.n_classes]

    def update(self, change=None) -> None:
        """Build, initialize and trace the network of the current controls, and redraw."""
        if self.inert:
            return
        sizes, activation = self.sizes(), self.activation.value
        scheme, gain = self.scheme.value, float(self.gain.value)
        model = initialize_(mlp(sizes, activation, rng=self.seed), scheme, gain=gain,
                            rng=self.seed)
        with np.errstate(all="ignore"):  # too large a start overflows: that is what it shows
            passed = trace(model, self.X, self.y, nn.CrossEntropyLoss())
            linear = passed.of(nn.Linear)
            z_std = np.array([passed.outputs[i].std() for i in linear], dtype=np.float64)
            g_std = np.array([passed.output_grads[i].std() for i in linear], dtype=np.float64)
        self.loss = passed.loss
        self.measured = {"pre_activation": z_std, "gradient": g_std}
        self.prediction = predict_stds(sizes, activation, scheme, gain=gain,
                                       input_second_moment=float(np.mean(self.X.astype(
                                           np.float64) ** 2)))
        fig, (left, right) = new_figure(ncols=2, figsize=(10.5, 4.0))
        fig.subplots_adjust(right=0.86, wspace=0.3)
        plot_layer_stds(z_std, predicted=self.prediction.pre_activation_std, ax=left,
                        label="pre-activations", color=VALUE_COLOR,
                        title=f"{scheme}, {activation}, gain {gain:.3g}: std per layer")
        top_gradient = g_std[-1] if np.isfinite(g_std[-1]) else np.nan
        plot_layer_stds(g_std, predicted=top_gradient * self.prediction.gradient_std, ax=left,
                        label="gradients", color=GRADIENT_COLOR,
                        title=f"{scheme}, {activation}, gain {gain:.3g}: std per layer")
        hidden = passed.of(tuple(kind for kind in ACTIVATIONS.values() if kind is not None))
        shown = _spread(len(linear) - 1, MAX_HISTOGRAMS)
        if activation in VALUE_RANGES:  # bounded: their outputs show saturation
            values = [passed.outputs[hidden[k]] for k in shown]
            title, xlabel = f"Outputs of the hidden {activation} layers", f"{activation} output"
        else:  # half of ReLU's outputs are exactly 0: its input says more
            values = [passed.outputs[linear[k]] for k in shown]
            title, xlabel = "Pre-activations z of the hidden layers", "z"
        plot_layer_histograms(values, labels=[f"layer {k + 1}" for k in shown], ax=right,
                              value_range=VALUE_RANGES.get(activation), title=title,
                              xlabel=xlabel)
        show_figure(self.output, fig)
        self.summary.value = self._summary_html(passed, hidden)

    def _summary_html(self, passed, hidden) -> str:
        z, predicted = self.measured["pre_activation"], self.prediction.pre_activation_std
        last = len(z) - 1
        first_text, last_text = _number(z[0]), _number(z[last])
        text = (f"Std of the pre-activations: layer 1 {first_text} (predicted "
                f"{predicted[0]:.3g}), layer {last + 1} {last_text} (predicted "
                f"{predicted[last]:.3g}). Loss at initialization {_number(self.loss)} "
                f"(ln {self.n_classes} = {np.log(self.n_classes):.3f}).")
        if hidden:
            deepest = passed.outputs[hidden[-1]]
            activation = self.activation.value
            if activation in ("tanh", "sigmoid"):
                text += (f" Saturated in the last hidden layer: "
                         f"{100 * saturated_fraction(deepest, activation):.0f} %.")
            elif activation == "relu":
                text += (f" Dead units in the last hidden layer: "
                         f"{100 * dead_fraction(deepest):.0f} %.")
        return text


def _spread(n: int, most: int) -> list[int]:
    """At most ``most`` indices of range(n), evenly spread, first and last included."""
    if n <= most:
        return list(range(n))
    return sorted({int(round(k)) for k in np.linspace(0, n - 1, most)})


def _number(value: float) -> str:
    if not np.isfinite(value):
        return "not finite (overflow)"
    if value == 0:
        return "exactly 0"
    return f"{value:.3g}"
