"""course_lib.gradcheck: the numerical gradient is right (and central), the relative error is
what it says, and the checks catch the classic wrong backward passes with a readable report."""

import numpy as np
import pytest

from course_lib import nn
from course_lib.gradcheck import (
    GradcheckResult,
    check_function,
    check_module,
    extrapolated_numerical_gradient,
    numerical_gradient,
    relative_error,
)
from course_lib.nn import functional as F


def test_numerical_gradient_of_a_sum_of_squares_is_twice_x():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, rtol=1e-9)


def test_numerical_gradient_is_central_its_error_shrinks_with_the_square_of_eps():
    # f = x^3 at x = 1: a central difference errs by eps^2 (f''' / 6 = 1), a one-sided one by
    # 3 eps; the errors for eps = 1e-2 and 1e-3 must differ by a factor 100, not 10.
    def f(v):
        return float(v[0] ** 3)

    errors = [abs(numerical_gradient(f, np.array([1.0]), eps)[0] - 3.0) for eps in (1e-2, 1e-3)]
    assert errors[0] == pytest.approx(1e-4, rel=1e-3)
    assert errors[0] / errors[1] == pytest.approx(100, rel=1e-2)


def test_extrapolated_numerical_gradient_is_far_more_accurate_for_the_same_step():
    x = np.array([0.3, -1.2])
    central = numerical_gradient(lambda v: np.sum(np.exp(v)), x, 1e-2)
    extrapolated = extrapolated_numerical_gradient(lambda v: np.sum(np.exp(v)), x, 1e-2)
    assert relative_error(central, np.exp(x)) > 1e-6
    assert relative_error(extrapolated, np.exp(x)) < 1e-9


def test_numerical_gradient_restores_x_even_when_f_raises_and_works_through_a_closure():
    weight = np.array([1.0, 2.0, 3.0])
    grad = numerical_gradient(lambda _: float(weight @ np.array([1.0, 10.0, 100.0])), weight)
    # f is about 321: rounding errors of 1e-16 * 321 / 1e-6 = 3e-8 are expected
    np.testing.assert_allclose(grad, [1.0, 10.0, 100.0], rtol=1e-6)
    np.testing.assert_array_equal(weight, [1.0, 2.0, 3.0])

    def failing(_):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(failing, weight)
    np.testing.assert_array_equal(weight, [1.0, 2.0, 3.0])


def test_numerical_gradient_of_a_zero_dimensional_array_and_refusal_of_non_arrays():
    assert numerical_gradient(lambda v: float(v) ** 2, np.array(3.0)) == pytest.approx(6.0)
    with pytest.raises(TypeError, match="floating point np.ndarray"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])


def test_relative_error_is_normwise_symmetric_scale_free_and_defined_at_zero():
    a, b = np.array([3.0, 4.0]), np.array([3.0, 4.5])
    assert relative_error(a, b) == pytest.approx(0.5 / np.linalg.norm(b))
    assert relative_error(a, b) == relative_error(b, a)
    assert relative_error(1e-9 * a, 1e-9 * b) == pytest.approx(relative_error(a, b))
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, a) == 0.0
    assert relative_error(a, -a) == 2.0
    assert relative_error(a, np.zeros(2)) == 1.0
    with pytest.raises(ValueError, match=r"shapes differ, \(2,\) and \(3,\)"):
        relative_error(a, np.zeros(3))


def test_check_function_passes_a_correct_pair_and_names_its_inputs():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
    result = check_function(F.linear_forward, F.linear_backward, x, w, b)
    assert isinstance(result, GradcheckResult) and len(result) == 3
    assert [c.name for c in result] == ["x", "weight", "bias"]
    assert result.passed() and result.max_relative_error < 1e-7
    assert result["weight"].analytic.shape == (2, 3)


def relu_backward_without_mask(dout, cache):
    return dout


def sigmoid_backward_without_one_minus(dout, cache):
    return dout * cache


def dropout_backward_without_rescaling(dout, cache):
    return dout * (cache != 0)


def mse_backward_without_the_two(dout, cache):
    residual, _ = cache
    return residual * dout / residual.size


def linear_backward_dw_from_the_wrong_side(dout, cache):
    x, w, _ = cache
    return dout @ w, (dout.T @ x) / len(x), dout.sum(axis=0)


@pytest.mark.parametrize("forward, wrong_backward, inputs, kwargs", [
    (F.relu_forward, relu_backward_without_mask, [np.array([[-1.0, 2.0, -0.5]])], {}),
    (F.sigmoid_forward, sigmoid_backward_without_one_minus, [np.array([[-1.0, 2.0]])], {}),
    (F.dropout_forward, dropout_backward_without_rescaling, [np.ones((2, 3))],
     {"p": 0.5, "mask": np.array([[True, False, True], [False, True, True]])}),
    (F.mse_loss_forward, mse_backward_without_the_two, [np.array([1.0, 2.0]), np.zeros(2)], {}),
    (F.linear_forward, linear_backward_dw_from_the_wrong_side,
     [np.ones((3, 2)) + np.arange(6).reshape(3, 2), np.ones((2, 2)), np.zeros(2)], {}),
], ids=["relu-without-mask", "sigmoid-without-1-s", "dropout-without-rescaling",
        "mse-without-2", "linear-dw-averaged"])
def test_check_function_rejects_classic_wrong_backward_passes(forward, wrong_backward, inputs,
                                                              kwargs):
    result = check_function(forward, wrong_backward, *inputs, **kwargs)
    assert result.max_relative_error > 1e-2
    assert not result.passed()


def test_the_report_shows_each_gradient_and_its_worst_entry():
    x = np.array([[-1.0, 2.0, -0.5]])
    text = str(check_function(F.relu_forward, relu_backward_without_mask, x))
    assert text.startswith("gradient check (central differences, eps=1e-06): max relative "
                           "error")
    assert "name" in text and "worst entry" in text and "analytic" in text and "numeric" in text
    comparison = check_function(F.relu_forward, relu_backward_without_mask, x)["x"]
    assert comparison.worst_index in [(0, 0), (0, 2)]  # a negative entry, where relu is flat
    assert comparison.numeric[comparison.worst_index] == pytest.approx(0.0, abs=1e-9)
    assert f"{comparison.worst_index}" in text
    assert "GradientComparison('x', shape (1, 3)" in repr(comparison)
    with pytest.raises(KeyError, match="no gradient named 'w'"):
        check_function(F.relu_forward, relu_backward_without_mask, x)["w"]


def test_check_function_copies_its_inputs_and_refuses_float32():
    x = np.array([[1.0, -2.0]])
    check_function(F.tanh_forward, F.tanh_backward, x)
    np.testing.assert_array_equal(x, [[1.0, -2.0]])
    with pytest.raises(TypeError, match=r"float64.*'x' has dtype float32.*astype\(np.float64\)"):
        check_function(F.tanh_forward, F.tanh_backward, x.astype(np.float32))


def test_check_function_detects_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"shape \(3, 1\) for 'x', which has shape \(1, 3\)"):
        check_function(F.relu_forward, lambda dout, cache: dout.T, np.ones((1, 3)))


def test_check_function_skips_targets_and_none_gradients():
    result = check_function(F.cross_entropy_forward, F.cross_entropy_backward,
                            np.array([[1.0, -1.0, 0.5]]), np.array([2]))
    assert [c.name for c in result] == ["logits"] and result.passed()


def test_check_module_passes_a_model_and_leaves_it_as_it_was():
    # no bias before batch norm: its gradient is exactly 0, which the backward returns as a
    # rounding error of 1e-17 and finite differences as 0, a meaningless relative error of 1
    model = nn.Sequential(nn.Linear(3, 4, bias=False, rng=0), nn.BatchNorm1d(4), nn.Tanh(),
                          nn.Linear(4, 2, rng=1)).double()
    for p in model.parameters():
        p.grad[...] = 7.0  # gradients accumulated before the check survive it
    before = {name: array.copy() for name, array in model.state_dict().items()}
    result = check_module(model, np.random.default_rng(0).normal(size=(5, 3)))
    assert result.passed(), result
    assert [c.name for c in result] == ["input", "0.weight", "1.weight", "1.bias", "3.weight",
                                        "3.bias"]
    after = model.state_dict()
    for key in before:
        np.testing.assert_array_equal(after[key], before[key])  # running stats included
    assert all(np.all(p.grad == 7.0) for p in model.parameters())


def test_check_module_catches_a_layer_that_forgets_its_bias_gradient():
    class ForgetfulLinear(nn.Linear):
        def backward(self, dout):
            bias_grad = self.bias.grad.copy()
            dx = super().backward(dout)
            self.bias.grad[...] = bias_grad
            return dx

    result = check_module(ForgetfulLinear(3, 2, rng=0).double(), np.ones((4, 3)))
    assert result["bias"].relative_error == pytest.approx(1.0)
    assert result["weight"].relative_error < 1e-7 and not result.passed()


def test_check_module_of_a_loss_takes_the_target_after_the_prediction():
    result = check_module(nn.HuberLoss(delta=0.5), np.array([[0.1], [2.0]]), np.zeros((2, 1)))
    assert [c.name for c in result] == ["input"] and result.passed()


def test_check_module_refuses_float32_parameters_and_says_how():
    with pytest.raises(TypeError, match=r"parameter 'weight' has dtype float32.*module\.double"):
        check_module(nn.Linear(2, 2), np.ones((1, 2)))
    with pytest.raises(TypeError, match="the input has dtype float32"):
        check_module(nn.Linear(2, 2).double(), np.ones((1, 2), dtype=np.float32))
