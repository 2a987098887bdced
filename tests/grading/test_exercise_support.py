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
    check_array,
    forward_references,
    graded_alone,
    show,
    show_pair,
    step_report,
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
    assert alone.__wrapped__.__code__ is learner["forward"].__code__
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
    redirected = alone.__wrapped__
    assert redirected.__defaults__ == (2.0,) and redirected.__kwdefaults__ == {"shift": 10.0}


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


# --- only earlier tasks' references, and never course_lib's code otherwise ------------------

X2 = np.array([[-1.0, 0.0, 2.0]])

# Ways a learner's relu can get its result from course_lib; each must be refused.
REFERENCE_WRAPPERS = {
    "functional module": """
        from course_lib.nn import functional as F
        def relu(x):
            return F.relu_forward(x)[0]
        """,
    "module imported inside": """
        def relu(x):
            import course_lib.nn.functional
            return course_lib.nn.functional.relu_forward(x)[0]
        """,
    "reference namespace": """
        from course_lib.grading.exercise_support import forward_references
        def relu(x):
            return forward_references.relu(x)
        """,
    "layer class": """
        from course_lib.nn import ReLU
        def relu(x):
            return ReLU()(x)
        """,
    "importlib and a computed name": """
        import importlib
        def relu(x):
            module = importlib.import_module("course_lib.nn." + "functional")
            return getattr(module, "relu" + "_forward")(x)[0]
        """,
    "sys.modules": """
        import sys
        def relu(x):
            return sys.modules["course_lib.nn.functional"].relu_forward(x)[0]
        """,
    "a helper of the learner's": """
        from course_lib.nn import functional as F
        def _positive_part(x):
            return F.relu_forward(x)[0]
        def relu(x):
            return _positive_part(x)
        """,
    "a thread": """
        import threading
        from course_lib.nn import functional as F
        def relu(x):
            out = []
            thread = threading.Thread(target=lambda: out.append(F.relu_forward(x)[0]))
            thread.start()
            thread.join()
            return out[0]
        """,
    "a copy of the reference's code": """
        import inspect
        import types
        from course_lib.nn import functional as F
        plain = inspect.unwrap(F.relu_forward)  # the formula behind the checked entry point
        def relu(x):
            copy = types.FunctionType(plain.__code__, plain.__globals__)
            return copy(x)[0]
        """,
}


@pytest.mark.parametrize("source", REFERENCE_WRAPPERS.values(), ids=list(REFERENCE_WRAPPERS))
def test_a_graded_function_that_runs_course_libs_code_is_refused(source):
    learner = notebook(source)
    alone = graded_alone(learner["relu"], forward_references)
    with pytest.raises(AssertionError, match=r"relu runs course_lib's \w+ \(course_lib/.*\.py\)"):
        alone(X2)


def test_honest_code_and_the_earlier_tasks_references_are_not_refused():
    learner = notebook(
        """
        def mlp_forward(x, W1, b1, W2, b2):
            hidden = relu(linear_forward(x, W1, b1))  # the course's, injected
            return softmax(linear_forward(hidden, W2, b2))

        def leaky_relu(x, negative_slope=0.01):
            return relu(x) - negative_slope * relu(-x)  # relu comes before leaky_relu
        """
    )
    rng = np.random.default_rng(3)
    x, params = rng.normal(size=(4, 3)), XOR_PARAMS[:0]
    params = (rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=(2, 5)), np.zeros(2))
    got = graded_alone(learner["mlp_forward"], forward_references)(x, *params)
    np.testing.assert_allclose(got, forward_references.mlp_forward(x, *params), rtol=1e-12)
    got = graded_alone(learner["leaky_relu"], forward_references)(x, 0.1)
    np.testing.assert_allclose(got, np.where(x > 0, x, 0.1 * x), rtol=1e-12)


def launcher_code(source: str) -> dict:
    """Functions compiled as if defined in the grading kernel's launcher script."""
    import course_lib

    launcher = Path(course_lib.__file__).parent / "grading" / "kernel_launcher.py"
    namespace: dict = {}
    exec(compile(textwrap.dedent(source), str(launcher), "exec"), namespace)
    return namespace


def test_the_grading_kernels_output_wrapper_is_not_refused_but_what_it_reaches_is():
    # In the grading kernel every print goes through the launcher's capped write.
    learner = notebook(
        """
        def relu(x):
            kernel_write("printing in a graded function")
            return np.maximum(x, 0)
        """
    )
    learner["kernel_write"] = launcher_code("def write(text):\n    return len(text)\n")["write"]
    np.testing.assert_array_equal(
        graded_alone(learner["relu"], forward_references)(X2), np.maximum(X2, 0)
    )

    from course_lib.nn import functional as F

    smuggled = launcher_code("def write(text):\n    return F.relu_forward(np.ones(2))\n")
    smuggled.update(F=F, np=np)
    learner["kernel_write"] = smuggled["write"]
    with pytest.raises(AssertionError, match="relu runs course_lib's"):
        graded_alone(learner["relu"], forward_references)(X2)


def test_the_refusal_names_the_function_called_not_a_class_body_an_import_ran():
    import course_lib

    module_file = str(Path(course_lib.__file__).parent / "torch_utils.py")
    learner = notebook(
        """
        def relu(x):
            exec(compile("class FirstImported:\\n    size = 1\\n", module_file, "exec"), {})
            from course_lib.nn import functional as F
            return F.relu_forward(x)[0]
        """
    )
    learner["module_file"] = module_file
    with pytest.raises(AssertionError, match="relu runs course_lib's relu_forward "):
        graded_alone(learner["relu"], forward_references)(X2)


def test_only_earlier_tasks_functions_are_replaced_by_references():
    # sigmoid is Task 1: forward (Task 3) is not given to it, so a sigmoid built from the
    # course's forward gets the learner's own forward, which does not exist here.
    learner = notebook(
        """
        def sigmoid(z):
            W1, b1 = np.eye(2), np.zeros(2)
            X = np.stack([z, z], axis=1)
            return forward(X, W1, b1, np.ones((1, 2)), np.zeros(1))[0][:, 0]
        """
    )
    with pytest.raises(NameError, match="forward"):
        graded_alone(learner["sigmoid"], xor_references)(np.array([0.0, 1.0]))


def test_helpers_of_the_learner_get_the_references_too():
    # softmax of exercise 03's setup cell is given: a helper calling it is honest code.
    learner = notebook(
        """
        from course_lib.nn import functional as F

        def softmax(z):  # the setup cell's definition
            return F.softmax_forward(z)[0]

        def _probabilities(z):
            return softmax(z)

        def softmax_cross_entropy_backward(logits, y):
            probs = _probabilities(logits)
            probs[np.arange(len(y)), y] -= 1
            return probs / len(y)
        """
    )
    logits, y = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]), np.array([2, 0])
    alone = graded_alone(learner["softmax_cross_entropy_backward"], backprop_references)
    np.testing.assert_allclose(
        alone(logits, y), backprop_references.softmax_cross_entropy_backward(logits, y)
    )
    # Without the references, the same helper runs course_lib's code: refused.
    with pytest.raises(AssertionError, match="runs course_lib's softmax_forward"):
        graded_alone(learner["softmax_cross_entropy_backward"], {})(logits, y)


def test_allowed_objects_may_run_and_the_trace_function_is_restored():
    learner = notebook(
        """
        def apply(loss, x):
            return loss(x)
        """
    )

    def course_loss(x):
        return float(np.sum(forward_references.relu(x)))

    before = sys.gettrace()
    with pytest.raises(AssertionError, match="runs course_lib's _relu"):
        graded_alone(learner["apply"], {})(course_loss, X2)
    assert graded_alone(learner["apply"], {}, allowed=[course_loss])(course_loss, X2) == 2.0
    assert sys.gettrace() is before


def test_a_function_that_turns_the_checks_off_is_refused():
    learner = notebook(
        """
        import sys
        def relu(x):
            sys.settrace(None)
            return np.maximum(x, 0)
        """
    )
    with pytest.raises(AssertionError, match="changed the interpreter's trace function"):
        graded_alone(learner["relu"], forward_references)(X2)


# --- messages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("got", "expected", "shown"),
    [
        (0.25, 0.2500000001, ("0.25", "0.2500000001")),
        (np.float32(0.5), 0.5, ("0.5", "0.5")),
        (np.array([1.0, 2.0]), np.array([1.0, 2.00001]), ("[1., 2.]", "[1.     , 2.00001]")),
        (1e-9, 2e-9, ("1e-09", "2e-09")),
    ],
)
def test_show_pair_prints_enough_digits_to_tell_numbers_apart(got, expected, shown):
    assert show_pair(got, expected) == shown


def test_messages_never_show_a_learners_object():
    class Sneaky:
        def __repr__(self):
            return "the hidden test's source"

    assert show(Sneaky()) == "an object of another type"
    assert show([Sneaky()]) == "a list"
    with pytest.raises(AssertionError, match="returned an object of another type; expected"):
        check_array(Sneaky(), name="relu")


def test_check_array_checks_type_shape_and_dtype():
    check_array(np.zeros((2, 3), np.float32), name="f", shape=(2, 3), dtype=np.float32)
    with pytest.raises(AssertionError, match=r"returned a list; expected a NumPy array"):
        check_array([1.0], name="f(x)")
    with pytest.raises(AssertionError, match=r"returned shape \(3,\); expected \(1, 3\)"):
        check_array(np.zeros(3), name="f(x)", shape=(1, 3))
    with pytest.raises(AssertionError, match=r"returned float64 for float32 x; expected float32"):
        check_array(np.zeros(3), name="f(x)", dtype=np.float32, inputs="float32 x")
    with pytest.raises(AssertionError, match="NumPy array"):
        check_array(np.zeros(3).view(np.recarray), name="f(x)")  # a subclass


STEPS = [np.array([[0.2, -0.4]]), np.array([0.3]), np.array([[0.1, 0.2], [-0.3, 0.5]])]


def steps(*factors):
    names = ["W2", "b2", "W1"]
    return [(name, f * step, step) for name, f, step in zip(names, factors, STEPS, strict=True)]


def test_step_report_names_a_constant_factor_and_its_likely_cause():
    assert step_report(steps(1, 1, 1), n=4) is None
    assert step_report(steps(4, 4, 4), n=4) == (
        "every gradient is 4× too large: 4 = N, a missing 1/N?"
    )
    assert step_report(steps(1.5, 1.5, 1.5), n=6, what="update") == (
        "every update is 1.5× too large: 1.5 = N/4 with N = 6: divided by 4 instead of N?"
    )
    assert step_report(steps(-1, -1, -1), n=4, what="update") == (
        "every update has the wrong sign (exactly the opposite: a sign error)"
    )


def test_step_report_reports_every_parameter_that_is_off_in_the_order_given():
    transposed = [("W2", STEPS[0], STEPS[0]), ("b2", np.zeros(1), STEPS[1])]
    transposed.append(("W1", STEPS[2].T, STEPS[2]))
    report = step_report(transposed, n=4)
    assert report.index("b2") < report.index("W1")
    assert "b2 is all zeros" in report and "W1 is transposed" in report and "W2" not in report
    report = step_report([("W2", np.ones(3), STEPS[0])], n=4)
    assert report == "W2 has shape (3,); expected shape (1, 2)"
    report = step_report([("b2", np.array([0.30001]), STEPS[1])], n=4)
    assert report == "b2 is 1.000033× the expected gradient"


# --- the reference namespaces ---------------------------------------------------------------


def solution_functions(name: str, *, given: bool = False) -> dict[str, tuple[str, str]]:
    """The functions a solution notebook asks the learner to write (with ``given``, also
    those its read-only cells define, such as exercise 03's setup cell):
    name -> (parameter list, the cell's source)."""
    solution = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
    functions = {}
    for cell in solution.cells:
        metadata = cell.metadata.get("nbgrader", {})
        if metadata.get("solution") or (
            given and metadata.get("locked") and not metadata.get("grade")
        ):
            for function, parameters in re.findall(r"^def (\w+)\((.*?)\):", cell.source, re.M):
                functions[function] = (parameters, cell.source)
    return functions


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_references_are_the_exercises_functions_with_their_signatures(name):
    # Only the exercise's own names may be redirected: a learner's helper of another name
    # must stay theirs, and a reference must accept the arguments the learner's version does.
    asked = solution_functions(name, given=True)
    references = vars(REFERENCES[name])
    assert set(references) <= set(asked), set(references) - set(asked)
    for function, reference in references.items():
        learners = inspect.signature(eval(f"lambda {asked[function][0]}: None"))
        assert inspect.signature(reference) == learners, function


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_references_come_in_task_order_with_given_functions_first(name):
    # graded_alone injects the references that come before the graded function: the order of
    # the namespace must be the order of the notebook's definitions.
    order = list(solution_functions(name, given=True))
    references = list(vars(REFERENCES[name]))
    assert references == [function for function in order if function in references]


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
