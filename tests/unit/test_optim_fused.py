"""The in-place update rules (``fused=True``, course_lib/optim/fused.py) against the plain ones.

The fused versions exist for speed only (benchmarks/optim_step.py measures them), so they must
compute the same parameters and the same state as the printed ``update`` methods, to round-off,
and allocate no array the size of a parameter."""

import tracemalloc

import numpy as np
import pytest

from course_lib.nn.module import Parameter
from course_lib.optim import SGD, Adam, AdamW, RMSprop
from course_lib.optim import fused as fused_module

STEPS = 20
SHAPES = [(6, 4), (4,), (3, 1)]

CONFIGS = {
    "sgd": (SGD, {"lr": 0.05}),
    "sgd_weight_decay": (SGD, {"lr": 0.05, "weight_decay": 0.1}),
    "sgd_momentum": (SGD, {"lr": 0.05, "momentum": 0.9}),
    "sgd_momentum_dampening_weight_decay": (SGD, {"lr": 0.05, "momentum": 0.9, "dampening": 0.3,
                                                  "weight_decay": 0.1}),
    "sgd_nesterov": (SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    "sgd_nesterov_weight_decay": (SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True,
                                        "weight_decay": 0.05}),
    "rmsprop": (RMSprop, {"lr": 0.01}),
    "rmsprop_weight_decay": (RMSprop, {"lr": 0.01, "weight_decay": 0.1}),
    "rmsprop_momentum": (RMSprop, {"lr": 0.01, "momentum": 0.9}),
    "rmsprop_centered": (RMSprop, {"lr": 0.01, "centered": True}),
    "rmsprop_centered_momentum_weight_decay": (RMSprop, {"lr": 0.02, "alpha": 0.9, "eps": 1e-6,
                                                         "centered": True, "momentum": 0.5,
                                                         "weight_decay": 0.1}),
    "adam": (Adam, {"lr": 0.05}),
    "adam_weight_decay": (Adam, {"lr": 0.05, "betas": (0.8, 0.95), "weight_decay": 0.1}),
    "adamw": (AdamW, {"lr": 0.05, "weight_decay": 0.5}),
}


def run(config, dtype, fused, switch_at=None, steps=STEPS):
    """``steps`` steps on a noisy quadratic; ``fused`` is flipped after ``switch_at`` steps."""
    cls, kwargs = CONFIGS[config]
    rng = np.random.default_rng(0)
    params = [Parameter(rng.normal(size=s).astype(dtype)) for s in SHAPES]
    curvature = [rng.uniform(0.5, 5.0, size=s) for s in SHAPES]
    optimizer = cls(params, fused=fused, **kwargs)
    for t in range(steps):
        if t == switch_at:
            optimizer.param_groups[0]["fused"] = not fused
        for p, c in zip(params, curvature, strict=True):
            p.grad[...] = c * p.data + rng.normal(scale=0.3, size=p.shape)
        optimizer.step()
        optimizer.zero_grad()
    return params, optimizer


def rel_err(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else np.linalg.norm(a - b) / scale


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-5)],
                         ids=["float64", "float32"])
@pytest.mark.parametrize("config", list(CONFIGS))
def test_fused_equals_plain_to_round_off_parameters_and_state_20_steps(config, dtype, tol):
    plain, plain_opt = run(config, dtype, fused=False)
    fused, fused_opt = run(config, dtype, fused=True)
    for p, q in zip(plain, fused, strict=True):
        assert q.data.dtype == dtype
        assert rel_err(p.data, q.data) < tol
        assert set(plain_opt.state[p]) == set(fused_opt.state[q])
        for key, value in plain_opt.state[p].items():
            other = fused_opt.state[q][key]
            if isinstance(value, np.ndarray):
                assert other.dtype == value.dtype == dtype
                assert rel_err(value, other) < tol, key
            else:
                assert value == other, key
    # the two runs really took different paths: only the fused one keeps scratch arrays
    assert all(q in fused_module._buffers for q in fused)
    assert not any(p in fused_module._buffers for p in plain)


@pytest.mark.parametrize("first_fused", [False, True], ids=["plain_then_fused", "fused_then_plain"])
@pytest.mark.parametrize("config", ["sgd_momentum_dampening_weight_decay",
                                    "rmsprop_centered_momentum_weight_decay", "adam_weight_decay"])
def test_switching_between_plain_and_fused_mid_run_continues_the_same_state(config, first_fused):
    reference, _ = run(config, np.float64, fused=False)
    switched, _ = run(config, np.float64, fused=first_fused, switch_at=STEPS // 2)
    for p, q in zip(reference, switched, strict=True):
        assert rel_err(p.data, q.data) < 1e-12


@pytest.mark.parametrize("config", list(CONFIGS))
def test_fused_step_allocates_no_array_the_size_of_the_parameter(config):
    cls, kwargs = CONFIGS[config]
    rng = np.random.default_rng(0)
    p = Parameter(rng.normal(size=(256, 256)).astype(np.float32))
    p.grad[...] = rng.normal(size=p.shape)
    optimizer = cls([p], fused=True, **kwargs)
    optimizer.step()  # the first step creates the state and the scratch arrays
    tracemalloc.start()
    optimizer.step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < p.data.nbytes // 4, f"peak allocation {peak} B for a {p.data.nbytes} B parameter"


def test_fused_path_updates_the_parameter_array_in_place():
    p = Parameter(np.ones(3))
    data = p.data
    p.grad[...] = 1.0
    Adam([p], fused=True).step()
    assert p.data is data and (data < 1).all()
