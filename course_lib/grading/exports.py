"""Gradebook exports that learning platforms import: Canvas and Moodle CSV files.

``course gradebook export DIR --format canvas|moodle`` reads the TOTAL rows of
``DIR/gradebook.csv`` (so ``--strict`` scoring, if the gradebook was written
with it, carries over) and writes one CSV in the layout the platform's own
gradebook export uses, which is what its import reads back:

- **Canvas** (Grades > Import): the columns ``Student``, ``ID``, ``SIS User
  ID``, ``SIS Login ID``, ``Section``, then one column per assignment; a
  second row ``Points Possible`` gives the assignment's points. Canvas
  matches a row to a student by ``ID``, ``SIS User ID`` or ``SIS Login ID``.
  An assignment column named ``Name (1234)`` updates the existing assignment
  1234; a new name creates an assignment.
- **Moodle** (Grades > Import > CSV file): one identity column and, per grade
  item, a grade column ``Name (Real)`` and a feedback column ``Name
  (Feedback)``, as Moodle's own export names them. At import, map the
  identity column to ``username``, ``useridnumber`` or ``useremail`` ("Map
  from" / "Map to"), and each grade column to its grade item (or a new one).
  Import the grade and feedback columns together: Moodle overwrites both.

Without a roster, the learner's name (the notebook's name, or nbgrader's
student id) is put where the platform matches it: ``SIS Login ID`` for
Canvas, the identity column (``Username`` by default) for Moodle. With
``roster=`` (the platform's own gradebook export, a CSV), each learner is
looked up in the roster's ``match_column`` and the row keeps the roster's
names and ids; learners missing from the roster are returned apart, never
guessed. Invalid submissions export 0 points, as in the gradebook.

Examples of both files, made from ``docs/examples/gradebook``, are in
``docs/examples/``. Taught in no notebook; used by ``course gradebook export``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from course_lib.grading.feedback import TOTAL

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_POSSIBLE = "    Points Possible"  # Canvas's own export writes it so
MOODLE_IDENTITY = {
    "username": "Username",
    "idnumber": "ID number",
    "email": "Email address",
}
MOODLE_ROSTER_COLUMNS = (
    "First name",
    "Last name",
    "ID number",
    "Institution",
    "Department",
    "Email address",
)
FORMATS = ("canvas", "moodle")


@dataclass(frozen=True)
class Total:
    """One learner's line of the gradebook: points, maximum, status and per-task statuses."""

    learner: str
    points: str
    max_points: str
    status: str
    tasks: tuple[tuple[str, str, str, str], ...]  # (task, status, points, max_points)


def read_totals(gradebook: Path) -> list[Total]:
    """The learners of a ``gradebook.csv`` (``course grade``'s), in its order."""
    gradebook = Path(gradebook)
    if gradebook.is_dir():
        gradebook = gradebook / "gradebook.csv"
    with open(gradebook, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    missing = {"learner", "task", "status", "points", "max_points"} - set(rows[0] if rows else {})
    if rows and missing:
        raise ValueError(f"{gradebook} is not a course gradebook (no column {sorted(missing)})")
    totals, tasks = [], []
    for row in rows:
        if row["task"] == TOTAL:
            totals.append(
                Total(row["learner"], row["points"], row["max_points"], row["status"], tuple(tasks))
            )
            tasks = []
        else:
            tasks.append((row["task"], row["status"], row["points"], row["max_points"]))
    return totals


def assignment_name(folder: Path) -> str | None:
    """The source notebook's name recorded in a gradebook folder's results, if any."""
    for path in sorted((Path(folder) / "results").glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            return Path(record["grading"]["settings"]["source"]).stem
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def read_roster(path: Path) -> list[dict[str, str]]:
    """The rows of a platform's gradebook export (Canvas's ``Points Possible`` row skipped)."""
    with open(path, newline="", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    return [row for row in rows if (row.get("Student") or "").strip() != "Points Possible"]


def _match(totals: list[Total], roster, match_column: str) -> tuple[list, list[str]]:
    """(learner's total, roster row) pairs, and the learners the roster does not have."""
    if roster is None:
        return [(total, None) for total in totals], []
    if roster and match_column not in roster[0]:
        raise ValueError(
            f"the roster has no column {match_column!r}; its columns: {', '.join(roster[0])}"
        )
    by_key: dict[str, dict] = {}
    for row in roster:
        key = (row.get(match_column) or "").strip()
        if key:
            by_key.setdefault(key, row)
            by_key.setdefault(key.casefold(), row)
    pairs, unmatched = [], []
    for total in totals:
        row = by_key.get(total.learner) or by_key.get(total.learner.casefold())
        if row is None:
            unmatched.append(total.learner)
        else:
            pairs.append((total, row))
    return pairs, unmatched


def canvas_csv(
    totals: list[Total],
    *,
    assignment: str,
    roster: list[dict[str, str]] | None = None,
    match_column: str = "SIS Login ID",
) -> tuple[str, list[str]]:
    """The Canvas import file, and the learners left out (not in the roster)."""
    pairs, unmatched = _match(totals, roster, match_column)
    points_possible = totals[0].max_points if totals else ""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CANVAS_IDENTITY, assignment])
    writer.writerow([CANVAS_POINTS_POSSIBLE, "", "", "", "", points_possible])
    for total, row in pairs:
        if row is None:
            identity = [total.learner, "", "", total.learner, ""]
        else:
            identity = [(row.get(column) or "") for column in CANVAS_IDENTITY]
        writer.writerow([*identity, total.points])
    return buffer.getvalue(), unmatched


def moodle_feedback(total: Total) -> str:
    """A line of feedback for the platform: the score and each task's status."""
    tasks = "; ".join(
        f"{task}: {status} ({points}/{maximum})" for task, status, points, maximum in total.tasks
    )
    score = f"{total.points}/{total.max_points}"
    if total.status == "invalid":
        return f"{score}: the notebook could not be graded (see your feedback file)"
    return f"{score}. {tasks}" if tasks else score


def moodle_csv(
    totals: list[Total],
    *,
    assignment: str,
    roster: list[dict[str, str]] | None = None,
    match_column: str = "Email address",
    id_field: str = "username",
) -> tuple[str, list[str]]:
    """The Moodle import file, and the learners left out (not in the roster).

    Without a roster the identity column is ``MOODLE_IDENTITY[id_field]``
    holding the learner's name; with one, the roster's own identity columns.
    """
    if id_field not in MOODLE_IDENTITY:
        raise ValueError(f"id_field must be one of {sorted(MOODLE_IDENTITY)}, got {id_field!r}")
    pairs, unmatched = _match(totals, roster, match_column)
    if roster:
        identity = [column for column in MOODLE_ROSTER_COLUMNS if column in roster[0]]
        if match_column not in identity:
            identity.append(match_column)
    else:
        identity = [MOODLE_IDENTITY[id_field]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*identity, f"{assignment} (Real)", f"{assignment} (Feedback)"])
    for total, row in pairs:
        values = [total.learner] if row is None else [row.get(column, "") for column in identity]
        writer.writerow([*values, total.points, moodle_feedback(total)])
    return buffer.getvalue(), unmatched


def export_gradebook(
    folder: Path,
    fmt: str,
    *,
    assignment: str | None = None,
    roster: Path | None = None,
    match_column: str | None = None,
    id_field: str = "username",
) -> tuple[str, list[str]]:
    """The ``fmt`` ("canvas" or "moodle") export of the gradebook in ``folder``, and the
    learners left out. ``assignment`` defaults to the source notebook's name."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    totals = read_totals(folder)
    assignment = assignment or assignment_name(folder)
    if not assignment:
        raise ValueError(f"{folder} holds no results naming the assignment: give --assignment")
    rows = read_roster(roster) if roster else None
    if fmt == "canvas":
        return canvas_csv(
            totals, assignment=assignment, roster=rows, match_column=match_column or "SIS Login ID"
        )
    return moodle_csv(
        totals,
        assignment=assignment,
        roster=rows,
        match_column=match_column or "Email address",
        id_field=id_field,
    )
