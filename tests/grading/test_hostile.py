"""Hostile submissions of exercise 01, graded in one sandboxed batch beside honest learners.

Each hostile notebook is exercise 01 with one attack added (as a learner would, in cells
of their own or in their answers); three honest learners are graded in the same batch.
The batch runs as `course grade --sandbox bubblewrap --jobs 2` in a process of its own,
with TMPDIR pointing into the test's folder, so that "no process of the batch is left"
and "no run folder is left" can be checked without seeing other graders on the machine.

The attacks, and the outcome each test asserts:

- read the source notebook (solutions/ found from course_lib's path, /proc/*/cmdline and
  cwd): nothing found in the sandbox; flagged (file access);
- capture the calling hidden test (frames, linecache) and raise it later: redacted from
  the feedback, the redaction recorded; flagged (introspection);
- leave a process behind (start_new_session) that rewrites the results after the grader
  exits: killed with the sandbox; results unchanged, also after a resume;
- kill every other process it can see (siblings): sees none; honest learners keep full
  marks;
- kill the grader (its parent, every process named like it): the batch finishes;
  flagged (process control);
- replace np.isclose, np.allclose, np.testing, gradcheck.relative_error, with every
  answer wrong: put back before every test, 0 points; flagged (module patching, and at
  run time);
- an IPython AST transformer wrapping later statements in try/except, on a blank
  exercise: removed before every test, 0 points; flagged (IPython hooks);
- every graded function wraps course_lib's reference: refused by each test, 0 points;
- flood the output, raise a 20 MB exception message: interrupted at the cell limit, the
  answers still pass, the reason stays short.

Without the sandbox the first attack does read solutions/ (checked once, to show the
test can fail); redaction still keeps the lines it finds out of the feedback.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from grading_notebooks import require_bubblewrap
from nbformat.v4 import new_code_cell
from wrong_answers import fill_exercise, solution_answers

from course_lib.grading.redaction import secret_lines
from course_lib.grading.release import release_notebook
from course_lib.grading.results import SubmissionResult

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "solutions" / "01_xor.ipynb"
MARKER = "course-hostile-orphan-7d41"
HONEST = ("honest-1", "honest-2", "honest-3")
CELL_LIMIT = 10


def exercise_with(answers: dict[str, str] | None = None, after: dict[str, list[str]] | None = None):
    """Exercise 01 with the reference answers (``answers`` replaces some) and extra learner
    cells inserted after the cells named by grade_id."""
    source = nbformat.read(SOURCE, as_version=4)
    exercise = release_notebook(source)
    reference = solution_answers(source)
    filled = fill_exercise(exercise, reference, answers or {})
    for identifier, codes in (after or {}).items():
        position = next(
            i
            for i, cell in enumerate(filled.cells)
            if cell.metadata.get("nbgrader", {}).get("grade_id") == identifier
        )
        for offset, code in enumerate(codes, 1):
            filled.cells.insert(position + offset, new_code_cell(textwrap.dedent(code)))
    return filled


def blank_exercise_with(after: dict[str, list[str]]):
    exercise = release_notebook(nbformat.read(SOURCE, as_version=4))
    for identifier, codes in after.items():
        position = next(
            i
            for i, cell in enumerate(exercise.cells)
            if cell.metadata.get("nbgrader", {}).get("grade_id") == identifier
        )
        for offset, code in enumerate(codes, 1):
            exercise.cells.insert(position + offset, new_code_cell(textwrap.dedent(code)))
    return exercise


READ_SOURCE = """
import os
from pathlib import Path
import course_lib
found = []
candidates = [Path(course_lib.__file__).resolve().parents[1] / "solutions" / "01_xor.ipynb"]
for pid in os.listdir("/proc"):
    try:
        arguments = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
        candidates.append(Path(os.readlink(f"/proc/{pid}/cwd")))
    except OSError:
        continue
    candidates += [Path(a.decode(errors="replace")) for a in arguments if a.endswith(b".ipynb")]
for candidate in candidates:
    if candidate.suffix == ".ipynb":
        paths = [candidate]
    elif candidate != Path("/"):
        paths = [*candidate.glob("*.ipynb"), *candidate.glob("*/*.ipynb")]
    else:
        paths = []
    for path in paths:
        try:
            text = path.read_text()
        except OSError:
            continue
        if "BEGIN " + "HIDDEN TESTS" in text:  # written in two parts: not this notebook
            found += [line for line in text.split("\\\\n") if "default" + "_rng(" in line]
raise ValueError(f"found {len(found)} lines: " + " | ".join(found[:5]))
"""

CAPTURE_SETUP = """
import linecache
import sys

CAPTURED = []
"""

# The body of the learner's sigmoid: right, and it reads the source of whatever calls it.
CAPTURE_FRAMES = """
frame = sys._getframe(1)
while frame is not None:
    for line in linecache.getlines(frame.f_code.co_filename):
        if "rng_test" in line and line.strip() not in CAPTURED:
            CAPTURED.append(line.strip())
    frame = frame.f_back
return 1.0 / (1.0 + np.exp(-z))
"""

LEAK_LATER = 'raise ValueError("captured: " + " | ".join(CAPTURED[:6]))'

LEAK_IN_A_VISIBLE_TEST = """
def forward(X, W1, b1, W2, b2):
    raise ValueError("captured: " + " | ".join(CAPTURED[:6]))
"""

ORPHAN = f"""
import json, subprocess, sys
payload = '''
import glob, json, os, time
time.sleep(4)
for path in glob.glob({{out!r}} + "/results/*.json"):
    record = json.load(open(path))
    for task in record["tasks"]:
        task["points"] = task["max_points"] if "orphan" in path else 0
        task["status"] = "pass" if "orphan" in path else "fail"
    json.dump(record, open(path, "w"))
'''
subprocess.Popen([sys.executable, "-c", payload, "{MARKER}"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""

KILL_SIBLINGS = """
import os, signal
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) not in (os.getpid(), 1):
        try:
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
"""

KILL_GRADER = """
import os, signal
try:
    os.kill(os.getppid(), signal.SIGKILL)
except OSError:
    pass
for pid in os.listdir("/proc"):
    try:
        command = open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        continue
    if (b"course" in command or b"pytest" in command) and int(pid) != os.getpid():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
"""

PATCH_NUMPY = """
import numpy as np
from course_lib import gradcheck
np.isclose = lambda *args, **kwargs: np.ones(np.broadcast(*args[:2]).shape, bool)
np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
np.array_equal = lambda *args, **kwargs: True
gradcheck.relative_error = lambda a, b: 0.0
"""

WRONG_ANSWERS = {
    "sigmoid-impl": "return z * 0.0",
    "sigmoid-prime-impl": "return z * 0.0",
    "sigmoid-prime-from-output-impl": "return a * 0.0",
    "forward-impl": "A1 = X * 0.0\nA2 = X[:, :1] * 0.0",
    "train-impl": "losses.append(0.0)",
}

AST_TRANSFORMER = """
import ast

class Forgive(ast.NodeTransformer):
    def visit_Module(self, node):
        body = [ast.Try(body=[statement], handlers=[ast.ExceptHandler(
            type=None, name=None, body=[ast.Pass()])], orelse=[], finalbody=[])
            for statement in node.body]
        return ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))

get_ipython().ast_transformers.append(Forgive())
"""

WRAPPERS = {
    "sigmoid-impl": ("from course_lib.nn import functional as F\nreturn F.sigmoid_forward(z)[0]"),
    "sigmoid-prime-impl": (
        "from course_lib.grading.exercise_support import xor_references\n"
        "return xor_references.sigmoid_prime(z)"
    ),
    "sigmoid-prime-from-output-impl": (
        "import importlib\n"
        "reference = importlib.import_module('course_lib.grading.exercise_support')\n"
        "return getattr(reference, 'xor_' + 'references').sigmoid_prime_from_output(a)"
    ),
    "forward-impl": (
        "from course_lib.grading.exercise_support import xor_references as R\n"
        "A1, A2 = R.forward(X, W1, b1, W2, b2)"
    ),
    "train-impl": (
        "import sys\n"
        "R = sys.modules['course_lib.grading.exercise_support'].xor_references\n"
        "A1, A2 = R.forward(X, W1, b1, W2, b2)\n"
        "losses.append(float(-np.mean(y * np.log(A2) + (1 - y) * np.log(1 - A2))))\n"
        "dZ2 = (A2 - y) / N\n"
        "dW2 = dZ2.T @ A1\n"
        "db2 = dZ2.sum(axis=0)\n"
        "dZ1 = (dZ2 @ W2) * R.sigmoid_prime_from_output(A1)\n"
        "dW1 = dZ1.T @ X\n"
        "db1 = dZ1.sum(axis=0)\n"
        "W1 -= lr * dW1\n"
        "b1 -= lr * db1\n"
        "W2 -= lr * dW2\n"
        "b2 -= lr * db2"
    ),
}

FLOOD = """
import time
end = time.monotonic() + 60
while time.monotonic() < end:
    print("x" * 100_000)
"""

HUGE_MESSAGE = 'raise ValueError("y" * 20_000_000)'


def submissions(out: Path) -> dict[str, nbformat.NotebookNode]:
    return {
        "honest-1": exercise_with(),
        "honest-2": exercise_with(after={"setup": ["scratch = X.sum()  # a learner's own cell"]}),
        "honest-3": exercise_with(
            answers={"sigmoid-prime-impl": "a = sigmoid(z)\nreturn a - a * a"}
        ),
        "reads-the-source": exercise_with(after={"setup": [READ_SOURCE]}),
        "captures-frames": exercise_with(
            answers={"sigmoid-impl": CAPTURE_FRAMES.strip()},
            after={
                "setup": [CAPTURE_SETUP],
                "sigmoid": [LEAK_LATER],
                "forward-impl": [LEAK_IN_A_VISIBLE_TEST],
            },
        ),
        "orphan": exercise_with(after={"setup": [ORPHAN.replace("{out!r}", repr(str(out)))]}),
        "kills-siblings": exercise_with(
            after={"setup": [KILL_SIBLINGS], "sigmoid": [KILL_SIBLINGS]}
        ),
        "kills-the-grader": exercise_with(
            after={"setup": [KILL_GRADER], "forward-pass": [KILL_GRADER]}
        ),
        "patches-numpy": exercise_with(answers=WRONG_ANSWERS, after={"setup": [PATCH_NUMPY]}),
        "ast-transformer": blank_exercise_with({"setup": [AST_TRANSFORMER]}),
        "wraps-the-reference": exercise_with(answers=WRAPPERS),
        "floods-the-output": exercise_with(after={"setup": [FLOOD], "sigmoid": [HUGE_MESSAGE]}),
    }


def batch_processes(marker: str) -> list[str]:
    """Command lines of live processes that mention ``marker`` (a path of this batch)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if marker in command and process.pid != os.getpid():
            found.append(command)
    return found


def course(*arguments: str, tmp: Path) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("course")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "course_lib.cli"]
    environment = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.run(
        [*command, *arguments], capture_output=True, text=True, timeout=900, env=environment
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    require_bubblewrap()
    folder = tmp_path_factory.mktemp("hostile")
    tmp, out, subs = folder / "tmp", folder / "out", folder / "submissions"
    tmp.mkdir()
    for name, notebook in submissions(out).items():
        subs.mkdir(exist_ok=True)
        nbformat.write(notebook, subs / f"{name}.ipynb")
    arguments = [str(SOURCE), str(subs), "--out", str(out), "--jobs", "2"]
    arguments += ["--cell-timeout", str(CELL_LIMIT), "--sandbox", "bubblewrap"]
    first = course("grade", *arguments, tmp=tmp)
    results_after_grading = {
        path.name: path.read_text() for path in sorted((out / "results").glob("*.json"))
    }
    time.sleep(6)  # the orphan would rewrite the results 4 s after its kernel started
    resumed = course("grade", *arguments, tmp=tmp)
    strict = course("grade", *arguments, "--strict", tmp=tmp)
    return {
        "folder": folder,
        "tmp": tmp,
        "out": out,
        "runs": (first, resumed, strict),
        "results_after_grading": results_after_grading,
        "strict_gradebook": (out / "gradebook.csv").read_text(),
    }


def results_of(hostile) -> dict[str, SubmissionResult]:
    out = hostile["out"]
    return {
        path.stem: SubmissionResult.from_dict(json.loads(path.read_text()))
        for path in sorted((out / "results").glob("*.json"))
    }


def kinds(result: SubmissionResult) -> set[str]:
    return {flag.kind for flag in result.flags}


def test_the_batch_finishes_and_every_run_grades_every_learner(hostile):
    for run in hostile["runs"]:
        assert run.returncode == 0, run.stdout + run.stderr
    results = results_of(hostile)
    assert len(results) == len(submissions(hostile["out"]))
    assert {result.isolation for result in results.values()} == {"bubblewrap"}
    assert "12 result(s) up to date" in hostile["runs"][1].stdout  # the resume regrades nothing


def test_honest_learners_in_the_same_batch_keep_full_marks(hostile):
    results = results_of(hostile)
    for learner in HONEST:
        result = results[learner]
        assert result.score == result.max_score == 8, [(t.task, t.reason) for t in result.tasks]
        assert result.flags == [] and result.redactions == []


def test_no_process_and_no_run_folder_of_the_batch_is_left(hostile):
    assert batch_processes(MARKER) == []
    assert batch_processes(str(hostile["tmp"])) == []
    assert list(hostile["tmp"].glob("course-grading-*")) == []


def test_a_process_left_behind_cannot_rewrite_results_even_after_a_resume(hostile):
    out = hostile["out"]
    now = {path.name: path.read_text() for path in sorted((out / "results").glob("*.json"))}
    assert now == hostile["results_after_grading"]
    orphan = results_of(hostile)["orphan"]
    assert orphan.score == 8  # its answers are right; its process did nothing
    assert "process control" in kinds(orphan)


def test_reading_the_source_through_the_file_system_finds_nothing(hostile):
    result = results_of(hostile)["reads-the-source"]
    assert any("found 0 lines" in note for note in result.notes), result.notes
    assert "file access" in kinds(result)
    assert result.score == 8


def test_captured_hidden_tests_are_redacted_from_the_feedback_and_recorded(hostile):
    result = results_of(hostile)["captures-frames"]
    assert result.redactions, "the capture found nothing to leak: the test proves nothing"
    places = {item["where"] for item in result.redactions}
    assert any(place.startswith("note") for place in places)
    assert "the reason of task 'forward pass'" in places
    assert "introspection" in kinds(result)
    summary = (hostile["out"] / "summary.md").read_text()
    assert "## Redactions" in summary and "captures-frames" in summary


def test_no_hidden_test_line_reaches_any_learner(hostile):
    source = nbformat.read(SOURCE, as_version=4)
    secrets = secret_lines(source)
    out = hostile["out"]
    readable = [*out.glob("feedback/*.md")]
    for path in readable:
        compact = "".join(path.read_text().split())
        leaked = [line for line in secrets if line in compact]
        assert leaked == [], f"{path.name} shows {leaked[:2]}"
    for result in results_of(hostile).values():
        texts = [task.reason for task in result.tasks] + result.notes + [result.reason]
        compact = "".join("".join(texts).split())
        assert not [line for line in secrets if line in compact], result.learner


@pytest.mark.parametrize("learner", ["kills-siblings", "kills-the-grader"])
def test_process_killers_see_nothing_to_kill_and_are_flagged(hostile, learner):
    result = results_of(hostile)[learner]
    assert "process control" in kinds(result)
    assert result.score == 8  # nothing they could reach was killed, not even their own kernel


def test_patching_numpy_is_undone_before_every_test_and_flagged(hostile):
    result = results_of(hostile)["patches-numpy"]
    assert result.score == 0, [(t.task, t.status, t.reason) for t in result.tasks]
    assert {"module patching", "replaced at run time"} <= kinds(result)
    found = " ".join(flag.detail for flag in result.flags)
    assert "numpy.isclose" in found and "course_lib.gradcheck.relative_error" in found


def test_an_ast_transformer_on_a_blank_exercise_scores_nothing_and_is_flagged(hostile):
    result = results_of(hostile)["ast-transformer"]
    assert result.score == 0
    assert {"IPython hooks", "replaced at run time"} <= kinds(result)


def test_wrapping_course_libs_reference_is_refused_by_every_task(hostile):
    result = results_of(hostile)["wraps-the-reference"]
    assert result.score == 0
    for task in result.tasks:
        assert task.status == "fail", (task.task, task.reason)
        if not task.reason.startswith("a hidden test"):
            assert "runs course_lib's" in task.reason, task.reason


def test_an_output_flood_is_interrupted_and_a_huge_message_cut_short(hostile):
    result = results_of(hostile)["floods-the-output"]
    assert result.score == 8
    notes = " ".join(result.notes)
    assert f"exceeded the {CELL_LIMIT} s cell time limit and was interrupted" in notes
    assert all(len(note) <= 400 for note in result.notes)
    assert "raised ValueError: yyyy" in notes


def test_strict_scores_flagged_tasks_zero_without_regrading(hostile):
    strict = hostile["runs"][2]
    assert "12 result(s) up to date" in strict.stdout
    rows = list(csv.DictReader(io.StringIO(hostile["strict_gradebook"])))
    totals = {row["learner"]: row["points"] for row in rows if row["task"] == "TOTAL"}
    for learner in HONEST:
        assert totals[learner] == "8"
    assert totals["orphan"] == "0" and totals["kills-the-grader"] == "0"
    assert totals["reads-the-source"] == "0"
    assert any(row["status"] == "flagged" for row in rows)
    feedback = (hostile["out"] / "feedback" / "orphan.md").read_text()
    assert "scored 0 by --strict" in feedback and "## Flagged for your instructor" in feedback


def test_without_the_sandbox_the_source_is_read_and_only_redaction_stops_the_leak(tmp_path):
    """The same attack with --sandbox none: the test above can fail."""
    subs = tmp_path / "submissions"
    subs.mkdir()
    nbformat.write(exercise_with(after={"setup": [READ_SOURCE]}), subs / "reader.ipynb")
    run = course(
        "grade",
        str(SOURCE),
        str(subs),
        "--out",
        str(tmp_path / "out"),
        "--sandbox",
        "none",
        tmp=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    result = SubmissionResult.from_dict(
        json.loads((tmp_path / "out" / "results" / "reader.json").read_text())
    )
    assert result.isolation.startswith("process")
    assert not any("found 0 lines" in note for note in result.notes), result.notes
    assert result.redactions, "the lines read from solutions/ must be redacted"
