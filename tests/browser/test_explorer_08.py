"""Chapter 08's threshold explorer in a real JupyterLab, driven in Chromium.

The lecture itself runs under nbval; this test only checks the explorer in the browser. It
writes a small notebook that builds the explorer on fixed scores, runs it, moves the
"threshold" slider with the keyboard, and checks that the figure and the counts change,
that there is exactly one image, and that no widget failed to display.
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

NOTEBOOK = "explorer_08.ipynb"
CELLS = [
    "import numpy as np\n"
    "from course_lib.widgets.classification import ThresholdExplorer",
    "rng = np.random.default_rng(0)\n"
    "y = rng.integers(0, 2, 200)\n"
    "p = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(size=200))))",
    'ThresholdExplorer(y, p, threshold=0.5, class_names=("benign", "malignant"))',
]


@pytest.fixture
def lab(tmp_path):
    with serve_notebook(tmp_path, NOTEBOOK, CELLS) as server:
        yield server


@pytest.mark.timeout(300)
def test_the_threshold_explorer_follows_the_keyboard(lab):
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
        slider = slider_labelled(page, "threshold")
        assert slider.count() == 1, "the explorer's threshold slider is not on the page"
        readout = slider.locator(".widget-readout")
        assert readout.inner_text().strip() == "0.50"
        summary = page.locator(".widget-html", has_text="Threshold 0.50:")
        counts_before = summary.inner_text()

        slider.locator(".noUi-handle").focus()
        for _ in range(10):
            page.keyboard.press("ArrowRight")
            time.sleep(0.05)
        wait_for_new_stable_image(page, before, timeout=60)

        assert readout.inner_text().strip() == "0.60"
        moved = page.locator(".widget-html", has_text="Threshold 0.60:")
        wait_for(lambda: moved.count() == 1, timeout=30, what="the summary shows 0.60")
        assert moved.inner_text().split(":", 1)[1] != counts_before.split(":", 1)[1]
        assert_one_figure_and_no_error(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "jupyterlab_08_threshold_explorer.png"))
