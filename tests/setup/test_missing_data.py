"""A machine without Fashion-MNIST and without network: the first hour still works.

The data is made unreachable for these tests only: an empty home and cache, no
COURSE_DATA_DIR, COURSE_IGNORE_SYSTEM_DATA=1 (the Debian package's folder is not looked
at) and HTTP(S) proxies pointing at a closed port on 127.0.0.1, so any download fails at
once without leaving the machine.

- Notebook 00 runs top to bottom: its data cells say how to get the data instead of
  raising, and nothing is downloaded.
- `make test` reports the missing data once: outside CI one skip whose reason says how to
  get the data (the other tests that need it deselected), under CI=true one error with the
  same message (tests/conftest.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"
HOW_TO = ["make data", "apt-get install dataset-fashion-mnist", "COURSE_DATA_DIR"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def no_data_no_network(tmp_path, monkeypatch) -> dict[str, str]:
    """Set (and return) an environment without Fashion-MNIST and without network."""
    proxy = f"http://127.0.0.1:{closed_port()}"
    changes = {
        "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "COURSE_IGNORE_SYSTEM_DATA": "1", "TQDM_DISABLE": "1",
        "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "http_proxy": proxy, "https_proxy": proxy,
        "NO_PROXY": "", "no_proxy": "",
    }
    for name, value in changes.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    (tmp_path / "home").mkdir()
    return changes


def outputs_of(cell) -> str:
    return "".join(output.get("text", "") for output in cell.outputs)


@pytest.mark.slow
def test_notebook_00_runs_top_to_bottom_and_says_how_to_get_the_data(no_data_no_network,
                                                                   tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=120,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [output for cell in code for output in cell.outputs
              if output.output_type == "error"]
    assert errors == []
    loading = next(cell for cell in code if "load_fashion_mnist(" in cell.source)
    text = outputs_of(loading)
    assert "Fashion-MNIST (train split) is not available" in text
    for instruction in HOW_TO:
        assert instruction in text, f"{instruction!r} missing from:\n{text}"
    later = code[code.index(loading) + 1:]
    assert later and all("No data yet" in outputs_of(cell) for cell in later)
    doctor = outputs_of(code[0])
    assert "!!  Fashion-MNIST" in doctor and "make data" in doctor
    data_cache = tmp_path / "cache" / "nn-course"
    downloaded = [p for p in data_cache.rglob("*") if p.is_file()]
    assert downloaded == [], f"files were written: {downloaded}"


def run_pytest(environment: dict[str, str], ci: bool) -> subprocess.CompletedProcess:
    """pytest as `make test` runs it, on notebook 00 and a module of real-data tests."""
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS"}}
    env.update(environment)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rsE",
         "--nbval-lax", "--nbval-current-env", str(NOTEBOOK.relative_to(ROOT)),
         "tests/unit/test_data_fashion_mnist_real.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.slow
def test_make_test_outside_ci_passes_with_one_skip_that_says_how_to_get_the_data(
        no_data_no_network):
    result = run_pytest(no_data_no_network, ci=False)
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 skipped" in summary and "deselected" in summary, summary
    assert "passed" not in summary and "failed" not in summary, summary
    assert "Fashion-MNIST is not available" in result.stdout
    for instruction in HOW_TO:
        assert instruction in result.stdout, f"{instruction!r} missing:\n{result.stdout}"


@pytest.mark.slow
def test_make_test_on_ci_fails_with_one_error_that_says_how_to_get_the_data(
        no_data_no_network):
    result = run_pytest(no_data_no_network, ci=True)
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode != 0, result.stdout[-3000:]
    assert "1 error" in summary and "skipped" not in summary, summary
    assert "CI=true, so this is an error, not a skip" in result.stdout
    for instruction in HOW_TO:
        assert instruction in result.stdout, f"{instruction!r} missing:\n{result.stdout}"
