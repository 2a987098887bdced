"""The reference answers of exercise 05 (optimizers), and the checks its tests run.

Used by the test cells of solutions/05_optim.ipynb (and so of exercises/05_optim.ipynb);
taught in no notebook. The exercise asks for four optimizers, each a subclass of
``course_lib.optim.Optimizer`` that writes ``update(self, p, state, group)``, and a
scheduler, a subclass of ``course_lib.optim.LRScheduler`` that writes ``factor(self, epoch)``:

- ``SGDMomentum``: PyTorch's momentum, :math:`v \\leftarrow \\mu v + g`,
  :math:`p \\leftarrow p - \\eta v`;
- ``SGDNesterov``: :math:`v \\leftarrow \\mu v + g`, :math:`p \\leftarrow p - \\eta (g + \\mu v)`;
- ``RMSprop``: :math:`s \\leftarrow \\alpha s + (1 - \\alpha) g^2`,
  :math:`p \\leftarrow p - \\eta g / (\\sqrt{s} + \\epsilon)`;
- ``Adam``: both moments, bias-corrected,
  :math:`p \\leftarrow p - \\eta \\hat m / (\\sqrt{\\hat v} + \\epsilon)`;
- ``WarmupCosineLR``: a linear warm-up from ``start_factor`` to 1 over ``warmup_epochs``, then a
  half cosine down to 0 at ``total_epochs``, and 0 after.

``optim_references`` holds the course's version of each, with the exercise's names and
signatures. The tasks share no code, so no task depends on another: each class subclasses
``Optimizer`` (or ``LRScheduler``) directly. Every check runs the learner's ``update`` (or
``factor``) through ``graded_alone`` (``course_lib.grading.exercise_support``), which refuses
one that gets its result from course_lib's reference versions.

The checks return a :class:`Report` whose message says what was expected and what came
back; the test cells assert ``report.ok, report.message``. ``compare_with_torch`` imports
torch when it is called (a second or two, once per kernel); everything else needs only
NumPy and course_lib.
"""

from __future__ import annotations

import inspect
import math
import types
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from course_lib.grading.exercise_support import graded_alone
from course_lib.nn.module import Parameter
from course_lib.optim.lr_scheduler import LRScheduler
from course_lib.optim.optimizer import Optimizer
from course_lib.optim.sgd import SGD

__all__ = [
    "STATE_NAMES",
    "Report",
    "check_fixed_arrays",
    "check_own_class",
    "compare_schedule",
    "compare_with_torch",
    "fixed_array_steps",
    "float32_promises",
    "graded",
    "optim_references",
]

# ---- the reference answers ----------------------------------------------------------------------


class _SGDMomentum(Optimizer):
    """v <- momentum v + g;  p <- p - lr v  (PyTorch's convention)."""

    def __init__(self, params, lr=0.01, momentum=0.9):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    def update(self, p, state, group):
        if not state:
            state["momentum_buffer"] = np.zeros_like(p.data)
        state["momentum_buffer"] = group["momentum"] * state["momentum_buffer"] + p.grad
        p.data -= group["lr"] * state["momentum_buffer"]


class _SGDNesterov(Optimizer):
    """v <- momentum v + g;  p <- p - lr (g + momentum v)."""

    def __init__(self, params, lr=0.01, momentum=0.9):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    def update(self, p, state, group):
        if not state:
            state["momentum_buffer"] = np.zeros_like(p.data)
        mu = group["momentum"]
        state["momentum_buffer"] = mu * state["momentum_buffer"] + p.grad
        p.data -= group["lr"] * (p.grad + mu * state["momentum_buffer"])


class _RMSprop(Optimizer):
    """s <- alpha s + (1 - alpha) g^2;  p <- p - lr g / (sqrt(s) + eps)."""

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8):
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps})

    def update(self, p, state, group):
        if not state:
            state["square_avg"] = np.zeros_like(p.data)
        alpha = group["alpha"]
        state["square_avg"] = alpha * state["square_avg"] + (1 - alpha) * p.grad**2
        p.data -= group["lr"] * p.grad / (np.sqrt(state["square_avg"]) + group["eps"])


class _Adam(Optimizer):
    """Adam with bias correction, as torch.optim.Adam without weight decay."""

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps})

    def update(self, p, state, group):
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p.data)
            state["exp_avg_sq"] = np.zeros_like(p.data)
        state["step"] += 1
        t = state["step"]
        state["exp_avg"] = beta1 * state["exp_avg"] + (1 - beta1) * p.grad
        state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * p.grad**2
        m_hat = state["exp_avg"] / (1 - beta1**t)
        v_hat = state["exp_avg_sq"] / (1 - beta2**t)
        p.data -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


class _WarmupCosineLR(LRScheduler):
    """Linear warm-up from start_factor to 1 over warmup_epochs, a half cosine to 0 at
    total_epochs, 0 after."""

    def __init__(self, optimizer, warmup_epochs, total_epochs, start_factor=0.1):
        self.warmup_epochs = warmup_epochs
        self.total_epochs = total_epochs
        self.start_factor = start_factor
        super().__init__(optimizer)

    def factor(self, epoch):
        if epoch < self.warmup_epochs:
            return self.start_factor + (1 - self.start_factor) * epoch / self.warmup_epochs
        if epoch > self.total_epochs:
            return 0.0
        progress = (epoch - self.warmup_epochs) / (self.total_epochs - self.warmup_epochs)
        return 0.5 * (1 + math.cos(math.pi * progress))


optim_references = types.SimpleNamespace(
    SGDMomentum=_SGDMomentum,
    SGDNesterov=_SGDNesterov,
    RMSprop=_RMSprop,
    Adam=_Adam,
    WarmupCosineLR=_WarmupCosineLR,
)

#: torch's name for the state each exercise class keeps (the exercise uses the same names).
STATE_NAMES = {
    "SGDMomentum": ("momentum_buffer",),
    "SGDNesterov": ("momentum_buffer",),
    "RMSprop": ("square_avg",),
    "Adam": ("step", "exp_avg", "exp_avg_sq"),
}


# ---- reports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """The outcome of a check: ``ok``, and a message that says what was expected and what came
    back (empty when ok). Test cells assert ``report.ok, report.message``."""

    ok: bool
    message: str = ""


PASSED = Report(True)


def _rel_err(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return math.inf
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return math.inf
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b)) / scale


def _short(array, digits: int = 5) -> str:
    array = np.asarray(array, dtype=np.float64)
    flat = np.round(array.ravel()[:6], digits).tolist()
    return f"{flat}{' ...' if array.size > 6 else ''}"


# ---- the learner's own code ---------------------------------------------------------------------


def _course_lib_names(function) -> list[str]:
    """The global names that ``function`` (and the functions defined inside it) reads and that
    refer to course_lib, torch, or anything they define."""
    found, codes = [], [function.__code__]
    while codes:
        code = codes.pop()
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        for name in code.co_names:
            if name.split(".")[0] in ("course_lib", "torch"):  # also `import course_lib.optim`
                found.append(name)
                continue
            value = function.__globals__.get(name)
            module = value.__name__ if isinstance(value, types.ModuleType) else \
                getattr(value, "__module__", None)
            if isinstance(module, str) and module.split(".")[0] in ("course_lib", "torch"):
                found.append(name)
    return sorted(set(found))


def check_own_class(cls, name: str, method: str = "update") -> Report:
    """Is ``cls`` the learner's own class, with its own ``method``, not course_lib's or torch's?

    It must be a class defined in the notebook (``__main__``), derived from
    ``Optimizer`` (for ``update``) or ``LRScheduler`` (for ``factor``) but from none of
    course_lib's ready-made optimizers or schedulers, and its ``method`` must be
    written in its own body without calling course_lib or torch.
    """
    base = LRScheduler if method == "factor" else Optimizer
    if not inspect.isclass(cls):
        return Report(False, f"{name} must be a class (class {name}({base.__name__}): ...), "
                             f"got {type(cls).__name__}")
    if cls.__module__ != "__main__":
        return Report(False, f"{name} must be defined in this notebook, not imported from "
                             f"{cls.__module__}")
    if not issubclass(cls, base):
        return Report(False, f"{name} must be a subclass of {base.__name__}, as in the "
                             f"template: class {name}({base.__name__})")
    borrowed = [k.__module__ + "." + k.__name__ for k in cls.__mro__[1:]
                if k is not base and k.__module__.split(".")[0] in ("course_lib", "torch")
                and k is not object and issubclass(k, base)]
    if borrowed:
        return Report(False, f"{name} derives from {borrowed[0]}; derive from {base.__name__} "
                             f"directly and write {method} yourself")
    if method not in vars(cls) or not inspect.isfunction(vars(cls)[method]):
        return Report(False, f"{name} has no {method} method of its own; write "
                             f"def {method}(self, ...) in the class body")
    used = _course_lib_names(vars(cls)[method])
    if used:
        return Report(False, f"{name}.{method} uses {', '.join(used)} from course_lib or torch; "
                             "compute the update with NumPy yourself")
    return PASSED


def graded(cls, method: str = "update"):
    """``cls`` with its ``method`` run through ``graded_alone``, if ``cls`` is the learner's.

    For a class defined in the notebook (``__main__``) this returns a subclass whose
    ``method`` calls the learner's under ``graded_alone``'s check: if any code of course_lib
    runs inside it (a call to an optimizer or scheduler of course_lib, however imported),
    the call raises AssertionError naming it. Only ``Parameter``'s module may run (its
    properties, ``p.shape``). Classes of course_lib itself (the references) are returned
    as they are. Every check below runs the learner's class through this.
    """
    if not inspect.isclass(cls) or cls.__module__ != "__main__" or \
            not inspect.isfunction(vars(cls).get(method)):
        return cls
    checked = graded_alone(vars(cls)[method], {}, allowed=[Parameter])

    def run_checked(self, *args, **kwargs):
        return checked(self, *args, **kwargs)

    run_checked.__name__ = method
    return type(cls.__name__, (cls,), {method: run_checked, "__module__": cls.__module__})


# ---- the problems the optimizers are run on -----------------------------------------------------

#: Shapes of the parameters the optimizers are tested on by default (3 parameters, not square).
SHAPES = ((4, 3), (3,), (2, 1, 2))


def _problem(shapes, seed: int, steps: int, scale: float):
    """Start values and a gradient g_t(p) = scale (c p + d + noise_t): it depends on the
    current parameters, so an error in one step changes every later gradient."""
    rng = np.random.default_rng(seed)
    start = [rng.normal(size=s) for s in shapes]
    curvature = [rng.uniform(0.5, 3.0, size=s) for s in shapes]
    shift = [rng.normal(size=s) for s in shapes]
    noise = [[rng.normal(scale=0.5, size=s) for s in shapes] for _ in range(steps)]

    def gradients(t, values):
        terms = zip(curvature, values, shift, noise[t], strict=True)
        return [scale * (c * v + d + n) for c, v, d, n in terms]

    return start, gradients


def _grouped(params, groups):
    if groups is None:
        return params
    return [{"params": [params[i] for i in indices], **overrides} for indices, overrides in groups]


def _run_ours(cls, kwargs, start, gradients, steps, groups, lr_changes):
    params = [Parameter(s.copy()) for s in start]
    optimizer = cls(_grouped(params, groups), **kwargs)
    history = []
    for t in range(steps):
        for group in optimizer.param_groups:
            group["lr"] *= lr_changes.get(t, 1.0)
        optimizer.zero_grad()
        for p, g in zip(params, gradients(t, [p.data for p in params]), strict=True):
            p.grad += g                     # as model.backward does: it adds into .grad
        optimizer.step()
        history.append([p.data.copy() for p in params])
    return params, optimizer, history


def _run_torch(torch_name, kwargs, start, gradients, steps, groups, lr_changes):
    import torch

    tensors = [torch.tensor(s.copy(), dtype=torch.float64, requires_grad=True) for s in start]
    optimizer = getattr(torch.optim, torch_name)(_grouped(tensors, groups), **kwargs)
    history = []
    for t in range(steps):
        for group in optimizer.param_groups:
            group["lr"] *= lr_changes.get(t, 1.0)
        values = [x.detach().numpy() for x in tensors]
        for x, g in zip(tensors, gradients(t, values), strict=True):
            x.grad = torch.from_numpy(g)
        optimizer.step()
        optimizer.zero_grad()
        history.append([x.detach().numpy().copy() for x in tensors])
    return tensors, optimizer, history


def compare_with_torch(cls, kwargs: dict, torch_name: str, torch_kwargs: dict, *,
                       state_names: Sequence[str] = (), steps: int = 10,
                       shapes=SHAPES, grad_scale: float = 1.0, groups=None,
                       lr_changes: dict[int, float] | None = None, seed: int = 0,
                       tolerance: float = 1e-10) -> Report:
    """Run ``cls(params, **kwargs)`` and ``torch.optim.<torch_name>(**torch_kwargs)`` on the same
    problem in float64 and compare the parameters after every step, and the final state.

    Args:
        cls: the learner's optimizer class.
        kwargs, torch_kwargs: the hyper-parameters of each.
        torch_name: e.g. ``"SGD"``, ``"RMSprop"``, ``"Adam"``.
        state_names: keys of ``optimizer.state[p]`` that must equal torch's state of the
            same name (arrays to ``tolerance``, ``"step"`` exactly).
        steps, shapes, seed: the problem (see ``_problem``); ``grad_scale`` multiplies every
            gradient (small gradients show where ``eps`` goes).
        groups: None, or parameter groups as ``[(indices, overrides), ...]``.
        lr_changes: ``{step: factor}``: every group's lr is multiplied by ``factor`` before
            that step (0-based), in both, as a scheduler would.
        tolerance: the largest relative error accepted.
    """
    lr_changes = dict(lr_changes or {})
    cls = graded(cls)
    start, gradients = _problem(shapes, seed, steps, grad_scale)
    setup = (f"{len(shapes)} float64 parameters of shapes {list(shapes)}, {steps} steps, "
             f"hyper-parameters {kwargs}" + (f", parameter groups {groups}" if groups else "")
             + (f", the learning rate multiplied by {lr_changes} at those steps"
                if lr_changes else ""))
    with np.errstate(all="ignore"):
        params, optimizer, ours = _run_ours(cls, kwargs, start, gradients, steps, groups,
                                            lr_changes)
    tensors, torch_optimizer, theirs = _run_torch(torch_name, torch_kwargs, start, gradients,
                                                  steps, groups, lr_changes)
    for t, (mine, reference) in enumerate(zip(ours, theirs, strict=True)):
        for i, (a, b) in enumerate(zip(mine, reference, strict=True)):
            error = _rel_err(a, b)
            if error > tolerance:
                return Report(False, (
                    f"with {setup}: after step {t + 1}, parameter {i} differs from "
                    f"torch.optim.{torch_name}'s (relative error {error:.1e}): got {_short(a)}, "
                    f"expected {_short(b)}"))
    for i, (p, x) in enumerate(zip(params, tensors, strict=True)):
        state, expected = optimizer.state.get(p, {}), torch_optimizer.state[x]
        for key in state_names:
            if key not in state:
                return Report(False, f"with {setup}: optimizer.state[p] of parameter {i} has no "
                                     f"'{key}' entry after {steps} steps; it holds "
                                     f"{sorted(state)}. Store it with state['{key}'] = ...")
            value, reference = state[key], expected[key]
            if key == "step":
                if int(np.asarray(value)) != int(reference):
                    return Report(False, f"with {setup}: state['step'] of parameter {i} is "
                                         f"{value} after {steps} steps; expected "
                                         f"{int(reference)}, one count per step of that "
                                         "parameter")
                continue
            error = _rel_err(value, reference.numpy())
            if error > tolerance:
                return Report(False, (
                    f"with {setup}: state['{key}'] of parameter {i} differs from torch's "
                    f"'{key}' after {steps} steps (relative error {error:.1e}): got "
                    f"{_short(value)}, expected {_short(reference.numpy())}"))
    return PASSED


def fixed_array_steps(cls, kwargs: dict, steps: int = 3) -> list[np.ndarray]:
    """The parameter after each of ``steps`` steps of ``cls`` on a fixed problem, CS231n-style.

    One float64 parameter ``w = linspace(-0.4, 0.6, 6).reshape(2, 3)``; the gradient of step
    ``t`` (1-based) is ``linspace(-0.5, 0.5, 6).reshape(2, 3) * (1 + 0.5 t)``, whatever ``w``.
    """
    p = Parameter(np.linspace(-0.4, 0.6, 6).reshape(2, 3))
    optimizer = graded(cls)([p], **kwargs)
    history = []
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            optimizer.zero_grad()
            p.grad += np.linspace(-0.5, 0.5, 6).reshape(2, 3) * (1 + 0.5 * t)
            optimizer.step()
            history.append(p.data.copy())
    return history


def check_fixed_arrays(cls, name: str, kwargs: dict, expected: dict[int, np.ndarray],
                       tolerance: float = 1e-7) -> Report:
    """Compare :func:`fixed_array_steps` with ``expected``, ``{step: array}`` (1-based steps)."""
    history = fixed_array_steps(cls, kwargs, steps=max(expected))
    for step in sorted(expected):
        got = history[step - 1]
        error = _rel_err(got, expected[step])
        if error > tolerance:
            return Report(False, (
                f"{name}({kwargs}) on the fixed problem: after step {step} the parameter is\n"
                f"{np.array2string(np.asarray(got), precision=8)}\nexpected\n"
                f"{np.array2string(np.asarray(expected[step]), precision=8)}\n"
                f"(relative error {error:.1e})"))
    return PASSED


def float32_promises(cls, kwargs: dict, state_names: Sequence[str], steps: int = 3) -> Report:
    """The promises of the task text, on two float32 parameters: each stays float32 and is
    updated in place (the same array, new values); ``p.grad`` is not modified; each parameter
    has its own state, whose arrays have its shape and dtype."""
    rng = np.random.default_rng(7)
    params = [Parameter(rng.normal(size=(3, 2)).astype(np.float32)),
              Parameter(rng.normal(size=(5,)).astype(np.float32))]
    arrays = [p.data for p in params]
    starts = [p.data.copy() for p in params]
    optimizer = graded(cls)(params, **kwargs)
    for t in range(steps):
        optimizer.zero_grad()
        for p in params:
            p.grad += rng.normal(size=p.shape).astype(np.float32) * (t + 1)
        grads = [p.grad.copy() for p in params]
        optimizer.step()
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            if not np.array_equal(p.grad, g):
                return Report(False, f"step {t + 1} changed p.grad of parameter {i}; the "
                                     "gradient belongs to the model: compute new arrays from it")
    for i, (p, array, start) in enumerate(zip(params, arrays, starts, strict=True)):
        if p.data is not array:
            return Report(False, f"parameter {i}: p.data is a new array after step(); update it "
                                 "in place (p.data -= ...), as the layers keep reading the array "
                                 "they were given")
        if p.data.dtype != np.float32:
            return Report(False, f"parameter {i} is {p.data.dtype} after step(); a float32 "
                                 "parameter must stay float32")
        if np.array_equal(p.data, start):
            return Report(False, f"parameter {i} did not change in {steps} steps")
        state = optimizer.state.get(p, {})
        for key in state_names:
            if key not in state:
                return Report(False, f"parameter {i} has no state['{key}'] after {steps} "
                                     f"steps; optimizer.state[p] holds {sorted(state)}")
            if key == "step":
                continue
            value = np.asarray(state[key])
            if value.shape != p.shape or value.dtype != np.float32:
                return Report(False, f"state['{key}'] of parameter {i} has shape {value.shape} "
                                     f"and dtype {value.dtype}; expected the parameter's, "
                                     f"{p.shape} and float32 (np.zeros_like(p.data) keeps both)")
    return PASSED


# ---- the schedule -------------------------------------------------------------------------------


def scheduler_lrs(cls, base_lrs: Sequence[float], epochs: int, **kwargs) -> np.ndarray:
    """The learning rate of every parameter group at epochs 0 .. epochs - 1, (epochs, groups),
    with ``cls(optimizer, **kwargs)`` stepped once per epoch on a course_lib SGD."""
    groups = [{"params": [Parameter(np.zeros(2))], "lr": lr} for lr in base_lrs]
    optimizer = SGD(groups, lr=base_lrs[0])
    scheduler = graded(cls, "factor")(optimizer, **kwargs)
    lrs = []
    for _ in range(epochs):
        lrs.append([group["lr"] for group in optimizer.param_groups])
        scheduler.step()
    return np.array(lrs, dtype=float)


def torch_warmup_cosine_lrs(base_lrs: Sequence[float], epochs: int, *, warmup_epochs: int,
                            total_epochs: int, start_factor: float) -> np.ndarray:
    """torch's ``SequentialLR([LinearLR, CosineAnnealingLR], [warmup_epochs])`` learning rates,
    (epochs, groups)."""
    import torch

    groups = [{"params": [torch.zeros(2, requires_grad=True)], "lr": lr} for lr in base_lrs]
    optimizer = torch.optim.SGD(groups, lr=base_lrs[0])
    schedulers = torch.optim.lr_scheduler
    warm_up = schedulers.LinearLR(optimizer, start_factor=start_factor, total_iters=warmup_epochs)
    cosine = schedulers.CosineAnnealingLR(optimizer, T_max=total_epochs - warmup_epochs)
    scheduler = schedulers.SequentialLR(optimizer, [warm_up, cosine], milestones=[warmup_epochs])
    lrs = []
    for _ in range(epochs):
        lrs.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return np.array(lrs, dtype=float)


def compare_schedule(cls, *, base_lrs: Sequence[float] = (0.1,), warmup_epochs: int,
                     total_epochs: int, start_factor: float, extra_epochs: int = 3,
                     with_torch: bool = True) -> Report:
    """Check ``cls``'s ``factor`` and the learning rates it sets against the formula, against
    torch's SequentialLR up to ``total_epochs``, and that the rate stays 0 after it."""
    kwargs = {"warmup_epochs": warmup_epochs, "total_epochs": total_epochs,
              "start_factor": start_factor}
    setup = f"{cls.__name__}(optimizer, {', '.join(f'{k}={v}' for k, v in kwargs.items())})"
    reference = _WarmupCosineLR.factor
    epochs = total_epochs + 1 + extra_epochs
    scheduler = graded(cls, "factor")(SGD([Parameter(np.zeros(2))], lr=1.0), **kwargs)
    for epoch in range(epochs):
        got = float(scheduler.factor(epoch))
        expected = reference(types.SimpleNamespace(**kwargs), epoch)
        if not math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12):
            return Report(False, f"{setup}.factor({epoch}) returned {got:.6g}; expected "
                                 f"{expected:.6g}")
    got = scheduler_lrs(cls, base_lrs, epochs, **kwargs)
    expected = scheduler_lrs(_WarmupCosineLR, base_lrs, epochs, **kwargs)
    if not np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        epoch = int(np.argmax(np.any(~np.isclose(got, expected, rtol=1e-9, atol=1e-12), axis=1)))
        return Report(False, f"{setup} on an optimizer with learning rates {list(base_lrs)}: "
                             f"at epoch {epoch} the learning rates are "
                             f"{got[epoch].round(6).tolist()}; expected "
                             f"{expected[epoch].round(6).tolist()}")
    if with_torch:
        theirs = torch_warmup_cosine_lrs(base_lrs, total_epochs + 1, **kwargs)
        if not np.allclose(got[:total_epochs + 1], theirs, rtol=1e-9, atol=1e-12):
            return Report(False, f"{setup}: the learning rates differ from torch's SequentialLR "
                                 "of LinearLR and CosineAnnealingLR")
    return PASSED

