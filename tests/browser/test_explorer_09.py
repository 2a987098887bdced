"""Chapter 09's parity explorer in a real JupyterLab, moved with the keyboard.

The test writes a small notebook that only imports and shows the explorer
(the chapter itself runs under nbval), opens it in a throw-away JupyterLab
(tests/browser/_jupyterlab.py) in Chromium, runs it, moves the "epochs" slider
one step with the keyboard, and checks that the figure changed, that the
summary now counts the steps of one more epoch, and that there is one image and
no "Error displaying widget". A screenshot is saved in test-artifacts/.
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

NOTEBOOK = "explorer_09.ipynb"
SLIDER_LABEL = "epochs"
START_EPOCHS = 1
STEPS_PER_EPOCH = 15  # scikit-learn's 1797 digits in batches of 128
CELLS = [
    "import torch\n"
    "from course_lib.widgets.parity import ParityExplorer\n"
    "torch.set_num_threads(1)",
    f'ParityExplorer(dtype="float32", epochs={START_EPOCHS}, batch_size=128)',
]


@pytest.fixture
def lab(tmp_path):
    with serve_notebook(tmp_path, NOTEBOOK, CELLS) as server:
        yield server


@pytest.mark.timeout(300)
def test_the_parity_explorer_follows_the_keyboard(lab):
    with notebook_page(lab, NOTEBOOK) as page:
        run_all_cells(page)
        before = wait_for_new_stable_image(page, None, timeout=120)

        summary = page.locator(".widget-html", has_text="Largest difference of a parameter")
        assert summary.inner_text().startswith(f"{START_EPOCHS * STEPS_PER_EPOCH} steps in")
        slider = slider_labelled(page, SLIDER_LABEL)
        assert slider.count() == 1, "the explorer's epochs slider is not on the page"
        handle = slider.locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("ArrowRight")
        wait_for_new_stable_image(page, before, timeout=60)

        assert int(slider.locator(".widget-readout").inner_text()) == START_EPOCHS + 1
        steps = (START_EPOCHS + 1) * STEPS_PER_EPOCH
        assert summary.inner_text().startswith(f"{steps} steps in float32")
        assert_one_figure_and_no_error(page)
        page.screenshot(path=str(ARTIFACTS / "jupyterlab_09_explorer.png"))
