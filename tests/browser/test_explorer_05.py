"""Chapter 05's optimizer explorer in a real JupyterLab, moved with the keyboard.

The test writes a two-cell notebook that only imports and shows the explorer (the
chapter itself runs under nbval), opens it in a throw-away JupyterLab
(tests/browser/_jupyterlab.py) in Chromium, runs it, moves the "steps" slider one
step with the keyboard, and checks that the figure changed, that the summary now
counts the new number of steps, and that there is one image and no "Error displaying
widget". A screenshot is saved in test-artifacts/.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

import nbformat
import pytest
from _jupyterlab import JupyterLabServer
from conftest import skip_or_fail_without

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
NOTEBOOK = "explorer_05.ipynb"
SLIDER_LABEL = "steps"
START_STEPS = 300  # the slider moves in steps of 10


@pytest.fixture
def sync_playwright():
    if not CHROMIUM.exists():
        skip_or_fail_without(
            f"Chromium ({CHROMIUM})", "install the Debian package: apt-get install chromium"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail_without("Playwright for Python", "install the course's test extra: make setup")
    return sync_playwright


@pytest.fixture
def lab(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from course_lib.widgets.optimizers import OptimizerExplorer"),
        nbformat.v4.new_code_cell(
            'OptimizerExplorer(surface="bowl", optimizer="SGD + momentum", lr=0.005, '
            f"momentum=0.9, steps={START_STEPS})"),
    ])
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)",
                                       "language": "python", "name": "python3"}
    source = tmp_path / NOTEBOOK
    nbformat.write(notebook, source)
    server = JupyterLabServer(tmp_path / "lab")
    server.copy_into_root(source, NOTEBOOK)
    try:
        server.start()
        yield server
    finally:
        server.stop()
    assert server.process.poll() is not None, "the JupyterLab server outlived the test"


def wait_for(condition, *, timeout: float, interval: float = 0.25, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting until {what}")


def kernel_ready(lab: JupyterLabServer) -> bool:
    session = lab.session_for(NOTEBOOK)
    if session is None:
        return False
    kernel = session["kernel"]
    return kernel.get("execution_state") == "idle" and kernel.get("connections", 0) >= 1


def wait_for_new_stable_image(page, before: str | None, *, timeout: float,
                              settle: float = 1.0) -> str:
    """Wait until the explorer's image differs from ``before``, then stays put ``settle`` s."""
    image = page.locator(".widget-output img").first
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        current = image.get_attribute("src") if image.count() else None
        if current != last:
            last, since = current, time.monotonic()
        elif current and current != before and time.monotonic() - since >= settle:
            return current
        time.sleep(0.25)
    raise AssertionError(f"the explorer's figure did not change within {timeout:.0f} s")


@pytest.mark.timeout(300)
def test_the_optimizer_explorer_follows_the_keyboard(lab, sync_playwright):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        console_errors = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        try:
            page.goto(lab.lab_url(NOTEBOOK, workspace=f"test-{secrets.token_hex(4)}"),
                      timeout=120_000)
            page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=120_000)
            wait_for(lambda: kernel_ready(lab), timeout=120,
                     what="the notebook's kernel is idle with a connection")
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel",
                         has_text=re.compile(r"^Run All Cells$")).click()
            before = wait_for_new_stable_image(page, None, timeout=120)

            summary = page.locator(".widget-html", has_text="On the bowl surface")
            assert f"not there after {START_STEPS} steps" in summary.inner_text()
            slider = page.locator(".widget-slider").filter(
                has=page.locator(".widget-label", has_text=re.compile(f"^{SLIDER_LABEL}$")))
            assert slider.count() == 1, "the explorer's steps slider is not on the page"
            handle = slider.locator(".noUi-handle")
            handle.scroll_into_view_if_needed()
            handle.focus()
            page.keyboard.press("ArrowRight")
            wait_for_new_stable_image(page, before, timeout=60)

            assert int(slider.locator(".widget-readout").inner_text()) == START_STEPS + 10
            assert f"not there after {START_STEPS + 10} steps" in summary.inner_text()
            assert page.locator(".widget-output img").count() == 1, "figures piled up"
            assert page.get_by_text("Error displaying widget").count() == 0
            assert page.get_by_text("Traceback").count() == 0
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_05_explorer.png"))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_05_explorer_failure.png"))
            print("browser console errors:", *console_errors[-20:], sep="\n  ")
            print("JupyterLab log:\n", lab.log())
            raise
        finally:
            browser.close()
