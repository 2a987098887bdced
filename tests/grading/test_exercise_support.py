"""Tests of course_lib.grading.exercise_support: grading a task on its own.

A "notebook" here is a namespace built with exec and ``__name__ == "__main__"``,
as a learner's kernel has; its functions are what ``graded_alone`` receives.
"""

from __future__ import annotations

import functools
import inspect
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_lib.data import xor
from course_lib.grading.exercise_support import (
    backprop_references,
    forward_references,
    graded_alone,
    xor_references,
)

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = {
    "01_xor": xor_references,
    "02_forward": forward_references,
    "03_backprop": backprop_references,
}


def notebook(source: str) -> dict:
    """The globals of a learner's notebook after running ``source``."""
    namespace = {"__name__": "__main__", "np": np}
    exec(textwrap.dedent(source), namespace)
    return namespace


# A learner whose sigmoid (Task 1) is wrong, but whose forward (Task 3) is right.
WRONG_SIGMOID_RIGHT_FORWARD = """
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(z))  # the sign error of Task 1

def forward(X, W1, b1, W2, b2):
    A1 = sigmoid(X @ W1.T + b1)
    A2 = sigmoid(A1 @ W2.T + b2)
    return A1, A2
"""
XOR_PARAMS = (
    np.array([[1.0, -2.0], [0.5, 3.0]]),
    np.array([0.1, -0.2]),
    np.array([[2.0, -1.0]]),
    np.array([0.3]),
)
X = xor(dtype=np.float64)[0]


def test_earlier_tasks_function_is_replaced_by_the_reference():
    learner = notebook(WRONG_SIGMOID_RIGHT_FORWARD)
    A1, A2 = graded_alone(learner["forward"], xor_references)(X, *XOR_PARAMS)
    A1_ref, A2_ref = xor_references.forward(X, *XOR_PARAMS)
    np.testing.assert_allclose(A1, A1_ref, rtol=1e-12, atol=0)
    np.testing.assert_allclose(A2, A2_ref, rtol=1e-12, atol=0)
    # without graded_alone the Task 1 mistake would fail Task 3 as well
    assert not np.allclose(learner["forward"](X, *XOR_PARAMS)[1], A2_ref)


def test_the_learners_own_code_is_still_what_runs():
    learner = notebook(
        """
        def sigmoid(z):
            return 1.0 / (1.0 + np.exp(-z))

        def forward(X, W1, b1, W2, b2):
            A1 = sigmoid(X @ W1 + b1)  # W1 instead of W1.T: the Task 3 mistake itself
            return A1, sigmoid(A1 @ W2.T + b2)
        """
    )
    alone = graded_alone(learner["forward"], xor_references)
    assert alone.__code__ is learner["forward"].__code__
    assert alone.__name__ == "forward" and alone.__module__ == "__main__"
    A1 = alone(X, *XOR_PARAMS)[0]
    W1, b1 = XOR_PARAMS[:2]
    np.testing.assert_allclose(A1, xor_references.sigmoid(X @ W1 + b1), rtol=1e-12, atol=0)
    assert not np.allclose(A1, xor_references.forward(X, *XOR_PARAMS)[0])


def test_neither_the_function_nor_the_notebook_changes():
    learner = notebook(WRONG_SIGMOID_RIGHT_FORWARD)
    forward, sigmoid = learner["forward"], learner["sigmoid"]
    alone = graded_alone(forward, xor_references)
    assert alone is not forward
    assert learner["sigmoid"] is sigmoid and forward.__globals__ is learner
    assert sigmoid(np.array([0.0, 2.0]))[1] < 0.5  # the learner's own sigmoid, still wrong


def test_names_missing_from_the_references_keep_the_learners_values():
    learner = notebook(
        """
        def squash(z):  # a helper of the learner's own
            return 1.0 / (1.0 + np.exp(-z))

        SCALE = 3.0

        def forward(X, W1, b1, W2, b2):
            A1 = squash(X @ W1.T + b1)
            return A1, SCALE * sigmoid(A1 @ W2.T + b2)
        """
    )
    learner["sigmoid"] = lambda z: "the learner's sigmoid must not be called"
    alone = graded_alone(learner["forward"], xor_references)
    A1, A2 = alone(X, *XOR_PARAMS)
    A1_ref, A2_ref = xor_references.forward(X, *XOR_PARAMS)
    np.testing.assert_allclose(A1, A1_ref, rtol=1e-12, atol=0)  # squash: the learner's
    np.testing.assert_allclose(A2, 3.0 * A2_ref, rtol=1e-12, atol=0)  # SCALE: the learner's


def test_defaults_keyword_only_defaults_and_closures_are_kept():
    learner = notebook(
        """
        def make(offset):
            def shifted_relu(x, scale=2.0, *, shift=offset):
                return scale * relu(x) + shift
            return shifted_relu
        shifted_relu = make(10.0)
        """
    )
    alone = graded_alone(learner["shifted_relu"], forward_references)
    x = np.array([-1.0, 3.0])
    np.testing.assert_array_equal(alone(x), [10.0, 16.0])
    np.testing.assert_array_equal(alone(x, 1.0, shift=0.0), [0.0, 3.0])
    assert alone.__defaults__ == (2.0,) and alone.__kwdefaults__ == {"shift": 10.0}


def test_a_mapping_works_as_well_as_a_namespace():
    learner = notebook("def twice(z):\n    return 2 * sigmoid(z)\n")
    alone = graded_alone(learner["twice"], {"sigmoid": lambda z: z + 1})
    assert alone(1) == 4


def test_functions_defined_inside_the_graded_function_see_the_references_too():
    learner = notebook(
        """
        def mlp(x, W1, b1, W2, b2):
            def layer(inputs, W, b):
                return linear_forward(inputs, W, b)
            return softmax(layer(relu(layer(x, W1, b1)), W2, b2))
        """
    )
    learner["linear_forward"] = learner["relu"] = learner["softmax"] = None  # not implemented
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3))
    params = (
        rng.normal(size=(5, 3)),
        rng.normal(size=5),
        rng.normal(size=(2, 5)),
        rng.normal(size=2),
    )
    got = graded_alone(learner["mlp"], forward_references)(x, *params)
    np.testing.assert_allclose(got, forward_references.mlp_forward(x, *params), rtol=1e-12)


@pytest.mark.parametrize(
    "not_a_function",
    [np.tanh, len, functools.partial(np.maximum, 0), type("Layer", (), {}), None],
    ids=["numpy ufunc", "builtin", "partial", "class", "None"],
)
def test_anything_but_a_python_function_is_refused_with_a_clear_error(not_a_function):
    with pytest.raises(TypeError, match=r"needs a function defined with def, got .*def NAME"):
        graded_alone(not_a_function, xor_references)


def test_a_reference_that_is_not_a_function_is_refused():
    learner = notebook("def f(z):\n    return sigmoid(z)\n")
    with pytest.raises(TypeError, match=r"the reference 'sigmoid' is 0.5; every reference"):
        graded_alone(learner["f"], {"sigmoid": 0.5})
    with pytest.raises(TypeError, match="a mapping or a namespace"):
        graded_alone(learner["f"], [xor_references.sigmoid])


# --- the reference namespaces ---------------------------------------------------------------


def solution_functions(name: str) -> dict[str, tuple[str, str]]:
    """The functions a solution notebook asks the learner to write:
    name -> (parameter list, the answer cell's source)."""
    solution = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
    functions = {}
    for cell in solution.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            for function, parameters in re.findall(r"^def (\w+)\((.*?)\):", cell.source, re.M):
                functions[function] = (parameters, cell.source)
    return functions


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_references_are_the_exercises_functions_with_their_signatures(name):
    # Only the exercise's own names may be redirected: a learner's helper of another name
    # must stay theirs, and a reference must accept the arguments the learner's version does.
    asked = solution_functions(name)
    references = vars(REFERENCES[name])
    assert set(references) <= set(asked), set(references) - set(asked)
    for function, reference in references.items():
        learners = inspect.signature(eval(f"lambda {asked[function][0]}: None"))
        assert inspect.signature(reference) == learners, function


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_every_function_a_later_answer_calls_has_a_reference(name):
    asked = solution_functions(name)
    called = {
        other
        for function, (_, source) in asked.items()
        for other in re.findall(r"\b(\w+)\(", source.split("### BEGIN SOLUTION")[-1])
        if other in asked and other != function
    }
    assert called, f"no answer of {name} calls another; is this test still needed?"
    assert called <= set(vars(REFERENCES[name])), called - set(vars(REFERENCES[name]))


def test_xor_references_compute_the_xor_network():
    z = np.array([-2.0, 0.0, 2.0])
    a = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(xor_references.sigmoid(z), a, rtol=1e-15)
    np.testing.assert_allclose(xor_references.sigmoid_prime(z), a * (1 - a), rtol=1e-15)
    np.testing.assert_allclose(xor_references.sigmoid_prime_from_output(a), a * (1 - a))
    W1, b1, W2, b2 = XOR_PARAMS
    A1, A2 = xor_references.forward(X, *XOR_PARAMS)
    A1_expected = 1 / (1 + np.exp(-(X @ W1.T + b1)))
    np.testing.assert_allclose(A1, A1_expected, rtol=1e-15)
    np.testing.assert_allclose(A2, 1 / (1 + np.exp(-(A1_expected @ W2.T + b2))), rtol=1e-15)
    assert A1.shape == (4, 2) and A2.shape == (4, 1)


def test_forward_references_compute_the_layers():
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=5)
    np.testing.assert_allclose(forward_references.linear_forward(x, W, b), x @ W.T + b)
    np.testing.assert_array_equal(forward_references.relu(x), np.maximum(x, 0))
    np.testing.assert_allclose(forward_references.leaky_relu(x, 0.2), np.where(x > 0, x, 0.2 * x))
    np.testing.assert_allclose(forward_references.tanh(x), np.tanh(x))
    e = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(forward_references.softmax(x), e / e.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(
        forward_references.log_softmax(x), np.log(e / e.sum(axis=1, keepdims=True))
    )


def test_backprop_references_compute_the_gradients():
    rng = np.random.default_rng(2)
    x, W, dout = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(3, 5))
    dx, dW, db = backprop_references.linear_backward(dout, x, W)
    np.testing.assert_allclose(dx, dout @ W)
    np.testing.assert_allclose(dW, dout.T @ x)
    np.testing.assert_allclose(db, dout.sum(axis=0))
    z = x @ W.T
    np.testing.assert_array_equal(backprop_references.relu_backward(dout, z), dout * (z > 0))
    out = np.tanh(x)
    np.testing.assert_allclose(backprop_references.tanh_backward(x, out), x * (1 - out**2))
    np.testing.assert_allclose(backprop_references.sigmoid_backward(x, 0.5 + 0 * x), x / 4)
    pred, target = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    np.testing.assert_allclose(
        backprop_references.mse_backward(pred, target), 2 * (pred - target) / pred.size
    )
    logits, y = rng.normal(size=(4, 3)), np.array([0, 2, 1, 2])
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        backprop_references.softmax_cross_entropy_backward(logits, y),
        (probs - np.eye(3)[y]) / 4,
    )
    np.testing.assert_allclose(
        backprop_references.numerical_gradient(lambda v: float(np.sum(v**2)), x.copy()),
        2 * x,
        rtol=1e-7,
    )


def test_importing_the_module_pulls_in_nothing_heavy():
    # It runs in the grading kernel for every test cell: no notebook machinery, no plots, no torch.
    heavy = [
        "nbclient",
        "nbformat",
        "jupyter_client",
        "zmq",
        "matplotlib",
        "torch",
        "psutil",
        "course_lib.grading.grade",
        "course_lib.grading.runner",
    ]
    code = (
        "import sys, course_lib.grading.exercise_support; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert finished.stdout.strip() == "[]", finished.stdout + finished.stderr
