"""course_lib.nn.init: sample statistics against the formulas, gains and sample statistics
against PyTorch's, in-place filling, rng, errors.

Statistical tolerance: for n independent samples, the sample mean has standard error
sigma / sqrt(n) and the sample variance has standard error sqrt((mu4 - sigma^4) / n) (mu4: the
fourth central moment; 2 sigma^4 for a normal, 4 b^4 / 45 for U(-b, b)). Each check allows
Z = 6 standard errors: a correct formula fails with probability about 2e-9 per check, while a
wrong one (a factor 2 in the variance, fan_in for fan_out) is off by far more at these sizes.
"""

import math

import numpy as np
import pytest
import torch

from course_lib.nn import Parameter, init

Z = 6.0
# (out_features, in_features): fan_in != fan_out, so a swapped fan shows
SHAPES = [(64, 784), (512, 100), (1000, 30), (32, 16, 3, 3)]


def fans(shape):
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def assert_uniform(samples, low, high):
    n = samples.size
    mean, var = (low + high) / 2, (high - low) ** 2 / 12
    half = (high - low) / 2
    assert abs(samples.mean() - mean) < Z * math.sqrt(var / n)
    assert abs(samples.var() - var) < Z * math.sqrt(4 * half**4 / 45 / n)
    assert samples.min() >= low and samples.max() <= high
    # the bounds are reached: P(all samples avoid a band of width 20/n at one end) = e^-20
    assert samples.max() > high - 20 * (high - low) / n
    assert samples.min() < low + 20 * (high - low) / n


def assert_normal(samples, mean, std):
    n = samples.size
    assert abs(samples.mean() - mean) < Z * std / math.sqrt(n)
    assert abs(samples.var() - std**2) < Z * std**2 * math.sqrt(2 / (n - 1))


@pytest.mark.parametrize("shape", SHAPES)
def test_xavier_uniform_bound_is_gain_times_sqrt_6_over_fan_in_plus_fan_out(shape):
    fan_in, fan_out = fans(shape)
    w = init.xavier_uniform_(np.empty(shape), gain=1.7, rng=0)
    bound = 1.7 * math.sqrt(6 / (fan_in + fan_out))
    assert_uniform(w, -bound, bound)


@pytest.mark.parametrize("shape", SHAPES)
def test_xavier_normal_std_is_gain_times_sqrt_2_over_fan_in_plus_fan_out(shape):
    fan_in, fan_out = fans(shape)
    w = init.xavier_normal_(np.empty(shape), gain=0.5, rng=0)
    assert_normal(w, 0.0, 0.5 * math.sqrt(2 / (fan_in + fan_out)))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("nonlinearity, a", [("relu", 0), ("leaky_relu", 0.2),
                                             ("leaky_relu", math.sqrt(5)), ("tanh", 0)])
def test_kaiming_uniform_bound_is_gain_times_sqrt_3_over_fan(shape, mode, nonlinearity, a):
    fan = fans(shape)[0 if mode == "fan_in" else 1]
    w = init.kaiming_uniform_(np.empty(shape), a=a, mode=mode, nonlinearity=nonlinearity,
                              rng=1)
    bound = init.calculate_gain(nonlinearity, a) * math.sqrt(3 / fan)
    assert_uniform(w, -bound, bound)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
def test_kaiming_normal_for_relu_has_variance_2_over_fan(shape, mode):
    fan = fans(shape)[0 if mode == "fan_in" else 1]
    w = init.kaiming_normal_(np.empty(shape), mode=mode, nonlinearity="relu", rng=2)
    assert_normal(w, 0.0, math.sqrt(2 / fan))


def test_kaiming_uniform_with_a_sqrt_5_is_pytorchs_linear_default_bound_1_over_sqrt_fan_in():
    w = init.kaiming_uniform_(np.empty((300, 400)), a=math.sqrt(5), rng=0)
    assert_uniform(w, -1 / 20, 1 / 20)


def test_uniform_and_normal_with_their_arguments():
    assert_uniform(init.uniform_(np.empty(200_000), -1.0, 3.0, rng=0), -1.0, 3.0)
    assert_uniform(init.uniform_(np.empty(200_000), rng=0), 0.0, 1.0)
    assert_normal(init.normal_(np.empty(200_000), mean=3.0, std=2.0, rng=0), 3.0, 2.0)
    assert_normal(init.normal_(np.empty(200_000), rng=0), 0.0, 1.0)


def test_zeros_and_ones():
    p = Parameter(np.full((3, 2), 7.0))
    assert init.zeros_(p) is p and np.all(p.data == 0)
    assert np.all(init.ones_(np.zeros(4)) == 1)


INITIALIZERS = [
    lambda t, rng: init.uniform_(t, -0.5, 0.5, rng=rng),
    lambda t, rng: init.normal_(t, 0.0, 0.1, rng=rng),
    lambda t, rng: init.xavier_uniform_(t, rng=rng),
    lambda t, rng: init.xavier_normal_(t, rng=rng),
    lambda t, rng: init.kaiming_uniform_(t, nonlinearity="relu", rng=rng),
    lambda t, rng: init.kaiming_normal_(t, nonlinearity="relu", rng=rng),
]


@pytest.mark.parametrize("fill", INITIALIZERS)
def test_initializers_fill_in_place_keep_the_dtype_and_are_reproducible(fill):
    p = Parameter(np.zeros((20, 30), dtype=np.float32))
    data = p.data
    assert fill(p, 0) is p
    assert p.data is data and p.dtype == np.float32 and np.any(data != 0)
    again = fill(np.zeros((20, 30), dtype=np.float32), np.random.default_rng(0))
    np.testing.assert_array_equal(again, p.data)  # an int seed is a fresh default_rng(seed)
    assert not np.array_equal(fill(np.zeros((20, 30)), 1), p.data)


@pytest.mark.parametrize("nonlinearity", ["linear", "conv1d", "conv2d", "conv3d",
                                          "conv_transpose1d", "conv_transpose2d",
                                          "conv_transpose3d", "sigmoid", "tanh", "relu",
                                          "leaky_relu", "selu"])
def test_calculate_gain_matches_pytorch(nonlinearity):
    assert init.calculate_gain(nonlinearity) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity), rel=1e-15)


@pytest.mark.parametrize("slope", [0, 0.01, 0.2, 1, 3.5, math.sqrt(5)])
def test_calculate_gain_of_leaky_relu_with_a_slope_matches_pytorch(slope):
    assert init.calculate_gain("leaky_relu", slope) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", slope), rel=1e-15)


TORCH_PAIRS = {
    "xavier_uniform": (lambda t: init.xavier_uniform_(t, gain=2.0, rng=0),
                       lambda t: torch.nn.init.xavier_uniform_(t, gain=2.0)),
    "xavier_normal": (lambda t: init.xavier_normal_(t, rng=0),
                      lambda t: torch.nn.init.xavier_normal_(t)),
    "kaiming_uniform_default": (lambda t: init.kaiming_uniform_(t, rng=0),
                                lambda t: torch.nn.init.kaiming_uniform_(t)),
    "kaiming_uniform_fan_out_relu": (
        lambda t: init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu", rng=0),
        lambda t: torch.nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu")),
    "kaiming_normal_leaky": (lambda t: init.kaiming_normal_(t, a=0.3, rng=0),
                             lambda t: torch.nn.init.kaiming_normal_(t, a=0.3)),
}


@pytest.mark.parametrize("name", TORCH_PAIRS)
@pytest.mark.parametrize("shape", [(64, 784), (1000, 30)])
def test_sample_variance_agrees_with_pytorchs_initializer(name, shape):
    ours_fill, torch_fill = TORCH_PAIRS[name]
    ours = ours_fill(np.empty(shape))
    torch.manual_seed(0)
    theirs = torch_fill(torch.empty(shape, dtype=torch.float64)).numpy()
    # difference of two independent sample variances: standard error sqrt(2) * SE(one);
    # the normal SE (2 sigma^4 / n) bounds the uniform one (4/5 sigma^4 / n)
    n, var = ours.size, theirs.var()
    assert abs(ours.var() - var) < Z * math.sqrt(2) * var * math.sqrt(2 / n)
    assert abs(np.abs(ours).max() - np.abs(theirs).max()) < 0.5 * np.abs(theirs).max()


def test_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match=r"at least 2 dimensions.*\(5,\)"):
        init.xavier_uniform_(np.empty(5), rng=0)
    with pytest.raises(ValueError, match="mode must be one of 'fan_in', 'fan_out', got 'fan_avg'"):
        init.kaiming_normal_(np.empty((3, 3)), mode="fan_avg", rng=0)
    with pytest.raises(ValueError, match="unsupported nonlinearity 'gelu'.*relu"):
        init.calculate_gain("gelu")
    with pytest.raises(TypeError, match="negative slope.*must be a number, got True"):
        init.calculate_gain("leaky_relu", True)
    with pytest.raises(TypeError, match="floating point np.ndarray.*list"):
        init.normal_([1.0, 2.0], rng=0)
    with pytest.raises(TypeError, match="floating point"):
        init.uniform_(np.zeros(3, dtype=np.int64), rng=0)
    with pytest.raises(ValueError, match="std.*-1"):
        init.normal_(np.empty(3), std=-1.0, rng=0)
    with pytest.raises(ValueError, match="b must be a finite number >= 2, got 1.0"):
        init.uniform_(np.empty(3), 2.0, 1.0, rng=0)


def test_zero_element_arrays_are_left_alone_like_pytorch():
    empty = np.empty((0, 5))
    assert init.kaiming_uniform_(empty, rng=0) is empty
    assert init.xavier_normal_(empty, rng=0) is empty
