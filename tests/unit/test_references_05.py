"""course_lib.grading.references_05: exercise 05's reference answers and the checks its tests run.

The checks must pass the references (and so the solution) and fail what they promise to catch;
the wrong answers of tests/grading/wrong_answers_05.py go through the real grader in
tests/grading/test_exercises_honest.py.
"""

import types

import numpy as np
import pytest

from course_lib import optim
from course_lib.grading import references_05 as reference
from course_lib.grading.references_05 import optim_references
from course_lib.nn.module import Parameter
from course_lib.optim import SGD, Optimizer

TORCH = {"SGDMomentum": ("SGD", {}), "SGDNesterov": ("SGD", {"nesterov": True}),
         "RMSprop": ("RMSprop", {}), "Adam": ("Adam", {})}
SETTINGS = {"SGDMomentum": {"lr": 0.05, "momentum": 0.9},
            "SGDNesterov": {"lr": 0.05, "momentum": 0.7},
            "RMSprop": {"lr": 0.01, "alpha": 0.9, "eps": 1e-6},
            "Adam": {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-8}}


def as_notebook_class(cls):
    """``cls`` as if the learner had defined it in the notebook (module ``__main__``)."""
    copy = type(cls.__name__.lstrip("_"), cls.__bases__, dict(vars(cls)))
    copy.__module__ = "__main__"
    for value in vars(copy).values():
        if isinstance(value, types.FunctionType):
            value.__module__ = "__main__"
    return copy


@pytest.mark.parametrize("name", list(TORCH))
def test_each_reference_matches_torch_with_groups_and_a_changing_learning_rate(name):
    torch_name, extra = TORCH[name]
    settings = SETTINGS[name]
    report = reference.compare_with_torch(
        getattr(optim_references, name), settings, torch_name, {**settings, **extra},
        state_names=reference.STATE_NAMES[name], steps=15, lr_changes={5: 0.5},
        groups=[([0], {"lr": 0.01}), ([1, 2], {})])
    assert report.ok, report.message


@pytest.mark.parametrize("name, ours", [
    ("SGDMomentum", lambda ps, s: SGD(ps, **s)),
    ("SGDNesterov", lambda ps, s: SGD(ps, nesterov=True, **s)),
    ("RMSprop", lambda ps, s: optim.RMSprop(ps, **s)),
    ("Adam", lambda ps, s: optim.Adam(ps, **s)),
])
def test_each_reference_is_the_course_optimizer(name, ours):
    start = [np.linspace(-1, 1, 6).reshape(2, 3), np.array([0.5, -2.0])]
    a = [Parameter(s.copy()) for s in start]
    b = [Parameter(s.copy()) for s in start]
    opt_a, opt_b = getattr(optim_references, name)(a, **SETTINGS[name]), ours(b, SETTINGS[name])
    for t in range(8):
        for p, q in zip(a, b, strict=True):
            p.grad[...] = q.grad[...] = np.cos(p.data * (t + 1)) + 0.1
        opt_a.step()
        opt_b.step()
    for p, q in zip(a, b, strict=True):
        np.testing.assert_allclose(p.data, q.data, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", list(TORCH))
def test_the_references_keep_the_promises_of_the_task_text(name):
    cls = getattr(optim_references, name)
    assert reference.float32_promises(cls, SETTINGS[name], reference.STATE_NAMES[name]).ok


def test_the_reference_schedule_matches_torch_and_stays_at_zero():
    report = reference.compare_schedule(optim_references.WarmupCosineLR, base_lrs=(0.3, 0.01),
                                        warmup_epochs=4, total_epochs=11, start_factor=0.2)
    assert report.ok, report.message
    lrs = reference.scheduler_lrs(optim_references.WarmupCosineLR, [1.0], 16, warmup_epochs=4,
                                  total_epochs=11, start_factor=0.2)[:, 0]
    np.testing.assert_allclose(lrs[:5], [0.2, 0.4, 0.6, 0.8, 1.0])
    assert lrs[11] == 0 and np.all(lrs[11:] == 0)


# ---- what the checks catch --------------------------------------------------------------------
def test_check_own_class_accepts_a_notebook_class_and_refuses_borrowed_ones():
    mine = as_notebook_class(optim_references.Adam)
    assert reference.check_own_class(mine, "Adam").ok
    assert "defined in this notebook" in reference.check_own_class(optim.Adam, "Adam").message

    class Borrowed(optim.Adam):
        def update(self, p, state, group):
            super().update(p, state, group)

    Borrowed.__module__ = "__main__"
    assert "derives from course_lib.optim.adam.Adam" in \
        reference.check_own_class(Borrowed, "Adam").message

    class Wrapper(Optimizer):
        def update(self, p, state, group):
            return optim.Adam.update(self, p, state, group)

    Wrapper.__module__ = "__main__"
    assert "uses optim" in reference.check_own_class(Wrapper, "Adam").message

    class Inherited(Optimizer):
        pass

    Inherited.__module__ = "__main__"
    assert "no update method" in reference.check_own_class(Inherited, "Adam").message
    assert "must be a class" in reference.check_own_class(lambda: None, "Adam").message


def test_check_own_class_for_a_scheduler_looks_at_factor():
    mine = as_notebook_class(optim_references.WarmupCosineLR)
    assert reference.check_own_class(mine, "WarmupCosineLR", method="factor").ok
    plain = as_notebook_class(optim_references.SGDMomentum)
    assert "subclass of LRScheduler" in reference.check_own_class(
        plain, "WarmupCosineLR", method="factor").message


class Rebinding(Optimizer):
    def __init__(self, params, lr=0.1):
        super().__init__(params, {"lr": lr})

    def update(self, p, state, group):
        p.data = p.data - group["lr"] * p.grad


class Float64State(Optimizer):
    def __init__(self, params, lr=0.1):
        super().__init__(params, {"lr": lr})

    def update(self, p, state, group):
        if not state:
            state["momentum_buffer"] = np.zeros(p.data.shape)
        state["momentum_buffer"] = 0.9 * state["momentum_buffer"] + p.grad
        p.data -= group["lr"] * state["momentum_buffer"]


class GradientChanger(Optimizer):
    def __init__(self, params, lr=0.1):
        super().__init__(params, {"lr": lr})

    def update(self, p, state, group):
        p.grad *= group["lr"]
        p.data -= p.grad


@pytest.mark.parametrize("cls, message", [
    (Rebinding, "p.data is a new array"),
    (Float64State, "dtype float64"),
    (GradientChanger, "changed p.grad"),
])
def test_float32_promises_catch_each_broken_promise(cls, message):
    report = reference.float32_promises(cls, {"lr": 0.1}, ["momentum_buffer"]
                                        if cls is Float64State else [])
    assert not report.ok and message in report.message


def test_compare_with_torch_names_the_first_step_and_parameter_that_differ():
    report = reference.compare_with_torch(Float64State, {"lr": 0.05}, "SGD",
                                          {"lr": 0.05, "momentum": 0.5}, steps=5)
    assert not report.ok and "after step 2, parameter 0 differs" in report.message
    no_state = reference.compare_with_torch(Rebinding, {"lr": 0.05}, "SGD",
                                            {"lr": 0.05, "momentum": 0.9}, steps=1,
                                            state_names=["momentum_buffer"])
    assert "has no 'momentum_buffer' entry" in no_state.message


def test_fixed_arrays_report_the_step_that_differs():
    expected = {1: np.zeros((2, 3)), 3: np.zeros((2, 3))}
    report = reference.check_fixed_arrays(optim_references.SGDMomentum, "SGDMomentum",
                                          {"lr": 0.1, "momentum": 0.9}, expected)
    assert not report.ok and "after step 1" in report.message
    steps = reference.fixed_array_steps(optim_references.SGDMomentum, {"lr": 0.1, "momentum": 0.9})
    np.testing.assert_allclose(steps[0], np.linspace(-0.4, 0.6, 6).reshape(2, 3)
                               - 0.1 * 1.5 * np.linspace(-0.5, 0.5, 6).reshape(2, 3))


def test_compare_schedule_catches_a_cosine_that_ends_late():
    class Late(optim_references.WarmupCosineLR):
        def factor(self, epoch):
            if epoch < self.warmup_epochs:
                return super().factor(epoch)
            return 0.5 * (1 + np.cos(np.pi * (epoch - self.warmup_epochs) / self.total_epochs))

    report = reference.compare_schedule(Late, warmup_epochs=2, total_epochs=6, start_factor=0.5)
    assert not report.ok and "factor(2)" not in report.message and "factor(3)" in report.message


class OwnMomentum(Optimizer):
    def __init__(self, params, lr=0.01, momentum=0.9):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    def update(self, p, state, group):
        if not state:
            state["momentum_buffer"] = np.zeros(p.shape, dtype=p.dtype)   # Parameter's properties
        state["momentum_buffer"] = group["momentum"] * state["momentum_buffer"] + p.grad
        p.data -= group["lr"] * state["momentum_buffer"]


class WrappedMomentum(OwnMomentum):
    def update(self, p, state, group):
        import importlib
        sgd = importlib.import_module("course_lib.optim.sgd")
        reference_sgd = vars(sgd)["SGD"]       # no global name of this test module is read
        reference_sgd.update(self, p, state, {**group, "dampening": 0.0, "weight_decay": 0.0,
                                              "nesterov": False, "fused": False})


@pytest.fixture
def in_the_notebook(monkeypatch):
    """The two classes above as if defined in the learner's notebook."""
    for cls in (OwnMomentum, WrappedMomentum):
        monkeypatch.setattr(cls, "__module__", "__main__")
        monkeypatch.setattr(vars(cls)["update"], "__module__", "__main__")


def test_the_learners_own_update_runs_checked_and_passes(in_the_notebook):
    assert reference.graded(OwnMomentum) is not OwnMomentum
    assert reference.graded(optim_references.SGDMomentum) is optim_references.SGDMomentum
    settings = {"lr": 0.05, "momentum": 0.9}
    assert reference.compare_with_torch(OwnMomentum, settings, "SGD", settings,
                                        state_names=["momentum_buffer"]).ok
    assert reference.float32_promises(OwnMomentum, settings, ["momentum_buffer"]).ok


def test_a_wrapper_around_course_lib_is_refused_by_every_check(in_the_notebook):
    # the name scan cannot see a module imported by a string; the checked run can
    assert reference.check_own_class(WrappedMomentum, "SGDMomentum").ok
    settings = {"lr": 0.05, "momentum": 0.9}
    for check in (
        lambda: reference.compare_with_torch(WrappedMomentum, settings, "SGD", settings),
        lambda: reference.fixed_array_steps(WrappedMomentum, settings),
        lambda: reference.float32_promises(WrappedMomentum, settings, ["momentum_buffer"]),
    ):
        with pytest.raises(AssertionError, match="runs course_lib's update"):
            check()
