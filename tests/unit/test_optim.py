"""Unit tests of course_lib.optim: hand-computed steps, dtypes, state, validation."""

import tracemalloc

import numpy as np
import pytest

from course_lib import optim
from course_lib.nn.module import Parameter
from course_lib.optim import SGD, Adam, AdamW, RMSprop


def param(values, grad=None, dtype=np.float64):
    p = Parameter(np.array(values, dtype=dtype))
    if grad is not None:
        p.grad[...] = grad
    return p


# ---- one step by hand ---------------------------------------------------------------------
def test_sgd_one_step_is_p_minus_lr_times_grad():
    p = param([1.0, -2.0], grad=[0.5, -1.0])
    SGD([p], lr=0.1).step()
    np.testing.assert_allclose(p.data, [0.95, -1.9], rtol=1e-15)


def test_sgd_weight_decay_adds_lambda_p_to_grad_without_changing_grad():
    p = param([1.0, -2.0], grad=[0.5, -1.0])
    SGD([p], lr=0.1, weight_decay=0.5).step()
    np.testing.assert_allclose(p.data, [1.0 - 0.1 * (0.5 + 0.5), -2.0 - 0.1 * (-1.0 - 1.0)])
    np.testing.assert_array_equal(p.grad, [0.5, -1.0])


def test_adam_first_step_moves_every_coordinate_by_lr_thanks_to_bias_correction():
    """m_1 / (1 - b1) = g and sqrt(v_1 / (1 - b2)) = |g|, so the step is lr * sign(g)."""
    grad = np.array([1e-3, -5.0, 20.0])
    p = param([0.0, 0.0, 0.0], grad=grad)
    Adam([p], lr=0.01).step()
    np.testing.assert_allclose(p.data, -0.01 * np.sign(grad), rtol=1e-5)


def test_adamw_decay_shrinks_parameter_by_one_minus_lr_lambda_before_adam_step():
    p = param([2.0], grad=[0.0])
    AdamW([p], lr=0.1, weight_decay=0.5).step()
    np.testing.assert_allclose(p.data, [2.0 * (1 - 0.1 * 0.5)], rtol=1e-15)


def test_rmsprop_first_step_divides_by_root_mean_square():
    p = param([0.0], grad=[3.0])
    RMSprop([p], lr=0.01, alpha=0.99, eps=0.0).step()
    np.testing.assert_allclose(p.data, [-0.01 * 3.0 / np.sqrt(0.01 * 9.0)], rtol=1e-14)


def test_sgd_momentum_equals_other_convention_with_constant_lr_but_not_with_changing_lr():
    """The docstring's claim: v = mu v + g, p -= lr v  versus  u = mu u - lr g, p += u."""
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(10, 4))
    for lrs, same in [([0.1] * 10, True), ([0.1] * 5 + [0.01] * 5, False)]:
        p = param(np.zeros(4))
        opt = SGD([p], lr=lrs[0], momentum=0.9)
        q, u = np.zeros(4), np.zeros(4)
        for g, lr in zip(grads, lrs, strict=True):
            p.grad[...] = g
            opt.lr = lr
            opt.step()
            u = 0.9 * u - lr * g
            q = q + u
        assert np.allclose(p.data, q, rtol=1e-12) == same


# ---- dtypes and state -----------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
    lambda ps: RMSprop(ps, centered=True, momentum=0.9, weight_decay=1e-4),
    lambda ps: Adam(ps, weight_decay=1e-4),
    lambda ps: AdamW(ps),
], ids=["sgd", "rmsprop", "adam", "adamw"])
def test_float32_parameters_and_state_stay_float32(make):
    rng = np.random.default_rng(0)
    p = Parameter(rng.normal(size=(8, 3)).astype(np.float32))
    opt = make([p])
    for _ in range(3):
        p.grad[...] = rng.normal(size=(8, 3))
        opt.step()
    assert p.data.dtype == np.float32 and p.grad.dtype == np.float32
    for value in vars(opt.state[0]).values():
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32


def test_state_is_one_object_per_parameter_created_on_first_step():
    ps = [param(np.ones(3)), param(np.ones((2, 2)))]
    opt = Adam(ps)
    assert opt.state == [None, None]
    opt.step()
    assert [s.exp_avg.shape for s in opt.state] == [(3,), (2, 2)]
    assert [s.step for s in opt.state] == [1, 1]


def test_state_follows_parameter_converted_to_float64_after_first_step():
    p = Parameter(np.ones(3, dtype=np.float32))
    p.grad[...] = 1.0
    opt = Adam([p])
    opt.step()
    p.to_dtype(np.float64)
    opt.step()
    assert opt.state[0].exp_avg.dtype == np.float64 and p.data.dtype == np.float64


def test_zero_grad_clears_every_gradient_and_generator_params_are_accepted():
    ps = [param(np.ones(3), grad=np.ones(3)), param(np.ones(2), grad=np.ones(2))]
    opt = SGD((p for p in ps), lr=0.1)
    assert len(opt.params) == 2
    opt.zero_grad()
    assert all(not p.grad.any() for p in ps)


def test_lr_attribute_changes_the_next_step():
    p = param([0.0], grad=[1.0])
    opt = SGD([p], lr=0.1)
    opt.lr = 0.5
    opt.step()
    np.testing.assert_allclose(p.data, [-0.5])


def test_repr_names_the_hyperparameters():
    assert "momentum=0.9" in repr(SGD([param([1.0])], lr=0.1, momentum=0.9))


# ---- validation ---------------------------------------------------------------------------
@pytest.mark.parametrize("make, text", [
    (lambda ps: SGD(ps, lr=-0.1), "lr=-0.1"),
    (lambda ps: SGD(ps, lr=0.1, momentum=-0.5), "momentum=-0.5"),
    (lambda ps: SGD(ps, lr=0.1, nesterov=True), "nesterov"),
    (lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening"),
    (lambda ps: SGD(ps, lr=0.1, weight_decay=-1), "weight_decay=-1"),
    (lambda ps: Adam(ps, lr=-1e-3), "lr=-0.001"),
    (lambda ps: Adam(ps, betas=(1.0, 0.999)), "beta1"),
    (lambda ps: Adam(ps, betas=(0.9, -0.1)), "beta2"),
    (lambda ps: Adam(ps, betas=(0.9,)), "pair"),
    (lambda ps: Adam(ps, eps=-1e-8), "eps"),
    (lambda ps: AdamW(ps, weight_decay=-0.01), "weight_decay=-0.01"),
    (lambda ps: RMSprop(ps, alpha=1.5), "alpha=1.5"),
    (lambda ps: RMSprop(ps, momentum=-1), "momentum=-1"),
    (lambda ps: SGD(ps, lr=float("nan")), "lr=nan"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_invalid_hyperparameter_raises_value_error_naming_the_value(make, text):
    with pytest.raises(ValueError, match=text.replace("(", r"\(")) as info:
        make([param([1.0])])
    assert type(info.value).__name__ in str(info.value) or ":" in str(info.value)


def test_empty_parameter_list_raises_value_error():
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([], lr=0.1)


def test_exhausted_generator_is_reported_as_empty():
    ps = [param([1.0])]
    gen = (p for p in ps)
    SGD(gen, lr=0.1)
    with pytest.raises(ValueError, match="already used up"):
        Adam(gen)


def test_arrays_instead_of_parameters_raise_type_error():
    with pytest.raises(TypeError, match=r"params\[0\] is a ndarray, not a Parameter"):
        SGD([np.zeros(3)], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Parameter"):
        SGD(np.zeros(3), lr=0.1)


@pytest.mark.parametrize("make, text", [
    (lambda o: optim.StepLR(o, step_size=0), "step_size"),
    (lambda o: optim.StepLR(o, step_size=2.5), "step_size"),
    (lambda o: optim.StepLR(o, step_size=3, gamma=-0.1), "gamma=-0.1"),
    (lambda o: optim.CosineAnnealingLR(o, T_max=0), "T_max"),
    (lambda o: optim.CosineAnnealingLR(o, T_max=5, eta_min=-1), "eta_min=-1"),
    (lambda o: optim.LinearLR(o, start_factor=0.0), "start_factor=0.0"),
    (lambda o: optim.LinearLR(o, end_factor=1.5), "end_factor=1.5"),
    (lambda o: optim.LinearLR(o, total_iters=0), "total_iters"),
])
def test_invalid_scheduler_arguments_raise_value_error(make, text):
    with pytest.raises(ValueError, match=text):
        make(SGD([param([1.0])], lr=0.1))


def test_scheduler_rejects_an_object_without_lr():
    with pytest.raises(TypeError, match="course_lib optimizer"):
        optim.StepLR(object(), step_size=1)


def test_linear_lr_sets_the_warm_up_lr_at_construction():
    opt = SGD([param([1.0])], lr=0.3)
    sched = optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=4)
    assert opt.lr == pytest.approx(0.03) and sched.get_last_lr() == [opt.lr]


def test_clip_grad_norm_keeps_direction_and_sets_norm_to_max_norm():
    p = param(np.zeros(2), grad=[3.0, 4.0])
    total = optim.clip_grad_norm_(p, max_norm=1.0)
    assert total == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad, [0.6, 0.8], rtol=1e-5)


def test_clip_grad_norm_error_if_nonfinite():
    p = param(np.zeros(2), grad=[np.nan, 1.0])
    with pytest.raises(FloatingPointError, match="nan"):
        optim.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-4),
    lambda ps: RMSprop(ps, centered=True, momentum=0.9, weight_decay=1e-4),
    lambda ps: Adam(ps, weight_decay=1e-4),
    lambda ps: AdamW(ps),
], ids=["sgd_momentum", "rmsprop", "adam", "adamw"])
def test_step_allocates_no_temporary_arrays(make):
    """The update runs in place: no array the size of the parameter is allocated.

    A float64 temporary (a dtype leak) or a plain ``p -= lr * m / ...`` expression
    would allocate at least one such array per step.
    """
    rng = np.random.default_rng(0)
    p = Parameter(rng.normal(size=(256, 256)).astype(np.float32))
    p.grad[...] = rng.normal(size=p.shape)
    opt = make([p])
    opt.step()  # the first step creates the state
    tracemalloc.start()
    opt.step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < p.data.nbytes // 4, f"peak allocation {peak} B for a {p.data.nbytes} B parameter"

