"""What the test cells of the exercises share: grading each task on its own.

Several exercise functions call the functions of earlier tasks: exercise 01's
``train_xor`` calls ``forward``, which calls ``sigmoid``; exercise 02's
``mlp_forward`` calls ``linear_forward``, ``relu`` and ``softmax``. Called as
they are, a mistake in ``sigmoid`` would fail every later task too, and one
mistake would cost its points several times. So a test cell calls

    forward_alone = graded_alone(forward, xor_references)

and tests ``forward_alone``: the learner's own code, in which every call to a
function named in ``xor_references`` reaches the course's reference version
instead of the learner's. Each task is then graded on its own code only, and
one mistake costs points once.

``xor_references``, ``forward_references`` and ``backprop_references`` hold the
course's version of every function that exercises 01, 02 and 03 ask for, with
the exercise's names and signatures; the tests also use them for expected
values (``xor_references.forward(X, W1, b1, W2, b2)``).

Used by the test cells of solutions/01_xor.ipynb, 02_forward.ipynb and
03_backprop.ipynb (and so of exercises/); taught in no notebook. It runs in
the grading kernel, so it imports only NumPy and course_lib's NumPy engine.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping

import numpy as np

from course_lib import gradcheck
from course_lib.nn import functional as F

__all__ = ["backprop_references", "forward_references", "graded_alone", "xor_references"]


def graded_alone(function: Callable, references: Mapping[str, Callable] | types.SimpleNamespace):
    """``function`` as the learner wrote it, calling the ``references`` instead of their functions.

    Returns a new function with ``function``'s code, name, defaults and closure,
    whose global names found in ``references`` resolve to the reference
    functions; every other global name (NumPy, the notebook's variables, the
    learner's other functions) resolves as before, to the notebook's value at
    the time of the call to ``graded_alone``. Neither ``function`` nor the
    notebook's globals change. This is how a task is graded on its own: an
    earlier task's mistake never fails it (see the module docstring).

    Only the calls that ``function`` itself makes are redirected: a helper of
    the learner's own that ``function`` calls still calls the learner's versions.

    Args:
        function: a function defined with ``def`` (or ``lambda``), normally in the
            learner's notebook.
        references: the reference functions by name, a mapping or a namespace
            such as ``xor_references``; names ``function`` never uses are ignored.

    Returns:
        The redirected function. It is a new object: ``graded_alone(f, r) is not f``.

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
            f"graded_alone needs a function defined with def, got {function!r} "
            f"({type(function).__name__}). Define the graded function in the notebook with "
            "def NAME(...): instead of assigning another object to its name."
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
    alone = types.FunctionType(
        function.__code__,
        {**function.__globals__, **references},
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    alone.__kwdefaults__ = function.__kwdefaults__
    alone.__qualname__ = function.__qualname__
    alone.__doc__ = function.__doc__
    return alone


# --- exercise 01: XOR from scratch -------------------------------------------------------------
# Element-wise functions take arrays of any shape; the network is the 2-2-1 sigmoid network of
# solutions/01_xor.ipynb: X (N, 2), W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,) -> A1 (N, 2), A2 (N, 1).


def _sigmoid(z):
    """sigmoid(z), element-wise."""
    return F.sigmoid(z)


def _sigmoid_prime(z):
    """The sigmoid's slope at the pre-activation z, element-wise."""
    return F.sigmoid_backward(1.0, _sigmoid(z))


def _sigmoid_prime_from_output(a):
    """The sigmoid's slope given its output a = sigmoid(z), element-wise."""
    return F.sigmoid_backward(1.0, a)


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
    linear_backward=_linear_backward,
    relu_backward=_relu_backward,
    sigmoid_backward=_sigmoid_backward,
    tanh_backward=_tanh_backward,
    mse_backward=_mse_backward,
    softmax_cross_entropy_backward=_softmax_cross_entropy_backward,
    numerical_gradient=_numerical_gradient,
)
