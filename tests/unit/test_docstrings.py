"""Docstrings tell the truth: their examples run, and each public function and class names
the notebook that teaches it.

- Every example (``>>>``) in every module of course_lib runs as a doctest.
- A docstring that says a notebook teaches (or derives, or uses) the object names it as
  ``notebooks/NN_name.ipynb``; that notebook must exist and mention the object's name.
- A chapter not written yet is named as ``notebooks/NN_name.ipynb, not yet written``; that
  notebook must NOT exist, so the docstring is updated when the chapter arrives.
- An object no notebook teaches says so, "taught in no notebook", in its own docstring or in
  its module's (plumbing such as course_lib.checks). Private modules (``_name``) are skipped.
"""

import doctest
import importlib
import inspect
import pkgutil
import re
from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest

import course_lib

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = re.compile(r"notebooks/(\d\d_\w+)\.ipynb(,?\s+not yet written)?")
# Modules that need a running Jupyter server or a grading kernel to import cleanly are still
# checked for their docstrings, only their examples are skipped.
DOCTEST_SKIP = {"course_lib.execute"}


CHECKED = ("course_lib",)


def all_modules():
    names = [course_lib.__name__]
    for info in pkgutil.walk_packages(course_lib.__path__, prefix="course_lib."):
        names.append(info.name)
    return sorted(name for name in names if name.startswith(CHECKED))


MODULES = all_modules()


# Its example loads the real test split: without the data, tests/conftest.py reports it with
# the other tests that need Fashion-MNIST.
NEEDS_DATA = {"course_lib.data.fashion_mnist"}


@pytest.mark.parametrize("name", [
    pytest.param(m, marks=pytest.mark.realdata) if m in NEEDS_DATA else m
    for m in MODULES if m not in DOCTEST_SKIP
])
def test_docstring_examples_run(name, monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)  # the explorers' examples draw
    module = importlib.import_module(name)
    try:
        result = doctest.testmod(module, extraglobs={"np": np},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    finally:
        plt.close("all")
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"


def public_objects():
    for name in MODULES:
        if any(part.startswith("_") for part in name.split(".")):
            continue
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if attribute.startswith("_") or getattr(value, "__module__", None) != name:
                continue
            if inspect.isfunction(value) or inspect.isclass(value):
                yield f"{name}.{attribute}", value


@cache
def notebook_text(stem: str) -> str | None:
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    if not path.exists():
        return None
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells)


@pytest.mark.parametrize("qualified_name, obj", list(public_objects()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_public_objects_name_a_notebook_that_exists_and_uses_them(qualified_name, obj):
    doc = " ".join((inspect.getdoc(obj) or "").split())  # sentences may break across lines
    if "taught in no notebook" in doc.lower():
        return
    references = NOTEBOOK.findall(doc)
    if not references:
        module_doc = " ".join((inspect.getdoc(inspect.getmodule(obj)) or "").split())
        assert "taught in no notebook" in module_doc.lower(), (
            f"{qualified_name}: the docstring names no notebook (notebooks/NN_name.ipynb) and "
            "neither it nor its module's docstring says 'Taught in no notebook'")
        return
    for stem, not_yet in references:
        text = notebook_text(stem)
        if not_yet:
            assert text is None, (f"{qualified_name}: notebooks/{stem}.ipynb exists now; the "
                                  "docstring still says 'not yet written'")
            continue
        assert text is not None, f"{qualified_name}: notebooks/{stem}.ipynb does not exist"
        short_name = qualified_name.rsplit(".", 1)[1]
        assert re.search(rf"\b{re.escape(short_name)}\b", text), (
            f"{qualified_name}: notebooks/{stem}.ipynb does not mention {short_name}")
