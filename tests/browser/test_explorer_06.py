"""Chapter 06's regularization explorer in a real JupyterLab, driven in Chromium.

The lecture itself runs under nbval; this test only checks the explorer in the browser. It
writes a small notebook that only imports and shows the explorer (short trainings), runs it,
moves the "dropout p" slider three steps with the keyboard, and checks that the network was
trained again (the figure and the summary change), that there is exactly one image, and that
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
PROMPTS_JS = "els => els.map(e => e.textContent.trim())"
NOTEBOOK = "explorer_06.ipynb"
CELLS = [
    "from course_lib.widgets.regularization import RegularizationExplorer",
    "RegularizationExplorer(noise=0.4, lam=0.0, dropout=0.0, seed=0, epochs=100)",
]


# The helpers below are those of test_jupyterlab.py, for this test's notebook.
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


def wait_for(condition, *, timeout: float, interval: float = 0.5, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting until {what}")


def kernel_state(lab: JupyterLabServer) -> tuple[str | None, int]:
    session = lab.session_for(NOTEBOOK)
    if session is None:
        return None, 0
    kernel = session["kernel"]
    return kernel.get("execution_state"), kernel.get("connections", 0)


def code_cell_prompts(page) -> list[str]:
    return page.eval_on_selector_all(".jp-Notebook .jp-CodeCell .jp-InputPrompt", PROMPTS_JS)


def run_all_cells(page) -> None:
    """Run > Run All Cells, with the mouse, as a learner does."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def wait_for_new_stable_image(page, before: str, *, timeout: float, settle: float = 1.5) -> str:
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


@pytest.fixture
def lab(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    source = tmp_path / "source" / NOTEBOOK
    source.parent.mkdir()
    nbformat.write(notebook, source)
    server = JupyterLabServer(tmp_path / "lab")
    server.copy_into_root(source, NOTEBOOK)
    try:
        server.start()
        yield server
    finally:
        server.stop()
    assert server.process.poll() is not None, "the JupyterLab server outlived the test"


@pytest.mark.timeout(300)
def test_the_regularization_explorer_follows_the_keyboard(lab, sync_playwright):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        try:
            page.goto(lab.lab_url(NOTEBOOK, workspace=f"test-{secrets.token_hex(4)}"),
                      timeout=120_000)
            page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=120_000)

            def ready():
                state, connections = kernel_state(lab)
                return state == "idle" and connections >= 1

            wait_for(ready, timeout=120, what="the notebook's kernel is idle with a connection")
            run_all_cells(page)

            def finished():
                prompts = code_cell_prompts(page)
                return (len(prompts) == len(CELLS)
                        and all(re.fullmatch(r"\[\d+\]:", prompt) for prompt in prompts)
                        and kernel_state(lab)[0] == "idle")

            wait_for(finished, timeout=120, interval=0.5, what="every cell has run")
            image = page.locator(".widget-output img").first
            image.wait_for()
            before = image.get_attribute("src")
            slider = page.locator(".widget-slider").filter(
                has=page.locator(".widget-label", has_text=re.compile(r"^dropout p$")))
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
            assert page.locator(".widget-output img").count() == 1, "figures piled up"
            assert page.get_by_text("Error displaying widget").count() == 0
            assert page.get_by_text("Traceback").count() == 0
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_06_regularization_explorer.png"))
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_06_failure.png"))
            print("JupyterLab log:\n", lab.log())
            raise
        finally:
            browser.close()
