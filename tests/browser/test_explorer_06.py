"""Chapter 06's regularization explorer in a real JupyterLab, driven in Chromium.

The lecture itself runs under nbval; this test only checks the explorer in the browser. It
writes a small notebook that only imports and shows the explorer (short trainings), runs it,
moves the "dropout p" slider three steps with the keyboard, and checks that the network was
trained again (the figure and the summary change), that there is exactly one image, and that
no widget failed to display. A screenshot is saved in test-artifacts/.
"""

from __future__ import annotations

import re
import time

import pytest
from _chromium import (
    ARTIFACTS,
    assert_one_figure_and_no_error,
    code_cell_prompts,
    kernel_state,
    notebook_page,
    run_all_cells,
    serve_notebook,
    slider_labelled,
    wait_for,
    wait_for_new_stable_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "explorer_06.ipynb"
CELLS = [
    "from course_lib.widgets.regularization import RegularizationExplorer",
    "RegularizationExplorer(noise=0.4, lam=0.0, dropout=0.0, seed=0, epochs=100)",
]


@pytest.fixture
def lab(tmp_path):
    with serve_notebook(tmp_path, NOTEBOOK, CELLS) as server:
        yield server


@pytest.mark.timeout(300)
def test_the_regularization_explorer_follows_the_keyboard(lab):
    with notebook_page(lab, NOTEBOOK) as page:
        run_all_cells(page)

        def finished():
            prompts = code_cell_prompts(page)
            return (len(prompts) == len(CELLS)
                    and all(re.fullmatch(r"\[\d+\]:", prompt) for prompt in prompts)
                    and kernel_state(lab, NOTEBOOK)[0] == "idle")

        wait_for(finished, timeout=120, interval=0.5, what="every cell has run")
        image = page.locator(".widget-output img").first
        image.wait_for()
        before = image.get_attribute("src")
        slider = slider_labelled(page, "dropout p")
        assert slider.count() == 1, "the explorer's dropout slider is not on the page"
        readout = slider.locator(".widget-readout")
        assert readout.inner_text().strip() == "0.0"
        summary = page.locator(".widget-html", has_text="dropout p = 0.0")
        wait_for(lambda: summary.count() == 1, timeout=30, what="the summary shows p = 0.0")
        numbers_before = summary.inner_text().split("seed 0:", 1)[1]

        slider.locator(".noUi-handle").focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
            time.sleep(0.05)
        wait_for_new_stable_image(page, before, timeout=90)

        assert readout.inner_text().strip() == "0.3"
        moved = page.locator(".widget-html", has_text="dropout p = 0.3")
        wait_for(lambda: moved.count() == 1, timeout=60, what="the summary shows p = 0.3")
        assert moved.inner_text().split("seed 0:", 1)[1] != numbers_before
        assert_one_figure_and_no_error(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "jupyterlab_06_regularization_explorer.png"))
