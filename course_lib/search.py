r"""Hyper-parameter search: grids and random draws on a log scale, and the border check.

Taught in notebooks/08_classification.ipynb. A learning rate or a weight
decay matters by its order of magnitude, so both kinds of search work on
:math:`\log_{10}` of the value: a grid spaces its values evenly in the log
(``log_grid``, NumPy's ``geomspace``), a random search draws the log
uniformly (``log_uniform``). With the same budget of trials, a grid of
:math:`k \times k` tries only :math:`k` distinct values of each
hyper-parameter, a random search :math:`k^2` of each (Bergstra and Bengio,
"Random Search for Hyper-Parameter Optimization", JMLR 2012). Either way,
a best value at the border of its range means the range was too narrow
(``near_border``). The settings these functions return go straight into
``course_lib.experiments.run``.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib import checks

__all__ = ["LogUniform", "log_grid", "log_uniform", "near_border", "random_settings"]


def _log_range(low, high, where: str) -> tuple[float, float]:
    low = checks.number(low, "low", where, low=0, low_inclusive=False)
    high = checks.number(high, "high", where, low=0, low_inclusive=False)
    if not low < high:
        raise ValueError(f"{where}: low must be below high, got low={low:g} and high={high:g}")
    return low, high


def log_uniform(low, high, size=None, *, rng) -> np.ndarray | float:
    r"""Values whose logarithm is uniform: :math:`10^{u}`, :math:`u \sim \mathcal U(\log_{10}
    \text{low}, \log_{10} \text{high})`.

    Each decade of [low, high] gets the same share of the draws; a uniform draw in
    the value itself would put 90 % of them in the top decade.

    Args:
        low, high: the range, 0 < low < high.
        size: None (one float) or the number of values (or a shape).
        rng: a ``np.random.Generator`` or an int seed.

    Returns:
        A float, or a float64 array of shape ``size``, every value in [low, high].

    Example:
        >>> values = log_uniform(1e-4, 1.0, 10_000, rng=0)
        >>> counts, _ = np.histogram(np.log10(values), bins=4, range=(-4, 0))
        >>> counts.tolist()   # about a quarter of the draws in each of the four decades
        [2524, 2466, 2505, 2505]

    Taught in notebooks/08_classification.ipynb.
    """
    where = "log_uniform"
    low, high = _log_range(low, high, where)
    generator = checks.rng(rng, where)
    values = 10.0 ** generator.uniform(math.log10(low), math.log10(high), size)
    # 10 ** log10(x) can round a hair outside [low, high]
    values = np.clip(values, low, high)
    return float(values) if size is None else values


def log_grid(low, high, n: int) -> np.ndarray:
    """``n`` values from ``low`` to ``high``, both included, evenly spaced in the log.

    Example:
        >>> log_grid(1e-4, 1.0, 3).tolist()
        [0.0001, 0.01, 1.0]

    Taught in notebooks/08_classification.ipynb.
    """
    low, high = _log_range(low, high, "log_grid")
    n = checks.integer(n, "n", "log_grid", minimum=2)
    return np.geomspace(low, high, n)


class LogUniform:
    """A range searched on a log scale, for :func:`random_settings`.

    Example:
        >>> LogUniform(1e-4, 1.0)
        LogUniform(0.0001, 1)

    Taught in notebooks/08_classification.ipynb.
    """

    def __init__(self, low, high):
        self.low, self.high = _log_range(low, high, "LogUniform")

    def sample(self, size, rng: np.random.Generator) -> np.ndarray:
        """``size`` values drawn with :func:`log_uniform`."""
        return log_uniform(self.low, self.high, size, rng=rng)

    def __repr__(self) -> str:
        return f"LogUniform({self.low:g}, {self.high:g})"


def random_settings(n: int, *, rng, **ranges: LogUniform) -> list[dict]:
    """``n`` settings for ``course_lib.experiments.run``, each hyper-parameter drawn
    independently from its range.

    Example:
        >>> settings = random_settings(2, rng=0, lr=LogUniform(1e-4, 1), wd=LogUniform(1e-6, 1e-2))
        >>> [sorted(s) for s in settings]
        [['lr', 'wd'], ['lr', 'wd']]

    Taught in notebooks/08_classification.ipynb.
    """
    where = "random_settings"
    n = checks.integer(n, "n", where, minimum=1)
    generator = checks.rng(rng, where)
    if not ranges:
        raise ValueError(f"{where}: name at least one hyper-parameter, e.g. lr=LogUniform(1e-4, 1)")
    draws = {}
    for name, values in ranges.items():
        if not isinstance(values, LogUniform):
            raise TypeError(f"{where}: {name} must be a LogUniform range, got {values!r}")
        draws[name] = values.sample(n, generator)
    return [{name: float(draws[name][i]) for name in ranges} for i in range(n)]


def near_border(value, low, high, *, fraction: float = 0.1) -> bool:
    r"""Whether ``value`` lies in the lowest or highest ``fraction`` of [low, high], measured
    on the log scale: then the best value may lie outside the range searched.

    Example:
        >>> near_border(0.01, 1e-5, 1e-2), near_border(1e-3, 1e-5, 1e-1)
        (True, False)

    Taught in notebooks/08_classification.ipynb.
    """
    where = "near_border"
    low, high = _log_range(low, high, where)
    value = checks.number(value, "value", where, low=low, high=high)
    fraction = checks.number(fraction, "fraction", where, low=0, high=0.5, low_inclusive=False)
    position = (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))
    return position <= fraction or position >= 1 - fraction
