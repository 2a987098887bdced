"""``course check NOTEBOOK``: a learner runs their notebook the way the grader does.

Only the visible tests run; the table says which tasks also have hidden tests,
which run only when the notebook is graded and may still fail.
Taught in notebooks/00_start_here.ipynb (how to check an exercise).

Its functions are taught in no notebook: learners run ``course check``.
"""

from __future__ import annotations

from pathlib import Path

import course_lib
from course_lib.grading.feedback import terminal_table
from course_lib.grading.grade import grade_submission
from course_lib.grading.results import SubmissionResult, format_points


def find_source(notebook: Path) -> Path:
    """The solution notebook with ``notebook``'s file name, in a ``solutions/`` folder.

    Looked for next to the notebook's folder and its parents, then the current
    folder and its parents, then the course repository holding course_lib.
    Raises FileNotFoundError naming the places tried.
    """
    name = Path(notebook).name
    bases = [Path(notebook).resolve().parent, Path.cwd().resolve()]
    tried = []
    for base in bases:
        for folder in [base, *base.parents]:
            tried.append(folder / "solutions")
    tried.append(Path(course_lib.__file__).resolve().parents[1] / "solutions")
    for folder in dict.fromkeys(tried):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(
        f"no solutions/{name} found next to {notebook}, in the current folder or their "
        "parents; pass the source notebook with --source PATH"
    )


def check_report(result: SubmissionResult, *, notebook: Path, source: Path) -> str:
    """What ``course check`` prints: the table, the visible score, the hidden-test warning."""
    lines = [f"checked {notebook} against {source} (visible tests only)", ""]
    if result.status == "invalid":
        return "\n".join(lines + [f"the notebook cannot be checked: {result.reason}"])
    lines += [terminal_table(result), ""]
    lines.append(
        f"visible tests: {format_points(result.score)} / {format_points(result.max_score)} points"
    )
    if any(task.has_hidden_tests for task in result.tasks):
        lines.append(
            "tasks marked * also have hidden tests: they run only when your notebook is "
            "graded, and may still fail"
        )
    else:
        lines.append("when graded, hidden tests may still fail")
    if result.notes:
        lines += ["", "notes:"] + [f"  - {note}" for note in result.notes]
    if result.flags:
        lines += ["", "flagged for your instructor when graded (see the README, grading):"]
        lines += [f"  - {flag.describe()}" for flag in result.flags]
    return "\n".join(lines)


def check_notebook(notebook: Path, *, source: Path | None = None, **limits) -> SubmissionResult:
    """Run ``notebook`` with its visible tests restored from ``source`` (default: ``find_source``).

    ``limits`` are ``grade_submission``'s keyword arguments (cell_timeout, ...).
    """
    source = Path(source) if source else find_source(notebook)
    return grade_submission(source, Path(notebook), visible_only=True, **limits)
