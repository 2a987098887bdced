"""Plausible wrong answers for every graded task of the exercises, and how to inject them.

Each entry is a bug learners really make. The honest tests
(tests/grading/test_exercises_wrong_answers.py) put it into an otherwise correct
exercise notebook, in place of one answer's ``# YOUR CODE HERE`` /
``raise NotImplementedError()``, and check that the grader rejects exactly the
task it belongs to.

A bug is written either as the whole buggy answer (``code``) or as edits of the
reference answer in solutions/ (``edits``: pairs of old and new text, each old
text found exactly once), so long answers such as the training loop differ from
the correct one only where the bug is.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import nbformat

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"


@dataclass(frozen=True)
class WrongAnswer:
    """One bug: which notebook, which task must reject it, where it goes, and the code."""

    notebook: str
    task: str
    answer: str
    bug: str
    code: str | None = None
    edits: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.notebook}:{self.task}:{self.bug}"


def _w(notebook, task, answer, bug, code=None, *edits):
    return WrongAnswer(
        notebook,
        task,
        answer,
        bug,
        textwrap.dedent(code).strip("\n") if code else None,
        tuple(edits),
    )


WRONG_ANSWERS = [
    # 01_xor ---------------------------------------------------------------------------------
    _w(
        "01_xor",
        "sigmoid-tests",
        "sigmoid-impl",
        "sign error in the exponent, 1 / (1 + e^z)",
        "return 1.0 / (1.0 + np.exp(z))",
    ),
    _w(
        "01_xor",
        "sigmoid-tests",
        "sigmoid-impl",
        "operator precedence, 1 / 1 + e^-z",
        "return 1 / 1 + np.exp(-z)",
    ),
    _w(
        "01_xor",
        "sigmoid-tests",
        "sigmoid-impl",
        "e^z / (1 + e^z) overflows to nan at z = 1000",
        "return np.exp(z) / (1 + np.exp(z))",
    ),
    _w(
        "01_xor",
        "sigmoid-tests",
        "sigmoid-impl",
        "math.exp, which takes one number, not an array",
        """
       import math
       return 1 / (1 + math.exp(-z))
       """,
    ),
    _w(
        "01_xor",
        "sigmoid-derivative-tests",
        "sigmoid-prime-impl",
        "a * (1 - a) applied to the pre-activation z",
        "return z * (1 - z)",
    ),
    _w(
        "01_xor",
        "sigmoid-derivative-tests",
        "sigmoid-prime-impl",
        "half converted, sigmoid(z) * (1 - z)",
        "return sigmoid(z) * (1 - z)",
    ),
    _w(
        "01_xor",
        "sigmoid-derivative-tests",
        "sigmoid-prime-from-output-impl",
        "sigmoid applied again to the output a",
        "return sigmoid(a) * (1 - sigmoid(a))",
    ),
    _w(
        "01_xor",
        "sigmoid-derivative-tests",
        "sigmoid-prime-from-output-impl",
        "tanh's derivative 1 - a^2 instead of a(1 - a)",
        "return 1 - a ** 2",
    ),
    _w(
        "01_xor",
        "forward-tests",
        "forward-impl",
        "W1 instead of W1.T (square, so no shape error)",
        None,
        ("X @ W1.T", "X @ W1"),
    ),
    _w(
        "01_xor",
        "forward-tests",
        "forward-impl",
        "no sigmoid on the output layer",
        None,
        ("A2 = sigmoid(A1 @ W2.T + b2)", "A2 = A1 @ W2.T + b2"),
    ),
    _w(
        "01_xor",
        "forward-tests",
        "forward-impl",
        "output layer fed the pre-activation Z1",
        """
       Z1 = X @ W1.T + b1
       A1 = sigmoid(Z1)
       A2 = sigmoid(Z1 @ W2.T + b2)
       """,
    ),
    _w(
        "01_xor",
        "train-tests",
        "train-impl",
        "update with + (gradient ascent)",
        None,
        ("W1 -= lr", "W1 += lr"),
        ("b1 -= lr", "b1 += lr"),
        ("W2 -= lr", "W2 += lr"),
        ("b2 -= lr", "b2 += lr"),
    ),
    _w(
        "01_xor",
        "train-tests",
        "train-impl",
        "biases never updated",
        None,
        ("\nb1 -= lr * db1", ""),
        ("\nb2 -= lr * db2", ""),
    ),
    _w(
        "01_xor",
        "train-tests",
        "train-impl",
        "transposed weight gradient X.T @ dZ1",
        None,
        ("dW1 = dZ1.T @ X", "dW1 = X.T @ dZ1"),
    ),
    _w(
        "01_xor",
        "train-tests",
        "train-impl",
        "sigmoid derivative of the pre-activation applied to the output A1",
        None,
        ("sigmoid_prime_from_output(A1)", "sigmoid_prime(A1)"),
    ),
    _w(
        "01_xor",
        "train-tests",
        "train-impl",
        "output gradient not divided by N",
        None,
        ("dZ2 = (A2 - y) / N", "dZ2 = A2 - y"),
    ),
]


def solution_answers(solution: nbformat.NotebookNode) -> dict[str, str]:
    """The reference answer of every solution cell, by grade_id, dedented, without markers."""
    answers = {}
    for cell in solution.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution") or BEGIN_SOLUTION not in cell.source:
            continue
        lines = cell.source.split("\n")
        begin = next(i for i, line in enumerate(lines) if line.strip() == BEGIN_SOLUTION)
        end = next(i for i, line in enumerate(lines) if line.strip() == END_SOLUTION)
        answers[meta["grade_id"]] = textwrap.dedent("\n".join(lines[begin + 1 : end]))
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
                f"{wrong.id}: {old!r} occurs {count} times in the reference answer "
                f"of {wrong.answer}; expected exactly once"
            )
        code = code.replace(old, new)
    return code


def fill_exercise(
    exercise: nbformat.NotebookNode,
    answers: dict[str, str],
    replacements: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """A copy of ``exercise`` whose stubs hold ``answers``, except those in ``replacements``.

    Each stub is replaced at its own indentation. Raises ValueError if an answer
    cell has no stub or a replacement names no answer cell.
    """
    replacements = replacements or {}
    filled = nbformat.reads(nbformat.writes(exercise), as_version=4)
    used = set()
    for cell in filled.cells:
        identifier = cell.metadata.get("nbgrader", {}).get("grade_id")
        if identifier not in answers:
            continue
        code = replacements.get(identifier, answers[identifier])
        used.add(identifier)
        match = re.search(
            r"^([ \t]*)# YOUR CODE HERE\n[ \t]*raise NotImplementedError\(\)$",
            cell.source,
            flags=re.MULTILINE,
        )
        if not match:
            raise ValueError(f"answer cell {identifier} has no '# YOUR CODE HERE' stub")
        body = textwrap.indent(code, match.group(1))
        cell.source = cell.source[: match.start()] + body + cell.source[match.end() :]
    unknown = set(replacements) - used
    if unknown:
        raise ValueError(f"no answer cell named {sorted(unknown)}")
    return filled
