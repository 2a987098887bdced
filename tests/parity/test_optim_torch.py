"""course_lib.optim against torch.optim: 20 steps from the same start, float64.

Both frameworks start from the same parameters. At every step the gradient is
computed by the same NumPy function of each framework's *current* parameters
(a fixed quadratic plus seeded noise), so a wrong update changes every later
gradient. Agreement is the norm-wise relative error
||a - b|| / max(||a||, ||b||) < 1e-10 for every parameter.
"""

import numpy as np
import pytest
import torch

from course_lib import optim
from course_lib.nn.module import Parameter

STEPS = 20
TOL = 1e-10
SHAPES = [(5, 3), (3,), (4, 1)]


def rel_err(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else np.linalg.norm(a - b) / scale


def quadratic_problem(seed=0):
    """Start values and a gradient function g_t(p) = c * p + d + noise_t for each shape."""
    rng = np.random.default_rng(seed)
    start = [rng.normal(size=s) for s in SHAPES]
    curvature = [rng.uniform(0.5, 5.0, size=s) for s in SHAPES]
    shift = [rng.normal(size=s) for s in SHAPES]
    noise = [[rng.normal(scale=0.3, size=s) for s in SHAPES] for _ in range(STEPS)]

    def grads(t, values):
        terms = zip(curvature, values, shift, noise[t], strict=True)
        return [c * v + d + n for c, v, d, n in terms]

    return start, grads


def run_both(make_ours, make_torch, *, make_ours_sched=None, make_torch_sched=None,
             sched_every=1):
    start, grads = quadratic_problem()
    ours = [Parameter(s.copy()) for s in start]
    theirs = [torch.tensor(s.copy(), dtype=torch.float64, requires_grad=True) for s in start]
    opt_ours, opt_torch = make_ours(ours), make_torch(theirs)
    sched_ours = make_ours_sched(opt_ours) if make_ours_sched else None
    sched_torch = make_torch_sched(opt_torch) if make_torch_sched else None
    for t in range(STEPS):
        for p, g in zip(ours, grads(t, [p.data for p in ours]), strict=True):
            p.grad[...] = g
        for p, g in zip(theirs, grads(t, [p.detach().numpy() for p in theirs]), strict=True):
            p.grad = torch.from_numpy(g)
        opt_ours.step()
        opt_torch.step()
        opt_ours.zero_grad()
        opt_torch.zero_grad()
        if sched_ours is not None and (t + 1) % sched_every == 0:
            sched_ours.step()
            sched_torch.step()
    for a, b, s in zip(ours, theirs, start, strict=True):
        assert a.data.dtype == np.float64
        assert rel_err(a.data, s) > 1e-3, "the parameters did not move; the test proves nothing"
        err = rel_err(a.data, b.detach().numpy())
        assert err < TOL, f"relative error {err:.3e} after {STEPS} steps"


def both(name, **kwargs):
    ours_cls, torch_cls = getattr(optim, name), getattr(torch.optim, name)
    return (lambda ps: ours_cls(ps, **kwargs)), (lambda ps: torch_cls(ps, **kwargs))


# ---- SGD ---------------------------------------------------------------------------------
def test_sgd_plain_20_steps():
    run_both(*both("SGD", lr=0.05))


def test_sgd_momentum_20_steps():
    run_both(*both("SGD", lr=0.05, momentum=0.9))


def test_sgd_momentum_dampening_20_steps():
    run_both(*both("SGD", lr=0.05, momentum=0.9, dampening=0.3))


def test_sgd_nesterov_20_steps():
    run_both(*both("SGD", lr=0.05, momentum=0.9, nesterov=True))


def test_sgd_weight_decay_20_steps():
    run_both(*both("SGD", lr=0.05, weight_decay=0.1))


def test_sgd_momentum_weight_decay_20_steps():
    run_both(*both("SGD", lr=0.05, momentum=0.8, weight_decay=0.1))


def test_sgd_nesterov_weight_decay_20_steps():
    run_both(*both("SGD", lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.05))


# ---- RMSprop -----------------------------------------------------------------------------
def test_rmsprop_defaults_20_steps():
    run_both(*both("RMSprop", lr=0.01))


def test_rmsprop_momentum_20_steps():
    run_both(*both("RMSprop", lr=0.01, momentum=0.9))


def test_rmsprop_centered_20_steps():
    run_both(*both("RMSprop", lr=0.01, centered=True))


def test_rmsprop_centered_momentum_weight_decay_alpha_eps_20_steps():
    run_both(*both("RMSprop", lr=0.02, alpha=0.9, eps=1e-6, centered=True, momentum=0.5,
                   weight_decay=0.1))


# ---- Adam / AdamW ------------------------------------------------------------------------
def test_adam_defaults_20_steps():
    run_both(*both("Adam"))


def test_adam_lr_0_1_betas_eps_20_steps():
    run_both(*both("Adam", lr=0.1, betas=(0.8, 0.95), eps=1e-4))


def test_adam_l2_weight_decay_20_steps():
    run_both(*both("Adam", lr=0.05, weight_decay=0.1))


def test_adamw_default_decoupled_decay_20_steps():
    run_both(*both("AdamW", lr=0.05))


def test_adamw_large_decoupled_decay_20_steps():
    run_both(*both("AdamW", lr=0.05, weight_decay=0.5, betas=(0.5, 0.9)))


# ---- an optimizer under a changing learning rate ------------------------------------------
def test_sgd_momentum_with_step_lr_every_5_steps_20_steps():
    """PyTorch's momentum convention: a new lr rescales the whole velocity at once."""
    ours, theirs = both("SGD", lr=0.1, momentum=0.9)
    run_both(ours, theirs,
             make_ours_sched=lambda o: optim.StepLR(o, step_size=1, gamma=0.5),
             make_torch_sched=lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=1, gamma=0.5),
             sched_every=5)


def test_adam_with_cosine_annealing_per_step_20_steps():
    ours, theirs = both("Adam", lr=0.1)
    run_both(ours, theirs,
             make_ours_sched=lambda o: optim.CosineAnnealingLR(o, T_max=STEPS),
             make_torch_sched=lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=STEPS))


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
