"""Chapter 04's initialization explorer in a real JupyterLab, moved with the keyboard.

The test writes a two-cell notebook that only imports and shows the explorer
(the chapter itself runs under nbval), opens it in a throw-away JupyterLab
(tests/browser/_jupyterlab.py) in Chromium, runs it, moves the "depth" slider
one step with the keyboard, and checks that the figure changed, that the
summary now describes one more layer, and that there is one image and no
"Error displaying widget". A screenshot is saved in test-artifacts/.
"""

from __future__ import annotations

import re
import secrets

import pytest
from _chromium import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    kernel_ready,
    playwright_or_skip,
    serve_notebook,
    wait_for,
    wait_for_new_stable_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "explorer_04.ipynb"
SLIDER_LABEL = "depth"
START_DEPTH = 8
CELLS = [
    "from course_lib.widgets.initialization import InitializationExplorer",
    f'InitializationExplorer(scheme="xavier", activation="relu", depth={START_DEPTH}, '
    "width=64)",
]


@pytest.fixture
def lab(tmp_path):
    with serve_notebook(tmp_path, NOTEBOOK, CELLS) as server:
        yield server


@pytest.mark.timeout(300)
def test_the_initialization_explorer_follows_the_keyboard(lab):
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_or_skip() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        console_errors = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        try:
            page.goto(lab.lab_url(NOTEBOOK, workspace=f"test-{secrets.token_hex(4)}"),
                      timeout=120_000)
            page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=120_000)
            wait_for(lambda: kernel_ready(lab, NOTEBOOK), timeout=120,
                     what="the notebook's kernel is idle with a connection")
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel",
                         has_text=re.compile(r"^Run All Cells$")).click()
            before = wait_for_new_stable_image(page, None, timeout=120)

            summary = page.locator(".widget-html", has_text="Std of the pre-activations")
            assert f"layer {START_DEPTH} " in summary.inner_text()
            slider = page.locator(".widget-slider").filter(
                has=page.locator(".widget-label", has_text=re.compile(f"^{SLIDER_LABEL}$")))
            assert slider.count() == 1, "the explorer's depth slider is not on the page"
            handle = slider.locator(".noUi-handle")
            handle.scroll_into_view_if_needed()
            handle.focus()
            page.keyboard.press("ArrowRight")
            wait_for_new_stable_image(page, before, timeout=60)

            assert int(slider.locator(".widget-readout").inner_text()) == START_DEPTH + 1
            assert f"layer {START_DEPTH + 1} " in summary.inner_text()
            assert page.locator(".widget-output img").count() == 1, "figures piled up"
            assert page.get_by_text("Error displaying widget").count() == 0
            assert page.get_by_text("Traceback").count() == 0
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_04_explorer.png"))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_04_explorer_failure.png"))
            print("browser console errors:", *console_errors[-20:], sep="\n  ")
            print("JupyterLab log:\n", lab.log())
            raise
        finally:
            browser.close()
