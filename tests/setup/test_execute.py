"""`make execute` (course_lib.execute): committed outputs that re-run without a diff."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from course_lib.execute import WIDGET_VIEW, execute_notebook


def test_executing_twice_gives_the_same_file_with_widget_text_and_no_timings(tmp_path):
    notebook = new_notebook(
        cells=[
            new_code_cell("import os\nprint('progress bars off:', os.environ['TQDM_DISABLE'])"),
            new_code_cell("import ipywidgets\nipywidgets.IntSlider(description='units')"),
            new_code_cell("print('a'); print('b')"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path = tmp_path / "example.ipynb"
    nbformat.write(notebook, path)

    execute_notebook(path)
    first = path.read_text()
    execute_notebook(path)
    assert path.read_text() == first, "re-executing an unchanged notebook changed the file"

    executed = nbformat.read(path, as_version=4)
    progress, widget, streams = executed.cells
    assert progress.outputs[0]["text"] == "progress bars off: 1\n"
    (widget_output,) = widget.outputs
    assert WIDGET_VIEW not in widget_output["data"]
    assert "IntSlider" in widget_output["data"]["text/plain"]
    assert "widgets" not in executed.metadata
    assert [o["text"] for o in streams.outputs] == ["a\nb\n"], "streams are not coalesced"
    assert all("execution" not in cell.metadata for cell in executed.cells)
    assert not list(tmp_path.glob(".*.tmp")), "a temporary file was left behind"
