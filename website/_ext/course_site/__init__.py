"""The course's website, as a Sphinx extension (website/conf.py loads it).

What it adds to Sphinx + MyST-NB:

- the home page's syllabus, the navigation and the "in preparation" list,
  from README.md's syllabus table and the notebooks that exist
  (``<!-- course: syllabus -->`` in website/index.md);
- whole sections of README.md on the site's pages (``<!-- course: readme TITLE -->``),
  with their links rewritten for the page they land on;
- the instructor guide's tables from benchmarks/results/*.json (a block
  ``<!-- figures: KIND -->`` ... ``<!-- end figures -->`` in a Markdown page is
  replaced by the table; on GitHub the text between the markers shows instead);
- a "Run it" box on every lecture and exercise page: the local commands and a
  Binder link built from ``course_repository_url``;
- a guard: the site never links into solutions/.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from . import figures, links, readme

MARKER = re.compile(r"^<!-- course: (\w+)(?: (.*?))? -->[ \t]*$", re.MULTILINE)
FIGURES = re.compile(
    r"^<!-- figures: ([\w-]+) -->[ \t]*\n.*?^<!-- end figures -->[ \t]*$", re.MULTILINE | re.DOTALL
)
HOME = "website/index"
PAGE_FOLDERS = ("notebooks/", "exercises/")


def _root(app: Sphinx) -> Path:
    return Path(app.srcdir)


def _is_page(app: Sphinx, path: str) -> bool:
    """Is ``path`` (relative to the repository) a page of this site?"""
    stem, dot, suffix = path.rpartition(".")
    if not dot or f".{suffix}" not in app.config.source_suffix:
        return False
    return (_root(app) / path).is_file() and stem in app.env.found_docs


def _external(app: Sphinx, path: str) -> str | None:
    """The forge's page for a repository file the site does not build (None if unset)."""
    if not app.config.course_repository_url or not path:
        return None
    return links.file_url(app.config.course_repository_url, app.config.course_repository_branch,
                          path)


def _normalise(folder: PurePosixPath, path: str) -> str | None:
    """``path`` relative to ``folder``, as a path from the repository's root (None if outside)."""
    parts: list[str] = []
    for part in (folder / path).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


# -- generated Markdown --------------------------------------------------------

def _relative(docname: str, target: str) -> str:
    """``target`` (relative to the repository) as seen from the page ``docname``."""
    depth = docname.count("/")
    return "../" * depth + target


def syllabus_markdown(app: Sphinx, docname: str) -> str:
    chapters = readme.chapters(_root(app))
    rows = ["| # | chapter | topics | time | exercise |", "|---|---|---|---|---|"]
    for chapter in chapters:
        if chapter.ready:
            title = f"[{chapter.title}]({_relative(docname, chapter.notebook)})"
        else:
            title = f"{chapter.title} *(in preparation)*"
        exercises = ", ".join(
            f"[{Path(e).stem}]({_relative(docname, e)})" for e in chapter.exercises
        ) or "-"
        rows.append(f"| {chapter.number} | {title} | {chapter.topics} | {chapter.time} "
                    f"| {exercises} |")
    lectures = [c.notebook for c in chapters if c.ready]
    exercises = [e for c in chapters for e in c.exercises]
    # A notebook without a chapter number still gets a place in the navigation.
    for folder, listed in (("notebooks", lectures), ("exercises", exercises)):
        listed += sorted(p.relative_to(_root(app)).as_posix()
                         for p in (_root(app) / folder).glob("*.ipynb")
                         if p.relative_to(_root(app)).as_posix() not in listed)
    guides = ["website/learners.md", "website/instructors.md", "docs/instructor-guide.md"]
    guides += sorted(p.relative_to(_root(app)).as_posix()
                     for p in (_root(app) / "docs").glob("*.md")
                     if p.relative_to(_root(app)).as_posix() not in guides)
    toctrees = [
        ("Lectures", lectures),
        ("Exercises", exercises),
        ("Learners and instructors", guides),
    ]
    text = "\n".join(rows) + "\n"
    for caption, entries in toctrees:
        entries = [e for e in entries if (_root(app) / e).is_file()]
        if entries:
            body = "\n".join("/" + e.rsplit(".", 1)[0] for e in entries)
            text += f"\n```{{toctree}}\n:hidden:\n:caption: {caption}\n\n{body}\n```\n"
    return text


def readme_markdown(app: Sphinx, docname: str, title: str) -> str:
    """A README section, its links made relative to the page ``docname``."""
    text = readme.section((_root(app) / "README.md").read_text(encoding="utf-8"), title)
    prefix = _relative(docname, "")

    def resolve(target: str) -> str:
        if target.startswith("#"):
            return f"{prefix}README.md{target}"
        return f"{prefix}{target}" if readme.is_relative(target) else target

    return readme.rewrite_links(text, resolve)


def readme_pages(app: Sphinx) -> dict[str, str]:
    """README anchor -> the site page that shows that heading."""
    found = {}
    text = (_root(app) / "README.md").read_text(encoding="utf-8")
    for docname in sorted(app.env.found_docs):
        path = _root(app) / f"{docname}.md"
        if not path.is_file():
            continue
        for kind, argument in MARKER.findall(path.read_text(encoding="utf-8")):
            if kind == "readme":
                for anchor in readme.anchors(readme.section(text, argument)):
                    found.setdefault(anchor, docname)
    return found


def rewrite_repository_links(app: Sphinx, docname: str, text: str) -> str:
    """Links of a Markdown page to files of the repository, made right for the site.

    A link to a page of the site stays; ``README.md#anchor`` goes to the page that
    shows that section of the README (the home page without an anchor); a link to
    any other file goes to its page on the forge, or becomes plain text when the
    site is built without a repository URL.
    """
    folder = PurePosixPath(docname).parent
    pages = None

    def resolve(target: str) -> str | None:
        nonlocal pages
        if not readme.is_relative(target):
            return target
        path, _, anchor = target.partition("#")
        repository_path = _normalise(folder, path)
        if repository_path is None:
            return target
        if repository_path == "README.md":
            pages = readme_pages(app) if pages is None else pages
            page = pages.get(anchor, HOME) if anchor else HOME
            fragment = f"#{anchor}" if anchor in pages else ""
            return _relative(docname, f"{page}.md{fragment}")
        if _is_page(app, repository_path):
            return target
        url = _external(app, repository_path)
        return None if url is None else url + (f"#{anchor}" if anchor else "")

    return readme.rewrite_links(text, resolve)


def figures_markdown(app: Sphinx, kind: str) -> str:
    root = _root(app)
    results = root / "benchmarks" / "results"
    chapters = readme.chapters(root)
    notebooks_json = figures.load(results / "notebooks.json")
    for name in ("notebooks.json", "import_time.json", "grading.json"):
        app.env.note_dependency(str(results / name))
    if kind == "notebooks":
        return figures.notebooks_table(notebooks_json, [c.notebook for c in chapters if c.ready])
    if kind == "import-time":
        return figures.import_table(figures.load(results / "import_time.json"))
    if kind == "per-learner":
        return figures.per_learner(figures.sizing(notebooks_json))
    if kind == "sizing":
        return figures.sizing_table(figures.sizing(notebooks_json))
    if kind == "z2jh":
        return figures.z2jh_values(figures.sizing(notebooks_json))
    if kind == "grading":
        sets = [Path(p).stem for p in sorted((root / "solutions").glob("*.ipynb"))]
        return figures.grading_table(figures.load(results / "grading.json"), sets)
    raise ValueError(f"unknown figures block {kind!r} (known: notebooks, import-time, "
                     "per-learner, sizing, z2jh, grading)")


# -- Sphinx events -------------------------------------------------------------

def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if not (_root(app) / f"{docname}.md").is_file():
        return
    text = source[0]
    app.env.note_dependency(str(_root(app) / "README.md"))

    def marker(match: re.Match) -> str:
        kind, argument = match.group(1), match.group(2)
        if kind == "syllabus":
            return syllabus_markdown(app, docname)
        if kind == "readme":
            return readme_markdown(app, docname, argument)
        raise ValueError(f"{docname}: unknown marker <!-- course: {kind} -->")

    text = MARKER.sub(marker, text)
    text = FIGURES.sub(lambda m: figures_markdown(app, m.group(1)), text)
    source[0] = rewrite_repository_links(app, docname, text)


def on_env_get_outdated(app, env, added, changed, removed) -> list[str]:
    """Pages made from other files are read again on every build (it is fast)."""
    generated = []
    for docname in env.found_docs:
        path = _root(app) / f"{docname}.md"
        if path.is_file() and ("<!-- course:" in (text := path.read_text(encoding="utf-8"))
                               or "<!-- figures:" in text):
            generated.append(docname)
    return generated


def run_it_box(app: Sphinx, docname: str) -> nodes.Node:
    path = f"{docname}.ipynb"
    box = nodes.container(classes=["course-run-it"])
    box += nodes.rubric(text="Run it")
    items = nodes.bullet_list()

    def item(*children) -> None:
        paragraph = nodes.paragraph()
        paragraph.extend(children)
        items.append(nodes.list_item("", paragraph))

    item(nodes.Text("On your computer, in the course folder: "), nodes.literal(text="make lab"),
         nodes.Text(", then open "), nodes.literal(text=path), nodes.Text("."))
    if docname.startswith("exercises/"):
        item(nodes.Text("Check your answers the way the grader will: "),
             nodes.literal(text=f"course check {path}"), nodes.Text("."))
    url = app.config.course_repository_url
    if url:
        binder = links.binder_url(url, app.config.course_repository_branch, path,
                                  app.config.course_binderhub_url)
        item(nodes.Text("In your browser, nothing to install: "),
             nodes.reference("", "launch on Binder", refuri=binder, classes=["course-binder"]),
             nodes.Text(" (a temporary session: download your notebook before you leave)."))
    box += items
    return box


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    for node in list(doctree.findall(addnodes.download_reference)):
        target = str(node.get("reftarget", ""))
        if "solutions/" in target.replace("\\", "/"):
            raise ValueError(
                f"{docname} links to {target}: the site never publishes solutions/ "
                "(link to the exercise, or describe the solution without linking it)"
            )
    if not docname.startswith(PAGE_FOLDERS):
        return
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is None:
        return
    section = title.parent
    section.insert(section.index(title) + 1, run_it_box(app, docname))


def on_html_page_context(app, pagename, templatename, context, doctree) -> None:
    chapters = readme.chapters(_root(app))
    context["course_in_preparation"] = [
        f"{c.number} {c.title}" for c in chapters if not c.ready
    ]


def on_config_inited(app: Sphinx, config) -> None:
    if config.course_repository_url:
        config.course_repository_url = links.check_repository_url(config.course_repository_url)


def setup(app: Sphinx) -> dict:
    app.add_config_value("course_repository_url", "", "env", types=[str])
    app.add_config_value("course_repository_branch", "main", "env", types=[str])
    app.add_config_value("course_binderhub_url", links.DEFAULT_BINDERHUB, "env", types=[str])
    app.connect("config-inited", on_config_inited)
    app.connect("source-read", on_source_read)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("doctree-read", on_doctree_read)
    app.connect("html-page-context", on_html_page_context)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
