"""Plausible wrong answers for every graded task of the exercises, one module per exercise.

Each entry is a bug learners really make, or a shortcut the exercise text forbids. The
honest tests (tests/grading/test_exercises_honest.py) put it into an otherwise correct
exercise notebook, in place of one answer's ``# YOUR CODE HERE`` /
``raise NotImplementedError()`` (the other answers get the reference solution), grade
it with ``course grade``, and check that the grader rejects exactly the task it belongs
to, and no other.

Adding the wrong answers of a new exercise ``solutions/NN_name.ipynb``:

1. Create ``tests/grading/wrong_answers/exNN_name.py`` (``ex`` + the notebook's name:
   a module name cannot start with a digit) holding ``NOTEBOOK = "NN_name"`` and a list
   ``WRONG_ANSWERS`` of ``W(NOTEBOOK, task, answer, bug, code=... or edits=...)``:
   ``task`` is the grade_id of the test cell that must reject the bug, ``answer`` the
   grade_id of the solution cell it goes into, ``bug`` a short description (unique).
   Copy the layout of ``ex01_xor.py``.
2. Give every graded task at least three wrong answers, and cover each promise of the
   task text: a dtype (float32 in, float32 out), an edge input (a row spanning more
   than 1000, x = 0), a size other than the example's (N != 4), the type of what is
   returned (a float, not a (1, 1) array), and a wrapper around course_lib's reference.
3. Nothing shared changes: ``exercise_modules()`` finds the module from the notebooks in
   solutions/, and the honest tests, the table checks and benchmarks/grading.py pick it
   up. A notebook in solutions/ without a module fails
   ``test_every_exercise_has_wrong_answers``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from wrong_answers.common import (
    WrongAnswer,
    buggy_code,
    fill_exercise,
    solution_answers,
)

SOLUTIONS = Path(__file__).resolve().parents[3] / "solutions"


def exercise_names() -> list[str]:
    """The exercise notebooks of solutions/, by name (``01_xor``), in order."""
    return sorted(path.stem for path in SOLUTIONS.glob("*.ipynb"))


def module_name(notebook: str) -> str:
    """``01_xor`` -> ``ex01_xor``: the module holding that exercise's wrong answers."""
    return f"ex{notebook}"


def wrong_answers_for(notebook: str) -> list[WrongAnswer]:
    """The wrong answers of one exercise; ModuleNotFoundError if it has no module yet."""
    module = importlib.import_module(f"wrong_answers.{module_name(notebook)}")
    if module.NOTEBOOK != notebook:
        raise ValueError(f"{module.__name__}.NOTEBOOK is {module.NOTEBOOK!r}, not {notebook!r}")
    return list(module.WRONG_ANSWERS)


def all_wrong_answers() -> list[WrongAnswer]:
    """The wrong answers of every exercise in solutions/ that has a module."""
    answers = []
    for notebook in exercise_names():
        try:
            answers += wrong_answers_for(notebook)
        except ModuleNotFoundError:
            continue  # reported by test_every_exercise_has_wrong_answers
    return answers


__all__ = [
    "WrongAnswer",
    "all_wrong_answers",
    "buggy_code",
    "exercise_names",
    "fill_exercise",
    "module_name",
    "solution_answers",
    "wrong_answers_for",
]
