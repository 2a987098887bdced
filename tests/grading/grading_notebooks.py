"""Small synthetic solution notebooks and submissions for the grader's tests (helpers).

The source has three tasks, the shapes the course's exercises use:

- ``double-tests`` (2 points): visible tests, then hidden tests whose
  assertion message is ``HIDDEN_MARKER``, which must never reach a learner;
- ``half-tests`` (1 point): visible tests only;
- ``square-tests`` (3 points): hidden tests only.

``submission(...)`` starts from the released exercise, as a learner does.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_lib.grading import release_notebook
from course_lib.grading.notebook import grade_id
from course_lib.grading.sandbox import bubblewrap_problem

HIDDEN_MARKER = "HIDDEN-CHECK-7f3a"
TEST_LIMITS = {"cell_timeout": 8.0, "total_timeout": 60.0, "memory_limit": 2**30}

DOUBLE = "def double(x):\n    return 2 * x"
HALF = "def half(x):\n    return x / 2"
SQUARE = "def square(x):\n    return x * x"
CORRECT = {"double": DOUBLE, "half": HALF, "square": SQUARE}

DOUBLE_TESTS = f'''\
assert double.__module__ == "__main__", "double must be defined in this notebook"
assert double(2) == 4, f"double(2) should be 4, got {{double(2)!r}}"
### BEGIN HIDDEN TESTS
assert double(-3) == -6, "{HIDDEN_MARKER}: double(-3)"
### END HIDDEN TESTS'''

HALF_TESTS = 'assert half(4) == 2, f"half(4) should be 2, got {half(4)!r}"'

SQUARE_TESTS = f'''\
### BEGIN HIDDEN TESTS
assert square(3) == 9, "{HIDDEN_MARKER}: square(3)"
### END HIDDEN TESTS'''


def require_bubblewrap() -> None:
    """Skip a test of the bubblewrap sandbox where bwrap does not work, but only outside CI:
    CI installs it (.ci/run), so there its absence is a failure."""
    problem = bubblewrap_problem()
    if problem is not None:
        from conftest import skip_or_fail_without

        skip_or_fail_without(
            "the bubblewrap sandbox", f"{problem}; the grader falls back to the process isolation"
        )


def nbgrader(identifier, *, grade=False, solution=False, locked=False, points=None):
    """nbgrader cell metadata (schema version 3)."""
    metadata = {
        "grade": grade,
        "solution": solution,
        "locked": locked,
        "task": False,
        "grade_id": identifier,
        "schema_version": 3,
    }
    if points is not None:
        metadata["points"] = points
    return {"nbgrader": metadata}


def solution_cell(identifier: str, answer: str) -> nbformat.NotebookNode:
    header, body = answer.split("\n", 1)
    source = f"{header}\n    ### BEGIN SOLUTION\n{body}\n    ### END SOLUTION"
    return new_code_cell(source, metadata=nbgrader(identifier, solution=True))


def make_source() -> nbformat.NotebookNode:
    """The synthetic solution notebook (see the module docstring)."""
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Synthetic exercise", metadata=nbgrader("intro", locked=True)),
            new_code_cell("import math", metadata=nbgrader("imports", locked=True)),
            new_markdown_cell("Write `double(x)`."),
            solution_cell("double", DOUBLE),
            new_code_cell(DOUBLE_TESTS, metadata=nbgrader("double-tests", grade=True, points=2)),
            solution_cell("half", HALF),
            new_code_cell(HALF_TESTS, metadata=nbgrader("half-tests", grade=True, points=1)),
            solution_cell("square", SQUARE),
            new_code_cell(SQUARE_TESTS, metadata=nbgrader("square-tests", grade=True, points=3)),
        ]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook


def index_of(notebook: nbformat.NotebookNode, identifier: str) -> int:
    return next(i for i, cell in enumerate(notebook.cells) if grade_id(cell) == identifier)


def submission(
    answers: dict[str, str] | None = None,
    *,
    after: dict[str, str] | None = None,
    kernel: str | None = None,
) -> nbformat.NotebookNode:
    """The released exercise with ``answers`` (solution grade_id -> code) filled in and
    ``after`` (grade_id -> code) cells inserted right after the named cells."""
    notebook = release_notebook(make_source())
    for identifier, code in (answers or {}).items():
        notebook.cells[index_of(notebook, identifier)].source = code
    for identifier, code in (after or {}).items():
        notebook.cells.insert(index_of(notebook, identifier) + 1, new_code_cell(code))
    if kernel:
        notebook.metadata["kernelspec"] = {"name": kernel, "display_name": kernel}
    return notebook


def write_source(folder: Path) -> Path:
    """The synthetic source, saved as ``folder/source/synthetic.ipynb``."""
    return save(make_source(), folder / "source" / "synthetic.ipynb")


def save(notebook: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def statuses(result) -> dict[str, tuple[str, float]]:
    """{grade_id: (status, points)} of a SubmissionResult."""
    return {task.grade_id: (task.status, task.points) for task in result.tasks}


def reasons(result) -> dict[str, str]:
    return {task.grade_id: task.reason for task in result.tasks}
