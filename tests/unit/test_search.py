"""course_lib.search: log-uniform draws, log grids, random settings and the border check."""

import math

import numpy as np
import pytest

from course_lib.experiments import run
from course_lib.search import LogUniform, log_grid, log_uniform, near_border, random_settings


def test_log_uniform_puts_the_same_share_of_draws_in_every_decade():
    values = log_uniform(1e-5, 1.0, 50_000, rng=0)
    assert values.shape == (50_000,) and values.dtype == np.float64
    assert values.min() >= 1e-5 and values.max() <= 1.0
    counts, _ = np.histogram(np.log10(values), bins=5, range=(-5, 0))
    expected, sigma = 10_000, math.sqrt(50_000 * 0.2 * 0.8)   # binomial spread of one decade
    assert np.all(np.abs(counts - expected) < 5 * sigma), counts
    # a draw uniform in the value would put about 90 % in the top decade
    assert counts[-1] / 50_000 < 0.25


def test_log_uniform_is_reproducible_and_uses_the_generator_it_is_given():
    assert np.array_equal(log_uniform(1e-3, 10, 5, rng=3), log_uniform(1e-3, 10, 5, rng=3))
    generator = np.random.default_rng(3)
    first, second = log_uniform(1e-3, 10, 5, rng=generator), log_uniform(1e-3, 10, 5, rng=generator)
    assert not np.array_equal(first, second)        # the generator moved on
    state = np.random.get_state()[1].copy()  # noqa: NPY002 (checking it is left alone)
    log_uniform(1e-3, 10, 5, rng=1)
    assert np.array_equal(np.random.get_state()[1], state), "global random state was used"  # noqa: NPY002


def test_log_uniform_sizes_and_a_single_value():
    value = log_uniform(0.5, 2.0, rng=0)
    assert isinstance(value, float) and 0.5 <= value <= 2.0
    assert log_uniform(0.5, 2.0, (2, 3), rng=0).shape == (2, 3)


@pytest.mark.parametrize("low, high", [(0.0, 1.0), (-1.0, 1.0), (1.0, 1.0), (2.0, 1.0)])
def test_log_uniform_refuses_a_range_without_a_log(low, high):
    with pytest.raises(ValueError):
        log_uniform(low, high, 3, rng=0)


@pytest.mark.parametrize("call", [
    lambda: log_uniform("1e-3", 1.0, 3, rng=0),
    lambda: log_uniform(1e-3, 1.0, 3, rng=np.random.RandomState(0)),
    lambda: log_grid(1e-3, 1.0, 2.5),
    lambda: random_settings(2, rng=0, lr=(1e-3, 1.0)),
    lambda: near_border("0.1", 1e-3, 1.0),
])
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


def test_log_grid_spaces_values_evenly_in_the_log():
    values = log_grid(1e-4, 1.0, 5)
    np.testing.assert_allclose(values, [1e-4, 1e-3, 1e-2, 1e-1, 1.0], rtol=1e-12)
    np.testing.assert_allclose(np.diff(np.log10(log_grid(3e-5, 0.7, 7))),
                               np.log10(0.7 / 3e-5) / 6, rtol=1e-10)
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        log_grid(1e-4, 1.0, 1)


def test_random_settings_draw_each_hyper_parameter_from_its_range():
    settings = random_settings(200, rng=0, lr=LogUniform(1e-4, 1.0),
                               weight_decay=LogUniform(1e-6, 1e-2))
    assert len(settings) == 200 and all(sorted(s) == ["lr", "weight_decay"] for s in settings)
    lrs = np.array([s["lr"] for s in settings])
    decays = np.array([s["weight_decay"] for s in settings])
    assert lrs.min() >= 1e-4 and lrs.max() <= 1.0 and decays.min() >= 1e-6 and decays.max() <= 1e-2
    assert len(set(lrs)) == 200                      # 200 distinct values, unlike a grid
    assert abs(np.corrcoef(np.log(lrs), np.log(decays))[0, 1]) < 0.2   # drawn independently
    assert random_settings(3, rng=5, lr=LogUniform(1e-4, 1.0)) == \
        random_settings(3, rng=5, lr=LogUniform(1e-4, 1.0))
    # they go straight into experiments.run
    sweep = run(lambda lr, seed: {"lr": lr}, random_settings(2, rng=0, lr=LogUniform(1e-3, 1)),
                seeds=[0], progress=False)
    assert sweep.keys == ["lr"]
    with pytest.raises(ValueError, match="name at least one"):
        random_settings(2, rng=0)


def test_near_border_measures_the_position_on_the_log_scale():
    assert near_border(1e-2, 1e-5, 1e-2)          # the top of the range
    assert near_border(1.2e-5, 1e-5, 1e-2)        # close to the bottom, in the log
    assert not near_border(1e-3, 1e-5, 1e-1)      # the middle decade
    # 0.03 is low in value but in the middle of [0.001, 1] in the log (half-way)
    assert not near_border(0.03, 1e-3, 1.0)
    assert near_border(0.03, 1e-3, 1.0, fraction=0.49) is False
    assert near_border(0.8, 1e-3, 1.0)             # 0.97 of the way up in the log
    assert not near_border(0.8, 1e-3, 1.0, fraction=0.02)
    with pytest.raises(ValueError, match="value"):
        near_border(2.0, 1e-3, 1.0)
    with pytest.raises(ValueError, match="fraction"):
        near_border(0.1, 1e-3, 1.0, fraction=0.6)


def test_log_uniform_range_object():
    assert repr(LogUniform(1e-4, 1.0)) == "LogUniform(0.0001, 1)"
    draws = LogUniform(1e-4, 1.0).sample(10, np.random.default_rng(0))
    assert draws.shape == (10,) and draws.min() >= 1e-4
    with pytest.raises(ValueError):
        LogUniform(1.0, 1e-4)
