"""`course link`: nbgitpuller links in nbgitpuller's documented URL format."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from course_lib.cli import main
from course_lib.hub_link import clone_folder, nbgitpuller_link

ROOT = Path(__file__).resolve().parents[2]


def test_the_link_opens_the_notebook_in_jupyterlab_inside_the_cloned_folder():
    url = nbgitpuller_link("https://hub.example.org", "https://github.com/org/nn-course",
                           branch="main", open_path="notebooks/00_start_here.ipynb")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("https", "hub.example.org")
    assert parts.path == "/hub/user-redirect/git-pull"
    # The order nbgitpuller's link generator writes: repo, urlpath, branch.
    assert parse_qsl(parts.query) == [
        ("repo", "https://github.com/org/nn-course"),
        ("urlpath", "lab/tree/nn-course/notebooks/00_start_here.ipynb"),
        ("branch", "main"),
    ]


def test_the_query_is_form_encoded_as_the_link_generator_does():
    url = nbgitpuller_link("https://hub.example.org/", "https://github.com/org/nn-course")
    query = urlsplit(url).query
    assert "repo=https%3A%2F%2Fgithub.com%2Forg%2Fnn-course" in query
    assert "urlpath=lab%2Ftree%2Fnn-course%2Fnotebooks%2F00_start_here.ipynb" in query
    assert not re.search(r"[/:]", query), "every / and : of a value is escaped"


def test_a_hub_under_a_path_keeps_its_path():
    url = nbgitpuller_link("https://example.org/jupyter", "https://github.com/org/nn-course")
    assert url.startswith("https://example.org/jupyter/hub/user-redirect/git-pull?")


def test_a_repository_ending_in_dot_git_gets_the_folder_the_link_opens():
    url = nbgitpuller_link("https://hub.example.org", "https://github.com/org/nn-course.git",
                           open_path="exercises/01_xor.ipynb")
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["urlpath"] == "lab/tree/nn-course/exercises/01_xor.ipynb"
    assert query["targetPath"] == "nn-course"
    assert clone_folder("git@github.com:org/nn-course.git") == "nn-course"


@pytest.mark.parametrize("hub, repo, branch, path, option", [
    ("hub.example.org", "https://github.com/org/r", "main", "a.ipynb", "--hub"),
    ("ftp://hub.example.org", "https://github.com/org/r", "main", "a.ipynb", "--hub"),
    ("https://hub.example.org/?x=1", "https://github.com/org/r", "main", "a.ipynb", "--hub"),
    ("https://hub.example.org", "github.com/org/r", "main", "a.ipynb", "--repo"),
    ("https://hub.example.org", "https://github.com/org/r", "", "a.ipynb", "--branch"),
    ("https://hub.example.org", "https://github.com/org/r", "my branch", "a.ipynb", "--branch"),
    ("https://hub.example.org", "https://github.com/org/r", "main", "/etc/passwd", "--open"),
    ("https://hub.example.org", "https://github.com/org/r", "main", "../x.ipynb", "--open"),
    ("https://hub.example.org", "https://github.com/org/r", "main", "", "--open"),
])
def test_bad_input_names_the_option(hub, repo, branch, path, option):
    with pytest.raises(ValueError, match=re.escape(option)):
        nbgitpuller_link(hub, repo, branch=branch, open_path=path)


def test_the_command_prints_the_link(capsys):
    status = main(["link", "--hub", "https://hub.example.org",
                   "--repo", "https://github.com/org/nn-course", "--branch", "main",
                   "--open", "notebooks/00_start_here.ipynb"])
    assert status == 0
    assert capsys.readouterr().out.strip() == nbgitpuller_link(
        "https://hub.example.org", "https://github.com/org/nn-course")


def test_the_command_reports_bad_input_with_exit_status_2(capsys):
    assert main(["link", "--hub", "nowhere", "--repo", "https://github.com/org/r"]) == 2
    assert "course link: error: --hub must be the hub's address" in capsys.readouterr().err


def test_the_instructor_guide_shows_what_the_command_prints():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text()
    command = re.search(r"```bash\n(course link .*?)\n```", guide, re.DOTALL).group(1)
    shown = re.search(r"```\n(https://\S+git-pull\S+)\n```", guide).group(1)
    arguments = command.replace("\\\n", " ").split()[2:]
    printed = subprocess.run(
        [sys.executable, "-m", "course_lib.cli", "link", *arguments],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert printed == shown
