"""Unit tests of course_lib.optim: hand-computed steps, parameter groups, state, state_dict,
dtypes, argument checks, the subclassing contract, and the schedulers' API."""

import copy

import numpy as np
import pytest

from course_lib import optim
from course_lib.nn.module import Parameter
from course_lib.optim import SGD, Adam, AdamW, Optimizer, RMSprop


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


def test_sgd_first_velocity_is_a_copy_of_the_gradient_not_the_gradient_itself():
    p = param([0.0, 0.0], grad=[1.0, 2.0])
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    opt.zero_grad()
    np.testing.assert_array_equal(opt.state[p]["momentum_buffer"], [1.0, 2.0])


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
            opt.param_groups[0]["lr"] = lr
            opt.step()
            u = 0.9 * u - lr * g
            q = q + u
        assert np.allclose(p.data, q, rtol=1e-12) == same


# ---- dtypes -------------------------------------------------------------------------------
MAKERS = {
    "sgd": lambda ps, fused: SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4,
                                 fused=fused),
    "sgd_dampening": lambda ps, fused: SGD(ps, lr=0.1, momentum=0.9, dampening=0.5,
                                           weight_decay=1e-4, fused=fused),
    "rmsprop": lambda ps, fused: RMSprop(ps, centered=True, momentum=0.9, weight_decay=1e-4,
                                         fused=fused),
    "adam": lambda ps, fused: Adam(ps, weight_decay=1e-4, fused=fused),
    "adamw": lambda ps, fused: AdamW(ps, fused=fused),
}


@pytest.mark.parametrize("fused", [False, True], ids=["plain", "fused"])
@pytest.mark.parametrize("name", list(MAKERS))
def test_float32_parameters_and_state_stay_float32(name, fused):
    rng = np.random.default_rng(0)
    p = Parameter(rng.normal(size=(8, 3)).astype(np.float32))
    opt = MAKERS[name]([p], fused)
    data = p.data
    for _ in range(3):
        p.grad[...] = rng.normal(size=(8, 3))
        opt.step()
    assert p.data is data, "the parameter must be updated in place (layers hold p.data)"
    assert p.data.dtype == np.float32 and p.grad.dtype == np.float32
    arrays = [v for v in opt.state[p].values() if isinstance(v, np.ndarray)]
    assert arrays and all(a.dtype == np.float32 for a in arrays)


@pytest.mark.parametrize("fused", [False, True], ids=["plain", "fused"])
def test_state_follows_parameter_converted_to_float64_after_first_step(fused):
    p = Parameter(np.ones(3, dtype=np.float32))
    p.grad[...] = 1.0
    opt = Adam([p], fused=fused)
    opt.step()
    p.to_dtype(np.float64)
    opt.step()
    assert opt.state[p]["exp_avg"].dtype == np.float64 and p.data.dtype == np.float64


# ---- state --------------------------------------------------------------------------------
def test_state_is_a_dict_per_parameter_empty_until_its_first_step():
    ps = [param(np.ones(3)), param(np.ones((2, 2)))]
    opt = Adam(ps)
    assert len(opt.state) == 0 and opt.state[ps[0]] == {}
    opt.step()
    assert [opt.state[p]["exp_avg"].shape for p in ps] == [(3,), (2, 2)]
    assert [opt.state[p]["step"] for p in ps] == [1, 1]


@pytest.mark.parametrize("make, keys", [
    (lambda ps: SGD(ps, lr=0.1), set()),
    (lambda ps: SGD(ps, lr=0.1, momentum=0.9), {"momentum_buffer"}),
    (lambda ps: RMSprop(ps), {"square_avg"}),
    (lambda ps: RMSprop(ps, centered=True, momentum=0.5),
     {"square_avg", "grad_avg", "momentum_buffer"}),
    (lambda ps: Adam(ps), {"step", "exp_avg", "exp_avg_sq"}),
], ids=["sgd", "sgd_momentum", "rmsprop", "rmsprop_centered_momentum", "adam"])
def test_state_names_are_pytorchs(make, keys):
    p = param(np.ones(2), grad=np.ones(2))
    opt = make([p])
    opt.step()
    assert set(opt.state[p]) == keys


def test_zero_grad_clears_every_gradient_of_every_group_and_generators_are_accepted():
    ps = [param(np.ones(3), grad=np.ones(3)), param(np.ones(2), grad=np.ones(2))]
    opt = SGD([{"params": (p for p in ps[:1])}, {"params": iter(ps[1:]), "lr": 0.5}], lr=0.1)
    assert [len(group["params"]) for group in opt.param_groups] == [1, 1]
    opt.zero_grad()
    assert all(not p.grad.any() for p in ps)


# ---- parameter groups ---------------------------------------------------------------------
def test_one_group_from_parameters_with_the_defaults_and_pytorchs_keys():
    p = param([1.0])
    opt = SGD(iter([p]), lr=0.1, momentum=0.9)
    assert len(opt.param_groups) == 1
    group = opt.param_groups[0]
    assert group["params"] == [p]
    assert group == {"params": [p], "lr": 0.1, "momentum": 0.9, "dampening": 0.0,
                     "weight_decay": 0.0, "nesterov": False, "fused": False}
    assert opt.defaults == {k: v for k, v in group.items() if k != "params"}


def test_groups_take_missing_hyperparameters_from_the_defaults():
    a, b = param([0.0], grad=[1.0]), param([0.0], grad=[1.0])
    opt = SGD([{"params": [a], "lr": 0.5}, {"params": [b], "weight_decay": 1.0}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.1]
    assert [g["weight_decay"] for g in opt.param_groups] == [0.0, 1.0]
    opt.step()
    np.testing.assert_allclose([a.data[0], b.data[0]], [-0.5, -0.1])


def test_lr_of_a_group_changes_the_next_step_of_that_group_only():
    a, b = param([0.0], grad=[1.0]), param([0.0], grad=[1.0])
    opt = SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
    opt.param_groups[1]["lr"] = 0.5
    opt.step()
    np.testing.assert_allclose([a.data[0], b.data[0]], [-0.1, -0.5])


def test_add_param_group_checks_and_fills_the_new_group():
    a, b = param([0.0], grad=[1.0]), param([0.0], grad=[1.0])
    opt = Adam([a], lr=0.01)
    opt.add_param_group({"params": [b], "betas": [0.5, 0.6]})
    assert opt.param_groups[1]["betas"] == (0.5, 0.6) and opt.param_groups[1]["lr"] == 0.01
    with pytest.raises(ValueError, match="param group 2: beta1"):
        opt.add_param_group({"params": [param([0.0])], "betas": (1.5, 0.9)})
    assert len(opt.param_groups) == 2


def test_a_parameter_in_two_groups_is_refused():
    p = param([0.0])
    with pytest.raises(ValueError, match="appears twice"):
        SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    opt = SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="appears twice"):
        opt.add_param_group({"params": [p]})
    with pytest.raises(ValueError, match="appears twice"):
        SGD([p, p], lr=0.1)


def test_unknown_hyperparameter_in_a_group_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown hyper-parameter\(s\) \['learning_rate'\]"):
        SGD([{"params": [param([0.0])], "learning_rate": 0.1}], lr=0.1)


def test_group_errors_name_the_group():
    with pytest.raises(ValueError, match="SGD, param group 1: momentum"):
        SGD([{"params": [param([0.0])]}, {"params": [param([0.0])], "momentum": -1}], lr=0.1)
    with pytest.raises(TypeError, match="a dict with a 'params' entry"):
        SGD([param([0.0])], lr=0.1).add_param_group([param([1.0])])


def test_repr_lists_every_group_like_pytorch():
    text = repr(SGD([{"params": [param([1.0])]}, {"params": [param([1.0])], "lr": 0.5}],
                    lr=0.1, momentum=0.9))
    assert text.startswith("SGD (\nParameter Group 0\n") and "Parameter Group 1" in text
    assert "    momentum: 0.9" in text and "    lr: 0.5" in text and text.endswith(")")


# ---- argument checks ----------------------------------------------------------------------
@pytest.mark.parametrize("make, text", [
    (lambda ps: SGD(ps, lr=-0.1), "lr"),
    (lambda ps: SGD(ps, lr=float("nan")), "lr"),
    (lambda ps: SGD(ps, lr=0.1, momentum=-0.5), "momentum"),
    (lambda ps: SGD(ps, lr=0.1, nesterov=True), "nesterov"),
    (lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening"),
    (lambda ps: SGD(ps, lr=0.1, dampening=1.5), "dampening"),
    (lambda ps: SGD(ps, lr=0.1, weight_decay=-1), "weight_decay"),
    (lambda ps: Adam(ps, lr=-1e-3), "lr"),
    (lambda ps: Adam(ps, betas=(1.0, 0.999)), "beta1"),
    (lambda ps: Adam(ps, betas=(0.9, -0.1)), "beta2"),
    (lambda ps: Adam(ps, eps=-1e-8), "eps"),
    (lambda ps: AdamW(ps, weight_decay=-0.01), "weight_decay"),
    (lambda ps: RMSprop(ps, alpha=1.5), "alpha"),
    (lambda ps: RMSprop(ps, momentum=-1), "momentum"),
    (lambda ps: RMSprop(ps, eps=float("inf")), "eps"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_invalid_hyperparameter_raises_value_error_naming_optimizer_argument_and_value(make,
                                                                                      text):
    with pytest.raises(ValueError, match=text) as info:
        make([param([1.0])])
    message = str(info.value)
    assert message.split(":")[0] in ("SGD", "Adam", "AdamW", "RMSprop")


@pytest.mark.parametrize("make, text", [
    (lambda ps: SGD(ps, lr="0.1"), "lr"),
    (lambda ps: SGD(ps, lr=0.1, momentum=None), "momentum"),
    (lambda ps: Adam(ps, betas=(0.9,)), "pair"),
    (lambda ps: Adam(ps, betas=0.9), "pair"),
    (lambda ps: Adam(ps, eps="tiny"), "eps"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_wrong_type_of_hyperparameter_raises_type_error(make, text):
    with pytest.raises(TypeError, match=text):
        make([param([1.0])])


def test_hyperparameters_are_stored_as_python_floats():
    opt = Adam([param([1.0])], lr=np.float32(0.01), betas=(np.float64(0.9), 0.999))
    group = opt.param_groups[0]
    assert type(group["lr"]) is float and all(type(b) is float for b in group["betas"])


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


# ---- the subclassing contract ------------------------------------------------------------------
def test_a_subclass_without_update_says_what_to_write():
    class Nothing(Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

    opt = Nothing([param([1.0])])
    with pytest.raises(NotImplementedError, match=r"update\(self, p, state, group\)"):
        opt.step()


def test_a_subclass_must_give_lr_in_its_defaults():
    class NoLr(Optimizer):
        def __init__(self, params):
            super().__init__(params, {"eps": 1e-8})

    with pytest.raises(TypeError, match="'lr'"):
        NoLr([param([1.0])])


def test_a_subclass_has_no_fused_path():
    class Plain(Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr, "fused": True})

        def update(self, p, state, group):
            p.data -= group["lr"] * p.grad

    with pytest.raises(ValueError, match="no fused implementation"):
        Plain([param([1.0])])


def test_a_subclass_checks_its_hyperparameters_as_the_docstring_shows():
    from course_lib import checks

    class Signum(Optimizer):
        def __init__(self, params, lr=0.01, beta=0.9):
            super().__init__(params, {"lr": lr, "beta": beta})

        def check_group(self, group, where):
            group["beta"] = checks.number(group["beta"], "beta", where, low=0, high=1)

    assert Signum([param([1.0])], beta=0.5).param_groups[0]["beta"] == 0.5
    with pytest.raises(ValueError, match="Signum: beta"):
        Signum([param([1.0])], beta=2)
    with pytest.raises(ValueError, match="Signum, param group 1: beta"):
        Signum([{"params": [param([1.0])]}, {"params": [param([1.0])], "beta": -1}])


def test_a_subclass_keeps_its_state_across_steps_and_in_state_dict():
    """The contract of the docstring: state is a dict per parameter that the update fills."""
    class CountingSGD(Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        def update(self, p, state, group):
            state["count"] = state.get("count", 0) + 1
            p.data -= group["lr"] * p.grad

    p = param([1.0], grad=[1.0])
    opt = CountingSGD([p])
    for _ in range(3):
        opt.step()
    assert opt.state[p] == {"count": 3}
    assert opt.state_dict()["state"] == {0: {"count": 3}}
    np.testing.assert_allclose(p.data, [0.7])


# ---- state_dict / load_state_dict -----------------------------------------------------------
def trained_adam(steps=3, dtype=np.float64):
    rng = np.random.default_rng(0)
    ps = [param(rng.normal(size=(2, 3)), dtype=dtype), param(rng.normal(size=3), dtype=dtype)]
    opt = Adam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.01}], lr=0.1)
    for _ in range(steps):
        for p in ps:
            p.grad[...] = rng.normal(size=p.shape)
        opt.step()
    return ps, opt


def test_state_dict_has_pytorchs_layout():
    ps, opt = trained_adam()
    saved = opt.state_dict()
    assert set(saved) == {"state", "param_groups"}
    assert sorted(saved["state"]) == [0, 1]
    assert [g["params"] for g in saved["param_groups"]] == [[0], [1]]
    assert [g["lr"] for g in saved["param_groups"]] == [0.1, 0.01]
    assert saved["state"][1]["exp_avg"].shape == (3,) and saved["state"][1]["step"] == 3


def test_state_dict_state_follows_later_steps_as_in_pytorch_but_a_deepcopy_does_not():
    ps, opt = trained_adam()
    live, snapshot = opt.state_dict(), copy.deepcopy(opt.state_dict())
    ps[0].grad[...] = 1.0
    opt.step()
    assert live["state"][0]["step"] == 4 and snapshot["state"][0]["step"] == 3
    assert live["param_groups"][0] is not opt.param_groups[0]


def test_load_state_dict_copies_and_converts_to_the_parameters_dtype():
    _, opt = trained_adam(dtype=np.float64)
    saved = copy.deepcopy(opt.state_dict())
    ps32, opt32 = trained_adam(steps=0, dtype=np.float32)
    opt32.load_state_dict(saved)
    state = opt32.state[ps32[0]]
    assert state["exp_avg"].dtype == np.float32 and state["step"] == 3
    saved["state"][0]["exp_avg"][...] = 123.0
    saved["param_groups"][0]["lr"] = 5.0
    assert not (state["exp_avg"] == 123.0).any() and opt32.param_groups[0]["lr"] == 0.1
    assert opt32.param_groups[0]["params"] == ps32[:1]


@pytest.mark.parametrize("corrupt, text", [
    (lambda s: s["state"][0].update(exp_avg=np.zeros((3, 2))), r"shape \(3, 2\)"),
    (lambda s: s["param_groups"].pop(), "1 parameter group"),
    (lambda s: s["param_groups"][1]["params"].append(7), "has 2 parameters"),
    (lambda s: s["param_groups"][0].pop("betas"), "another optimizer"),
    (lambda s: s["param_groups"][0].update(momentum=0.9), "another optimizer"),
    (lambda s: s["state"].update({5: {}}), "parameter 5"),
    (lambda s: s["param_groups"][0].update(lr=-1.0), "lr"),
    (lambda s: s.pop("state"), "'state' and 'param_groups'"),
    (lambda s: s["state"].update({0: [1, 2]}), "not a dict"),
    (lambda s: s["param_groups"][0].pop("params"), "'params' list"),
], ids=["wrong_shape", "missing_group", "group_size", "missing_name", "extra_name",
        "unknown_index", "invalid_lr", "no_state", "state_not_a_dict", "group_without_params"])
def test_load_state_dict_refuses_a_mismatch_with_a_value_error_and_changes_nothing(corrupt, text):
    _, opt = trained_adam()
    saved = copy.deepcopy(opt.state_dict())
    corrupt(saved)
    ps, fresh = trained_adam(steps=1)
    before = copy.deepcopy(fresh.state_dict())
    with pytest.raises(ValueError, match=text):
        fresh.load_state_dict(saved)
    after = fresh.state_dict()
    assert after["param_groups"] == before["param_groups"]
    np.testing.assert_array_equal(after["state"][0]["exp_avg"], before["state"][0]["exp_avg"])


def test_state_dict_has_no_entry_for_a_parameter_without_state_as_in_pytorch():
    p = param([1.0], grad=[1.0])
    opt = SGD([p], lr=0.1)
    opt.step()
    assert opt.state_dict()["state"] == {}


def test_state_dict_of_sgd_does_not_load_into_adam():
    p = param([1.0], grad=[1.0])
    sgd = SGD([p], lr=0.1, momentum=0.9)
    sgd.step()
    with pytest.raises(ValueError, match="another optimizer"):
        Adam([param([1.0])]).load_state_dict(sgd.state_dict())


# ---- clip_grad_norm_ ----------------------------------------------------------------------------
def test_clip_grad_norm_keeps_direction_and_sets_norm_to_max_norm():
    p = param(np.zeros(2), grad=[3.0, 4.0])
    total = optim.clip_grad_norm_(p, max_norm=1.0)
    assert total == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad, [0.6, 0.8], rtol=1e-5)


def test_clip_grad_norm_error_if_nonfinite():
    p = param(np.zeros(2), grad=[np.nan, 1.0])
    with pytest.raises(FloatingPointError, match="nan"):
        optim.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("kwargs, error, text", [
    ({"max_norm": -1.0}, ValueError, "max_norm"),
    ({"max_norm": "1"}, TypeError, "max_norm"),
    ({"max_norm": 1.0, "norm_type": 0}, ValueError, "norm_type"),
    ({"max_norm": 1.0, "norm_type": -float("inf")}, ValueError, "norm_type"),
])
def test_clip_grad_norm_invalid_arguments(kwargs, error, text):
    with pytest.raises(error, match=text):
        optim.clip_grad_norm_([param([1.0], grad=[1.0])], **kwargs)
