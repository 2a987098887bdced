"""The module API: names like PyTorch's, zero_grad, gradient accumulation, train/eval,
double/float, state_dict with PyTorch's semantics, load_state_dict's refusals, named_modules,
apply, ModuleList, repr, Sequential's container behaviour, and the training-step convention."""

import re

import numpy as np
import pytest
import torch

from course_lib import nn


def small_mlp(rng=0):
    rng = np.random.default_rng(rng)
    return nn.Sequential(nn.Linear(4, 8, rng=rng), nn.ReLU(), nn.Dropout(0.5, rng=rng),
                         nn.Linear(8, 6, rng=rng), nn.BatchNorm1d(6), nn.Tanh(),
                         nn.Linear(6, 3, rng=rng))


def torch_small_mlp():
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                               torch.nn.Linear(8, 6), torch.nn.BatchNorm1d(6),
                               torch.nn.Tanh(), torch.nn.Linear(6, 3))


def test_named_parameters_match_pytorch_names_order_and_shapes():
    ours = [(name, p.shape) for name, p in small_mlp().named_parameters()]
    theirs = [(name, tuple(p.shape)) for name, p in torch_small_mlp().named_parameters()]
    assert ours == theirs
    assert ours[:4] == [("0.weight", (8, 4)), ("0.bias", (8,)), ("3.weight", (6, 8)),
                        ("3.bias", (6,))]


def test_state_dict_keys_match_pytorch_including_batch_norm_buffers():
    assert set(small_mlp().state_dict()) == set(torch_small_mlp().state_dict())


def test_a_pytorch_state_dict_loads_into_the_same_model():
    torch.manual_seed(0)
    theirs = torch_small_mlp().double().eval()
    ours = small_mlp().double().eval()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).normal(size=(5, 4))
    np.testing.assert_allclose(ours(x), theirs(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-12)


def test_parameters_modules_and_children():
    model = small_mlp()
    assert len(model.parameters()) == 8
    assert all(isinstance(p, nn.Parameter) for p in model.parameters())
    assert [type(m).__name__ for m in model.children()] == [
        "Linear", "ReLU", "Dropout", "Linear", "BatchNorm1d", "Tanh", "Linear"]
    assert len(list(model.modules())) == 8


def forward_backward(model, loss_fn, x, y):
    loss = loss_fn(model(x), y)
    model.backward(loss_fn.backward())
    return loss


def test_zero_grad_resets_every_gradient():
    model, loss_fn = small_mlp(), nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    forward_backward(model, loss_fn, rng.normal(size=(5, 4)), np.array([0, 1, 2, 0, 1]))
    assert all(np.any(p.grad != 0) for p in model.parameters())
    model.zero_grad()
    assert all(np.all(p.grad == 0) for p in model.parameters())


def test_backward_accumulates_gradients_over_two_batches():
    model, loss_fn = small_mlp().eval().double(), nn.MSELoss()
    rng = np.random.default_rng(0)
    batches = [(rng.normal(size=(5, 4)), rng.normal(size=(5, 3))) for _ in range(2)]
    separate = []
    for x, y in batches:
        model.zero_grad()
        forward_backward(model, loss_fn, x, y)
        separate.append([p.grad.copy() for p in model.parameters()])
    model.zero_grad()
    for x, y in batches:
        forward_backward(model, loss_fn, x, y)
    for p, g1, g2 in zip(model.parameters(), *separate, strict=True):
        np.testing.assert_allclose(p.grad, g1 + g2, rtol=1e-12)


def test_backward_twice_after_one_forward_doubles_the_gradients():
    layer = nn.Linear(3, 2, rng=0).double()
    x, dout = np.ones((4, 3)), np.ones((4, 2))
    layer(x)
    layer.backward(dout)
    once = layer.weight.grad.copy()
    layer.backward(dout)
    np.testing.assert_allclose(layer.weight.grad, 2 * once)


def test_train_and_eval_switch_every_module_and_return_the_model():
    model = small_mlp()
    assert model.eval() is model
    assert all(not m.training for m in model.modules())
    assert model.train() is model
    assert all(m.training for m in model.modules())


def test_dropout_drops_in_training_and_is_the_identity_in_evaluation():
    drop = nn.Dropout(0.5, rng=0)
    x = np.ones((10, 10), dtype=np.float32)
    out = drop(x)
    assert 0 < (out == 0).sum() < 100 and set(np.unique(out)) == {0.0, 2.0}
    np.testing.assert_array_equal(drop.backward(np.ones_like(x)), out)  # same mask
    drop.eval()
    assert drop(x) is x
    dout = np.ones_like(x)
    assert drop.backward(dout) is dout


def test_batch_norm_uses_batch_statistics_in_training_and_running_ones_in_evaluation():
    bn = nn.BatchNorm1d(2, momentum=0.5).double()
    x = np.array([[1.0, 10.0], [3.0, 30.0]])
    np.testing.assert_allclose(bn(x), [[-1, -1], [1, 1]], atol=1e-4)  # batch statistics
    # running stats: (1 - 0.5) * init + 0.5 * batch, with the unbiased batch variance
    np.testing.assert_allclose(bn.running_mean, [1.0, 10.0])
    np.testing.assert_allclose(bn.running_var, [0.5 + 0.5 * 2.0, 0.5 + 0.5 * 200.0])
    assert bn.num_batches_tracked == 1
    bn.eval()
    expected = (x - bn.running_mean) / np.sqrt(bn.running_var + 1e-5)
    np.testing.assert_allclose(bn(x), expected, rtol=1e-12)
    assert bn.num_batches_tracked == 1  # evaluation does not touch the statistics
    np.testing.assert_allclose(bn(x[:1]), expected[:1], rtol=1e-12)  # one sample is fine


def test_double_and_float_convert_parameters_gradients_and_buffers_in_place():
    model = small_mlp()
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert model.double() is model
    assert all(p.dtype == np.float64 and p.grad.dtype == np.float64
               for p in model.parameters())
    assert model[4].running_mean.dtype == np.float64 and model[4].running_var.dtype == np.float64
    assert model(np.ones((3, 4), dtype=np.float32)).dtype == np.float64
    assert model.float() is model
    assert all(p.dtype == np.float32 and p.grad.dtype == np.float32
               for p in model.parameters())
    assert model[4].running_var.dtype == np.float32
    assert model[4].num_batches_tracked.dtype == np.int64


def test_state_dict_holds_the_live_arrays_as_in_pytorch_and_load_copies_them_in():
    model = small_mlp()
    model(np.random.default_rng(0).normal(size=(6, 4)))  # moves the running statistics
    state = model.state_dict()
    assert state["0.weight"] is model[0].weight.data
    assert state["4.running_mean"] is model[4].running_mean
    snapshot = {name: array.copy() for name, array in state.items()}
    model(np.random.default_rng(1).normal(size=(6, 4)))
    assert not np.array_equal(state["4.running_mean"], snapshot["4.running_mean"])  # follows
    other = small_mlp(rng=99)
    other.load_state_dict(snapshot)
    for key, value in other.state_dict().items():
        np.testing.assert_array_equal(value, snapshot[key])
    snapshot["0.weight"][...] = 0  # load_state_dict copied: the model is not affected
    assert np.any(other[0].weight.data != 0)


def test_load_state_dict_refuses_missing_unexpected_and_misshapen_entries_buffers_included():
    model = small_mlp()
    state = {name: array.copy() for name, array in model.state_dict().items()}
    before = {name: array.copy() for name, array in state.items()}
    with pytest.raises(ValueError, match=r"missing keys \['0.bias'"):
        model.load_state_dict({k: v for k, v in state.items() if k != "0.bias"})
    with pytest.raises(ValueError, match=r"unexpected keys \['extra'\]"):
        model.load_state_dict({**state, "extra": np.zeros(1)})
    for name in ("0.weight", "4.running_mean", "4.running_var"):
        wrong = {**state, name: np.zeros(3)}
        with pytest.raises(ValueError, match=rf"'{re.escape(name)}' has shape"):
            model.load_state_dict(wrong)
    with pytest.raises(TypeError, match="dict of arrays"):
        model.load_state_dict([("0.weight", state["0.weight"])])
    for name, array in model.state_dict().items():  # nothing was loaded by a refused call
        np.testing.assert_array_equal(array, before[name])
    partial = model.load_state_dict({"0.weight": np.ones((8, 4))}, strict=False)
    assert "0.bias" in partial.missing_keys and partial.unexpected_keys == []
    assert np.all(model[0].weight.data == 1)


def test_named_modules_apply_and_module_list_follow_pytorch():
    ours, theirs = small_mlp(), torch_small_mlp()
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    seen = []
    assert ours.apply(lambda m: seen.append(type(m).__name__)) is ours
    assert seen == [type(m).__name__ for m in ours.modules()][1:] + ["Sequential"]

    class Tower(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(3, 3, rng=i) for i in range(2)])
            self.head = nn.Linear(3, 1, rng=9)

    class TorchTower(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = torch.nn.ModuleList([torch.nn.Linear(3, 3) for _ in range(2)])
            self.head = torch.nn.Linear(3, 1)

    assert list(Tower().state_dict()) == list(TorchTower().state_dict())
    assert [n for n, _ in Tower().named_modules()] == [n for n, _ in TorchTower().named_modules()]
    with pytest.raises(NotImplementedError, match="loop over its modules"):
        Tower().blocks(np.ones((1, 3)))
    with pytest.raises(TypeError, match="ReLU instead of ReLU"):
        nn.ModuleList([nn.ReLU])


def test_repr_reads_like_pytorch():
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
                          nn.BatchNorm1d(512), nn.LeakyReLU(0.1), nn.ELU(), nn.Sigmoid(),
                          nn.Tanh(), nn.Linear(512, 10, bias=False), nn.Softmax(dim=1))
    assert repr(model) == """Sequential(
  (0): Flatten(start_dim=1, end_dim=-1)
  (1): Linear(in_features=784, out_features=512, bias=True)
  (2): ReLU()
  (3): Dropout(p=0.2)
  (4): BatchNorm1d(512, eps=1e-05, momentum=0.1, affine=True)
  (5): LeakyReLU(negative_slope=0.1)
  (6): ELU(alpha=1.0)
  (7): Sigmoid()
  (8): Tanh()
  (9): Linear(in_features=512, out_features=10, bias=False)
  (10): Softmax(dim=1)
)"""
    same_in_torch = [
        (nn.Linear(784, 512), torch.nn.Linear(784, 512)), (nn.ReLU(), torch.nn.ReLU()),
        (nn.Flatten(), torch.nn.Flatten()), (nn.LeakyReLU(0.1), torch.nn.LeakyReLU(0.1)),
        (nn.ELU(), torch.nn.ELU()), (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
        (nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()), (nn.MSELoss(), torch.nn.MSELoss()),
    ]
    for ours, theirs in same_in_torch:
        assert repr(ours) == repr(theirs)
    assert repr(nn.HuberLoss(reduction="sum", delta=2.0)) == "HuberLoss(reduction='sum', delta=2.0)"


def test_sequential_indexing_len_iteration_slicing_and_append():
    layers = [nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3
    assert model[0] is layers[0] and model[-1] is layers[2]
    assert list(model) == layers
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head) == layers[:2]
    assert model.append(nn.Sigmoid()) is model
    assert len(model) == 4 and [n for n, _ in model.named_children()] == ["0", "1", "2", "3"]
    with pytest.raises(IndexError):
        model[4]


def test_a_training_step_with_the_course_convention_reduces_the_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(4, 16, rng=rng), nn.ReLU(), nn.Linear(16, 2, rng=rng))
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(50):
        loss = loss_fn(model(x), y)
        model.backward(loss_fn.backward())
        for p in model.parameters():  # plain gradient descent (the optimizers are elsewhere)
            p.data -= 0.5 * p.grad
        model.zero_grad()
        losses.append(loss)
    assert isinstance(losses[0], float)
    assert losses[-1] < 0.5 * losses[0]


def test_loss_modules_return_a_float_and_backward_returns_dloss_dpred():
    pred, target = np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]])
    loss_fn = nn.MSELoss()
    loss = loss_fn(pred, target)
    assert type(loss) is float and loss == pytest.approx(2.5)
    np.testing.assert_allclose(loss_fn.backward(), [[1.0], [2.0]])  # 2 * r / 2
    per_element = nn.MSELoss(reduction="none")(pred, target)
    np.testing.assert_allclose(per_element, [[1.0], [4.0]])


def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in_and_seeded():
    layer = nn.Linear(400, 300, rng=0)
    bound = 1 / np.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.data).max() <= bound
        # the extremes are reached: max |w| > 0.99 bound has probability 1 - 0.99^n
        assert np.abs(p.data).max() > 0.99 * bound
    np.testing.assert_array_equal(nn.Linear(400, 300, rng=0).weight.data, layer.weight.data)
    assert not np.array_equal(nn.Linear(400, 300, rng=1).weight.data, layer.weight.data)
    rng = np.random.default_rng(5)
    a, b = nn.Linear(3, 3, rng=rng), nn.Linear(3, 3, rng=rng)  # one generator, two layers
    assert not np.array_equal(a.weight.data, b.weight.data)
    assert layer.weight.shape == (300, 400) and layer.bias.shape == (300,)


def test_backward_before_forward_raises_a_clear_error():
    for module in [nn.Linear(2, 3), nn.ReLU(), nn.Dropout(), nn.BatchNorm1d(2), nn.Flatten(),
                   nn.Softmax(), nn.CrossEntropyLoss()]:
        with pytest.raises(RuntimeError, match=r"backward\(\) was called before forward\(\)"):
            module.backward(np.ones((2, 3)))


def test_sequential_backward_before_forward_names_the_layer():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    with pytest.raises(RuntimeError, match=r"layer 1 \(ReLU\).*before forward"):
        model.backward(np.ones((2, 3)))
