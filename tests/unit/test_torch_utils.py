"""course_lib.torch_utils, and the rule that nothing else in course_lib imports torch."""

import random
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from course_lib import torch_utils
from course_lib.train import TrainingDiverged


def test_get_device_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.setattr(torch_utils, "_available", lambda kind: kind in ("cuda", "mps", "cpu"))
    assert torch_utils.get_device() == torch.device("cuda")
    monkeypatch.setattr(torch_utils, "_available", lambda kind: kind in ("mps", "cpu"))
    assert torch_utils.get_device() == torch.device("mps")
    monkeypatch.setattr(torch_utils, "_available", lambda kind: kind == "cpu")
    assert torch_utils.get_device() == torch.device("cpu")


def test_get_device_on_this_machine_and_explicit_preferences():
    expected = "cuda" if torch.cuda.is_available() else (
        "mps" if torch.backends.mps.is_available() else "cpu")
    assert torch_utils.get_device().type == expected
    assert torch_utils.get_device("cpu") == torch.device("cpu")


def test_get_device_unavailable_or_unknown_device_raises(monkeypatch):
    monkeypatch.setattr(torch_utils, "_available", lambda kind: kind == "cpu")
    with pytest.raises(ValueError, match=r"'cuda' is not available.*\['cpu'\]"):
        torch_utils.get_device("cuda")
    with pytest.raises(ValueError, match="not a device name"):
        torch_utils.get_device("gpu")


def test_seed_everything_repeats_torch_and_random_and_leaves_numpy_alone():
    numpy_state = np.random.get_state()[1].copy()  # noqa: NPY002 (the global state itself)
    torch_utils.seed_everything(3)
    first = (torch.randn(3), random.random())
    torch_utils.seed_everything(3)
    second = (torch.randn(3), random.random())
    assert torch.equal(first[0], second[0]) and first[1] == second[1]
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state)  # noqa: NPY002
    with pytest.raises(ValueError, match="seed"):
        torch_utils.seed_everything(-1)


def test_count_parameters_of_the_fashion_mnist_mlp():
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 512), torch.nn.ReLU(),
                                torch.nn.Linear(512, 512), torch.nn.ReLU(),
                                torch.nn.Linear(512, 10))
    assert torch_utils.count_parameters(model) == 784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10
    model[1].weight.requires_grad_(False)
    assert torch_utils.count_parameters(model) == 669706 - 784 * 512
    assert torch_utils.count_parameters(model, trainable_only=False) == 669706


def classification_loaders(seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(96, 4, generator=g)
    y = (X[:, 0] + X[:, 1] > 0).long()
    return (DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True, generator=g),
            DataLoader(TensorDataset(X, y), batch_size=40), X, y)


def test_train_epoch_and_evaluate_return_plain_floats_and_learn():
    torch_utils.seed_everything(0)
    train_loader, eval_loader, X, y = classification_loaders()
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.Linear(16, 2))
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    before = torch_utils.evaluate(model, loss_fn, eval_loader)
    for _ in range(10):
        scores = torch_utils.train_epoch(model, loss_fn, optimizer, train_loader)
    after = torch_utils.evaluate(model, loss_fn, eval_loader)
    assert set(scores) == set(after) == {"loss", "accuracy"}
    assert all(type(v) is float for v in [*scores.values(), *after.values()])
    assert after["loss"] < before["loss"] and after["accuracy"] > 0.9
    model.eval()
    with torch.no_grad():
        output = model(X)
    assert after["loss"] == pytest.approx(loss_fn(output, y).item(), rel=1e-5)
    assert after["accuracy"] == pytest.approx((output.argmax(1) == y).float().mean().item())


def test_evaluate_restores_mode_and_changes_no_parameter():
    _, eval_loader, _, _ = classification_loaders()
    model = torch.nn.Linear(4, 2)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    torch_utils.evaluate(model, torch.nn.CrossEntropyLoss(), eval_loader)
    assert model.training
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())


def test_regression_scores_have_no_accuracy():
    X = torch.randn(32, 3)
    loader = DataLoader(TensorDataset(X, X.sum(1, keepdim=True)), batch_size=8)
    model = torch.nn.Linear(3, 1)
    scores = torch_utils.train_epoch(model, torch.nn.MSELoss(),
                                     torch.optim.SGD(model.parameters(), lr=0.1), loader)
    assert set(scores) == {"loss"}


def test_train_epoch_stops_on_a_non_finite_loss():
    X = torch.full((8, 3), float("nan"))
    loader = DataLoader(TensorDataset(X, torch.zeros(8, 1)), batch_size=4)
    model = torch.nn.Linear(3, 1)
    with pytest.raises(TrainingDiverged, match="batch 1: the loss is nan"):
        torch_utils.train_epoch(model, torch.nn.MSELoss(),
                                torch.optim.SGD(model.parameters(), lr=0.1), loader)


def test_the_loops_take_fits_argument_order_and_name_it_when_swapped():
    _, loader, _, _ = classification_loaders()
    model, loss_fn = torch.nn.Linear(4, 2), torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"fit's order: \(model, loss_fn, loader\)"):
        torch_utils.evaluate(model, loader, loss_fn)  # the order before fit's
    with pytest.raises(TypeError, match=r"\(model, loss_fn, optimizer, loader\)"):
        torch_utils.train_epoch(model, loader, loss_fn, optimizer)
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        torch_utils.train_epoch(model, "mse", optimizer, loader)


def test_numpy_modules_of_course_lib_do_not_import_torch():
    code = ("import sys, course_lib, course_lib.nn, course_lib.optim, course_lib.train, "
            "course_lib.metrics, course_lib.regularization\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
