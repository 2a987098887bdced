"""Chapter 01 in a real JupyterLab, driven in Chromium the way a learner uses it.

JupyterLab runs from the course environment on a copy of the notebook in a
temporary root (the committed notebook is never opened, so never saved). The
test opens the notebook in a fresh workspace, waits until the page's kernel is
connected and idle, runs all cells from the Run menu, and checks that every
cell ran once, in order, without an error or a warning, and that every widget
displayed. It then moves the
XOR explorer's "hidden units" slider with the keyboard and checks that the
figure changes. A screenshot is saved in test-artifacts/.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat
import pytest
from _chromium import (
    ARTIFACTS,
    REPO,
    code_cell_prompts,
    kernel_state,
    notebook_page,
    run_all_cells,
    slider_labelled,
    wait_for,
    wait_for_new_stable_image,
)
from _jupyterlab import JupyterLabServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "notebooks/01_xor_from_scratch.ipynb"
SLIDER_LABEL = "hidden units"

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def lab(tmp_path):
    server = JupyterLabServer(tmp_path)
    server.copy_into_root(REPO / NOTEBOOK, NOTEBOOK)
    try:
        server.start()
        yield server
    finally:
        server.stop()
    assert server.process.poll() is not None, "the JupyterLab server outlived the test"


@pytest.mark.timeout(900)
def test_chapter_01_runs_in_jupyterlab_and_its_explorer_follows_the_keyboard(lab):
    committed = sha256(REPO / NOTEBOOK)
    n_code_cells = sum(
        cell.cell_type == "code" for cell in nbformat.read(REPO / NOTEBOOK, as_version=4).cells
    )
    # notebook_page waits for the kernel: Run All before the page's kernel connection is
    # up silently does nothing.
    with notebook_page(lab, NOTEBOOK) as page:
        # The committed outputs are on the page; a widget without its state must fall
        # back to its text, not to an error.
        assert page.get_by_text("Error displaying widget").count() == 0

        run_all_cells(page)
        # Run All queues every cell at once: queued cells show [*].
        wait_for(lambda: "[*]:" in code_cell_prompts(page), timeout=60, interval=0.1,
                 what="Run All Cells has queued the cells")

        def finished():
            prompts = code_cell_prompts(page)
            return (len(prompts) == n_code_cells
                    and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts)
                    and kernel_state(lab, NOTEBOOK)[0] == "idle")

        wait_for(finished, timeout=420, interval=1.0, what="every code cell has run")
        prompts = code_cell_prompts(page)
        assert prompts == [f"[{n}]:" for n in range(1, n_code_cells + 1)], prompts

        errors = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        )
        assert errors.count() == 0, f"error output: {errors.all_inner_texts()}"
        assert page.get_by_text("Error displaying widget").count() == 0
        assert page.get_by_text("Traceback").count() == 0

        slider = slider_labelled(page, SLIDER_LABEL)
        assert slider.count() == 1, "the XOR explorer's slider is not on the page"
        handle = slider.locator(".noUi-handle")
        readout = slider.locator(".widget-readout")
        handle.scroll_into_view_if_needed()
        image = page.locator(".widget-output img").first
        image.wait_for()
        before = image.get_attribute("src")
        start_value = int(readout.inner_text())

        handle.focus()
        page.keyboard.press("ArrowRight")
        wait_for_new_stable_image(page, before, timeout=90)

        assert int(readout.inner_text()) == start_value + 1
        summary = page.locator(".widget-html", has_text="seeds solve XOR")
        assert f"with {start_value + 1} hidden units" in summary.inner_text()
        assert page.locator(".widget-output img").count() == 1, "figures piled up"
        assert page.get_by_text("Error displaying widget").count() == 0
        slider.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "jupyterlab_01_xor.png"))
    assert sha256(REPO / NOTEBOOK) == committed, "the committed notebook was modified"
