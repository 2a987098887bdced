"""Grading a folder of submissions: ``course grade SOURCE SUBMISSIONS --out DIR``.

Submissions are either a folder of notebooks named after their learners
(``alice.ipynb``) or nbgrader's layout (``submitted/<learner>/<assignment>/
<name>.ipynb``, where ``<name>`` is the source's file name). They are graded
in parallel, each in its own kernel, and written to ``DIR``::

    DIR/results/<learner>.json    one result per submission (SubmissionResult.to_dict,
                                  plus a "grading" entry: settings and hashes), written
                                  as soon as it is graded (temporary file, then rename)
    DIR/feedback/<learner>.md     what the learner reads (no hidden test code)
    DIR/gradebook.csv             learner, task, status, points, max_points, reason,
                                  and a TOTAL row per learner; rebuilt from results/
    DIR/summary.md                the run: limits, sandbox, scores

A result is kept on a re-run when its submission, the source and the grading
settings are unchanged (SHA-256), so a batch killed half-way resumes where it
stopped and gives the same gradebook. Taught in no notebook.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from course_lib.grading.feedback import feedback_markdown, gradebook_csv
from course_lib.grading.files import format_bytes, sha256_file, write_atomically
from course_lib.grading.grade import grade_submission_async, invalid_result, read_source
from course_lib.grading.kernel import NO_NETWORK_ISOLATION, network_isolation_available
from course_lib.grading.limits import Limits
from course_lib.grading.notebook import DEFAULT_MAX_NOTEBOOK_BYTES
from course_lib.grading.plan import source_tasks
from course_lib.grading.results import SubmissionResult, format_points

RESULT_FORMAT = 1


@dataclass(frozen=True)
class Submission:
    """One learner's notebook, or why there is none (``problem``)."""

    learner: str
    path: Path | None
    problem: str = ""


def default_jobs(memory_limit: int | None) -> int:
    """Kernels to run at once: one per CPU, no more than the free memory holds at the limit."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    jobs = max(1, cpus or 1)
    if memory_limit:
        jobs = min(jobs, max(1, psutil.virtual_memory().available // memory_limit))
    return jobs


def find_submissions(folder: Path, notebook_name: str) -> list[Submission]:
    """The submissions in ``folder`` for the source notebook named ``notebook_name``.

    Flat layout: every ``*.ipynb`` in ``folder`` is a learner's notebook, named
    after the learner. nbgrader layout: every sub-folder is a learner holding
    ``<assignment>/<notebook_name>`` (``folder`` may be nbgrader's course root,
    which holds ``submitted/``). Hidden files and folders are ignored. Raises
    FileNotFoundError if ``folder`` does not exist, ValueError if it holds none.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no such submissions folder: {folder}")
    if (folder / "submitted").is_dir():
        folder = folder / "submitted"
    visible = sorted(path for path in folder.iterdir() if not path.name.startswith("."))
    submissions = [
        Submission(path.stem, path)
        for path in visible
        if path.suffix == ".ipynb" and path.is_file()
    ]
    for learner_folder in (path for path in visible if path.is_dir()):
        submissions.append(_nbgrader_submission(learner_folder, notebook_name))
    if not submissions:
        raise ValueError(
            f"{folder} holds no submissions: expected notebooks named after learners "
            f"(alice.ipynb) or nbgrader's <learner>/<assignment>/{notebook_name}"
        )
    names = [submission.learner for submission in submissions]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"{folder}: these learners have two submissions: {', '.join(duplicates)}")
    return sorted(submissions, key=lambda submission: submission.learner)


def _nbgrader_submission(learner_folder: Path, notebook_name: str) -> Submission:
    learner = learner_folder.name
    candidates = sorted(learner_folder.glob(f"*/{notebook_name}"))
    candidates += (
        [learner_folder / notebook_name] if (learner_folder / notebook_name).is_file() else []
    )
    if len(candidates) > 1:
        stem = Path(notebook_name).stem
        preferred = [path for path in candidates if path.parent.name == stem]
        if len(preferred) != 1:
            found = ", ".join(str(path.relative_to(learner_folder)) for path in candidates)
            return Submission(learner, None, f"several notebooks named {notebook_name}: {found}")
        candidates = preferred
    if not candidates:
        return Submission(learner, None, f"no {notebook_name} in {learner_folder}")
    return Submission(learner, candidates[0])


@dataclass(frozen=True)
class BatchReport:
    """The outcome of ``grade_folder``: every result, and the learners the grader failed on."""

    results: list[SubmissionResult]
    kept: int
    failed: dict[str, str]
    seconds: float


async def grade_folder_async(
    source: Path,
    submissions: Path,
    out: Path,
    *,
    limits: Limits,
    jobs: int | None = None,
    seed: int = 0,
    force: bool = False,
    max_notebook_bytes: int = DEFAULT_MAX_NOTEBOOK_BYTES,
    report: Callable[[str], None] = print,
) -> BatchReport:
    """Grade every submission in ``submissions`` against ``source`` into ``out`` (see module doc).

    ``jobs`` kernels run at once (default ``default_jobs``). ``force`` regrades
    submissions whose result is up to date. ``report`` receives one line per
    event. A grader failure on one submission is reported and the batch goes on.
    """
    started = time.monotonic()
    source, out = Path(source), Path(out)
    source_notebook = read_source(source)
    tasks = source_tasks(source_notebook, name=str(source))
    found = find_submissions(Path(submissions), source.name)
    jobs = jobs or default_jobs(limits.memory_limit)
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    settings = {
        "format": RESULT_FORMAT,
        "source_sha256": sha256_file(source),
        "limits": asdict(limits),
        "seed": seed,
        "max_notebook_bytes": max_notebook_bytes,
    }
    fingerprint = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()
    isolated = limits.isolate_network and network_isolation_available()
    report(
        f"grading {len(found)} submission(s) of {source.name} with {jobs} job(s); "
        f"cell limit {limits.cell_timeout:g} s, total {limits.total_timeout:g} s, memory "
        f"{format_bytes(limits.memory_limit) if limits.memory_limit else 'unlimited'}, "
        f"network {'off' if isolated else 'ON'}"
    )
    if limits.isolate_network and not isolated:
        report(NO_NETWORK_ISOLATION)

    results: dict[str, SubmissionResult] = {}
    failed: dict[str, str] = {}
    pending = []
    for submission in found:
        digest = sha256_file(submission.path) if submission.path else ""
        kept = None if force else _up_to_date(out, submission.learner, digest, fingerprint)
        if kept is not None:
            results[submission.learner] = kept
        else:
            pending.append((submission, digest))
    if results:
        report(f"{len(results)} result(s) up to date in {out / 'results'}, kept")

    semaphore = asyncio.Semaphore(jobs)
    done = 0

    async def grade_one(submission: Submission, digest: str) -> None:
        nonlocal done
        async with semaphore:
            try:
                if submission.path is None:
                    result = invalid_result(submission.learner, tasks, submission.problem)
                else:
                    result = await grade_submission_async(
                        source_notebook,
                        submission.path,
                        notebook_name=source.name,
                        limits=limits,
                        seed=seed,
                        learner=submission.learner,
                        max_notebook_bytes=max_notebook_bytes,
                    )
            except Exception as error:  # a grader bug must not stop the batch
                failed[submission.learner] = f"{type(error).__name__}: {error}"
                report(f"  {submission.learner}: the grader failed ({failed[submission.learner]})")
                return
            # The file is the result itself (SubmissionResult.from_dict reads it), plus
            # what decides whether a re-run may keep it.
            record = {
                **result.to_dict(),
                "grading": {
                    "fingerprint": fingerprint,
                    "settings": settings,
                    "submission": str(submission.path) if submission.path else None,
                    "submission_sha256": digest,
                },
            }
            write_atomically(
                out / "results" / f"{submission.learner}.json", json.dumps(record, indent=1) + "\n"
            )
            results[submission.learner] = result
            done += 1
            score = f"{format_points(result.score)}/{format_points(result.max_score)}"
            report(
                f"  [{done}/{len(pending)}] {submission.learner}: {score} {result.status} "
                f"({result.seconds:.1f} s)" + (f": {result.reason}" if result.reason else "")
            )

    await asyncio.gather(*(grade_one(submission, digest) for submission, digest in pending))

    ordered = [results[submission.learner] for submission in found if submission.learner in results]
    for result in ordered:
        write_atomically(
            out / "feedback" / f"{result.learner}.md",
            feedback_markdown(result, assignment=source.stem),
        )
    write_atomically(out / "gradebook.csv", gradebook_csv(ordered))
    batch = BatchReport(ordered, len(found) - len(pending), failed, time.monotonic() - started)
    write_atomically(out / "summary.md", summary_markdown(batch, source, limits, isolated, jobs))
    report(f"gradebook: {out / 'gradebook.csv'}; feedback: {out / 'feedback'}")
    if failed:
        report(f"the grader failed on {len(failed)} submission(s): {', '.join(sorted(failed))}")
    return batch


def grade_folder(source: Path, submissions: Path, out: Path, **kwargs) -> BatchReport:
    """``grade_folder_async``, blocking until the batch is done."""
    return asyncio.run(grade_folder_async(source, submissions, out, **kwargs))


def _up_to_date(out: Path, learner: str, digest: str, fingerprint: str) -> SubmissionResult | None:
    path = out / "results" / f"{learner}.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        grading = record["grading"]
        if grading["fingerprint"] == fingerprint and grading["submission_sha256"] == digest:
            return SubmissionResult.from_dict(record)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing or unreadable: grade again
    return None


def summary_markdown(
    batch: BatchReport, source: Path, limits: Limits, isolated: bool, jobs: int
) -> str:
    """The run's summary: source, limits, sandbox, and one line per learner."""
    memory = format_bytes(limits.memory_limit) if limits.memory_limit else "unlimited"
    lines = [
        f"# Gradebook: {source.name}",
        "",
        f"- source: `{source}` (SHA-256 {sha256_file(source)[:16]}...)",
        f"- limits: {limits.cell_timeout:g} s per cell, {limits.total_timeout:g} s per "
        f"notebook, {memory} of address space per kernel; {jobs} kernel(s) at once",
        "- network: " + ("none in the kernels (unshare -n)" if isolated else NO_NETWORK_ISOLATION),
        f"- submissions: {len(batch.results)} ({sum(r.status == 'invalid' for r in batch.results)} "
        f"invalid); {batch.kept} result(s) kept from an earlier run",
        "",
        "| learner | score | status |",
        "|---|---|---|",
    ]
    for result in batch.results:
        score = f"{format_points(result.score)} / {format_points(result.max_score)}"
        lines.append(f"| {result.learner} | {score} | {result.status} |")
    if batch.failed:
        lines += ["", "The grader failed on (run again to retry):", ""]
        lines += [f"- {learner}: {error}" for learner, error in sorted(batch.failed.items())]
    return "\n".join(lines) + "\n"
