"""course_lib.initialization: the MLP builder, the schemes, and the variance recursion against
measured networks and against direct integration."""

import math

import numpy as np
import pytest

from course_lib import nn
from course_lib.diagnostics import trace
from course_lib.initialization import (
    ACTIVATIONS,
    SCHEMES,
    bias_std,
    initialize_,
    mlp,
    predict_stds,
    weight_std,
)
from course_lib.nn import init


def linear_layers(model):
    return [layer for layer in model if isinstance(layer, nn.Linear)]


def test_mlp_puts_an_activation_between_linear_layers_but_not_after_the_last():
    model = mlp([5, 7, 6, 3], "relu", rng=0)
    assert [type(layer).__name__ for layer in model] == [
        "Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert [(layer.in_features, layer.out_features) for layer in linear_layers(model)] == [
        (5, 7), (7, 6), (6, 3)]
    assert [type(layer).__name__ for layer in mlp([5, 7, 3], "linear", rng=0)] == [
        "Linear", "Linear"]
    assert model(np.ones((4, 5), np.float32)).shape == (4, 3)
    assert model[0].weight.dtype == np.float32
    assert mlp([5, 3], "tanh", rng=0, dtype=np.float64)[0].weight.dtype == np.float64


def test_mlp_starts_with_the_default_linear_initialization_drawn_from_its_seed():
    a, b = mlp([8, 16, 4], "tanh", rng=3), mlp([8, 16, 4], "tanh", rng=3)
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
    bound = 1 / math.sqrt(8)
    assert np.abs(a[0].weight.data).max() <= bound and np.abs(a[0].bias.data).max() <= bound
    assert not np.array_equal(a[0].weight.data, mlp([8, 16, 4], "tanh", rng=4)[0].weight.data)


def test_mlp_puts_batch_norm_before_and_dropout_after_each_hidden_activation():
    model = mlp([5, 7, 6, 3], "relu", dropout=0.25, batch_norm=True, rng=0)
    assert [type(layer).__name__ for layer in model] == [
        "Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear", "BatchNorm1d", "ReLU", "Dropout",
        "Linear"]
    assert [layer.p for layer in model if isinstance(layer, nn.Dropout)] == [0.25, 0.25]
    assert [layer.num_features for layer in model if isinstance(layer, nn.BatchNorm1d)] == [7, 6]
    assert [type(layer).__name__ for layer in mlp([5, 3], dropout=0.5, rng=0)] == ["Linear"]
    assert model(np.ones((4, 5), np.float32)).shape == (4, 3)
    doubled = mlp([5, 7, 3], "tanh", batch_norm=True, rng=0, dtype=np.float64)
    assert doubled[1].running_var.dtype == np.float64


def test_dropout_and_batch_norm_leave_the_linear_weights_of_the_seed_unchanged():
    plain = mlp([8, 16, 16, 4], "relu", rng=5)
    regularized = mlp([8, 16, 16, 4], "relu", dropout=0.5, batch_norm=True, rng=5)
    for a, b in zip(linear_layers(plain), linear_layers(regularized), strict=True):
        np.testing.assert_array_equal(a.weight.data, b.weight.data)
        np.testing.assert_array_equal(a.bias.data, b.bias.data)


def test_the_dropout_masks_come_from_the_seed_and_evaluation_turns_them_off():
    x = np.ones((50, 8), np.float32)
    a, b = mlp([8, 32, 4], dropout=0.5, rng=1), mlp([8, 32, 4], dropout=0.5, rng=1)
    np.testing.assert_array_equal(a(x), b(x))
    assert not np.array_equal(a(x), a(x))   # a new mask every call
    a.eval()
    np.testing.assert_array_equal(a(x), a(x))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"dropout": 1.0}, ValueError, "dropout"),
    ({"dropout": -0.1}, ValueError, "dropout"),
    ({"dropout": "0.5"}, TypeError, "dropout"),
    ({"batch_norm": 1}, TypeError, "batch_norm"),
])
def test_mlp_refuses_a_bad_dropout_or_batch_norm(kwargs, error, message):
    with pytest.raises(error, match=message):
        mlp([4, 3, 2], rng=0, **kwargs)


@pytest.mark.parametrize("sizes, activation, message", [
    ([5], "relu", "at least two"),
    ([5, 0, 3], "relu", ">= 1"),
    ([5, 3], "gelu", "activation"),
])
def test_mlp_refuses_bad_arguments(sizes, activation, message):
    with pytest.raises(ValueError, match=message):
        mlp(sizes, activation, rng=0)


def test_weight_std_and_bias_std_follow_their_formulas_on_non_square_layers():
    fan_in, fan_out = 300, 100
    assert weight_std("zeros", fan_in, fan_out) == 0.0
    assert weight_std("too_small", fan_in, fan_out) == 0.01
    assert weight_std("too_large", fan_in, fan_out) == 1.0
    assert weight_std("xavier", fan_in, fan_out) == pytest.approx(math.sqrt(2 / 400))
    assert weight_std("he", fan_in, fan_out) == pytest.approx(math.sqrt(2 / 300))
    assert weight_std("torch_default", fan_in, fan_out) == pytest.approx(1 / math.sqrt(900))
    assert bias_std("torch_default", fan_in) == pytest.approx(1 / math.sqrt(900))
    assert all(bias_std(s, fan_in) == 0.0 for s in SCHEMES if s != "torch_default")
    with pytest.raises(ValueError, match="scheme"):
        weight_std("lecun", 3, 3)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_initialize_draws_every_layer_with_the_scheme_std(scheme):
    model = initialize_(mlp([400, 300, 200], "relu", rng=0), scheme, rng=1)
    for layer in linear_layers(model):
        fan_out, fan_in = layer.weight.shape
        expected = weight_std(scheme, fan_in, fan_out)
        assert layer.weight.data.std() == pytest.approx(expected, rel=0.02, abs=1e-12)
        assert abs(layer.weight.data.mean()) <= 0.02 * expected + 1e-12
        if scheme == "torch_default":
            bound = 1 / math.sqrt(fan_in)
            assert np.abs(layer.weight.data).max() <= bound
            assert np.abs(layer.weight.data).max() > 0.99 * bound  # uniform: reaches the bound
            assert np.abs(layer.bias.data).max() <= bound and layer.bias.data.std() > 0
        else:
            assert np.all(layer.bias.data == 0)
        assert layer.weight.dtype == np.float32


def test_xavier_and_he_of_initialize_match_course_lib_nn_init():
    rng = np.random.default_rng(0)
    weight = np.empty((300, 100))
    ours = initialize_(mlp([100, 300, 2], "relu", rng=0), "xavier", rng=0)[0].weight.data
    assert ours.std() == pytest.approx(init.xavier_normal_(weight, rng=rng).std(), rel=0.03)
    ours = initialize_(mlp([100, 300, 2], "relu", rng=0), "he", rng=0)[0].weight.data
    reference = init.kaiming_normal_(weight, nonlinearity="relu", rng=rng)
    assert ours.std() == pytest.approx(reference.std(), rel=0.03)


def test_initialize_is_seeded_multiplies_the_std_by_the_gain_and_returns_the_model():
    model = mlp([50, 60, 70], "tanh", rng=0)
    assert initialize_(model, "he", rng=5) is model
    first = [p.data.copy() for p in model.parameters()]
    initialize_(model, "he", rng=5)
    for before, p in zip(first, model.parameters(), strict=True):
        np.testing.assert_array_equal(before, p.data)
    initialize_(model, "he", gain=3.0, rng=5)
    np.testing.assert_allclose(model[0].weight.data, 3 * first[0], rtol=1e-6)
    with pytest.raises(ValueError, match="gain"):
        initialize_(model, "he", gain=0.0, rng=0)
    with pytest.raises(ValueError, match="scheme"):
        initialize_(model, "orthogonal", rng=0)


def test_the_recursion_in_closed_form_for_relu_linear_and_leaky_relu():
    sizes = [100, 200, 200, 200, 10]
    he = predict_stds(sizes, "relu", "he")
    # The inputs are not ReLU outputs: q_1 = n σ² E[x²] = 2; then ReLU halves, He doubles.
    np.testing.assert_allclose(he.pre_activation_std, math.sqrt(2), rtol=1e-12)
    # Xavier loses ReLU's factor 2 per layer after the first: q_l = n σ² q_{l-1} / 2.
    xavier = predict_stds(sizes, "relu", "xavier", input_second_moment=4.0)
    q1 = 100 * 2 / 300 * 4.0
    assert xavier.pre_activation_std[0] == pytest.approx(math.sqrt(q1))
    assert xavier.pre_activation_std[1] == pytest.approx(math.sqrt(200 * 2 / 400 * q1 / 2))
    linear = predict_stds(sizes, "linear", "too_small")
    # Without an activation, each layer multiplies the std by sqrt(fan_in) · 0.01.
    np.testing.assert_allclose(linear.pre_activation_std,
                               np.cumprod(np.sqrt(np.array(sizes[:-1]) * 1e-4)), rtol=1e-12)
    leaky = predict_stds([100, 100, 100], "leaky_relu", "he", negative_slope=0.5)
    assert leaky.pre_activation_std[1] == pytest.approx(math.sqrt(100 * 0.02 * (1 + 0.25) / 2 * 2))
    # Backwards, the gradient is relative to the last layer's.
    assert he.gradient_std[-1] == 1.0
    # dL/dz_{L-1} has n_L σ_L² E[relu'²] = 10 · (2/200) · 1/2 times the last layer's variance.
    assert he.gradient_std[-2] == pytest.approx(math.sqrt(10 * 2 / 200 / 2))


def test_torch_default_adds_the_variance_of_its_biases():
    p = predict_stds([64, 64], "linear", "torch_default")
    assert p.pre_activation_std[0] == pytest.approx(math.sqrt(64 / (3 * 64) + 1 / (3 * 64)))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "elu"])
@pytest.mark.parametrize("q", [1e-6, 0.3, 4.0, 400.0])
def test_the_integrals_of_the_smooth_activations_match_monte_carlo(activation, q):
    # One hidden layer of width 1 seen as a function: E[phi(z)^2] through the next layer's q.
    p = predict_stds([1, 1, 1], activation, "too_large", input_second_moment=q)
    z = np.random.default_rng(0).normal(0.0, math.sqrt(q), size=400_000)
    model = ACTIVATIONS[activation]()
    second_moment = np.mean(model(z) ** 2)
    slope = model.backward(np.ones_like(z))
    assert p.pre_activation_std[1] ** 2 == pytest.approx(second_moment, rel=0.01)
    assert p.gradient_std[0] ** 2 == pytest.approx(np.mean(slope ** 2), rel=0.02, abs=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
@pytest.mark.parametrize("scheme", ["xavier", "he", "torch_default", "too_large"])
def test_the_prediction_matches_a_wide_network_layer_by_layer(activation, scheme):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 64)).astype(np.float32)
    y = rng.integers(0, 10, size=400)
    sizes = [64, 512, 512, 512, 512, 10]
    model = initialize_(mlp(sizes, activation, rng=1), scheme, rng=2)
    with np.errstate(over="ignore"):
        t = trace(model, X, y, nn.CrossEntropyLoss())
    linear = t.of(nn.Linear)
    z_std = np.array([t.outputs[i].std() for i in linear], dtype=np.float64)
    g_std = np.array([t.output_grads[i].std() for i in linear], dtype=np.float64)
    p = predict_stds(sizes, activation, scheme, input_second_moment=float(np.mean(X ** 2.0)))
    np.testing.assert_allclose(z_std[:-1], p.pre_activation_std[:-1], rtol=0.1)
    np.testing.assert_allclose(g_std[:-1], g_std[-1] * p.gradient_std[:-1], rtol=0.15)


def test_predict_stds_refuses_bad_arguments():
    with pytest.raises(ValueError, match="at least two"):
        predict_stds([3], "relu", "he")
    with pytest.raises(ValueError, match="activation"):
        predict_stds([3, 3], "gelu", "he")
    with pytest.raises(ValueError, match="gain"):
        predict_stds([3, 3], "relu", "he", gain=-1.0)
    with pytest.raises(ValueError, match="input_second_moment"):
        predict_stds([3, 3], "relu", "he", input_second_moment=-1.0)
