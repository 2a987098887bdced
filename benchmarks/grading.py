"""How fast `course grade` marks a workshop's submissions, with and without the sandbox.

For each exercise set (a solution notebook in solutions/), builds 30 submissions from its
released exercise: 15 with the solution's answers filled in and 15 with one plausible bug
each (from tests/grading/wrong_answers/, or answers left unimplemented for a set that has
none yet), none with runaway code. Grades them with 2 jobs (`--jobs 2`), once in the
bubblewrap sandbox and once with `--sandbox none` (a process group of its own), and
prints submissions per minute, the median run of one submission and (without the
sandbox) the CPU time per submission. Before that, measures how long a grading kernel
takes to start (process start to ready) in each isolation, and the kernel's address
space. Then grades one submission with an endless loop to show what a timed-out
submission costs.
Wall-clock figures depend on what else the machine runs: the load average is printed
and recorded. A script that prints figures, not a test: timings are never asserted.

    python benchmarks/grading.py                    # every set in solutions/, both isolations
    python benchmarks/grading.py --set 01_xor       # one set
    python benchmarks/grading.py --measure-kernel   # start-up cost and address space only
    python benchmarks/grading.py --skip-timeout     # leave out the timed-out submission
    python benchmarks/grading.py --json PATH        # where the figures go (default below)

Target: at least 30 submissions per minute for each set with the sandbox, on 2 cores.

The figures are also written as JSON to benchmarks/results/grading.json, for docs built
from them. Keys:

- ``date`` (ISO 8601, UTC) and ``machine``: ``platform``, ``processor``, ``cpus``,
  ``python``, ``memory_gib``, ``load_average`` (1, 5, 15 minutes, at the start and the
  end), ``bubblewrap`` (null where it works, else why not);
- ``target_per_minute`` (30), ``jobs`` (2), ``submissions_per_set`` (30);
- ``kernel_start``: per isolation (``"bubblewrap"``, ``"process"``), ``median_s``,
  ``min_s``, ``max_s`` and ``repeats`` of a kernel's start, process to ready;
- ``kernel_address_space``: ``/proc/self/status`` lines (VmPeak, VmRSS, Threads) of a
  kernel after importing NumPy and matplotlib, and after also course_lib, scikit-learn
  and torch;
- ``sets``: per set (``"01_xor"``...) and isolation, ``submissions``, ``seconds``,
  ``per_minute``, ``seconds_per_submission``, ``median_run_s``,
  ``cpu_s_per_submission`` (kernels and grader; null in the sandbox, whose kernels are not
  the grader's children), ``correct_full_marks``, ``wrong_below_full_marks``,
  ``wrong_from`` (where the bugs came from) and ``target_met``;
- ``timeout``: ``seconds`` a submission with an endless loop took in the sandbox, and
  ``cell_limit_s`` (absent with ``--skip-timeout``).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

from course_lib.grading import release_notebook
from course_lib.grading.gradebook import grade_folder
from course_lib.grading.kernel import GradingKernelManager, kernel_environment
from course_lib.grading.limits import DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY_LIMIT, Limits
from course_lib.grading.notebook import BEGIN_SOLUTION, END_SOLUTION, grade_id, is_solution_cell
from course_lib.grading.sandbox import (
    BUBBLEWRAP,
    PROCESS,
    bubblewrap_problem,
    run_folder,
)

REPOSITORY = Path(__file__).resolve().parents[1]
RESULTS = REPOSITORY / "benchmarks" / "results" / "grading.json"
TARGET_PER_MINUTE = 30
COUNT = 30
JOBS = 2
SANDBOXES = {BUBBLEWRAP: "bubblewrap", PROCESS: "none"}  # isolation -> --sandbox


def filled(source: nbformat.NotebookNode, broken: dict[str, str] | None = None):
    """The released exercise with every answer filled in from ``source``, except the
    answer cells in ``broken`` (grade_id -> code put in place of the answer)."""
    exercise = release_notebook(source)
    answers = {
        grade_id(cell): "\n".join(
            line
            for line in cell.source.split("\n")
            if BEGIN_SOLUTION not in line and END_SOLUTION not in line
        )
        for cell in source.cells
        if is_solution_cell(cell) and cell.cell_type == "code"
    }
    for cell in exercise.cells:
        identifier = grade_id(cell)
        if identifier in answers:
            cell.source = answers[identifier]
    for identifier, code in (broken or {}).items():
        next(cell for cell in exercise.cells if grade_id(cell) == identifier).source = code
    return exercise


def wrong_submissions(name: str, source: nbformat.NotebookNode, count: int):
    """``count`` submissions with one plausible bug each, and where the bugs come from."""
    sys.path.insert(0, str(REPOSITORY / "tests" / "grading"))
    try:
        import wrong_answers

        bugs = wrong_answers.wrong_answers_for(name)
        exercise = release_notebook(source)
        answers = wrong_answers.solution_answers(source)
        notebooks = [
            wrong_answers.fill_exercise(
                exercise, answers, {bug.answer: wrong_answers.buggy_code(bug, answers)}
            )
            for bug in bugs
        ]
        module = wrong_answers.module_name(name)
        return [notebooks[i % len(notebooks)] for i in range(count)], (
            f"{len(bugs)} bugs from tests/grading/wrong_answers/{module}.py"
        )
    except (ImportError, AttributeError, ValueError, KeyError) as error:
        print(f"  (no wrong answers usable for {name}: {error}; answers left unimplemented)")
    exercise = release_notebook(source)
    stubs = [grade_id(cell) for cell in exercise.cells if is_solution_cell(cell)]
    notebooks = [
        filled(
            source,
            {identifier: next(c.source for c in exercise.cells if grade_id(c) == identifier)},
        )
        for identifier in stubs
    ]
    return [notebooks[i % len(notebooks)] for i in range(count)], "answers left unimplemented"


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the grading kernels)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def benchmark_set(path: Path, isolation: str, folder: Path) -> dict:
    """Grade the set's 30 submissions in ``isolation``; the figures, printed and returned."""
    source = nbformat.read(path, as_version=4)
    name = path.stem
    wrong, origin = wrong_submissions(name, source, COUNT // 2)
    subs = folder / f"subs-{name}"
    if not subs.exists():
        subs.mkdir()
        for number in range(COUNT // 2):
            nbformat.write(filled(source), subs / f"correct{number:02d}.ipynb")
            nbformat.write(wrong[number], subs / f"wrong{number:02d}.ipynb")
    limits = Limits(memory_limit=DEFAULT_MEMORY_LIMIT, sandbox=SANDBOXES[isolation])
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    report = grade_folder(
        path,
        subs,
        folder / f"out-{name}-{isolation}",
        limits=limits,
        jobs=JOBS,
        report=lambda line: None,
    )
    elapsed = time.perf_counter() - started
    results = report.results
    # Sandboxed kernels are not the grader's children (bubblewrap's first process is their
    # parent), so their CPU time is not the grader's to count: measured without the sandbox.
    cpu = (_cpu_seconds() - cpu_before) / len(results) if isolation == PROCESS else None
    correct = [r for r in results if r.learner.startswith("correct")]
    incorrect = [r for r in results if r.learner.startswith("wrong")]
    rate = len(results) / elapsed * 60
    figures = {
        "submissions": len(results),
        "seconds": round(elapsed, 2),
        "per_minute": round(rate, 1),
        "seconds_per_submission": round(elapsed / len(results), 2),
        "median_run_s": round(statistics.median(r.seconds for r in results), 2),
        "cpu_s_per_submission": round(cpu, 2) if cpu is not None else None,
        "correct_full_marks": sum(r.score == r.max_score for r in correct),
        "wrong_below_full_marks": sum(r.score < r.max_score for r in incorrect),
        "wrong_from": origin,
        "isolation": sorted({r.isolation for r in results}),
        "target_met": rate >= TARGET_PER_MINUTE,
    }
    print(
        f"{name}, {isolation}: {len(results)} submissions ({origin}) with {JOBS} jobs in "
        f"{elapsed:.1f} s: {rate:.1f} per minute ({elapsed / len(results):.2f} s each; target "
        f">= {TARGET_PER_MINUTE}/min: {'met' if rate >= TARGET_PER_MINUTE else 'MISSED'})"
    )
    cpu_text = (
        f"CPU per submission {cpu:.2f} s (at most {60 * JOBS / cpu:.0f} per minute on {JOBS} "
        "idle cores)"
        if cpu is not None
        else "CPU time not counted in the sandbox"
    )
    print(
        f"  median run of one submission {figures['median_run_s']:.2f} s; {cpu_text}; "
        f"full marks {figures['correct_full_marks']}/{len(correct)} correct, below full "
        f"marks {figures['wrong_below_full_marks']}/{len(incorrect)} wrong"
    )
    return figures


def timeout_cost(path: Path, folder: Path) -> dict:
    source = nbformat.read(path, as_version=4)
    endless = filled(source)
    endless.cells.append(nbformat.v4.new_code_cell("while True:\n    pass"))
    (folder / "loop").mkdir(exist_ok=True)
    nbformat.write(endless, folder / "loop" / "endless.ipynb")
    started = time.perf_counter()
    grade_folder(
        path,
        folder / "loop",
        folder / "out-loop",
        limits=Limits(memory_limit=DEFAULT_MEMORY_LIMIT),
        jobs=1,
        report=lambda line: None,
    )
    cost = time.perf_counter() - started
    print(
        f"one submission of {path.stem} with an endless loop: {cost:.1f} s (cell limit "
        f"{DEFAULT_CELL_TIMEOUT:g} s; the loop is interrupted and the rest runs)"
    )
    return {"set": path.stem, "seconds": round(cost, 1), "cell_limit_s": DEFAULT_CELL_TIMEOUT}


STATUS = (
    "json.dumps({line.split(':')[0]: line.split(':')[1].strip() for line in "
    "open('/proc/self/status') if line.startswith(('VmPeak', 'VmRSS', 'Threads'))})"
)
PROBES = {
    "numpy + matplotlib": f"import json, numpy, matplotlib.pyplot\nprint({STATUS})",
    "+ course_lib, scikit-learn, torch": (
        f"import course_lib.nn, sklearn.datasets, torch\nprint({STATUS})"
    ),
}


async def _kernel_probe(isolation: str, probe: bool) -> tuple[float, dict[str, dict]]:
    from nbclient import NotebookClient

    with run_folder() as folder:
        environment = kernel_environment(seed=0, folder=folder, isolation=isolation)
        manager = GradingKernelManager(
            folder=folder,
            memory_limit=None,
            isolate_network=False,
            isolation=isolation,
            environment=environment,
        )
        cells = [nbformat.v4.new_code_cell(code) for code in PROBES.values()] if probe else []
        client = NotebookClient(
            nbformat.v4.new_notebook(cells=cells), km=manager, allow_errors=True, timeout=120
        )
        started = time.perf_counter()
        with open(folder.log, "wb") as log:
            await client.async_start_new_kernel(
                cwd=str(folder.work), env=environment, stdout=log, stderr=log
            )
        await client.async_start_new_kernel_client()
        ready = time.perf_counter() - started
        for index, cell in enumerate(cells):
            await client.async_execute_cell(cell, index)
        await manager.shutdown_kernel(now=True)
        client.kc.stop_channels()
    status = {}
    for name, cell in zip(PROBES, cells, strict=False):
        text = "".join(output.get("text", "") for output in cell.outputs)
        status[name] = json.loads(text) if text.startswith("{") else {"output": text}
    return ready, status


def measure_kernels(isolations: list[str], repeats: int = 5) -> tuple[dict, dict]:
    """Kernel start time per isolation, and the address space of a sandboxed kernel."""
    starts, address = {}, {}
    for isolation in isolations:
        asyncio.run(_kernel_probe(isolation, probe=False))  # warm the file cache
        times = [asyncio.run(_kernel_probe(isolation, probe=False))[0] for _ in range(repeats)]
        starts[isolation] = {
            "median_s": round(statistics.median(times), 3),
            "min_s": round(min(times), 3),
            "max_s": round(max(times), 3),
            "repeats": repeats,
        }
        print(
            f"grading kernel start ({isolation}), process to ready, median of {repeats}: "
            f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"
        )
    _, address = asyncio.run(_kernel_probe(isolations[0], probe=True))
    for name, status in address.items():
        print(f"kernel address space after {name}: {status}")
    print(f"default memory limit: {DEFAULT_MEMORY_LIMIT / 2**30:.1f} GB of address space")
    return starts, address


def machine() -> dict:
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average": {"start": [round(x, 2) for x in os.getloadavg()]},
        "bubblewrap": bubblewrap_problem(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        action="append",
        dest="sets",
        metavar="NAME",
        help="a solution notebook name such as 01_xor (repeatable; default all)",
    )
    parser.add_argument("--measure-kernel", action="store_true")
    parser.add_argument("--skip-timeout", action="store_true")
    parser.add_argument("--json", type=Path, default=RESULTS, help="default: %(default)s")
    args = parser.parse_args(argv)
    figures = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "target_per_minute": TARGET_PER_MINUTE,
        "jobs": JOBS,
        "submissions_per_set": COUNT,
    }
    isolations = [PROCESS] if bubblewrap_problem() else [BUBBLEWRAP, PROCESS]
    if bubblewrap_problem():
        print(f"no bubblewrap sandbox here ({bubblewrap_problem()}): measuring without it only")
    print(f"load average at the start: {figures['machine']['load_average']['start']}")
    figures["kernel_start"], figures["kernel_address_space"] = measure_kernels(isolations)
    if not args.measure_kernel:
        solutions = REPOSITORY / "solutions"
        paths = (
            [solutions / f"{name.removesuffix('.ipynb')}.ipynb" for name in args.sets]
            if args.sets
            else sorted(solutions.glob("*.ipynb"))
        )
        if not paths:
            print("no solution notebooks in solutions/: nothing to grade")
            return 1
        figures["sets"] = {}
        with tempfile.TemporaryDirectory(prefix="grading-bench-") as folder:
            for path in paths:
                figures["sets"][path.stem] = {
                    isolation: benchmark_set(path, isolation, Path(folder))
                    for isolation in isolations
                }
            if not args.skip_timeout:
                figures["timeout"] = timeout_cost(paths[0], Path(folder))
    figures["machine"]["load_average"]["end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"load average at the end: {figures['machine']['load_average']['end']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
