r"""How sure is a measured accuracy? The binomial confidence interval.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb. A test accuracy
:math:`\hat p = k / n` counts :math:`k` right answers out of :math:`n` test
examples: a sample of a binomial variable. Another test set of the same size,
drawn from the same distribution, would give a somewhat different count; the
interval says how different. The textbook (Wald) interval is
:math:`\hat p \pm z \sqrt{\hat p (1 - \hat p) / n}`; the **Wilson score
interval** used here is its better-behaved form (it stays inside [0, 1] and
keeps its coverage for accuracies near 0 or 1):

.. math::
    \frac{\hat p + \frac{z^2}{2n}}{1 + \frac{z^2}{n}} \;\pm\;
    \frac{z}{1 + \frac{z^2}{n}} \sqrt{\frac{\hat p (1 - \hat p)}{n} + \frac{z^2}{4 n^2}}

with :math:`z` the standard normal quantile of the level (1.96 for 95 %).
Two models whose intervals overlap a lot have not been shown to differ.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from course_lib import checks

__all__ = ["binomial_confidence_interval"]


def binomial_confidence_interval(successes: int, trials: int, *,
                                 level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``successes / trials`` (module docstring).

    Args:
        successes: the number of successes k (e.g. test examples classified right).
        trials: the number of trials n >= 1 (test examples).
        level: the confidence level, between 0 and 1 (0.95 for a 95 % interval).

    Returns:
        ``(low, high)``, with ``0 <= low <= k / n <= high <= 1``.

    Example:
        >>> low, high = binomial_confidence_interval(8, 10)
        >>> round(low, 4), round(high, 4)
        (0.4902, 0.9433)

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    where = "binomial_confidence_interval"
    n = checks.integer(trials, "trials", where, minimum=1)
    k = checks.integer(successes, "successes", where, minimum=0)
    if k > n:
        raise ValueError(f"{where}: successes ({k}) cannot exceed trials ({n})")
    level = checks.number(level, "level", where, low=0.0, high=1.0, low_inclusive=False,
                          high_inclusive=False)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = k / n
    center = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half_width = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    # min/max only remove round-off: mathematically low <= p <= high always holds
    return max(0.0, min(p, center - half_width)), min(1.0, max(p, center + half_width))
