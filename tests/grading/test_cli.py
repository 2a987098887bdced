"""The course command: check prints a table and the hidden-test warning; errors are clear."""

import sys

import pytest
from grading_notebooks import CORRECT, HIDDEN_MARKER, make_source, save, submission

from course_lib import cli
from course_lib.grading.check import find_source


def course_folder(tmp_path, answers):
    """A course layout: solutions/synthetic.ipynb and a learner's exercises/synthetic.ipynb."""
    save(make_source(), tmp_path / "solutions" / "synthetic.ipynb")
    return save(submission(answers), tmp_path / "exercises" / "synthetic.ipynb")


def test_check_finds_the_source_in_solutions_by_file_name(tmp_path, monkeypatch):
    notebook = course_folder(tmp_path, CORRECT)
    assert find_source(notebook) == tmp_path / "solutions" / "synthetic.ipynb"
    elsewhere = tmp_path / "downloads" / "other.ipynb"
    with pytest.raises(FileNotFoundError, match="--source"):
        find_source(elsewhere)


@pytest.mark.slow
def test_check_prints_a_table_and_warns_that_hidden_tests_remain(tmp_path, capsys):
    answers = {**CORRECT, "half": "def half(x):\n    return x // 3"}
    notebook = course_folder(tmp_path, answers)
    status = cli.main(["check", str(notebook), "--cell-timeout", "8", "--memory-limit", "1024"])
    output = capsys.readouterr().out
    assert status == 1
    lines = output.splitlines()
    assert lines[2].split() == ["task", "points", "status", "reason"]
    assert lines[3].split() == [
        "double",
        "tests",
        "*",
        "2/2",
        "pass",
        "visible",
        "tests",
        "pass;",
        "hidden",
        "tests",
        "run",
        "only",
        "when",
        "graded",
    ]
    assert lines[4].split()[:4] == ["half", "tests", "0/1", "fail"]
    assert "half(4) should be 2, got 1" in output
    assert "visible tests: 5 / 6 points" in output
    assert "also have hidden tests: they run only when your notebook is graded" in output
    assert HIDDEN_MARKER not in output


@pytest.mark.slow
def test_check_exits_0_when_every_visible_test_passes(tmp_path, capsys):
    notebook = course_folder(tmp_path, CORRECT)
    source = tmp_path / "solutions" / "synthetic.ipynb"
    assert cli.main(["check", str(notebook), "--source", str(source)]) == 0
    assert "visible tests: 6 / 6 points" in capsys.readouterr().out


def test_check_of_an_invalid_notebook_says_why(tmp_path, capsys):
    course_folder(tmp_path, CORRECT)
    broken = tmp_path / "exercises" / "synthetic.ipynb"
    broken.write_text("<<<<<<< HEAD\n{}\n")
    assert cli.main(["check", str(broken)]) == 1
    assert "merge-conflict marker" in capsys.readouterr().out


def test_grade_of_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    source = save(make_source(), tmp_path / "synthetic.ipynb")
    status = cli.main(["grade", str(source), str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert status == 2
    assert "no such submissions folder" in capsys.readouterr().err


def test_doctor_is_the_course_doctor(monkeypatch):
    calls = []
    fake = type(sys)("course_lib.doctor")
    fake.main = lambda argv: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "course_lib.doctor", fake)
    monkeypatch.setattr("course_lib.doctor", fake, raising=False)
    assert cli.main(["doctor", "--json"]) == 0
    assert calls == [["--json"]]


def test_the_command_needs_a_subcommand(capsys):
    with pytest.raises(SystemExit) as exit_status:
        cli.main([])
    assert exit_status.value.code == 2


def test_grade_with_a_sandbox_that_does_not_work_here_is_a_usage_error(
    tmp_path, capsys, monkeypatch
):
    from course_lib.grading import sandbox

    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda: "bwrap is not installed (test)")
    source = save(make_source(), tmp_path / "synthetic.ipynb")
    save(submission(CORRECT), tmp_path / "subs" / "alice.ipynb")
    arguments = ["grade", str(source), str(tmp_path / "subs"), "--out", str(tmp_path / "o")]
    assert cli.main([*arguments, "--sandbox", "bubblewrap"]) == 2
    assert "--sandbox bubblewrap: bwrap is not installed (test)" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()  # nothing graded
    assert cli.main([*arguments, "--shard", "3/2"]) == 2
    assert "--shard takes I/N with 1 <= I <= N" in capsys.readouterr().err


@pytest.mark.slow
def test_check_tells_the_learner_what_the_grader_will_flag(tmp_path, capsys):
    save(make_source(), tmp_path / "solutions" / "synthetic.ipynb")
    notebook = save(
        submission(CORRECT, after={"imports": "import subprocess"}),
        tmp_path / "exercises" / "synthetic.ipynb",
    )
    assert cli.main(["check", str(notebook), "--cell-timeout", "8", "--memory-limit", "1024"]) == 0
    output = capsys.readouterr().out
    assert "flagged for your instructor when graded" in output
    assert ": process control (imports subprocess)" in output
