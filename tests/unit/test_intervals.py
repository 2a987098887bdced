"""course_lib.intervals: the Wilson score interval of a proportion."""

import math

import numpy as np
import pytest

from course_lib.intervals import binomial_confidence_interval


def test_known_values_of_the_wilson_interval():
    # Wilson (1927) score interval, 95 %: 8 of 10 -> (0.4902, 0.9433); 0 of 10 -> (0, 0.2775)
    low, high = binomial_confidence_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    low, high = binomial_confidence_interval(0, 10)
    assert low == 0.0 and round(high, 4) == 0.2775
    low, high = binomial_confidence_interval(10, 10)
    assert high == 1.0 and round(low, 4) == 0.7225


def test_for_large_n_it_approaches_the_normal_interval():
    low, high = binomial_confidence_interval(90_000, 100_000)
    half = 1.959963984540054 * math.sqrt(0.9 * 0.1 / 100_000)
    assert low == pytest.approx(0.9 - half, abs=2e-5) and high == pytest.approx(0.9 + half,
                                                                                 abs=2e-5)


def test_a_wider_level_gives_a_wider_interval_around_the_estimate():
    intervals = [binomial_confidence_interval(70, 100, level=level) for level in (0.5, 0.9, 0.99)]
    widths = [high - low for low, high in intervals]
    assert widths == sorted(widths)
    assert all(low <= 0.7 <= high for low, high in intervals)


def test_the_95_percent_interval_covers_the_true_accuracy_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    n, p = 10_000, 0.9
    counts = rng.binomial(n, p, size=2_000)
    covered = np.mean([low <= p <= high for low, high in
                       (binomial_confidence_interval(int(k), n) for k in counts)])
    assert 0.93 <= covered <= 0.97


@pytest.mark.parametrize("args, kwargs, error", [
    ((11, 10), {}, ValueError), ((1, 0), {}, ValueError), ((-1, 10), {}, ValueError),
    ((1.5, 10), {}, TypeError), ((1, 10), {"level": 1.0}, ValueError),
])
def test_bad_arguments_are_refused(args, kwargs, error):
    with pytest.raises(error):
        binomial_confidence_interval(*args, **kwargs)
