"""Plausible wrong answers for every graded task of the exercises, and how to inject them.

Each entry is a bug learners really make. The honest tests
(tests/grading/test_exercises_honest.py) put it into an otherwise correct exercise
notebook, in place of one answer's ``# YOUR CODE HERE`` / ``raise NotImplementedError()``
(the other answers get the reference solution), and check that the grader rejects
exactly the task it belongs to.

A bug is written either as the whole buggy answer (``code``) or as edits of the
reference answer in solutions/ (``edits``: pairs of old and new text, each old text
found exactly once), so a long answer such as the training loop differs from the
correct one only where the bug is.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import nbformat

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
STUB = re.compile(r"^([ \t]*)# YOUR CODE HERE\n[ \t]*raise NotImplementedError\(\)$", re.MULTILINE)


@dataclass(frozen=True)
class WrongAnswer:
    """A bug: its notebook, the task (test grade_id) that must reject it, the answer
    cell (grade_id) it goes into, what it is, and its code or edits."""

    notebook: str
    task: str
    answer: str
    bug: str
    code: str | None = None
    edits: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if (self.code is None) == (not self.edits):
            raise ValueError(f"{self.bug}: give either code or edits")
        if self.code is not None:
            object.__setattr__(self, "code", textwrap.dedent(self.code).strip("\n"))

    @property
    def id(self) -> str:
        return f"{self.notebook}: {self.task}: {self.bug}"


W = WrongAnswer

# fmt: off
WRONG_ANSWERS = [
    # 01_xor ----------------------------------------------------------------------------------
    W("01_xor", "sigmoid", "sigmoid-impl", "sign error in the exponent, 1 / (1 + e^z)",
      code="return 1.0 / (1.0 + np.exp(z))"),
    W("01_xor", "sigmoid", "sigmoid-impl", "operator precedence, 1 / 1 + e^-z",
      code="return 1 / 1 + np.exp(-z)"),
    W("01_xor", "sigmoid", "sigmoid-impl", "e^z / (1 + e^z), nan at z = 1000",
      code="return np.exp(z) / (1 + np.exp(z))"),
    W("01_xor", "sigmoid", "sigmoid-impl", "math.exp, which takes one number, not an array",
      code="""
      import math
      return 1 / (1 + math.exp(-z))
      """),
    W("01_xor", "sigmoid-derivative", "sigmoid-prime-impl",
      "a * (1 - a) applied to the pre-activation z",
      code="return z * (1 - z)"),
    W("01_xor", "sigmoid-derivative", "sigmoid-prime-impl",
      "half converted, sigmoid(z) * (1 - z)",
      code="return sigmoid(z) * (1 - z)"),
    W("01_xor", "sigmoid-derivative", "sigmoid-prime-from-output-impl",
      "sigmoid applied again to the output a",
      code="return sigmoid(a) * (1 - sigmoid(a))"),
    W("01_xor", "sigmoid-derivative", "sigmoid-prime-from-output-impl",
      "tanh's derivative 1 - a^2 instead of a(1 - a)",
      code="return 1 - a ** 2"),
    W("01_xor", "forward-pass", "forward-impl", "W1 instead of W1.T (square, so no shape error)",
      edits=(("X @ W1.T", "X @ W1"),)),
    W("01_xor", "forward-pass", "forward-impl", "no sigmoid on the output layer",
      edits=(("A2 = sigmoid(A1 @ W2.T + b2)", "A2 = A1 @ W2.T + b2"),)),
    W("01_xor", "forward-pass", "forward-impl", "output layer fed the pre-activation Z1",
      code="""
      Z1 = X @ W1.T + b1
      A1 = sigmoid(Z1)
      A2 = sigmoid(Z1 @ W2.T + b2)
      """),
    W("01_xor", "training-loop", "train-impl", "update with + (gradient ascent)",
      edits=(("W1 -= lr", "W1 += lr"), ("b1 -= lr", "b1 += lr"),
             ("W2 -= lr", "W2 += lr"), ("b2 -= lr", "b2 += lr"))),
    W("01_xor", "training-loop", "train-impl", "biases never updated",
      edits=(("\nb1 -= lr * db1", ""), ("\nb2 -= lr * db2", ""))),
    W("01_xor", "training-loop", "train-impl", "transposed weight gradient X.T @ dZ1",
      edits=(("dW1 = dZ1.T @ X", "dW1 = X.T @ dZ1"),)),
    W("01_xor", "training-loop", "train-impl",
      "sigmoid derivative of the pre-activation applied to the output A1",
      edits=(("sigmoid_prime_from_output(A1)", "sigmoid_prime(A1)"),)),
    W("01_xor", "training-loop", "train-impl", "output gradient not divided by N",
      edits=(("dZ2 = (A2 - y) / N", "dZ2 = A2 - y"),)),

    # 02_forward ------------------------------------------------------------------------------
    W("02_forward", "linear-forward", "linear-forward-impl", "W instead of W.T",
      code="return x @ W + b"),
    W("02_forward", "linear-forward", "linear-forward-impl", "bias forgotten",
      code="return x @ W.T"),
    W("02_forward", "linear-forward", "linear-forward-impl",
      "result transposed, (out_features, N)",
      code="return W @ x.T + b[:, None]"),
    W("02_forward", "relu", "relu-impl", "np.max (a reduction) instead of np.maximum",
      code="return np.max(x, 0)"),
    W("02_forward", "relu", "relu-impl", "zeroes the input in place and returns it",
      code="""
      x[x < 0] = 0
      return x
      """),
    W("02_forward", "relu", "relu-impl", "the step function (ReLU's derivative) instead",
      code="return (x > 0).astype(x.dtype)"),
    W("02_forward", "leaky-relu", "leaky-relu-impl",
      "hard-coded 0.01, negative_slope ignored",
      code="return np.where(x > 0, x, 0.01 * x)"),
    W("02_forward", "leaky-relu", "leaky-relu-impl",
      "negative_slope instead of negative_slope * x",
      code="return np.where(x > 0, x, negative_slope)"),
    W("02_forward", "tanh", "tanh-impl", "the definition as written, nan at |x| = 1000",
      code="return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))"),
    W("02_forward", "tanh", "tanh-impl", "(1 - e^-2x) / (1 + e^-2x), nan at x = -1000",
      code="""
      e = np.exp(-2 * x)
      return (1 - e) / (1 + e)
      """),
    W("02_forward", "tanh", "tanh-impl", "|x| used but the sign never put back",
      code="""
      e = np.exp(-2 * np.abs(x))
      return (1 - e) / (1 + e)
      """),
    W("02_forward", "tanh", "tanh-impl", "np.tanh instead of exponentials",
      code="return np.tanh(x)"),
    W("02_forward", "softmax", "softmax-impl", "no max shift, overflows at logits of 1000",
      code="""
      e = np.exp(z)
      return e / e.sum(axis=-1, keepdims=True)
      """),
    W("02_forward", "softmax", "softmax-impl",
      "shifted by the maximum of the whole batch, not of each row",
      code="""
      e = np.exp(z - np.max(z))
      return e / e.sum(axis=-1, keepdims=True)
      """),
    W("02_forward", "softmax", "softmax-impl", "sum without keepdims",
      code="""
      e = np.exp(z - z.max(axis=-1, keepdims=True))
      return e / e.sum(axis=-1)
      """),
    W("02_forward", "softmax", "softmax-impl", "normalised over the batch axis (columns)",
      code="""
      e = np.exp(z - z.max(axis=0, keepdims=True))
      return e / e.sum(axis=0, keepdims=True)
      """),
    W("02_forward", "log-softmax", "log-softmax-impl",
      "log of the softmax, -inf when a probability underflows",
      code="return np.log(softmax(z))"),
    W("02_forward", "log-softmax", "log-softmax-impl",
      "log-sum-exp without adding the maximum back",
      code="""
      m = z.max(axis=-1, keepdims=True)
      return z - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
      """),
    W("02_forward", "log-softmax", "log-softmax-impl", "no max shift, overflows at 1000",
      code="return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))"),
    W("02_forward", "mlp-forward", "mlp-forward-impl", "no ReLU between the layers",
      code="return softmax(linear_forward(linear_forward(x, W1, b1), W2, b2))"),
    W("02_forward", "mlp-forward", "mlp-forward-impl", "returns the logits, no softmax",
      code="return linear_forward(relu(linear_forward(x, W1, b1)), W2, b2)"),
    W("02_forward", "mlp-forward", "mlp-forward-impl", "ReLU on the output logits too",
      code="return softmax(relu(linear_forward(relu(linear_forward(x, W1, b1)), W2, b2)))"),

    # 03_backprop -----------------------------------------------------------------------------
    W("03_backprop", "linear-backward", "linear-backward-impl",
      "transposed weight gradient, x.T @ dout",
      edits=(("dW = dout.T @ x", "dW = x.T @ dout"),)),
    W("03_backprop", "linear-backward", "linear-backward-impl",
      "bias gradient not summed over the batch",
      edits=(("db = dout.sum(axis=0)", "db = dout"),)),
    W("03_backprop", "linear-backward", "linear-backward-impl",
      "bias gradient averaged instead of summed",
      edits=(("db = dout.sum(axis=0)", "db = dout.mean(axis=0)"),)),
    W("03_backprop", "linear-backward", "linear-backward-impl", "dx with W.T instead of W",
      edits=(("dx = dout @ W", "dx = dout @ W.T"),)),
    W("03_backprop", "relu-backward", "relu-backward-impl", "no mask: dout passed through",
      code="return dout"),
    W("03_backprop", "relu-backward", "relu-backward-impl", "mask taken from dout, not x",
      code="return dout * (dout > 0)"),
    W("03_backprop", "relu-backward", "relu-backward-impl",
      "multiplied by relu(x) instead of its slope",
      code="return dout * np.maximum(x, 0)"),
    W("03_backprop", "sigmoid-backward", "sigmoid-backward-impl",
      "sigmoid applied again to the output",
      code="""
      s = 1 / (1 + np.exp(-out))
      return dout * s * (1 - s)
      """),
    W("03_backprop", "sigmoid-backward", "sigmoid-backward-impl", "dout forgotten",
      code="return out * (1 - out)"),
    W("03_backprop", "tanh-backward", "tanh-backward-impl",
      "tanh applied again to the output",
      code="return dout * (1 - np.tanh(out) ** 2)"),
    W("03_backprop", "tanh-backward", "tanh-backward-impl", "dout forgotten",
      code="return 1 - out**2"),
    W("03_backprop", "tanh-backward", "tanh-backward-impl",
      "(1 - out)^2 instead of 1 - out^2",
      code="return dout * (1 - out) ** 2"),
    W("03_backprop", "mse-backward", "mse-backward-impl", "factor 2 missing",
      code="return (pred - target) / pred.size"),
    W("03_backprop", "mse-backward", "mse-backward-impl", "1/N missing",
      code="return 2 * (pred - target)"),
    W("03_backprop", "mse-backward", "mse-backward-impl",
      "divided by the number of rows, not of entries",
      code="return 2 * (pred - target) / len(pred)"),
    W("03_backprop", "mse-backward", "mse-backward-impl", "sign flipped, target - pred",
      code="return 2 * (target - pred) / pred.size"),
    W("03_backprop", "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "not divided by N",
      edits=(("return dlogits / N", "return dlogits"),)),
    W("03_backprop", "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "probs[:, y] -= 1 subtracts from whole columns",
      edits=(("dlogits[np.arange(N), y] -= 1", "dlogits[:, y] -= 1"),)),
    W("03_backprop", "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "softmax without the max shift, nan for large logits",
      edits=(("dlogits = softmax(logits)",
              "dlogits = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)"),)),
    W("03_backprop", "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "label subtracted as a number instead of one-hot",
      edits=(("dlogits[np.arange(N), y] -= 1", "dlogits = dlogits - y[:, None]"),)),
    W("03_backprop", "numerical-gradient", "numerical-gradient-impl",
      "one-sided difference",
      edits=(("grad[i] = (f_plus - f_minus) / (2 * eps)",
              "grad[i] = (f_plus - f(x)) / eps"),)),
    W("03_backprop", "numerical-gradient", "numerical-gradient-impl",
      "divided by eps instead of 2 eps",
      edits=(("(2 * eps)", "eps"),)),
    W("03_backprop", "numerical-gradient", "numerical-gradient-impl",
      "entries not restored",
      edits=(("    x[i] = old\n", ""),)),
    W("03_backprop", "numerical-gradient", "numerical-gradient-impl",
      "moves the entries of a copy, x.flatten()",
      code="""
      flat = x.flatten()
      grad = np.zeros_like(flat)
      for i in range(flat.size):
          old = flat[i]
          flat[i] = old + eps
          f_plus = f(x)
          flat[i] = old - eps
          f_minus = f(x)
          flat[i] = old
          grad[i] = (f_plus - f_minus) / (2 * eps)
      return grad.reshape(x.shape)
      """),
    W("03_backprop", "two-layer-gradients", "two-layer-impl",
      "second layer's input taken as the pre-activation Z1",
      edits=(("linear_backward(dZ2, H, W2)", "linear_backward(dZ2, Z1, W2)"),)),
    W("03_backprop", "two-layer-gradients", "two-layer-impl", "ReLU skipped in the backward pass",
      edits=(("dZ1 = relu_backward(dH, Z1)", "dZ1 = dH"),)),
    W("03_backprop", "two-layer-gradients", "two-layer-impl",
      "first layer's input taken as the hidden activations H",
      edits=(("linear_backward(dZ1, X, W1)", "linear_backward(dZ1, H, W1)"),)),
]
# fmt: on


def solution_answers(solution: nbformat.NotebookNode) -> dict[str, str]:
    """The reference answer of every solution cell, by grade_id: the code between the
    markers, dedented."""
    answers = {}
    for cell in solution.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        lines = cell.source.split("\n")
        begin = [i for i, line in enumerate(lines) if line.strip() == BEGIN_SOLUTION]
        end = [i for i, line in enumerate(lines) if line.strip() == END_SOLUTION]
        if len(begin) != 1 or len(end) != 1:
            raise ValueError(f"answer cell {meta['grade_id']}: expected one solution region")
        answers[meta["grade_id"]] = textwrap.dedent("\n".join(lines[begin[0] + 1 : end[0]]))
    return answers


def buggy_code(wrong: WrongAnswer, answers: dict[str, str]) -> str:
    """The buggy answer: ``code`` itself, or the reference answer with ``edits`` applied."""
    if wrong.code is not None:
        return wrong.code
    code = answers[wrong.answer]
    for old, new in wrong.edits:
        count = code.count(old)
        if count != 1:
            raise ValueError(
                f"{wrong.id}: {old!r} occurs {count} times in the reference answer of "
                f"{wrong.answer}; expected exactly once"
            )
        code = code.replace(old, new)
    return code


def fill_exercise(
    exercise: nbformat.NotebookNode,
    answers: dict[str, str],
    replacements: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """A copy of ``exercise`` whose stubs hold ``answers``, except those in ``replacements``.

    Each answer is indented like the stub it replaces. Raises ValueError if an
    answer cell has no stub or a replacement names no answer cell.
    """
    replacements = dict(replacements or {})
    filled = nbformat.reads(nbformat.writes(exercise), as_version=4)
    for cell in filled.cells:
        identifier = cell.metadata.get("nbgrader", {}).get("grade_id")
        if identifier not in answers:
            continue
        code = replacements.pop(identifier, answers[identifier])
        match = STUB.search(cell.source)
        if not match:
            raise ValueError(f"answer cell {identifier} has no '# YOUR CODE HERE' stub")
        body = textwrap.indent(code, match.group(1))
        cell.source = cell.source[: match.start()] + body + cell.source[match.end() :]
    if replacements:
        raise ValueError(f"no answer cell named {sorted(replacements)}")
    return filled
