"""The examples in the docstrings of course_lib outside the engine run as written.

(The engine's own, course_lib.nn and course_lib.gradcheck, run in test_nn_docstrings.py.)
"""

import doctest
import importlib

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import skip_or_fail_without

MODULES = [
    "course_lib.checks",
    "course_lib.data",
    "course_lib.data.batches",
    "course_lib.data.classification",
    "course_lib.data.encoding",
    "course_lib.data.fashion_mnist",
    "course_lib.data.idx",
    "course_lib.data.regression",
    "course_lib.data.splits",
    "course_lib.data.standardize",
    "course_lib.data.tabular",
    "course_lib.data.toy",
    "course_lib.grading.exercise_support",
    "course_lib.metrics",
    "course_lib.plots.activations",
    "course_lib.plots.boundaries",
    "course_lib.plots.curves",
    "course_lib.plots.graphs",
    "course_lib.plots.images",
    "course_lib.regularization",
    "course_lib.torch_utils",
    "course_lib.widgets.activations",
    "course_lib.widgets.common",
    "course_lib.widgets.gradcheck",
    "course_lib.widgets.xor",
    "course_lib.xor",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)  # the explorers' examples draw
    module = importlib.import_module(name)
    if name == "course_lib.data.fashion_mnist" and module.find_fashion_mnist() is None:
        skip_or_fail_without("Fashion-MNIST", "run `make data`: its example loads the test split")
    try:
        result = doctest.testmod(module, extraglobs={"np": np},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    finally:
        plt.close("all")
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
