"""The reference answers of exercise 06 (regularization), and the checks its test cells run.

Used by the test cells of solutions/06_reg.ipynb (and so of exercises/06_reg.ipynb);
taught in no notebook. ``reg_references`` holds the course's version of every
function the exercise asks for, in task order, with the exercise's names and
signatures; a test cell grades a task on its own with
``graded_alone(function, reg_references)`` (``course_lib.grading.exercise_support``).

- ``l2_penalty(params, lam)``: :math:`\\tfrac{\\lambda}{2}\\sum w^2` over the arrays with two
  or more dimensions (weights; 1-D biases are skipped); ``l2_penalty_grad``: :math:`\\lambda w`
  for each weight, zeros for each bias, in each array's dtype.
- ``dropout_forward(x, p, *, training, rng)`` / ``dropout_backward(dout, cache)``: inverted
  dropout, ``p`` the probability of dropping a unit, identity in evaluation.
- ``batch_norm_forward(x, gamma, beta, running_mean, running_var, *, training, momentum,
  eps)``: batch statistics (biased variance) in training, with the running statistics updated
  in place with the unbiased variance; the running statistics in evaluation. The cache is
  ``(x_hat, inv_std, gamma, training)``. ``batch_norm_backward(dout, cache)`` returns
  ``(dx, dgamma, dbeta)``.
- ``EarlyStopping(patience)`` with ``step(val_loss, model) -> bool`` and ``restore(model)``.

The ``check_*`` functions test a learner's answer against these and fail with an
AssertionError whose message says what was expected, what came back and the likely cause,
built from numbers, shapes and dtypes only. It runs in the grading kernel, so it imports
only NumPy and course_lib's NumPy code.
"""

from __future__ import annotations

import math
import types

import numpy as np

from course_lib.grading.exercise_support import show_pair
from course_lib.nn.functional import batch_norm, dropout

__all__ = [
    "check_batch_norm_backward",
    "check_batch_norm_forward",
    "check_dropout",
    "check_early_stopping",
    "check_l2",
    "reg_references",
]


# --- the references ------------------------------------------------------------------------
def _l2_penalty(params, lam):
    """(lam / 2) * sum of w**2 over the arrays of params with two or more dimensions."""
    return lam / 2 * sum(float(np.sum(w**2)) for w in params if np.ndim(w) >= 2)


def _l2_penalty_grad(params, lam):
    """lam * w for each weight (2 or more dimensions), zeros for each bias; same dtypes."""
    return [lam * w if np.ndim(w) >= 2 else np.zeros_like(w) for w in params]


def _dropout_forward(x, p, *, training, rng):
    """Inverted dropout: (x * mask / (1 - p), cache); the identity when not training."""
    return dropout.dropout_forward(x, p, training=training, rng=rng)


def _batch_norm_forward(x, gamma, beta, running_mean, running_var, *, training, momentum=0.1,
                        eps=1e-5):
    """Batch norm of x (N, C); running statistics updated in place in training."""
    return batch_norm.batch_norm_forward(x, gamma, beta, running_mean, running_var,
                                         training=training, momentum=momentum, eps=eps)


class _EarlyStopping:
    """Stop after ``patience`` epochs in a row without a strictly lower validation loss;
    keep a copy of the best epoch's state_dict and load it back in ``restore``."""

    def __init__(self, patience=5):
        self.patience = patience
        self.best = math.inf
        self.best_epoch = None
        self.best_weights = None
        self.bad_epochs = 0
        self.epoch = -1

    def step(self, val_loss, model):
        self.epoch += 1
        if val_loss < self.best:
            self.best, self.best_epoch, self.bad_epochs = val_loss, self.epoch, 0
            self.best_weights = {name: a.copy() for name, a in model.state_dict().items()}
            return False
        self.bad_epochs += 1
        return self.bad_epochs >= self.patience

    def restore(self, model):
        if self.best_weights is not None:
            model.load_state_dict(self.best_weights)


_EarlyStopping.__name__ = _EarlyStopping.__qualname__ = "EarlyStopping"

reg_references = types.SimpleNamespace(
    l2_penalty=_l2_penalty,
    l2_penalty_grad=_l2_penalty_grad,
    dropout_forward=_dropout_forward,
    dropout_backward=dropout.dropout_backward,
    batch_norm_forward=_batch_norm_forward,
    batch_norm_backward=batch_norm.batch_norm_backward,
    EarlyStopping=_EarlyStopping,
)


# --- shared pieces of the checks -------------------------------------------------------------
def _is_array(value, name: str, shape, dtype) -> None:
    if type(value) is not np.ndarray:
        raise AssertionError(f"{name} is not a NumPy array; expected an array of shape {shape}")
    if value.shape != tuple(shape):
        raise AssertionError(f"{name} has shape {value.shape}; expected {tuple(shape)}")
    if value.dtype != dtype:
        raise AssertionError(
            f"{name} has dtype {value.dtype} for {np.dtype(dtype)} inputs; expected "
            f"{np.dtype(dtype)}. Keep the input's dtype: np.zeros(shape) and np.ones(shape) are "
            "float64 (use np.zeros_like), and so is a boolean mask divided by a number (convert "
            "the mask with .astype(x.dtype) first)")


def _close(got, expected, name: str, *, rtol: float, hint: str = "") -> None:
    """Fail unless ``got`` is ``expected`` within ``rtol`` of the largest expected magnitude.
    The message leads with ``hint`` (the likely cause); a small array is shown whole, a large
    one by its worst entry."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise AssertionError(f"{name} has shape {got.shape}; expected {expected.shape}")
    scale = max(float(np.max(np.abs(expected), initial=0.0)), 1e-12)
    if np.all(np.abs(got - expected) <= rtol * scale) and np.all(np.isfinite(got)):
        return
    lead = f"{name} is wrong: {hint}. " if hint else f"{name} is wrong. "
    if got.size <= 8:
        shown_got, shown_expected = show_pair(got, expected)
        raise AssertionError(f"{lead}Got {shown_got}; expected {shown_expected}")
    difference = np.where(np.isfinite(got), np.abs(got - expected), np.inf)
    worst = np.unravel_index(int(np.argmax(difference)), got.shape)
    shown_got, shown_expected = show_pair(got[worst], expected[worst])
    raise AssertionError(f"{lead}The largest difference is at index {tuple(int(i) for i in worst)}"
                         f": got {shown_got}, expected {shown_expected}")


def _unchanged(before, after, what: str, why: str = "compute new arrays instead of changing "
               "the inputs in place") -> None:
    if not np.array_equal(before, after):
        raise AssertionError(f"{what} was modified; {why}")


# --- task 1: the L2 penalty ------------------------------------------------------------------
def check_l2(l2_penalty, l2_penalty_grad, params, lam: float, *, where: str) -> None:
    """Fail unless the penalty and its gradient are right for ``params`` (a list of arrays)."""
    before = [np.array(w, copy=True) for w in params]
    value = l2_penalty(params, lam)
    expected = _l2_penalty(before, lam)
    if np.ndim(value) != 0:
        raise AssertionError(f"l2_penalty({where}) returned an array of shape {np.shape(value)}; "
                             "expected a single number")
    value = float(value)
    if not math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-12):
        biased = lam / 2 * sum(float(np.sum(w.astype(np.float64) ** 2)) for w in before)
        hint = ""
        if math.isclose(value, 2 * expected, rel_tol=1e-6):
            hint = ": twice the expected value, the 1/2 of (lam / 2) * sum(w**2) is missing"
        elif expected != biased and math.isclose(value, biased, rel_tol=1e-6):
            hint = ": the biases (1-D arrays) were penalised too; only weights count"
        shown_value, shown_expected = show_pair(value, expected)
        raise AssertionError(f"l2_penalty({where}) returned {shown_value}; expected "
                             f"{shown_expected}{hint}")
    for i, (w, w_before) in enumerate(zip(params, before, strict=True)):
        _unchanged(w_before, w, f"params[{i}] (by l2_penalty)")
    grads = l2_penalty_grad(params, lam)
    for i, (w, w_before) in enumerate(zip(params, before, strict=True)):
        _unchanged(w_before, w, f"params[{i}] (by l2_penalty_grad)")
    if not isinstance(grads, (list, tuple)) or len(grads) != len(before):
        got = len(grads) if isinstance(grads, (list, tuple)) else "not a list"
        raise AssertionError(f"l2_penalty_grad({where}) returned {got} gradients for "
                             f"{len(before)} parameters; return one per parameter, biases "
                             "included (their gradient is zeros)")
    for i, (g, w) in enumerate(zip(grads, before, strict=True)):
        kind = "weight" if w.ndim >= 2 else "bias"
        _is_array(g, f"the gradient of params[{i}] (a {kind})", w.shape, w.dtype)
        expected_grad = lam * w if w.ndim >= 2 else np.zeros_like(w)
        hint = ("a bias is not penalised: its gradient is zeros" if kind == "bias" else
                "the gradient of (lam / 2) * w**2 is lam * w")
        if kind == "weight" and np.any(w) and lam and np.allclose(g, 2 * lam * w, rtol=1e-6):
            hint = "it is 2 * lam * w: with the penalty (lam / 2) * w**2 the 2 cancels"
        _close(g, expected_grad, f"the gradient of params[{i}] (a {kind})", rtol=1e-6, hint=hint)


# --- task 2: dropout ---------------------------------------------------------------------------
def check_dropout(dropout_forward, dropout_backward, x, p: float, *, where: str,
                  seed: int = 0) -> None:
    """Fail unless inverted dropout is right for ``x`` (any shape, float32 or float64) and drop
    probability ``p``, in training and in evaluation, forward and backward. ``x`` must have no
    zero entries and enough of them for the drop rate to be measured (a few tens of thousands)."""
    x_before = np.array(x, copy=True)
    dtype, n = x.dtype, x.size
    out, cache = dropout_forward(x, p, training=True, rng=np.random.default_rng(seed))
    _unchanged(x_before, x, f"x ({where})")
    _is_array(out, f"dropout_forward's output ({where}, training)", x.shape, dtype)
    dropped = out == 0
    rate = float(dropped.mean())
    tolerance = 6 * math.sqrt(p * (1 - p) / n) + 1e-12
    if abs(rate - p) > tolerance:
        hint = ""
        if abs(rate - (1 - p)) <= tolerance:
            hint = (": that is 1 - p. p is the probability of DROPPING a unit; keep a unit when "
                    "rng.random(...) >= p")
        raise AssertionError(f"dropout_forward with p = {p} dropped {rate:.4f} of the units "
                             f"({where}); expected about {p} (within {tolerance:.4f}){hint}")
    kept = ~dropped
    scale = out[kept] / x[kept]
    expected_scale = 1 / (1 - p)
    if kept.any() and not np.allclose(scale, expected_scale, rtol=1e-5 if dtype == np.float32
                                      else 1e-12):
        observed = float(np.median(scale))
        hint = ""
        if math.isclose(observed, 1.0, rel_tol=1e-5):
            hint = (": the kept units are not rescaled. Inverted dropout divides them by 1 - p, "
                    "so that the expected output equals the input and evaluation needs no "
                    "rescaling")
        elif p > 0 and math.isclose(observed, 1 / p, rel_tol=1e-5):
            hint = ": that is 1 / p; divide by 1 - p, the probability of keeping a unit"
        raise AssertionError(f"dropout_forward multiplied the kept units by {observed:.6g} "
                             f"({where}); expected 1 / (1 - p) = {expected_scale:.6g}{hint}")
    again, _ = dropout_forward(x, p, training=True, rng=np.random.default_rng(seed))
    if not np.array_equal(again, out):
        raise AssertionError("dropout_forward gave different masks for the same seed, "
                             "rng=np.random.default_rng(...): draw the mask from the rng argument "
                             "(rng.random(x.shape)), never from np.random")
    if 0 < p:
        other, _ = dropout_forward(x, p, training=True, rng=np.random.default_rng(seed + 1))
        if np.array_equal(other, out):
            raise AssertionError("dropout_forward gave the same mask for two different seeds: "
                                 "draw the mask from the rng argument")
    dout = np.random.default_rng(seed + 2).normal(size=x.shape).astype(dtype)
    dout_before = dout.copy()
    dx = dropout_backward(dout, cache)
    _unchanged(dout_before, dout, f"dout ({where})")
    _is_array(dx, f"dropout_backward's dx ({where})", x.shape, dtype)
    expected_dx = np.where(dropped, 0.0, dout.astype(np.float64) * expected_scale)
    leaked = int(np.sum(dx[dropped] != 0))
    if leaked:
        raise AssertionError(f"dropout_backward let gradient through {leaked} of the "
                             f"{int(dropped.sum())} dropped units ({where}): a dropped unit did "
                             "not reach the output, so its gradient is 0. Multiply dout by the "
                             "same mask as the forward pass (keep it in the cache)")
    _close(dx, expected_dx, f"dropout_backward's dx ({where})",
           rtol=1e-5 if dtype == np.float32 else 1e-12,
           hint="the kept units pass dout scaled by the same 1 / (1 - p) as the forward pass")
    rng = np.random.default_rng(seed + 3)
    out_eval, cache_eval = dropout_forward(x, p, training=False, rng=rng)
    if not (isinstance(out_eval, np.ndarray) and out_eval.shape == x.shape
            and np.array_equal(out_eval, x)):
        changed = (int(np.sum(np.asarray(out_eval) != x)) if np.shape(out_eval) == x.shape
                   else "shape")
        raise AssertionError(f"dropout_forward with training=False changed {changed} values "
                             f"({where}); in evaluation inverted dropout is the identity: return "
                             "x unchanged, nothing dropped and nothing rescaled")
    dx_eval = dropout_backward(dout, cache_eval)
    if not (isinstance(dx_eval, np.ndarray) and np.array_equal(dx_eval, dout)):
        raise AssertionError(f"dropout_backward after an evaluation forward did not return dout "
                             f"unchanged ({where}); the identity's gradient is dout")
    if np.asarray(dx_eval).dtype != dtype:
        raise AssertionError(f"dropout_backward after an evaluation forward returned dtype "
                             f"{np.asarray(dx_eval).dtype}; expected {np.dtype(dtype)}")


# --- tasks 3 and 4: batch norm ----------------------------------------------------------------
def check_batch_norm_forward(batch_norm_forward, x, gamma, beta, running_mean, running_var, *,
                             training: bool, where: str, **options) -> None:
    """Fail unless ``batch_norm_forward`` gives the reference's output, cache and running
    statistics (updated in place in training, unchanged in evaluation). ``options``:
    ``momentum``, ``eps``."""
    dtype = x.dtype
    x_before = x.copy()
    mean_before, var_before = running_mean.copy(), running_var.copy()
    expected_mean, expected_var = running_mean.copy(), running_var.copy()
    expected_out, expected_cache = _batch_norm_forward(x, gamma, beta, expected_mean,
                                                       expected_var, training=training, **options)
    mode = "training" if training else "evaluation"
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    result = batch_norm_forward(x, gamma, beta, running_mean, running_var, training=training,
                                **options)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise AssertionError("batch_norm_forward must return a pair (out, cache)")
    out, cache = result
    _unchanged(x_before, x, f"x ({where})")
    _is_array(out, f"the output ({where}, {mode})", x.shape, dtype)
    eps = options.get("eps", 1e-5)
    mean, var = (x.mean(axis=0), x.var(axis=0)) if training else (mean_before, var_before)
    candidates = [  # (what a common mistake computes, why it is wrong)
        (gamma * (x - mean) / (np.sqrt(var) + eps) + beta,
         "eps goes under the square root: (x - mean) / sqrt(var + eps)"),
        (gamma * (x - mean) / np.sqrt(var) + beta, "eps is missing: (x - mean) / sqrt(var + eps)"),
    ]
    if training:
        candidates.append((gamma * (x - mean) / np.sqrt(x.var(axis=0, ddof=1) + eps) + beta,
                           "normalize with the biased batch variance (np.var's default, "
                           "ddof=0); the unbiased one belongs in the running estimate only"))
    else:
        candidates.append((gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta,
                           "in evaluation use the running statistics, not the statistics of the "
                           "batch: a prediction must not depend on the other examples of its "
                           "batch"))
    hint = next((why for wrong, why in candidates if np.shape(out) == wrong.shape
                 and np.allclose(out, wrong, rtol=rtol)),
                "out = gamma * (x - mean) / sqrt(var + eps) + beta, per feature (column), with "
                + ("the mean and biased variance of the batch over axis=0" if training else
                   "the running statistics"))
    _close(out, expected_out, f"the output ({where}, {mode})", rtol=rtol, hint=hint)
    if not (isinstance(cache, tuple) and len(cache) == 4):
        raise AssertionError("the cache must be the tuple (x_hat, inv_std, gamma, training)")
    _close(cache[0], expected_cache[0], f"cache[0], x_hat ({where}, {mode})", rtol=rtol)
    _close(cache[1], expected_cache[1], f"cache[1], inv_std = 1 / sqrt(var + eps) "
           f"({where}, {mode})", rtol=rtol)
    _close(cache[2], gamma, f"cache[2], gamma ({where})", rtol=0)
    if bool(cache[3]) is not training:
        raise AssertionError(f"cache[3] must be the training flag ({training})")
    if training:
        for name, got, expected, before in [("running_mean", running_mean, expected_mean,
                                             mean_before),
                                            ("running_var", running_var, expected_var,
                                             var_before)]:
            if np.array_equal(got, before) and not np.array_equal(expected, before):
                raise AssertionError(
                    f"{name} was not updated ({where}): update the caller's array in place, "
                    f"{name}[...] = ..., since assigning to the name {name} inside the function "
                    "leaves the caller's array unchanged")
            hint = "r <- (1 - momentum) * r + momentum * (statistic of the batch)"
            n = len(x)
            biased = ((1 - options.get("momentum", 0.1)) * before
                      + options.get("momentum", 0.1) * x.var(axis=0))
            if name == "running_var" and np.allclose(got, biased, rtol=rtol):
                hint = (f"it used the biased batch variance; the running estimate takes the "
                        f"unbiased one, var * N / (N - 1) (here N = {n})")
            _close(got, expected, f"{name} after a training step ({where})", rtol=rtol, hint=hint)
    else:
        why = "in evaluation the running statistics are used, not updated"
        _unchanged(mean_before, running_mean, f"running_mean in evaluation ({where})", why)
        _unchanged(var_before, running_var, f"running_var in evaluation ({where})", why)


def check_batch_norm_backward(batch_norm_backward, x, gamma, beta, *, training: bool, where: str,
                              seed: int = 0) -> None:
    """Fail unless ``batch_norm_backward`` returns the reference's (dx, dgamma, dbeta) for a
    cache made by the reference forward on ``x`` (running statistics drawn from ``seed``)."""
    dtype = x.dtype
    rng = np.random.default_rng(seed)
    running_mean = rng.normal(size=x.shape[1]).astype(dtype)
    running_var = rng.uniform(0.5, 2.0, size=x.shape[1]).astype(dtype)
    _, cache = _batch_norm_forward(x, gamma, beta, running_mean, running_var, training=training)
    dout = rng.normal(size=x.shape).astype(dtype)
    dout_before = dout.copy()
    result = batch_norm_backward(dout, cache)
    mode = "training" if training else "evaluation"
    if not (isinstance(result, tuple) and len(result) == 3):
        raise AssertionError("batch_norm_backward must return a tuple (dx, dgamma, dbeta)")
    _unchanged(dout_before, dout, f"dout ({where})")
    dx, dgamma, dbeta = result
    expected = batch_norm.batch_norm_backward(dout, cache)
    rtol = 1e-4 if dtype == np.float32 else 1e-9
    for name, got, shape in [("dgamma", dgamma, gamma.shape), ("dbeta", dbeta, gamma.shape),
                             ("dx", dx, x.shape)]:
        _is_array(got, f"{name} ({where}, {mode})", shape, dtype)
    hint = ""
    if np.allclose(dgamma, expected[2], rtol=rtol) and np.allclose(dbeta, expected[1], rtol=rtol):
        hint = "dgamma and dbeta are swapped: dgamma = sum(dout * x_hat), dbeta = sum(dout)"
    _close(dgamma, expected[1], f"dgamma ({where}, {mode})", rtol=rtol, hint=hint)
    _close(dbeta, expected[2], f"dbeta ({where}, {mode})", rtol=rtol, hint=hint)
    inv_std = cache[1]
    if training and np.allclose(dx, dout * gamma * inv_std, rtol=rtol):
        hint = ("that is the gradient with the batch mean and variance held constant; in "
                "training they depend on every x_n: subtract the batch means of dx_hat and of "
                "dx_hat * x_hat (times x_hat)")
    elif not training and not np.allclose(dx, dout * gamma * inv_std, rtol=rtol):
        hint = ("in evaluation the statistics are constants (the running ones): dx = gamma * "
                "dout * inv_std")
    else:
        hint = ("in training dx = inv_std * (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * "
                "x_hat)), with dx_hat = gamma * dout and means over the batch (axis=0)")
    _close(dx, expected[0], f"dx ({where}, {mode})", rtol=rtol, hint=hint)


# --- task 5: early stopping --------------------------------------------------------------------
def check_early_stopping(stopper, step, restore, model, losses, patience: int, *,
                         where: str) -> None:
    """Run a scripted training: after each epoch the model's arrays change in place (as an
    optimizer changes them) and ``step(stopper, loss, model)`` is called with the next of
    ``losses``, until it returns True; then ``restore(stopper, model)``. Fail unless every
    returned value, the epoch where training stops, the best epoch and the restored weights
    (buffers included) are the reference's."""
    reference = _EarlyStopping(patience)
    state = model.state_dict()
    snapshots = []
    stopped = None
    for epoch, loss in enumerate(losses):
        for k, array in enumerate(state.values()):   # "training": change every array in place
            array += np.asarray(0.5 * (epoch + 1) * (k + 1), dtype=array.dtype)
        snapshots.append({name: array.copy() for name, array in state.items()})
        expected = reference.step(loss, model)
        got = step(stopper, loss, model)
        if not isinstance(got, (bool, np.bool_)):
            raise AssertionError(f"step returned {type(got).__name__} after epoch {epoch} "
                                 f"({where}); it must return True (stop) or False (go on)")
        if bool(got) != expected:
            seen = ", ".join(f"{v:g}" for v in losses[:epoch + 1])
            if expected:
                why = (f"the validation loss has not improved for {patience} epochs in a row "
                       f"(patience={patience}), so training stops now")
            else:
                why = ("training goes on: " + ("this epoch improved on the best loss"
                                               if reference.bad_epochs == 0 else
                                               f"only {reference.bad_epochs} epochs in a row "
                                               "without improvement so far (an epoch improves "
                                               "only when its loss is strictly lower than the "
                                               "best one)"))
            raise AssertionError(f"step returned {bool(got)} after epoch {epoch} for the "
                                 f"validation losses {seen} ({where}, patience={patience}); "
                                 f"expected {expected}: {why}")
        if expected:
            stopped = epoch
            break
    if stopped is None:
        raise AssertionError("the scripted losses never stop training: the test itself is wrong")
    if stopper.best_epoch != reference.best_epoch:
        raise AssertionError(f"best_epoch is {stopper.best_epoch!r}; expected "
                             f"{reference.best_epoch} (epochs are counted from 0, the first call "
                             f"of step being epoch 0) ({where})")
    best = snapshots[reference.best_epoch]
    last = snapshots[stopped]
    parameters = {name for name, _ in model.named_parameters()}
    restore(stopper, model)
    restored = model.state_dict()
    for name, array in restored.items():
        if np.array_equal(array, best[name]):
            continue
        if np.array_equal(array, last[name]):
            saved = getattr(stopper, "best_weights", None)
            saved = saved if isinstance(saved, dict) else {}
            kept = saved.get(name)
            if any(isinstance(value, np.ndarray) and np.shares_memory(value, array)
                   for value in saved.values()):
                cause = ("best_weights holds the model's own arrays: model.state_dict() returns "
                         "the live arrays, which training keeps changing in place, so keep "
                         "copies of them ({name: a.copy() for name, a in "
                         "model.state_dict().items()}), not the dictionary or its arrays")
            elif isinstance(kept, np.ndarray) and np.array_equal(kept, best[name]):
                cause = ("best_weights holds the right values, but restore did not load them "
                         "into the model (with the model's load_state_dict method)")
            elif name not in parameters:
                cause = (f"'{name}' is a buffer (a running statistic of batch norm), which "
                         "state_dict() holds along with the parameters: copy every entry of "
                         "model.state_dict() and load them all back")
            else:
                cause = ("keep a copy of the weights of each improving epoch only, and load it "
                         "with model.load_state_dict(...) in restore")
            raise AssertionError(
                f"after restore, '{name}' holds the values of the last epoch ({stopped}), not "
                f"those of the best epoch ({reference.best_epoch}) ({where}): {cause}")
        raise AssertionError(f"after restore, '{name}' is not the array of the best epoch "
                             f"({reference.best_epoch}) ({where}); restore every entry of "
                             "state_dict(), buffers included, with model.load_state_dict(...)")
