"""Weight initialisation schemes, with PyTorch's names and signatures.

Each function fills a ``Parameter`` (or a float ndarray) IN PLACE and returns
it (hence the trailing underscore), drawing from an explicit ``rng``: a
``np.random.Generator``, an int seed, or None for a fresh unseeded generator.
For a weight of shape (out_features, in_features), ``fan_in`` is
in_features and ``fan_out`` is out_features.

Taught in notebooks/04_initialization.ipynb, which derives Xavier/Glorot and
Kaiming/He from keeping the variance of activations (or gradients) constant
through depth.

Example:
    >>> w = Parameter(np.empty((512, 784), dtype=np.float32))
    >>> _ = kaiming_normal_(w, nonlinearity="relu", rng=np.random.default_rng(0))
    >>> round(float(w.data.std() * np.sqrt(784 / 2)), 1)
    1.0
"""

from __future__ import annotations

import math

import numpy as np

from course_lib import checks
from course_lib.nn.module import Parameter

_LINEAR_LIKE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                "conv_transpose3d", "sigmoid")


def _array(tensor, where: str) -> np.ndarray:
    array = tensor.data if isinstance(tensor, Parameter) else tensor
    if not isinstance(array, np.ndarray) or not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{where} fills a Parameter or a floating point np.ndarray in place, "
                        f"got {type(tensor).__name__}")
    return array


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The recommended gain (scale factor of the std) for a nonlinearity, as in PyTorch.

    ========================  =========================================
    nonlinearity              gain
    ========================  =========================================
    linear, conv*, sigmoid    1
    tanh                      5/3
    relu                      :math:`\sqrt{2}`
    leaky_relu                :math:`\sqrt{2 / (1 + \text{slope}^2)}`
    selu                      3/4
    ========================  =========================================

    For leaky_relu, ``param`` is the negative slope (default 0.01).

    Taught in notebooks/04_initialization.ipynb.
    """
    if nonlinearity in _LINEAR_LIKE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        else:
            negative_slope = checks.number(param, "param (the negative slope)", "calculate_gain")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; choose one of "
        f"{', '.join(_LINEAR_LIKE + ('tanh', 'relu', 'leaky_relu', 'selu'))}"
    )


def _calculate_fan_in_and_fan_out(array: np.ndarray, where: str) -> tuple[int, int]:
    if array.ndim < 2:
        raise ValueError(
            f"{where}: fan in and fan out need an array with at least 2 dimensions "
            f"(out_features, in_features), got shape {array.shape}"
        )
    receptive_field = math.prod(array.shape[2:])
    return array.shape[1] * receptive_field, array.shape[0] * receptive_field


def _fan(array: np.ndarray, mode: str, where: str) -> int:
    checks.choice(mode, ("fan_in", "fan_out"), "mode", where)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array, where)
    return fan_in if mode == "fan_in" else fan_out


def zeros_(tensor):
    """Fill with 0.

    Taught in notebooks/04_initialization.ipynb (the symmetry problem).
    """
    _array(tensor, "zeros_")[...] = 0
    return tensor


def ones_(tensor):
    """Fill with 1.

    Taught in notebooks/04_initialization.ipynb.
    """
    _array(tensor, "ones_")[...] = 1
    return tensor


def uniform_(tensor, a: float = 0.0, b: float = 1.0, *, rng=None):
    r"""Fill with samples of :math:`\mathcal U(a, b)`.

    Taught in notebooks/04_initialization.ipynb.
    """
    array = _array(tensor, "uniform_")
    a = checks.number(a, "a", "uniform_")
    b = checks.number(b, "b", "uniform_", low=a)
    array[...] = checks.rng(rng, "uniform_").uniform(a, b, size=array.shape)
    return tensor


def normal_(tensor, mean: float = 0.0, std: float = 1.0, *, rng=None):
    r"""Fill with samples of :math:`\mathcal N(\text{mean}, \text{std}^2)`.

    Taught in notebooks/04_initialization.ipynb.
    """
    array = _array(tensor, "normal_")
    mean = checks.number(mean, "mean", "normal_")
    std = checks.number(std, "std", "normal_", low=0)
    array[...] = checks.rng(rng, "normal_").normal(mean, std, size=array.shape)
    return tensor


def xavier_uniform_(tensor, gain: float = 1.0, *, rng=None):
    r"""Xavier/Glorot uniform: :math:`\mathcal U(-b, b)`.

    :math:`b = \text{gain}\sqrt{6/(\text{fan\_in}+\text{fan\_out})}`, so the
    variance is :math:`\text{gain}^2 \cdot 2/(\text{fan\_in}+\text{fan\_out})`
    (Glorot & Bengio, 2010). Taught in notebooks/04_initialization.ipynb.
    """
    array = _array(tensor, "xavier_uniform_")
    if array.size == 0:  # nothing to fill (PyTorch: a no-op)
        return tensor
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    array[...] = checks.rng(rng, "xavier_uniform_").uniform(-bound, bound, size=array.shape)
    return tensor


def xavier_normal_(tensor, gain: float = 1.0, *, rng=None):
    r"""Xavier/Glorot normal: :math:`\mathcal N(0, \sigma^2)`.

    :math:`\sigma = \text{gain}\sqrt{2/(\text{fan\_in}+\text{fan\_out})}`.

    Taught in notebooks/04_initialization.ipynb.
    """
    array = _array(tensor, "xavier_normal_")
    if array.size == 0:  # nothing to fill (PyTorch: a no-op)
        return tensor
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array, "xavier_normal_")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    array[...] = checks.rng(rng, "xavier_normal_").normal(0.0, std, size=array.shape)
    return tensor


def kaiming_uniform_(tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", *, rng=None):
    r"""Kaiming/He uniform: :math:`\mathcal U(-b, b)`, :math:`b = \text{gain}\sqrt{3/\text{fan}}`.

    ``gain = calculate_gain(nonlinearity, a)`` (``a``: the negative slope of
    a leaky ReLU); ``mode="fan_in"`` keeps the variance of activations in the
    forward pass, "fan_out" that of gradients in the backward pass (He et al.,
    2015). Taught in notebooks/04_initialization.ipynb.
    """
    array = _array(tensor, "kaiming_uniform_")
    if array.size == 0:  # nothing to fill (PyTorch: a no-op)
        return tensor
    fan = _fan(array, mode, "kaiming_uniform_")
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    array[...] = checks.rng(rng, "kaiming_uniform_").uniform(-bound, bound, size=array.shape)
    return tensor


def kaiming_normal_(tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", *, rng=None):
    r"""Kaiming/He normal: :math:`\mathcal N(0, \sigma^2)`.

    :math:`\sigma = \text{gain}/\sqrt{\text{fan}}`.

    For ReLU (gain :math:`\sqrt 2`) the variance is :math:`2/\text{fan\_in}`.
    Arguments as ``kaiming_uniform_``. Taught in notebooks/04_initialization.ipynb.
    """
    array = _array(tensor, "kaiming_normal_")
    if array.size == 0:  # nothing to fill (PyTorch: a no-op)
        return tensor
    fan = _fan(array, mode, "kaiming_normal_")
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    array[...] = checks.rng(rng, "kaiming_normal_").normal(0.0, std, size=array.shape)
    return tensor
