"""The machinery every exercise's wrong answers share: ``WrongAnswer`` and how to inject one.

A bug is written either as the whole buggy answer (``code``) or as edits of the
reference answer in solutions/ (``edits``: pairs of old and new text, each old text
found exactly once), so a long answer such as the training loop differs from the
correct one only where the bug is. ``fill_exercise`` puts answers into the released
exercise in place of its ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` stubs.
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


W = WrongAnswer  # the short name the exercise modules use


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
