"""Time and memory of each lecture notebook, run top to bottom from a fresh kernel.

For every notebook (all of notebooks/ by default) this starts a new kernel
with nbclient, runs every cell the way ``make execute`` does (progress bars
off), and reports

- the wall time, from asking for a kernel to the last cell's end, and the
  part of it spent running cells;
- the peak resident memory (RSS) of the kernel's process tree, sampled every
  50 ms with psutil, and the CPU time that tree used;
- whether ``torch`` ended up in the kernel's ``sys.modules``;
- the 1-minute load average before and after, because a shared machine makes
  every timing slower.

It also measures the memory of a JupyterLab server at rest (started on
127.0.0.1 with the course's settings, its page loaded once): with the kernels'
peaks, that is what a hub must give each learner (the instructor guide derives
its per-learner requests and sizing table from both).

Budgets (2 CPU cores, no GPU): chapters 00-05, 07 and 08 each under 60 s and under 1 GiB;
chapters 01, 02 and 07 must not import torch. Nothing is saved back into the
notebooks. Timing lives here, never in a test.

The figures go to benchmarks/results/notebooks.json (``--json`` to choose another
file, ``--no-json`` for none): one record per notebook, replaced when that
notebook is measured again, each with its date, machine and load average.

Usage::

    python benchmarks/notebooks.py                       # every notebook in notebooks/
    python benchmarks/notebooks.py notebooks/01_*.ipynb  # some of them
    python benchmarks/notebooks.py --no-server           # without the JupyterLab server
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbclient
import nbformat
import psutil
import results_file

REPO = Path(__file__).resolve().parents[1]
DEFAULT_JSON = results_file.RESULTS / "notebooks.json"
TIME_BUDGET_S = 60.0
MEMORY_BUDGET_MB = 1024.0  # 1 GiB, in MiB
BUDGETED_CHAPTERS = {"00", "01", "02", "03", "04", "05", "07", "08"}
TORCH_FREE_CHAPTERS = {"01", "02", "07"}
PROBE_MARKER = "__notebook_benchmark__"
PROBE = (
    "import json as _json, sys as _sys\n"
    f"print({PROBE_MARKER!r} + _json.dumps({{'torch': 'torch' in _sys.modules}}))"
)


@dataclass
class Measurement:
    notebook: str
    date: str | None = None
    wall_s: float | None = None
    cells_s: float | None = None
    peak_rss_mb: float | None = None
    cpu_s: float | None = None
    torch_imported: bool | None = None
    load_before: float | None = None
    load_after: float | None = None
    error: str | None = None

    @property
    def chapter(self) -> str:
        match = re.match(r"(\d\d)_", Path(self.notebook).name)
        return match.group(1) if match else ""

    def problems(self) -> list[str]:
        """What is over budget (empty when everything is within it)."""
        if self.error:
            return [f"failed: {self.error}"]
        found = []
        if self.chapter in BUDGETED_CHAPTERS:
            if self.wall_s > TIME_BUDGET_S:
                found.append(f"{self.wall_s:.0f} s > {TIME_BUDGET_S:.0f} s")
            if self.peak_rss_mb > MEMORY_BUDGET_MB:
                found.append(f"{self.peak_rss_mb:.0f} MiB > {MEMORY_BUDGET_MB:.0f} MiB")
        if self.chapter in TORCH_FREE_CHAPTERS and self.torch_imported:
            found.append("imports torch")
        return found


class TreeMemorySampler:
    """Samples the summed RSS of a process and all its descendants in a thread."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak_bytes = 0
        self.cpu_seconds = 0.0
        self._pid: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self, pid: int) -> None:
        self._pid = pid
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _sample(self) -> None:
        try:
            root = psutil.Process(self._pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        total, cpu = 0, 0.0
        for process in processes:
            try:
                total += process.memory_info().rss
                times = process.cpu_times()
                cpu += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        self.peak_bytes = max(self.peak_bytes, total)
        self.cpu_seconds = max(self.cpu_seconds, cpu)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)
        self._sample()


def measure(path: Path, *, cell_timeout: int) -> Measurement:
    """Run the notebook at ``path`` in a fresh kernel and measure it."""
    resolved = path.resolve()
    name = str(resolved.relative_to(REPO)) if resolved.is_relative_to(REPO) else str(path)
    result = Measurement(notebook=name, date=results_file.now(), load_before=os.getloadavg()[0])
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    sampler = TreeMemorySampler()
    started = {}

    def on_notebook_start(**_):
        started["cells"] = time.perf_counter()
        sampler.start(client.km.provisioner.pid)

    client = nbclient.NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_notebook_start=on_notebook_start,
    )
    start = time.perf_counter()
    try:
        client.execute()
    except Exception as error:  # report it in the table and go on with the next notebook
        result.error = f"{type(error).__name__}: {str(error).strip().splitlines()[-1][:200]}"
    finally:
        end = time.perf_counter()
        sampler.stop()
    result.wall_s = end - start
    result.cells_s = end - started["cells"] if "cells" in started else None
    result.peak_rss_mb = sampler.peak_bytes / 2**20
    result.cpu_s = sampler.cpu_seconds
    result.load_after = os.getloadavg()[0]
    for output in notebook.cells[-1].get("outputs", []):
        text = output.get("text", "")
        if PROBE_MARKER in text:
            payload = text.split(PROBE_MARKER, 1)[1].strip()
            result.torch_imported = json.loads(payload)["torch"]
    return result


def measure_jupyterlab_server() -> float:
    """RSS (MiB) of a JupyterLab server at rest, after its page was loaded once."""
    sys.path.insert(0, str(REPO / "tests" / "browser"))
    from _jupyterlab import JupyterLabServer

    with tempfile.TemporaryDirectory(prefix="jupyterlab-benchmark-") as folder:
        with JupyterLabServer(Path(folder)) as server:
            url = f"{server.base_url}/lab?token={server.token}"
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
            time.sleep(3)
            root = psutil.Process(server.process.pid)
            processes = [root, *root.children(recursive=True)]
            return sum(p.memory_info().rss for p in processes) / 2**20


def record(measurement: Measurement, machine: dict) -> dict:
    """The JSON record of one notebook (keys: benchmarks/results/README.md)."""
    def rounded(value, digits=2):
        return None if value is None else round(value, digits)

    return {
        "date": measurement.date,
        "machine": machine,
        "wall_s": rounded(measurement.wall_s),
        "cells_s": rounded(measurement.cells_s),
        "cpu_s": rounded(measurement.cpu_s),
        "peak_rss_mib": rounded(measurement.peak_rss_mb, 1),
        "torch_imported": measurement.torch_imported,
        "load_1m_before": rounded(measurement.load_before),
        "load_1m_after": rounded(measurement.load_after),
        "error": measurement.error,
    }


def write_json(path: Path, results: list[Measurement], server_mib: float | None) -> None:
    """Merge the new measurements into ``path``: each notebook keeps its latest record."""
    machine = results_file.machine()
    data = results_file.read(path)
    data["about"] = ("Written by benchmarks/notebooks.py; the keys are described in "
                     "benchmarks/results/README.md.")
    notebooks = data.get("notebooks", {})
    for measurement in results:
        notebooks[measurement.notebook] = record(measurement, machine)
    data["notebooks"] = dict(sorted(notebooks.items()))
    if server_mib is not None:
        data["jupyterlab_server"] = {
            "date": results_file.now(),
            "machine": machine,
            "idle_rss_mib": round(server_mib, 1),
            "load_1m_after": results_file.load_1m(),
        }
    results_file.write(path, data)


def print_table(results: list[Measurement]) -> None:
    header = (f"{'notebook':<44} {'wall s':>7} {'cells s':>8} {'CPU s':>6} {'peak MiB':>9} "
              f"{'torch':>6} {'load 1m':>13}  verdict")
    print(header)
    print("-" * len(header))
    for r in results:
        torch = "-" if r.torch_imported is None else ("yes" if r.torch_imported else "no")
        cells = f"{r.cells_s:8.1f}" if r.cells_s is not None else f"{'-':>8}"
        budgeted = r.chapter in BUDGETED_CHAPTERS or r.chapter in TORCH_FREE_CHAPTERS
        verdict = "; ".join(r.problems()) or ("within budget" if budgeted else "no budget set")
        cpu = f"{r.cpu_s:6.1f}" if r.cpu_s is not None else f"{'-':>6}"
        print(f"{r.notebook:<44} {r.wall_s:7.1f} {cells} {cpu} {r.peak_rss_mb:9.0f} {torch:>6} "
              f"{r.load_before:5.2f} -> {r.load_after:<5.2f}  {verdict}")
    print(f"\nbudgets: chapters {', '.join(sorted(BUDGETED_CHAPTERS))} under {TIME_BUDGET_S:.0f} s "
          f"and {MEMORY_BUDGET_MB:.0f} MiB peak (kernel process tree); chapters "
          f"{', '.join(sorted(TORCH_FREE_CHAPTERS))} without torch. "
          f"{os.cpu_count()} CPUs; load averages are of the whole machine.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to measure (default: notebooks/*.ipynb)")
    parser.add_argument("--cell-timeout", type=int, default=600)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON,
                        help="where the figures go (default: %(default)s)")
    parser.add_argument("--no-json", action="store_true", help="print the figures only")
    parser.add_argument("--no-server", action="store_true",
                        help="do not measure a JupyterLab server at rest")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((REPO / "notebooks").glob("*.ipynb"))
    if not paths:
        print("no notebooks to measure", file=sys.stderr)
        return 2
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"not found: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    os.environ["TQDM_DISABLE"] = "1"
    os.environ.setdefault("PYTHONHASHSEED", "0")
    results = []
    for path in paths:
        print(f"running {path} ...", file=sys.stderr, flush=True)
        results.append(measure(path, cell_timeout=args.cell_timeout))
    print_table(results)
    server_mib = None
    if not args.no_server:
        print("measuring a JupyterLab server at rest ...", file=sys.stderr, flush=True)
        server_mib = measure_jupyterlab_server()
        print(f"\nJupyterLab server at rest (its page loaded once): {server_mib:.0f} MiB")
    if not args.no_json:
        write_json(args.json, results, server_mib)
        print(f"figures written to {args.json}")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
