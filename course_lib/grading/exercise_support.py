"""What the test cells of the exercises share: grading each task on its own, and only the
learner's own code, with messages that find the bug.

Several exercise functions call the functions of earlier tasks: exercise 01's
``train_xor`` calls ``forward``, which calls ``sigmoid``; exercise 02's
``mlp_forward`` calls ``linear_forward``, ``relu`` and ``softmax``. Called as
they are, a mistake in ``sigmoid`` would fail every later task too, and one
mistake would cost its points several times. So a test cell calls

    forward_alone = graded_alone(forward, xor_references)

and tests ``forward_alone``: the learner's own code, in which every call to an
*earlier* task's function named in ``xor_references`` reaches the course's
reference version instead of the learner's. Each task is then graded on its
own code only, and one mistake costs points once.

``graded_alone`` also refuses a graded function that gets its result from
course_lib (which holds the reference implementations) in any other way: by
importing ``course_lib.nn.functional``, calling ``xor_references.sigmoid``
directly, a layer class, ``importlib``, ``getattr``... While the graded
function runs, every Python function that starts is checked (``sys.settrace``
and ``threading.settrace``); code from course_lib's files may run only below
an injected reference (or what a test passes as ``allowed``). A refused call
fails the test with an AssertionError that names the course_lib function.

``xor_references``, ``forward_references`` and ``backprop_references`` hold the
course's version of every function that exercises 01, 02 and 03 ask for, in
task order, with the exercise's names and signatures (``backprop_references``
starts with the four forward functions exercise 03's setup cell gives); the
tests also use them for expected values (``xor_references.forward(X, W1, b1,
W2, b2)``).

For messages: ``show_pair`` prints a returned and an expected value with
enough digits to tell them apart, ``check_array`` checks the type, shape and
dtype of what a function returned, and ``step_report`` explains how a training
step or a set of gradients is off (a constant factor such as N, a transposed
gradient, a step uphill), parameter by parameter. All messages are built from
numbers, shapes and dtypes, never from ``repr`` of a learner's object.

Used by the test cells of solutions/01_xor.ipynb, 02_forward.ipynb and
03_backprop.ipynb (and so of exercises/); taught in no notebook. It runs in
the grading kernel, so it imports only NumPy and course_lib's NumPy engine.
"""

from __future__ import annotations

import inspect
import os
import sys
import threading
import types
from collections.abc import Callable, Iterable, Mapping

import numpy as np

import course_lib
from course_lib import gradcheck
from course_lib.nn import functional as F

__all__ = [
    "backprop_references",
    "check_array",
    "forward_references",
    "graded_alone",
    "show",
    "show_pair",
    "step_report",
    "xor_references",
]

_COURSE_LIB_FOLDERS = tuple(
    {
        os.path.dirname(course_lib.__file__) + os.sep,
        os.path.dirname(os.path.realpath(course_lib.__file__)) + os.sep,
    }
)

# The grading kernel's launcher wraps sys.stdout's write (it caps a cell's printed
# output): it runs whenever a graded function prints, and is the grader's own code,
# not a reference a learner could call.
_KERNEL_LAUNCHER = os.sep + os.path.join("grading", "kernel_launcher.py")


def graded_alone(
    function: Callable,
    references: Mapping[str, Callable] | types.SimpleNamespace,
    *,
    allowed: Iterable[object] = (),
):
    """``function`` as the learner wrote it, calling the references of earlier tasks.

    Returns a function that runs ``function``'s code (same name, defaults and
    closure) in which every global name of an earlier task resolves to the
    reference version: the names of ``references`` that come *before*
    ``function.__name__`` (all of them if it is not among them). The learner's
    other functions that it calls (helpers) get the same references. Every
    other global name (NumPy, the notebook's variables) resolves as before, to
    the notebook's value at the time of the call to ``graded_alone``. Neither
    ``function`` nor the notebook's globals change. This is how a task is
    graded on its own: an earlier task's mistake never fails it (see the
    module docstring), and a later task's reference cannot stand in for it.

    Each call of the returned function also checks that no code of course_lib
    ran during the call except below an injected reference or an object in
    ``allowed``; otherwise it raises AssertionError naming the course_lib
    function that was used. Functions a test passes to the graded function
    (a loss, say) that use course_lib belong in ``allowed``: functions,
    classes or modules.

    Args:
        function: a function defined with ``def`` (or ``lambda``), normally in the
            learner's notebook.
        references: the reference functions by name, in task order, a mapping or
            a namespace such as ``xor_references``; names ``function`` never uses
            are ignored.
        allowed: course_lib objects the graded function may use as well.

    Returns:
        The redirected, checked function. ``graded_alone(f, r) is not f``;
        ``graded_alone(f, r).__wrapped__`` is the redirected function.

    Raises:
        TypeError: ``function`` is not a Python function (a NumPy ufunc, a
            builtin, a class, ``functools.partial``...), or a reference is not
            callable or not named by a string.

    Example:
        >>> def double_sigmoid(z):
        ...     return 2 * sigmoid(z)
        >>> alone = graded_alone(double_sigmoid, xor_references)
        >>> float(alone(0.0))
        1.0
    """
    if not isinstance(function, types.FunctionType):
        raise TypeError(
            f"graded_alone needs a function defined with def, got {_kind(function)}. "
            "Define the graded function in the notebook with def NAME(...): instead of "
            "assigning another object to its name."
        )
    if isinstance(references, types.SimpleNamespace):
        references = vars(references)
    if not isinstance(references, Mapping):
        raise TypeError(
            "graded_alone needs the references as a mapping or a namespace of functions by "
            f"name, got {type(references).__name__}"
        )
    for name, reference in references.items():
        if not isinstance(name, str) or not callable(reference):
            raise TypeError(
                f"graded_alone: the reference {name!r} is {reference!r}; every reference "
                "must be a function, named by a string"
            )
    names = list(references)
    earlier = names[: names.index(function.__name__)] if function.__name__ in names else names
    namespace = dict(function.__globals__)
    checked_codes: list[types.CodeType] = []  # kept alive: their ids identify allowed frames
    for name in earlier:
        copy = _with_own_code(references[name])
        namespace[name] = copy
        if isinstance(copy, types.FunctionType):
            checked_codes.append(copy.__code__)
    redirected = {}
    for name, value in function.__globals__.items():
        if (
            name not in earlier
            and isinstance(value, types.FunctionType)
            and value.__globals__ is function.__globals__
        ):
            redirected[name] = _rebuild(value, namespace)
    namespace.update(redirected)
    alone = redirected.get(function.__name__)
    if alone is None or alone.__code__ is not function.__code__:
        alone = _rebuild(function, namespace)
    allowed_codes, allowed_files = _allowed(allowed)
    checked_codes += allowed_codes
    return _checked(alone, checked_codes, allowed_files, earlier)


def _kind(value: object) -> str:
    """What an object is, without its repr (which a learner controls)."""
    if value is None:
        return "None"
    kind = type(value)
    if kind.__module__ in ("builtins", "numpy", "functools"):
        return f"a {kind.__name__}"
    return "an object of another type"


def _rebuild(function: types.FunctionType, namespace: dict) -> types.FunctionType:
    """``function``'s code with ``namespace`` as its globals."""
    rebuilt = types.FunctionType(
        function.__code__,
        namespace,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    rebuilt.__kwdefaults__ = function.__kwdefaults__
    rebuilt.__qualname__ = function.__qualname__
    rebuilt.__doc__ = function.__doc__
    rebuilt.__module__ = function.__module__
    return rebuilt


def _with_own_code(reference: Callable) -> Callable:
    """A copy of a reference function with a code object of its own, so that a frame
    running it is known to be the injected copy, not a direct call of the original."""
    if not isinstance(reference, types.FunctionType):
        return reference
    copy = types.FunctionType(
        reference.__code__.replace(),
        reference.__globals__,
        reference.__name__,
        reference.__defaults__,
        reference.__closure__,
    )
    copy.__kwdefaults__ = reference.__kwdefaults__
    copy.__qualname__ = reference.__qualname__
    copy.__doc__ = reference.__doc__
    return copy


def _allowed(objects: Iterable[object]) -> tuple[list[types.CodeType], tuple[str, ...]]:
    codes, files = [], []
    for item in objects:
        if isinstance(item, types.FunctionType):
            codes.append(item.__code__)
        elif isinstance(item, types.ModuleType) and getattr(item, "__file__", None):
            files.append(item.__file__)
        elif isinstance(item, type):
            module = sys.modules.get(item.__module__)
            if module is not None and getattr(module, "__file__", None):
                files.append(module.__file__)
        else:
            raise TypeError(f"allowed takes functions, classes or modules, got {_kind(item)}")
    return codes, tuple(files)


def _checked(alone, allowed_codes, allowed_files, earlier):
    """``alone``, run under a tracer that records course_lib code not reached through an
    allowed frame; raises AssertionError after the call if there was any."""
    allowed_ids = frozenset(id(code) for code in allowed_codes)
    name = alone.__name__

    def checked(*args, **kwargs):
        used: list[types.CodeType] = []
        stop = sys._getframe()

        def tracer(frame, event, arg):
            code = frame.f_code
            if (
                event == "call"
                and code.co_filename.startswith(_COURSE_LIB_FOLDERS)
                and code.co_flags & inspect.CO_OPTIMIZED  # a function, not an import's body
                and not code.co_filename.endswith(_KERNEL_LAUNCHER)
                and id(code) not in allowed_ids
                and not code.co_filename.startswith(allowed_files or ("\0",))
            ):
                caller = frame.f_back
                while caller is not None and caller is not stop:
                    if id(caller.f_code) in allowed_ids:
                        return None
                    caller = caller.f_back
                if len(used) < 5:
                    used.append(code)
            return None

        previous, previous_threads = sys.gettrace(), threading.gettrace()
        sys.settrace(tracer)
        threading.settrace(tracer)
        try:
            result = alone(*args, **kwargs)
        finally:
            changed = sys.gettrace() is not tracer
            sys.settrace(previous)
            threading.settrace(previous_threads)
        if changed:
            raise AssertionError(
                f"{name} changed the interpreter's trace function (sys.settrace), which the "
                "grader uses to check that a graded function is your own code"
            )
        if used:
            module = used[0].co_filename.split(os.sep + "course_lib" + os.sep)[-1]
            where = "course_lib/" + module.replace(os.sep, "/")
            shown = ", ".join(earlier[:4]) + (
                f" and {len(earlier) - 4} more" if len(earlier) > 4 else ""
            )
            given = (
                f" (Calls to {shown} are fine: they reach the course's versions.)"
                if earlier
                else ""
            )
            raise AssertionError(
                f"{name} runs course_lib's {used[0].co_name} ({where}): a graded function "
                "must compute its result with your own code; importing or calling the "
                f"course's reference versions does not count.{given}"
            )
        return result

    checked.__name__ = alone.__name__
    checked.__qualname__ = alone.__qualname__
    checked.__doc__ = alone.__doc__
    checked.__module__ = alone.__module__
    checked.__wrapped__ = alone
    return checked


# --- messages built from numbers, shapes and dtypes ----------------------------------------------


def _as_numbers(value) -> np.ndarray | None:
    """``value`` as a float array, or None when it is not numbers (no repr is ever taken)."""
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return np.asarray(float(value))
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            array = np.array(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            return None
        return array
    return None


def show(value, digits: int = 4) -> str:
    """``value`` as numbers with ``digits`` decimals (or its type, if it is not numbers)."""
    numbers = _as_numbers(value)
    if numbers is None:
        return _kind(value)
    if numbers.ndim == 0:
        number = float(numbers)
        if number != 0 and not 1e-4 <= abs(number) < 1e6 and np.isfinite(number):
            return np.format_float_scientific(number, precision=digits, unique=True, trim="-")
        return np.format_float_positional(number, precision=digits, unique=True, trim="-")
    return np.array2string(
        numbers,
        precision=digits,
        separator=", ",
        floatmode="maxprec",
        threshold=40,
        edgeitems=4,
        max_line_width=10**6,
    )


def show_pair(got, expected) -> tuple[str, str]:
    """``got`` and ``expected`` as text, with just enough digits to tell them apart."""
    for digits in (4, 6, 8, 10, 12, 14, 17):
        shown = show(got, digits), show(expected, digits)
        if shown[0] != shown[1]:
            return shown
    return shown


def check_array(value, *, name: str, shape=None, dtype=None, inputs: str = "inputs") -> None:
    """Raise AssertionError unless ``value`` is a NumPy array of ``shape`` and ``dtype``.

    ``name`` is what returned it (``"sigmoid(z)"``); ``inputs`` how the dtype
    came in (``"a float32 z"``). An ndarray subclass is refused too: its
    methods could compute anything.
    """
    if type(value) is not np.ndarray:
        raise AssertionError(f"{name} returned {_kind(value)}; expected a NumPy array")
    if shape is not None and value.shape != tuple(shape):
        raise AssertionError(f"{name} returned shape {value.shape}; expected {tuple(shape)}")
    if dtype is not None and value.dtype != np.dtype(dtype):
        raise AssertionError(
            f"{name} returned {value.dtype} for {inputs}; expected {np.dtype(dtype)}. Keep the "
            "input's dtype: Python numbers (1.0, 2) do not change it, while np.float64(...), "
            "astype(float), dtype=float or np.eye(...) turn float32 into float64"
        )


def _factor(factor: float) -> str:
    """A factor with enough digits to differ from 1: ``4``, ``1.5``, ``1.0001``."""
    return show_pair(factor, 1.0)[0]


def _factor_hint(factor: float, n: int | None) -> str:
    """Why a gradient may be ``factor`` times too large, from the batch size ``n``."""

    def near(a, b):
        return abs(a - b) <= 1e-6 * max(abs(a), abs(b))

    if near(factor, -1.0):
        return "exactly the opposite: a sign error"
    if n:
        if near(factor, n) and n != 1:
            return f"{_factor(factor)} = N, a missing 1/N?"
        if near(factor, 1 / n) and n != 1:
            return f"{_factor(factor)} = 1/N: divided by N twice?"
        for divisor in range(2, 65):
            if divisor != n and near(factor, n / divisor):
                shown = _factor(factor)
                return f"{shown} = N/{divisor} with N = {n}: divided by {divisor} instead of N?"
            if divisor != n and near(factor, divisor / n):
                return (
                    f"{_factor(factor)} = {divisor}/N with N = {n}: divided by N where {divisor} "
                    "belongs, or multiplied by it?"
                )
    if near(factor, 2.0) or near(factor, 0.5):
        return "a factor 2: check the derivative's constant"
    return ""


def step_report(
    steps: list[tuple[str, object, np.ndarray]],
    *,
    n: int | None = None,
    tolerance: float = 1e-6,
    what: str = "gradient",
) -> str | None:
    """What is wrong with some gradients (or update steps), or None when all are right.

    ``steps`` are (name, got, expected) in the order to report them (the output
    layer first); ``n`` is the batch size, used to explain constant factors.
    Every parameter that is off is reported: a wrong shape, no change at all, a
    transposed gradient, a constant factor (with its likely cause), or the
    numbers.
    """
    off: list[tuple[str, str, float | None]] = []
    for name, got, expected in steps:
        expected = np.asarray(expected, dtype=float)
        numbers = _as_numbers(got)
        if numbers is None or numbers.shape != expected.shape:
            shape = "not an array" if numbers is None else f"shape {numbers.shape}"
            off.append((name, f"{name} has {shape}; expected shape {expected.shape}", None))
            continue
        error = gradcheck.relative_error(numbers, expected)
        if error < tolerance:
            continue
        if not np.any(numbers):
            off.append((name, f"{name} is all zeros: is it computed (or updated) at all?", None))
            continue
        if (
            expected.ndim == 2
            and expected.shape[0] == expected.shape[1]
            and gradcheck.relative_error(numbers, expected.T) < tolerance
        ):
            off.append(
                (name, f"{name} is transposed: it has the shape (out, in) of its weight", None)
            )
            continue
        factor = float(np.sum(numbers * expected) / np.sum(expected * expected))
        if (
            abs(factor - 1) > tolerance
            and gradcheck.relative_error(numbers, factor * expected) < tolerance
        ):
            hint = _factor_hint(factor, n)
            off.append(
                (
                    name,
                    f"{name} is {_factor(factor)}× the expected {what}"
                    + (f" ({hint})" if hint else ""),
                    factor,
                )
            )
            continue
        shown_got, shown_expected = show_pair(numbers, expected)
        off.append(
            (
                name,
                f"{name} is {shown_got}; expected {shown_expected} (relative error {error:.1e})",
                None,
            )
        )
    if not off:
        return None
    factors = [factor for _, _, factor in off]
    if len(steps) > 1 and len(off) == len(steps) and all(factor is not None for factor in factors):
        if max(factors) - min(factors) <= 1e-6 * max(abs(f) for f in factors):
            factor = factors[0]
            hint = _factor_hint(factor, n)
            if factor < 0:
                return f"every {what} has the wrong sign" + (f" ({hint})" if hint else "")
            size = "too large" if factor > 1 else "too small"
            return f"every {what} is {_factor(factor)}× {size}" + (f": {hint}" if hint else "")
    return "; ".join(message for _, message, _ in off)


# --- exercise 01: XOR from scratch -------------------------------------------------------------
# Element-wise functions take arrays of any shape; the network is the 2-2-1 sigmoid network of
# solutions/01_xor.ipynb: X (N, 2), W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,) -> A1 (N, 2), A2 (N, 1).


def _sigmoid(z):
    """sigmoid(z), element-wise."""
    return F.sigmoid(z)


def _sigmoid_prime(z):
    """The sigmoid's slope at the pre-activation z, element-wise."""
    s = _sigmoid(z)
    return F.sigmoid_backward(np.ones_like(s), s)


def _sigmoid_prime_from_output(a):
    """The sigmoid's slope given its output a = sigmoid(z), element-wise."""
    return F.sigmoid_backward(np.ones_like(a), a)


def _xor_forward(X, W1, b1, W2, b2):
    """(A1, A2) of the 2-2-1 sigmoid network for inputs X (N, 2): (N, 2) and (N, 1)."""
    A1 = _sigmoid(F.linear_forward(X, W1, b1)[0])
    return A1, _sigmoid(F.linear_forward(A1, W2, b2)[0])


xor_references = types.SimpleNamespace(
    sigmoid=_sigmoid,
    sigmoid_prime=_sigmoid_prime,
    sigmoid_prime_from_output=_sigmoid_prime_from_output,
    forward=_xor_forward,
)


# --- exercise 02: forward propagation ----------------------------------------------------------


def _linear_forward(x, W, b):
    """Fully connected layer: x (N, in), W (out, in), b (out,) -> (N, out)."""
    return F.linear_forward(x, W, b)[0]


def _relu(x):
    """ReLU, element-wise."""
    return F.relu_forward(x)[0]


def _leaky_relu(x, negative_slope=0.01):
    """Leaky ReLU with the given slope for negative inputs, element-wise."""
    return F.leaky_relu_forward(x, negative_slope)[0]


def _tanh(x):
    """tanh, element-wise."""
    return F.tanh_forward(x)[0]


def _softmax(z):
    """Softmax along the last axis: (N, C) or (C,) logits -> probabilities of the same shape."""
    return F.softmax_forward(z)[0]


def _log_softmax(z):
    """Log-softmax along the last axis: (N, C) or (C,) logits -> log-probabilities."""
    return F.log_softmax_forward(z)[0]


def _mlp_forward(x, W1, b1, W2, b2):
    """Class probabilities (N, C) of the one-hidden-layer ReLU network.

    Shapes: x (N, D), W1 (H, D), b1 (H,), W2 (C, H), b2 (C,).
    """
    return _softmax(_linear_forward(_relu(_linear_forward(x, W1, b1)), W2, b2))


forward_references = types.SimpleNamespace(
    linear_forward=_linear_forward,
    relu=_relu,
    leaky_relu=_leaky_relu,
    tanh=_tanh,
    softmax=_softmax,
    log_softmax=_log_softmax,
    mlp_forward=_mlp_forward,
)


# --- exercise 03: backpropagation --------------------------------------------------------------
# The setup cell of solutions/03_backprop.ipynb gives four forward functions (linear, relu,
# softmax, cross_entropy); they come first in backprop_references, before every task.


def _cross_entropy(logits, y):
    """Mean softmax cross-entropy of logits (N, C) for integer labels y (N,), a float."""
    return float(F.cross_entropy_forward(logits, y)[0])


def _linear_backward(dout, x, W):
    """(dx, dW, db) of a fully connected layer: dout (N, out), x (N, in), W (out, in)."""
    cache = F.linear_forward(x, W, np.zeros(len(W), dtype=W.dtype))[1]
    return F.linear_backward(dout, cache)


def _relu_backward(dout, x):
    """dx of ReLU, given the forward input x; any shape."""
    return F.relu_backward(dout, F.relu_forward(x)[1])


def _sigmoid_backward(dout, out):
    """dx of the sigmoid, given its forward output; any shape."""
    return F.sigmoid_backward(dout, out)


def _tanh_backward(dout, out):
    """dx of tanh, given its forward output; any shape."""
    return F.tanh_backward(dout, out)


def _mse_backward(pred, target):
    """Gradient (N, K) of the mean squared error over all entries, with respect to pred."""
    return F.mse_loss_backward(1.0, F.mse_loss_forward(pred, target)[1])


def _softmax_cross_entropy_backward(logits, y):
    """Gradient (N, C) of the mean softmax cross-entropy with respect to the logits (N, C)."""
    return F.cross_entropy_backward(1.0, F.cross_entropy_forward(logits, y)[1])


def _numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function f at x, of x's shape."""
    return gradcheck.numerical_gradient(f, x, eps)


backprop_references = types.SimpleNamespace(
    linear=_linear_forward,
    relu=_relu,
    softmax=_softmax,
    cross_entropy=_cross_entropy,
    linear_backward=_linear_backward,
    relu_backward=_relu_backward,
    sigmoid_backward=_sigmoid_backward,
    tanh_backward=_tanh_backward,
    mse_backward=_mse_backward,
    softmax_cross_entropy_backward=_softmax_cross_entropy_backward,
    numerical_gradient=_numerical_gradient,
)
