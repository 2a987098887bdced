"""Argument checks of the whole package: one module, one policy.

Every public function and class of course_lib checks its arguments once, where
they enter: a module's or an optimizer's constructor and call, a data
function, or a functional entry point (``course_lib.nn.functional``) called on
its own. The code behind that boundary (the formulas a notebook prints) checks
nothing again.

The policy:

- **TypeError** for a value of the wrong *type*: a string where a number is
  expected, an integer array where a layer computes in floating point, a
  ``np.random.RandomState`` where a ``Generator`` is expected.
- **ValueError** for a value of the right type that is not allowed: a negative
  learning rate, a probability of 1.5, arrays whose shapes do not match.
- Every message says where (the function or class), which argument, what was
  received, and what to do instead. ``where``, the first words of a message,
  is a string (the caller's name) or the object itself (a layer, whose
  ``repr`` is only built when a message is).

Randomness: every random function and class takes ``rng``, either a
``numpy.random.Generator`` (used as it is, so one generator can drive a whole
experiment) or an int seed (``np.random.default_rng(seed)``). ``None`` means
fresh, unpredictable randomness (``np.random.default_rng()``), as in NumPy and
scikit-learn: two runs then differ. Functions whose results a chapter measures
(the data sets, the splits) have no default for ``rng``, so the seed is always
written down. Global random state is never used.

Taught in no notebook: this module is the plumbing that keeps the formulas
the notebooks print free of checks.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

__all__ = [
    "choice",
    "class_indices",
    "dout_shape",
    "float_array",
    "float_dtype",
    "forward_ran",
    "integer",
    "number",
    "probability_targets",
    "rng",
    "same_shape",
]


# ---- randomness -----------------------------------------------------------------------------
def rng(value, where: str, name: str = "rng") -> np.random.Generator:
    """``value`` as a ``numpy.random.Generator``, by the package's one rng policy.

    A Generator is returned as it is, an int seed >= 0 gives
    ``np.random.default_rng(seed)``, None gives ``np.random.default_rng()`` (fresh,
    unpredictable randomness). Anything else raises TypeError (the legacy
    ``np.random.RandomState``, a float, a bool), a negative seed ValueError.

    Example:
        >>> rng(0, "example").integers(10)
        np.int64(8)
    """
    if isinstance(value, np.random.Generator):
        return value
    if value is None:
        return np.random.default_rng()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{where}: {name} must be a seed >= 0, got {value}")
        return np.random.default_rng(int(value))
    raise TypeError(
        f"{where}: {name} must be a numpy.random.Generator or an int seed, got {value!r}; "
        f"pass for example {name}=0 or {name}=np.random.default_rng(0)"
    )


# ---- numbers and choices --------------------------------------------------------------------
def integer(value, name: str, where: str, *, minimum: int | None = None) -> int:
    """``value`` as an int (bools refused); ValueError if it is below ``minimum``.

    Example:
        >>> integer(3, "epochs", "fit", minimum=1)
        3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: {name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{where}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def number(value, name: str, where: str, *, low=None, high=None, low_inclusive: bool = True,
           high_inclusive: bool = True) -> float:
    """``value`` as a finite Python float inside [low, high] (either end may be open or absent).

    A Python float keeps float32 arrays float32 in arithmetic, which is why
    hyper-parameters are converted. TypeError for a non-number (bools refused),
    ValueError for NaN, infinity, or a value outside the interval.

    Example:
        >>> number(0.5, "p", "Dropout", low=0, high=1, high_inclusive=False)
        0.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a number, got {value!r}")
    value = float(value)
    ok = math.isfinite(value)
    if ok and low is not None:
        ok = value >= low if low_inclusive else value > low
    if ok and high is not None:
        ok = value <= high if high_inclusive else value < high
    if not ok:
        left = "[" if low_inclusive and low is not None else "("
        right = "]" if high_inclusive and high is not None else ")"
        low_text, high_text = "-inf" if low is None else low, "inf" if high is None else high
        interval = f"{left}{low_text}, {high_text}{right}"
        raise ValueError(f"{where}: {name} must be a finite number in {interval}, got {value!r}")
    return value


def choice(value, choices: Iterable, name: str, where: str):
    """``value`` if it is one of ``choices``; ValueError listing them otherwise.

    Example:
        >>> choice("mean", ("mean", "sum", "none"), "reduction", "MSELoss")
        'mean'
    """
    choices = tuple(choices)
    try:
        valid = value in choices
    except TypeError:  # an unhashable or incomparable value
        valid = False
    if not valid:
        listed = ", ".join(map(repr, choices))
        raise ValueError(f"{where}: {name} must be one of {listed}, got {value!r}")
    return value


def float_dtype(dtype, where: str) -> np.dtype:
    """A floating-point NumPy dtype (float32 or float64); TypeError if ``dtype`` is not a dtype
    at all, ValueError if it is not a floating one.

    Example:
        >>> float_dtype("float32", "Linear")
        dtype('float32')
    """
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{where}: dtype must be a NumPy dtype such as np.float32, "
                        f"got {dtype!r}") from None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"{where}: dtype must be np.float32 or np.float64, got {dtype}")
    return dtype


# ---- arrays ---------------------------------------------------------------------------------
def float_array(x, where: str, dtype=None) -> np.ndarray:
    """``x`` as a floating-point array, converted to ``dtype`` if given.

    Integer and boolean inputs are refused rather than converted: uint8 images
    would otherwise enter a network with values 0..255.

    Example:
        >>> float_array([1.0, 2.0], "ReLU()").dtype
        dtype('float64')
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        raise TypeError(
            f"{where} got an input of dtype {x.dtype}; layers compute in floating point. "
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


def same_shape(pred, target, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Prediction and target of the same shape, the target converted to the prediction's dtype.

    Shapes (N, 1) and (N,) are refused: broadcasting them would compare every
    prediction with every target, an (N, N) array, and silently give a wrong
    loss (PyTorch warns about it and goes on).
    """
    pred = _prediction(pred, where)
    target = np.asarray(target)
    if target.dtype.kind not in "biuf":
        raise TypeError(f"{where}: the target must be a numeric array, got dtype {target.dtype}")
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


def probability_targets(pred, target, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`same_shape`, and every target value must lie in [0, 1]."""
    pred, target = same_shape(pred, target, where)
    if target.size and not (target.min() >= 0 and target.max() <= 1):
        bad = target.min() if not target.min() >= 0 else target.max()
        raise ValueError(
            f"{where}: target values must be probabilities or 0/1 labels in [0, 1], "
            f"found {bad!r}. With labels in {{-1, 1}} use (y + 1) / 2."
        )
    return pred, target


def class_indices(logits, target, where: str) -> tuple[np.ndarray, np.ndarray]:
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


# ---- the backward pass ----------------------------------------------------------------------
def forward_ran(ran: bool, where) -> None:
    """RuntimeError unless a forward pass ran before this backward pass."""
    if not ran:
        raise RuntimeError(
            f"{where}: backward() was called before forward(). Run the forward pass "
            f"first (out = model(x), or loss = loss_fn(pred, y) for a loss), then backward."
        )


def dout_shape(dout, expected: tuple[int, ...], where: str) -> np.ndarray:
    """``dout`` as an array of shape ``expected`` (the shape of the last output)."""
    dout = np.asarray(dout)
    if dout.shape != tuple(expected):
        raise ValueError(
            f"{where}: backward() got dout of shape {dout.shape}, but the last output had "
            f"shape {tuple(expected)}; dout must have the shape of the output"
        )
    return dout
