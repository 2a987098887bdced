"""Reading notebooks safely, and nbgrader's cell conventions.

A submission can be anything a learner managed to upload: a truncated file, a
merge conflict, a notebook with a 200 MB plot in it, a PDF renamed to .ipynb.
``read_notebook`` turns each of these into an ``InvalidNotebookError`` whose
message says what is wrong and what to do, and only then lets nbformat parse
and validate the notebook.

The cell conventions are nbgrader's (schema version 3), so the course's
solutions work as nbgrader source notebooks unchanged::

    cell.metadata["nbgrader"] = {"grade": bool, "solution": bool, "locked": bool,
                                 "task": False, "grade_id": "a-slug", "points": 2,
                                 "schema_version": 3}

Taught in no notebook; used by ``course release``, ``check`` and ``grade``.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course_lib.grading.files import format_bytes

MIB = 2**20
DEFAULT_MAX_NOTEBOOK_BYTES = 50 * MIB

BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"
BEGIN_HIDDEN_TESTS = "BEGIN HIDDEN TESTS"
END_HIDDEN_TESTS = "END HIDDEN TESTS"

_CONFLICT_MARKER = re.compile(r"^(<{7}|>{7})(?: |$)", re.MULTILINE)


class InvalidNotebookError(ValueError):
    """A file that cannot be graded as a notebook; the message says why and what to do."""


def read_notebook(path: Path, *, max_bytes: int = DEFAULT_MAX_NOTEBOOK_BYTES) -> NotebookNode:
    """Read and validate the notebook at ``path`` (nbformat 4).

    Raises ``InvalidNotebookError`` for a file over ``max_bytes`` (usually
    huge outputs), null bytes, merge-conflict markers, broken JSON, a JSON file
    that is not a notebook, nbformat 3 or older, or a notebook that nbformat's
    schema rejects.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise InvalidNotebookError(
            f"the file is {format_bytes(size)}, over the {format_bytes(max_bytes)} limit "
            "(usually large outputs such as images printed in a loop): clear the outputs "
            "(Edit > Clear Outputs of All Cells), save and submit again"
        )
    return parse_notebook(path.read_bytes())


def parse_notebook(data: bytes) -> NotebookNode:
    """Parse and validate notebook bytes; see ``read_notebook`` for the errors raised."""
    null = data.find(b"\x00")
    if null >= 0:
        raise InvalidNotebookError(
            f"the file contains null bytes (first at byte {null}): it is damaged "
            "or not a text file; submit the .ipynb file saved by Jupyter"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidNotebookError(
            f"the file is not UTF-8 text ({error.reason} at byte {error.start}): it is not a "
            "Jupyter notebook; submit the .ipynb file saved by Jupyter"
        ) from None
    conflict = _CONFLICT_MARKER.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise InvalidNotebookError(
            f"the file contains a merge-conflict marker ({conflict.group(1)}) on line {line}: "
            "resolve the conflict (keep one version of each cell, delete the <<<<<<<, "
            "======= and >>>>>>> lines) and check that the notebook opens in Jupyter"
        )
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidNotebookError(
            f"the file is not valid JSON ({error.msg}: line {error.lineno}, column "
            f"{error.colno}); it may be truncated or edited by hand: open it in Jupyter, "
            "or submit a fresh copy"
        ) from None
    if not isinstance(content, dict) or "cells" not in content and "worksheets" not in content:
        raise InvalidNotebookError(
            "the file is JSON but not a Jupyter notebook (no cells): submit the .ipynb file"
        )
    version = content.get("nbformat")
    if version != 4:
        raise InvalidNotebookError(
            f"the notebook uses nbformat {version}, and grading needs nbformat 4: open it "
            "in a current Jupyter (JupyterLab 3 or later) and save it again"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbformat adds missing cell ids with a warning
        try:
            notebook = nbformat.reads(text, as_version=4)
            nbformat.validate(notebook)
        except nbformat.ValidationError as error:
            raise InvalidNotebookError(
                f"the notebook does not follow the notebook format: {error.message}; open "
                "it in Jupyter, save it again and check it"
            ) from None
        except Exception as error:  # nbformat's reader raises several types
            raise InvalidNotebookError(
                f"the notebook cannot be read: {type(error).__name__}: {error}"
            ) from None
    return notebook


def nbgrader_metadata(cell: NotebookNode) -> dict:
    """The cell's ``nbgrader`` metadata, or an empty dict."""
    metadata = cell.get("metadata", {}).get("nbgrader", {})
    return metadata if isinstance(metadata, dict) else {}


def grade_id(cell: NotebookNode) -> str | None:
    """The cell's nbgrader ``grade_id``, or None."""
    value = nbgrader_metadata(cell).get("grade_id")
    return value if isinstance(value, str) and value else None


def is_solution_cell(cell: NotebookNode) -> bool:
    """A cell whose content the learner writes (nbgrader ``solution: true``)."""
    return bool(nbgrader_metadata(cell).get("solution", False))


def is_grade_cell(cell: NotebookNode) -> bool:
    """A cell that carries points (nbgrader ``grade: true``)."""
    return bool(nbgrader_metadata(cell).get("grade", False))


def is_test_cell(cell: NotebookNode) -> bool:
    """An autograder test cell: code, graded, not a solution (nbgrader's "Autograder tests")."""
    return cell.cell_type == "code" and is_grade_cell(cell) and not is_solution_cell(cell)


def is_locked_cell(cell: NotebookNode) -> bool:
    """A cell whose source belongs to the instructor (nbgrader's ``utils.is_locked``)."""
    if is_solution_cell(cell):
        return False
    if is_grade_cell(cell):
        return True
    return bool(nbgrader_metadata(cell).get("locked", False))


def find_region(lines: list[str], begin: str, end: str, *, where: str) -> list[tuple[int, int]]:
    """The (begin line, end line) index pairs of ``### BEGIN ...`` / ``### END ...`` regions.

    Markers are matched anywhere in a line, as nbgrader does. Raises ValueError
    naming ``where`` for a nested or unterminated region.
    """
    regions, start = [], None
    for number, line in enumerate(lines):
        if begin in line:
            if start is not None:
                raise ValueError(f"{where}: nested '{begin}' on line {number + 1}")
            start = number
        elif end in line:
            if start is None:
                raise ValueError(f"{where}: '{end}' on line {number + 1} has no '{begin}'")
            regions.append((start, number))
            start = None
    if start is not None:
        raise ValueError(f"{where}: '{begin}' on line {start + 1} is never closed by '{end}'")
    return regions


def describe_cell(notebook: NotebookNode, index: int) -> str:
    """``cell 7 (grade_id 'sigmoid-tests')``: a cell as an error message names it (1-based)."""
    identifier = grade_id(notebook.cells[index])
    return f"cell {index + 1}" + (f" (grade_id '{identifier}')" if identifier else "")


def check_nbgrader_metadata(notebook: NotebookNode, *, name: str = "the notebook") -> None:
    """Raise ValueError, naming the cell, if the nbgrader metadata is not usable.

    The rules are nbgrader's own (``MetadataValidatorV3``): graded, solution and
    locked cells need a unique non-empty ``grade_id``; graded cells need
    ``points`` (a number >= 0); Markdown graded cells are also solution cells.
    """
    seen: dict[str, int] = {}
    for index, cell in enumerate(notebook.cells):
        metadata = nbgrader_metadata(cell)
        if not (metadata.get("grade") or metadata.get("solution") or metadata.get("locked")):
            continue
        where = f"{name}, {describe_cell(notebook, index)}"
        identifier = grade_id(cell)
        if identifier is None:
            raise ValueError(f"{where}: an nbgrader cell needs a non-empty grade_id")
        if identifier in seen:
            raise ValueError(
                f"{where}: grade_id '{identifier}' is also used by cell {seen[identifier] + 1}; "
                "grade ids must be unique"
            )
        seen[identifier] = index
        if metadata.get("grade"):
            points = metadata.get("points")
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
                raise ValueError(f"{where}: a graded cell needs points >= 0, got {points!r}")
            if cell.cell_type == "markdown" and not metadata.get("solution"):
                raise ValueError(f"{where}: a graded Markdown cell must also be a solution cell")
