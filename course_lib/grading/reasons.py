"""Readable reasons: what a learner reads when a task does not pass.

- a failed visible assertion: its message (or the assertion line if it has none);
- an unfilled exercise (``NotImplementedError``): "not implemented yet";
- any other exception: its type and message, and the learner's own line
  ("in cell 5, line 3: `return 1 / (1 + np.exp(z))`");
- a hidden test: only that it failed, the type of an exception if it is one
  of Python's or NumPy's, and the learner's own line; never the hidden test's
  code, its message, or any text the learner's code produced (a learner could
  fill an exception message or a class name with a hidden test it captured);
- the grader's own limits in plain words (time, memory, a dead kernel).

The learner's line is quoted from the grader's copy of the learner's cell
(the kernel only says which cell and line), never from the traceback's text.
Tracebacks are read without their ANSI colour codes. Taught in no notebook.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass

from course_lib.grading.files import format_bytes
from course_lib.grading.plan import Segment
from course_lib.grading.runner import SegmentRun, describe_segment

MAX_REASON = 600
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_FRAME = re.compile(r"^(?:Cell|Input) In ?\[(\d+)\], line (\d+)", re.MULTILINE)
_ARROW = re.compile(r"^-+> ?(\d+)\s?(.*)$", re.MULTILINE)


# Exception types a hidden test's reason may name: Python's and NumPy's own.
KNOWN_EXCEPTIONS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
) | {"LinAlgError", "AxisError", "StdinNotImplementedError"}


def exception_name(name: str) -> str:
    """``name`` if it is a known exception type, else words that say nothing of it."""
    return name if name in KNOWN_EXCEPTIONS else "an exception of its own type"


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour codes."""
    return _ANSI.sub("", text)


def shorten(text: str, limit: int = MAX_REASON) -> str:
    """``text`` stripped, cut to ``limit`` characters with an ellipsis."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


@dataclass(frozen=True)
class Frame:
    """One frame of an IPython traceback: the kernel's execution count, the line, its code."""

    execution_count: int
    line: int
    code: str


def traceback_frames(traceback: list[str]) -> list[Frame]:
    """The cell frames of an IPython traceback (``Cell In[3], line 4``), outermost first."""
    frames = []
    for chunk in traceback:
        text = strip_ansi(chunk)
        header = _FRAME.search(text)
        if not header:
            continue
        code = ""
        for arrow in _ARROW.finditer(text[header.end() :]):
            code = arrow.group(2).strip()
        frames.append(Frame(int(header.group(1)), int(header.group(2)), code))
    return frames


def learner_line(run: SegmentRun, learner_cells: dict[int, tuple[int, str]]) -> str:
    """`` (in cell 5, line 3: `...`)`` for the innermost frame in the learner's own cells.

    ``learner_cells`` maps the kernel's execution count of each learner cell
    to its 1-based number in the learner's notebook and its source, from
    which the line is quoted.
    """
    for frame in reversed(traceback_frames(run.traceback)):
        if frame.execution_count in learner_cells:
            number, source = learner_cells[frame.execution_count]
            lines = source.split("\n")
            text = lines[frame.line - 1].strip() if 0 < frame.line <= len(lines) else ""
            code = f": `{shorten(text, 80)}`" if text else ""
            return f" (in cell {number}, line {frame.line}{code})"
    return ""


def task_outcome(
    segment: Segment,
    run: SegmentRun,
    *,
    learner_cells: dict[int, tuple[int, str]],
    memory_limit: int | None,
) -> tuple[str, str]:
    """The (status, reason) of a task whose first unsuccessful segment is ``segment``.

    Status is "fail" for a rejected or missing answer (a failed assertion, an
    unfilled exercise) and "error" for everything else.
    """
    if run.status in ("timeout", "stopped", "not-run", "unconfirmed"):
        return "error", shorten(run.message)
    name = run.ename
    where = learner_line(run, learner_cells)
    if "MemoryError" in name:
        limit = f" (limit {format_bytes(memory_limit)})" if memory_limit else ""
        return "error", f"the kernel ran out of memory{limit}{where}"
    if name == "NotImplementedError":
        return "fail", "not implemented yet"
    if name == "StdinNotImplementedError":
        return (
            "error",
            f"the code asked for keyboard input (input()), which grading cannot give{where}",
        )
    if segment.hidden:
        if name == "AssertionError":
            return "fail", "a hidden test failed"
        return "error", f"a hidden test failed: your code raised {exception_name(name)}{where}"
    message = strip_ansi(run.evalue).strip()
    if name == "AssertionError":
        if message:
            return "fail", shorten(message)
        frames = [
            frame
            for frame in traceback_frames(run.traceback)
            if frame.execution_count == run.execution_count and frame.code
        ]
        line = f": `{shorten(frames[-1].code, 120)}`" if frames else ""
        return "fail", f"assertion failed{line}"
    return "error", shorten(f"{name}: {message}" if message else name) + where


def cell_note(segment: Segment, run: SegmentRun, *, memory_limit: int | None) -> str | None:
    """A note on a learner's cell that did not run cleanly (None if it did)."""
    where = describe_segment(segment)
    if run.status == "timeout":
        return f"{run.message} and was interrupted"
    if run.status != "error":
        return None
    if "MemoryError" in run.ename:
        limit = f" (limit {format_bytes(memory_limit)})" if memory_limit else ""
        return f"{where} ran out of memory{limit}"
    if run.ename == "StdinNotImplementedError":
        return f"{where} asked for keyboard input (input()), which grading cannot give"
    if run.ename == "NotImplementedError":
        return f"{where} is not implemented yet"
    message = strip_ansi(run.evalue).strip()
    return shorten(f"{where} raised {run.ename}" + (f": {message}" if message else ""), 300)
