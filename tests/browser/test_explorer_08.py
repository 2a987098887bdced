"""Chapter 08's threshold explorer in a real JupyterLab, driven in Chromium.

The lecture itself runs under nbval; this test only checks the explorer in the browser. It
writes a small notebook that builds the explorer on fixed scores, runs it, moves the
"threshold" slider with the keyboard, and checks that the figure and the counts change,
that there is exactly one image, and that no widget failed to display.
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
NOTEBOOK = "explorer_08.ipynb"
CELLS = [
    "import numpy as np\n"
    "from course_lib.widgets.classification import ThresholdExplorer",
    "rng = np.random.default_rng(0)\n"
    "y = rng.integers(0, 2, 200)\n"
    "p = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(size=200))))",
    'ThresholdExplorer(y, p, threshold=0.5, class_names=("benign", "malignant"))',
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
def test_the_threshold_explorer_follows_the_keyboard(lab, sync_playwright):
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
                has=page.locator(".widget-label", has_text=re.compile(r"^threshold$")))
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
            assert page.locator(".widget-output img").count() == 1, "figures piled up"
            assert page.get_by_text("Error displaying widget").count() == 0
            assert page.get_by_text("Traceback").count() == 0
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_08_threshold_explorer.png"))
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_08_failure.png"))
            print("JupyterLab log:\n", lab.log())
            raise
        finally:
            browser.close()
