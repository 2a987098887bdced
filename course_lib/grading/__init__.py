"""Exercises and grading: release exercises from solutions, check and grade notebooks.

The public interface (also the ``course`` command line, ``course_lib/cli.py``)::

    from course_lib.grading import release_notebook, grade_submission

    exercise = release_notebook(solution)                  # nbformat notebook -> notebook
    result = grade_submission(Path("solutions/01_xor.ipynb"), Path("alice.ipynb"))
    result.score, result.max_score, [(t.task, t.status, t.reason) for t in result.tasks]

Solutions follow nbgrader's conventions (``notebook.py``); releasing does what
nbgrader's generate_assignment does (``release.py``); grading restores every
test from the source (``plan.py``), flags tampering in the learner's cells
(``tampering.py``) and runs the notebook in a fresh, limited kernel
(``runner.py``, ``kernel.py``), in a bubblewrap sandbox where it works
(``sandbox.py``), whose guard undoes tampering before each test
(``kernel_guard.py``); reasons never quote a hidden test (``reasons.py``) and
feedback is redacted of hidden tests and solutions (``redaction.py``).
``gradebook.py`` grades a folder (or a share of it) in parallel, merges shares,
and writes results, the CSV gradebook and feedback (``feedback.py``);
``exports.py`` writes files that Canvas and Moodle import. Exercise test cells
import ``exercise_support.graded_alone`` so that each task is graded on its
own code only.
Taught in no notebook: this is the course's tooling.
"""

import importlib

_PUBLIC = {
    "InvalidNotebookError": "course_lib.grading.notebook",
    "SubmissionResult": "course_lib.grading.results",
    "TaskResult": "course_lib.grading.results",
    "grade_submission": "course_lib.grading.grade",
    "read_notebook": "course_lib.grading.notebook",
    "release_notebook": "course_lib.grading.release",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    # Imported on first use, so `course --help` and the limits load fast.
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
