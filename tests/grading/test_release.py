"""course release: exercises are solutions minus answers and hidden tests, as nbgrader makes."""

import copy
from pathlib import Path

import nbformat
import pytest
from grading_notebooks import HIDDEN_MARKER, make_source, nbgrader, save
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_lib.cli import main
from course_lib.grading import release_notebook
from course_lib.grading.release import CODE_STUB, release_directory

REPOSITORY = Path(__file__).resolve().parents[2]


def test_release_replaces_each_solution_region_with_the_stub_at_its_indentation():
    source = new_notebook(
        cells=[
            new_code_cell(
                "def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
                "    ### END SOLUTION\n\nprint('kept')",
                metadata=nbgrader("f", solution=True),
            )
        ]
    )
    released = release_notebook(source)
    assert released.cells[0].source == (
        "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\nprint('kept')"
    )


def test_release_replaces_a_whole_solution_cell_without_markers():
    source = new_notebook(
        cells=[
            new_code_cell("x = 1", metadata=nbgrader("x", solution=True)),
            new_markdown_cell(
                "My answer.", metadata=nbgrader("why", solution=True, grade=True, points=1)
            ),
        ]
    )
    released = release_notebook(source)
    assert released.cells[0].source == CODE_STUB
    assert released.cells[1].source == "YOUR ANSWER HERE"


def test_release_removes_hidden_tests_and_keeps_visible_ones():
    released = release_notebook(make_source())
    tests = [cell.source for cell in released.cells if "assert" in cell.source]
    assert any("double(2) == 4" in source for source in tests)
    text = nbformat.writes(released)
    assert HIDDEN_MARKER not in text
    assert "HIDDEN TESTS" not in text
    square = next(
        c
        for c in released.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "square-tests"
    )
    assert square.source == ""


def test_release_clears_outputs_and_counts_and_keeps_metadata():
    source = make_source()
    cell = source.cells[1]
    cell.outputs = [new_output("stream", name="stdout", text="hi\n")]
    cell.execution_count = 3
    cell.metadata["scrolled"] = True
    cell.metadata["tags"] = ["keep-me"]
    released = release_notebook(source)
    out = released.cells[1]
    assert out.outputs == [] and out.execution_count is None
    assert "scrolled" not in out.metadata
    assert out.metadata["tags"] == ["keep-me"]
    assert out.metadata["nbgrader"] == source.cells[1].metadata["nbgrader"]
    assert released.metadata["kernelspec"] == source.metadata["kernelspec"]


def test_release_locks_tests_and_read_only_cells_like_nbgrader():
    released = release_notebook(make_source())
    by_id = {
        c.metadata["nbgrader"]["grade_id"]: c for c in released.cells if "nbgrader" in c.metadata
    }
    assert by_id["double-tests"].metadata["editable"] is False
    assert by_id["double-tests"].metadata["deletable"] is False
    assert by_id["imports"].metadata["editable"] is False
    assert by_id["double"].metadata["deletable"] is False
    assert "editable" not in by_id["double"].metadata


def test_release_does_not_change_the_source():
    source = make_source()
    before = copy.deepcopy(source)
    release_notebook(source)
    assert source == before


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            new_code_cell("### BEGIN SOLUTION\nx = 1", metadata=nbgrader("a", solution=True)),
            "never closed",
        ),
        (
            new_code_cell(
                "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
                metadata=nbgrader("a", solution=True),
            ),
            "nested",
        ),
        (
            new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"),
            "only allowed in a solution cell",
        ),
        (
            new_code_cell("### BEGIN HIDDEN TESTS\nassert 1\n### END HIDDEN TESTS"),
            "only allowed in a graded",
        ),
        (new_code_cell("assert 1", metadata=nbgrader("a", grade=True)), "needs points"),
        (
            new_code_cell("assert 1", metadata=nbgrader("", grade=True, points=1)),
            "non-empty grade_id",
        ),
    ],
    ids=[
        "unclosed",
        "nested",
        "solution-outside-solution-cell",
        "hidden-outside-test-cell",
        "no-points",
        "no-grade-id",
    ],
)
def test_release_rejects_a_broken_source_naming_the_cell(cell, message):
    source = new_notebook(cells=[new_markdown_cell("intro"), cell])
    with pytest.raises(ValueError, match=message) as error:
        release_notebook(source)
    assert "cell 2" in str(error.value)


def test_release_rejects_duplicate_grade_ids():
    source = new_notebook(
        cells=[
            new_code_cell("x", metadata=nbgrader("same", solution=True)),
            new_code_cell("y", metadata=nbgrader("same", solution=True)),
        ]
    )
    with pytest.raises(ValueError, match="also used by cell 1"):
        release_notebook(source)


def test_release_command_writes_exercises_and_check_reports_differences(tmp_path, capsys):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    save(make_source(), solutions / "one.ipynb")
    save(make_source(), solutions / "two.ipynb")
    arguments = ["--solutions", str(solutions), "--exercises", str(exercises)]

    assert main(["release", "--check", *arguments]) == 1
    assert "differs" in capsys.readouterr().out
    assert not exercises.exists()

    assert main(["release", *arguments]) == 0
    assert main(["release", "--check", *arguments]) == 0
    written = nbformat.read(exercises / "one.ipynb", as_version=4)
    assert written == release_notebook(nbformat.read(solutions / "one.ipynb", as_version=4))

    (exercises / "two.ipynb").write_text(
        (exercises / "two.ipynb").read_text().replace("YOUR CODE HERE", "edited by hand")
    )
    capsys.readouterr()
    assert main(["release", "--check", *arguments]) == 1
    output = capsys.readouterr().out
    assert "two.ipynb" in output and "one.ipynb" not in output

    assert main(["release", "--check", *arguments, "one"]) == 0


def test_release_of_an_unknown_name_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "solutions").mkdir()
    status = main(
        [
            "release",
            "--solutions",
            str(tmp_path / "solutions"),
            "--exercises",
            str(tmp_path / "exercises"),
            "nope",
        ]
    )
    assert status == 2
    assert "no such solution notebook" in capsys.readouterr().err


def test_release_is_deterministic(tmp_path):
    save(make_source(), tmp_path / "solutions" / "one.ipynb")
    release_directory(tmp_path / "solutions", tmp_path / "a")
    release_directory(tmp_path / "solutions", tmp_path / "b")
    first, second = tmp_path / "a" / "one.ipynb", tmp_path / "b" / "one.ipynb"
    assert first.read_bytes() == second.read_bytes()


SOLUTIONS = sorted((REPOSITORY / "solutions").glob("*.ipynb"))


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[path.name for path in SOLUTIONS])
def test_committed_exercise_is_what_release_writes(solution):
    released = release_directory(
        REPOSITORY / "solutions", REPOSITORY / "exercises", [solution.name], check=True
    )
    assert not released[0].changed, (
        f"exercises/{solution.name} differs from what `course release` writes from "
        f"solutions/{solution.name}: run `make exercises` and commit the result"
    )
