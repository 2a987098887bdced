"""Fixtures of the grader's tests; the synthetic notebooks are in grading_notebooks.py."""

from pathlib import Path

import pytest
from grading_notebooks import write_source


@pytest.fixture
def source_path(tmp_path: Path) -> Path:
    """The synthetic solution notebook, saved as ``tmp_path/source/synthetic.ipynb``."""
    return write_source(tmp_path)
