"""Exercises from solutions: ``course release`` (and ``make exercises``).

A solution notebook is the single source of an exercise. Releasing it does
exactly what nbgrader's ``generate_assignment`` does to a source notebook, so
an instructor on a JupyterHub with nbgrader gets the same student version:

- ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` becomes ``# YOUR CODE HERE``
  and ``raise NotImplementedError()`` at the marker's indentation (a solution
  cell without markers is replaced whole; Markdown answers become
  ``YOUR ANSWER HERE``), as nbgrader's ClearSolutions;
- ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` is removed, as
  ClearHiddenTests;
- outputs and execution counts are cleared, as ClearOutput;
- test and read-only cells are made non-editable and non-deletable, and
  solution cells non-deletable, as LockCells (JupyterLab honours this).

All other metadata, nbgrader's included, is kept. Taught in no notebook.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course_lib.grading.files import write_atomically
from course_lib.grading.notebook import (
    BEGIN_HIDDEN_TESTS,
    BEGIN_SOLUTION,
    END_HIDDEN_TESTS,
    END_SOLUTION,
    check_nbgrader_metadata,
    describe_cell,
    find_region,
    is_grade_cell,
    is_locked_cell,
    is_solution_cell,
)

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"
OUTPUT_METADATA = ("collapsed", "scrolled")


def release_notebook(source: NotebookNode) -> NotebookNode:
    """The exercise version of a solution notebook (a new notebook; ``source`` is unchanged).

    Raises ValueError, naming the cell, for unusable nbgrader metadata, an
    unclosed or nested marker, a solution region outside a solution cell, or
    hidden tests outside a graded cell (nbgrader refuses these too).

    Example::

        exercise = release_notebook(nbformat.read("solutions/01_xor.ipynb", as_version=4))
    """
    check_nbgrader_metadata(source)
    notebook = copy.deepcopy(source)
    notebook.metadata.pop("celltoolbar", None)
    notebook.metadata.pop("widgets", None)  # widget state belongs to the cleared outputs
    for index, cell in enumerate(notebook.cells):
        where = describe_cell(notebook, index)
        _lock(cell)
        _clear_solution(cell, where)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            for field in OUTPUT_METADATA:
                cell.metadata.pop(field, None)
        _clear_hidden_tests(cell, where)
    return notebook


def _lock(cell: NotebookNode) -> None:
    if is_solution_cell(cell):
        cell.metadata["deletable"] = False
    elif is_grade_cell(cell) or is_locked_cell(cell):
        cell.metadata["deletable"] = False
        cell.metadata["editable"] = False


def _clear_solution(cell: NotebookNode, where: str) -> None:
    lines = cell.source.split("\n")
    regions = find_region(lines, BEGIN_SOLUTION, END_SOLUTION, where=where)
    if regions and not is_solution_cell(cell):
        raise ValueError(f"{where}: a solution region is only allowed in a solution cell")
    stub = (CODE_STUB if cell.cell_type == "code" else TEXT_STUB).split("\n")
    if not regions:
        if is_solution_cell(cell):
            cell.source = "\n".join(stub)
        return
    kept, start_of = [], dict(regions)
    end_of_region = -1
    for number, line in enumerate(lines):
        if number in start_of:
            indent = re.match(r"\s*", line).group(0)
            kept += [indent + stub_line for stub_line in stub]
            end_of_region = start_of[number]
        elif number > end_of_region:
            kept.append(line)
    cell.source = "\n".join(kept)


def _clear_hidden_tests(cell: NotebookNode, where: str) -> None:
    lines = cell.source.split("\n")
    regions = find_region(lines, BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS, where=where)
    if not regions:
        return
    if not is_grade_cell(cell):
        raise ValueError(f"{where}: hidden tests are only allowed in a graded (test) cell")
    hidden = {number for begin, end in regions for number in range(begin, end + 1)}
    cell.source = "\n".join(line for number, line in enumerate(lines) if number not in hidden)


def notebook_text(notebook: NotebookNode) -> str:
    """The notebook as nbformat writes it, ending with a newline (what ``release`` saves)."""
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


@dataclass(frozen=True)
class ReleasedFile:
    """One exercise notebook: where it comes from, where it goes, whether it changes."""

    source: Path
    target: Path
    changed: bool


def release_directory(
    solutions: Path, exercises: Path, names: list[str] | None = None, *, check: bool = False
) -> list[ReleasedFile]:
    """Release ``solutions/NAME.ipynb`` to ``exercises/NAME.ipynb`` for each name (default: all).

    With ``check=True`` nothing is written; the result says which exercises
    differ from what would be written. Names may be given with or without
    ``.ipynb``. Raises FileNotFoundError for a name without a solution.
    """
    solutions, exercises = Path(solutions), Path(exercises)
    if names:
        sources = [
            solutions / (name if name.endswith(".ipynb") else f"{name}.ipynb")
            for name in (Path(name).name for name in names)
        ]
        missing = [str(source) for source in sources if not source.is_file()]
        if missing:
            raise FileNotFoundError(f"no such solution notebook: {', '.join(missing)}")
    else:
        sources = sorted(solutions.glob("*.ipynb"))
    released = []
    for source in sources:
        try:
            text = notebook_text(release_notebook(nbformat.read(source, as_version=4)))
        except ValueError as error:
            raise ValueError(f"{source}: {error}") from None
        target = exercises / source.name
        changed = not target.is_file() or target.read_text(encoding="utf-8") != text
        if changed and not check:
            write_atomically(target, text)
        released.append(ReleasedFile(source, target, changed))
    return released
