"""Driving a notebook in a throw-away JupyterLab with Chromium, as a learner does.

Shared by the browser tests of the explorers (test_explorer_NN.py), of chapter 01
(test_jupyterlab.py) and of the website (test_site.py): the Chromium that Debian
installs, started headless with the flags a sandbox-free container needs; a JupyterLab
serving a small notebook of given cells; waiting for a condition with a message that
says what did not happen; the kernel's state as the server reports it; Run > Run All
Cells from the menu; and an explorer's figure that changed and then stayed put.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from pathlib import Path

import nbformat
from _jupyterlab import JupyterLabServer
from conftest import skip_or_fail_without

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
PROMPTS_JS = "els => els.map(e => e.textContent.trim())"


def playwright_or_skip():
    """Playwright's sync API, started (``with playwright_or_skip() as p:``), or a skip (a
    failure under CI=true) that says what is missing."""
    if not CHROMIUM.exists():
        skip_or_fail_without(
            f"Chromium ({CHROMIUM})", "install the Debian package: apt-get install chromium"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail_without("Playwright for Python", "install the course's test extra: make setup")
    return sync_playwright()


def wait_for(condition, *, timeout: float, interval: float = 0.25, what: str):
    """``condition()``'s first truthy value, polled every ``interval`` s for ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting until {what}")


def kernel_state(lab: JupyterLabServer, notebook: str) -> tuple[str | None, int]:
    """The execution state and connection count of ``notebook``'s kernel (None, 0 if none)."""
    session = lab.session_for(notebook)
    if session is None:
        return None, 0
    kernel = session["kernel"]
    return kernel.get("execution_state"), kernel.get("connections", 0)


def kernel_ready(lab: JupyterLabServer, notebook: str) -> bool:
    """``notebook``'s kernel is idle and the page is connected to it."""
    state, connections = kernel_state(lab, notebook)
    return state == "idle" and connections >= 1


def code_cell_prompts(page) -> list[str]:
    return page.eval_on_selector_all(".jp-Notebook .jp-CodeCell .jp-InputPrompt", PROMPTS_JS)


def run_all_cells(page) -> None:
    """Run > Run All Cells, with the mouse, as a learner does."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def wait_for_new_stable_image(page, before: str | None, *, timeout: float,
                              settle: float = 1.5) -> str:
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


@contextlib.contextmanager
def serve_notebook(workdir: Path, name: str, cells: list[str]):
    """A throw-away JupyterLab whose root holds one notebook ``name`` of code ``cells``."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    server = JupyterLabServer(workdir)
    server.root.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, server.root / name)
    try:
        server.start()
        yield server
    finally:
        server.stop()
    assert server.process.poll() is not None, "the JupyterLab server outlived the test"


@contextlib.contextmanager
def notebook_page(lab: JupyterLabServer, notebook: str):
    """A Chromium page on ``notebook`` in ``lab``, once its kernel is idle and connected.

    If the block fails, the page is saved as test-artifacts/jupyterlab_NAME_failure.png and
    the browser's console errors and the server's log are printed; the browser always closes.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_or_skip() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        console_errors = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        try:
            page.goto(lab.lab_url(notebook, workspace=f"test-{secrets.token_hex(4)}"),
                      timeout=120_000)
            page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=120_000)
            wait_for(lambda: kernel_ready(lab, notebook), timeout=120,
                     what="the notebook's kernel is idle with a connection")
            yield page
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / f"jupyterlab_{Path(notebook).stem}_failure.png"))
            print("browser console errors:", *console_errors[-20:], sep="\n  ")
            print("JupyterLab log:\n", lab.log())
            raise
        finally:
            browser.close()


def slider_labelled(page, label: str):
    """The ipywidgets slider whose description is exactly ``label``."""
    return page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=re.compile(f"^{re.escape(label)}$")))


def assert_one_figure_and_no_error(page) -> None:
    """The explorer shows one figure (redraws replace it) and no widget failed or raised."""
    assert page.locator(".widget-output img").count() == 1, "figures piled up"
    assert page.get_by_text("Error displaying widget").count() == 0
    assert page.get_by_text("Traceback").count() == 0
