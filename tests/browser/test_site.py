"""The course's website (`make site`), built fresh and read page by page in Chromium.

The site is built with `make site` into a temporary folder (with a repository
URL, so that the Binder links are there) and served on 127.0.0.1 by a server
that stops with the tests. Every page is loaded in Chromium, and every request
that would leave the machine is blocked and reported. Each page must load
without a console error, render its maths (MathJax from the site itself: no
raw TeX, no TeX error), load every image, and link only to pages and anchors
that exist. No file of the site may contain solution code or a hidden test:
every line between the BEGIN/END SOLUTION and BEGIN/END HIDDEN TESTS markers
of solutions/ that the published lectures and exercises do not show anyway is
looked for in the text of every page and every file the site ships.
Screenshots of the home page and a lecture go to test-artifacts/.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import os
import re
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from _chromium import CHROMIUM, CHROMIUM_ARGS
from conftest import skip_or_fail_without

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
REPOSITORY_URL = "https://github.com/example-org/nn-course"
MIN_SECRET_CHARS = 20  # shorter lines ("return out", "dx = ...") say nothing on their own
BEGIN = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")
END = ("### END SOLUTION", "### END HIDDEN TESTS")
TEXT_SUFFIXES = {".html", ".js", ".json", ".txt", ".md", ".ipynb", ".inv", ".css"}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


# -- building and serving ---------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """`make site` into a fresh folder; the build must be free of warnings."""
    out = tmp_path_factory.mktemp("site") / "site"
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    result = subprocess.run(
        ["make", "--no-print-directory", "site", f"SITE={out}", f"REPOSITORY_URL={REPOSITORY_URL}"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, f"make site failed:\n{result.stdout}\n{result.stderr}"
    assert "WARNING" not in result.stderr, result.stderr
    return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that leaves a page mid-download closes its connection: not an error."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def served(site) -> str:
    """The site on http://127.0.0.1:PORT, stopped after the tests (or after 10 minutes)."""
    server = SiteServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    watchdog = threading.Timer(600, server.shutdown)
    watchdog.daemon = True
    watchdog.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        watchdog.cancel()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert not thread.is_alive(), "the site's server outlived the tests"


# -- what must never be published ---------------------------------------------------

def normalise(text: str) -> str:
    return " ".join(text.split())


def cell_lines(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    lines = []
    for cell in notebook["cells"]:
        source = cell["source"]
        lines += ("".join(source) if isinstance(source, list) else source).splitlines()
    return lines


def secret_lines() -> dict[str, set[str]]:
    """Per solution notebook: its solution and hidden-test lines that nothing public shows.

    Public are the lectures (code and outputs: a lecture may print the reference
    implementation it teaches) and the released exercises (their visible tests).
    """
    public = "\n".join(
        text_of(path)
        for path in [*REPO.glob("notebooks/*.ipynb"), *REPO.glob("exercises/*.ipynb")]
    )
    secrets = {}
    for path in sorted(REPO.glob("solutions/*.ipynb")):
        found, inside = set(), False
        for line in cell_lines(path):
            if any(marker in line for marker in BEGIN):
                inside = True
            elif any(marker in line for marker in END):
                inside = False
            elif inside and len(normalise(line)) >= MIN_SECRET_CHARS:
                found.add(normalise(line))
        secrets[path.name] = {line for line in found if line not in public}
    return secrets


class TextOf(html.parser.HTMLParser):
    """The text of an HTML page (tags dropped, entities decoded), as a reader sees it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(path: Path) -> str | None:
    """The text of one file of the site (None for a binary file)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix == ".html":
        parser = TextOf()
        parser.feed(raw)
        return normalise("".join(parser.parts)) + "\n" + normalise(raw)
    if path.suffix == ".ipynb":
        try:
            notebook = json.loads(raw)
        except json.JSONDecodeError:
            return normalise(raw)
        text = []
        for cell in notebook.get("cells", []):
            text += [normalise(line) for line in cell_lines_of(cell)]
            for output in cell.get("outputs", []):
                for value in [output.get("text", ""), *output.get("data", {}).values()]:
                    value = "".join(value) if isinstance(value, list) else str(value)
                    text += [normalise(line) for line in value.splitlines()]
        return "\n".join(text)
    return normalise(raw)


def cell_lines_of(cell: dict) -> list[str]:
    source = cell.get("source", "")
    return ("".join(source) if isinstance(source, list) else source).splitlines()


def leaks(texts: dict[str, str], secrets: dict[str, set[str]]) -> list[str]:
    return [
        f"{name}: a line of solutions/{solution} is published: {line!r}"
        for name, text in texts.items()
        for solution, lines in secrets.items()
        for line in sorted(lines)
        if line in text
    ]


def site_texts(site: Path) -> dict[str, str]:
    """Every text file the site ships except the theme's and MathJax's own assets."""
    texts = {}
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if path.is_file() and not relative.startswith("_static/") \
                and path.suffix in TEXT_SUFFIXES | {""}:
            text = text_of(path)
            if text is not None:
                texts[relative] = text
    return texts


def test_the_secret_lines_are_found_in_every_solution_notebook():
    secrets = secret_lines()
    assert secrets, "no solution notebooks: nothing to check"
    for name, lines in secrets.items():
        assert lines, f"solutions/{name}: no solution or hidden-test line to look for"


def test_the_leak_check_finds_a_solution_line_even_when_highlighted(tmp_path):
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    secrets = secret_lines()
    solution, lines = next(iter(secrets.items()))
    line = sorted(lines)[0]
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Lecture</p>"
                    + highlight(line, PythonLexer(), HtmlFormatter()) + "</body></html>")
    assert leaks({"page.html": text_of(page)}, secrets) == [
        f"page.html: a line of solutions/{solution} is published: {line!r}"
    ]


def test_no_file_of_the_site_contains_solution_code_or_hidden_tests(site):
    texts = site_texts(site)
    assert any(name.startswith("exercises/") for name in texts)
    found = leaks(texts, secret_lines())
    assert not found, "\n".join(found[:20])


# -- the structure of the site ----------------------------------------------------

def test_every_lecture_and_exercise_has_a_page_and_solutions_have_none(site):
    for folder in ("notebooks", "exercises"):
        for notebook in REPO.glob(f"{folder}/*.ipynb"):
            assert (site / folder / f"{notebook.stem}.html").is_file(), notebook
    assert not (site / "solutions").exists()
    assert not list(site.rglob("*solutions*")), list(site.rglob("*solutions*"))
    assert (site / "index.html").is_file() and (site / "website" / "index.html").is_file()


def test_chapters_without_a_notebook_are_listed_in_preparation_not_linked(site):
    from course_site.readme import chapters

    home = (site / "website" / "index.html").read_text(encoding="utf-8")
    for chapter in chapters(REPO):
        if chapter.ready:
            assert f'href="../{chapter.notebook[:-len(".ipynb")]}.html"' in home, chapter
        else:
            row = re.search(rf"<td><p>{chapter.number}</p></td>\s*<td><p>(.*?)</p></td>", home)
            assert row and "in preparation" in row.group(1) and "href" not in row.group(1)
            assert f"<li>{chapter.number} {chapter.title}</li>" in home


def test_every_notebook_page_has_a_run_it_box_with_its_binder_link(site):
    for folder in ("notebooks", "exercises"):
        for notebook in REPO.glob(f"{folder}/*.ipynb"):
            path = site / folder / f"{notebook.stem}.html"
            page, text = path.read_text(encoding="utf-8"), text_of(path)
            assert "course-run-it" in page and "make lab" in text
            binder = (f"https://mybinder.org/v2/gh/example-org/nn-course/main"
                      f"?labpath={folder}%2F{notebook.name}")
            assert f'href="{binder}"' in page, f"{notebook}: no Binder link {binder}"
            if folder == "exercises":
                assert f"course check {folder}/{notebook.name}" in text


def test_notebook_headings_have_their_github_anchors_so_ipynb_links_resolve(site):
    """myst_heading_anchors: `03_backpropagation.ipynb#2-from-numbers-to-arrays` works.

    Headings with maths are left out: MyST drops the maths from their anchors
    (`3-the-linear-layer-`) where GitHub keeps it.
    """
    from myst_parser.slugs import github_slugify

    checked = 0
    for folder in ("notebooks", "exercises"):
        for notebook in REPO.glob(f"{folder}/*.ipynb"):
            ids = page_ids((site / folder / f"{notebook.stem}.html").read_text(encoding="utf-8"))
            cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            for cell in cells:
                if cell["cell_type"] != "markdown":
                    continue
                for line in cell_lines_of(cell):
                    heading = re.match(r"#{1,3}\s+(.*)", line)
                    if heading and "$" not in heading.group(1):
                        slug = github_slugify(heading.group(1))
                        assert slug in ids, f"{notebook.name}: no anchor #{slug}"
                        checked += 1
    assert checked > 20


def test_every_page_loads_mathjax_and_everything_else_from_the_site(site):
    for name in html_pages(site):
        page = site / name
        text = page.read_text(encoding="utf-8")
        for tag, attribute in re.findall(r"<(script|link|img)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"",
                                         text):
            assert not re.match(r"^(https?:)?//", attribute), f"{page}: {tag} loads {attribute}"
        if "class=\"math" in text:
            assert "_static/mathjax/tex-mml-chtml.js" in text, page


# -- in a real browser ------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        skip_or_fail_without(f"Chromium ({CHROMIUM})",
                             "install the Debian package: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail_without("Playwright for Python", "install the course's test extra: make setup")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


WAIT_FOR_MATHJAX = """async () => {
    if (!document.querySelector('.math')) return 'no maths';
    for (let i = 0; i < 100 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
        await new Promise(r => setTimeout(r, 100));
    if (!(window.MathJax && MathJax.startup)) return 'MathJax did not load';
    await MathJax.startup.promise;
    return 'MathJax ' + MathJax.version;
}"""

CHECK_PAGE = """async () => {
    const images = [...document.images];
    for (const img of images) img.loading = 'eager';
    await Promise.all(images.map(img => img.decode().catch(() => null)));
    const maths = [...document.querySelectorAll('.math')];
    return {
        brokenImages: images.filter(img => !(img.complete && img.naturalWidth > 0))
                            .map(img => img.getAttribute('src')),
        unrendered: maths.filter(m => !m.querySelector('mjx-container'))
                         .map(m => m.textContent.slice(0, 60)),
        texErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent),
        text: document.body.innerText,
        links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    };
}"""


def html_pages(site: Path) -> list[str]:
    """The site's pages (the theme's _static/ holds template fragments, not pages)."""
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith("_static/")
    )


def page_ids(html_text: str) -> set[str]:
    return set(re.findall(r"\bid=\"([^\"]+)\"", html_text))


@pytest.mark.timeout(300)
def test_every_page_in_chromium(site, served, browser):
    pages = html_pages(site)
    secrets = secret_lines()
    problems: list[str] = []
    outside: list[str] = []
    fetched: dict[str, str | None] = {}

    def fetch(url: str) -> str | None:
        if url not in fetched:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    fetched[url] = response.read().decode("utf-8", errors="replace")
            except (urllib.error.URLError, OSError):
                fetched[url] = None
        return fetched[url]

    def route(route_, request):
        if request.url.startswith(served + "/"):
            route_.continue_()
        else:
            outside.append(request.url)
            route_.abort()

    context = browser.new_context(viewport={"width": 1300, "height": 900})
    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for name in pages:
            errors.clear()
            page.goto(f"{served}/{name}", wait_until="load")
            if name == "index.html":  # the site's address leads to the home page
                page.wait_for_url(f"{served}/website/index.html")
                problems += [f"{name}: console: {e}" for e in errors]
                continue
            mathjax = page.evaluate(WAIT_FOR_MATHJAX)
            result = page.evaluate(CHECK_PAGE)
            if mathjax == "MathJax did not load" or (mathjax != "no maths"
                                                     and not mathjax.startswith("MathJax 3")):
                problems.append(f"{name}: {mathjax}")
            problems += [f"{name}: console: {e}" for e in errors]
            problems += [f"{name}: image not loaded: {src}" for src in result["brokenImages"]]
            problems += [f"{name}: maths not rendered: {m!r}" for m in result["unrendered"]]
            problems += [f"{name}: TeX error: {e!r}" for e in result["texErrors"]]
            if "$$" in result["text"]:
                problems.append(f"{name}: raw $$ in the text")
            problems += leaks({name: normalise(result["text"])}, secrets)
            for link in result["links"]:
                target, fragment = urldefrag(link)
                if not target.startswith(served + "/"):
                    continue
                body = fetch(target)
                if body is None:
                    problems.append(f"{name}: broken link {link}")
                elif fragment and urlsplit(target).path.endswith(".html") \
                        and fragment not in page_ids(body):
                    problems.append(f"{name}: link to a missing anchor {link}")
            if name == "website/index.html":
                page.screenshot(path=str(ARTIFACTS / "site_home.png"))
            elif name == "notebooks/03_backpropagation.html":
                page.screenshot(path=str(ARTIFACTS / "site_lecture_03.png"))
    finally:
        context.close()
    problems += [f"a request left the machine: {url}" for url in outside]
    assert len(pages) >= 10
    assert not problems, "\n".join(problems[:40])
