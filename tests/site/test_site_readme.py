"""What the site takes from README.md: the syllabus, whole sections, rewritten links."""

import shutil
from pathlib import Path

import pytest
from course_site import readme

ROOT = Path(__file__).resolve().parents[2]

README = """# Course

## Two commands

```bash
## not a heading: inside a code block
make lab
```

### A subsection

Text with [a link](notebooks/00_start.ipynb) and `[code](not/a/link.md)`.

## Syllabus

| # | notebook | topics | time | exercise |
|---|----------|--------|------|----------|
| 00 | [Start here](notebooks/00_start.ipynb) | how it works | 15 min | - |
| 01 | XOR *(in preparation)* | a 2-2-1 network | 60 min | planned |
| 02 | Forward *(in preparation)* | layers | 60 min | planned |

## For learners

See [the exercise](exercises/01_xor.ipynb#task-1), [solutions](solutions/01_xor.ipynb),
[the web](https://example.org/x.md) and [above](#two-commands).
"""


def make_repository(tmp_path: Path, notebooks=(), exercises=()) -> Path:
    (tmp_path / "README.md").write_text(README)
    for folder, names in (("notebooks", notebooks), ("exercises", exercises)):
        (tmp_path / folder).mkdir()
        for name in names:
            (tmp_path / folder / name).write_text("{}")
    return tmp_path


def test_sections_end_at_the_next_heading_of_the_same_level_and_ignore_code_blocks():
    text = readme.section(README, "Two commands")
    assert text.startswith("## Two commands\n")
    assert "### A subsection" in text and "make lab" in text
    assert "## Syllabus" not in text and "| 00 |" not in text


def test_a_missing_section_is_an_error_that_lists_the_headings():
    with pytest.raises(ValueError, match="no section 'For teachers'.*For learners"):
        readme.section(README, "For teachers")


def test_anchors_are_github_slugs():
    assert readme.anchors(readme.section(README, "Two commands")) == [
        "two-commands", "a-subsection"
    ]


def test_a_chapter_is_linked_only_once_its_notebook_exists(tmp_path):
    root = make_repository(tmp_path, notebooks=["00_start.ipynb", "02_forward.ipynb"],
                           exercises=["02_forward.ipynb"])
    chapters = readme.chapters(root)
    assert [(c.number, c.title, c.ready) for c in chapters] == [
        ("00", "Start here", True), ("01", "XOR", False), ("02", "Forward", True)
    ]
    assert chapters[2].notebook == "notebooks/02_forward.ipynb"
    assert chapters[2].exercises == ["exercises/02_forward.ipynb"]
    assert chapters[1].notebook is None and chapters[1].exercises == []
    assert (chapters[1].topics, chapters[1].time) == ("a 2-2-1 network", "60 min")


def test_a_notebook_the_syllabus_does_not_list_yet_is_added_after_it(tmp_path):
    root = make_repository(tmp_path, notebooks=["00_start.ipynb", "11_sequences_rnn.ipynb"])
    chapters = readme.chapters(root)
    assert chapters[-1].number == "11" and chapters[-1].ready
    assert chapters[-1].title == "Sequences rnn"


def test_the_real_syllabus_lists_chapters_00_to_10_in_order():
    chapters = readme.chapters(ROOT)
    numbers = [c.number for c in chapters]
    assert numbers[:11] == [f"{n:02d}" for n in range(11)]
    for chapter in chapters:
        expected = sorted((ROOT / "notebooks").glob(f"{chapter.number}_*.ipynb"))
        assert chapter.ready == bool(expected), chapter
        assert chapter.exercises == [
            p.relative_to(ROOT).as_posix()
            for p in sorted((ROOT / "exercises").glob(f"{chapter.number}_*.ipynb"))
        ]


def test_a_readme_without_a_syllabus_table_is_an_error(tmp_path):
    (tmp_path / "README.md").write_text("# Course\n\n## Syllabus\n\nSoon.\n")
    with pytest.raises(ValueError, match="no table"):
        readme.chapters(tmp_path)


def test_rewrite_links_leaves_code_alone_and_can_drop_a_link():
    text = readme.section(README, "Two commands") + readme.section(README, "For learners")
    rewritten = readme.rewrite_links(
        text, lambda target: None if "solutions/" in target else "../" + target
    )
    assert "[a link](../notebooks/00_start.ipynb)" in rewritten
    assert "`[code](not/a/link.md)`" in rewritten
    assert "## not a heading: inside a code block" in rewritten
    assert "[solutions]" not in rewritten and "solutions," in rewritten
    assert "[the exercise](../exercises/01_xor.ipynb#task-1)" in rewritten


def test_is_relative_knows_urls_and_anchors():
    assert readme.is_relative("notebooks/a.ipynb")
    assert readme.is_relative("../README.md#x")
    assert not readme.is_relative("https://example.org")
    assert not readme.is_relative("mailto:someone@example.org")
    assert not readme.is_relative("#anchor")


def test_the_real_readme_has_every_section_the_site_shows():
    text = (ROOT / "README.md").read_text()
    for page in (ROOT / "website").glob("*.md"):
        for title in [line.split("readme ", 1)[1].removesuffix(" -->")
                      for line in page.read_text().splitlines()
                      if line.startswith("<!-- course: readme ")]:
            assert readme.section(text, title)


def test_copying_the_real_readme_keeps_the_parser_honest(tmp_path):
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "exercises").mkdir()
    assert not any(c.ready for c in readme.chapters(tmp_path))
