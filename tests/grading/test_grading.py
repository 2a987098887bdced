"""grade_submission end to end: scores, readable reasons, hidden tests kept hidden, the sandbox."""

import os
import random
import subprocess
import sys

import numpy as np
import pytest
from grading_notebooks import (
    CORRECT,
    HIDDEN_MARKER,
    TEST_LIMITS,
    index_of,
    make_source,
    nbgrader,
    reasons,
    save,
    statuses,
    submission,
    write_source,
)
from nbformat.v4 import new_code_cell, new_notebook

from course_lib.grading import grade_submission
from course_lib.grading.feedback import feedback_markdown

pytestmark = pytest.mark.slow


def grade(source_path, notebook, tmp_path, name="alice", **options):
    path = save(notebook, tmp_path / "submissions" / f"{name}.ipynb")
    return grade_submission(source_path, path, **{**TEST_LIMITS, **options})


def test_correct_answers_score_full_marks(tmp_path):
    source_path = write_source(tmp_path)
    result = grade(source_path, submission(CORRECT), tmp_path)
    assert result.status == "graded" and result.learner == "alice"
    assert statuses(result) == {
        "double-tests": ("pass", 2.0),
        "half-tests": ("pass", 1.0),
        "square-tests": ("pass", 3.0),
    }
    assert (result.score, result.max_score) == (6.0, 6.0)
    assert all(task.reason == "" for task in result.tasks)


def test_the_exercise_as_released_scores_zero_and_says_not_implemented(tmp_path):
    source_path = write_source(tmp_path)
    result = grade(source_path, submission(), tmp_path)
    assert result.score == 0
    assert set(statuses(result).values()) == {("fail", 0.0)}
    assert set(reasons(result).values()) == {"not implemented yet"}


def test_wrong_answers_fail_with_the_visible_message_and_only_a_name_for_hidden_tests(tmp_path):
    source_path = write_source(tmp_path)
    answers = {
        "double": "def double(x):\n    return x + 2",  # right for 2, wrong for -3 (hidden)
        "half": "def half(x):\n    return x / 3",
        "square": "def square(x):\n    return 2 * x",
    }
    result = grade(source_path, submission(answers), tmp_path)
    assert statuses(result) == {
        "double-tests": ("fail", 0.0),
        "half-tests": ("fail", 0.0),
        "square-tests": ("fail", 0.0),
    }
    assert reasons(result) == {
        "double-tests": "a hidden test failed",
        "half-tests": "half(4) should be 2, got 1.3333333333333333",
        "square-tests": "a hidden test failed",
    }
    everything = str(result.to_dict()) + feedback_markdown(result, assignment="synthetic")
    assert HIDDEN_MARKER not in everything
    assert "HIDDEN TESTS" not in everything


def test_an_exception_names_its_type_message_and_the_learners_line_without_colour_codes(tmp_path):
    source_path = write_source(tmp_path)
    answers = {
        **CORRECT,
        "half": "def half(x):\n    y = x / undefined_name\n    return y",
        "square": "def square(x):\n    return x * 'a' + 1",
    }
    notebook = submission(answers)
    half_cell = index_of(notebook, "half") + 1
    square_cell = index_of(notebook, "square") + 1
    result = grade(source_path, notebook, tmp_path)
    found = reasons(result)
    assert found["half-tests"] == (
        "NameError: name 'undefined_name' is not defined "
        f"(in cell {half_cell}, line 2: `y = x / undefined_name`)"
    )
    assert found["square-tests"] == (
        "a hidden test failed: your code raised TypeError "
        f"(in cell {square_cell}, line 2: `return x * 'a' + 1`)"
    )
    assert statuses(result)["half-tests"] == ("error", 0.0)
    assert not any("\x1b" in reason for reason in found.values())


def test_an_assertion_without_message_shows_the_assertion(tmp_path):
    source_path = write_source(tmp_path)
    source = make_source()
    source.cells[index_of(source, "half-tests")].source = "assert half(4) == 2"
    source_path = save(source, tmp_path / "source.ipynb")
    result = grade(
        source_path, submission({**CORRECT, "half": "def half(x):\n    return 0"}), tmp_path
    )
    assert reasons(result)["half-tests"] == "assertion failed: `assert half(4) == 2`"


def test_a_function_imported_instead_of_written_fails_the_module_check(tmp_path):
    source_path = write_source(tmp_path)
    result = grade(
        source_path,
        submission({**CORRECT, "double": "from operator import neg as double"}),
        tmp_path,
    )
    assert reasons(result)["double-tests"] == "double must be defined in this notebook"


def test_check_mode_runs_visible_tests_only_and_says_hidden_tests_remain(tmp_path):
    source_path = write_source(tmp_path)
    answers = {**CORRECT, "double": "def double(x):\n    return x + 2"}
    result = grade(source_path, submission(answers), tmp_path, visible_only=True)
    assert statuses(result) == {
        "double-tests": ("pass", 2.0),
        "half-tests": ("pass", 1.0),
        "square-tests": ("pass", 3.0),
    }
    assert reasons(result)["double-tests"] == (
        "visible tests pass; hidden tests run only when graded"
    )
    assert reasons(result)["half-tests"] == ""
    assert [task.has_hidden_tests for task in result.tasks] == [True, False, True]


def test_grading_the_same_submission_twice_gives_identical_results(tmp_path):
    source_path = write_source(tmp_path)
    answers = {**CORRECT, "half": "def half(x):\n    return x // 3"}
    after = {"double-tests": "import random\nnoise = random.random()"}
    first = grade(source_path, submission(answers, after=after), tmp_path).to_dict()
    second = grade(source_path, submission(answers, after=after), tmp_path).to_dict()
    first.pop("seconds"), second.pop("seconds")
    assert first == second


def sandbox_source(grader_pgid: int, submission_folder: str, limit: int):
    """A source whose tests check the kernel's sandbox from the inside."""
    expected_random = random.Random(0).random()
    expected_numpy = np.random.RandomState(0).rand()
    expected_hash = int(
        subprocess.run(
            [sys.executable, "-c", "print(hash('course'))"],
            env={**os.environ, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    checks = {
        "own-python": f"import sys\nassert sys.executable == {sys.executable!r}, sys.executable",
        "environment": (
            "import os\n"
            "assert os.environ['COURSE_GRADING'] == '1'\n"
            "assert os.environ['TQDM_DISABLE'] == '1'\n"
            "assert os.environ['MPLBACKEND'] == 'Agg'\n"
            "assert 'COURSE_TEST_SECRET' not in os.environ, 'grader environment leaked'"
        ),
        "working-folder": (
            "import os\n"
            "assert sorted(os.listdir('.')) == ['synthetic.ipynb'], os.listdir('.')\n"
            f"assert os.path.realpath('.') != os.path.realpath({submission_folder!r})"
        ),
        "process-group": (
            "import os\n"
            "assert os.getpgid(0) == os.getpid() == os.getsid(0), 'not a session of its own'\n"
            f"assert os.getpgid(0) != {grader_pgid}"
        ),
        "seeded": (
            "import random, numpy\n"
            f"assert random.random() == {expected_random!r}\n"
            f"assert numpy.random.rand() == {expected_numpy!r}\n"
            f"assert hash('course') == {expected_hash}, 'PYTHONHASHSEED is not 0'"
        ),
        "memory-limit": (
            f"import resource\nassert resource.getrlimit(resource.RLIMIT_AS)[0] == {limit}"
        ),
        "stdin-disabled": (
            "try:\n"
            "    input('name? ')\n"
            "except Exception as error:\n"
            "    assert type(error).__name__ == 'StdinNotImplementedError', repr(error)\n"
            "else:\n"
            "    raise AssertionError('input() returned')"
        ),
        "widgets-inert": (
            "import ipywidgets\n"
            "from course_lib.widgets.common import grading_mode\n"
            "assert grading_mode(), 'course_lib.widgets does not see COURSE_GRADING'\n"
            "ipywidgets.interact(lambda a: a, a=(0, 10))\n"
            "display(ipywidgets.IntSlider())"
        ),
    }
    cells = [
        new_code_cell(code, metadata=nbgrader(name, grade=True, points=1))
        for name, code in checks.items()
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return notebook


def test_the_kernel_runs_in_the_process_isolation(tmp_path, monkeypatch):
    """Without bubblewrap (--sandbox none): the isolation every system gets.
    tests/grading/test_sandbox.py checks the bubblewrap sandbox."""
    monkeypatch.setenv("COURSE_TEST_SECRET", "do-not-leak")
    folder = tmp_path / "submissions"
    source = sandbox_source(os.getpgid(0), str(folder), TEST_LIMITS["memory_limit"])
    source_path = save(source, tmp_path / "source" / "synthetic.ipynb")
    learner = source.copy()
    learner.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    result = grade(source_path, learner, tmp_path, sandbox="none")
    assert result.isolation.startswith("process")
    failures = {t.grade_id: t.reason for t in result.tasks if t.status != "pass"}
    assert failures == {}
    assert result.score == len(source.cells)


def test_a_memory_limit_too_low_for_a_kernel_is_reported_with_the_kernels_own_error(
    tmp_path, capfd
):
    source_path = write_source(tmp_path)
    result = grade(source_path, submission(CORRECT), tmp_path, memory_limit=100 * 2**20)
    assert set(statuses(result).values()) == {("error", 0.0)}
    reason = result.tasks[0].reason
    assert reason.startswith("the grading kernel could not start (")
    assert "the memory limit of 100 MB is probably too low" in reason
    assert "Traceback" not in capfd.readouterr().err  # the kernel's log is not the grader's
