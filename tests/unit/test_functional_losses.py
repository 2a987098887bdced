"""Functional losses: float64 gradient checks on hypothesis-drawn shapes and values for every
reduction, values on known points, numerical stability, target validation and dtypes.

Residuals pred - target are drawn with magnitudes in [0.1, 3] (away from the kink of L1 at
0) and, for Huber, at least 0.05 away from |r| = delta (its second derivative jumps there).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_lib.gradcheck import check_function
from course_lib.nn import functional as F

TOLERANCE = 1e-7  # norm-wise relative error of a float64 gradient check
# Extrapolated central differences (error O(eps^4), step 1e-3): about 1000 times less
# rounding error than a plain step of 1e-6, so that gradients that happen to be small next
# to the loss value (a mean over many elements) are still measured to 1e-7.
GRADCHECK = {"eps": 1e-3, "extrapolate": True}
REDUCTIONS = ["mean", "sum", "none"]

seeds = st.integers(0, 2**32 - 1)
magnitudes = st.floats(0.1, 3.0)
signs = st.sampled_from([-1.0, 1.0])
shapes = st.one_of(st.tuples(st.integers(1, 6)), st.tuples(st.integers(1, 6), st.integers(1, 4)))


@st.composite
def regression_pair(draw, delta=None):
    """pred and target of one shape with |pred - target| in [0.1, 3] (and, for Huber, at
    least 0.05 from delta)."""
    shape = draw(shapes)
    pred = draw(hnp.arrays(np.float64, shape, elements=st.floats(-3.0, 3.0)))
    if delta is None:
        size = magnitudes
    else:
        size = st.one_of(st.floats(0.1, max(0.1, delta - 0.05)),
                         st.floats(delta + 0.05, delta + 3.0))
    residual = draw(hnp.arrays(np.float64, shape, elements=size))
    residual *= draw(hnp.arrays(np.float64, shape, elements=signs))
    return pred, pred - residual


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(pair=regression_pair(), seed=seeds)
def test_mse_loss_backward_matches_finite_differences(reduction, pair, seed):
    result = check_function(F.mse_loss_forward, F.mse_loss_backward, *pair,
                            reduction=reduction, seed=seed, **GRADCHECK)
    assert [c.name for c in result] == ["pred"]  # the target is data: no gradient
    assert result.max_relative_error < TOLERANCE, result


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(pair=regression_pair(), seed=seeds)
def test_l1_loss_backward_matches_finite_differences(reduction, pair, seed):
    result = check_function(F.l1_loss_forward, F.l1_loss_backward, *pair,
                            reduction=reduction, seed=seed, **GRADCHECK)
    assert result.max_relative_error < TOLERANCE, result


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
@given(data=st.data(), seed=seeds)
def test_huber_loss_backward_matches_finite_differences(reduction, delta, data, seed):
    pred, target = data.draw(regression_pair(delta=delta))
    result = check_function(F.huber_loss_forward, F.huber_loss_backward, pred, target,
                            reduction=reduction, delta=delta, seed=seed, **GRADCHECK)
    assert result.max_relative_error < TOLERANCE, result


@st.composite
def binary_pair(draw):
    shape = draw(shapes)
    logits = draw(hnp.arrays(np.float64, shape, elements=st.floats(-6.0, 6.0)))
    target = draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0, 1.0)))
    return logits, target


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(pair=binary_pair(), seed=seeds)
def test_binary_cross_entropy_with_logits_backward_matches_finite_differences(reduction, pair,
                                                                              seed):
    result = check_function(F.binary_cross_entropy_with_logits_forward,
                            F.binary_cross_entropy_with_logits_backward, *pair,
                            reduction=reduction, seed=seed, **GRADCHECK)
    assert result.max_relative_error < TOLERANCE, result


@st.composite
def classification_pair(draw):
    n, c = draw(st.integers(1, 6)), draw(st.integers(1, 7))
    logits = draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-5.0, 5.0)))
    target = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    return logits, target


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(pair=classification_pair(), seed=seeds)
def test_cross_entropy_backward_matches_finite_differences(reduction, pair, seed):
    result = check_function(F.cross_entropy_forward, F.cross_entropy_backward, *pair,
                            reduction=reduction, seed=seed, **GRADCHECK)
    assert [c.name for c in result] == ["logits"]
    assert result.max_relative_error < TOLERANCE, result


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(pair=binary_pair(), pos_weight=st.floats(0.0, 5.0), seed=seeds)
def test_binary_cross_entropy_with_logits_and_pos_weight_backward_matches_finite_differences(
        reduction, pair, pos_weight, seed):
    result = check_function(F.binary_cross_entropy_with_logits_forward,
                            F.binary_cross_entropy_with_logits_backward, *pair,
                            reduction=reduction, pos_weight=pos_weight, seed=seed, **GRADCHECK)
    assert result.max_relative_error < TOLERANCE, result


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(shape=shapes, data=st.data(), seed=seeds)
def test_binary_cross_entropy_on_probabilities_backward_matches_finite_differences(
        reduction, shape, data, seed):
    # probabilities away from 0 and 1 (log's higher derivatives) and hard labels, so the
    # gradient (p - y) / (p (1 - p)) is never 0 (a relative error of exactly 0 is meaningless)
    probs = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.2, 0.8)))
    target = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    result = check_function(F.binary_cross_entropy_forward, F.binary_cross_entropy_backward,
                            probs, target, reduction=reduction, seed=seed, **GRADCHECK)
    assert result.max_relative_error < TOLERANCE, result


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(pair=classification_pair(), data=st.data(), seed=seeds)
def test_cross_entropy_with_weights_and_label_smoothing_matches_finite_differences(
        reduction, pair, data, seed):
    classes = pair[0].shape[1]
    weight = data.draw(hnp.arrays(np.float64, (classes,), elements=st.floats(0.1, 5.0)))
    smoothing = data.draw(st.floats(0.0, 0.9))  # 1.0 with equal logits: a gradient of exactly 0
    result = check_function(F.cross_entropy_forward, F.cross_entropy_backward, *pair,
                            reduction=reduction, weight=weight, label_smoothing=smoothing,
                            seed=seed, **GRADCHECK)
    assert result.max_relative_error < TOLERANCE, result


def test_weighted_cross_entropy_mean_divides_by_the_summed_weights_of_the_targets():
    logits, target = np.zeros((3, 2)), np.array([0, 1, 1])
    weight = np.array([1.0, 3.0])
    loss, _ = F.cross_entropy_forward(logits, target, weight=weight)
    # every sample has -log(1/2); weighted sum (1 + 3 + 3) log 2, divided by 1 + 3 + 3
    assert loss == pytest.approx(np.log(2), rel=1e-15)
    total, _ = F.cross_entropy_forward(logits, target, "sum", weight=weight)
    assert total == pytest.approx(7 * np.log(2), rel=1e-15)


def test_label_smoothing_moves_epsilon_of_the_target_evenly_to_every_class():
    logits = np.array([[2.0, 0.0, -1.0]])
    log_p = F.log_softmax(logits)[0]
    loss, _ = F.cross_entropy_forward(logits, np.array([0]), label_smoothing=0.3)
    assert loss == pytest.approx(-(0.7 * log_p[0] + 0.1 * log_p.sum()), rel=1e-14)


def test_pos_weight_multiplies_only_the_positive_examples_loss():
    logits, target = np.array([0.3, -1.2]), np.array([1.0, 0.0])
    plain, _ = F.binary_cross_entropy_with_logits_forward(logits, target, "none")
    weighted, _ = F.binary_cross_entropy_with_logits_forward(logits, target, "none",
                                                             pos_weight=4.0)
    np.testing.assert_allclose(weighted, [4 * plain[0], plain[1]], rtol=1e-15)


def test_the_functional_entry_points_check_once_and_the_printed_code_is_the_plain_formula():
    import inspect
    source = inspect.getsource(F.mse_loss_backward)
    assert source.startswith("def mse_loss_backward(dout, cache)")
    with pytest.raises(ValueError, match=r"dout has shape \(3,\), expected \(\)"):
        F.mse_loss_backward(np.ones(3), F.mse_loss_forward(np.zeros(3), np.ones(3))[1])
    with pytest.raises(ValueError, match="probs must be probabilities in \\[0, 1\\]"):
        F.binary_cross_entropy_forward(np.array([1.5]), np.array([1.0]))
    with pytest.raises(ValueError, match=r"weight must have one entry per class, shape \(3,\)"):
        F.cross_entropy_forward(np.zeros((2, 3)), np.array([0, 1]), weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="pos_weight must be one number or one per output"):
        F.binary_cross_entropy_with_logits_forward(np.zeros((2, 3)), np.zeros((2, 3)),
                                                   pos_weight=[1.0, 2.0])


def test_loss_values_on_known_points():
    pred, target = np.array([1.0, 2.0, 5.0]), np.array([1.5, 2.0, 2.0])  # residuals .5, 0, 3
    assert F.mse_loss_forward(pred, target)[0] == pytest.approx((0.25 + 9) / 3, rel=1e-15)
    assert F.mse_loss_forward(pred, target, "sum")[0] == pytest.approx(9.25, rel=1e-15)
    assert F.l1_loss_forward(pred, target)[0] == pytest.approx(3.5 / 3, rel=1e-15)
    np.testing.assert_allclose(F.l1_loss_forward(pred, target, "none")[0], [0.5, 0, 3])
    # Huber, delta 1: 0.5 * 0.25, 0, 1 * (3 - 0.5)
    np.testing.assert_allclose(F.huber_loss_forward(pred, target, "none")[0], [0.125, 0, 2.5])
    logits, labels = np.array([0.0, 2.0]), np.array([1.0, 0.0])
    expected = [np.log(2), np.log1p(np.exp(2.0))]
    np.testing.assert_allclose(
        F.binary_cross_entropy_with_logits_forward(logits, labels, "none")[0], expected,
        rtol=1e-15)
    loss, _ = F.cross_entropy_forward(np.array([[0.0, 0.0, 0.0, 0.0], [0.0, np.log(3), 0, 0]]),
                                      np.array([2, 1]))
    assert loss == pytest.approx((np.log(4) + np.log(2)) / 2, rel=1e-15)


def test_huber_loss_equals_half_mse_inside_delta_and_shifted_l1_outside():
    residual = np.array([-0.3, 0.7, -4.0, 10.0])
    delta = 1.0
    losses, _ = F.huber_loss_forward(residual, np.zeros(4), "none", delta)
    np.testing.assert_allclose(losses[:2], 0.5 * residual[:2] ** 2)
    np.testing.assert_allclose(losses[2:], delta * (np.abs(residual[2:]) - 0.5 * delta))


def test_l1_gradient_is_zero_where_prediction_equals_target_like_pytorch():
    _, cache = F.l1_loss_forward(np.array([1.0, 2.0]), np.array([1.0, 0.0]), "sum")
    np.testing.assert_array_equal(F.l1_loss_backward(1.0, cache), [0.0, 1.0])


def test_binary_cross_entropy_with_logits_is_stable_for_large_logits():
    logits = np.array([-1000.0, -40.0, 40.0, 1000.0])
    target = np.array([1.0, 0.0, 1.0, 0.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        losses, cache = F.binary_cross_entropy_with_logits_forward(logits, target, "none")
        grad = F.binary_cross_entropy_with_logits_backward(np.ones(4), cache)
    np.testing.assert_allclose(losses, [1000.0, np.log1p(np.exp(-40.0)), np.log1p(np.exp(-40.0)),
                                        1000.0], rtol=1e-15)
    # sigmoid(40) - 1 rounds to 0 instead of -4.2e-18 (as in PyTorch): an absolute error of
    # 1e-17, hence atol
    np.testing.assert_allclose(grad, [-1.0, np.exp(-40.0) / (1 + np.exp(-40.0)),
                                      -np.exp(-40.0) / (1 + np.exp(-40.0)), 1.0],
                               rtol=1e-12, atol=1e-17)


def test_cross_entropy_is_stable_for_large_logits():
    logits = np.array([[1000.0, 0.0], [-1000.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        losses, cache = F.cross_entropy_forward(logits, np.array([1, 0]), "none")
        grad = F.cross_entropy_backward(np.ones(2), cache)
    np.testing.assert_allclose(losses, [1000.0, 2000.0])
    np.testing.assert_allclose(grad, [[1.0, -1.0], [-1.0, 1.0]])


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n():
    logits = np.random.default_rng(0).normal(size=(4, 3))
    target = np.array([0, 2, 1, 2])
    _, cache = F.cross_entropy_forward(logits, target)
    grad = F.cross_entropy_backward(1.0, cache)
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(grad, (softmax - np.eye(3)[target]) / 4, rtol=1e-14)


@pytest.mark.parametrize("forward, target", [
    (F.mse_loss_forward, np.zeros(5)), (F.l1_loss_forward, np.zeros(5)),
    (F.huber_loss_forward, np.zeros(5)),
    (F.binary_cross_entropy_with_logits_forward, np.zeros(5)),
], ids=["mse", "l1", "huber", "bce"])
def test_regression_losses_refuse_n_by_1_prediction_with_n_target_instead_of_broadcasting(
        forward, target):
    pred = np.zeros((5, 1))
    with pytest.raises(ValueError) as error:
        forward(pred, target)
    message = str(error.value)
    assert forward.__name__ in message
    assert "(5, 1)" in message and "(5,)" in message
    assert "broadcast" in message and "y.reshape(-1, 1)" in message and "pred[:, 0]" in message
    with pytest.raises(ValueError, match="broadcast"):
        forward(np.zeros(5), np.zeros((5, 1)))
    with pytest.raises(ValueError, match=r"shape \(5, 2\).*\(5, 3\)"):
        forward(np.zeros((5, 2)), np.zeros((5, 3)))


def test_losses_refuse_integer_predictions_and_convert_targets_to_the_prediction_dtype():
    with pytest.raises(TypeError, match="prediction must be a floating point.*int64"):
        F.mse_loss_forward(np.array([1, 2]), np.array([1.0, 2.0]))
    loss, cache = F.mse_loss_forward(np.zeros(3, np.float32), np.array([1, 2, 3]))
    assert loss.dtype == np.float32 and F.mse_loss_backward(1.0, cache).dtype == np.float32


def test_binary_cross_entropy_refuses_targets_outside_zero_one():
    with pytest.raises(ValueError, match=r"\[0, 1\].*-1.*\(y \+ 1\) / 2"):
        F.binary_cross_entropy_with_logits_forward(np.zeros(3), np.array([-1.0, 1.0, 1.0]))


def test_cross_entropy_refuses_one_hot_targets_and_suggests_argmax():
    with pytest.raises(ValueError, match=r"class indices of shape \(4,\).*one-hot.*argmax"):
        F.cross_entropy_forward(np.zeros((4, 3)), np.eye(3)[[0, 1, 2, 0]])


@pytest.mark.parametrize("target, error, words", [
    (np.array([0.0, 1.0, 2.0, 0.0]), TypeError, r"integer class indices.*float64.*astype"),
    (np.array([0, 1, 3, 0]), ValueError, r"class index 3.*3 classes.*0\.\.2"),
    (np.array([0, -1, 2, 0]), ValueError, r"class index -1"),
    (np.array([[0], [1], [2], [0]]), ValueError, r"\(4,\).*\(4, 1\).*y\.reshape\(-1\)"),
    (np.array([0, 1, 2]), ValueError, r"\(4,\).*got target of shape \(3,\)"),
], ids=["float-labels", "too-large", "negative", "column", "wrong-length"])
def test_cross_entropy_target_errors_say_what_and_how(target, error, words):
    with pytest.raises(error, match=words):
        F.cross_entropy_forward(np.zeros((4, 3)), target)


def test_cross_entropy_refuses_one_dimensional_logits_and_suggests_a_batch():
    with pytest.raises(ValueError, match=r"shape \(N, C\).*\(3,\).*logits\[None\]"):
        F.cross_entropy_forward(np.zeros(3), np.array([1]))


@pytest.mark.parametrize("forward", [F.mse_loss_forward, F.cross_entropy_forward])
def test_losses_refuse_an_unknown_reduction_with_the_value(forward):
    with pytest.raises(ValueError, match="reduction must be one of.*'average'"):
        forward(np.zeros((2, 2)), np.zeros(2, dtype=np.int64) if forward is
                F.cross_entropy_forward else np.zeros((2, 2)), reduction="average")


def test_huber_loss_refuses_a_non_positive_delta():
    with pytest.raises(ValueError, match="delta.*-1"):
        F.huber_loss_forward(np.zeros(2), np.zeros(2), delta=-1.0)


@pytest.mark.parametrize("forward, backward, target", [
    (F.mse_loss_forward, F.mse_loss_backward, np.ones((8, 1))),
    (F.l1_loss_forward, F.l1_loss_backward, np.ones((8, 1))),
    (F.huber_loss_forward, F.huber_loss_backward, np.ones((8, 1))),
    (F.binary_cross_entropy_with_logits_forward, F.binary_cross_entropy_with_logits_backward,
     np.ones((8, 1))),
    (F.cross_entropy_forward, F.cross_entropy_backward, np.arange(8) % 3),
], ids=["mse", "l1", "huber", "bce", "cross_entropy"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_float32_loss_and_gradient_stay_float32(forward, backward, target, reduction):
    pred = np.random.default_rng(0).normal(size=(8, 1 if target.ndim == 2 else 3))
    loss, cache = forward(pred.astype(np.float32), target, reduction=reduction)
    dout = 1.0 if reduction != "none" else np.ones(np.shape(loss))  # float64 dout on purpose
    assert np.asarray(loss).dtype == np.float32
    assert backward(dout, cache).dtype == np.float32
