"""course_lib.optim.lr_scheduler against torch.optim.lr_scheduler: 30 epochs of learning rates.

The learning rate after construction and after each of 30 ``step()`` calls
must agree to a relative error of 1e-10 (entry-wise and norm-wise).
"""

import math

import numpy as np
import pytest
import torch

from course_lib import optim
from course_lib.nn.module import Parameter

EPOCHS = 30
TOL = 1e-10


def lr_sequences(name, base_lr=0.1, **kwargs):
    ours_opt = optim.SGD([Parameter(np.zeros(3))], lr=base_lr)
    torch_opt = torch.optim.SGD([torch.zeros(3, requires_grad=True)], lr=base_lr)
    ours = getattr(optim.lr_scheduler, name)(ours_opt, **kwargs)
    theirs = getattr(torch.optim.lr_scheduler, name)(torch_opt, **kwargs)
    ours_lrs, torch_lrs = [ours.get_last_lr()[0]], [theirs.get_last_lr()[0]]
    for _ in range(EPOCHS):
        ours_opt.step()
        torch_opt.step()
        ours.step()
        theirs.step()
        ours_lrs.append(ours.get_last_lr()[0])
        torch_lrs.append(theirs.get_last_lr()[0])
        assert ours_opt.lr == ours_lrs[-1]
    return np.array(ours_lrs), np.array(torch_lrs)


def assert_same_sequence(ours, theirs):
    assert len(np.unique(np.round(theirs, 12))) > 1, "a constant schedule proves nothing"
    norm_err = np.linalg.norm(ours - theirs) / max(np.linalg.norm(ours), np.linalg.norm(theirs))
    assert norm_err < TOL
    np.testing.assert_allclose(ours, theirs, rtol=TOL, atol=1e-15)


@pytest.mark.parametrize("step_size, gamma", [(1, 0.9), (7, 0.1), (10, 0.5)])
def test_step_lr_30_epochs(step_size, gamma):
    assert_same_sequence(*lr_sequences("StepLR", step_size=step_size, gamma=gamma))


@pytest.mark.parametrize("T_max, eta_min", [(30, 0.0), (10, 0.0), (7, 1e-3), (1, 0.01)])
def test_cosine_annealing_lr_30_epochs_including_beyond_t_max(T_max, eta_min):  # noqa: N803
    assert_same_sequence(*lr_sequences("CosineAnnealingLR", T_max=T_max, eta_min=eta_min))


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"start_factor": 0.1, "total_iters": 10}, {"start_factor": 1.0, "end_factor": 0.2,
                                                     "total_iters": 20},
     {"start_factor": 0.25, "end_factor": 0.75, "total_iters": 1}],
)
def test_linear_lr_warm_up_30_epochs(kwargs):
    assert_same_sequence(*lr_sequences("LinearLR", **kwargs))


def test_cosine_annealing_reaches_eta_min_at_t_max():
    ours, theirs = lr_sequences("CosineAnnealingLR", T_max=10, eta_min=0.001)
    assert math.isclose(ours[10], 0.001, rel_tol=1e-12)
    assert math.isclose(theirs[10], 0.001, rel_tol=1e-12)
