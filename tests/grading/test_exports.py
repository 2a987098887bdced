"""Gradebook exports for Canvas and Moodle: their documented CSV layouts, and the examples.

docs/examples/gradebook.csv is the gradebook of three learners (written by the grader from
the results below); docs/examples/canvas-grades.csv and moodle-grades.csv are what
`course gradebook export` makes of it. The tests rebuild all three; after a deliberate
change of the layout, regenerate them with

    COURSE_WRITE_EXAMPLES=1 .venv/bin/python -m pytest tests/grading/test_exports.py
"""

import csv
import io
import json
import os
from pathlib import Path

import pytest

from course_lib import cli
from course_lib.grading.exports import (
    CANVAS_IDENTITY,
    canvas_csv,
    export_gradebook,
    moodle_csv,
    read_roster,
    read_totals,
)
from course_lib.grading.gradebook import write_gradebook
from course_lib.grading.results import SubmissionResult, TaskResult

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
WRITE = os.environ.get("COURSE_WRITE_EXAMPLES") == "1"


def task(grade_id, status, points, maximum, reason=""):
    return TaskResult(grade_id, grade_id.replace("-", " "), status, points, maximum, reason)


EXAMPLE_RESULTS = [
    SubmissionResult(
        "alice",
        [
            task("sigmoid", "pass", 1, 1),
            task("sigmoid-derivative", "pass", 2, 2),
            task("forward-pass", "pass", 2, 2),
            task("training-loop", "pass", 3, 3),
        ],
        isolation="bubblewrap",
    ),
    SubmissionResult(
        "bob",
        [
            task("sigmoid", "pass", 1, 1),
            task("sigmoid-derivative", "fail", 0, 2, "sigmoid_prime(0) returned [0]; expected"),
            task("forward-pass", "pass", 2, 2),
            task("training-loop", "fail", 0, 3, "every update is 4× too large: 4 = N"),
        ],
        isolation="bubblewrap",
    ),
    SubmissionResult(
        "carol",
        [
            task("sigmoid", "error", 0, 1, "not graded: the notebook is invalid"),
            task("sigmoid-derivative", "error", 0, 2, "not graded: the notebook is invalid"),
            task("forward-pass", "error", 0, 2, "not graded: the notebook is invalid"),
            task("training-loop", "error", 0, 3, "not graded: the notebook is invalid"),
        ],
        status="invalid",
        reason="the file is not valid JSON",
    ),
]


@pytest.fixture
def gradebook(tmp_path):
    """A grader's output folder holding the example gradebook and one result naming 01_xor."""
    write_gradebook(tmp_path, EXAMPLE_RESULTS, assignment="01_xor", strict=False)
    record = {**EXAMPLE_RESULTS[0].to_dict(), "grading": {"settings": {"source": "01_xor.ipynb"}}}
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "alice.json").write_text(json.dumps(record))
    return tmp_path


def compare_or_write(path: Path, text: str) -> None:
    if WRITE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, (
        f"{path} is out of date: regenerate it (see this module's docstring)"
    )


def test_the_example_gradebook_is_what_the_grader_writes(gradebook):
    compare_or_write(EXAMPLES / "gradebook.csv", (gradebook / "gradebook.csv").read_text())


@pytest.mark.parametrize("fmt", ["canvas", "moodle"])
def test_the_example_exports_are_what_course_gradebook_export_writes(gradebook, fmt, capsys):
    target = gradebook / f"{fmt}.csv"
    command = ["gradebook", "export", str(gradebook), "--format", fmt, "--out", str(target)]
    assert cli.main(command) == 0
    compare_or_write(EXAMPLES / f"{fmt}-grades.csv", target.read_text())
    assert cli.main(["gradebook", "export", str(gradebook), "--format", fmt]) == 0
    assert capsys.readouterr().out.endswith(target.read_text())  # standard output by default


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_canvas_layout_student_ids_section_then_the_assignment_and_points_possible():
    text = (EXAMPLES / "canvas-grades.csv").read_text()
    table = rows(text)
    assert table[0] == [*CANVAS_IDENTITY, "01_xor"]
    assert table[1][0].strip() == "Points Possible" and table[1][-1] == "8"
    assert [(row[0], row[3], row[-1]) for row in table[2:]] == [
        ("alice", "alice", "8"),
        ("bob", "bob", "3"),
        ("carol", "carol", "0"),
    ]


def test_moodle_layout_identity_then_grade_and_feedback_columns():
    table = rows((EXAMPLES / "moodle-grades.csv").read_text())
    assert table[0] == ["Username", "01_xor (Real)", "01_xor (Feedback)"]
    assert [(row[0], row[1]) for row in table[1:]] == [("alice", "8"), ("bob", "3"), ("carol", "0")]
    assert table[2][2].startswith("3/8. sigmoid: pass (1/1); sigmoid derivative: fail (0/2)")
    assert "could not be graded" in table[3][2]


CANVAS_ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section,Exercise 00 (101)
    Points Possible,,,,,5
"Liddell, Alice",2001,S-17,alice,Section 1,5
"Builder, Bob",2002,S-18,BOB,Section 2,4
"""


def test_a_canvas_roster_gives_names_ids_and_sections_and_reports_the_unmatched(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(CANVAS_ROSTER)
    totals = read_totals(EXAMPLES / "gradebook.csv")
    text, unmatched = canvas_csv(totals, assignment="Exercise 01 (102)", roster=read_roster(roster))
    table = rows(text)
    assert table[0][-1] == "Exercise 01 (102)"
    assert table[2:] == [
        ["Liddell, Alice", "2001", "S-17", "alice", "Section 1", "8"],
        ["Builder, Bob", "2002", "S-18", "BOB", "Section 2", "3"],  # matched ignoring case
    ]
    assert unmatched == ["carol"]


def test_a_moodle_roster_matches_a_chosen_column(tmp_path):
    roster = tmp_path / "moodle.csv"
    roster.write_text(
        "First name,Last name,ID number,Institution,Department,Email address,Quiz (Real)\n"
        "Alice,Liddell,17,Oxford,Maths,alice@example.org,5\n"
        "Carol,Vorderman,19,,,carol@example.org,4\n"
    )
    text, unmatched = export_gradebook(
        EXAMPLES,
        "moodle",
        assignment="Exercise 01",
        roster=roster,
        match_column="First name",
    )
    table = rows(text)
    assert table[0][:6] == [
        "First name",
        "Last name",
        "ID number",
        "Institution",
        "Department",
        "Email address",
    ]
    assert table[0][6:] == ["Exercise 01 (Real)", "Exercise 01 (Feedback)"]
    assert [row[:3] + row[5:7] for row in table[1:]] == [
        ["Alice", "Liddell", "17", "alice@example.org", "8"],  # matched ignoring case
        ["Carol", "Vorderman", "19", "carol@example.org", "0"],
    ]
    assert unmatched == ["bob"]


def test_export_errors_are_clear(tmp_path, capsys):
    with pytest.raises(ValueError, match="give --assignment"):
        export_gradebook(EXAMPLES, "canvas")
    with pytest.raises(ValueError, match="format must be one of"):
        export_gradebook(EXAMPLES, "blackboard", assignment="x")
    roster = tmp_path / "roster.csv"
    roster.write_text(CANVAS_ROSTER)
    with pytest.raises(ValueError, match="the roster has no column 'Email'"):
        export_gradebook(EXAMPLES, "canvas", assignment="x", roster=roster, match_column="Email")
    status = cli.main(
        [
            "gradebook",
            "export",
            str(EXAMPLES),
            "--format",
            "canvas",
            "--assignment",
            "x",
            "--roster",
            str(roster),
        ]
    )
    assert status == 1
    assert "not in the roster and were left out: carol" in capsys.readouterr().err
    assert moodle_csv([], assignment="x")[0] == "Username,x (Real),x (Feedback)\n"
