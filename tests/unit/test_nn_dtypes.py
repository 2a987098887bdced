"""Dtypes as in PyTorch: float32 parameters by default, computing in the parameters' dtype,
no silent float64, and a documented behaviour for inputs of another dtype."""

import numpy as np
import pytest

from course_lib import nn


def mlp():
    rng = np.random.default_rng(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 16, rng=rng), nn.BatchNorm1d(16),
                         nn.ReLU(), nn.Dropout(0.2, rng=rng), nn.Linear(16, 8, rng=rng),
                         nn.Sigmoid(), nn.Linear(8, 8, rng=rng), nn.Tanh(), nn.LeakyReLU(),
                         nn.ELU(), nn.Linear(8, 3, rng=rng))


LOSSES = [
    (nn.CrossEntropyLoss(), np.array([0, 1, 2, 1, 0])),
    (nn.MSELoss(), np.zeros((5, 3))),
    (nn.L1Loss(), np.ones((5, 3))),
    (nn.HuberLoss(), np.full((5, 3), 2.0)),
    (nn.BCEWithLogitsLoss(), np.ones((5, 3))),
]


@pytest.mark.parametrize("loss_fn, target", LOSSES, ids=lambda v: type(v).__name__)
def test_float32_model_on_float32_input_stays_float32_everywhere(loss_fn, target):
    model = mlp()
    x = np.random.default_rng(1).normal(size=(5, 3, 4)).astype(np.float32)
    out = model(x)
    assert out.dtype == np.float32
    loss = loss_fn(out, target)  # float64 targets are converted to the prediction's dtype
    assert isinstance(loss, float)
    dout = loss_fn.backward()
    assert dout.dtype == np.float32
    dx = model.backward(dout)
    assert dx.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in model.parameters())
    assert model[2].running_mean.dtype == np.float32


def test_each_layer_output_and_input_gradient_is_float32():
    model = mlp()
    x = np.random.default_rng(1).normal(size=(5, 3, 4)).astype(np.float32)
    for layer in model:
        x = layer(x)
        assert x.dtype == np.float32, layer
    dout = np.ones_like(x)
    for layer in reversed(list(model)):
        dout = layer.backward(dout)
        assert dout.dtype == np.float32, layer


def test_float64_input_to_a_float32_model_is_converted_to_float32():
    model = mlp()
    x = np.random.default_rng(1).random((5, 3, 4))  # float64, like images / 255.
    out = model(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(model.eval()(x), model(x.astype(np.float32)))


def test_float64_dout_into_a_float32_model_does_not_leak_float64():
    model = mlp()
    model(np.ones((5, 3, 4), dtype=np.float32))
    dx = model.backward(np.ones((5, 3)))  # float64
    assert dx.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in model.parameters())


def test_double_model_computes_in_float64_even_for_float32_input():
    model = mlp().double()
    out = model(np.ones((5, 3, 4), dtype=np.float32))
    assert out.dtype == np.float64
    model.backward(np.ones_like(out))
    assert all(p.grad.dtype == np.float64 for p in model.parameters())


def test_a_float16_input_is_converted_to_the_parameters_dtype():
    assert nn.Linear(2, 2)(np.ones((1, 2), dtype=np.float16)).dtype == np.float32


def test_activations_without_parameters_keep_the_input_float_dtype():
    for layer in [nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.LeakyReLU(), nn.ELU(), nn.Softmax(),
                  nn.Dropout(0.5, rng=0)]:
        for dtype in (np.float32, np.float64):
            assert layer(np.ones((2, 3), dtype=dtype)).dtype == dtype


def test_python_lists_of_floats_are_accepted():
    assert nn.Linear(2, 1)([[0.5, 1.0]]).shape == (1, 1)


def test_uint8_images_are_refused_rather_than_fed_as_0_to_255():
    with pytest.raises(TypeError, match=r"uint8.*astype\(np\.float32\) / 255"):
        mlp()(np.zeros((5, 3, 4), dtype=np.uint8))


def test_linear_created_in_float64():
    layer = nn.Linear(3, 2, dtype=np.float64)
    assert layer.weight.dtype == np.float64 and layer(np.ones((1, 3))).dtype == np.float64
