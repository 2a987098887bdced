"""The examples in the docstrings of course_lib.nn and course_lib.gradcheck run, and every
public function and class names the notebook that teaches it."""

import doctest
import importlib
import inspect

import pytest

MODULES = [
    "course_lib.nn", "course_lib.nn.functional", "course_lib.nn.functional.linear",
    "course_lib.nn.functional.activation", "course_lib.nn.functional.softmax",
    "course_lib.nn.functional.dropout", "course_lib.nn.functional.batch_norm",
    "course_lib.nn.functional.loss", "course_lib.nn.linear", "course_lib.nn.activation",
    "course_lib.nn.container", "course_lib.nn.dropout", "course_lib.nn.flatten",
    "course_lib.nn.batchnorm", "course_lib.nn.loss", "course_lib.nn.init", "course_lib.gradcheck",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             extraglobs={"np": importlib.import_module("numpy")})
    assert result.failed == 0


def public_objects():
    for name in MODULES:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if attribute.startswith("_") or getattr(value, "__module__", None) != name:
                continue
            if inspect.isfunction(value) or inspect.isclass(value):
                yield f"{name}.{attribute}", value


@pytest.mark.parametrize("qualified_name, obj", list(public_objects()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_public_functions_and_classes_name_the_notebook_that_teaches_them(qualified_name, obj):
    assert "notebooks/" in (obj.__doc__ or ""), qualified_name
