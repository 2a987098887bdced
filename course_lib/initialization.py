r"""Initialization schemes for a whole network, and the std they predict for every layer.

Taught in notebooks/04_initialization.ipynb. A multi-layer perceptron
``mlp([n_0, n_1, ..., n_L], activation)`` computes, for layers
:math:`l = 1 \dots L`,

.. math::
    z_l = a_{l-1} W_l^\top + b_l, \qquad a_l = \phi(z_l) \quad (a_0 = x),

with no activation after the last layer. A *scheme* says how the weights
:math:`W_l` (shape :math:`(n_l, n_{l-1})`) and biases :math:`b_l` start:

=================  ==========================================================  ==============
scheme             weights                                                     biases
=================  ==========================================================  ==============
``zeros``          0                                                           0
``too_small``      :math:`\mathcal N(0, 0.01^2)`                               0
``too_large``      :math:`\mathcal N(0, 1)` (``np.random.randn``)              0
``xavier``         :math:`\mathcal N(0, 2 / (n_{\text{in}} + n_{\text{out}}))` 0
``he``             :math:`\mathcal N(0, 2 / n_{\text{in}})`                    0
``torch_default``  :math:`\mathcal U(\pm 1/\sqrt{n_{\text{in}}})`              the same
=================  ==========================================================  ==============

and ``gain`` multiplies the std of the weights (PyTorch's ``gain`` argument).

With independent, zero-mean weights, the variance of a pre-activation is the
sum of the variances of its terms (every cross term has a factor
:math:`\mathbb E[w_{ji}] = 0`):

.. math::
    q_l = \operatorname{Var}(z_l) = n_{l-1}\, \sigma_l^2\, \mathbb E[a_{l-1}^2] + s_l^2,
    \qquad \mathbb E[a_{l-1}^2] = \mathbb E_{z \sim \mathcal N(0, q_{l-1})}[\phi(z)^2],

with :math:`\sigma_l` the std of the weights and :math:`s_l` that of the
biases; for ReLU :math:`\mathbb E[\phi(z)^2] = q/2`. :func:`predict_stds`
runs this recursion forwards (the std of every :math:`z_l`) and its mirror
image backwards (the std of :math:`\partial L / \partial z_l` relative to the
output's, with :math:`\mathbb E[\phi'(z)^2]` in place of
:math:`\mathbb E[\phi(z)^2]`). It assumes wide layers; a narrow network
scatters around it from seed to seed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from course_lib import checks, nn
from course_lib.nn import functional as F
from course_lib.nn import init

__all__ = [
    "ACTIVATIONS",
    "SCHEMES",
    "SignalPrediction",
    "bias_std",
    "initialize_",
    "mlp",
    "predict_stds",
    "weight_std",
]

#: The schemes of :func:`initialize_`, in the order the chapter's table shows them.
SCHEMES = ("zeros", "too_small", "too_large", "xavier", "he", "torch_default")

#: The hidden activations of :func:`mlp` ("linear": none) and their modules.
ACTIVATIONS = {
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "sigmoid": nn.Sigmoid,
    "elu": nn.ELU,
    "linear": None,
}

SMALL_STD = 0.01  # the "small random numbers" of many tutorials
LARGE_STD = 1.0  # np.random.randn, what a first attempt writes

# E[f(z)] for z ~ N(0, q) is integrated on a grid that resolves both the Gaussian (width
# sqrt(q)) and the activation's own scale (about 1): a saturated tanh's slope is a narrow peak
# inside a wide Gaussian, a tiny q is a narrow Gaussian inside the activation.
_UNIT_GRID = np.linspace(-10.0, 10.0, 4001)


def mlp(sizes: Sequence[int], activation: str = "relu", *, dropout: float = 0.0,
        batch_norm: bool = False, rng=None, dtype=np.float32) -> nn.Sequential:
    """A multi-layer perceptron: ``Linear(sizes[0], sizes[1])``, activation, ..., ``Linear``.

    There is an activation after every Linear but the last (the output gives
    logits); ``activation="linear"`` puts none anywhere. Each hidden layer can
    also get a ``BatchNorm1d`` (between the Linear and the activation) and a
    ``Dropout`` (after the activation), in that order:
    ``Linear, BatchNorm1d, ReLU, Dropout, ..., Linear``. The layers start with
    ``course_lib.nn.Linear``'s default initialization (PyTorch's); call
    :func:`initialize_` to start them another way.

    Args:
        sizes: the widths ``[n_0, n_1, ..., n_L]``, at least two; ``n_0`` is the
            number of input features, ``n_L`` the number of outputs.
        activation: one of :data:`ACTIVATIONS`.
        dropout: the drop probability of a ``Dropout`` after every hidden layer, in
            [0, 1); 0 puts no dropout layer at all.
        batch_norm: put a ``BatchNorm1d`` after every hidden ``Linear``.
        rng: a ``np.random.Generator`` or an int seed for the default weights, and
            then for the dropout masks (the same generator, so one seed fixes both).
        dtype: float32 (the default) or float64.

    Returns:
        ``nn.Sequential`` of ``2 L - 1`` layers (``L`` without activations), plus one per
        hidden layer for batch norm and one for dropout.

    Shapes:
        input (N, sizes[0]) -> output (N, sizes[-1]).

    Example:
        >>> model = mlp([64, 32, 32, 10], "tanh", rng=0)
        >>> [type(layer).__name__ for layer in model]
        ['Linear', 'Tanh', 'Linear', 'Tanh', 'Linear']
        >>> [type(layer).__name__ for layer in mlp([2, 8, 2], dropout=0.5, batch_norm=True)]
        ['Linear', 'BatchNorm1d', 'ReLU', 'Dropout', 'Linear']

    Taught in notebooks/04_initialization.ipynb; dropout and batch norm in
    notebooks/06_regularization.ipynb.
    """
    sizes = [checks.integer(n, "every size", "mlp", minimum=1) for n in sizes]
    if len(sizes) < 2:
        raise ValueError(f"mlp: sizes needs at least two widths (inputs, outputs), got {sizes}")
    checks.choice(activation, ACTIVATIONS, "activation", "mlp")
    dropout = checks.number(dropout, "dropout (the probability of dropping a unit)", "mlp",
                            low=0, high=1, high_inclusive=False)
    checks.boolean(batch_norm, "batch_norm", "mlp")
    rng = checks.rng(rng, "mlp")
    layers = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(fan_in, fan_out, rng=rng, dtype=dtype))
        if index == len(sizes) - 2:  # the output layer
            break
        if batch_norm:
            layers.append(nn.BatchNorm1d(fan_out, dtype=dtype))
        if ACTIVATIONS[activation] is not None:
            layers.append(ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(nn.Dropout(dropout, rng=rng))
    return nn.Sequential(*layers)


def weight_std(scheme: str, fan_in: int, fan_out: int) -> float:
    r"""The std of the weights of a layer under ``scheme``, before any gain.

    ``xavier``: :math:`\sqrt{2 / (\text{fan\_in} + \text{fan\_out})}`;
    ``he``: :math:`\sqrt{2 / \text{fan\_in}}`; ``torch_default``:
    :math:`1 / \sqrt{3\, \text{fan\_in}}` (the std of
    :math:`\mathcal U(\pm 1/\sqrt{\text{fan\_in}})`); ``too_small`` 0.01,
    ``too_large`` 1, ``zeros`` 0.

    Example:
        >>> round(weight_std("he", 256, 256), 4)
        0.0884

    Taught in notebooks/04_initialization.ipynb.
    """
    checks.choice(scheme, SCHEMES, "scheme", "weight_std")
    fan_in = checks.integer(fan_in, "fan_in", "weight_std", minimum=1)
    fan_out = checks.integer(fan_out, "fan_out", "weight_std", minimum=1)
    stds = {
        "zeros": 0.0,
        "too_small": SMALL_STD,
        "too_large": LARGE_STD,
        "xavier": math.sqrt(2 / (fan_in + fan_out)),
        "he": math.sqrt(2 / fan_in),
        "torch_default": 1 / math.sqrt(3 * fan_in),
    }
    return stds[scheme]


def bias_std(scheme: str, fan_in: int) -> float:
    r"""The std of the biases of a layer under ``scheme``: :math:`1/\sqrt{3\,\text{fan\_in}}`
    for ``torch_default``, 0 for every other scheme (biases start at zero).

    Example:
        >>> bias_std("xavier", 64), round(bias_std("torch_default", 64), 4)
        (0.0, 0.0722)

    Taught in notebooks/04_initialization.ipynb.
    """
    checks.choice(scheme, SCHEMES, "scheme", "bias_std")
    fan_in = checks.integer(fan_in, "fan_in", "bias_std", minimum=1)
    return 1 / math.sqrt(3 * fan_in) if scheme == "torch_default" else 0.0


def initialize_(model: nn.Module, scheme: str, *, gain: float = 1.0, rng=None) -> nn.Module:
    """Re-initialize every ``Linear`` of ``model`` by ``scheme``, in place; return ``model``.

    Weights are drawn with ``course_lib.nn.init``: ``normal_`` with
    :func:`weight_std` times ``gain`` (``xavier`` is ``xavier_normal_``, ``he``
    is ``kaiming_normal_`` with ReLU's gain), ``uniform_`` with bound
    ``gain / sqrt(fan_in)`` for ``torch_default`` (as ``Linear.reset_parameters``),
    ``zeros_`` for ``zeros``. Biases are zero except for ``torch_default``, whose
    biases keep PyTorch's ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` (no gain).

    Args:
        model: a module holding ``Linear`` layers (any depth of nesting).
        scheme: one of :data:`SCHEMES`.
        gain: a factor on the std of every weight (> 0).
        rng: a ``np.random.Generator`` or an int seed; layers are drawn in order.

    Example:
        >>> model = initialize_(mlp([256, 256, 10], "relu", rng=0), "he", rng=0)
        >>> round(float(model[0].weight.data.std() * np.sqrt(256 / 2)), 1)
        1.0

    Taught in notebooks/04_initialization.ipynb.
    """
    checks.choice(scheme, SCHEMES, "scheme", "initialize_")
    gain = checks.number(gain, "gain", "initialize_", low=0, low_inclusive=False)
    rng = checks.rng(rng, "initialize_")
    for layer in model.modules():
        if not isinstance(layer, nn.Linear):
            continue
        fan_out, fan_in = layer.weight.shape
        if scheme == "torch_default":
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(layer.weight, -gain * bound, gain * bound, rng=rng)
            if layer.bias is not None:
                init.uniform_(layer.bias, -bound, bound, rng=rng)
            continue
        init.normal_(layer.weight, 0.0, gain * weight_std(scheme, fan_in, fan_out), rng=rng)
        if layer.bias is not None:
            init.zeros_(layer.bias)
    return model


@dataclass(frozen=True)
class SignalPrediction:
    """What :func:`predict_stds` predicts for the layers ``l = 1 .. L`` of an MLP.

    Attributes:
        pre_activation_std: (L,) the std of :math:`z_l`, over examples and units.
        gradient_std: (L,) the std of :math:`\\partial L / \\partial z_l` divided by that
            of the last layer's (so ``gradient_std[-1] == 1``): multiply by the measured
            std of the gradient of the logits to predict the others.

    Taught in notebooks/04_initialization.ipynb.
    """

    pre_activation_std: np.ndarray
    gradient_std: np.ndarray


def _expect(f, q: float) -> float:
    """E[f(z)] for z ~ N(0, q), by the trapezoid rule on a grid fine at both scales."""
    std = math.sqrt(q)
    if std == 0:
        return float(f(np.zeros(1))[0])
    z = np.union1d(std * _UNIT_GRID, 2 * _UNIT_GRID)
    density = np.exp(-0.5 * (z / std) ** 2) / (std * math.sqrt(2 * math.pi))
    return float(np.trapezoid(f(z) * density, z))


def _second_moments(activation: str, q: float, negative_slope: float) -> tuple[float, float]:
    r"""(E[phi(z)^2], E[phi'(z)^2]) for z ~ N(0, q); exact for the piecewise-linear ones."""
    if activation == "linear":
        return q, 1.0
    if activation in ("relu", "leaky_relu"):
        slope = 0.0 if activation == "relu" else negative_slope
        return q * (1 + slope**2) / 2, (1 + slope**2) / 2
    if activation == "tanh":
        return (_expect(lambda z: np.tanh(z) ** 2, q),
                _expect(lambda z: (1 - np.tanh(z) ** 2) ** 2, q))
    if activation == "sigmoid":
        return _expect(lambda z: F.sigmoid(z) ** 2, q), _expect(
            lambda z: (F.sigmoid(z) * (1 - F.sigmoid(z))) ** 2, q)
    # elu with alpha = 1
    return (_expect(lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))) ** 2, q),
            _expect(lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))) ** 2, q))


def predict_stds(sizes: Sequence[int], activation: str, scheme: str, *, gain: float = 1.0,
                 input_second_moment: float = 1.0, negative_slope: float = 0.01
                 ) -> SignalPrediction:
    r"""The std of every layer's pre-activations and gradients that the variance recursion predicts.

    Forwards, for :math:`l = 1 \dots L` (see the module docstring):
    :math:`q_1 = n_0 \sigma_1^2 \, \mathbb E[x^2] + s_1^2` and
    :math:`q_l = n_{l-1} \sigma_l^2 \,
    \mathbb E_{z \sim \mathcal N(0, q_{l-1})}[\phi(z)^2] + s_l^2`.
    Backwards, with :math:`g_l = \mathbb E[(\partial L / \partial z_l)^2]`:
    :math:`g_{l-1} = n_l \sigma_l^2 \, g_l \, \mathbb E[\phi'(z_{l-1})^2]`, normalised to
    :math:`g_L = 1`.

    Args:
        sizes: the widths ``[n_0, ..., n_L]`` of :func:`mlp`.
        activation: one of :data:`ACTIVATIONS` (ELU with alpha = 1; leaky ReLU with
            ``negative_slope``).
        scheme: one of :data:`SCHEMES`.
        gain: the factor on the weights' std, as in :func:`initialize_`.
        input_second_moment: :math:`\mathbb E[x^2]`, the mean of the squared inputs
            over examples and features (1 for standardized inputs).
        negative_slope: leaky ReLU's slope (PyTorch's default 0.01).

    Returns:
        A :class:`SignalPrediction` with arrays of shape (L,).

    Example:
        >>> p = predict_stds([256] * 11, "relu", "he")     # He keeps ReLU's std constant
        >>> p.pre_activation_std.round(3).tolist()[:3], float(p.gradient_std[0].round(2))
        ([1.414, 1.414, 1.414], 1.0)

    Taught in notebooks/04_initialization.ipynb.
    """
    sizes = [checks.integer(n, "every size", "predict_stds", minimum=1) for n in sizes]
    if len(sizes) < 2:
        raise ValueError(f"predict_stds: sizes needs at least two widths, got {sizes}")
    checks.choice(activation, ACTIVATIONS, "activation", "predict_stds")
    gain = checks.number(gain, "gain", "predict_stds", low=0, low_inclusive=False)
    second_moment = checks.number(input_second_moment, "input_second_moment", "predict_stds",
                                  low=0)
    slope = checks.number(negative_slope, "negative_slope", "predict_stds")
    fans = list(zip(sizes[:-1], sizes[1:], strict=True))
    weight_var = [(gain * weight_std(scheme, n_in, n_out)) ** 2 for n_in, n_out in fans]
    bias_var = [bias_std(scheme, n_in) ** 2 for n_in, _ in fans]

    q = np.zeros(len(fans))
    slope_moments = np.zeros(len(fans))
    for k, (n_in, _) in enumerate(fans):
        q[k] = n_in * weight_var[k] * second_moment + bias_var[k]
        second_moment, slope_moments[k] = _second_moments(activation, q[k], slope)

    g = np.ones(len(fans))
    for k in range(len(fans) - 1, 0, -1):
        n_out = fans[k][1]
        g[k - 1] = n_out * weight_var[k] * g[k] * slope_moments[k - 1]
    return SignalPrediction(pre_activation_std=np.sqrt(q), gradient_std=np.sqrt(g))
