"""course_lib.lr_finder: the learning-rate range test."""

import copy

import numpy as np
import pytest

from course_lib import nn
from course_lib.lr_finder import LRRangeTest, lr_range_test
from course_lib.optim import SGD, Adam


def regression_data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    y = (X @ np.array([[1.0], [-2.0], [0.5], [0.0]], dtype=np.float32)
         + 0.1 * rng.normal(size=(n, 1)).astype(np.float32))
    return X, y


def small_model():
    rng = np.random.default_rng(1)
    return nn.Sequential(nn.Linear(4, 8, rng=rng), nn.Tanh(), nn.Linear(8, 1, rng=rng))


def test_learning_rates_grow_geometrically_and_the_test_stops_when_the_loss_explodes():
    model = small_model()
    result = lr_range_test(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), regression_data(),
                           batch_size=32, start_lr=1e-4, end_lr=100.0, steps=80, rng=0)
    assert result.stopped_early and len(result.lrs) < 80
    ratios = result.lrs[1:] / result.lrs[:-1]
    np.testing.assert_allclose(ratios, (100.0 / 1e-4) ** (1 / 79))
    assert result.lrs[0] == pytest.approx(1e-4)
    assert result.smoothed[-1] > 4 * np.nanmin(result.smoothed) or not np.isfinite(
        result.smoothed[-1])
    assert result.lrs[0] < result.steepest_lr <= result.min_loss_lr < result.lrs[-1]


def test_the_smoothed_curve_is_a_bias_corrected_moving_average():
    model = small_model()
    result = lr_range_test(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), regression_data(),
                           batch_size=16, start_lr=1e-5, end_lr=1e-3, steps=20, smoothing=0.8,
                           rng=3)
    assert not result.stopped_early and len(result.losses) == 20
    average = 0.0
    for i, loss in enumerate(result.losses):
        average = 0.8 * average + 0.2 * loss
        assert result.smoothed[i] == pytest.approx(average / (1 - 0.8 ** (i + 1)))
    assert result.smoothed[0] == pytest.approx(result.losses[0])


def test_the_model_and_the_optimizer_are_put_back_as_they_were():
    model = small_model()
    optimizer = Adam(model.parameters(), lr=0.003)
    X, y = regression_data()
    loss_fn = nn.MSELoss()
    loss_fn(model(X[:8]), y[:8])                 # give the optimizer some state first
    model.backward(loss_fn.backward())
    optimizer.step()
    optimizer.zero_grad()
    model.eval()
    weights = copy.deepcopy(model.state_dict())
    state = copy.deepcopy(optimizer.state_dict())
    lr_range_test(model, loss_fn, optimizer, (X, y), batch_size=32, steps=30, rng=0)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, weights[name])
    assert optimizer.param_groups[0]["lr"] == 0.003
    after = optimizer.state_dict()
    for index, values in state["state"].items():
        assert after["state"][index]["step"] == values["step"]
        np.testing.assert_array_equal(after["state"][index]["exp_avg"], values["exp_avg"])
    assert not model.training
    assert all(np.all(p.grad == 0) for p in model.parameters())


def test_the_same_rng_gives_the_same_curve():
    runs = []
    for _ in range(2):
        model = small_model()
        runs.append(lr_range_test(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1),
                                  regression_data(), batch_size=32, steps=40, rng=5).losses)
    np.testing.assert_array_equal(*runs)


def test_more_steps_than_one_epoch_cycle_through_the_data():
    model = small_model()
    result = lr_range_test(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1),
                           regression_data(n=40), batch_size=16, start_lr=1e-6, end_lr=1e-5,
                           steps=12, rng=0)
    assert len(result.losses) == 12


def test_the_readings_of_a_known_curve():
    lrs = np.geomspace(1e-4, 1.0, 41)
    curve = 2 - np.tanh(2 * (np.log10(lrs) + 2.5)) + np.where(lrs > 0.1, 50 * (lrs - 0.1), 0)
    result = LRRangeTest(lrs, curve, curve, stopped_early=False)
    assert result.steepest_lr == pytest.approx(10 ** -2.5, rel=0.15)
    assert result.min_loss_lr == pytest.approx(0.1, rel=0.3)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"start_lr": 0.0}, ValueError, "start_lr"),
    ({"start_lr": 1.0, "end_lr": 0.5}, ValueError, "larger than start_lr"),
    ({"steps": 3}, ValueError, "steps"),
    ({"smoothing": 1.0}, ValueError, "smoothing"),
    ({"stop_factor": 1.0}, ValueError, "stop_factor"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"rng": "seed"}, TypeError, "rng"),
])
def test_bad_arguments_are_refused_before_anything_changes(kwargs, error, match):
    model = small_model()
    before = copy.deepcopy(model.state_dict())
    arguments = {"batch_size": 16, "rng": 0, **kwargs}
    with pytest.raises(error, match=match):
        lr_range_test(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), regression_data(),
                      **arguments)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_a_torch_style_optimizer_is_refused():
    model = small_model()
    with pytest.raises(TypeError, match="course_lib optimizer"):
        lr_range_test(model, nn.MSELoss(), object(), regression_data(), batch_size=8, rng=0)
