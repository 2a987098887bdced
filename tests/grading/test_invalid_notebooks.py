"""Invalid submissions are reported as invalid, with what is wrong and what to do."""

import json

import nbformat
import pytest
from grading_notebooks import make_source, save, submission, write_source

from course_lib.grading import InvalidNotebookError, grade_submission, read_notebook


def good_bytes() -> bytes:
    return nbformat.writes(submission()).encode()


def conflicted() -> bytes:
    text = good_bytes().decode()
    lines = text.splitlines()
    middle = len(lines) // 2
    lines[middle:middle] = ["<<<<<<< HEAD", "=======", ">>>>>>> theirs"]
    return "\n".join(lines).encode()


def nbformat3() -> bytes:
    return json.dumps(
        {
            "nbformat": 3,
            "nbformat_minor": 0,
            "metadata": {"name": ""},
            "worksheets": [
                {
                    "cells": [
                        {
                            "cell_type": "code",
                            "input": "x = 1",
                            "language": "python",
                            "outputs": [],
                            "collapsed": False,
                            "metadata": {},
                        }
                    ],
                    "metadata": {},
                }
            ],
        }
    ).encode()


def schema_violation() -> bytes:
    content = json.loads(good_bytes())
    content["cells"][0]["source"] = 42
    return json.dumps(content).encode()


CASES = {
    "truncated JSON": (lambda: good_bytes()[: len(good_bytes()) // 2], "not valid JSON"),
    "merge conflict": (conflicted, "merge-conflict marker (<<<<<<<) on line"),
    "null bytes": (lambda: good_bytes()[:100] + b"\x00\x00" + good_bytes()[100:], "null bytes"),
    "nbformat 3": (nbformat3, "nbformat 3"),
    "not a notebook (PDF)": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not UTF-8 text"),
    "not a notebook (JSON)": (
        lambda: b'{"name": "alice", "answers": [1, 2]}',
        "not a Jupyter notebook",
    ),
    "JSON list": (lambda: b"[1, 2, 3]", "not a Jupyter notebook"),
    "empty file": (lambda: b"", "not valid JSON"),
    "schema violation": (schema_violation, "does not follow the notebook format"),
}


@pytest.mark.parametrize("case", CASES)
def test_read_notebook_names_the_problem(case, tmp_path):
    make, expected = CASES[case]
    path = tmp_path / "alice.ipynb"
    path.write_bytes(make())
    with pytest.raises(InvalidNotebookError) as error:
        read_notebook(path)
    assert expected in str(error.value)


def test_a_notebook_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path):
    notebook = submission()
    notebook.cells[1].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="x" * 300_000)
    ]
    path = save(notebook, tmp_path / "alice.ipynb")
    with pytest.raises(InvalidNotebookError, match="over the 195 KB limit.*clear the outputs"):
        read_notebook(path, max_bytes=200_000)
    assert read_notebook(path).cells  # under the default 50 MB limit it is fine


@pytest.mark.parametrize("case", ["truncated JSON", "merge conflict", "nbformat 3"])
def test_grading_an_invalid_notebook_scores_zero_with_the_reason(case, tmp_path):
    source_path = write_source(tmp_path)
    make, expected = CASES[case]
    path = tmp_path / "alice.ipynb"
    path.write_bytes(make())
    result = grade_submission(source_path, path)
    assert result.status == "invalid"
    assert expected in result.reason
    assert result.score == 0
    assert result.max_score == 6
    assert {task.status for task in result.tasks} == {"error"}


def test_a_missing_submission_file_is_invalid_not_a_crash(tmp_path):
    source_path = write_source(tmp_path)
    result = grade_submission(source_path, tmp_path / "nobody.ipynb")
    assert result.status == "invalid"
    assert "cannot be read" in result.reason


def test_a_valid_notebook_is_read(tmp_path):
    path = save(make_source(), tmp_path / "source.ipynb")
    assert len(read_notebook(path).cells) == len(make_source().cells)
