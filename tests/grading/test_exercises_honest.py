"""Honest tests of every exercise in solutions/, graded by the real grader (`course grade`).

- every exercise as shipped (exercises/NAME.ipynb) scores 0, each task "not implemented";
- every solution, graded against itself, scores full marks, and so does the shipped
  exercise with the reference answers filled in (which proves the injection below sound);
- every plausible wrong answer of tests/grading/wrong_answers/exNAME.py, injected alone
  into the shipped exercise (all other answers correct), is rejected by its own task, and
  by no other.

The exercises are found in solutions/, their wrong answers by ``wrong_answers`` (its
docstring says how to add those of a new exercise). All submissions of one notebook are
graded by one `course grade --jobs 2` call over a folder holding one notebook per case,
so each bug runs in its own kernel without the cost of a grader start per bug. The
kernels run in the bubblewrap sandbox where it works (`--sandbox auto`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from wrong_answers import (
    all_wrong_answers,
    buggy_code,
    exercise_names,
    fill_exercise,
    module_name,
    solution_answers,
    wrong_answers_for,
)

from course_lib.grading import SubmissionResult

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = exercise_names()
WRONG_ANSWERS = all_wrong_answers()
PASSING = "pass"
REJECTED = ("fail", "error")


def read(folder: str, name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / folder / f"{name}.ipynb", as_version=4)


def graded_tasks(notebook: nbformat.NotebookNode) -> dict[str, float]:
    """The graded tasks of a solution notebook: grade_id -> points."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"]
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade")
    }


def learner_for(index: int) -> str:
    return f"bug-{index:02d}"


def course_command() -> list[str]:
    script = Path(sys.executable).with_name("course")
    return [str(script)] if script.exists() else [sys.executable, "-m", "course_lib.cli"]


def grade_all(name: str, folder: Path) -> dict[str, SubmissionResult]:
    """Grade the shipped exercise, the solution, the filled exercise and every bug of
    ``name`` in one `course grade` call; the results by learner."""
    solution, exercise = read("solutions", name), read("exercises", name)
    answers = solution_answers(solution)
    submissions = folder / "submissions"
    submissions.mkdir()
    nbformat.write(exercise, submissions / "as-shipped.ipynb")
    nbformat.write(solution, submissions / "solution.ipynb")
    nbformat.write(fill_exercise(exercise, answers), submissions / "all-correct.ipynb")
    for index, wrong in enumerate(WRONG_ANSWERS):
        if wrong.notebook == name:
            buggy = fill_exercise(exercise, answers, {wrong.answer: buggy_code(wrong, answers)})
            nbformat.write(buggy, submissions / f"{learner_for(index)}.ipynb")
    assert len(list(submissions.glob("bug-*.ipynb"))) == len(wrong_answers_for(name))
    out = folder / "graded"
    command = [
        *course_command(),
        "grade",
        str(ROOT / "solutions" / f"{name}.ipynb"),
        str(submissions),
        "--out",
        str(out),
        "--jobs",
        "2",
    ]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=folder)
    assert finished.returncode == 0, (
        f"course grade failed ({finished.returncode}):\n{finished.stdout}\n{finished.stderr}"
    )
    results = {}
    for path in sorted((out / "results").glob("*.json")):
        result = SubmissionResult.from_dict(json.loads(path.read_text()))
        results[result.learner] = result
    expected = {path.stem for path in submissions.glob("*.ipynb")}
    assert set(results) == expected, f"results missing for {sorted(expected - set(results))}"
    return results


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """``graded(name)``: the results of every submission of notebook ``name``, graded once
    (a failure to grade is also kept, so the tests that need it fail without grading again)."""
    cache: dict[str, dict[str, SubmissionResult] | Exception] = {}

    def results(name: str) -> dict[str, SubmissionResult]:
        if name not in cache:
            try:
                cache[name] = grade_all(name, tmp_path_factory.mktemp(name))
            except Exception as error:
                cache[name] = error
        if isinstance(cache[name], Exception):
            raise cache[name]
        return cache[name]

    return results


def describe(result: SubmissionResult) -> str:
    return "; ".join(f"{task.grade_id}: {task.status} ({task.reason})" for task in result.tasks)


# --- the table itself (fast) -----------------------------------------------------------------


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_exercise_has_wrong_answers(name):
    try:
        answers = wrong_answers_for(name)
    except ModuleNotFoundError:
        pytest.fail(
            f"solutions/{name}.ipynb has no wrong answers: add "
            f"tests/grading/wrong_answers/{module_name(name)}.py (see the docstring of "
            "tests/grading/wrong_answers/__init__.py)"
        )
    assert answers and all(wrong.notebook == name for wrong in answers)


def test_the_exercises_are_found_in_solutions():
    assert {"01_xor", "02_forward", "03_backprop"} <= set(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_task_has_at_least_three_wrong_answers(name):
    tasks = graded_tasks(read("solutions", name))
    counts = Counter(wrong.task for wrong in WRONG_ANSWERS if wrong.notebook == name)
    unknown = set(counts) - set(tasks)
    assert not unknown, f"wrong answers name tasks that {name} does not have: {unknown}"
    thin = {task: counts[task] for task in tasks if counts[task] < 3}
    assert not thin, f"tasks of {name} with fewer than three wrong answers: {thin}"


@pytest.mark.parametrize("wrong", WRONG_ANSWERS, ids=[wrong.id for wrong in WRONG_ANSWERS])
def test_wrong_answer_is_a_real_change_of_an_existing_answer(wrong):
    answers = solution_answers(read("solutions", wrong.notebook))
    assert wrong.answer in answers, f"{wrong.notebook} has no answer cell {wrong.answer}"
    assert buggy_code(wrong, answers).strip() != answers[wrong.answer].strip()


def test_bug_descriptions_are_unique():
    ids = Counter(wrong.id for wrong in WRONG_ANSWERS)
    assert not [bug for bug, count in ids.items() if count > 1]


# --- graded by `course grade` (slow: one kernel per submission) ------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_exercise_as_shipped_scores_zero_with_not_implemented_reasons(graded, name):
    result = graded(name)["as-shipped"]
    assert result.status == "graded", result.reason
    points = sum(graded_tasks(read("solutions", name)).values())
    assert result.score == 0 and result.max_score == points
    for task in result.tasks:
        assert task.status in REJECTED, describe(result)
        assert "not implemented" in task.reason.lower(), describe(result)


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
@pytest.mark.parametrize("learner", ["solution", "all-correct"])
def test_solution_and_filled_exercise_score_full_marks(graded, name, learner):
    result = graded(name)[learner]
    assert result.status == "graded", result.reason
    assert [task.status for task in result.tasks] == [PASSING] * len(result.tasks), describe(result)
    assert result.score == result.max_score == sum(graded_tasks(read("solutions", name)).values())


@pytest.mark.slow
@pytest.mark.parametrize(
    "index", range(len(WRONG_ANSWERS)), ids=[wrong.id for wrong in WRONG_ANSWERS]
)
def test_wrong_answer_is_rejected_by_its_own_task_only(graded, index):
    wrong = WRONG_ANSWERS[index]
    result = graded(wrong.notebook)[learner_for(index)]
    assert result.status == "graded", result.reason
    by_task = {task.grade_id: task for task in result.tasks}
    rejected = by_task[wrong.task]
    assert rejected.status in REJECTED and rejected.points == 0, (
        f"the bug '{wrong.bug}' was not rejected: {describe(result)}"
    )
    assert rejected.reason, "a rejected task must say why"
    others = {grade_id: task.status for grade_id, task in by_task.items() if grade_id != wrong.task}
    assert set(others.values()) <= {PASSING}, (
        f"the bug '{wrong.bug}' in {wrong.answer} also failed other tasks: {describe(result)}"
    )
