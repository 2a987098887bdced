"""Time and memory of each lecture notebook, run top to bottom from a fresh kernel.

For every notebook (all of notebooks/ by default) this starts a new kernel
with nbclient, runs every cell the way ``make execute`` does (progress bars
off), and reports

- the wall time, from asking for a kernel to the last cell's end, and the
  part of it spent running cells;
- the peak resident memory (RSS) of the kernel's process tree, sampled every
  50 ms with psutil;
- whether ``torch`` ended up in the kernel's ``sys.modules``;
- the 1-minute load average before and after, because a shared machine makes
  every timing slower.

Budgets (2 CPU cores, no GPU): chapters 00-03 and 05 each under 60 s and under 1 GiB;
chapters 01 and 02 must not import torch. Nothing is saved back into the
notebooks. Timing lives here, never in a test.

Usage::

    python benchmarks/notebooks.py                       # every notebook in notebooks/
    python benchmarks/notebooks.py notebooks/01_*.ipynb  # some of them
    python benchmarks/notebooks.py --json benchmarks/results/notebooks.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import nbclient
import nbformat
import psutil

REPO = Path(__file__).resolve().parents[1]
TIME_BUDGET_S = 60.0
MEMORY_BUDGET_MB = 1024.0  # 1 GiB, in MiB
BUDGETED_CHAPTERS = {"00", "01", "02", "03", "05"}
TORCH_FREE_CHAPTERS = {"01", "02"}
PROBE_MARKER = "__notebook_benchmark__"
PROBE = (
    "import json as _json, sys as _sys\n"
    f"print({PROBE_MARKER!r} + _json.dumps({{'torch': 'torch' in _sys.modules}}))"
)


@dataclass
class Measurement:
    notebook: str
    wall_s: float | None = None
    cells_s: float | None = None
    peak_rss_mb: float | None = None
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
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        self.peak_bytes = max(self.peak_bytes, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)
        self._sample()


def measure(path: Path, *, cell_timeout: int) -> Measurement:
    """Run the notebook at ``path`` in a fresh kernel and measure it."""
    resolved = path.resolve()
    name = str(resolved.relative_to(REPO)) if resolved.is_relative_to(REPO) else str(path)
    result = Measurement(notebook=name, load_before=os.getloadavg()[0])
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
    result.load_after = os.getloadavg()[0]
    for output in notebook.cells[-1].get("outputs", []):
        text = output.get("text", "")
        if PROBE_MARKER in text:
            payload = text.split(PROBE_MARKER, 1)[1].strip()
            result.torch_imported = json.loads(payload)["torch"]
    return result


def print_table(results: list[Measurement]) -> None:
    header = (f"{'notebook':<44} {'wall s':>7} {'cells s':>8} {'peak MiB':>9} "
              f"{'torch':>6} {'load 1m':>13}  verdict")
    print(header)
    print("-" * len(header))
    for r in results:
        torch = "-" if r.torch_imported is None else ("yes" if r.torch_imported else "no")
        cells = f"{r.cells_s:8.1f}" if r.cells_s is not None else f"{'-':>8}"
        budgeted = r.chapter in BUDGETED_CHAPTERS or r.chapter in TORCH_FREE_CHAPTERS
        verdict = "; ".join(r.problems()) or ("within budget" if budgeted else "no budget set")
        print(f"{r.notebook:<44} {r.wall_s:7.1f} {cells} {r.peak_rss_mb:9.0f} {torch:>6} "
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
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
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
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
