"""Chapter 05's optimizer explorer in a real JupyterLab, moved with the keyboard.

The test writes a two-cell notebook that only imports and shows the explorer (the
chapter itself runs under nbval), opens it in a throw-away JupyterLab
(tests/browser/_jupyterlab.py) in Chromium, runs it, moves the "steps" slider one
step with the keyboard, and checks that the figure changed, that the summary now
counts the new number of steps, and that there is one image and no "Error displaying
widget". A screenshot is saved in test-artifacts/.
"""

from __future__ import annotations

import pytest
from _chromium import (
    ARTIFACTS,
    assert_one_figure_and_no_error,
    notebook_page,
    run_all_cells,
    serve_notebook,
    slider_labelled,
    wait_for_new_stable_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "explorer_05.ipynb"
SLIDER_LABEL = "steps"
START_STEPS = 300  # the slider moves in steps of 10


CELLS = [
    "from course_lib.widgets.optimizers import OptimizerExplorer",
    'OptimizerExplorer(surface="bowl", optimizer="SGD + momentum", lr=0.005, '
    f"momentum=0.9, steps={START_STEPS})",
]


@pytest.fixture
def lab(tmp_path):
    with serve_notebook(tmp_path, NOTEBOOK, CELLS) as server:
        yield server


@pytest.mark.timeout(300)
def test_the_optimizer_explorer_follows_the_keyboard(lab):
    with notebook_page(lab, NOTEBOOK) as page:
        run_all_cells(page)
        before = wait_for_new_stable_image(page, None, timeout=120)

        summary = page.locator(".widget-html", has_text="On the bowl surface")
        assert f"not there after {START_STEPS} steps" in summary.inner_text()
        slider = slider_labelled(page, SLIDER_LABEL)
        assert slider.count() == 1, "the explorer's steps slider is not on the page"
        handle = slider.locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("ArrowRight")
        wait_for_new_stable_image(page, before, timeout=60)

        assert int(slider.locator(".widget-readout").inner_text()) == START_STEPS + 10
        assert f"not there after {START_STEPS + 10} steps" in summary.inner_text()
        assert_one_figure_and_no_error(page)
        page.screenshot(path=str(ARTIFACTS / "jupyterlab_05_explorer.png"))
