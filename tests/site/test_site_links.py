"""Binder and forge links, all built from the one repository URL."""

import pytest
from course_site import links


def test_binder_link_for_github_follows_binderhubs_v2_scheme():
    url = links.binder_url("https://github.com/org/nn-course", "main",
                           "notebooks/01_xor_from_scratch.ipynb")
    assert url == ("https://mybinder.org/v2/gh/org/nn-course/main"
                   "?labpath=notebooks%2F01_xor_from_scratch.ipynb")


def test_binder_link_ignores_a_trailing_slash_and_dot_git():
    for repository in ("https://github.com/org/nn-course/", "https://github.com/org/nn-course.git"):
        assert links.binder_url(repository, "main", "a.ipynb").startswith(
            "https://mybinder.org/v2/gh/org/nn-course/main?"
        )


def test_binder_link_for_gitlab_escapes_the_project_path():
    url = links.binder_url("https://gitlab.com/group/sub/nn-course", "dev", "a.ipynb")
    assert url == "https://mybinder.org/v2/gl/group%2Fsub%2Fnn-course/dev?labpath=a.ipynb"


def test_binder_link_for_any_other_git_server_escapes_the_url():
    url = links.binder_url("https://git.example.org/nn-course.git", "main", "a.ipynb",
                           binderhub="https://binder.example.org/")
    assert url == ("https://binder.example.org/v2/git/https%3A%2F%2Fgit.example.org%2F"
                   "nn-course.git/main?labpath=a.ipynb")


def test_file_links_point_at_the_branch():
    assert links.file_url("https://github.com/org/nn-course", "main", "solutions/01_xor.ipynb") \
        == "https://github.com/org/nn-course/blob/main/solutions/01_xor.ipynb"
    assert links.file_url("https://gitlab.com/org/nn-course", "main", "LICENSE") \
        == "https://gitlab.com/org/nn-course/-/blob/main/LICENSE"


@pytest.mark.parametrize("bad", ["", "github.com/org/repo", "ftp://example.org/repo",
                                 "https://github.com", "https://"])
def test_a_repository_url_that_is_not_one_is_refused_with_an_example(bad):
    with pytest.raises(ValueError, match="https://github.com/ORG/REPO"):
        links.check_repository_url(bad)
