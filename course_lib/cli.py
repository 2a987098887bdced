"""The ``course`` command line: release exercises, check a notebook, grade submissions.

::

    course release [--check] [NAMES...]      solutions/ -> exercises/ (make exercises)
    course check NOTEBOOK [--source PATH]    run a notebook's visible tests, print a table
    course grade SOURCE SUBMISSIONS --out DIR [--jobs N] [--cell-timeout S]
                 [--total-timeout S] [--memory-limit MB]   (make grade)
    course doctor                            is this environment ready for the course?
    course link --hub URL --repo URL [--branch main] [--open PATH]
                                             an nbgitpuller link for a JupyterHub

Taught in notebooks/00_start_here.ipynb (check, doctor); the README's
instructor section covers release and grade, the instructor guide link.
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


def _limits(args: argparse.Namespace) -> dict:
    return {
        "cell_timeout": args.cell_timeout,
        "total_timeout": args.total_timeout,
        "memory_limit": args.memory_limit * MIB if args.memory_limit > 0 else None,
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
    _add_limits(grade)

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
    from course_lib.grading.gradebook import grade_folder
    from course_lib.grading.limits import Limits

    batch = grade_folder(
        args.source,
        args.submissions,
        args.out,
        limits=Limits(**_limits(args)),
        jobs=args.jobs,
        seed=args.seed,
        force=args.force,
        max_notebook_bytes=args.max_notebook_size * MIB,
        report=lambda line: print(line, flush=True),
    )
    return 1 if batch.failed else 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``course`` command; returns the exit status (0 success, 1 failure, 2 usage)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["doctor"]:
        from course_lib import doctor

        return doctor.main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return {"release": _release, "check": _check, "grade": _grade, "link": hub_link.run}[
            args.command
        ](args)
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
