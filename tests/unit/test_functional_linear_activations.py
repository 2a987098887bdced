"""Functional linear, activations and softmax: float64 gradient checks on hypothesis-drawn
shapes and values, numerical stability, and dtype discipline.

Values are drawn with magnitudes in [0.1, 3] and a random sign: this keeps every input
at least 0.1 away from the kinks at 0 (ReLU, leaky ReLU, ELU), far larger than the
finite-difference step 1e-6, and keeps gradients from being so small that the rounding
error of the finite differences (about 1e-10 absolute) would dominate them.
"""

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
# Seeds of the random upstream gradient dout, drawn so that one shape does not always get
# the same dout (whose entries could happen to cancel in a sum such as dbias).
seeds = st.integers(0, 2**32 - 1)
batch = st.integers(1, 6)
features = st.integers(1, 7)


def matrices(rows=batch, cols=features, elements=nonzero):
    return st.tuples(rows, cols).flatmap(
        lambda shape: hnp.arrays(np.float64, shape, elements=elements))


@st.composite
def linear_inputs(draw):
    n, d_in, d_out = draw(batch), draw(features), draw(features)
    x = draw(hnp.arrays(np.float64, (n, d_in), elements=nonzero))
    w = draw(hnp.arrays(np.float64, (d_out, d_in), elements=nonzero))
    b = draw(hnp.arrays(np.float64, (d_out,), elements=nonzero))
    return x, w, b


@given(linear_inputs(), seeds)
def test_linear_backward_matches_finite_differences_for_x_weight_and_bias(inputs, seed):
    result = check_function(F.linear_forward, F.linear_backward, *inputs, seed=seed,
                            **GRADCHECK)
    assert [c.name for c in result] == ["x", "weight", "bias"]
    assert result.max_relative_error < TOLERANCE, result


@given(linear_inputs())
def test_linear_without_bias_returns_none_for_dbias(inputs):
    x, w, _ = inputs
    out, cache = F.linear_forward(x, w)
    dx, dw, db = F.linear_backward(np.ones_like(out), cache)
    assert db is None
    result = check_function(F.linear_forward, F.linear_backward, x, w, **GRADCHECK)
    assert result.max_relative_error < TOLERANCE, result


def test_linear_forward_computes_x_times_weight_transposed_plus_bias():
    x = np.array([[1.0, 2.0]])
    w = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # (out=3, in=2)
    out, _ = F.linear_forward(x, w, np.array([0.5, 0.0, -1.0]))
    np.testing.assert_array_equal(out, [[1.5, 2.0, 2.0]])


ELEMENTWISE = {
    "relu": (F.relu_forward, F.relu_backward, {}),
    "sigmoid": (F.sigmoid_forward, F.sigmoid_backward, {}),
    "tanh": (F.tanh_forward, F.tanh_backward, {}),
    "leaky_relu": (F.leaky_relu_forward, F.leaky_relu_backward, {"negative_slope": 0.1}),
    "elu": (F.elu_forward, F.elu_backward, {"alpha": 1.3}),
    "softmax": (F.softmax_forward, F.softmax_backward, {"dim": -1}),
    "softmax_dim0": (F.softmax_forward, F.softmax_backward, {"dim": 0}),
    "log_softmax": (F.log_softmax_forward, F.log_softmax_backward, {"dim": -1}),
    "log_softmax_dim0": (F.log_softmax_forward, F.log_softmax_backward, {"dim": 0}),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
@given(x=matrices(), seed=seeds)
def test_activation_backward_matches_finite_differences(name, x, seed):
    forward, backward, kwargs = ELEMENTWISE[name]
    result = check_function(forward, backward, x, seed=seed, **kwargs, **GRADCHECK)
    assert result.max_relative_error < TOLERANCE, result


@given(x=matrices(), slope=st.floats(0.0, 0.5), alpha=st.floats(0.1, 2.0))
def test_leaky_relu_and_elu_backward_for_drawn_hyper_parameters(x, slope, alpha):
    for forward, backward, kwargs in [
        (F.leaky_relu_forward, F.leaky_relu_backward, {"negative_slope": slope}),
        (F.elu_forward, F.elu_backward, {"alpha": alpha}),
    ]:
        result = check_function(forward, backward, x, **kwargs, **GRADCHECK)
        assert result.max_relative_error < TOLERANCE, result


def test_activation_values_on_known_points():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(F.relu_forward(x)[0], [0, 0, 0, 0.5, 2])
    np.testing.assert_allclose(F.sigmoid_forward(x)[0], 1 / (1 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_allclose(F.leaky_relu_forward(x, 0.1)[0], [-0.2, -0.05, 0, 0.5, 2])
    np.testing.assert_allclose(F.elu_forward(x, 2.0)[0], [2 * np.expm1(-2), 2 * np.expm1(-0.5),
                                                          0, 0.5, 2], rtol=1e-15)


def test_relu_gradient_at_zero_is_zero_like_pytorch():
    out, cache = F.relu_forward(np.array([0.0]))
    assert F.relu_backward(np.array([1.0]), cache)[0] == 0.0


def test_sigmoid_is_stable_for_large_inputs():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    # no overflow warning, not even inside np.where
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, cache = F.sigmoid_forward(x)
        dx = F.sigmoid_backward(np.ones_like(x), cache)
    assert out[0] == 0.0 and out[-1] == 1.0 and out[2] == 0.5
    assert out[1] == pytest.approx(np.exp(-50.0), rel=1e-12)  # not rounded to 0
    assert np.all(np.isfinite(dx))


def test_elu_does_not_overflow_for_large_positive_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, _ = F.elu_forward(np.array([1000.0, -1000.0]))
    np.testing.assert_array_equal(out, [1000.0, -1.0])


def test_softmax_and_log_softmax_are_stable_for_large_logits():
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        probabilities, _ = F.softmax_forward(x)
        log_probabilities, _ = F.log_softmax_forward(x)
    expected = np.exp([0.0, 1.0, 2.0]) / np.exp([0.0, 1.0, 2.0]).sum()
    np.testing.assert_allclose(probabilities[0], expected, rtol=1e-14)
    np.testing.assert_allclose(probabilities[1], [1 / 3] * 3, rtol=1e-14)
    np.testing.assert_allclose(log_probabilities[0], np.log(expected), rtol=1e-14)


@given(x=matrices(elements=st.floats(-30.0, 30.0)))
def test_softmax_rows_sum_to_one_and_log_softmax_is_its_log(x):
    probabilities, _ = F.softmax_forward(x)
    log_probabilities, _ = F.log_softmax_forward(x)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.exp(log_probabilities), probabilities, rtol=1e-12, atol=1e-300)


FLOAT32_PAIRS = [
    (F.relu_forward, F.relu_backward, {}),
    (F.sigmoid_forward, F.sigmoid_backward, {}),
    (F.tanh_forward, F.tanh_backward, {}),
    (F.leaky_relu_forward, F.leaky_relu_backward, {"negative_slope": 0.01}),
    (F.elu_forward, F.elu_backward, {"alpha": 1.0}),
    (F.softmax_forward, F.softmax_backward, {}),
    (F.log_softmax_forward, F.log_softmax_backward, {}),
]


@pytest.mark.parametrize("forward, backward, kwargs", FLOAT32_PAIRS,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_float32_activation_stays_float32_in_forward_and_backward(forward, backward, kwargs):
    x = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    out, cache = forward(x, **kwargs)
    dx = backward(np.ones_like(out), cache)
    assert out.dtype == np.float32 and dx.dtype == np.float32


def test_float32_linear_stays_float32():
    rng = np.random.default_rng(0)
    x, w, b = (rng.normal(size=s).astype(np.float32) for s in [(4, 3), (2, 3), (2,)])
    out, cache = F.linear_forward(x, w, b)
    grads = F.linear_backward(np.ones_like(out), cache)
    assert out.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)
