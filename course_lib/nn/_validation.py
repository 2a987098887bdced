"""Argument checks shared by the layers, losses and initializers.

Every message says what was received, where, and what to do instead.
"""

from __future__ import annotations

import numbers

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def as_rng(rng) -> np.random.Generator:
    """``None`` -> a fresh unseeded generator, an int -> ``np.random.default_rng(seed)``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be a np.random.Generator, an int seed or None, got {rng!r} "
        f"(e.g. rng=np.random.default_rng(0))"
    )


def check_positive_int(value, name: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{where}: {name} must be a positive integer, got {value!r}")
    return int(value)


def check_number(value, name: str, where: str, *, low=None, high=None,
                 low_inclusive=True, high_inclusive=True) -> float:
    """A real number inside [low, high] (ends open or closed); ValueError naming it otherwise."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    if ok and low is not None:
        ok = value >= low if low_inclusive else value > low
    if ok and high is not None:
        ok = value <= high if high_inclusive else value < high
    if not ok:
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        low_text = "-inf" if low is None else low
        high_text = "inf" if high is None else high
        interval = f"{left}{low_text}, {high_text}{right}"
        raise ValueError(f"{where}: {name} must be a number in {interval}, got {value!r}")
    return float(value)


def check_dropout_probability(p, where: str) -> float:
    """p is the probability of dropping a unit: 0 <= p < 1."""
    return check_number(p, "p (the probability of dropping a unit)", where,
                        low=0.0, high=1.0, high_inclusive=False)


def check_reduction(reduction, where: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"{where}: reduction must be one of {', '.join(map(repr, REDUCTIONS))}, "
            f"got {reduction!r}"
        )
    return reduction


def check_float_dtype(dtype, where: str) -> np.dtype:
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"{where}: dtype must be a floating point type, got {dtype}")
    return dtype


def float_input(x, module, dtype=None) -> np.ndarray:
    """``x`` as a floating array, converted to ``dtype`` if given.

    Integer and boolean inputs are refused rather than converted: uint8 images
    would otherwise enter the network with values 0..255. ``module`` (the layer)
    is only turned into text for the error message.
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        raise TypeError(
            f"{module!r} got an input of dtype {x.dtype}; layers compute in floating point. "
            f"Convert it first, e.g. x.astype(np.float32) (and divide uint8 images by 255: "
            f"x.astype(np.float32) / 255)."
        )
    if dtype is not None and x.dtype != dtype:
        x = x.astype(dtype)
    return x


def _prediction(pred, where: str) -> np.ndarray:
    pred = np.asarray(pred)
    if pred.dtype.kind != "f":
        raise TypeError(
            f"{where}: the prediction must be a floating point array (the output of the "
            f"network), got dtype {pred.dtype}"
        )
    return pred


def _numeric_target(target, where: str) -> np.ndarray:
    target = np.asarray(target)
    if target.dtype.kind not in "biuf":
        raise TypeError(f"{where}: the target must be a numeric array, got dtype {target.dtype}")
    return target


def regression_target(pred, target, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Prediction and target of the same shape; the target converted to the prediction's dtype.

    Shapes (N, 1) and (N,) are refused: broadcasting would silently compare
    every prediction with every target and return a wrong loss.
    """
    pred = _prediction(pred, where)
    target = _numeric_target(target, where)
    if pred.shape != target.shape:
        if pred.shape == target.shape + (1,) or target.shape == pred.shape + (1,):
            raise ValueError(
                f"{where}: prediction has shape {pred.shape} but target has shape "
                f"{target.shape}. They must have the same shape: broadcasting them would "
                f"compare every prediction with every target (an ({len(pred)}, {len(pred)}) "
                f"array) and silently give a wrong loss. Make them match, e.g. "
                f"y.reshape(-1, 1) for a target of shape (N,), or pred[:, 0] for a "
                f"prediction of shape (N, 1)."
            )
        raise ValueError(
            f"{where}: prediction has shape {pred.shape} but target has shape "
            f"{target.shape}; they must have the same shape"
        )
    return pred, target.astype(pred.dtype, copy=False)


def binary_target(logits, target, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Like ``regression_target``, and every target value must lie in [0, 1]."""
    logits, target = regression_target(logits, target, where)
    if target.size and (target.min() < 0 or target.max() > 1):
        bad = target.min() if target.min() < 0 else target.max()
        raise ValueError(
            f"{where}: target values must be probabilities or 0/1 labels in [0, 1], "
            f"found {bad!r}. With labels in {{-1, 1}} use (y + 1) / 2."
        )
    return logits, target


def class_index_target(logits, target, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Logits (N, C) and integer class indices (N,) with values in 0..C-1."""
    logits = _prediction(logits, where)
    if logits.ndim != 2:
        hint = (" For a single sample add a batch dimension: logits[None]."
                if logits.ndim == 1 else "")
        raise ValueError(
            f"{where} expects logits of shape (N, C) (one row of class scores per sample), "
            f"got shape {logits.shape}.{hint}"
        )
    n, c = logits.shape
    target = np.asarray(target)
    if target.ndim == 2 and target.shape == (n, c) and c > 1:
        raise ValueError(
            f"{where} expects class indices of shape ({n},), got an array of shape "
            f"{target.shape}, which looks one-hot encoded (or class probabilities). "
            f"Pass the class indices instead: y.argmax(axis=1)."
        )
    if target.shape != (n,):
        hint = " Flatten it: y.reshape(-1)." if target.size == n else ""
        raise ValueError(
            f"{where} expects class indices of shape ({n},) for logits of shape {logits.shape}, "
            f"got target of shape {target.shape}.{hint}"
        )
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"{where} expects integer class indices, got dtype {target.dtype}. "
            f"Convert them: y.astype(np.int64)."
        )
    if n and (target.min() < 0 or target.max() >= c):
        bad = target.min() if target.min() < 0 else target.max()
        raise ValueError(
            f"{where}: target contains class index {bad}, but the logits have {c} classes "
            f"(valid indices 0..{c - 1}). Check the number of output units of the last layer."
        )
    return logits, target


class _ForwardNotRun:
    """Marks a module whose forward has not run yet (its cache is empty)."""

    def __repr__(self) -> str:
        return "<forward not run>"


FORWARD_NOT_RUN = _ForwardNotRun()


def require_cache(module, cache):
    """The cache of ``module``'s last forward; RuntimeError if there was none."""
    if cache is FORWARD_NOT_RUN:
        raise RuntimeError(
            f"{module!r}: backward() was called before forward(). Run the forward pass "
            f"first (out = model(x), or loss = loss_fn(pred, y) for a loss), then backward."
        )
    return cache


def check_dout_shape(module, dout: np.ndarray, expected: tuple[int, ...]) -> None:
    if dout.shape != expected:
        raise ValueError(
            f"{module!r}: backward() got dout of shape {dout.shape}, but this layer's last "
            f"output had shape {expected}; dout must have the shape of the output"
        )
