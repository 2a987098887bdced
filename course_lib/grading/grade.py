"""Grading one submission against its source notebook: ``grade_submission``.

Read the submission safely (``notebook.py``), restore its tests from the
source (``plan.py``), flag tampering in the learner's cells
(``tampering.py``), run it in a fresh sandboxed kernel (``runner.py``,
``kernel.py``, ``sandbox.py``), turn each test's outcome into a ``TaskResult``
with a readable reason (``reasons.py``), and remove any hidden test or
solution line from what the learner will read (``redaction.py``). Taught in
no notebook; used by ``course check`` and ``course grade``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbformat import NotebookNode

from course_lib.grading.limits import (
    DEFAULT_CELL_TIMEOUT,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TOTAL_TIMEOUT,
    Limits,
)
from course_lib.grading.notebook import (
    DEFAULT_MAX_NOTEBOOK_BYTES,
    InvalidNotebookError,
    read_notebook,
)
from course_lib.grading.plan import Plan, Task, plan_submission, source_tasks, task_name
from course_lib.grading.reasons import cell_note, task_outcome
from course_lib.grading.redaction import redact, secret_lines
from course_lib.grading.results import SubmissionResult, TaskResult
from course_lib.grading.runner import Run, run_plan
from course_lib.grading.sandbox import choose_isolation
from course_lib.grading.tampering import RUN_TIME, Flag, inspect_cells


def read_source(path: Path) -> NotebookNode:
    """Read a solution notebook; ValueError naming the cell if it cannot be graded."""
    path = Path(path)
    source = nbformat.read(path, as_version=4)
    source_tasks(source, name=str(path))
    return source


def grade_submission(
    source: Path,
    submission: Path,
    *,
    visible_only: bool = False,
    cell_timeout: float = DEFAULT_CELL_TIMEOUT,
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    seed: int = 0,
    learner: str | None = None,
    isolate_network: bool = True,
    sandbox: str = "auto",
    max_notebook_bytes: int = DEFAULT_MAX_NOTEBOOK_BYTES,
) -> SubmissionResult:
    """Grade the notebook ``submission`` against the solution notebook ``source``.

    Parameters
    ----------
    source, submission : Path
        The solution notebook (tests, hidden tests and points) and the learner's notebook.
    visible_only : bool
        Run only the visible tests (what ``course check`` does).
    cell_timeout, total_timeout : float
        Seconds one cell, and the whole notebook (kernel start included), may take.
    memory_limit : int or None
        Address-space limit of the kernel in bytes (None: no limit). The default,
        ``limits.DEFAULT_MEMORY_LIMIT``, is 2.5 GB: about 1 GB for a kernel with the
        course's libraries loaded, plus 1.5 GB for the learner's data.
    seed : int
        Seeds ``random``, NumPy's global generator and ``PYTHONHASHSEED``.
    learner : str, optional
        The learner's name in the result (default: the submission's file name).
    isolate_network : bool
        Without bubblewrap: run the kernel without network where the system allows
        (``unshare -n``). The bubblewrap sandbox never has network.
    sandbox : str
        "auto" (bubblewrap where it works, else the process isolation), "bubblewrap"
        (ValueError where it does not work) or "none" (see ``sandbox.py``).
    max_notebook_bytes : int
        Larger submissions are reported as invalid without being opened.

    Returns
    -------
    SubmissionResult
        Never raises for a bad submission (invalid files are ``status="invalid"``);
        raises ValueError or OSError for a bad *source* notebook.

    Example (grading runs a kernel, so this is not run as a doctest)::

        result = grade_submission(Path("solutions/01_xor.ipynb"), Path("alice.ipynb"))
        print(result.score, result.max_score)   # e.g. 7.0 8.0
    """
    return run_sync(grade_submission_async)(
        read_source(source),
        Path(submission),
        notebook_name=Path(source).name,
        visible_only=visible_only,
        limits=Limits(cell_timeout, total_timeout, memory_limit, isolate_network, sandbox),
        seed=seed,
        learner=learner,
        max_notebook_bytes=max_notebook_bytes,
    )


async def grade_submission_async(
    source: NotebookNode,
    submission: Path,
    *,
    notebook_name: str,
    limits: Limits,
    visible_only: bool = False,
    seed: int = 0,
    learner: str | None = None,
    max_notebook_bytes: int = DEFAULT_MAX_NOTEBOOK_BYTES,
) -> SubmissionResult:
    """``grade_submission`` for an already-read source, as a coroutine (for batches)."""
    learner = learner or Path(submission).stem
    tasks = source_tasks(source)
    isolation = choose_isolation(limits.sandbox)
    try:
        notebook = read_notebook(submission, max_bytes=max_notebook_bytes)
        data = Path(submission).read_bytes()
    except InvalidNotebookError as error:
        return invalid_result(learner, tasks, str(error))
    except OSError as error:
        return invalid_result(learner, tasks, f"the file cannot be read: {error.strerror}")
    plan = plan_submission(source, notebook, visible_only=visible_only)
    flags = inspect_plan(plan)
    run = await run_plan(
        plan,
        notebook=data,
        notebook_name=notebook_name,
        limits=limits,
        seed=seed,
        isolation=isolation,
    )
    flags += run_time_flags(plan, run)
    results = [_task_result(task, plan, run, limits) for task in tasks]
    notes = [*plan.notes]
    for segment, outcome in zip(plan.segments, run.segments, strict=True):
        note = cell_note(segment, outcome, memory_limit=limits.memory_limit)
        if segment.task is None and note:
            notes.append(note)
    notes += run.notes
    result = SubmissionResult(
        learner,
        results,
        "graded",
        "",
        notes,
        round(run.seconds, 2),
        isolation=run.isolation,
        flags=flags,
    )
    if visible_only:
        return result  # course check: the learner's own machine, visible tests, full messages
    own_code = [segment.code for segment in plan.segments if segment.learners]
    return redact_result(result, secret_lines(source, known=own_code))


def inspect_plan(plan: Plan) -> list[Flag]:
    """The tampering flags of the learner's cells, each with the tasks whose tests follow it."""
    learner_cells = [
        (segment.cell, segment.code)
        for segment in plan.segments
        if segment.learners and segment.cell is not None
    ]
    others = [segment.code for segment in plan.segments if not segment.learners]
    flags = inspect_cells(learner_cells, other_sources=others)
    return [replace(flag, tasks=_tasks_after(plan, flag.cell)) for flag in flags]


def _tasks_after(plan: Plan, cell: int | None) -> tuple[str, ...]:
    """The tasks whose tests run after the first segment of learner cell ``cell``."""
    tasks: list[str] = []
    started = False
    for segment in plan.segments:
        started = started or (segment.learners and segment.cell == cell)
        if started and segment.task is not None and segment.task not in tasks:
            tasks.append(segment.task)
    return tuple(tasks)


def run_time_flags(plan: Plan, run: Run) -> list[Flag]:
    """A flag for every test before which the kernel guard had to put something back."""
    flags = []
    for index, names in sorted(run.restored.items()):
        task = plan.segments[index].task
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        flags.append(
            Flag(
                None,
                None,
                RUN_TIME,
                f"before the test of task '{task_name(task)}': {shown} had been replaced "
                "and were put back",
                (task,),
            )
        )
    return flags


def redact_result(result: SubmissionResult, secrets: list[str]) -> SubmissionResult:
    """``result`` with every secret line removed from the texts a learner reads."""
    redactions: list[dict] = []

    def clean(text: str, where: str) -> str:
        text, found = redact(text, secrets)
        redactions.extend({"where": where, "line": line} for line in found)
        return text

    tasks = [
        replace(task, reason=clean(task.reason, f"the reason of task '{task.task}'"))
        for task in result.tasks
    ]
    notes = [clean(note, f"note {number}") for number, note in enumerate(result.notes, 1)]
    reason = clean(result.reason, "the submission's reason")
    return replace(result, tasks=tasks, notes=notes, reason=reason, redactions=redactions)


def invalid_result(learner: str, tasks: list[Task], reason: str) -> SubmissionResult:
    """The result of a submission that could not be read: every task 0, with the reason."""
    return SubmissionResult(
        learner,
        [
            TaskResult(
                task.grade_id,
                task.name,
                "error",
                0.0,
                task.points,
                "not graded: the notebook is invalid",
                task.has_hidden_tests,
            )
            for task in tasks
        ],
        status="invalid",
        reason=reason,
    )


def _task_result(task: Task, plan: Plan, run: Run, limits: Limits) -> TaskResult:
    def result(status: str, reason: str) -> TaskResult:
        points = task.points if status == "pass" else 0.0
        return TaskResult(
            task.grade_id, task.name, status, points, task.points, reason, task.has_hidden_tests
        )

    if task.grade_id in plan.missing:
        return result(
            "missing",
            "the test cell could not be put back (it was deleted or lost its grading "
            "metadata, and so was the cell it follows), so this task scores 0: copy your "
            "answers into a fresh copy of the exercise",
        )
    learner_cells = {
        outcome.execution_count: (segment.cell, segment.code)
        for segment, outcome in zip(plan.segments, run.segments, strict=True)
        if segment.task is None and segment.cell and outcome.execution_count is not None
    }
    ran = [
        (segment, outcome)
        for segment, outcome in zip(plan.segments, run.segments, strict=True)
        if segment.task == task.grade_id
    ]
    for segment, outcome in ran:
        if outcome.status != "ok":
            status, reason = task_outcome(
                segment, outcome, learner_cells=learner_cells, memory_limit=limits.memory_limit
            )
            return result(status, reason)
    if not ran:  # cannot happen: every placed test has a segment; never a silent pass
        return result("error", "the test did not run")
    if plan.visible_only and task.has_hidden_tests:
        return result("pass", "visible tests pass; hidden tests run only when graded")
    return result("pass", "")
