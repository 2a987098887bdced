"""course_lib.diagnostics: the layer-by-layer trace is exactly the model's own forward and
backward pass; saturation, dead units, the per-layer table and the update-to-data ratio."""

import math

import numpy as np
import pytest

from course_lib import nn
from course_lib.diagnostics import (
    dead_fraction,
    layer_statistics,
    saturated_fraction,
    trace,
    update_to_data_ratio,
)
from course_lib.initialization import mlp


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    return rng.normal(size=(7, 5)).astype(np.float32), rng.integers(0, 3, size=7)


def test_trace_gives_the_models_output_input_gradient_and_parameter_gradients(batch):
    X, y = batch
    model, twin = mlp([5, 6, 4, 3], "tanh", rng=0), mlp([5, 6, 4, 3], "tanh", rng=0)
    loss_fn = nn.CrossEntropyLoss()
    t = trace(model, X, y, loss_fn)
    expected_loss = loss_fn(twin(X), y)
    dx = twin.backward(loss_fn.backward())
    assert t.loss == pytest.approx(expected_loss, rel=1e-6)
    np.testing.assert_array_equal(t.outputs[-1], twin(X))
    assert [out.shape for out in t.outputs] == [(7, 6), (7, 6), (7, 4), (7, 4), (7, 3)]
    assert [g.shape for g in t.output_grads] == [out.shape for out in t.outputs]
    for (name, p), (_, q) in zip(model.named_parameters(), twin.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad, q.grad, rtol=1e-5, err_msg=name)
    # the gradient at the first layer's output, backpropagated through that layer, is dL/dx
    np.testing.assert_allclose(model[0].backward(t.output_grads[0]), dx, rtol=1e-6)
    assert t.of(nn.Tanh) == [1, 3] and t.of(nn.Linear) == [0, 2, 4]


def test_trace_starts_from_zero_gradients_and_refuses_a_model_that_is_not_sequential(batch):
    X, y = batch
    model = mlp([5, 3], "relu", rng=0)
    model[0].weight.grad += 100.0  # left over from an earlier step
    trace(model, X, y, nn.CrossEntropyLoss())
    once = model[0].weight.grad.copy()
    trace(model, X, y, nn.CrossEntropyLoss())
    np.testing.assert_array_equal(model[0].weight.grad, once)
    assert np.abs(once).max() < 100
    with pytest.raises(TypeError, match="Sequential"):
        trace(model[0], X, y, nn.CrossEntropyLoss())


def test_saturated_and_dead_fractions():
    a = np.tanh(np.array([0.0, 1.0, 2.0, 2.1, -3.0]))  # tanh(2.1) = 0.970..., tanh(2) = 0.964
    assert saturated_fraction(a) == pytest.approx(2 / 5)
    s = 1 / (1 + np.exp(-np.array([0.0, 5.0, -5.0, 3.0])))  # sigmoid(±5): |s - 1/2| = 0.493
    assert saturated_fraction(s, "sigmoid") == pytest.approx(2 / 4)
    relu = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0], [0.0, 3.0, 0.0, 0.0]])
    assert dead_fraction(relu) == pytest.approx(2 / 4)
    with pytest.raises(ValueError, match="kind"):
        saturated_fraction(a, "relu")
    with pytest.raises(ValueError, match="units"):
        dead_fraction(np.zeros(3))
    with pytest.raises(TypeError):
        dead_fraction(np.zeros((2, 2), dtype=int))


def test_layer_statistics_has_one_row_per_activation_with_the_right_numbers(batch):
    X, y = batch
    t = trace(mlp([5, 6, 4, 3], "tanh", rng=0), X, y, nn.CrossEntropyLoss())
    table = layer_statistics(t)
    assert list(table.columns) == ["layer", "mean", "std", "saturated", "grad std"]
    assert table["layer"].tolist() == ["1 Tanh", "3 Tanh"]
    assert table["std"].tolist() == pytest.approx([t.outputs[1].std(), t.outputs[3].std()])
    assert table["grad std"].tolist() == pytest.approx([t.output_grads[1].std(),
                                                        t.output_grads[3].std()])
    assert table["saturated"].tolist() == pytest.approx([saturated_fraction(t.outputs[1]),
                                                         saturated_fraction(t.outputs[3])])
    linear = layer_statistics(t, kinds=[nn.Linear])
    assert linear["layer"].tolist() == ["0 Linear", "2 Linear", "4 Linear"]
    assert list(linear.columns) == ["layer", "mean", "std", "grad std"]


def test_update_to_data_ratio():
    w = np.full((10, 10), 2.0)
    w[0, 0] = 0.0
    assert update_to_data_ratio(w, w) == 0.0
    assert update_to_data_ratio(w, 1.5 * w) == pytest.approx(0.5)
    assert update_to_data_ratio(np.zeros(3), np.ones(3)) == 0.0  # a constant step: std 0
    assert update_to_data_ratio(np.zeros(3), np.array([0.0, 1.0, 2.0])) == math.inf
    ratio = update_to_data_ratio(w.astype(np.float32), (w + 1e-3 * w[::-1]).astype(np.float32))
    assert ratio == pytest.approx(1e-3, rel=1e-3)
    with pytest.raises(ValueError, match="same shape"):
        update_to_data_ratio(np.zeros(3), np.zeros(4))
