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
NOTEBOOK = "notebooks/01_xor_from_scratch.ipynb"
SLIDER_LABEL = "hidden units"

PROMPTS_JS = "els => els.map(e => e.textContent.trim())"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    server.copy_into_root(REPO / NOTEBOOK, NOTEBOOK)
    try:
        server.start()
        yield server
    finally:
        server.stop()
    assert server.process.poll() is not None, "the JupyterLab server outlived the test"


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


def kernel_ready(lab: JupyterLabServer) -> bool:
    state, connections = kernel_state(lab)
    return state == "idle" and connections >= 1


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


@pytest.mark.timeout(900)
def test_chapter_01_runs_in_jupyterlab_and_its_explorer_follows_the_keyboard(
    lab, sync_playwright
):
    committed = sha256(REPO / NOTEBOOK)
    n_code_cells = sum(
        cell.cell_type == "code" for cell in nbformat.read(REPO / NOTEBOOK, as_version=4).cells
    )
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
            # Run All before the page's kernel connection is up silently does nothing.
            wait_for(lambda: kernel_ready(lab), timeout=120,
                     what="the notebook's kernel is idle with a connection")
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
                        and kernel_state(lab)[0] == "idle")

            wait_for(finished, timeout=420, interval=1.0, what="every code cell has run")
            prompts = code_cell_prompts(page)
            assert prompts == [f"[{n}]:" for n in range(1, n_code_cells + 1)], prompts

            errors = page.locator(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
            )
            assert errors.count() == 0, f"error output: {errors.all_inner_texts()}"
            assert page.get_by_text("Error displaying widget").count() == 0
            assert page.get_by_text("Traceback").count() == 0

            slider = page.locator(".widget-slider").filter(
                has=page.locator(".widget-label", has_text=re.compile(f"^{SLIDER_LABEL}$")))
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
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_01_xor_failure.png"))
            print("browser console errors:", *console_errors[-20:], sep="\n  ")
            print("JupyterLab log:\n", lab.log())
            raise
        finally:
            browser.close()
    assert sha256(REPO / NOTEBOOK) == committed, "the committed notebook was modified"
