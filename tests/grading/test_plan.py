"""Test cells are restored from the source before anything runs (no kernel needed here)."""

import pytest
from grading_notebooks import (
    CORRECT,
    DOUBLE_TESTS,
    HALF_TESTS,
    HIDDEN_MARKER,
    index_of,
    make_source,
    nbgrader,
    submission,
)
from nbformat.v4 import new_code_cell

from course_lib.grading.plan import plan_submission, source_tasks


def segments_of(plan, task):
    return [segment for segment in plan.segments if segment.task == task]


def codes(plan):
    return [segment.code for segment in plan.segments]


def test_tasks_and_points_come_from_the_source():
    tasks = source_tasks(make_source())
    assert [(t.grade_id, t.name, t.points, t.has_hidden_tests) for t in tasks] == [
        ("double-tests", "double tests", 2.0, True),
        ("half-tests", "half tests", 1.0, False),
        ("square-tests", "square tests", 3.0, True),
    ]


def test_an_untouched_exercise_runs_the_source_tests_with_hidden_parts_split_off():
    plan = plan_submission(make_source(), submission(CORRECT))
    double = segments_of(plan, "double-tests")
    assert [segment.hidden for segment in double] == [False, True]
    assert double[0].code.rstrip() == DOUBLE_TESTS.split("### BEGIN")[0].rstrip()
    assert HIDDEN_MARKER in double[1].code and "###" not in double[1].code
    assert [s.hidden for s in segments_of(plan, "square-tests")] == [True]
    assert plan.missing == set() and plan.notes == []


def test_visible_only_drops_hidden_segments():
    plan = plan_submission(make_source(), submission(CORRECT), visible_only=True)
    assert not any(segment.hidden for segment in plan.segments)
    assert all(HIDDEN_MARKER not in code for code in codes(plan))
    assert segments_of(plan, "square-tests")[0].code == "pass"  # runs nothing, no points


def test_an_edited_test_cell_runs_the_original_and_says_so():
    notebook = submission(CORRECT)
    test = notebook.cells[index_of(notebook, "half-tests")]
    test.source = "assert True  # trust me"
    plan = plan_submission(make_source(), notebook)
    assert segments_of(plan, "half-tests")[0].code == HALF_TESTS
    assert "assert True  # trust me" not in codes(plan)
    assert any("half tests" in note and "changed" in note for note in plan.notes)


def test_raised_points_in_the_submission_change_nothing():
    notebook = submission(CORRECT)
    notebook.cells[index_of(notebook, "half-tests")].metadata["nbgrader"]["points"] = 100
    plan = plan_submission(make_source(), notebook)
    assert {task.grade_id: task.points for task in plan.tasks}["half-tests"] == 1.0


def test_a_deleted_test_cell_is_put_back_after_its_solution_cell():
    notebook = submission(CORRECT, after={"half": "print('my own scratch cell')"})
    del notebook.cells[index_of(notebook, "half-tests")]
    plan = plan_submission(make_source(), notebook)
    order = codes(plan)
    half_solution = order.index(CORRECT["half"])
    assert order[half_solution + 1] == HALF_TESTS
    assert segments_of(plan, "half-tests")[0].cell is None  # restored, not the learner's
    assert any("half tests" in note and "put back" in note for note in plan.notes)


def test_consecutive_deleted_cells_come_back_in_source_order():
    notebook = submission(CORRECT)
    for identifier in ("double-tests", "imports"):
        del notebook.cells[index_of(notebook, identifier)]
    plan = plan_submission(make_source(), notebook)
    order = codes(plan)
    assert order[0] == "import math"
    assert order.index(DOUBLE_TESTS.split("\n")[0] + "\n" + DOUBLE_TESTS.split("\n")[1]) == (
        order.index(CORRECT["double"]) + 1
    )


def test_a_retyped_test_cell_without_metadata_runs_as_learner_code_and_the_original_is_restored():
    notebook = submission(CORRECT)
    position = index_of(notebook, "half-tests")
    notebook.cells[position] = new_code_cell("assert half(4) == 2  # retyped")
    plan = plan_submission(make_source(), notebook)
    assert segments_of(plan, "half-tests")[0].code == HALF_TESTS
    retyped = [s for s in plan.segments if s.code == "assert half(4) == 2  # retyped"]
    assert len(retyped) == 1 and retyped[0].task is None


def test_a_test_grade_id_moved_to_another_cell_runs_the_source_test_there_once():
    notebook = submission(CORRECT)
    learner_cell = new_code_cell("x = 1", metadata=nbgrader("half-tests", grade=True, points=50))
    notebook.cells.insert(index_of(notebook, "half"), learner_cell)  # before the solution
    notebook.cells[index_of(notebook, "half-tests") + 1].metadata["nbgrader"]["grade_id"] = "mine"
    plan = plan_submission(make_source(), notebook)
    assert [s.code for s in segments_of(plan, "half-tests")] == [HALF_TESTS]
    assert plan.tasks[1].points == 1.0


def test_a_duplicated_test_cell_is_scored_once():
    notebook = submission(CORRECT)
    position = index_of(notebook, "half-tests")
    notebook.cells.insert(position + 1, notebook.cells[position].copy())
    plan = plan_submission(make_source(), notebook)
    assert len(segments_of(plan, "half-tests")) == 1


def test_a_notebook_without_metadata_is_matched_by_position_when_it_has_the_exercise_shape():
    notebook = submission(CORRECT)
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    notebook.cells[index_of(make_source(), "half-tests")].source = "pass  # tests deleted"
    plan = plan_submission(make_source(), notebook)
    assert segments_of(plan, "half-tests")[0].code == HALF_TESTS
    assert plan.missing == set()
    assert any("by position" in note for note in plan.notes)


def test_a_test_that_cannot_be_placed_is_missing():
    notebook = submission(CORRECT)
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    del notebook.cells[index_of(make_source(), "half-tests")]  # a different shape now
    plan = plan_submission(make_source(), notebook)
    assert plan.missing == {"double-tests", "half-tests", "square-tests"}
    assert not any(segment.task for segment in plan.segments)


def test_a_deleted_solution_and_test_pair_is_missing_not_misplaced():
    notebook = submission(CORRECT)
    for identifier in ("half-tests", "half"):
        del notebook.cells[index_of(notebook, identifier)]
    plan = plan_submission(make_source(), notebook)
    assert plan.missing == {"half-tests"}


def test_an_indented_hidden_marker_in_a_source_is_refused():
    source = make_source()
    source.cells.append(
        new_code_cell(
            "if True:\n    ### BEGIN HIDDEN TESTS\n    assert 1\n    ### END HIDDEN TESTS",
            metadata=nbgrader("indented", grade=True, points=1),
        )
    )
    with pytest.raises(ValueError, match="indented; start it at the left margin"):
        source_tasks(source)
