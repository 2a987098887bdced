"""course_lib.grading.references_06: the course's answers to exercise 06 follow the exercise's
conventions (checked against course_lib's engine, torch and finite differences), in task order,
and its checks accept them and reject what they should."""

import numpy as np
import pytest
import torch

from course_lib import gradcheck, nn, regularization
from course_lib.grading.references_06 import (
    check_batch_norm_backward,
    check_batch_norm_forward,
    check_dropout,
    check_early_stopping,
    check_l2,
)
from course_lib.grading.references_06 import reg_references as ref
from course_lib.nn import functional as F
from course_lib.train import EarlyStopping

TASK_ORDER = ["l2_penalty", "l2_penalty_grad", "dropout_forward", "dropout_backward",
              "batch_norm_forward", "batch_norm_backward", "EarlyStopping"]


def test_the_references_are_in_task_order():
    assert list(vars(ref)) == TASK_ORDER


def test_the_l2_reference_is_course_libs_penalty_and_keeps_dtypes():
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=3).astype(np.float32)]
    assert ref.l2_penalty(params, 0.3) == pytest.approx(regularization.l2_penalty(params, 0.3))
    for ours, course in zip(ref.l2_penalty_grad(params, 0.3),
                            regularization.l2_penalty_grad(params, 0.3), strict=True):
        np.testing.assert_array_equal(ours, course)
        assert ours.dtype == np.float32


def test_the_dropout_reference_is_course_libs_for_the_same_draws():
    x = np.random.default_rng(1).normal(size=(20, 30)).astype(np.float32)
    ours, cache = ref.dropout_forward(x, 0.3, training=True, rng=np.random.default_rng(4))
    course, course_cache = F.dropout_forward(x, 0.3, training=True, rng=np.random.default_rng(4))
    np.testing.assert_array_equal(ours, course)
    dout = np.ones_like(x)
    np.testing.assert_array_equal(ref.dropout_backward(dout, cache),
                                  F.dropout_backward(dout, course_cache))
    out, cache = ref.dropout_forward(x, 0.3, training=False, rng=None)
    assert out is x and ref.dropout_backward(dout, cache) is dout


@pytest.mark.parametrize("training", [True, False])
def test_the_batch_norm_reference_matches_torch_and_finite_differences(training):
    rng = np.random.default_rng(2)
    x, gamma, beta = rng.normal(1, 2, (7, 3)), rng.normal(size=3), rng.normal(size=3)
    mean, var = rng.normal(size=3), rng.uniform(0.5, 2, 3)
    ours_mean, ours_var = mean.copy(), var.copy()
    out, cache = ref.batch_norm_forward(x, gamma, beta, ours_mean, ours_var, training=training,
                                        momentum=0.2, eps=1e-3)
    t_mean, t_var = torch.tensor(mean), torch.tensor(var)
    tx = torch.tensor(x, requires_grad=True)
    tg, tb = torch.tensor(gamma, requires_grad=True), torch.tensor(beta, requires_grad=True)
    expected = torch.nn.functional.batch_norm(tx, t_mean, t_var, tg, tb, training=training,
                                              momentum=0.2, eps=1e-3)
    np.testing.assert_allclose(out, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours_mean, t_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours_var, t_var.numpy(), rtol=1e-12)
    dout = rng.normal(size=x.shape)
    expected.backward(torch.tensor(dout))
    for got, want in zip(ref.batch_norm_backward(dout, cache), (tx.grad, tg.grad, tb.grad),
                         strict=True):
        assert gradcheck.relative_error(got, want.numpy()) < 1e-10


def test_the_early_stopping_reference_stops_and_restores_as_course_libs_callback():
    losses = [1.0, 0.9, 0.95, 0.8, 0.85, 0.9, 0.8, 0.7]
    ours, course = ref.EarlyStopping(patience=3), EarlyStopping(patience=3)
    model = nn.Linear(2, 2, rng=0)
    for epoch, loss in enumerate(losses):
        model.weight.data += 1.0
        stop = ours.step(loss, model)
        assert stop == bool(course.on_epoch_end(epoch, {"val_loss": loss}, model))
        if stop:
            break
    assert (epoch, ours.best_epoch, course.best_epoch) == (6, 3, 3)
    ours.restore(model)
    np.testing.assert_array_equal(model.weight.data, course.best_weights["weight"])


def test_the_checks_accept_the_references():
    rng = np.random.default_rng(3)
    params = [rng.normal(size=(3, 2)), rng.normal(size=3)]
    check_l2(ref.l2_penalty, ref.l2_penalty_grad, params, 0.5, where="test")
    check_dropout(ref.dropout_forward, ref.dropout_backward, np.ones((100, 200)), 0.25,
                  where="test")
    x, gamma, beta = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=3)
    for training in (True, False):
        check_batch_norm_forward(ref.batch_norm_forward, x, gamma, beta, np.zeros(3), np.ones(3),
                                 training=training, where="test")
        check_batch_norm_backward(ref.batch_norm_backward, x, gamma, beta, training=training,
                                  where="test")
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.BatchNorm1d(3))
    check_early_stopping(ref.EarlyStopping(2), ref.EarlyStopping.step, ref.EarlyStopping.restore,
                         model, [0.5, 0.4, 0.6, 0.7], 2, where="test")


def test_the_checks_reject_a_wrong_answer_of_each_kind():
    params = [np.ones((2, 2)), np.ones(2)]
    with pytest.raises(AssertionError, match="1/2"):
        check_l2(lambda p, lam: lam * sum(float(np.sum(w**2)) for w in p if w.ndim >= 2),
                 ref.l2_penalty_grad, params, 0.5, where="test")

    def no_rescaling(x, p, *, training, rng):
        out, cache = ref.dropout_forward(x, p, training=training, rng=rng)
        return (out, cache) if cache is None else (out * (1 - p), cache * (1 - p))

    with pytest.raises(AssertionError, match="not rescaled"):
        check_dropout(no_rescaling, ref.dropout_backward, np.ones((100, 200)), 0.25, where="test")

    def constant_statistics(dout, cache):
        x_hat, inv_std, gamma, _ = cache
        return dout * gamma * inv_std, (dout * x_hat).sum(0), dout.sum(0)

    x = np.random.default_rng(4).normal(size=(5, 3))
    with pytest.raises(AssertionError, match="held constant"):
        check_batch_norm_backward(constant_statistics, x, np.ones(3), np.zeros(3), training=True,
                                  where="test")

    class Reference(ref.EarlyStopping):
        def step(self, val_loss, model):   # keeps the live arrays
            stop = super().step(val_loss, model)
            if self.best_epoch == self.epoch:
                self.best_weights = model.state_dict()
            return stop

    with pytest.raises(AssertionError, match="live arrays"):
        check_early_stopping(Reference(2), Reference.step, Reference.restore,
                             nn.Linear(2, 2, rng=0), [0.5, 0.4, 0.6, 0.7], 2, where="test")
