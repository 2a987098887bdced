"""What the grader runs: the learner's cells with every test restored from the source.

A learner's notebook is never trusted for its tests. Before anything runs:

- every instructor-owned cell (test cells and read-only cells, found by
  ``grade_id``) gets its source and metadata back from the solution notebook,
  so an edited or retyped test, or raised points, change nothing;
- a deleted test cell is put back after the cell it followed in the source
  (the nearest earlier cell with a ``grade_id`` that the submission still
  has); if the learner's notebook has lost all nbgrader metadata but still has
  the exercise's shape (same number and types of cells), cells are matched by
  position; a test that cannot be placed either way is scored 0 as "missing";
- a second cell claiming a test's ``grade_id`` runs as ordinary learner code;
- tasks and points come from the source only.

Each test cell is split at its hidden-test markers into segments run one after
the other, so a failure is known to come from a visible test (its message is
shown) or a hidden one (only the task is named). ``visible_only`` (``course
check``) drops the hidden segments.

Taught in no notebook; used by ``course check`` and ``course grade``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nbformat import NotebookNode

from course_lib.grading.notebook import (
    BEGIN_HIDDEN_TESTS,
    END_HIDDEN_TESTS,
    check_nbgrader_metadata,
    describe_cell,
    find_region,
    grade_id,
    is_locked_cell,
    is_test_cell,
    nbgrader_metadata,
)
from course_lib.grading.release import release_notebook


@dataclass(frozen=True)
class Task:
    """A graded task: one test cell of the source notebook."""

    grade_id: str
    name: str
    points: float
    has_hidden_tests: bool = False


@dataclass(frozen=True)
class Segment:
    """A piece of code the grader runs as one cell.

    ``cell`` is the 1-based number of the learner's cell it comes from (None
    for a test cell the grader put back); ``task`` is the grade_id of the
    test it belongs to (None for other code); ``hidden`` marks hidden-test
    code, whose text never reaches feedback; ``instructor`` marks a read-only
    cell restored from the source (the rest, with ``task`` None, is the
    learner's own code).
    """

    code: str
    cell: int | None = None
    task: str | None = None
    hidden: bool = False
    instructor: bool = False

    @property
    def learners(self) -> bool:
        """Whether this is the learner's own code (not a test, not an instructor cell)."""
        return self.task is None and not self.instructor


@dataclass
class Plan:
    """The code to run for one submission, in order, and what restoring the tests found."""

    tasks: list[Task]
    visible_only: bool = False
    segments: list[Segment] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def task_name(identifier: str) -> str:
    """The readable name of a task: its grade_id with dashes and underscores as spaces."""
    return identifier.replace("-", " ").replace("_", " ").strip()


def source_tasks(source: NotebookNode, *, name: str = "the source notebook") -> list[Task]:
    """The tasks of a solution notebook, in order; raises ValueError if it cannot be graded.

    Beyond nbgrader's own metadata rules, hidden-test markers in a test cell
    must start at the left margin (no indentation), because the grader runs
    hidden tests as separate cells.
    """
    check_nbgrader_metadata(source, name=name)
    tasks = []
    for index, cell in enumerate(source.cells):
        if not is_test_cell(cell):
            continue
        lines = cell.source.split("\n")
        where = f"{name}, {describe_cell(source, index)}"
        regions = find_region(lines, BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS, where=where)
        for begin, end in regions:
            for number in (begin, end):
                if lines[number][:1].isspace():
                    raise ValueError(
                        f"{where}: hidden-test marker on line {number + 1} is indented; "
                        "start it at the left margin"
                    )
        identifier = grade_id(cell)
        points = float(nbgrader_metadata(cell)["points"])
        tasks.append(Task(identifier, task_name(identifier), points, bool(regions)))
    return tasks


def split_test_cell(code: str, *, task: str, visible_only: bool) -> list[Segment]:
    """Split a test cell at its hidden-test markers into visible and hidden segments."""
    lines = code.split("\n")
    regions = find_region(lines, BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS, where=f"test '{task}'")
    segments, start = [], 0
    for begin, end in regions:
        segments.append(Segment("\n".join(lines[start:begin]), task=task))
        if not visible_only:
            segments.append(Segment("\n".join(lines[begin + 1 : end]), task=task, hidden=True))
        start = end + 1
    segments.append(Segment("\n".join(lines[start:]), task=task))
    non_empty = [segment for segment in segments if segment.code.strip()]
    return non_empty or [Segment("pass", task=task)]


def plan_submission(
    source: NotebookNode, submission: NotebookNode, *, visible_only: bool = False
) -> Plan:
    """The code to run for ``submission``, with the instructor's cells restored from ``source``."""
    tasks = source_tasks(source)
    owned = {grade_id(cell): cell for cell in source.cells if is_locked_cell(cell)}
    released = {grade_id(cell): cell for cell in release_notebook(source).cells}
    plan = Plan(tasks, visible_only)

    # Each entry: (source cell or None, the learner's cell, its 1-based number or None).
    cells: list[tuple[NotebookNode | None, NotebookNode, int | None]] = []
    placed: set[str] = set()
    for number, cell in enumerate(submission.cells, start=1):
        identifier = grade_id(cell)
        if identifier in owned and identifier not in placed:
            placed.add(identifier)
            original = owned[identifier]
            if (
                is_test_cell(original)
                and _changed(cell, released[identifier])
                and _changed(cell, original)
            ):
                plan.notes.append(
                    f"the test cell of task '{task_name(identifier)}' (cell {number}) had been "
                    "changed; the original test was used"
                )
            cells.append((original, original, number))
        else:
            cells.append((None, cell, number))

    has_ids = any(grade_id(cell) for cell in submission.cells)
    if not has_ids and _same_shape(source, submission):
        cells = [
            (original, original, number) if is_locked_cell(original) else (None, cell, number)
            for number, (original, cell) in enumerate(
                zip(source.cells, submission.cells, strict=True), 1
            )
        ]
        placed = set(owned)
        plan.notes.append(
            "the notebook had lost its grading metadata; its cells were matched to the "
            "exercise by position"
        )

    for index, original in enumerate(source.cells):
        identifier = grade_id(original)
        if identifier not in owned or identifier in placed:
            continue
        position = _insertion_point(source, index, cells)
        if position is None:
            if is_test_cell(original):
                plan.missing.add(identifier)
            continue
        cells.insert(position, (original, original, None))
        placed.add(identifier)
        if is_test_cell(original):
            plan.notes.append(
                f"the test cell of task '{task_name(identifier)}' was missing and was put back"
            )

    for original, cell, number in cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if original is not None and is_test_cell(original):
            identifier = grade_id(original)
            for segment in split_test_cell(
                original.source, task=identifier, visible_only=visible_only
            ):
                plan.segments.append(Segment(segment.code, number, identifier, segment.hidden))
        else:
            plan.segments.append(Segment(cell.source, number, instructor=original is not None))
    return plan


def _changed(cell: NotebookNode, released: NotebookNode) -> bool:
    """Whether ``cell`` differs from ``released`` (in type, source or nbgrader metadata)."""
    return (
        cell.cell_type != released.cell_type
        or cell.source != released.source
        or nbgrader_metadata(cell) != nbgrader_metadata(released)
    )


def _same_shape(source: NotebookNode, submission: NotebookNode) -> bool:
    return [cell.cell_type for cell in source.cells] == [
        cell.cell_type for cell in submission.cells
    ]


def _insertion_point(
    source: NotebookNode,
    index: int,
    cells: list[tuple[NotebookNode | None, NotebookNode, int | None]],
) -> int | None:
    """Where to put back source cell ``index``: right after the nearest earlier source
    cell that has a grade_id, if the plan has it (None if not: the cell cannot be
    placed); at the top if no earlier cell has a grade_id."""
    earlier = [grade_id(cell) for cell in source.cells[:index] if grade_id(cell)]
    if not earlier:
        return 0
    for position, (original, cell, _) in enumerate(cells):
        if grade_id(original if original is not None else cell) == earlier[-1]:
            return position + 1
    return None
