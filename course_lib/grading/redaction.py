"""Keeping hidden tests and solutions out of feedback: the last check before anything is written.

Reasons and notes are built so that they never quote a hidden test
(``reasons.py``), but some of their text comes from the learner's code: an
assertion message showing a value the learner returned, an exception the
learner raised. A learner who captured a hidden test in the kernel could
smuggle it out that way. So every text a learner will read is scanned for the
*secret lines* of the source notebook, and each occurrence is replaced by
``[redacted]``; the redaction is recorded in the result for the instructor.

Secret lines are the lines of hidden tests and of solution regions
(``### BEGIN SOLUTION`` ... ``### END SOLUTION``), stripped, at least
``MIN_SECRET_LENGTH`` characters long, except lines the released exercise
shows anyway and lines the learner's own notebook contains (a learner cannot
leak what they wrote). Matching ignores whitespace, so re-indented or
re-wrapped copies are found too; encoded copies (reversed, base64) are not,
which is why the sandbox and the tampering flags exist.

``course check`` runs visible tests only and shows its messages in full.
Taught in no notebook; used by ``course grade``.
"""

from __future__ import annotations

from dataclasses import dataclass

from nbformat import NotebookNode

from course_lib.grading.notebook import (
    BEGIN_HIDDEN_TESTS,
    BEGIN_SOLUTION,
    END_HIDDEN_TESTS,
    END_SOLUTION,
    find_region,
    is_solution_cell,
    is_test_cell,
)
from course_lib.grading.release import release_notebook

MIN_SECRET_LENGTH = 16
REDACTED = "[redacted]"


def _compact(text: str) -> str:
    return "".join(text.split())


def secret_lines(source: NotebookNode, *, known: list[str] = ()) -> list[str]:
    """The secret lines of ``source`` (see the module docstring), longest first.

    ``known`` are texts the learner already has (their own cells): lines found
    in them are not secret.
    """
    public = {
        _compact(line)
        for cell in release_notebook(source).cells
        for line in cell.source.split("\n")
    }
    public |= {_compact(line) for text in known for line in text.split("\n")}
    secrets: set[str] = set()
    for cell in source.cells:
        lines = cell.source.split("\n")
        regions = []
        if is_test_cell(cell):
            regions = find_region(lines, BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS, where="source")
        elif is_solution_cell(cell):
            regions = find_region(lines, BEGIN_SOLUTION, END_SOLUTION, where="source")
        for begin, end in regions:
            for line in lines[begin + 1 : end]:
                compact = _compact(line)
                if len(compact) >= MIN_SECRET_LENGTH and compact not in public:
                    secrets.add(compact)
    return sorted(secrets, key=lambda line: (-len(line), line))


@dataclass(frozen=True)
class Redaction:
    """One secret line found in a text for the learner: where (``task 'sigmoid'``,
    ``note 2``) and which line (compacted: whitespace removed)."""

    where: str
    line: str


def redact(text: str, secrets: list[str]) -> tuple[str, list[str]]:
    """``text`` with every occurrence of a secret line replaced by ``[redacted]``,
    whitespace ignored; and the secret lines found."""
    if not text or not secrets:
        return text, []
    positions = [index for index, character in enumerate(text) if not character.isspace()]
    compact = "".join(text[index] for index in positions)
    spans: list[tuple[int, int]] = []
    found: list[str] = []
    for secret in secrets:
        start = compact.find(secret)
        while start >= 0:
            end = start + len(secret)
            spans.append((positions[start], positions[end - 1] + 1))
            if secret not in found:
                found.append(secret)
            start = compact.find(secret, end)
    if not spans:
        return text, []
    merged: list[list[int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([begin, end])
    pieces, previous = [], 0
    for begin, end in merged:
        pieces += [text[previous:begin], REDACTED]
        previous = end
    pieces.append(text[previous:])
    return "".join(pieces), found
