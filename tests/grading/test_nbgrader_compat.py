"""Our exercises are what nbgrader's own generate_assignment makes of solutions/, cell for cell.

nbgrader lives in an environment of its own (``make test`` builds
.venv-nbgrader from tests/nbgrader-requirements.txt and sets COURSE_NBGRADER to
its ``nbgrader``), so it never adds its menus to the learners' JupyterLab.
Every solution notebook and a synthetic one (nested solution regions, Markdown
answers, hidden-only tests) are put in one assignment of a temporary nbgrader
course and released by nbgrader once.
"""

import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import skip_or_fail_without
from grading_notebooks import make_source, nbgrader
from nbformat.v4 import new_code_cell, new_markdown_cell

from course_lib.grading import release_notebook

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((REPOSITORY / "solutions").glob("*.ipynb"))
ASSIGNMENT = "course"


def synthetic_source() -> nbformat.NotebookNode:
    notebook = make_source()
    notebook.cells += [
        new_code_cell(
            "def f(x):\n    if x > 0:\n        ### BEGIN SOLUTION\n        return x\n"
            "        ### END SOLUTION\n    return 0\n\n### BEGIN SOLUTION\ny = 1\n### END SOLUTION",
            metadata=nbgrader("two-regions", solution=True),
        ),
        new_markdown_cell(
            "Because ...", metadata=nbgrader("essay", solution=True, grade=True, points=2)
        ),
        new_code_cell("answer = 42", metadata=nbgrader("whole-cell", solution=True)),
    ]
    return notebook


@pytest.fixture(scope="module")
def released_by_nbgrader(tmp_path_factory) -> Path:
    executable = os.environ.get("COURSE_NBGRADER")
    if not executable:
        skip_or_fail_without(
            "nbgrader (COURSE_NBGRADER)",
            "run `make test`, which builds .venv-nbgrader from tests/nbgrader-requirements.txt, "
            "or set COURSE_NBGRADER to the path of an nbgrader 0.9.6 executable",
        )
    root = tmp_path_factory.mktemp("nbgrader-course")
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    nbformat.write(synthetic_source(), source / "synthetic.ipynb")
    for path in SOLUTIONS:
        (source / path.name).write_bytes(path.read_bytes())
    completed = subprocess.run(
        [
            executable,
            "generate_assignment",
            ASSIGNMENT,
            f"--CourseDirectory.root={root}",
            "--no-db",
            "--force",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return root


def comparable(notebook: nbformat.NotebookNode) -> list[dict]:
    """What must match: cell types, sources, grade ids, points, empty outputs."""
    cells = []
    for cell in notebook.cells:
        metadata = cell.metadata.get("nbgrader", {})
        cells.append(
            {
                "cell_type": cell.cell_type,
                "source": cell.source,
                "grade_id": metadata.get("grade_id"),
                "points": metadata.get("points"),
                "outputs": cell.get("outputs"),
                "execution_count": cell.get("execution_count"),
            }
        )
    return cells


@pytest.mark.parametrize("name", ["synthetic.ipynb", *(path.name for path in SOLUTIONS)])
def test_our_release_matches_nbgraders_cell_for_cell(released_by_nbgrader, name):
    root = released_by_nbgrader
    source = nbformat.read(root / "source" / ASSIGNMENT / name, as_version=4)
    theirs = nbformat.read(root / "release" / ASSIGNMENT / name, as_version=4)
    ours = release_notebook(source)
    assert len(ours.cells) == len(theirs.cells)
    for number, (mine, nbgraders) in enumerate(
        zip(comparable(ours), comparable(theirs), strict=True), start=1
    ):
        assert mine == nbgraders, f"{name}, cell {number} differs from nbgrader's release"
