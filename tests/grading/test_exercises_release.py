"""The shipped exercises 01-03 are what `course release` writes, and give nothing away.

- exercises/ matches `course release --check`;
- no hidden test, solution marker or output reaches exercises/, and every answer is a stub;
- every graded function is checked to be the learner's own (`__module__ == "__main__"`);
- the points an exercise announces are the points its tests carry;
- test cells import the shared grading code (course_lib.grading.exercise_support), each
  in the cell that uses it, instead of repeating it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ["01_xor", "02_forward", "03_backprop", "07_regression"]
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def read(folder: str, name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / folder / f"{name}.ipynb", as_version=4)


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def split_hidden(source: str) -> tuple[set[str], list[str]]:
    """The visible and the hidden lines of a test cell, stripped, without blanks and markers."""
    visible, hidden, inside = set(), [], False
    for line in source.split("\n"):
        text = line.strip()
        if text in (BEGIN_HIDDEN, END_HIDDEN):
            inside = text == BEGIN_HIDDEN
        elif text and inside:
            hidden.append(text)
        elif text:
            visible.add(text)
    return visible, hidden


def test_exercises_are_what_course_release_writes():
    script = Path(sys.executable).with_name("course")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "course_lib.cli"]
    finished = subprocess.run(
        [*command, "release", "--check", *NOTEBOOKS],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_hidden_tests_never_reach_the_exercise(name):
    solution, exercise = read("solutions", name), read("exercises", name)
    exercise_text = nbformat.writes(exercise)
    exercise_cells = {nbgrader(cell).get("grade_id"): cell for cell in exercise.cells}
    hidden_cells = 0
    for cell in solution.cells:
        if not nbgrader(cell).get("grade"):
            continue
        visible, hidden = split_hidden(cell.source)
        only_hidden = set(hidden) - visible
        hidden_cells += bool(only_hidden)
        released = exercise_cells[nbgrader(cell)["grade_id"]].source.split("\n")
        leaked = only_hidden & {line.strip() for line in released}
        assert not leaked, f"{nbgrader(cell)['grade_id']}: hidden lines in the exercise: {leaked}"
    assert hidden_cells == sum(bool(nbgrader(cell).get("grade")) for cell in solution.cells), (
        "every test cell of the solution should have hidden tests"
    )
    assert "HIDDEN TESTS" not in exercise_text
    assert "BEGIN SOLUTION" not in exercise_text and "END SOLUTION" not in exercise_text


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_exercise_answers_are_stubs_and_outputs_are_cleared(name):
    exercise = read("exercises", name)
    assert exercise.metadata.kernelspec.name == "python3"
    for cell in exercise.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
        if nbgrader(cell).get("solution"):
            assert "# YOUR CODE HERE\n" in cell.source
            assert re.search(r"^\s*raise NotImplementedError\(\)$", cell.source, re.MULTILINE)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_graded_function_must_be_the_learners_own(name):
    solution = read("solutions", name)
    tests = "\n".join(cell.source for cell in solution.cells if nbgrader(cell).get("grade"))
    functions = [
        match
        for cell in solution.cells
        if nbgrader(cell).get("solution")
        for match in re.findall(r"^def (\w+)\(", cell.source, re.MULTILINE)
    ]
    assert functions
    unchecked = [f for f in functions if f'{f}.__module__ == "__main__"' not in tests]
    assert not unchecked, f"no test checks that these are defined in the notebook: {unchecked}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_announced_points_are_the_points_of_the_tests(name):
    solution = read("solutions", name)
    points = sum(nbgrader(cell)["points"] for cell in solution.cells if nbgrader(cell).get("grade"))
    announced = re.search(r"Points: (\d+)\.", solution.cells[0].source)
    assert announced and int(announced.group(1)) == points
    headings: list[list] = []  # [title, announced points, points of the tests that follow]
    for cell in solution.cells:
        heading = re.search(r"^## (Task .*) \((\d+) points?", cell.source, re.MULTILINE)
        if cell.cell_type == "markdown" and heading:
            headings.append([heading.group(1), int(heading.group(2)), 0])
        elif nbgrader(cell).get("grade"):
            headings[-1][2] += nbgrader(cell)["points"]
    assert headings and all(said == counted for _, said, counted in headings), headings


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_test_cells_import_the_shared_grading_code_instead_of_repeating_it(name):
    # Shared code lives in course_lib.grading.exercise_support; each test cell imports what it
    # uses itself, so that it still runs when the grader restores it alone by grade_id.
    shared = re.compile(
        r"\b(graded_alone|xor_references|forward_references|backprop_references|check_array|"
        r"show|show_pair|step_report)\("
        r"|\b(xor_references|forward_references|backprop_references)\b"
    )
    for cell in read("solutions", name).cells:
        if not nbgrader(cell).get("grade"):
            continue
        grade_id = nbgrader(cell)["grade_id"]
        assert "types.FunctionType" not in cell.source, grade_id
        assert not re.search(r"^def (graded_alone|reference_\w+)\(", cell.source, re.M), grade_id
        used = {first or second for first, second in shared.findall(cell.source)}
        names = {
            alias.asname or alias.name
            for node in ast.walk(ast.parse(cell.source))
            if isinstance(node, ast.ImportFrom)
            and node.module == "course_lib.grading.exercise_support"
            for alias in node.names
        }
        assert used <= names, f"{grade_id} uses {sorted(used - names)} without importing it"
        assert "graded_alone" in used, f"{grade_id} calls the learner's code without graded_alone"
