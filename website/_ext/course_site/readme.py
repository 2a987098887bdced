"""What the site takes from README.md: the syllabus table and whole sections.

The README is the one place where the syllabus is written down. The site's
navigation follows its table (chapter number, title, topics, time), and a
chapter is linked only when its notebook exists in notebooks/: a chapter
whose notebook is not there yet is listed as "in preparation". Notebooks that
the table does not list yet are added after it, so a new chapter appears on
the site without touching the site's code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from myst_parser.slugs import github_slugify

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
CHAPTER_FILE = re.compile(r"^(\d\d)_")


@dataclass
class Chapter:
    """One row of the syllabus, with the files that exist for it."""

    number: str
    title: str
    topics: str = ""
    time: str = ""
    notebook: str | None = None  # path relative to the repository, if it exists
    exercises: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.notebook is not None


def sections(text: str) -> list[tuple[int, str, int, int]]:
    """Every heading outside code fences: (level, title, start line, end line).

    A section ends where the next heading of the same or a higher level starts.
    """
    lines = text.splitlines()
    found: list[tuple[int, str, int]] = []
    fence = None
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        marker = stripped[:3]
        if marker in ("```", "~~~"):
            if fence is None:
                fence = marker
            elif stripped.startswith(fence):
                fence = None
            continue
        if fence is None:
            match = HEADING.match(line)
            if match:
                found.append((len(match.group(1)), match.group(2), number))
    result = []
    for index, (level, title, start) in enumerate(found):
        end = len(lines)
        for later_level, _, later_start in found[index + 1:]:
            if later_level <= level:
                end = later_start
                break
        result.append((level, title, start, end))
    return result


def section(text: str, title: str) -> str:
    """The section of ``text`` whose heading is ``title``, heading included."""
    lines = text.splitlines()
    for _, heading, start, end in sections(text):
        if heading == title:
            return "\n".join(lines[start:end]).rstrip() + "\n"
    titles = [heading for _, heading, _, _ in sections(text)]
    raise ValueError(f"README.md has no section {title!r}; its headings are: {titles}")


def anchors(text: str) -> list[str]:
    """The anchors (GitHub-style slugs) of every heading in ``text``."""
    return [github_slugify(title) for _, title, _, _ in sections(text)]


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def syllabus_rows(readme: str) -> list[dict[str, str]]:
    """The rows of the table in the README's "Syllabus" section, as dicts by column."""
    table = [line for line in section(readme, "Syllabus").splitlines() if line.startswith("|")]
    if len(table) < 3:
        raise ValueError("README.md's Syllabus section has no table")
    header = [name.lower() for name in _cells(table[0])]
    for required in ("#", "notebook"):
        if required not in header:
            raise ValueError(f"README.md's syllabus table has no column {required!r}: {header}")
    return [dict(zip(header, _cells(row), strict=False)) for row in table[2:]]


def _plain(markdown: str) -> str:
    """Link text instead of links, no emphasis markers, no "(in preparation)"."""
    text = LINK.sub(r"\1", markdown)
    text = re.sub(r"\*?\(in preparation\)\*?", "", text)
    return text.replace("*", "").strip()


def chapters(root: Path) -> list[Chapter]:
    """The syllabus in order, with the lecture and exercise notebooks that exist.

    ``root`` is the repository. Lecture notebooks are notebooks/NN_*.ipynb and
    exercises exercises/NN_*.ipynb, found by their chapter number NN.
    """
    readme = (root / "README.md").read_text(encoding="utf-8")
    lectures = {}
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        match = CHAPTER_FILE.match(path.name)
        if match:
            lectures.setdefault(match.group(1), path.relative_to(root).as_posix())
    exercises: dict[str, list[str]] = {}
    for path in sorted((root / "exercises").glob("*.ipynb")):
        match = CHAPTER_FILE.match(path.name)
        if match:
            exercises.setdefault(match.group(1), []).append(path.relative_to(root).as_posix())

    found = []
    for row in syllabus_rows(readme):
        number = row["#"]
        if not re.fullmatch(r"\d\d", number):
            raise ValueError(f"README.md's syllabus table: chapter number {number!r} is not NN")
        found.append(Chapter(
            number=number,
            title=_plain(row["notebook"]),
            topics=row.get("topics", ""),
            time=row.get("time", ""),
            notebook=lectures.get(number),
            exercises=exercises.get(number, []),
        ))
    listed = {chapter.number for chapter in found}
    for number in sorted(set(lectures) - listed):
        stem = Path(lectures[number]).stem[3:]
        found.append(Chapter(
            number=number,
            title=stem.replace("_", " ").capitalize(),
            notebook=lectures[number],
            exercises=exercises.get(number, []),
        ))
    return found


SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def is_relative(target: str) -> bool:
    """A link to a file of the repository (no scheme, not a pure anchor)."""
    return not SCHEME.match(target) and not target.startswith("#")


def rewrite_links(markdown: str, resolve) -> str:
    """Every Markdown link ``[text](target)`` outside code, with ``resolve(target)``.

    ``resolve`` returns the new target, or None to keep the link's text alone.
    Code spans and fenced code blocks are left as they are.
    """

    def replace(match: re.Match) -> str:
        text, target = match.group(1), match.group(2)
        new = resolve(target)
        return text if new is None else f"[{text}]({new})"

    out, fence = [], None
    for line in markdown.splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped[:3] in ("```", "~~~"):
            if fence is None:
                fence = stripped[:3]
            elif stripped.startswith(fence):
                fence = None
            out.append(line)
            continue
        if fence is not None:
            out.append(line)
            continue
        parts = re.split(r"(`[^`]*`)", line)
        out.append("".join(
            part if part.startswith("`") else LINK.sub(replace, part) for part in parts
        ))
    return "".join(out)
