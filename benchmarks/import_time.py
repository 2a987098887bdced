"""How long `import course_lib` (and its main modules) takes in a fresh interpreter.

Target: under 1 second, without importing torch (the NumPy chapters start fast).
Each module is imported in REPEATS fresh interpreters (after one warm-up run
that also writes the .pyc files); the median is reported, both for the import
statement alone and for the whole `python -c "import ..."` process.

    .venv/bin/python benchmarks/import_time.py [--repeats 7] [--detail course_lib.data]

``--detail MODULE`` also prints the slowest imports below MODULE, from
``python -X importtime``. Exit status 1 if a module imports torch or misses the target.
The figures also go to benchmarks/results/import_time.json (``--json PATH`` for
another file, ``--no-json`` for none; keys in benchmarks/results/README.md).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import results_file

TARGET_SECONDS = 1.0
MODULES = [
    "course_lib",
    "course_lib.data",
    "course_lib.doctor",
    "course_lib.nn",
    "course_lib.optim",
    "course_lib.metrics",
    "course_lib.train",
    "course_lib.gradcheck",
    "course_lib.plots",
    "course_lib.widgets",
]

PROBE = """
import time
start = time.perf_counter()
import importlib, importlib.util, json, sys
name = sys.argv[1]
if importlib.util.find_spec(name) is None:
    print(json.dumps(None))
else:
    importlib.import_module(name)
    print(json.dumps({"seconds": time.perf_counter() - start, "torch": "torch" in sys.modules}))
"""


def measure(module: str, repeats: int) -> dict | None:
    runs, wall = [], []
    for i in range(repeats + 1):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", PROBE, module], capture_output=True,
                             text=True, check=True).stdout
        elapsed = time.perf_counter() - start
        result = json.loads(out)
        if result is None:
            return None
        if i > 0:  # the first run is a warm-up (it may compile .pyc files)
            runs.append(result)
            wall.append(elapsed)
    return {
        "import": statistics.median(run["seconds"] for run in runs),
        "process": statistics.median(wall),
        "torch": any(run["torch"] for run in runs),
    }


def interpreter_startup(repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def importtime_detail(module: str, top: int = 12) -> str:
    stderr = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                            capture_output=True, text=True, check=True).stderr
    rows = []
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            rows.append((int(match.group(2)), len(match.group(3)), match.group(4)))
    rows.sort(reverse=True)
    return "\n".join(f"  {cumulative / 1e6:6.3f} s  {name}" for cumulative, _, name in rows[:top])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--detail", metavar="MODULE", help="print python -X importtime's top")
    parser.add_argument("--json", type=Path, default=results_file.RESULTS / "import_time.json",
                        help="where the figures go (default: %(default)s)")
    parser.add_argument("--no-json", action="store_true", help="print the figures only")
    args = parser.parse_args()
    load_before = results_file.load_1m()

    print(f"Python {sys.version.split()[0]} ({sys.executable}); median of {args.repeats} "
          f"fresh interpreters; target < {TARGET_SECONDS:.1f} s, torch not imported")
    startup = interpreter_startup(args.repeats)
    print(f"interpreter start-up alone (python -c pass): {startup:.3f} s\n")
    print(f"{'module':<22} {'import':>8} {'process':>8}  torch imported  verdict")
    failed = False
    modules = {}
    for module in MODULES:
        result = measure(module, args.repeats)
        if result is None:
            print(f"{module:<22} {'(not present yet)':>18}")
            continue
        modules[module] = {
            "import_s": round(result["import"], 4),
            "process_s": round(result["process"], 4),
            "torch_imported": result["torch"],
        }
        ok = result["import"] < TARGET_SECONDS and not result["torch"]
        failed |= not ok
        print(f"{module:<22} {result['import']:>7.3f}s {result['process']:>7.3f}s  "
              f"{'YES' if result['torch'] else 'no':<14}  {'ok' if ok else 'TOO SLOW / TORCH'}")
    if not args.no_json:
        results_file.write(args.json, {
            "about": "Written by benchmarks/import_time.py; the keys are described in "
                     "benchmarks/results/README.md.",
            "date": results_file.now(),
            "machine": results_file.machine(),
            "repeats": args.repeats,
            "interpreter_start_s": round(startup, 4),
            "target_s": TARGET_SECONDS,
            "load_1m_before": load_before,
            "load_1m_after": results_file.load_1m(),
            "modules": modules,
        })
        print(f"\nfigures written to {args.json}")
    if args.detail:
        print(f"\nslowest imports under {args.detail} (cumulative, python -X importtime):")
        print(importtime_detail(args.detail))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
