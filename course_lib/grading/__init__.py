"""Exercises and grading: release exercises from solutions, check and grade notebooks.

The public interface (also the ``course`` command line, ``course_lib/cli.py``)::

    from course_lib.grading import release_notebook, grade_submission

    exercise = release_notebook(solution)                  # nbformat notebook -> notebook
    result = grade_submission(Path("solutions/01_xor.ipynb"), Path("alice.ipynb"))
    result.score, result.max_score, [(t.task, t.status, t.reason) for t in result.tasks]

Solutions follow nbgrader's conventions (``notebook.py``); releasing does what
nbgrader's generate_assignment does (``release.py``); grading restores every
test from the source (``plan.py``) and runs the notebook in a fresh, limited
kernel (``runner.py``, ``kernel.py``); ``gradebook.py`` grades a folder in
parallel and writes results, the CSV gradebook and feedback (``feedback.py``).
Taught in no notebook: this is the course's tooling.
"""

from course_lib.grading.grade import grade_submission
from course_lib.grading.notebook import InvalidNotebookError, read_notebook
from course_lib.grading.release import release_notebook
from course_lib.grading.results import SubmissionResult, TaskResult

__all__ = [
    "InvalidNotebookError",
    "SubmissionResult",
    "TaskResult",
    "grade_submission",
    "read_notebook",
    "release_notebook",
]
