"""Chapter 07's regression explorer in a real JupyterLab, moved with the keyboard.

The test writes a small notebook that only imports and displays the explorer (the whole
chapter runs under nbval elsewhere), opens it in Chromium, runs it from the Run menu,
moves the "hidden width" slider one step with the keyboard, and checks that the figure
changed, that there is exactly one image, that the summary names the new width, and that
no widget failed to display. A screenshot is saved in test-artifacts/.
"""

from __future__ import annotations

import pytest
from _chromium import (
    ARTIFACTS,
    notebook_page,
    run_all_cells,
    serve_notebook,
    slider_labelled,
    wait_for_new_stable_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "explorer_07.ipynb"
WIDTHS = (4, 16, 64)
SLIDER_LABEL = "hidden width"


CELLS = [
    "from course_lib.widgets.regression import RegressionExplorer\n"
    f"RegressionExplorer(width=16, noise=0.3, widths={WIDTHS}, epochs=200)",
]


@pytest.fixture
def lab(tmp_path):
    with serve_notebook(tmp_path, NOTEBOOK, CELLS) as server:
        yield server


@pytest.mark.timeout(300)
def test_the_regression_explorer_follows_the_keyboard_in_jupyterlab(lab):
    with notebook_page(lab, NOTEBOOK) as page:
        run_all_cells(page)
        first = wait_for_new_stable_image(page, None, timeout=120)

        slider = slider_labelled(page, SLIDER_LABEL)
        assert slider.count() == 1, "the explorer's width slider is not on the page"
        readout = slider.locator(".widget-readout")
        assert readout.inner_text().strip() == "16"
        handle = slider.locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("ArrowRight")
        wait_for_new_stable_image(page, first, timeout=120)

        assert readout.inner_text().strip() == "64"
        summary = page.locator(".widget-html", has_text="noise floor")
        assert summary.inner_text().startswith("Width 64,"), summary.inner_text()
        assert page.locator(".widget-output img").count() == 1, "figures piled up"
        assert page.get_by_text("Error displaying widget").count() == 0
        errors = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        assert errors.count() == 0, f"error output: {errors.all_inner_texts()}"
        page.screenshot(path=str(ARTIFACTS / "jupyterlab_07_regression_explorer.png"))
