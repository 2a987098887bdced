"""The ``course`` command line: release exercises, check a notebook, grade submissions.

::

    course release [--check] [NAMES...]      solutions/ -> exercises/ (make exercises)
    course check NOTEBOOK [--source PATH]    run a notebook's visible tests, print a table
    course grade SOURCE SUBMISSIONS --out DIR [--jobs N] [--cell-timeout S]
                 [--total-timeout S] [--memory-limit MB] [--sandbox auto|bubblewrap|none]
                 [--strict] [--shard I/N]                  (make grade)
    course gradebook merge --out DIR SHARD_DIR...   combine the --shard runs' folders
    course gradebook export DIR --format canvas|moodle [--out FILE] [--roster CSV]
    course doctor                            is this environment ready for the course?
    course link --hub URL --repo URL [--branch main] [--open PATH]
                                             an nbgitpuller link for a JupyterHub

Taught in notebooks/00_start_here.ipynb (check, doctor); the README's
instructor section covers release and grade, the instructor guide link.

Its functions are taught in no notebook.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib import hub_link

MIB = 2**20


def _add_limits(parser: argparse.ArgumentParser) -> None:
    from course_lib.grading.limits import (
        DEFAULT_CELL_TIMEOUT,
        DEFAULT_MEMORY_LIMIT,
        DEFAULT_TOTAL_TIMEOUT,
    )

    parser.add_argument(
        "--cell-timeout",
        type=float,
        default=DEFAULT_CELL_TIMEOUT,
        metavar="S",
        help="seconds one cell may run (default %(default)g)",
    )
    parser.add_argument(
        "--total-timeout",
        type=float,
        default=DEFAULT_TOTAL_TIMEOUT,
        metavar="S",
        help="seconds a whole notebook may run (default %(default)g)",
    )
    parser.add_argument(
        "--memory-limit",
        type=int,
        default=DEFAULT_MEMORY_LIMIT // MIB,
        metavar="MB",
        help="address space of each kernel in MB, 0 for no limit "
        "(default %(default)d: a kernel with the course's libraries takes about "
        "1000)",
    )
    parser.add_argument(
        "--sandbox",
        choices=("auto", "bubblewrap", "none"),
        default="auto",
        help="run each kernel in a bubblewrap sandbox (Linux); auto (default): where bwrap "
        "works, else a process group of its own; none: never",
    )


def _limits(args: argparse.Namespace) -> dict:
    return {
        "cell_timeout": args.cell_timeout,
        "total_timeout": args.total_timeout,
        "memory_limit": args.memory_limit * MIB if args.memory_limit > 0 else None,
        "sandbox": args.sandbox,
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    release = commands.add_parser("release", help="write exercises/ from solutions/")
    release.add_argument(
        "names", nargs="*", metavar="NAME", help="solution notebooks to release (default: all)"
    )
    release.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and list the exercises that differ",
    )
    release.add_argument("--solutions", type=Path, default=Path("solutions"))
    release.add_argument("--exercises", type=Path, default=Path("exercises"))

    check = commands.add_parser("check", help="run a notebook's visible tests, print a table")
    check.add_argument("notebook", type=Path)
    check.add_argument(
        "--source",
        type=Path,
        help="the solution notebook (default: solutions/ + the notebook's name)",
    )
    _add_limits(check)

    grade = commands.add_parser("grade", help="grade a folder of submissions")
    grade.add_argument("source", type=Path, help="the solution notebook")
    grade.add_argument(
        "submissions", type=Path, help="a folder of LEARNER.ipynb, or nbgrader's submitted/ layout"
    )
    grade.add_argument("--out", type=Path, required=True, help="where results go")
    grade.add_argument("--jobs", type=int, help="kernels at once (default: one per CPU)")
    grade.add_argument("--seed", type=int, default=0, help="grading seed (default 0)")
    grade.add_argument("--force", action="store_true", help="regrade up-to-date results too")
    grade.add_argument(
        "--max-notebook-size",
        type=int,
        default=50,
        metavar="MB",
        help="larger submissions are invalid (default %(default)d)",
    )
    grade.add_argument(
        "--strict",
        action="store_true",
        help="score 0 every task whose test runs after code flagged as tampering",
    )
    grade.add_argument(
        "--shard",
        metavar="I/N",
        help="grade share I of N of the submissions (1 <= I <= N; the same share on every "
        "machine); combine the N output folders with `course gradebook merge`",
    )
    _add_limits(grade)

    gradebook = commands.add_parser("gradebook", help="merge shards, export to Canvas or Moodle")
    actions = gradebook.add_subparsers(dest="action", required=True, metavar="ACTION")
    merge = actions.add_parser("merge", help="combine the output folders of --shard runs")
    merge.add_argument("folders", type=Path, nargs="+", metavar="SHARD_DIR")
    merge.add_argument("--out", type=Path, required=True, help="where the merged gradebook goes")
    merge.add_argument("--strict", action="store_true", help="as course grade --strict")
    export = actions.add_parser("export", help="write a CSV that Canvas or Moodle imports")
    export.add_argument("folder", type=Path, metavar="DIR", help="a course grade output folder")
    export.add_argument("--format", choices=("canvas", "moodle"), required=True)
    export.add_argument("--out", type=Path, help="the CSV to write (default: standard output)")
    export.add_argument(
        "--assignment", help="the column name (default: the source notebook's name)"
    )
    export.add_argument(
        "--roster",
        type=Path,
        help="the platform's own gradebook export (CSV), to match learners and copy their ids",
    )
    export.add_argument(
        "--match-column",
        help="the roster column holding the learner's name (default: 'SIS Login ID' for "
        "Canvas, 'Email address' for Moodle)",
    )
    export.add_argument(
        "--id-field",
        choices=("username", "idnumber", "email"),
        default="username",
        help="Moodle without a roster: what the learner's name is (default %(default)s)",
    )

    commands.add_parser("doctor", help="is this environment ready for the course?", add_help=False)

    link = commands.add_parser("link", help="an nbgitpuller link to the course on a JupyterHub")
    hub_link.add_arguments(link)
    return parser


def _release(args) -> int:
    from course_lib.grading.release import release_directory

    released = release_directory(args.solutions, args.exercises, args.names, check=args.check)
    changed = [item for item in released if item.changed]
    if args.check:
        for item in changed:
            print(f"differs: {item.target} (run `course release` or `make exercises`)")
        if not changed:
            print(f"{len(released)} exercise(s) up to date")
        return 1 if changed else 0
    for item in released:
        print(f"{'wrote' if item.changed else 'unchanged'} {item.target}")
    return 0


def _check(args) -> int:
    from course_lib.grading.check import check_notebook, check_report, find_source

    source = args.source or find_source(args.notebook)
    result = check_notebook(args.notebook, source=source, **_limits(args))
    print(check_report(result, notebook=args.notebook, source=source))
    return 0 if result.status == "graded" and all(t.status == "pass" for t in result.tasks) else 1


def _grade(args) -> int:
    from course_lib.grading.gradebook import grade_folder, parse_shard
    from course_lib.grading.limits import Limits

    batch = grade_folder(
        args.source,
        args.submissions,
        args.out,
        limits=Limits(**_limits(args)),
        jobs=args.jobs,
        seed=args.seed,
        force=args.force,
        strict=args.strict,
        shard=parse_shard(args.shard) if args.shard else None,
        max_notebook_bytes=args.max_notebook_size * MIB,
        report=lambda line: print(line, flush=True),
    )
    return 1 if batch.failed else 0


def _gradebook(args) -> int:
    if args.action == "merge":
        from course_lib.grading.gradebook import merge_gradebooks

        results = merge_gradebooks(args.folders, args.out, strict=args.strict)
        print(f"merged {len(results)} result(s) from {len(args.folders)} folder(s) into {args.out}")
        return 0
    from course_lib.grading.exports import export_gradebook

    text, unmatched = export_gradebook(
        args.folder,
        args.format,
        assignment=args.assignment,
        roster=args.roster,
        match_column=args.match_column,
        id_field=args.id_field,
    )
    if args.out:
        from course_lib.grading.files import write_atomically

        write_atomically(args.out, text)
        print(f"wrote {args.out} ({args.format})")
    else:
        sys.stdout.write(text)
    if unmatched:
        print(
            f"course gradebook export: {len(unmatched)} learner(s) are not in the roster and "
            f"were left out: {', '.join(unmatched)}",
            file=sys.stderr,
        )
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``course`` command; returns the exit status (0 success, 1 failure, 2 usage)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["doctor"]:
        from course_lib import doctor

        return doctor.main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        commands = {"release": _release, "check": _check, "grade": _grade,
                    "gradebook": _gradebook, "link": hub_link.run}
        return commands[args.command](args)
    except (ValueError, OSError) as error:
        print(f"course {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        kept = " (results already written are kept: run the same command to go on)"
        print(
            f"course {args.command}: interrupted" + (kept if args.command == "grade" else ""),
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
