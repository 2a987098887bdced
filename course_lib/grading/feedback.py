"""What learners and instructors read: Markdown feedback, the terminal table, the CSV gradebook.

Everything here is built from ``SubmissionResult`` objects only, which never
hold hidden-test code, so no feedback can leak a hidden test.
Taught in no notebook; used by ``course check`` and ``course grade``.
"""

from __future__ import annotations

import csv
import io
import shutil
import textwrap

from course_lib.grading.results import SubmissionResult, format_points

GRADEBOOK_COLUMNS = (
    "learner",
    "task",
    "status",
    "points",
    "max_points",
    "reason",
    "flags",
    "isolation",
)
TOTAL = "TOTAL"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell (no table breaks, no raw HTML)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def feedback_markdown(result: SubmissionResult, *, assignment: str) -> str:
    """The feedback file of one learner: score, one row per task, and the grader's notes."""
    lines = [f"# {assignment}: feedback for {result.learner}", ""]
    if result.status == "invalid":
        lines += [
            "Your notebook could not be graded:",
            "",
            f"> {result.reason}",
            "",
            f"**Score: 0 / {format_points(result.max_score)}**",
            "",
        ]
        return "\n".join(lines)
    lines += [
        f"**Score: {format_points(result.score)} / {format_points(result.max_score)}**",
        "",
        "| Task | Points | Status | Details |",
        "|---|---|---|---|",
    ]
    for task in result.tasks:
        points = f"{format_points(task.points)} / {format_points(task.max_points)}"
        lines.append(f"| {_cell(task.task)} | {points} | {task.status} | {_cell(task.reason)} |")
    if any(task.has_hidden_tests for task in result.tasks):
        lines += ["", "Some tasks also have hidden tests; a failing one is named by its task."]
    if result.notes:
        lines += ["", "## Notes", ""] + [f"- {_cell(note)}" for note in result.notes]
    if result.flags:
        lines += [
            "",
            "## Flagged for your instructor",
            "",
            "These lines look like an attempt to change how the notebook is graded; your "
            "instructor will review them:",
            "",
        ]
        lines += [f"- {_cell(flag.describe())}" for flag in result.flags]
    return "\n".join(lines) + "\n"


def gradebook_csv(results: list[SubmissionResult]) -> str:
    """The gradebook: one row per learner and task, then a TOTAL row per learner.

    ``flags`` lists, on a task's row, the tampering flags that reach its test
    (cell, line, what) and, on the TOTAL row, all of the learner's flags;
    ``isolation`` is the sandbox the learner's kernel ran in.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(GRADEBOOK_COLUMNS)
    for result in sorted(results, key=lambda result: result.learner):
        for task in result.tasks:
            flags = [flag.describe() for flag in result.flags if task.grade_id in flag.tasks]
            writer.writerow(
                [
                    result.learner,
                    task.task,
                    task.status,
                    format_points(task.points),
                    format_points(task.max_points),
                    task.reason,
                    "; ".join(flags),
                    result.isolation,
                ]
            )
        writer.writerow(
            [
                result.learner,
                TOTAL,
                result.status,
                format_points(result.score),
                format_points(result.max_score),
                result.reason,
                "; ".join(flag.describe() for flag in result.flags),
                result.isolation,
            ]
        )
    return buffer.getvalue()


def terminal_table(result: SubmissionResult, *, width: int | None = None) -> str:
    """A plain-text table of the tasks (task, points, status, reason) for ``course check``."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    rows = [
        (
            task.task + (" *" if task.has_hidden_tests else ""),
            f"{format_points(task.points)}/{format_points(task.max_points)}",
            task.status,
            task.reason,
        )
        for task in result.tasks
    ]
    header = ("task", "points", "status", "reason")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(3)]
    reason_width = max(30, width - sum(widths) - 6)
    out = []
    for row in [header, *rows]:
        reason_lines = textwrap.wrap(row[3], reason_width) or [""]
        prefix = "  ".join(value.ljust(widths[column]) for column, value in enumerate(row[:3]))
        out.append(f"{prefix}  {reason_lines[0]}".rstrip())
        out += [" " * (len(prefix) + 2) + line for line in reason_lines[1:]]
    return "\n".join(out)
