"""The problem every optimizer parity test runs: a noisy quadratic whose gradient depends on the
current parameters, the same in NumPy and torch (float64), and the helpers to step and compare."""

import numpy as np
import torch

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


def grouped(params, groups):
    """``params`` as given to an optimizer: the list itself, or parameter groups.

    ``groups`` is None (one group) or a list of (indices, overrides) pairs.
    """
    if groups is None:
        return params
    return [{"params": [params[i] for i in indices], **overrides} for indices, overrides in groups]


TWO_GROUPS = [([0, 1], {"lr": 0.02, "weight_decay": 0.3}), ([2], {})]


def ours_step(params, optimizer, grads, t):
    for p, g in zip(params, grads(t, [p.data for p in params]), strict=True):
        p.grad[...] = g
    optimizer.step()
    optimizer.zero_grad()


def torch_step(params, optimizer, grads, t):
    for p, g in zip(params, grads(t, [p.detach().numpy() for p in params]), strict=True):
        p.grad = torch.from_numpy(g)
    optimizer.step()
    optimizer.zero_grad()


def assert_same_parameters(ours, theirs, start):
    for a, b, s in zip(ours, theirs, start, strict=True):
        assert a.data.dtype == np.float64
        assert rel_err(a.data, s) > 1e-3, "the parameters did not move; the test proves nothing"
        err = rel_err(a.data, b.detach().numpy())
        assert err < TOL, f"relative error {err:.3e} after {STEPS} steps"
