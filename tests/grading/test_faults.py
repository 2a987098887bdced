"""The fault suite: what learners' notebooks do to a grader, graded as one batch (--jobs 2).

Every submission starts from the released exercise with the correct answers,
then adds one fault. Each test reads that learner's result from the batch.
"""

from pathlib import Path

import pytest
from grading_notebooks import (
    CORRECT,
    HALF_TESTS,
    HIDDEN_MARKER,
    TEST_LIMITS,
    index_of,
    nbgrader,
    save,
    submission,
    write_source,
)
from nbformat.v4 import new_code_cell

from course_lib.grading.gradebook import grade_folder
from course_lib.grading.limits import Limits

pytestmark = pytest.mark.slow

WRONG_HALF = {**CORRECT, "half": "def half(x):\n    return x / 3"}


def edited(answers, identifier, code=None, *, delete=False, metadata=None):
    notebook = submission(answers)
    position = index_of(notebook, identifier)
    if delete:
        del notebook.cells[position]
    if code is not None:
        notebook.cells[position].source = code
    if metadata is not None:
        notebook.cells[position] = new_code_cell(code or "", metadata=metadata)
    return notebook


FAULTS = {
    "loop": submission(CORRECT, after={"double-tests": "while True:\n    pass"}),
    "loop_uninterruptible": submission(
        CORRECT,
        after={
            "double-tests": (
                "import time\nwhile True:\n    try:\n        time.sleep(100)\n"
                "    except KeyboardInterrupt:\n        pass"
            )
        },
    ),
    "loop_in_answer": submission(
        {**CORRECT, "half": "def half(x):\n    while True:\n        pass"}
    ),
    "memory_bomb": submission(CORRECT, after={"double-tests": "x = bytearray(50 * 2**30)"}),
    "memory_growing": submission(
        CORRECT,
        after={
            "double-tests": (
                "def grow():\n    kept = []\n    while True:\n"
                "        kept.append(bytearray(10**7))\ngrow()"
            )
        },
    ),
    "memory_in_answer": submission(
        {
            **CORRECT,
            "square": ("def square(x):\n    table = bytearray(50 * 2**30)\n    return x * x"),
        }
    ),
    "os_exit": submission({**CORRECT, "half": "import os\nos._exit(0)"}),
    "killed": submission(
        {**CORRECT, "square": ("def square(x):\n    import os\n    os.kill(os.getpid(), 9)")}
    ),
    "input": submission({**CORRECT, "half": "def half(x):\n    return float(input('x? ')) / 2"}),
    "input_at_top": submission(CORRECT, after={"imports": "name = input('your name? ')"}),
    "widget": submission(
        CORRECT,
        after={
            "imports": (
                "import ipywidgets\nfrom ipywidgets import interact\n"
                "interact(lambda a: a * 2, a=(0, 10))\n"
                "slider = ipywidgets.IntSlider()\ndisplay(slider)"
            )
        },
    ),
    "kernel_ir": submission(CORRECT, kernel="ir"),
    "kernel_python2": submission(CORRECT, kernel="python2"),
    "kernel_nonexistent": submission(CORRECT, kernel="nonexistent"),
    "deleted_test": edited(WRONG_HALF, "half-tests", delete=True),
    "deleted_test_correct": edited(CORRECT, "half-tests", delete=True),
    "edited_test": edited(WRONG_HALF, "half-tests", "assert True"),
    "wrapped_test": edited(
        WRONG_HALF, "half-tests", "try:\n    " + HALF_TESTS + "\nexcept AssertionError:\n    pass"
    ),
    "retyped_test": edited(WRONG_HALF, "half-tests", metadata={}, code="assert half(4) != 2"),
    "raised_points": edited(
        WRONG_HALF,
        "half-tests",
        metadata=nbgrader("half-tests", grade=True, points=100),
        code="assert True",
    ),
    "suppressed_traceback": submission(
        WRONG_HALF,
        after={
            "imports": (
                "import sys\n"
                "sys.excepthook = lambda *args: None\n"
                "ip = get_ipython()\n"
                "ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n"
                "ip.showtraceback = lambda *args, **kwargs: None\n"
                "ip.run_line_magic('xmode', 'Minimal')"
            )
        },
    ),
    "redefined_assertion_error": submission(
        WRONG_HALF,
        after={
            "imports": (
                "import builtins\n"
                "class AssertionError(Exception):\n    pass\n"
                "builtins.AssertionError = Warning"
            )
        },
    ),
    "exception_named_to_leak": submission(
        {
            **CORRECT,
            "square": (
                "def square(x):\n"
                "    Leak = type('assert_square_3_is_9_leaked', (Exception,), {})\n"
                "    raise Leak('the message of a learner')"
            ),
        }
    ),
    "emptied_cells": submission(
        WRONG_HALF,
        after={"imports": ("get_ipython().input_transformers_cleanup.append(lambda lines: [])")},
    ),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    source = write_source(folder)
    for name, notebook in FAULTS.items():
        save(notebook, folder / "submissions" / f"{name}.ipynb")
    report = grade_folder(
        source,
        folder / "submissions",
        folder / "out",
        limits=Limits(**TEST_LIMITS),
        jobs=2,
        report=lambda line: None,
    )
    results = {result.learner: result for result in report.results}
    assert set(results) == set(FAULTS) and not report.failed
    return results, folder / "out"


def outcome(batch, learner):
    results, _ = batch
    return {
        task.grade_id: (task.status, task.points, task.reason) for task in results[learner].tasks
    }


def status_of(batch, learner):
    return {task: (status, points) for task, (status, points, _) in outcome(batch, learner).items()}


def notes(batch, learner):
    return batch[0][learner].notes


ALL_PASS = {
    "double-tests": ("pass", 2.0),
    "half-tests": ("pass", 1.0),
    "square-tests": ("pass", 3.0),
}


def test_an_infinite_loop_is_interrupted_and_the_rest_of_the_notebook_runs(batch):
    assert status_of(batch, "loop") == ALL_PASS
    assert any(
        "exceeded the 8 s cell time limit and was interrupted" in n for n in notes(batch, "loop")
    )


def test_a_loop_that_swallows_interrupts_stops_the_notebook_and_later_tasks_are_errors(batch):
    result = outcome(batch, "loop_uninterruptible")
    assert result["double-tests"][:2] == ("pass", 2.0)  # ran before the loop
    for task in ("half-tests", "square-tests"):
        status, points, reason = result[task]
        assert (status, points) == ("error", 0.0)
        assert "exceeded the 8 s cell time limit and could not be interrupted" in reason


def test_a_test_that_runs_forever_is_an_error_with_the_limit(batch):
    result = outcome(batch, "loop_in_answer")
    assert result["half-tests"][:2] == ("error", 0.0)
    assert "exceeded the 8 s cell time limit" in result["half-tests"][2]
    assert result["square-tests"][:2] == ("pass", 3.0)


def test_a_memory_bomb_ends_as_a_memory_error_and_the_notebook_goes_on(batch):
    assert status_of(batch, "memory_bomb") == ALL_PASS
    assert any("ran out of memory (limit 1.0 GB)" in n for n in notes(batch, "memory_bomb"))
    assert status_of(batch, "memory_growing") == ALL_PASS
    assert any("ran out of memory" in n for n in notes(batch, "memory_growing"))


def test_a_memory_bomb_in_a_tested_answer_is_an_error_saying_so(batch):
    status, points, reason = outcome(batch, "memory_in_answer")["square-tests"]
    assert (status, points) == ("error", 0.0)
    assert reason.startswith("the kernel ran out of memory (limit 1.0 GB)")


def test_os_exit_in_a_solution_cell_makes_every_later_task_an_error(batch):
    result = outcome(batch, "os_exit")
    assert result["double-tests"][:2] == ("pass", 2.0)
    for task in ("half-tests", "square-tests"):
        status, points, reason = result[task]
        assert (status, points) == ("error", 0.0)
        assert reason.startswith("the kernel died (exit code 0) while running cell ")


def test_a_kernel_killed_during_a_test_is_an_error_never_a_pass(batch):
    status, points, reason = outcome(batch, "killed")["square-tests"]
    assert (status, points) == ("error", 0.0)
    assert reason == (
        "the kernel died (exit code -9) while running the hidden tests of task 'square tests' "
        f"(cell {index_of(FAULTS['killed'], 'square-tests') + 1})"
    )


def test_a_hidden_tests_reason_holds_no_text_of_the_learners_code(batch):
    # Neither the exception's message nor its class name (both the learner's text) is shown;
    # the line is quoted from the grader's copy of the learner's cell.
    status, points, reason = outcome(batch, "exception_named_to_leak")["square-tests"]
    cell = index_of(FAULTS["exception_named_to_leak"], "square") + 1
    assert (status, points) == ("error", 0.0)
    assert reason == (
        "a hidden test failed: your code raised an exception of its own type "
        f"(in cell {cell}, line 3: `raise Leak('the message of a learner')`)"
    )


def test_input_fails_fast_with_a_clear_reason(batch):
    status, _, reason = outcome(batch, "input")["half-tests"]
    assert status == "error"
    assert reason.startswith("the code asked for keyboard input (input())")
    assert status_of(batch, "input_at_top") == ALL_PASS
    assert any("asked for keyboard input" in n for n in notes(batch, "input_at_top"))


def test_widgets_neither_hang_nor_fail_the_grade(batch):
    assert status_of(batch, "widget") == ALL_PASS
    assert notes(batch, "widget") == []


@pytest.mark.parametrize("kernel", ["ir", "python2", "nonexistent"])
def test_whatever_kernel_the_notebook_names_the_course_python_grades_it(batch, kernel):
    assert status_of(batch, f"kernel_{kernel}") == ALL_PASS


@pytest.mark.parametrize(
    "learner", ["deleted_test", "edited_test", "wrapped_test", "retyped_test", "raised_points"]
)
def test_tampering_with_a_test_cannot_raise_the_grade(batch, learner):
    status, points, reason = outcome(batch, learner)["half-tests"]
    assert (status, points) == ("fail", 0.0)
    assert reason == "half(4) should be 2, got 1.3333333333333333"
    assert batch[0][learner].max_score == 6


def test_a_deleted_test_cell_is_put_back_and_a_correct_answer_still_passes(batch):
    assert status_of(batch, "deleted_test_correct") == ALL_PASS
    assert any("was missing and was put back" in n for n in notes(batch, "deleted_test_correct"))


@pytest.mark.parametrize("learner", ["suppressed_traceback", "redefined_assertion_error"])
def test_suppressed_tracebacks_do_not_turn_a_failure_into_a_pass(batch, learner):
    result = status_of(batch, learner)
    assert result["half-tests"] == ("fail", 0.0)
    assert result["double-tests"] == ("pass", 2.0)


def test_emptying_every_later_cell_is_undone_before_each_test_and_flagged(batch):
    # The kernel guard puts IPython's input transformers back before every test, so the
    # tests run as written: the answer emptied before the first test is missing (an error),
    # and the wrong half, run after the guard, still fails.
    assert status_of(batch, "emptied_cells") == {
        "double-tests": ("error", 0.0),
        "half-tests": ("fail", 0.0),
        "square-tests": ("pass", 3.0),
    }
    flags = [flag.describe() for flag in batch[0]["emptied_cells"].flags]
    assert any("IPython hooks (uses get_ipython().input_transformers_cleanup)" in f for f in flags)
    assert any("IPython input_transformers_cleanup had been replaced" in f for f in flags)


def test_no_fault_leaks_a_hidden_test_into_results_or_feedback(batch):
    _, out = batch
    for path in [*out.glob("results/*.json"), *out.glob("feedback/*.md"), out / "gradebook.csv"]:
        assert HIDDEN_MARKER not in path.read_text(), path


def test_feedback_files_exist_for_every_learner(batch):
    _, out = batch
    assert {path.stem for path in Path(out, "feedback").glob("*.md")} == set(FAULTS)
    text = (out / "feedback" / "killed.md").read_text()
    assert "| square tests | 0 / 3 | error | the kernel died (exit code -9)" in text
