"""The reference answers of exercise 04 (initialization), and the statistics its tests use.

Used by the test cells of solutions/04_init.ipynb (and so of exercises/04_init.ipynb);
taught in no notebook. ``init_references`` holds the course's version of every
function the exercise asks for, in task order, with the exercise's names and
signatures; a test cell grades a task on its own with
``graded_alone(function, init_references)`` (``course_lib.grading.exercise_support``).

The initializers fill a weight of shape (fan_out, fan_in), as a ``Linear``
layer's, **in place** and return it, as PyTorch's do:

- ``xavier_uniform_``: U(-a, a), a = gain sqrt(6 / (fan_in + fan_out));
- ``xavier_normal_``: N(0, std^2), std = gain sqrt(2 / (fan_in + fan_out));
- ``kaiming_normal_``: N(0, std^2), std = gain / sqrt(fan_in) (gain sqrt(2) for ReLU);
- ``kaiming_uniform_``: U(-a, a), a = gain sqrt(3 / fan_in);

and ``predicted_stds`` runs the variance recursion of an MLP with zero biases.
It runs in the grading kernel, so it imports only NumPy.
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass

import numpy as np

__all__ = [
    "SampleStatistics",
    "check_distribution",
    "check_fills_in_place",
    "init_references",
    "sample_statistics",
]


def _xavier_uniform_(weight, gain=1.0, *, rng):
    """Fill weight (fan_out, fan_in) in place with U(-a, a), a = gain sqrt(6 / (in + out))."""
    fan_out, fan_in = weight.shape
    bound = gain * math.sqrt(6 / (fan_in + fan_out))
    weight[...] = rng.uniform(-bound, bound, size=weight.shape)
    return weight


def _xavier_normal_(weight, gain=1.0, *, rng):
    """Fill weight (fan_out, fan_in) in place with N(0, std^2), std = gain sqrt(2 / (in + out))."""
    fan_out, fan_in = weight.shape
    std = gain * math.sqrt(2 / (fan_in + fan_out))
    weight[...] = rng.normal(0.0, std, size=weight.shape)
    return weight


def _kaiming_normal_(weight, gain=2**0.5, *, rng):
    """Fill weight (fan_out, fan_in) in place with N(0, std^2), std = gain / sqrt(fan_in)."""
    fan_in = weight.shape[1]
    weight[...] = rng.normal(0.0, gain / math.sqrt(fan_in), size=weight.shape)
    return weight


def _kaiming_uniform_(weight, gain=2**0.5, *, rng):
    """Fill weight (fan_out, fan_in) in place with U(-a, a), a = gain sqrt(3 / fan_in)."""
    fan_in = weight.shape[1]
    bound = gain * math.sqrt(3 / fan_in)
    weight[...] = rng.uniform(-bound, bound, size=weight.shape)
    return weight


_SECOND_MOMENT = {"linear": lambda slope: 1.0, "relu": lambda slope: 0.5,
                  "leaky_relu": lambda slope: (1 + slope**2) / 2}


def _predicted_stds(input_std, weight_stds, fan_ins, activation="relu", negative_slope=0.01):
    """The std of the pre-activations z_1 .. z_L of an MLP with zero biases, float64 (L,).

    q_1 = fan_ins[0] weight_stds[0]^2 input_std^2, q_l = fan_ins[l] weight_stds[l]^2 c q_{l-1},
    with c = E[phi(z)^2] / Var(z): 1 (linear), 1/2 (relu), (1 + slope^2) / 2 (leaky_relu).
    """
    c = _SECOND_MOMENT[activation](negative_slope)
    q = []
    for layer, (std, fan_in) in enumerate(zip(weight_stds, fan_ins, strict=True)):
        second_moment = input_std**2 if layer == 0 else c * q[-1]
        q.append(fan_in * std**2 * second_moment)
    return np.sqrt(np.array(q, dtype=np.float64))


init_references = types.SimpleNamespace(
    xavier_uniform_=_xavier_uniform_,
    xavier_normal_=_xavier_normal_,
    kaiming_normal_=_kaiming_normal_,
    kaiming_uniform_=_kaiming_uniform_,
    predicted_stds=_predicted_stds,
)


@dataclass(frozen=True)
class SampleStatistics:
    """Mean, std, largest absolute value and excess kurtosis of a sample (float64 numbers).

    The excess kurtosis :math:`\\mathbb E[(x - \\mu)^4] / \\sigma^4 - 3` tells the shapes
    apart: 0 for a normal distribution, -1.2 for a uniform one.
    """

    mean: float
    std: float
    max_abs: float
    excess_kurtosis: float


def sample_statistics(values) -> SampleStatistics:
    """The :class:`SampleStatistics` of every entry of ``values``, computed in float64.

    Example:
        >>> s = sample_statistics(np.random.default_rng(0).uniform(-1, 1, 100_000))
        >>> round(s.std * math.sqrt(3), 2), round(s.excess_kurtosis, 1)
        (1.0, -1.2)
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    mean, std = float(x.mean()), float(x.std())
    kurtosis = float(np.mean((x - mean) ** 4) / std**4 - 3) if std > 0 else math.nan
    return SampleStatistics(mean, std, float(np.abs(x).max()), kurtosis)


def check_fills_in_place(initializer, name: str, *, shape=(30, 20), dtype=np.float32, **kwargs):
    """Fail (AssertionError, with a message for the learner) unless ``initializer`` fills the
    array it is given, every entry, keeps its dtype, returns that same array, and draws its
    numbers from the ``rng`` argument alone (the same seed twice gives the same numbers, two
    seeds give different ones). ``kwargs`` go to the initializer (e.g. ``gain``)."""
    weight = np.full(shape, np.nan, dtype=dtype)
    out = initializer(weight, rng=np.random.default_rng(0), **kwargs)
    if out is not weight:
        what = "a new array" if isinstance(out, np.ndarray) else type(out).__name__
        raise AssertionError(
            f"{name} returned {what}; it must fill the array it was given in place "
            "(weight[...] = ...) and return that same array (return weight)")
    unfilled = int(np.count_nonzero(~np.isfinite(weight)))
    assert unfilled == 0, (
        f"{name} left {unfilled} of the {weight.size} entries of a {shape} array unfilled: "
        "fill every entry of weight in place, e.g. weight[...] = ...")
    assert weight.dtype == dtype, f"{name} changed the array's dtype to {weight.dtype}"
    again = initializer(np.full(shape, np.nan, dtype=dtype), rng=np.random.default_rng(0),
                        **kwargs)
    assert np.array_equal(again, weight), (
        f"{name} gave different numbers for the same seed, rng=np.random.default_rng(0): "
        "draw every random number from the rng argument (rng.uniform, rng.normal), never "
        "from np.random")
    other = initializer(np.full(shape, np.nan, dtype=dtype), rng=np.random.default_rng(1),
                        **kwargs)
    assert not np.array_equal(other, weight), (
        f"{name} gave the same numbers for two different seeds: draw them from the rng "
        "argument")


def check_distribution(weight, name: str, *, std: float, uniform: bool, formula: str) -> None:
    """Fail (AssertionError, with a message for the learner) unless the entries of ``weight``
    look drawn from a zero-mean distribution with this ``std``: uniform on
    ±sqrt(3) std, or normal. The tolerances hold for thousands of
    entries: mean within 0.05 std of 0, std within 3 %, excess kurtosis below -1 (uniform,
    -1.2) or within 0.3 of 0 (normal)."""
    s = sample_statistics(weight)
    assert abs(s.mean) < 0.05 * std, (
        f"{name}: the mean of the weights is {s.mean:.4g}; expected about 0 (the distribution "
        "is symmetric around 0)")
    assert abs(s.std / std - 1) < 0.03, (
        f"{name}: the std of the weights is {s.std:.5g}; expected {std:.5g} = {formula} "
        f"(within 3 %). Got / expected = {s.std / std:.3f}")
    if uniform:
        bound = math.sqrt(3) * std
        assert s.max_abs <= bound * (1 + 1e-6), (
            f"{name}: values reach {s.max_abs:.5g}; a uniform distribution with std {std:.5g} "
            f"stays within its bound sqrt(3) std = {bound:.5g}")
        assert s.excess_kurtosis < -1.0, (
            f"{name}: the values do not look uniform (excess kurtosis {s.excess_kurtosis:.2f}; "
            "uniform -1.2, normal 0): draw them with rng.uniform")
    else:
        assert abs(s.excess_kurtosis) < 0.3, (
            f"{name}: the values do not look normal (excess kurtosis {s.excess_kurtosis:.2f}; "
            "normal 0, uniform -1.2): draw them with rng.normal")
