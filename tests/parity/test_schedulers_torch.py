"""course_lib.optim.lr_scheduler against torch.optim.lr_scheduler: 30 epochs of learning rates.

Both optimizers have two parameter groups with different learning rates. After
construction and after each of 30 ``step()`` calls, every group's ``lr`` and
every scheduler's ``get_last_lr()`` must agree with torch's to a relative error
of 1e-12 (float64). Chained schedulers (two stepping one optimizer) and
SequentialLR over several milestones are compared the same way.
"""

import math

import numpy as np
import pytest
import torch

from course_lib import optim
from course_lib.nn.module import Parameter

EPOCHS = 30
TOL = 1e-12
BASE_LRS = (0.1, 0.03)


def optimizers():
    ours = optim.SGD([{"params": [Parameter(np.zeros(3))], "lr": BASE_LRS[0]},
                      {"params": [Parameter(np.zeros(2))], "lr": BASE_LRS[1]}], lr=1.0)
    theirs = torch.optim.SGD([{"params": [torch.zeros(3, requires_grad=True)], "lr": BASE_LRS[0]},
                              {"params": [torch.zeros(2, requires_grad=True)], "lr": BASE_LRS[1]}],
                             lr=1.0)
    return ours, theirs


def lr_history(make_schedulers, framework):
    """Rows of (each group's lr, then each scheduler's get_last_lr()), after construction and
    after every epoch. ``make_schedulers(scheduler_module, optimizer)`` returns the schedulers
    to step, in order."""
    ours, theirs = optimizers()
    optimizer, module = ((ours, optim.lr_scheduler) if framework == "ours"
                         else (theirs, torch.optim.lr_scheduler))
    schedulers = make_schedulers(module, optimizer)

    def row():
        values = [group["lr"] for group in optimizer.param_groups]
        for scheduler in schedulers:
            values += scheduler.get_last_lr()
        return values

    rows = [row()]
    for _ in range(EPOCHS):
        optimizer.step()
        for scheduler in schedulers:
            scheduler.step()
        rows.append(row())
    return np.array(rows, dtype=np.float64)


def assert_same_as_torch(make_schedulers):
    ours, theirs = lr_history(make_schedulers, "ours"), lr_history(make_schedulers, "torch")
    assert ours.shape == theirs.shape
    assert len(np.unique(np.round(theirs[:, 0], 12))) > 1, "a constant schedule proves nothing"
    np.testing.assert_allclose(ours, theirs, rtol=TOL, atol=1e-16)
    return ours


# ---- one scheduler ---------------------------------------------------------------------------
@pytest.mark.parametrize("step_size, gamma", [(1, 0.9), (7, 0.1), (10, 0.5)])
def test_step_lr_30_epochs(step_size, gamma):
    assert_same_as_torch(lambda m, o: [m.StepLR(o, step_size=step_size, gamma=gamma)])


@pytest.mark.parametrize("milestones, gamma", [([3, 10, 20], 0.5), ([25, 4, 4], 0.1)],
                         ids=["sorted", "unsorted_with_a_repeat"])
def test_multi_step_lr_30_epochs(milestones, gamma):
    assert_same_as_torch(lambda m, o: [m.MultiStepLR(o, milestones=milestones, gamma=gamma)])


@pytest.mark.parametrize("gamma", [0.9, 0.5, 1.05])
def test_exponential_lr_30_epochs(gamma):
    assert_same_as_torch(lambda m, o: [m.ExponentialLR(o, gamma=gamma)])


@pytest.mark.parametrize("T_max, eta_min", [(30, 0.0), (10, 0.0), (7, 1e-3), (1, 0.01)])
def test_cosine_annealing_lr_30_epochs_including_beyond_t_max(T_max, eta_min):  # noqa: N803
    assert_same_as_torch(lambda m, o: [m.CosineAnnealingLR(o, T_max=T_max, eta_min=eta_min)])


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"start_factor": 0.1, "total_iters": 10},
     {"start_factor": 1.0, "end_factor": 0.2, "total_iters": 20},
     {"start_factor": 0.25, "end_factor": 0.75, "total_iters": 1},
     {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 12}],
    ids=["defaults", "warm_up_10", "decay_20", "one_epoch", "decay_to_zero"])
def test_linear_lr_30_epochs(kwargs):
    assert_same_as_torch(lambda m, o: [m.LinearLR(o, **kwargs)])


def test_lambda_lr_one_function_30_epochs():
    assert_same_as_torch(lambda m, o: [m.LambdaLR(o, lambda epoch: 1 / (1 + 0.3 * epoch))])


def test_lambda_lr_one_function_per_group_30_epochs():
    assert_same_as_torch(lambda m, o: [m.LambdaLR(o, [lambda epoch: min(1.0, (epoch + 1) / 6),
                                                      lambda epoch: 0.9**epoch])])


def test_cosine_annealing_reaches_eta_min_at_t_max():
    lrs = assert_same_as_torch(lambda m, o: [m.CosineAnnealingLR(o, T_max=10, eta_min=0.001)])
    assert math.isclose(lrs[10, 0], 0.001, rel_tol=1e-12)
    assert math.isclose(lrs[10, 1], 0.001, rel_tol=1e-12)


# ---- two schedulers stepping one optimizer ------------------------------------------------------
CHAINS = {
    "step_then_exponential": lambda m, o: [m.StepLR(o, step_size=5, gamma=0.5),
                                           m.ExponentialLR(o, gamma=0.95)],
    "linear_warm_up_then_cosine": lambda m, o: [m.LinearLR(o, start_factor=0.1, total_iters=6),
                                                m.CosineAnnealingLR(o, T_max=30)],
    "cosine_eta_min_then_linear_warm_up": lambda m, o: [
        m.CosineAnnealingLR(o, T_max=8, eta_min=0.005),
        m.LinearLR(o, start_factor=0.2, total_iters=5)],
    "cosine_eta_min_then_multi_step": lambda m, o: [
        m.CosineAnnealingLR(o, T_max=12, eta_min=0.002),
        m.MultiStepLR(o, milestones=[4, 9, 13], gamma=0.5)],
    "linear_decay_to_zero_then_step": lambda m, o: [
        m.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=10),
        m.StepLR(o, step_size=3, gamma=0.7)],
    "lambda_then_exponential": lambda m, o: [m.LambdaLR(o, lambda epoch: 1 / (1 + epoch)),
                                             m.ExponentialLR(o, gamma=0.9)],
    "exponential_then_lambda": lambda m, o: [m.ExponentialLR(o, gamma=0.9),
                                             m.LambdaLR(o, lambda epoch: 1 / (1 + epoch))],
}


@pytest.mark.parametrize("name", list(CHAINS))
def test_chained_schedulers_30_epochs(name):
    assert_same_as_torch(CHAINS[name])


def test_chained_step_and_exponential_multiply_their_closed_forms():
    """The composition the module docstring promises: two decays multiply."""
    lrs = assert_same_as_torch(CHAINS["step_then_exponential"])
    epochs = np.arange(EPOCHS + 1)
    np.testing.assert_allclose(lrs[:, 0], 0.1 * 0.5 ** (epochs // 5) * 0.95**epochs, rtol=1e-12)


# ---- SequentialLR ---------------------------------------------------------------------------
def sequential(schedulers, milestones):
    def make(m, o):
        return [m.SequentialLR(o, schedulers=[make_one(m, o) for make_one in schedulers],
                               milestones=milestones)]
    return make


def test_sequential_linear_warm_up_then_cosine_30_epochs():
    assert_same_as_torch(sequential(
        [lambda m, o: m.LinearLR(o, start_factor=0.1, total_iters=5),
         lambda m, o: m.CosineAnnealingLR(o, T_max=25)], milestones=[5]))


def test_sequential_three_schedulers_two_milestones_30_epochs():
    assert_same_as_torch(sequential(
        [lambda m, o: m.LinearLR(o, start_factor=0.25, total_iters=4),
         lambda m, o: m.StepLR(o, step_size=3, gamma=0.5),
         lambda m, o: m.CosineAnnealingLR(o, T_max=10, eta_min=0.001)], milestones=[4, 12]))


def test_sequential_four_schedulers_three_milestones_30_epochs():
    assert_same_as_torch(sequential(
        [lambda m, o: m.ExponentialLR(o, gamma=0.8),
         lambda m, o: m.LambdaLR(o, lambda epoch: 1 / (1 + epoch)),
         lambda m, o: m.MultiStepLR(o, milestones=[2, 4], gamma=0.3),
         lambda m, o: m.CosineAnnealingLR(o, T_max=6, eta_min=0.004)], milestones=[3, 8, 15]))


def test_sequential_chained_with_exponential_30_epochs():
    def make(m, o):
        warm_up = m.LinearLR(o, start_factor=0.2, total_iters=4)
        cosine = m.CosineAnnealingLR(o, T_max=20)
        return [m.SequentialLR(o, [warm_up, cosine], milestones=[4]), m.ExponentialLR(o, 0.97)]
    assert_same_as_torch(make)
