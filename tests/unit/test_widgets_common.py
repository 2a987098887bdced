"""course_lib.widgets.common: the grading switch and the single-image output."""

import warnings

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest

from course_lib.widgets.common import (
    Explorer,
    grading_mode,
    image_outputs,
    new_figure,
    show_figure,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("value, expected", [
    (None, False), ("", False), ("0", False), ("1", True), ("true", True), ("yes", True),
])
def test_grading_mode_follows_course_grading(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("COURSE_GRADING", raising=False)
    else:
        monkeypatch.setenv("COURSE_GRADING", value)
    assert grading_mode() is expected


def test_show_figure_replaces_the_output_with_exactly_one_png():
    output = widgets.Output()
    output.append_stdout("old text\n")
    for colour in ("red", "blue"):
        fig, ax = new_figure()
        ax.plot(np.arange(3), color=colour)
        show_figure(output, fig)
        assert len(output.outputs) == 1
    (png,) = image_outputs(output)
    assert png.startswith(PNG_SIGNATURE)


def test_new_figure_ignores_a_notebook_wide_layout_setting_without_warning():
    with matplotlib.rc_context({"figure.constrained_layout.use": True}):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig, _ = new_figure(ncols=2)
    assert fig.get_layout_engine() is None


def test_new_figure_gives_one_axes_or_a_list():
    _, ax = new_figure()
    _, axes = new_figure(ncols=3)
    assert hasattr(ax, "plot") and len(axes) == 3


def test_an_inert_explorer_displays_a_text_and_no_widget(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")
    explorer = Explorer()
    assert explorer.inert and explorer.widget is None
    bundle = explorer._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "grading" in bundle["text/plain"]


def test_a_live_explorer_displays_its_widget_with_a_readable_text_fallback(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    explorer = Explorer()
    explorer.widget = widgets.VBox([widgets.IntSlider()])
    bundle = explorer._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == explorer.widget.model_id
    assert "JupyterLab" in bundle["text/plain"]
