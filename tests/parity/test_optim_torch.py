"""course_lib.optim against torch.optim: 20 steps from the same start, float64.

Both frameworks start from the same parameters. At every step the gradient is
computed by the same NumPy function of each framework's *current* parameters
(a fixed quadratic plus seeded noise), so a wrong update changes every later
gradient. Agreement is the norm-wise relative error
||a - b|| / max(||a||, ||b||) < 1e-10 for every parameter.

Every optimizer runs with one parameter group and with two groups of
different learning rate and weight decay, with the plain update rule and with
``fused=True``; a state saved with ``state_dict()`` halfway and loaded into a
fresh optimizer must continue exactly as the uninterrupted run.
"""

import copy

import numpy as np
import pytest
import torch
from optim_problem import (
    SHAPES,
    STEPS,
    TOL,
    TWO_GROUPS,
    assert_same_parameters,
    grouped,
    ours_step,
    quadratic_problem,
    rel_err,
    torch_step,
)

from course_lib import optim
from course_lib.nn.module import Parameter


def run_both(name, groups=None, *, fused=False, make_schedulers=None, sched_every=1, **kwargs):
    """Run course_lib's and torch's optimizer ``name`` for STEPS steps; return both (and params)."""
    start, grads = quadratic_problem()
    ours = [Parameter(s.copy()) for s in start]
    theirs = [torch.tensor(s.copy(), dtype=torch.float64, requires_grad=True) for s in start]
    opt_ours = getattr(optim, name)(grouped(ours, groups), fused=fused, **kwargs)
    opt_torch = getattr(torch.optim, name)(grouped(theirs, groups), **kwargs)
    sched_ours = make_schedulers(optim.lr_scheduler, opt_ours) if make_schedulers else []
    sched_torch = make_schedulers(torch.optim.lr_scheduler, opt_torch) if make_schedulers else []
    for t in range(STEPS):
        ours_step(ours, opt_ours, grads, t)
        torch_step(theirs, opt_torch, grads, t)
        if (t + 1) % sched_every == 0:
            for scheduler in [*sched_ours, *sched_torch]:
                scheduler.step()
    assert_same_parameters(ours, theirs, start)
    return ours, theirs


CONFIGS = {
    "sgd_plain": ("SGD", {"lr": 0.05}),
    "sgd_momentum": ("SGD", {"lr": 0.05, "momentum": 0.9}),
    "sgd_momentum_dampening": ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    "sgd_nesterov": ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    "sgd_weight_decay": ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    "sgd_momentum_weight_decay": ("SGD", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.1}),
    "sgd_nesterov_weight_decay": ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True,
                                          "weight_decay": 0.05}),
    "rmsprop_defaults": ("RMSprop", {"lr": 0.01}),
    "rmsprop_momentum": ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    "rmsprop_centered": ("RMSprop", {"lr": 0.01, "centered": True}),
    "rmsprop_centered_momentum_weight_decay_alpha_eps": (
        "RMSprop", {"lr": 0.02, "alpha": 0.9, "eps": 1e-6, "centered": True, "momentum": 0.5,
                    "weight_decay": 0.1}),
    "adam_defaults": ("Adam", {}),
    "adam_lr_0_1_betas_eps": ("Adam", {"lr": 0.1, "betas": (0.8, 0.95), "eps": 1e-4}),
    "adam_l2_weight_decay": ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    "adam_decoupled_weight_decay": ("Adam", {"lr": 0.05, "weight_decay": 0.1,
                                             "decoupled_weight_decay": True}),
    "adamw_default_decoupled_decay": ("AdamW", {"lr": 0.05}),
    "adamw_large_decoupled_decay": ("AdamW", {"lr": 0.05, "weight_decay": 0.5,
                                              "betas": (0.5, 0.9)}),
}


# ---- one parameter group ------------------------------------------------------------------
@pytest.mark.parametrize("fused", [False, True], ids=["plain", "fused"])
@pytest.mark.parametrize("config", list(CONFIGS))
def test_optimizer_20_steps(config, fused):
    name, kwargs = CONFIGS[config]
    run_both(name, fused=fused, **kwargs)


# ---- two parameter groups of different lr and weight decay -----------------------------------
@pytest.mark.parametrize("fused", [False, True], ids=["plain", "fused"])
@pytest.mark.parametrize("config", ["sgd_nesterov_weight_decay", "sgd_momentum_dampening",
                                    "rmsprop_centered_momentum_weight_decay_alpha_eps",
                                    "rmsprop_defaults", "adam_lr_0_1_betas_eps",
                                    "adam_l2_weight_decay", "adamw_large_decoupled_decay"])
def test_optimizer_two_param_groups_different_lr_weight_decay_20_steps(config, fused):
    name, kwargs = CONFIGS[config]
    run_both(name, TWO_GROUPS, fused=fused, **kwargs)


def test_two_param_groups_really_differ_from_one_group():
    """The groups' own lr and weight decay are used: the result differs from one group."""
    one, _ = run_both("Adam", lr=0.05, weight_decay=0.1)
    two, _ = run_both("Adam", TWO_GROUPS, lr=0.05, weight_decay=0.1)
    assert rel_err(one[0].data, two[0].data) > 1e-3
    np.testing.assert_array_equal(one[2].data, two[2].data)  # group 1 has the defaults


# ---- state_dict halfway, loaded into a fresh optimizer ---------------------------------------
@pytest.mark.parametrize("fused", [False, True], ids=["plain", "fused"])
@pytest.mark.parametrize("config", ["sgd_nesterov_weight_decay", "sgd_momentum_dampening",
                                    "rmsprop_centered_momentum_weight_decay_alpha_eps",
                                    "adam_l2_weight_decay", "adamw_large_decoupled_decay"])
def test_state_dict_after_10_steps_loaded_into_fresh_optimizer_continues_20_steps(config, fused):
    name, kwargs = CONFIGS[config]
    start, grads = quadratic_problem()
    make = getattr(optim, name)
    straight = [Parameter(s.copy()) for s in start]
    opt_straight = make(grouped(straight, TWO_GROUPS), fused=fused, **kwargs)
    first = [Parameter(s.copy()) for s in start]
    opt_first = make(grouped(first, TWO_GROUPS), fused=fused, **kwargs)
    theirs = [torch.tensor(s.copy(), dtype=torch.float64, requires_grad=True) for s in start]
    opt_torch = getattr(torch.optim, name)(grouped(theirs, TWO_GROUPS), **kwargs)
    for t in range(STEPS // 2):
        ours_step(straight, opt_straight, grads, t)
        ours_step(first, opt_first, grads, t)
        torch_step(theirs, opt_torch, grads, t)
    saved = copy.deepcopy(opt_first.state_dict())
    assert_state_dict_equals_torch(saved, opt_torch.state_dict())

    resumed = [Parameter(p.data.copy()) for p in first]
    opt_resumed = make(grouped(resumed, TWO_GROUPS), fused=fused, **kwargs)
    opt_resumed.load_state_dict(saved)
    del opt_first, first  # nothing of the first run is used from here on
    for t in range(STEPS // 2, STEPS):
        ours_step(straight, opt_straight, grads, t)
        ours_step(resumed, opt_resumed, grads, t)
        torch_step(theirs, opt_torch, grads, t)
    for a, b in zip(straight, resumed, strict=True):
        np.testing.assert_array_equal(a.data, b.data)  # the same operations on the same numbers
    assert_same_parameters(resumed, theirs, start)


def assert_state_dict_equals_torch(ours, theirs):
    """Same layout (indices, groups, state names) and the same values."""
    assert sorted(ours["state"]) == sorted(theirs["state"])
    for index, state in ours["state"].items():
        torch_state = theirs["state"][index]
        assert set(state) <= set(torch_state), f"names torch does not have: {set(state)}"
        for key, value in state.items():
            expected = torch_state[key]
            if key == "step":
                assert value == expected.item()
            else:
                assert rel_err(value, expected.numpy()) < TOL, key
        assert set(torch_state) - set(state) <= {"step"}  # torch's RMSprop also counts steps
    assert len(ours["param_groups"]) == len(theirs["param_groups"])
    for group, torch_group in zip(ours["param_groups"], theirs["param_groups"], strict=True):
        assert group["params"] == torch_group["params"]
        for key, value in group.items():
            if key in torch_group and key not in ("params", "fused"):
                assert value == pytest.approx(torch_group[key], rel=1e-15), key


# ---- an optimizer under changing learning rates ----------------------------------------------
def test_sgd_momentum_with_step_lr_every_5_steps_20_steps():
    """PyTorch's momentum convention: a new lr rescales the whole velocity at once."""
    run_both("SGD", lr=0.1, momentum=0.9, sched_every=5,
             make_schedulers=lambda m, o: [m.StepLR(o, step_size=1, gamma=0.5)])


def test_adam_with_cosine_annealing_per_step_20_steps():
    run_both("Adam", lr=0.1, make_schedulers=lambda m, o: [m.CosineAnnealingLR(o, T_max=STEPS)])


@pytest.mark.parametrize("fused", [False, True], ids=["plain", "fused"])
def test_adamw_two_param_groups_with_chained_warm_up_and_cosine_20_steps(fused):
    run_both("AdamW", TWO_GROUPS, fused=fused, lr=0.1, make_schedulers=lambda m, o: [
        m.LinearLR(o, start_factor=0.1, total_iters=5), m.CosineAnnealingLR(o, T_max=STEPS)])


def test_rmsprop_two_param_groups_with_sequential_warm_up_then_cosine_20_steps():
    def schedulers(m, o):
        warm_up = m.LinearLR(o, start_factor=0.2, total_iters=4)
        cosine = m.CosineAnnealingLR(o, T_max=16, eta_min=1e-3)
        return [m.SequentialLR(o, [warm_up, cosine], milestones=[4])]
    run_both("RMSprop", TWO_GROUPS, lr=0.02, momentum=0.5, make_schedulers=schedulers)


# ---- clip_grad_norm_ ------------------------------------------------------------------------
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_total_norm_and_clipped_grads_match_torch(norm_type, max_norm):
    rng = np.random.default_rng(1)
    grads = [rng.normal(size=s) for s in SHAPES]
    ours = [Parameter(np.zeros(s)) for s in SHAPES]
    theirs = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in SHAPES]
    for p, q, g in zip(ours, theirs, grads, strict=True):
        p.grad[...] = g
        q.grad = torch.from_numpy(g.copy())
    total_ours = optim.clip_grad_norm_(iter(ours), max_norm, norm_type=norm_type)
    total_torch = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total_ours, float)
    assert rel_err(total_ours, total_torch.item()) < TOL
    for p, q, g in zip(ours, theirs, grads, strict=True):
        assert rel_err(p.grad, q.grad.numpy()) < TOL
        if max_norm > 1e5:
            np.testing.assert_array_equal(p.grad, g)  # nothing to clip: gradients untouched
