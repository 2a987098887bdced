"""course grade: layouts, the CSV gradebook, per-submission results, resuming, parallel kernels."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from grading_notebooks import CORRECT, HIDDEN_MARKER, TEST_LIMITS, save, submission, write_source

from course_lib.grading.gradebook import find_submissions, grade_folder
from course_lib.grading.limits import Limits
from course_lib.grading.results import SubmissionResult

LIMITS = Limits(**TEST_LIMITS)
WRONG = {**CORRECT, "half": "def half(x):\n    return x // 3"}


def quiet(line):
    pass


def rows(out: Path) -> list[dict]:
    with open(out / "gradebook.csv", newline="") as file:
        return list(csv.DictReader(file))


# --- finding submissions (no kernel) -------------------------------------------------


def test_a_flat_folder_has_one_notebook_per_learner(tmp_path):
    for name in ("bob", "alice"):
        save(submission(), tmp_path / f"{name}.ipynb")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / "notes.txt").write_text("not a notebook")
    found = find_submissions(tmp_path, "synthetic.ipynb")
    assert [(s.learner, s.path.name) for s in found] == [
        ("alice", "alice.ipynb"),
        ("bob", "bob.ipynb"),
    ]


def test_nbgrader_layout_is_found_from_the_course_root_or_submitted(tmp_path):
    submitted = tmp_path / "submitted"
    save(submission(), submitted / "alice" / "ps1" / "synthetic.ipynb")
    save(submission(), submitted / "bob" / "ps1" / "synthetic.ipynb")
    save(submission(), submitted / "bob" / "ps1" / "other.ipynb")
    (submitted / "carol" / "ps1").mkdir(parents=True)
    save(submission(), submitted / "dan" / "a" / "synthetic.ipynb")
    save(submission(), submitted / "dan" / "b" / "synthetic.ipynb")
    for folder in (tmp_path, submitted):
        found = {s.learner: s for s in find_submissions(folder, "synthetic.ipynb")}
        assert found["alice"].path == submitted / "alice" / "ps1" / "synthetic.ipynb"
        assert found["bob"].path.name == "synthetic.ipynb"
        assert found["carol"].path is None and "no synthetic.ipynb" in found["carol"].problem
        assert found["dan"].path is None and "several notebooks" in found["dan"].problem


def test_an_empty_or_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such submissions folder"):
        find_submissions(tmp_path / "nope", "synthetic.ipynb")
    with pytest.raises(ValueError, match="holds no submissions"):
        find_submissions(tmp_path, "synthetic.ipynb")


# --- grading a batch (kernels) ------------------------------------------------------


@pytest.mark.slow
def test_a_batch_writes_results_feedback_and_the_gradebook_and_resumes(tmp_path):
    source = write_source(tmp_path)
    folder = tmp_path / "submissions"
    save(submission(CORRECT), folder / "alice.ipynb")
    save(submission(WRONG), folder / "bob.ipynb")
    (folder / "carol.ipynb").write_text('{"cells": [')  # truncated
    out = tmp_path / "out"

    lines = []
    report = grade_folder(source, folder, out, limits=LIMITS, jobs=2, report=lines.append)
    assert [r.learner for r in report.results] == ["alice", "bob", "carol"]
    table = [
        (r["learner"], r["task"], r["status"], r["points"], r["max_points"]) for r in rows(out)
    ]
    assert table == [
        ("alice", "double tests", "pass", "2", "2"),
        ("alice", "half tests", "pass", "1", "1"),
        ("alice", "square tests", "pass", "3", "3"),
        ("alice", "TOTAL", "graded", "6", "6"),
        ("bob", "double tests", "pass", "2", "2"),
        ("bob", "half tests", "fail", "0", "1"),
        ("bob", "square tests", "pass", "3", "3"),
        ("bob", "TOTAL", "graded", "5", "6"),
        ("carol", "double tests", "error", "0", "2"),
        ("carol", "half tests", "error", "0", "1"),
        ("carol", "square tests", "error", "0", "3"),
        ("carol", "TOTAL", "invalid", "0", "6"),
    ]
    assert rows(out)[5]["reason"] == "half(4) should be 2, got 1"
    assert "not valid JSON" in rows(out)[-1]["reason"]
    record = json.loads((out / "results" / "bob.json").read_text())
    assert SubmissionResult.from_dict(record) == report.results[1]
    assert record["score"] == 5 and len(record["grading"]["submission_sha256"]) == 64
    feedback = (out / "feedback" / "bob.md").read_text()
    assert "**Score: 5 / 6**" in feedback and "half(4) should be 2, got 1" in feedback
    assert HIDDEN_MARKER not in feedback
    assert "carol" in (out / "summary.md").read_text()
    assert not list(out.rglob(".*"))  # no temporary files left behind

    # A re-run grades nothing; a changed submission alone is graded again.
    before = (out / "gradebook.csv").read_text()
    lines.clear()
    again = grade_folder(source, folder, out, limits=LIMITS, jobs=2, report=lines.append)
    assert again.kept == 3 and not any("] alice" in line for line in lines)
    assert (out / "gradebook.csv").read_text() == before
    save(submission(CORRECT), folder / "bob.ipynb")
    lines.clear()
    third = grade_folder(source, folder, out, limits=LIMITS, jobs=2, report=lines.append)
    assert third.kept == 2 and any("] bob: 6/6" in line for line in lines)


@pytest.mark.slow
def test_submissions_are_graded_in_parallel_each_in_its_own_kernel(tmp_path):
    """Two notebooks that each wait for the other: both pass only if they run at once.
    They meet in a folder of the test's, which only kernels outside the bubblewrap
    sandbox can see (--sandbox none); sandboxed kernels run in parallel the same way."""
    source = write_source(tmp_path)
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    for me, other in (("alice", "bob"), ("bob", "alice")):
        wait = (
            "import os, time\n"
            f"open(os.path.join({str(meeting)!r}, {me!r}), 'w').write(str(os.getpid()))\n"
            f"while not os.path.exists(os.path.join({str(meeting)!r}, {other!r})):\n"
            "    time.sleep(0.05)"
        )
        save(submission(CORRECT, after={"imports": wait}), tmp_path / "subs" / f"{me}.ipynb")
    report = grade_folder(
        source,
        tmp_path / "subs",
        tmp_path / "out",
        limits=Limits(**TEST_LIMITS, sandbox="none"),
        jobs=2,
        report=quiet,
    )
    assert [r.score for r in report.results] == [6, 6]
    assert not any(r.notes for r in report.results)
    pids = {name: (meeting / name).read_text() for name in ("alice", "bob")}
    assert pids["alice"] != pids["bob"]


@pytest.mark.slow
def test_a_grader_killed_mid_batch_loses_nothing_and_a_rerun_gives_the_same_gradebook(tmp_path):
    source = write_source(tmp_path)
    folder = tmp_path / "submissions"
    variants = [CORRECT, WRONG, {}, CORRECT, WRONG]
    for number, answers in enumerate(variants):
        save(submission(answers), folder / f"learner{number}.ipynb")
    command = [
        sys.executable,
        "-m",
        "course_lib.cli",
        "grade",
        str(source),
        str(folder),
        "--jobs",
        "1",
        "--cell-timeout",
        "8",
        "--memory-limit",
        "1024",
    ]

    subprocess.run(
        [*command, "--out", str(tmp_path / "reference")], check=True, capture_output=True
    )

    interrupted = tmp_path / "interrupted"
    runs = tmp_path / "runs"  # the killed grader's run folders, apart from other graders'
    runs.mkdir()
    process = subprocess.Popen(
        [*command, "--out", str(interrupted)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(runs)},
    )
    deadline = time.monotonic() + 120
    while not list(interrupted.glob("results/*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    # Its kernel (in a session of its own, so not in the group killed) dies with it.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        str(runs) in " ".join(p.info["cmdline"] or []) for p in psutil.process_iter(["cmdline"])
    ):
        time.sleep(0.1)
    left = [p.info["cmdline"] for p in psutil.process_iter(["cmdline"])]
    assert not [command for command in left if str(runs) in " ".join(command or [])]
    kept = sorted(path.name for path in interrupted.glob("results/*.json"))
    assert 1 <= len(kept) < len(variants), "kill the grader while it is mid-batch"
    for path in interrupted.glob("results/*.json"):
        json.loads(path.read_text())  # every result on disk is complete

    completed = subprocess.run(
        [*command, "--out", str(interrupted)], check=True, capture_output=True, text=True
    )
    assert f"{len(kept)} result(s) up to date" in completed.stdout
    reference = (tmp_path / "reference" / "gradebook.csv").read_text()
    assert (interrupted / "gradebook.csv").read_text() == reference
    assert reference.count("TOTAL") == len(variants)
