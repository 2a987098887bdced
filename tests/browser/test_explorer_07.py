"""Chapter 07's regression explorer in a real JupyterLab, moved with the keyboard.

The test writes a small notebook that only imports and displays the explorer (the whole
chapter runs under nbval elsewhere), opens it in Chromium, runs it from the Run menu,
moves the "hidden width" slider one step with the keyboard, and checks that the figure
changed, that there is exactly one image, that the summary names the new width, and that
no widget failed to display. A screenshot is saved in test-artifacts/.
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
NOTEBOOK = "explorer_07.ipynb"
WIDTHS = (4, 16, 64)
SLIDER_LABEL = "hidden width"


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
    server = JupyterLabServer(tmp_path)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from course_lib.widgets.regression import RegressionExplorer\n"
        f"RegressionExplorer(width=16, noise=0.3, widths={WIDTHS}, epochs=200)"
    )])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    server.root.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, server.root / NOTEBOOK)
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


def run_all_cells(page) -> None:
    """Run > Run All Cells, with the mouse, as a learner does."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def stable_new_image(page, before: str | None, *, timeout: float, settle: float = 1.0) -> str:
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
def test_the_regression_explorer_follows_the_keyboard_in_jupyterlab(lab, sync_playwright):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        try:
            page.goto(lab.lab_url(NOTEBOOK, workspace=f"test-{secrets.token_hex(4)}"),
                      timeout=120_000)
            page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=120_000)
            wait_for(lambda: kernel_ready(lab), timeout=120,
                     what="the notebook's kernel is idle with a connection")
            run_all_cells(page)
            first = stable_new_image(page, None, timeout=120)

            slider = page.locator(".widget-slider").filter(
                has=page.locator(".widget-label", has_text=re.compile(f"^{SLIDER_LABEL}$")))
            assert slider.count() == 1, "the explorer's width slider is not on the page"
            readout = slider.locator(".widget-readout")
            assert readout.inner_text().strip() == "16"
            handle = slider.locator(".noUi-handle")
            handle.scroll_into_view_if_needed()
            handle.focus()
            page.keyboard.press("ArrowRight")
            stable_new_image(page, first, timeout=120)

            assert readout.inner_text().strip() == "64"
            summary = page.locator(".widget-html", has_text="noise floor")
            assert summary.inner_text().startswith("Width 64,"), summary.inner_text()
            assert page.locator(".widget-output img").count() == 1, "figures piled up"
            assert page.get_by_text("Error displaying widget").count() == 0
            errors = page.locator(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
            assert errors.count() == 0, f"error output: {errors.all_inner_texts()}"
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_07_regression_explorer.png"))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_07_regression_failure.png"))
            print("JupyterLab log:\n", lab.log())
            raise
        finally:
            browser.close()
