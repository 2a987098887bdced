"""course_lib.nn.fast.backward_without_input_gradient: the parameter gradients of
``model.backward(dout)``, exactly, without the gradient with respect to the data."""

import numpy as np
import pytest

from course_lib import nn
from course_lib.nn.fast import backward_without_input_gradient


def gradients_both_ways(model, x, dout):
    model(x)
    dx = model.backward(dout)
    full = [p.grad.copy() for p in model.parameters()]
    model.zero_grad()
    model(x)
    assert backward_without_input_gradient(model, dout) is None
    fast = [p.grad.copy() for p in model.parameters()]
    return dx, full, fast


@pytest.mark.parametrize("make, input_shape", [
    (lambda: nn.Sequential(nn.Flatten(), nn.Linear(6, 5, rng=0), nn.ReLU(),
                           nn.Linear(5, 3, rng=1)), (4, 2, 3)),
    (lambda: nn.Sequential(nn.Linear(6, 5, bias=False, rng=0), nn.BatchNorm1d(5), nn.Tanh(),
                           nn.Linear(5, 3, rng=1)), (4, 6)),
    (lambda: nn.Sequential(nn.ReLU(), nn.Linear(6, 3, rng=0)), (4, 6)),  # ReLU before it
    (lambda: nn.Sequential(nn.BatchNorm1d(6), nn.Linear(6, 3, rng=0)), (4, 6)),  # not Linear
    (lambda: nn.Linear(6, 3, rng=0), (4, 6)),  # not a Sequential
], ids=["flatten-mlp", "no-bias-batchnorm", "relu-first", "batchnorm-first", "single-linear"])
def test_parameter_gradients_equal_model_backward_exactly(make, input_shape):
    model = make().double()
    x = np.random.default_rng(0).normal(size=input_shape)
    dout = np.random.default_rng(1).normal(size=(4, 3))
    _, full, fast = gradients_both_ways(model, x, dout)
    for a, b in zip(full, fast, strict=True):
        np.testing.assert_array_equal(a, b)
        assert np.any(a != 0)


def test_the_first_linears_input_gradient_and_the_layers_below_it_are_skipped(monkeypatch):
    model = nn.Sequential(nn.Flatten(), nn.Linear(6, 5, rng=0), nn.ReLU(), nn.Linear(5, 3, rng=1))
    calls = []

    def recording(layer):
        original = layer.backward

        def backward(dout):
            calls.append(type(layer).__name__)
            return original(dout)
        return backward

    for layer in model:
        monkeypatch.setattr(layer, "backward", recording(layer))
    model(np.ones((4, 2, 3), dtype=np.float32))
    backward_without_input_gradient(model, np.ones((4, 3), dtype=np.float32))
    assert calls == ["Linear", "ReLU"]  # no backward of the first Linear, none of Flatten


def test_a_wrong_dout_is_refused_as_by_model_backward():
    model = nn.Sequential(nn.Linear(6, 5, rng=0), nn.ReLU(), nn.Linear(5, 3, rng=1))
    model(np.ones((4, 6), dtype=np.float32))
    with pytest.raises(ValueError, match=r"in layer 2 \(Linear\).*dout of shape \(4, 2\)"):
        backward_without_input_gradient(model, np.ones((4, 2), dtype=np.float32))
