"""course_lib.regularization: values and gradients against torch autograd, finite differences."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from course_lib import regularization as reg
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.nn.module import Parameter
from course_lib.optim import SGD

SHAPES = [(4, 3), (4,), (2, 3)]  # two weight matrices and a bias


def rel_err(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else np.linalg.norm(a - b) / scale


def random_params(seed):
    """Entries with |w| in [0.1, 2], away from the kink of |w| at 0."""
    rng = np.random.default_rng(seed)
    return [rng.choice([-1, 1], size=s) * rng.uniform(0.1, 2.0, size=s) for s in SHAPES]


def torch_penalty(kind, tensors, lam, l1_ratio, weights_only):
    kept = [t for t in tensors if t.ndim >= 2 or not weights_only]
    l1 = sum(t.abs().sum() for t in kept)
    l2 = sum((t**2).sum() for t in kept)
    if kind == "l1":
        return lam * l1
    if kind == "l2":
        return lam / 2 * l2
    return lam * (l1_ratio * l1 + (1 - l1_ratio) / 2 * l2)


def ours(kind, params, lam, l1_ratio, weights_only):
    if kind == "l1":
        return (reg.l1_penalty(params, lam, weights_only=weights_only),
                reg.l1_penalty_grad(params, lam, weights_only=weights_only))
    if kind == "l2":
        return (reg.l2_penalty(params, lam, weights_only=weights_only),
                reg.l2_penalty_grad(params, lam, weights_only=weights_only))
    return (reg.elastic_net_penalty(params, lam, l1_ratio, weights_only=weights_only),
            reg.elastic_net_penalty_grad(params, lam, l1_ratio, weights_only=weights_only))


@given(seed=st.integers(0, 2**31), lam=st.floats(1e-4, 10.0), l1_ratio=st.floats(0.0, 1.0),
       kind=st.sampled_from(["l1", "l2", "elastic_net"]), weights_only=st.booleans())
def test_penalty_value_and_gradient_match_torch_autograd_float64(seed, lam, l1_ratio, kind,
                                                                 weights_only):
    arrays = random_params(seed)
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    expected = torch_penalty(kind, tensors, lam, l1_ratio, weights_only)
    expected.backward()
    value, grads = ours(kind, [Parameter(a) for a in arrays], lam, l1_ratio, weights_only)
    assert rel_err(value, expected.item()) < 1e-12
    for g, t in zip(grads, tensors, strict=True):
        expected_grad = np.zeros_like(g) if t.grad is None else t.grad.numpy()
        assert rel_err(g, expected_grad) < 1e-12


@pytest.mark.parametrize("kind", ["l1", "l2", "elastic_net"])
def test_penalty_gradient_passes_central_difference_check(kind):
    arrays = random_params(3)
    _, grads = ours(kind, arrays, 0.7, 0.3, False)
    for a, g in zip(arrays, grads, strict=True):
        numeric = numerical_gradient(lambda _: ours(kind, arrays, 0.7, 0.3, False)[0], a)
        assert relative_error(g, numeric) < 1e-7


def test_biases_are_skipped_by_default_and_counted_with_weights_only_false():
    w, b = np.full((2, 2), 3.0), np.full(2, 5.0)
    assert reg.l2_penalty([w, b], 1.0) == pytest.approx(0.5 * 4 * 9)
    assert reg.l2_penalty([w, b], 1.0, weights_only=False) == pytest.approx(0.5 * (36 + 50))
    assert not reg.l1_penalty_grad([w, b], 1.0)[1].any()


def test_l1_gradient_at_zero_is_zero_like_torch_abs():
    np.testing.assert_array_equal(reg.l1_penalty_grad([np.zeros((2, 2))], 2.0)[0], 0.0)


def test_elastic_net_endpoints_are_l1_and_l2():
    arrays = random_params(1)
    assert reg.elastic_net_penalty(arrays, 0.5, 1.0) == pytest.approx(reg.l1_penalty(arrays, 0.5))
    assert reg.elastic_net_penalty(arrays, 0.5, 0.0) == pytest.approx(reg.l2_penalty(arrays, 0.5))


def test_l2_penalty_backward_with_sgd_equals_sgd_weight_decay():
    """The documented convention: L2Penalty(lam) is SGD's weight_decay=lam."""
    arrays, grads = random_params(2), random_params(5)
    a = [Parameter(x) for x in arrays]
    b = [Parameter(x) for x in arrays]
    penalty = reg.L2Penalty(0.3, weights_only=False)
    opt_a, opt_b = SGD(a, lr=0.1), SGD(b, lr=0.1, weight_decay=0.3)
    for _ in range(5):
        for p, q, g in zip(a, b, grads, strict=True):
            p.grad[...] = g
            q.grad[...] = g
        penalty.backward(a)
        opt_a.step()
        opt_b.step()
        opt_a.zero_grad()
        opt_b.zero_grad()
    for p, q in zip(a, b, strict=True):
        assert rel_err(p.data, q.data) < 1e-14


@pytest.mark.parametrize("penalty", [reg.L1Penalty(0.1), reg.L2Penalty(0.1),
                                     reg.ElasticNetPenalty(0.1, 0.2)], ids=repr)
def test_penalty_objects_call_and_backward_accumulate_into_grad(penalty):
    params = [Parameter(a) for a in random_params(4)]
    for p in params:
        p.grad[...] = 1.0
    grads = penalty.grad(params)
    penalty.backward(params)
    for p, g in zip(params, grads, strict=True):
        np.testing.assert_allclose(p.grad, 1.0 + g)
    assert penalty(params) > 0


def test_float32_parameters_give_float32_gradients():
    p = Parameter(np.ones((3, 3), dtype=np.float32))
    assert all(g.dtype == np.float32 for g in reg.elastic_net_penalty_grad([p], 0.1))


def test_invalid_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="lam must be a finite number >= 0, got -1"):
        reg.L2Penalty(-1)
    with pytest.raises(TypeError, match="lam must be a number, got '0.1'"):
        reg.L2Penalty("0.1")
    with pytest.raises(ValueError, match="l1_ratio must be a finite number in \\[0, 1\\], got 1.5"):
        reg.ElasticNetPenalty(0.1, l1_ratio=1.5)
    with pytest.raises(TypeError, match="needs Parameters"):
        reg.L1Penalty(0.1).backward([np.ones((2, 2))])
    with pytest.raises(TypeError, match="floating-point"):
        reg.l2_penalty([np.ones((2, 2), dtype=int)], 0.1)
    with pytest.raises(TypeError, match="weights_only"):
        reg.L1Penalty(0.1, weights_only="no")


@pytest.mark.parametrize("penalty, value, gradient", [
    (reg.L2Penalty(0.4), lambda w: 0.2 * np.sum(w**2), lambda w: 0.4 * w),
    (reg.L1Penalty(0.4), lambda w: 0.4 * np.sum(np.abs(w)), lambda w: 0.4 * np.sign(w)),
    (reg.ElasticNetPenalty(0.4, 0.25),
     lambda w: 0.4 * (0.25 * np.sum(np.abs(w)) + 0.375 * np.sum(w**2)),
     lambda w: 0.4 * (0.25 * np.sign(w) + 0.75 * w)),
], ids=repr)
def test_each_penalty_writes_its_formula_for_one_array(penalty, value, gradient):
    w = random_params(7)[0]
    assert penalty.value(w) == pytest.approx(value(w), rel=1e-12)
    np.testing.assert_allclose(penalty.gradient(w), gradient(w), rtol=1e-12)
    arrays = random_params(8)
    assert penalty(arrays) == pytest.approx(sum(value(a) for a in arrays if a.ndim >= 2))


def test_the_printed_formulas_hold_no_argument_checks():
    import inspect
    for cls in (reg.L1Penalty, reg.L2Penalty, reg.ElasticNetPenalty):
        for method in (cls.value, cls.gradient):
            source = inspect.getsource(method)
            assert "checks" not in source and len(source.splitlines()) <= 3, source


def test_the_functions_name_themselves_in_their_messages():
    with pytest.raises(ValueError, match="l2_penalty_grad: lam"):
        reg.l2_penalty_grad([np.ones((2, 2))], -1.0)
    with pytest.raises(ValueError, match="elastic_net_penalty: l1_ratio"):
        reg.elastic_net_penalty([np.ones((2, 2))], 0.1, 2.0)
    with pytest.raises(TypeError, match="l1_penalty: params"):
        reg.l1_penalty(3, 0.1)


def test_penalties_of_float32_weights_are_python_floats_and_gradients_stay_float32():
    w = np.full((3, 4), 0.5, dtype=np.float32)
    for penalty in (reg.L1Penalty(0.1), reg.L2Penalty(0.1), reg.ElasticNetPenalty(0.1)):
        assert type(penalty([w])) is float
        assert penalty.grad([w, np.ones(4, np.float32)])[1].dtype == np.float32


def test_sparsity_counts_weights_below_the_threshold_and_skips_biases():
    W = np.array([[0.0, 5e-4, -2e-3], [1.0, -1e-4, 0.3]])
    assert reg.sparsity([W, np.zeros(3)]) == pytest.approx(3 / 6)
    assert reg.sparsity([W], threshold=1e-2) == pytest.approx(4 / 6)
    assert reg.sparsity([W, np.zeros(3)], weights_only=False) == pytest.approx(6 / 9)
    assert reg.sparsity([Parameter(W)]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="no weights to count"):
        reg.sparsity([np.zeros(3)])
    with pytest.raises(ValueError, match="threshold"):
        reg.sparsity([W], threshold=0.0)


def test_l1_training_makes_weights_sparse_and_l2_does_not():
    """The chapter's claim, on a small problem: with SGD, L1 drives the weights of useless
    inputs to about 0, L2 only shrinks them."""
    from course_lib import nn
    from course_lib.train import fit

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 10)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)        # 8 of the 10 inputs are noise
    share = {}
    for name, penalty in [("l1", reg.L1Penalty(0.05)), ("l2", reg.L2Penalty(0.05))]:
        model = nn.Linear(10, 2, rng=0)
        fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), (X, y), epochs=100,
            batch_size=50, penalty=penalty, rng=0, progress=False)
        share[name] = reg.sparsity(model.parameters(), threshold=1e-2)
    assert share["l1"] >= 0.7 and share["l2"] <= 0.2, share   # 16 of the 20 weights are noise
