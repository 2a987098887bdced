"""Unit tests of course_lib.optim.lr_scheduler: the API (group["lr"], base_lrs, last_epoch,
get_last_lr, state_dict), the closed forms, and argument checks. The learning-rate sequences
themselves are compared with torch in tests/parity/test_schedulers_torch.py."""

import copy
import math

import numpy as np
import pytest

from course_lib import optim
from course_lib.nn.module import Parameter
from course_lib.optim import SGD
from course_lib.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    MultiStepLR,
    SequentialLR,
    StepLR,
)


def two_groups(lr0=0.1, lr1=0.03):
    return SGD([{"params": [Parameter(np.zeros(2))], "lr": lr0},
                {"params": [Parameter(np.zeros(1))], "lr": lr1}], lr=1.0)


def lrs_over(scheduler, epochs):
    values = []
    for _ in range(epochs):
        values.append(scheduler.get_last_lr())
        scheduler.step()
    return np.array(values)


# ---- the API -----------------------------------------------------------------------------------
def test_scheduler_writes_every_groups_lr_and_keeps_base_lrs():
    opt = two_groups()
    scheduler = StepLR(opt, step_size=1, gamma=0.5)
    assert scheduler.base_lrs == [0.1, 0.03] and scheduler.last_epoch == 0
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.03]
    scheduler.step()
    assert scheduler.last_epoch == 1
    assert [g["lr"] for g in opt.param_groups] == scheduler.get_last_lr() == [0.05, 0.015]


def test_linear_lr_sets_the_warm_up_lr_of_every_group_at_construction():
    opt = two_groups()
    scheduler = LinearLR(opt, start_factor=0.1, total_iters=4)
    assert scheduler.get_last_lr() == pytest.approx([0.01, 0.003])
    assert [g["lr"] for g in opt.param_groups] == scheduler.get_last_lr()


def test_a_second_scheduler_keeps_the_first_ones_initial_lr_as_base():
    opt = two_groups()
    LinearLR(opt, start_factor=0.1, total_iters=4)
    cosine = CosineAnnealingLR(opt, T_max=10)
    assert cosine.base_lrs == [0.1, 0.03]


def test_get_last_lr_is_a_copy():
    scheduler = ExponentialLR(two_groups(), gamma=0.5)
    scheduler.get_last_lr().append(1.0)
    assert len(scheduler.get_last_lr()) == 2


def test_learning_rates_are_python_floats():
    opt = two_groups()
    scheduler = LambdaLR(opt, lambda epoch: np.float64(0.5) ** epoch)
    scheduler.step()
    assert all(type(g["lr"]) is float for g in opt.param_groups)


@pytest.mark.parametrize("make", [
    lambda o: StepLR(o, step_size=3, gamma=0.5),
    lambda o: MultiStepLR(o, milestones=[2, 5], gamma=0.5),
    lambda o: ExponentialLR(o, gamma=0.9),
    lambda o: CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    lambda o: LinearLR(o, start_factor=0.2, total_iters=4),
    lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.2, total_iters=3),
                               CosineAnnealingLR(o, T_max=6)], milestones=[3]),
], ids=["step", "multi_step", "exponential", "cosine", "linear", "sequential"])
def test_state_dict_saved_mid_run_and_loaded_into_a_fresh_scheduler_continues_identically(make):
    opt = two_groups()
    scheduler = make(opt)
    for _ in range(4):
        scheduler.step()
    saved_opt, saved = copy.deepcopy(opt.state_dict()), scheduler.state_dict()
    rest = lrs_over(scheduler, 8)

    fresh_opt = two_groups()
    fresh = make(fresh_opt)
    fresh.load_state_dict(saved)
    fresh_opt.load_state_dict(saved_opt)
    np.testing.assert_array_equal(lrs_over(fresh, 8), rest)
    assert fresh.last_epoch == scheduler.last_epoch


def test_state_dict_holds_no_optimizer_and_is_a_copy():
    scheduler = MultiStepLR(two_groups(), milestones=[2])
    saved = scheduler.state_dict()
    assert "optimizer" not in saved and saved["last_epoch"] == 0
    saved["base_lrs"][0] = 99.0
    assert scheduler.base_lrs[0] == 0.1


def test_load_state_dict_of_another_kind_of_scheduler_is_refused():
    saved = StepLR(two_groups(), step_size=2).state_dict()
    with pytest.raises(ValueError, match="CosineAnnealingLR.load_state_dict"):
        CosineAnnealingLR(two_groups(), T_max=5).load_state_dict(saved)


# ---- closed forms ------------------------------------------------------------------------------
def test_each_scheduler_alone_follows_its_closed_form():
    t = np.arange(20)
    cases = [
        (lambda o: StepLR(o, step_size=4, gamma=0.5), 0.5 ** (t // 4)),
        (lambda o: MultiStepLR(o, milestones=[3, 11], gamma=0.1),
         0.1 ** ((t >= 3).astype(int) + (t >= 11))),
        (lambda o: ExponentialLR(o, gamma=0.8), 0.8**t),
        (lambda o: LinearLR(o, start_factor=0.25, end_factor=0.75, total_iters=8),
         0.25 + 0.5 * np.minimum(t, 8) / 8),
        (lambda o: LambdaLR(o, lambda epoch: 1 / (1 + epoch)), 1 / (1 + t)),
    ]
    for make, factor in cases:
        np.testing.assert_allclose(lrs_over(make(two_groups()), 20),
                                   np.outer(factor, [0.1, 0.03]), rtol=1e-13)
    cosine = lrs_over(CosineAnnealingLR(two_groups(), T_max=8, eta_min=0.01), 20)
    expected = 0.01 + np.outer((1 + np.cos(np.pi * t / 8)) / 2, [0.1 - 0.01, 0.03 - 0.01])
    np.testing.assert_allclose(cosine, expected, rtol=1e-12)


def test_a_custom_scheduler_needs_only_its_factor():
    class Halving(LRScheduler):
        def factor(self, epoch):
            return 0.5**epoch

    np.testing.assert_allclose(lrs_over(Halving(two_groups()), 4)[:, 0],
                               [0.1, 0.05, 0.025, 0.0125], rtol=1e-15)


def test_lambda_lr_with_one_function_per_group():
    opt = two_groups()
    lrs = lrs_over(LambdaLR(opt, [lambda e: 1.0, lambda e: 2.0**e]), 3)
    np.testing.assert_allclose(lrs, [[0.1, 0.03], [0.1, 0.06], [0.1, 0.12]])


def test_sequential_restarts_the_next_scheduler_from_its_formula_at_the_milestone():
    opt = two_groups()
    warm_up = LinearLR(opt, start_factor=0.5, total_iters=2)
    decay = ExponentialLR(opt, gamma=0.5)
    lrs = lrs_over(SequentialLR(opt, [warm_up, decay], milestones=[3]), 6)[:, 0]
    np.testing.assert_allclose(lrs, [0.05, 0.075, 0.1, 0.1, 0.05, 0.025])


# ---- argument checks ---------------------------------------------------------------------------
@pytest.mark.parametrize("make, error, text", [
    (lambda o: StepLR(o, step_size=0), ValueError, "step_size"),
    (lambda o: StepLR(o, step_size=2.5), TypeError, "step_size"),
    (lambda o: StepLR(o, step_size=3, gamma=-0.1), ValueError, "gamma"),
    (lambda o: MultiStepLR(o, milestones=5), TypeError, "milestones"),
    (lambda o: MultiStepLR(o, milestones=[2, -1]), ValueError, "milestone"),
    (lambda o: ExponentialLR(o, gamma=0.0), ValueError, "gamma"),
    (lambda o: CosineAnnealingLR(o, T_max=0), ValueError, "T_max"),
    (lambda o: CosineAnnealingLR(o, T_max=5, eta_min=-1), ValueError, "eta_min"),
    (lambda o: LinearLR(o, start_factor=0.0), ValueError, "start_factor"),
    (lambda o: LinearLR(o, end_factor=1.5), ValueError, "end_factor"),
    (lambda o: LinearLR(o, total_iters=0), ValueError, "total_iters"),
    (lambda o: LambdaLR(o, 0.5), TypeError, "lr_lambda"),
    (lambda o: LambdaLR(o, [lambda e: 1.0]), ValueError, "2 parameter groups"),
    (lambda o: SequentialLR(o, [], milestones=[]), ValueError, "at least one"),
    (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(o, 3)], milestones=[]), ValueError,
     "need 1 milestone"),
    (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(o, 3), StepLR(o, 4)], milestones=[5, 5]),
     ValueError, "increasing"),
    (lambda o: SequentialLR(o, [StepLR(two_groups(), 2)], milestones=[]), ValueError,
     "another optimizer"),
    (lambda o: SequentialLR(o, ["warm-up"], milestones=[]), TypeError, "not a course_lib"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_invalid_scheduler_arguments_raise_with_the_argument_named(make, error, text):
    with pytest.raises(error, match=text):
        make(two_groups())


def test_lambda_returning_a_negative_factor_is_refused_when_it_is_used():
    opt = two_groups()
    scheduler = LambdaLR(opt, lambda epoch: 1.0 - epoch)
    scheduler.step()
    with pytest.raises(ValueError, match=r"lr_lambda\(2\)"):
        scheduler.step()


@pytest.mark.parametrize("cls", [StepLR, LambdaLR, SequentialLR])
def test_scheduler_refuses_an_object_that_is_not_a_course_lib_optimizer(cls):
    with pytest.raises(TypeError, match="course_lib optimizer"):
        cls(object(), 1, *([[]] if cls is SequentialLR else []))


def test_schedulers_are_exported_by_course_lib_optim():
    for name in ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
                 "LambdaLR", "SequentialLR", "LRScheduler"]:
        assert getattr(optim, name) is getattr(optim.lr_scheduler, name)


def test_cosine_is_at_eta_min_after_t_max_epochs():
    lrs = lrs_over(CosineAnnealingLR(two_groups(), T_max=6, eta_min=0.002), 7)
    assert math.isclose(lrs[6, 0], 0.002, rel_tol=1e-12)
