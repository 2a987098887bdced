"""course_lib.nn losses against torch.nn losses, float64: the loss value and d loss / d pred
agree to a norm-wise relative error ||a - b|| / max(||a||, ||b||) < 1e-10, for every
reduction."""

import numpy as np
import pytest
import torch

from course_lib import nn

TOL = 1e-10
REDUCTIONS = ["mean", "sum", "none"]


def rel_err(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else np.linalg.norm(a - b) / scale


def assert_same_loss_and_gradient(ours, theirs, pred, target, torch_target=None):
    value = ours(pred, target)
    pred_t = torch.tensor(pred, requires_grad=True)
    target_t = torch.tensor(target) if torch_target is None else torch_target
    value_t = theirs(pred_t, target_t)
    if ours.reduction == "none":
        dout = np.random.default_rng(0).normal(size=np.shape(value))
        grad = ours.backward(dout)
        value_t.backward(torch.tensor(dout))
    else:
        assert isinstance(value, float)
        grad = ours.backward()
        value_t.backward()
    assert rel_err(value, value_t.detach().numpy()) < TOL
    assert rel_err(grad, pred_t.grad.numpy()) < TOL


def regression_data(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(scale=2.0, size=shape), rng.normal(scale=2.0, size=shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(8,), (8, 1), (5, 3)])
def test_mse_loss_matches_torch(reduction, shape):
    assert_same_loss_and_gradient(nn.MSELoss(reduction=reduction),
                                  torch.nn.MSELoss(reduction=reduction), *regression_data(shape))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(8,), (8, 1), (5, 3)])
def test_l1_loss_matches_torch(reduction, shape):
    assert_same_loss_and_gradient(nn.L1Loss(reduction=reduction),
                                  torch.nn.L1Loss(reduction=reduction), *regression_data(shape))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_huber_loss_matches_torch_inside_and_outside_delta(reduction, delta):
    pred, target = regression_data((20, 2))  # residuals of scale 2.8: both regimes occur
    residual = np.abs(pred - target)
    assert np.any(residual < delta) and np.any(residual > delta)
    assert_same_loss_and_gradient(nn.HuberLoss(reduction=reduction, delta=delta),
                                  torch.nn.HuberLoss(reduction=reduction, delta=delta),
                                  pred, target)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("scale", [1.0, 40.0], ids=["moderate-logits", "large-logits"])
@pytest.mark.parametrize("labels", ["hard", "soft"])
def test_bce_with_logits_matches_torch(reduction, scale, labels):
    rng = np.random.default_rng(1)
    logits = scale * rng.normal(size=(12, 1))
    target = (rng.random((12, 1)) < 0.5).astype(float) if labels == "hard" else rng.random((12, 1))
    assert_same_loss_and_gradient(nn.BCEWithLogitsLoss(reduction=reduction),
                                  torch.nn.BCEWithLogitsLoss(reduction=reduction), logits, target)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("scale", [1.0, 50.0], ids=["moderate-logits", "large-logits"])
@pytest.mark.parametrize("n, classes", [(16, 10), (1, 3), (7, 2)])
def test_cross_entropy_matches_torch(reduction, scale, n, classes):
    rng = np.random.default_rng(2)
    logits = scale * rng.normal(size=(n, classes))
    target = rng.integers(0, classes, size=n)
    assert_same_loss_and_gradient(nn.CrossEntropyLoss(reduction=reduction),
                                  torch.nn.CrossEntropyLoss(reduction=reduction), logits, target,
                                  torch_target=torch.tensor(target))


def test_cross_entropy_after_an_mlp_matches_torch_end_to_end():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(),
                                 torch.nn.Linear(16, 4)).double()
    ours = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 4)).double()
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(32, 6)), rng.integers(0, 4, size=32)
    loss_fn = nn.CrossEntropyLoss()
    loss = loss_fn(ours(x), y)
    ours.backward(loss_fn.backward())
    loss_t = torch.nn.CrossEntropyLoss()(theirs(torch.tensor(x)), torch.tensor(y))
    loss_t.backward()
    assert rel_err(loss, loss_t.item()) < TOL
    theirs_grads = {name: p.grad.numpy() for name, p in theirs.named_parameters()}
    for name, p in ours.named_parameters():
        assert rel_err(p.grad, theirs_grads[name]) < TOL, name


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("labels", ["hard", "soft"])
def test_bce_on_probabilities_matches_torch(reduction, labels):
    rng = np.random.default_rng(4)
    probs = rng.uniform(0.02, 0.98, size=(12, 1))
    target = (rng.random((12, 1)) < 0.5).astype(float) if labels == "hard" else rng.random((12, 1))
    assert_same_loss_and_gradient(nn.BCELoss(reduction=reduction),
                                  torch.nn.BCELoss(reduction=reduction), probs, target)


def test_bce_on_probabilities_clamps_the_log_at_minus_100_like_torch():
    probs, target = np.array([0.0, 1.0, 0.5]), np.array([1.0, 0.0, 1.0])
    ours, probs_t = nn.BCELoss(reduction="sum"), torch.tensor(probs, requires_grad=True)
    value_t = torch.nn.BCELoss(reduction="sum")(probs_t, torch.tensor(target))
    value_t.backward()
    assert ours(probs, target) == value_t.item() == 200 + np.log(2)
    # the gradient's denominator p (1 - p) is kept above 1e-12 (torch: float32's 1e-12,
    # 9.99999996e-13, hence 4e-9 relative at the clamp)
    assert rel_err(ours.backward(), probs_t.grad.numpy()) < 1e-8


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos_weight", [3.0, [0.5, 4.0, 1.0]], ids=["scalar", "per-column"])
@pytest.mark.parametrize("scale", [1.0, 40.0], ids=["moderate-logits", "large-logits"])
def test_bce_with_logits_and_pos_weight_matches_torch(reduction, pos_weight, scale):
    rng = np.random.default_rng(5)
    logits = scale * rng.normal(size=(10, 3))
    target = rng.random((10, 3))
    assert_same_loss_and_gradient(
        nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=pos_weight),
        torch.nn.BCEWithLogitsLoss(reduction=reduction,
                                   pos_weight=torch.tensor(pos_weight, dtype=torch.float64)),
        logits, target)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, [1.0, 5.0, 0.5, 2.0]], ids=["no-weight", "weight"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1, 1.0])
def test_cross_entropy_with_class_weights_and_label_smoothing_matches_torch(
        reduction, weight, label_smoothing):
    rng = np.random.default_rng(6)
    logits = 5 * rng.normal(size=(9, 4))
    target = rng.integers(0, 4, size=9)
    torch_weight = None if weight is None else torch.tensor(weight, dtype=torch.float64)
    assert_same_loss_and_gradient(
        nn.CrossEntropyLoss(weight=weight, reduction=reduction, label_smoothing=label_smoothing),
        torch.nn.CrossEntropyLoss(weight=torch_weight, reduction=reduction,
                                  label_smoothing=label_smoothing),
        logits, target, torch_target=torch.tensor(target))


def test_weighted_losses_stay_float32_in_float32():
    rng = np.random.default_rng(7)
    logits, target = rng.normal(size=(6, 3)).astype(np.float32), rng.integers(0, 3, size=6)
    loss_fn = nn.CrossEntropyLoss(weight=[1.0, 2.0, 3.0], label_smoothing=0.1)
    loss_fn(logits, target)
    assert loss_fn.backward().dtype == np.float32
    bce = nn.BCEWithLogitsLoss(pos_weight=[2.0, 1.0, 3.0])
    bce(logits, (logits > 0).astype(np.float32))
    assert bce.backward().dtype == np.float32
