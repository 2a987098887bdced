"""How fast `course grade` marks a workshop's submissions, and what a grading kernel costs.

For each exercise set (a solution notebook in solutions/), builds 30 submissions
from its released exercise: 15 with the solution's answers filled in and 15 with
plausible wrong answers (the bugs of tests/grading/wrong_answers.py when it has
some for the set; otherwise answers left unimplemented), none with runaway
code. Grades them with the default settings (one kernel per CPU) and prints
submissions per minute and seconds per submission. Then grades one
submission with an endless loop to show what a timed-out submission costs.
Wall-clock figures depend on what else the machine runs, so the CPU time per
submission (kernel and grader) is printed too, with the rate it allows.
A script that prints figures, not a test: timings are never asserted.

    python benchmarks/grading.py                    # every set in solutions/
    python benchmarks/grading.py --set 01_xor       # one set
    python benchmarks/grading.py --measure-kernel   # start-up cost and address space only
    python benchmarks/grading.py --skip-timeout     # leave out the timed-out submission

Target: at least 30 submissions per minute for each of the sets 01-03 on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course_lib.grading import release_notebook
from course_lib.grading.gradebook import default_jobs, grade_folder
from course_lib.grading.kernel import (
    GradingKernelManager,
    kernel_environment,
    network_isolation_available,
)
from course_lib.grading.limits import DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY_LIMIT, Limits
from course_lib.grading.notebook import BEGIN_SOLUTION, END_SOLUTION, grade_id, is_solution_cell

REPOSITORY = Path(__file__).resolve().parents[1]
TARGET_PER_MINUTE = 30
COUNT = 30


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
    try:
        sys.path.insert(0, str(REPOSITORY / "tests" / "grading"))
        import wrong_answers

        bugs = [wrong for wrong in wrong_answers.WRONG_ANSWERS if wrong.notebook == name]
        if bugs:
            exercise = release_notebook(source)
            answers = wrong_answers.solution_answers(source)
            notebooks = [
                wrong_answers.fill_exercise(
                    exercise, answers, {bug.answer: wrong_answers.buggy_code(bug, answers)}
                )
                for bug in bugs
            ]
            return [notebooks[i % len(notebooks)] for i in range(count)], (
                f"{len(bugs)} bugs from tests/grading/wrong_answers.py"
            )
    except (ImportError, AttributeError, ValueError, KeyError) as error:
        print(f"  (wrong_answers.py not usable for {name}: {error}; answers left unimplemented)")
    stubs = [grade_id(cell) for cell in release_notebook(source).cells if is_solution_cell(cell)]
    exercise = release_notebook(source)
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


def benchmark_set(path: Path, jobs: int, skip_timeout: bool) -> float:
    source = nbformat.read(path, as_version=4)
    name = path.stem
    wrong, origin = wrong_submissions(name, source, COUNT // 2)
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as folder:
        folder = Path(folder)
        (folder / "subs").mkdir()
        (folder / "loop").mkdir()
        for number in range(COUNT // 2):
            nbformat.write(filled(source), folder / "subs" / f"correct{number:02d}.ipynb")
            nbformat.write(wrong[number], folder / "subs" / f"wrong{number:02d}.ipynb")
        limits = Limits(memory_limit=DEFAULT_MEMORY_LIMIT)
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        report = grade_folder(
            path,
            folder / "subs",
            folder / "out",
            limits=limits,
            jobs=jobs,
            report=lambda line: None,
        )
        elapsed = time.perf_counter() - started
        cpu = (_cpu_seconds() - cpu_before) / len(report.results)
        correct = [r for r in report.results if r.learner.startswith("correct")]
        incorrect = [r for r in report.results if r.learner.startswith("wrong")]
        full = sum(r.score == r.max_score for r in correct)
        rejected = sum(r.score < r.max_score for r in incorrect)
        kernel_seconds = statistics.median(r.seconds for r in report.results)
        rate = len(report.results) / elapsed * 60
        print(
            f"{name}: {len(report.results)} submissions ({origin}) with {jobs} jobs in "
            f"{elapsed:.1f} s"
        )
        print(
            f"  {rate:.1f} submissions per minute, {elapsed / len(report.results):.2f} s per "
            f"submission (target >= {TARGET_PER_MINUTE}/min: "
            f"{'met' if rate >= TARGET_PER_MINUTE else 'MISSED'})"
        )
        print(f"  median run of one submission (kernel start to kill): {kernel_seconds:.2f} s")
        print(
            f"  CPU time per submission (its kernel and the grader): {cpu:.2f} s, so at most "
            f"{60 * jobs / cpu:.0f} submissions per minute on {jobs} otherwise idle cores"
        )
        print(
            f"  correct submissions with full marks: {full}/{len(correct)}; wrong ones below "
            f"full marks: {rejected}/{len(incorrect)}"
        )
        if not skip_timeout:
            endless = filled(source)
            endless.cells.append(nbformat.v4.new_code_cell("while True:\n    pass"))
            nbformat.write(endless, folder / "loop" / "endless.ipynb")
            started = time.perf_counter()
            grade_folder(
                path,
                folder / "loop",
                folder / "out-loop",
                limits=limits,
                jobs=1,
                report=lambda line: None,
            )
            cost = time.perf_counter() - started
            print(
                f"  one submission with an endless loop: {cost:.1f} s (cell limit "
                f"{DEFAULT_CELL_TIMEOUT:g} s; the loop is interrupted and the rest runs)"
            )
    return rate


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


async def _kernel_probe() -> tuple[float, dict[str, dict]]:
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="cgb-") as folder:
        runtime = Path(folder)
        manager = GradingKernelManager(
            runtime_dir=runtime, memory_limit=None, isolate_network=network_isolation_available()
        )
        cells = [nbformat.v4.new_code_cell(code) for code in PROBES.values()]
        notebook = nbformat.v4.new_notebook(cells=cells)
        client = NotebookClient(notebook, km=manager, allow_errors=True, timeout=120)
        started = time.perf_counter()
        await client.async_start_new_kernel(
            cwd=folder, env=kernel_environment(seed=0, runtime_dir=runtime)
        )
        await client.async_start_new_kernel_client()
        ready = time.perf_counter() - started
        for index, cell in enumerate(cells):
            await client.async_execute_cell(cell, index)
        await manager.shutdown_kernel(now=True)
        client.kc.stop_channels()
    status = {}
    for name, cell in zip(PROBES, cells, strict=True):
        text = "".join(output.get("text", "") for output in cell.outputs)
        status[name] = json.loads(text) if text.startswith("{") else {"output": text}
    return ready, status


def measure_kernel(repeats: int = 5) -> None:
    results = [asyncio.run(_kernel_probe()) for _ in range(repeats + 1)][1:]
    starts = [ready for ready, _ in results]
    print(
        f"grading kernel start (process to ready), median of {repeats}: "
        f"{statistics.median(starts):.2f} s (min {min(starts):.2f}, max {max(starts):.2f})"
    )
    for name, status in results[-1][1].items():
        print(f"kernel address space after {name}: {status}")
    print(
        f"default memory limit: {DEFAULT_MEMORY_LIMIT / 2**30:.1f} GB of address space; "
        f"network isolation here: {'yes' if network_isolation_available() else 'no'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        action="append",
        dest="sets",
        metavar="NAME",
        help="a solution notebook name such as 01_xor (repeatable; default all)",
    )
    parser.add_argument("--jobs", type=int, help="kernels at once (default: course grade's)")
    parser.add_argument("--measure-kernel", action="store_true")
    parser.add_argument("--skip-timeout", action="store_true")
    args = parser.parse_args(argv)
    measure_kernel()
    if args.measure_kernel:
        return 0
    paths = (
        [REPOSITORY / "solutions" / f"{name.removesuffix('.ipynb')}.ipynb" for name in args.sets]
        if args.sets
        else sorted((REPOSITORY / "solutions").glob("*.ipynb"))
    )
    if not paths:
        print("no solution notebooks in solutions/: nothing to grade")
        return 1
    jobs = args.jobs or default_jobs(DEFAULT_MEMORY_LIMIT)
    for path in paths:
        benchmark_set(path, jobs, args.skip_timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
