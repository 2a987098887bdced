"""Two optimizers written from scratch, as chapter 05 asks learners to, against torch.optim.

1. Adagrad, by subclassing ``course_lib.optim.Optimizer`` and following its
   docstring alone: ``super().__init__(params, defaults)`` and
   ``update(p, state, group)``, the state created at a parameter's first step.
2. SGD with momentum as a plain function of lists of arrays, with no class at all.

Both run 20 steps of the problem of test_optim_torch.py (float64, the gradient a
function of the current parameters) and must match torch to 1e-10.
"""

import numpy as np
import torch
from optim_problem import (
    STEPS,
    assert_same_parameters,
    grouped,
    ours_step,
    quadratic_problem,
    rel_err,
    torch_step,
)

from course_lib.nn.module import Parameter
from course_lib.optim import Optimizer


# ---- 1. a subclass, written from Optimizer's docstring ------------------------------------------
class Adagrad(Optimizer):
    """Adagrad (Duchi, Hazan & Singer, JMLR 2011): divide by the root of the summed squared
    gradients, s_t = s_{t-1} + g_t^2, p_t = p_{t-1} - lr g_t / (sqrt(s_t) + eps)."""

    def __init__(self, params, lr=0.01, eps=1e-10):
        super().__init__(params, {"lr": lr, "eps": eps})

    def update(self, p, state, group):
        if not state:
            state["sum"] = np.zeros_like(p.data)
        state["sum"] = state["sum"] + p.grad**2
        p.data -= group["lr"] * p.grad / (np.sqrt(state["sum"]) + group["eps"])


def run_adagrad(groups):
    start, grads = quadratic_problem()
    ours = [Parameter(s.copy()) for s in start]
    theirs = [torch.tensor(s.copy(), dtype=torch.float64, requires_grad=True) for s in start]
    opt_ours = Adagrad(grouped(ours, groups), lr=0.3)
    opt_torch = torch.optim.Adagrad(grouped(theirs, groups), lr=0.3, eps=1e-10)
    for t in range(STEPS):
        ours_step(ours, opt_ours, grads, t)
        torch_step(theirs, opt_torch, grads, t)
    assert_same_parameters(ours, theirs, start)
    for p, q in zip(ours, theirs, strict=True):  # the learner's state is torch's "sum"
        assert rel_err(opt_ours.state[p]["sum"], opt_torch.state[q]["sum"].numpy()) < 1e-10
    return ours


def test_adagrad_subclass_written_from_the_optimizer_docstring_20_steps():
    run_adagrad(groups=None)


def test_adagrad_subclass_gets_two_param_groups_for_free_20_steps():
    """The group dicts (lr 0.02 for the first two parameters) reach the learner's update."""
    one, two = run_adagrad(groups=None), run_adagrad(groups=[([0, 1], {"lr": 0.02}), ([2], {})])
    assert rel_err(one[0].data, two[0].data) > 1e-3


# ---- 2. a plain function ----------------------------------------------------------------------
def sgd_momentum_step(params, velocities, lr, momentum):
    """One step of SGD with momentum, PyTorch's convention: v <- momentum v + g; p <- p - lr v.

    params: Parameters (p.data, p.grad); velocities: one array per parameter, zeros at first.
    Returns the new velocities.
    """
    new_velocities = []
    for p, v in zip(params, velocities, strict=True):
        v = momentum * v + p.grad
        p.data -= lr * v
        new_velocities.append(v)
    return new_velocities


def test_sgd_momentum_written_as_a_plain_function_20_steps():
    start, grads = quadratic_problem()
    ours = [Parameter(s.copy()) for s in start]
    theirs = [torch.tensor(s.copy(), dtype=torch.float64, requires_grad=True) for s in start]
    opt_torch = torch.optim.SGD(theirs, lr=0.05, momentum=0.9)
    velocities = [np.zeros_like(p.data) for p in ours]
    for t in range(STEPS):
        for p, g in zip(ours, grads(t, [p.data for p in ours]), strict=True):
            p.grad[...] = g
        velocities = sgd_momentum_step(ours, velocities, lr=0.05, momentum=0.9)
        torch_step(theirs, opt_torch, grads, t)
    assert_same_parameters(ours, theirs, start)
    for v, q in zip(velocities, theirs, strict=True):
        assert rel_err(v, opt_torch.state[q]["momentum_buffer"].numpy()) < 1e-10
