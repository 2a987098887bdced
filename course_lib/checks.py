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
- A check that only makes sense inside one subject (the labels a metric
  accepts, the file names of Fashion-MNIST, the shape of an XOR input) stays
  in that subject's module, and follows the same policy.

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
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

__all__ = [
    "boolean",
    "choice",
    "class_indices",
    "data_pair",
    "dout_shape",
    "float_array",
    "float_dtype",
    "forward_ran",
    "function",
    "instance",
    "integer",
    "integers",
    "interval",
    "number",
    "path",
    "probability_targets",
    "real_array",
    "rng",
    "same_shape",
    "samples",
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
def integer(value, name: str, where: str, *, minimum: int | None = None,
            maximum: int | None = None) -> int:
    """``value`` as an int (bools refused); ValueError if it is outside [minimum, maximum].

    Example:
        >>> integer(3, "epochs", "fit", minimum=1)
        3
        >>> integer(2.0, "epochs", "fit")
        Traceback (most recent call last):
        TypeError: fit: epochs must be an integer, got 2.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: {name} must be an integer, got {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if maximum is None:
            allowed = f">= {minimum}"
        elif minimum is None:
            allowed = f"<= {maximum}"
        else:
            allowed = f"between {minimum} and {maximum}"
        raise ValueError(f"{where}: {name} must be an integer {allowed}, got {value!r}")
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
        >>> number(-1, "noise", "make_moons", low=0)
        Traceback (most recent call last):
        ValueError: make_moons: noise must be a finite number >= 0, got -1.0
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
        if low is not None and high is not None:
            left, right = "[" if low_inclusive else "(", "]" if high_inclusive else ")"
            allowed = f" in {left}{low:g}, {high:g}{right}"
        elif low is not None:
            allowed = f" {'>=' if low_inclusive else '>'} {low:g}"
        elif high is not None:
            allowed = f" {'<=' if high_inclusive else '<'} {high:g}"
        else:
            allowed = ""
        raise ValueError(f"{where}: {name} must be a finite number{allowed}, got {value!r}")
    return value


def interval(value, name: str, where: str, *, low=None, high=None) -> tuple[float, float]:
    """``value`` as a pair of finite floats ``(a, b)`` with ``a < b``, inside [low, high] if given.

    TypeError for anything but a pair of numbers, ValueError for an empty or
    reversed interval or one that leaves [low, high].

    Example:
        >>> interval((-5, 5), "x_range", "activation_curve")
        (-5.0, 5.0)
        >>> interval((2, 1), "x_range", "activation_curve")
        Traceback (most recent call last):
        ValueError: activation_curve: x_range must be (low, high) with low < high, got (2, 1)
    """
    pair = tuple(value) if isinstance(value, (tuple, list, np.ndarray)) else ()
    if len(pair) != 2 or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                                 for v in pair):
        raise TypeError(f"{where}: {name} must be a pair of numbers (low, high), got {value!r}")
    a, b = float(pair[0]), float(pair[1])
    inside = (low is None or a >= low) and (high is None or b <= high)
    if not (math.isfinite(a) and math.isfinite(b) and a < b and inside):
        limits = "" if low is None and high is None else f" inside [{low}, {high}]"
        raise ValueError(
            f"{where}: {name} must be (low, high) with low < high{limits}, got {value!r}"
        )
    return a, b


def boolean(value, name: str, where: str) -> bool:
    """``value`` if it is True or False; TypeError otherwise (1, "yes" and None are refused).

    Example:
        >>> boolean(True, "shuffle", "minibatches")
        True
        >>> boolean("yes", "shuffle", "minibatches")
        Traceback (most recent call last):
        TypeError: minibatches: shuffle must be True or False, got 'yes'
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{where}: {name} must be True or False, got {value!r}")
    return bool(value)


def function(value, name: str, where: str):
    """``value`` if it can be called; TypeError otherwise.

    Example:
        >>> function(len, "metric", "fit") is len
        True
        >>> function(3, "loss_fn", "evaluate")
        Traceback (most recent call last):
        TypeError: evaluate: loss_fn must be callable (a function or a module), got 3
    """
    if not callable(value):
        raise TypeError(
            f"{where}: {name} must be callable (a function or a module), got {value!r}"
        )
    return value


def instance(value, types, name: str, where: str, *, hint: str = ""):
    """``value`` if it is an instance of ``types`` (a class or a tuple of classes), else TypeError.

    ``hint`` is added to the message, e.g. where such an object comes from.

    Example:
        >>> instance([1, 2], list, "params", "L2Penalty.backward")
        [1, 2]
        >>> instance(3, (list, tuple), "params", "f", hint="Pass model.parameters().")
        Traceback (most recent call last):
        TypeError: f: params must be a list or tuple, got int. Pass model.parameters().
    """
    if not isinstance(value, types):
        wanted = types if isinstance(types, tuple) else (types,)
        names = " or ".join(t.__name__ for t in wanted)
        article = "an" if names[0] in "aeiouAEIOU" else "a"
        message = f"{where}: {name} must be {article} {names}, got {type(value).__name__}."
        raise TypeError(f"{message} {hint}" if hint else message)
    return value


def path(value, name: str, where: str) -> Path:
    """``value`` (a str or ``pathlib.Path``) as a Path with ``~`` expanded.

    TypeError for anything else, ValueError for the empty string.

    Example:
        >>> path("data", "root", "load_fashion_mnist")
        PosixPath('data')
    """
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{where}: {name} must be a folder path (str or Path), got {value!r}")
    if str(value) == "":
        raise ValueError(f"{where}: {name} must be a folder path, got the empty string")
    return Path(value).expanduser()


def _kind(value) -> type:
    """What a choice is compared by: bool, any real number, str, or the exact type."""
    if isinstance(value, (bool, np.bool_)):
        return bool
    if isinstance(value, numbers.Real):
        return numbers.Real
    if isinstance(value, str):
        return str
    return type(value)


def _same_choice(value, choice_) -> bool:
    try:
        return _kind(value) is _kind(choice_) and bool(value == choice_)
    except (TypeError, ValueError):  # an array, or a value that cannot be compared
        return False


def choice(value, choices: Iterable, name: str, where: str):
    """``value`` if it is one of ``choices``.

    ValueError listing the choices for a value of the right kind (a string
    that is not one of the strings); TypeError for a value of another kind (a
    number where strings are expected; 1 is not True).

    Example:
        >>> choice("mean", ("mean", "sum", "none"), "reduction", "MSELoss")
        'mean'
        >>> choice("avg", ("mean", "sum", "none"), "reduction", "MSELoss")
        Traceback (most recent call last):
        ValueError: MSELoss: reduction must be one of 'mean', 'sum', 'none', got 'avg'
        >>> choice(1, ("mean", "sum", "none"), "reduction", "MSELoss")
        Traceback (most recent call last):
        TypeError: MSELoss: reduction must be one of 'mean', 'sum', 'none', got 1 (int)
    """
    choices = tuple(choices)
    if not any(_same_choice(value, c) for c in choices):
        listed = ", ".join(map(repr, choices))
        message = f"{where}: {name} must be one of {listed}, got {value!r}"
        kind = _kind(value)
        if not any(kind is _kind(c) for c in choices):
            raise TypeError(f"{message} ({type(value).__name__})")
        raise ValueError(message)
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


def real_array(x, name: str, where: str) -> np.ndarray:
    """``x`` as an array of real numbers (bool, int or float); TypeError for strings,
    objects or complex numbers.

    Example:
        >>> real_array([1, 2.5], "y_true", "mean_squared_error")
        array([1. , 2.5])
        >>> real_array(["a", "b"], "y_true", "mean_squared_error")
        Traceback (most recent call last):
        TypeError: mean_squared_error: y_true must hold numbers, got dtype <U1
    """
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{where}: {name} must hold numbers, got dtype {x.dtype}")
    return x


def integers(values, name: str, where: str, *, minimum: int | None = None) -> np.ndarray:
    """A non-empty sequence of integers (a list, a range, a 1-D array) as an int64 array.

    TypeError for a single number or non-integers, ValueError for an empty
    sequence or a value below ``minimum``.

    Example:
        >>> integers(range(3), "seeds", "train_xor_networks")
        array([0, 1, 2])
        >>> integers(5, "seeds", "train_xor_networks")
        Traceback (most recent call last):
        TypeError: train_xor_networks: seeds must be a sequence of integers, got the single ...
    """
    if isinstance(values, numbers.Integral) and not isinstance(values, bool):
        raise TypeError(
            f"{where}: {name} must be a sequence of integers, got the single integer "
            f"{values}. Use [{values}] for one value or range({values}) for {values} values."
        )
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{where}: {name} must be a sequence of integers, got {values!r}")
    array = np.asarray(list(values))
    if array.size == 0:
        raise ValueError(f"{where}: {name} must hold at least one integer, got an empty sequence")
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise TypeError(f"{where}: {name} must be a flat sequence of integers, got {values!r}")
    if minimum is not None and array.min() < minimum:
        raise ValueError(
            f"{where}: every value of {name} must be >= {minimum}, got {array.min()}"
        )
    return array.astype(np.int64)


def samples(X, y, where: str) -> tuple[np.ndarray, np.ndarray]:
    """``X`` and ``y`` as arrays with one row per sample and the same number of rows.

    TypeError if either is a single number, ValueError if their numbers of
    samples differ.

    Example:
        >>> X, y = samples([[0, 1], [1, 0]], [1, 1], "minibatches")
        >>> X.shape, y.shape
        ((2, 2), (2,))
        >>> samples(np.zeros((10, 2)), np.zeros(9), "fit: train_data")
        Traceback (most recent call last):
        ValueError: fit: train_data: X has 10 samples but y has 9; they must match (X (10, 2), ...
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise TypeError(
            f"{where}: X and y must be arrays with one row per sample, got X of shape "
            f"{X.shape} and y of shape {y.shape}"
        )
    if len(X) != len(y):
        raise ValueError(
            f"{where}: X has {len(X)} samples but y has {len(y)}; they must match "
            f"(X {X.shape}, y {y.shape}). Did you pass the training labels with "
            "validation inputs, or split X and y differently?"
        )
    return X, y


def data_pair(data, name: str, where: str) -> tuple[np.ndarray, np.ndarray]:
    """A non-empty tuple ``(X, y)`` of arrays with as many rows each (see :func:`samples`).

    Example:
        >>> X, y = data_pair((np.zeros((4, 2)), np.zeros(4)), "train_data", "fit")
        >>> data_pair(np.zeros((4, 2)), "train_data", "fit")
        Traceback (most recent call last):
        TypeError: fit: train_data must be a tuple (X, y) of arrays, got ndarray
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(
            f"{where}: {name} must be a tuple (X, y) of arrays, got {type(data).__name__}"
        )
    X, y = samples(data[0], data[1], f"{where}: {name}")
    if len(X) == 0:
        raise ValueError(f"{where}: {name} is empty (0 samples)")
    return X, y


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

    Example:
        >>> pred, target = same_shape(np.zeros((3, 1)), [[1], [0], [1]], "MSELoss")
        >>> target.dtype
        dtype('float64')
        >>> same_shape(np.zeros((3, 1)), np.zeros(3), "MSELoss")
        Traceback (most recent call last):
        ValueError: MSELoss: prediction has shape (3, 1) but target has shape (3,). ...
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
    """Like :func:`same_shape`, and every target value must lie in [0, 1].

    Example:
        >>> probability_targets(np.zeros(2), [1, -1], "BCEWithLogitsLoss")
        Traceback (most recent call last):
        ValueError: BCEWithLogitsLoss: target values must be probabilities or 0/1 labels ...
    """
    pred, target = same_shape(pred, target, where)
    if target.size and not (target.min() >= 0 and target.max() <= 1):
        bad = target.min() if not target.min() >= 0 else target.max()
        raise ValueError(
            f"{where}: target values must be probabilities or 0/1 labels in [0, 1], "
            f"found {bad!r}. With labels in {{-1, 1}} use (y + 1) / 2."
        )
    return pred, target


def class_indices(logits, target, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Logits (N, C) and integer class indices (N,) with values in 0..C-1.

    Example:
        >>> logits, target = class_indices(np.zeros((2, 3)), [2, 0], "CrossEntropyLoss")
        >>> class_indices(np.zeros((2, 3)), [2, 3], "CrossEntropyLoss")
        Traceback (most recent call last):
        ValueError: CrossEntropyLoss: target contains class index 3, but the logits have 3 ...
    """
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
    """RuntimeError unless a forward pass ran before this backward pass.

    Example:
        >>> forward_ran(False, "ReLU()")
        Traceback (most recent call last):
        RuntimeError: ReLU(): backward() was called before forward(). ...
    """
    if not ran:
        raise RuntimeError(
            f"{where}: backward() was called before forward(). Run the forward pass "
            f"first (out = model(x), or loss = loss_fn(pred, y) for a loss), then backward."
        )


def dout_shape(dout, expected: tuple[int, ...], where: str) -> np.ndarray:
    """``dout`` as an array of shape ``expected`` (the shape of the last output).

    Example:
        >>> dout_shape(np.ones((2, 3)), (2, 3), "Linear").shape
        (2, 3)
    """
    dout = np.asarray(dout)
    if dout.shape != tuple(expected):
        raise ValueError(
            f"{where}: backward() got dout of shape {dout.shape}, but the last output had "
            f"shape {tuple(expected)}; dout must have the shape of the output"
        )
    return dout
