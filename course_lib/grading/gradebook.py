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
                                  flags, isolation, and a TOTAL row per learner;
                                  rebuilt from results/
    DIR/summary.md                the run: limits, sandbox, scores, flags, redactions
    DIR/shard.json                with --shard I/N only: which share this folder holds

A result is kept on a re-run when its submission, the source and the grading
settings are unchanged (SHA-256), so a batch killed half-way resumes where it
stopped and gives the same gradebook. ``strict`` (``--strict``) is applied
when the gradebook and feedback are written, not to the results, so turning
it on or off regrades nothing.

Grading at scale: ``shard=(I, N)`` grades the submissions whose learner name
hashes to share I of N (``shard_of``), the same share on every machine and
every run, so N machines (a Kubernetes Job array, a Slurm array, GNU
parallel) can each grade one share into a folder of its own;
``merge_gradebooks`` then combines the folders into one gradebook,
byte-identical to the one a single run over every submission writes.
Taught in no notebook.
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
from course_lib.grading.results import SubmissionResult, apply_strict, format_points
from course_lib.grading.sandbox import BUBBLEWRAP, bubblewrap_problem, choose_isolation

RESULT_FORMAT = 2
SHARD_FILE = "shard.json"


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


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``: share 2 of 4 (1-based). ValueError for anything else."""
    index, slash, count = text.partition("/")
    try:
        shard = (int(index), int(count))
    except ValueError:
        shard = (0, 0)
    if not slash or not 1 <= shard[0] <= shard[1]:
        raise ValueError(
            f"--shard takes I/N with 1 <= I <= N (share I of N), got {text!r}; e.g. --shard 1/4"
        )
    return shard


def shard_of(learner: str, count: int) -> int:
    """The share (1 to ``count``) that grades ``learner``: from the SHA-256 of the name, so
    it is the same on every machine and does not move when other learners are added."""
    digest = hashlib.sha256(learner.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


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
    strict: bool = False,
    shard: tuple[int, int] | None = None,
    max_notebook_bytes: int = DEFAULT_MAX_NOTEBOOK_BYTES,
    report: Callable[[str], None] = print,
) -> BatchReport:
    """Grade every submission in ``submissions`` against ``source`` into ``out`` (see module doc).

    ``jobs`` kernels run at once (default ``default_jobs``). ``force`` regrades
    submissions whose result is up to date. ``strict`` scores 0 every task that
    tampering flags reach (``results.apply_strict``). ``shard=(I, N)`` grades
    share I of N only (``shard_of``). ``report`` receives one line per event.
    A grader failure on one submission is reported and the batch goes on.
    Raises ValueError for bad settings (``limits.sandbox="bubblewrap"`` where
    bubblewrap does not work, a bad shard) before anything is graded.
    """
    started = time.monotonic()
    source, out = Path(source), Path(out)
    source_notebook = read_source(source)
    tasks = source_tasks(source_notebook, name=str(source))
    found = find_submissions(Path(submissions), source.name)
    if shard is not None:
        index, count = shard
        if not 1 <= index <= count:
            raise ValueError(f"shard must be (I, N) with 1 <= I <= N, got {shard}")
        found = [item for item in found if shard_of(item.learner, count) == index]
    jobs = jobs or default_jobs(limits.memory_limit)
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    isolation = choose_isolation(limits.sandbox)
    settings = {
        "format": RESULT_FORMAT,
        "source": source.name,
        "source_sha256": sha256_file(source),
        "limits": asdict(limits),
        "seed": seed,
        "max_notebook_bytes": max_notebook_bytes,
    }
    fingerprint = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()
    isolated = isolation == BUBBLEWRAP or (limits.isolate_network and network_isolation_available())
    share = f" (share {shard[0]} of {shard[1]})" if shard else ""
    report(
        f"grading {len(found)} submission(s) of {source.name}{share} with {jobs} job(s); "
        f"cell limit {limits.cell_timeout:g} s, total {limits.total_timeout:g} s, memory "
        f"{format_bytes(limits.memory_limit) if limits.memory_limit else 'unlimited'}, "
        f"sandbox {isolation}, network {'off' if isolated else 'ON'}"
        + (", --strict" if strict else "")
    )
    if isolation != BUBBLEWRAP and limits.sandbox == "auto":
        report(f"warning: kernels run without the bubblewrap sandbox: {bubblewrap_problem()}")
    if not isolated and limits.isolate_network:
        report(NO_NETWORK_ISOLATION)
    if shard is not None:
        write_atomically(
            out / SHARD_FILE,
            json.dumps(
                {
                    "shard": shard[0],
                    "of": shard[1],
                    "fingerprint": fingerprint,
                    "learners": [item.learner for item in found],
                },
                indent=1,
            )
            + "\n",
        )

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
    write_gradebook(out, ordered, assignment=source.stem, strict=strict)
    batch = BatchReport(ordered, len(found) - len(pending), failed, time.monotonic() - started)
    header = run_header(source, limits, isolation, isolated, jobs, shard)
    summary = summary_markdown(batch.results, source.name, header, batch, strict)
    write_atomically(out / "summary.md", summary)
    report(f"gradebook: {out / 'gradebook.csv'}; feedback: {out / 'feedback'}")
    flagged = [result.learner for result in ordered if result.flags]
    if flagged:
        report(f"tampering flagged for {len(flagged)} submission(s): {', '.join(flagged)}")
    if failed:
        report(f"the grader failed on {len(failed)} submission(s): {', '.join(sorted(failed))}")
    return batch


def write_gradebook(
    out: Path, results: list[SubmissionResult], *, assignment: str, strict: bool
) -> None:
    """Write every learner's feedback and the CSV gradebook of ``results`` into ``out``."""
    scored = [apply_strict(result) if strict else result for result in results]
    for result in scored:
        write_atomically(
            out / "feedback" / f"{result.learner}.md",
            feedback_markdown(result, assignment=assignment),
        )
    write_atomically(out / "gradebook.csv", gradebook_csv(scored))


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


def run_header(
    source: Path,
    limits: Limits,
    isolation: str,
    isolated: bool,
    jobs: int,
    shard: tuple[int, int] | None,
) -> list[str]:
    """The lines of a summary that describe one grading run: source, limits, sandbox."""
    memory = format_bytes(limits.memory_limit) if limits.memory_limit else "unlimited"
    if isolation == BUBBLEWRAP:
        sandbox = "bubblewrap (own pid, mount, network, ipc and uts namespaces; no network)"
    else:
        sandbox = "process group only" + (
            "; no network (unshare -n)" if isolated else f"; {NO_NETWORK_ISOLATION}"
        )
    lines = [
        f"- source: `{source}` (SHA-256 {sha256_file(source)[:16]}...)",
        f"- limits: {limits.cell_timeout:g} s per cell, {limits.total_timeout:g} s per "
        f"notebook, {memory} of address space per kernel; {jobs} kernel(s) at once",
        f"- sandbox: {sandbox}",
    ]
    if shard is not None:
        lines.append(f"- share {shard[0]} of {shard[1]} of the submissions (--shard)")
    return lines


def summary_markdown(
    results: list[SubmissionResult],
    title: str,
    header: list[str],
    batch: BatchReport | None = None,
    strict: bool = False,
) -> str:
    """The instructor's summary: the run, one line per learner, every flag and redaction."""
    invalid = sum(result.status == "invalid" for result in results)
    lines = [f"# Gradebook: {title}", "", *header]
    counted = f"- submissions: {len(results)} ({invalid} invalid)"
    if batch is not None:
        counted += f"; {batch.kept} result(s) kept from an earlier run"
    lines.append(counted)
    lines.append(
        "- scoring: "
        + (
            "--strict: every task that a tampering flag reaches scores 0"
            if strict
            else "flags do not change scores (--strict would score flagged tasks 0)"
        )
    )
    lines += ["", "| learner | score | status | isolation | flags |", "|---|---|---|---|---|"]
    for result in results:
        scored = apply_strict(result) if strict else result
        score = f"{format_points(scored.score)} / {format_points(scored.max_score)}"
        lines.append(
            f"| {result.learner} | {score} | {result.status} | {result.isolation or '-'} "
            f"| {len(result.flags) or ''} |"
        )
    flagged = [result for result in results if result.flags]
    if flagged:
        lines += ["", "## Tampering flags", ""]
        lines += [
            "Code that may attack the grader, found in the learners' cells before they ran "
            "(cell and line in the learner's notebook) or replaced at run time.",
            "",
        ]
        for result in flagged:
            lines.append(f"- **{result.learner}**")
            lines += [f"  - {flag.describe()}" for flag in result.flags]
    redacted = [result for result in results if result.redactions]
    if redacted:
        lines += ["", "## Redactions", ""]
        lines += [
            "Lines of hidden tests or solutions found in what a learner would have read, "
            "replaced by [redacted] in their feedback.",
            "",
        ]
        for result in redacted:
            lines.append(f"- **{result.learner}**")
            lines += [
                f"  - in {item['where']}: `{item['line'][:80]}`" for item in result.redactions
            ]
    if batch is not None and batch.failed:
        lines += ["", "The grader failed on (run again to retry):", ""]
        lines += [f"- {learner}: {error}" for learner, error in sorted(batch.failed.items())]
    return "\n".join(lines) + "\n"


def merge_gradebooks(
    folders: list[Path], out: Path, *, strict: bool = False
) -> list[SubmissionResult]:
    """Combine the output folders of ``course grade --shard I/N`` runs into one, in ``out``.

    Reads every ``results/*.json``; checks that all were graded with the same
    source and settings, that no learner appears twice, and, for folders
    holding a ``shard.json``, that shares 1 to N are all there and complete.
    Writes ``out/results/`` (copies), the feedback, ``gradebook.csv`` (byte for
    byte what one run over every submission writes) and ``summary.md``.
    Returns the results; raises ValueError naming what does not fit.
    """
    out = Path(out)
    folders = [Path(folder) for folder in folders]
    if not folders:
        raise ValueError("give the output folders of the shards to merge")
    records: dict[str, dict] = {}
    origin: dict[str, Path] = {}
    shards: dict[int, tuple[int, Path, list[str]]] = {}
    for folder in folders:
        if not folder.is_dir():
            raise ValueError(f"no such gradebook folder: {folder}")
        shard_path = folder / SHARD_FILE
        if shard_path.is_file():
            shard = json.loads(shard_path.read_text(encoding="utf-8"))
            index, count = int(shard["shard"]), int(shard["of"])
            if index in shards:
                raise ValueError(
                    f"share {index} of {count} appears twice: {shards[index][1]}, {folder}"
                )
            shards[index] = (count, folder, list(shard["learners"]))
        paths = sorted((folder / "results").glob("*.json"))
        for path in paths:
            record = json.loads(path.read_text(encoding="utf-8"))
            learner = record["learner"]
            if learner in records:
                raise ValueError(
                    f"learner {learner!r} is in two folders: {origin[learner]} and {folder}"
                )
            records[learner], origin[learner] = record, folder
    counts = {count for count, _, _ in shards.values()}
    if len(counts) > 1:
        raise ValueError(f"the folders come from different splits: N = {sorted(counts)}")
    if shards:
        count = counts.pop()
        missing = sorted(set(range(1, count + 1)) - set(shards))
        if missing:
            raise ValueError(
                f"share(s) {', '.join(map(str, missing))} of {count} are missing: merge the "
                "output folder of every `course grade --shard I/N` run"
            )
        for index, (_, folder, learners) in sorted(shards.items()):
            unfinished = [learner for learner in learners if learner not in records]
            if unfinished:
                raise ValueError(
                    f"share {index} of {count} ({folder}) has no result for "
                    f"{', '.join(unfinished[:5])}: run that share again to finish it"
                )
    fingerprints = {record.get("grading", {}).get("fingerprint") for record in records.values()}
    if len(fingerprints) > 1:
        raise ValueError(
            "the results were graded with different sources or settings (limits, seed, "
            "sandbox): grade every share with the same command"
        )
    if not records:
        raise ValueError(f"no results in {', '.join(map(str, folders))}")
    results = [SubmissionResult.from_dict(records[name]) for name in sorted(records)]
    for learner, record in records.items():
        write_atomically(out / "results" / f"{learner}.json", json.dumps(record, indent=1) + "\n")
    settings = next(iter(records.values())).get("grading", {}).get("settings", {})
    assignment = Path(settings.get("source", "assignment")).stem
    write_gradebook(out, results, assignment=assignment, strict=strict)
    header = [
        f"- source: `{settings.get('source', 'unknown')}` (SHA-256 "
        f"{str(settings.get('source_sha256', ''))[:16]}...)",
        f"- merged from {len(folders)} folder(s): "
        + ", ".join(f"`{folder}`" for folder in folders),
    ]
    title = str(settings.get("source", "merged shards"))
    write_atomically(out / "summary.md", summary_markdown(results, title, header, None, strict))
    return results
