"""Chapter 10's misclassification explorer in a real JupyterLab, moved with the keyboard.

The test writes a small notebook that only builds the explorer on made-up
probabilities (nbval runs the whole chapter already), opens it in JupyterLab in
Chromium, runs it, moves the "min confidence" slider one step with the arrow
key, and checks that the figure changed, that there is exactly one image, and
that no widget failed to display. A screenshot is saved in test-artifacts/.
"""

from __future__ import annotations

import pytest
from _chromium import (
    ARTIFACTS,
    notebook_page,
    run_all_cells,
    serve_notebook,
    slider_labelled,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "explorer_10.ipynb"
SLIDER_LABEL = "min confidence"
SOURCE = """\
import numpy as np

from course_lib.widgets.fashion_mnist import MisclassificationExplorer

rng = np.random.default_rng(0)
labels = np.arange(300) % 10
logits = rng.normal(size=(300, 10))
logits[np.arange(300), labels] += 2.0
probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
images = rng.integers(0, 256, size=(300, 28, 28), dtype=np.uint8)
MisclassificationExplorer(images, labels, probabilities, [f"class {c}" for c in range(10)])
"""


CELLS = [SOURCE]


@pytest.fixture
def lab(tmp_path):
    with serve_notebook(tmp_path, NOTEBOOK, CELLS) as server:
        yield server


@pytest.mark.timeout(600)
def test_the_misclassification_explorer_follows_the_keyboard(lab):
    with notebook_page(lab, NOTEBOOK) as page:
        run_all_cells(page)

        image = page.locator(".widget-output img")
        image.first.wait_for(timeout=120_000)
        summary = page.locator(".widget-html", has_text="predictions kept")
        summary.wait_for()
        assert "Confidence >= 0.00" in summary.inner_text()
        before = image.first.get_attribute("src")

        slider = slider_labelled(page, SLIDER_LABEL)
        assert slider.count() == 1, "the explorer's confidence slider is not on the page"
        handle = slider.locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("ArrowRight")

        wait_for(lambda: "Confidence >= 0.05" in summary.inner_text(), timeout=60,
                 what="the summary shows the new threshold")
        wait_for(lambda: image.count() == 1 and image.first.get_attribute("src") != before,
                 timeout=60, what="the figure is replaced")
        assert slider.locator(".widget-readout").inner_text().strip() == "0.05"
        assert image.count() == 1, "figures piled up"
        assert page.get_by_text("Error displaying widget").count() == 0
        assert page.get_by_text("Traceback").count() == 0
        page.screenshot(path=str(ARTIFACTS / "jupyterlab_explorer_10.png"))
