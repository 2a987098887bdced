"""Functional dropout and batch norm: float64 gradient checks on hypothesis-drawn shapes and
values, the statistics they promise, and their errors."""

import functools
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_lib.gradcheck import check_function
from course_lib.nn import functional as F

TOLERANCE = 1e-7  # norm-wise relative error of a float64 gradient check
# Hypothesis finds inputs where a gradient is tiny next to the function's value (an entry of
# dout @ W that cancels, a batch-norm dx of order 1e-5); there the rounding error of a plain
# central difference with step 1e-6 (about 1e-10 absolute) exceeds 1e-7 relative. The
# extrapolated estimate (error O(eps^4), step 1e-3) is about 1000 times more accurate.
GRADCHECK = {"eps": 1e-3, "extrapolate": True}

nonzero = st.one_of(st.floats(-3.0, -0.1), st.floats(0.1, 3.0))
# Seeds of the random upstream gradient dout. Drawn rather than fixed: with a fixed seed, every
# example of one shape would get the same dout, and a shape whose dout happens to sum to
# nearly 0 (a tiny dbias, swamped by rounding error) would always fail.
seeds = st.integers(0, 2**32 - 1)


@st.composite
def dropout_inputs(draw):
    shape = (draw(st.integers(1, 6)), draw(st.integers(1, 7)))
    x = draw(hnp.arrays(np.float64, shape, elements=nonzero))
    mask = draw(hnp.arrays(np.bool_, shape))
    p = draw(st.floats(0.0, 0.9))
    return x, mask, p


@given(dropout_inputs(), seeds)
def test_dropout_backward_with_a_fixed_mask_matches_finite_differences(inputs, seed):
    x, mask, p = inputs
    result = check_function(F.dropout_forward, F.dropout_backward, x, p=p, mask=mask, seed=seed,
                            **GRADCHECK)
    assert result.max_relative_error < TOLERANCE, result


@given(dropout_inputs())
def test_dropout_keeps_masked_units_scaled_by_one_over_keep_probability(inputs):
    x, mask, p = inputs
    out, _ = F.dropout_forward(x, p, mask=mask)
    expected = x if p == 0 else np.where(mask, x / (1 - p), 0.0)  # p = 0: nothing dropped
    np.testing.assert_allclose(out, expected, rtol=1e-15)


def test_dropout_drops_a_fraction_p_and_preserves_the_mean():
    # 10^6 Bernoulli draws: the standard error of the kept fraction is
    # sqrt(0.3 * 0.7 / 10^6) = 4.6e-4, so 6 standard errors is 2.7e-3.
    x = np.ones((1000, 1000))
    out, _ = F.dropout_forward(x, 0.3, rng=np.random.default_rng(0))
    assert abs((out == 0).mean() - 0.3) < 2.7e-3
    assert set(np.unique(out)) == {0.0, 1 / 0.7}
    # mean of out: kept fraction / 0.7, so its standard error is 4.6e-4 / 0.7 = 6.5e-4
    assert abs(out.mean() - 1.0) < 6 * 6.5e-4


def test_dropout_is_reproducible_with_the_same_seed_and_varies_between_calls():
    x = np.ones((8, 8))
    a, _ = F.dropout_forward(x, 0.5, rng=np.random.default_rng(1))
    b, _ = F.dropout_forward(x, 0.5, rng=np.random.default_rng(1))
    rng = np.random.default_rng(1)
    c, _ = F.dropout_forward(x, 0.5, rng=rng)
    d, _ = F.dropout_forward(x, 0.5, rng=rng)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(c, d)


def test_dropout_in_evaluation_or_with_p_zero_is_the_identity():
    x = np.arange(6.0).reshape(2, 3)
    for out, cache in [F.dropout_forward(x, 0.5, training=False),
                       F.dropout_forward(x, 0.0, rng=np.random.default_rng(0))]:
        assert out is x
        dout = np.ones_like(x)
        assert F.dropout_backward(dout, cache) is dout


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, float("nan")])
def test_dropout_rejects_p_outside_zero_one_with_the_value(p):
    with pytest.raises(ValueError, match="p .*probability of dropping.*" + repr(p)[:3]):
        F.dropout_forward(np.ones(3), p, rng=np.random.default_rng(0))


def test_dropout_refuses_a_p_or_rng_or_mask_of_the_wrong_type_and_a_misshapen_mask():
    with pytest.raises(TypeError, match="p .*must be a number, got True"):
        F.dropout_forward(np.ones(3), True, rng=0)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        F.dropout_forward(np.ones(3), 0.5, rng=np.random.RandomState(0))
    with pytest.raises(TypeError, match="mask must be a boolean array"):
        F.dropout_forward(np.ones(3), 0.5, mask=np.ones(3))
    with pytest.raises(ValueError, match=r"mask has shape \(2,\).*\(3,\)"):
        F.dropout_forward(np.ones(3), 0.5, mask=np.ones(2, dtype=bool))


def test_dropout_without_rng_draws_fresh_randomness():
    out, _ = F.dropout_forward(np.ones(10_000), 0.5)
    assert 0.45 < (out == 0).mean() < 0.55


def test_dropout_float32_stays_float32():
    x = np.ones((4, 4), dtype=np.float32)
    out, cache = F.dropout_forward(x, 0.25, rng=np.random.default_rng(0))
    assert out.dtype == np.float32 and F.dropout_backward(x, cache).dtype == np.float32


class BatchNormCase(NamedTuple):
    x: np.ndarray
    weight: np.ndarray
    bias: np.ndarray
    eps: float
    running_mean: np.ndarray
    running_var: np.ndarray


@st.composite
def batch_norm_inputs(draw, min_rows=2):
    """Inputs whose gradients are all large enough to be measured by finite differences
    (whose rounding error is about 1e-10 absolute):

    - x: distinct values in every column (unique integers of a grid, scaled and shifted), so
      the batch variance is never near 0, where 1/sqrt(var + eps) would explode;
    - weight and bias away from 0;
    - running_mean on the half-integer points of the same grid, so x - running_mean (and the
      gradient of the weight in evaluation mode) is never near 0;
    - eps: with N = 2 the normalised column is +-d / sqrt(d^2 + eps) (d: half the difference
      of the two values), nearly constant, so dx is of order eps / d^3, below the rounding
      error with the default eps = 1e-5; N = 3 is nearly as constrained. For N <= 3 eps is
      drawn comparable to the variance.
    """
    n, c = draw(st.integers(min_rows, 6)), draw(st.integers(1, 7))
    grid = draw(hnp.arrays(np.int64, (n, c), elements=st.integers(-50, 50), unique=True))
    scale, offset = draw(st.floats(0.1, 0.5)), draw(st.floats(-3.0, 3.0))
    x = offset + scale * grid
    weight = draw(hnp.arrays(np.float64, (c,), elements=nonzero))
    bias = draw(hnp.arrays(np.float64, (c,), elements=nonzero))
    eps = draw(st.floats(0.1, 10.0)) * np.var(x, axis=0).min() if n <= 3 else 1e-5
    half_grid = draw(hnp.arrays(np.int64, (c,), elements=st.integers(-50, 49))) + 0.5
    running_mean = offset + scale * half_grid
    running_var = draw(hnp.arrays(np.float64, (c,), elements=st.floats(0.1, 2.0)))
    return BatchNormCase(x, weight, bias, eps, running_mean, running_var)


def batch_norm_in_training(x, weight, bias, eps):
    """batch_norm_forward in training mode with running statistics of its own, which it
    updates and which do not change its output."""
    running_mean, running_var = np.zeros(x.shape[1]), np.ones(x.shape[1])
    return F.batch_norm_forward(x, weight, bias, running_mean, running_var, training=True,
                                eps=eps)


@given(batch_norm_inputs(), seeds)
def test_batch_norm_training_backward_matches_finite_differences(case, seed):
    forward = functools.partial(batch_norm_in_training, eps=case.eps)
    result = check_function(forward, F.batch_norm_backward, case.x, case.weight, case.bias,
                            seed=seed, **GRADCHECK)
    assert [c.name for c in result] == ["x", "weight", "bias"]
    assert result.max_relative_error < TOLERANCE, result


@given(batch_norm_inputs(min_rows=1), seeds)
def test_batch_norm_evaluation_backward_matches_finite_differences(case, seed):
    result = check_function(F.batch_norm_forward, F.batch_norm_backward, case.x, case.weight,
                            case.bias, case.running_mean, case.running_var, training=False,
                            seed=seed, **GRADCHECK)
    assert result.max_relative_error < TOLERANCE, result


def test_batch_norm_training_output_has_zero_mean_unit_variance_then_scale_and_shift():
    x = np.random.default_rng(0).normal(5.0, 3.0, size=(64, 4))
    out, _ = batch_norm_in_training(x, np.full(4, 2.0), np.full(4, -1.0), eps=1e-12)
    np.testing.assert_allclose(out.mean(axis=0), -1.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 2.0, rtol=1e-12)


def test_batch_norm_training_updates_the_running_statistics_in_place_with_the_unbiased_var():
    x = np.random.default_rng(0).normal(5.0, 3.0, size=(8, 3))
    running_mean, running_var = np.full(3, 1.0), np.full(3, 2.0)
    mean_id, var_id = id(running_mean), id(running_var)
    F.batch_norm_forward(x, np.ones(3), np.zeros(3), running_mean, running_var, momentum=0.25)
    np.testing.assert_allclose(running_mean, 0.75 * 1.0 + 0.25 * x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(running_var, 0.75 * 2.0 + 0.25 * x.var(axis=0, ddof=1),
                               rtol=1e-14)
    assert (id(running_mean), id(running_var)) == (mean_id, var_id)


def test_batch_norm_evaluation_uses_the_running_statistics_and_leaves_them_alone():
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    running_mean, running_var = np.array([1.0, 2.0]), np.array([4.0, 16.0])
    out, _ = F.batch_norm_forward(x, np.ones(2), np.zeros(2), running_mean, running_var,
                                  training=False, eps=1e-300)
    np.testing.assert_allclose(out, [[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(running_mean, [1.0, 2.0])
    np.testing.assert_array_equal(running_var, [4.0, 16.0])


def test_batch_norm_refuses_a_single_sample_in_training_and_misshapen_statistics():
    ones, zeros = np.ones(3), np.zeros(3)
    with pytest.raises(ValueError, match=r"at least 2 samples.*\(1, 3\)"):
        F.batch_norm_forward(np.ones((1, 3)), ones, zeros, zeros.copy(), ones.copy())
    with pytest.raises(ValueError, match=r"running_var must have shape \(3,\)"):
        F.batch_norm_forward(np.ones((2, 3)), ones, zeros, zeros.copy(), np.ones(2))
    with pytest.raises(TypeError, match="running_mean must be a float NumPy array"):
        F.batch_norm_forward(np.ones((2, 3)), ones, zeros, [0.0, 0.0, 0.0], ones.copy())
    with pytest.raises(ValueError, match="eps must be a finite number > 0, got 0.0"):
        F.batch_norm_forward(np.ones((2, 3)), ones, zeros, zeros.copy(), ones.copy(), eps=0.0)


def test_batch_norm_float32_stays_float32():
    x = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
    w, b = np.ones(3, np.float32), np.zeros(3, np.float32)
    out, cache = batch_norm_in_training(x, w, b, eps=1e-5)
    grads = F.batch_norm_backward(np.ones_like(out), cache)
    assert out.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)
