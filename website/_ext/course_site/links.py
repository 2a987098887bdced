"""Links into the course's repository: a file on the forge, and a Binder launch.

Everything is built from one setting, the repository's URL (``make site
REPOSITORY_URL=https://github.com/ORG/REPO``), and its branch.
"""

from __future__ import annotations

from urllib.parse import quote, urlparse

DEFAULT_BINDERHUB = "https://mybinder.org"


def _forge(repository_url: str) -> tuple[str, str] | None:
    """("gh" or "gl", "owner/name") for a GitHub or GitLab URL, else None."""
    parsed = urlparse(repository_url)
    path = parsed.path.strip("/").removesuffix(".git")
    if parsed.netloc == "github.com" and path.count("/") == 1:
        return "gh", path
    if parsed.netloc == "gitlab.com" and path.count("/") >= 1:
        return "gl", path
    return None


def check_repository_url(repository_url: str) -> str:
    """The URL without a trailing slash; ValueError if it is not an http(s) URL."""
    url = repository_url.strip().rstrip("/")
    parsed = urlparse(url)
    if parsed.scheme not in ("https", "http") or not parsed.netloc or not parsed.path.strip("/"):
        raise ValueError(
            f"the repository URL must look like https://github.com/ORG/REPO, got {repository_url!r}"
        )
    return url


def binder_url(repository_url: str, branch: str, path: str,
               binderhub: str = DEFAULT_BINDERHUB) -> str:
    """A Binder link that builds the repository and opens ``path`` in JupyterLab.

    BinderHub's URL scheme: ``/v2/gh/OWNER/REPO/REF`` for GitHub,
    ``/v2/gl/OWNER%2FREPO/REF`` for GitLab and ``/v2/git/ESCAPED_URL/REF`` for
    any other git server; ``labpath`` names the file JupyterLab opens.
    """
    url = check_repository_url(repository_url)
    forge = _forge(url)
    if forge and forge[0] == "gh":
        spec = f"gh/{forge[1]}/{quote(branch, safe='')}"
    elif forge:
        spec = f"gl/{quote(forge[1], safe='')}/{quote(branch, safe='')}"
    else:
        spec = f"git/{quote(url, safe='')}/{quote(branch, safe='')}"
    return f"{binderhub.rstrip('/')}/v2/{spec}?labpath={quote(path, safe='')}"


def file_url(repository_url: str, branch: str, path: str) -> str:
    """The page of ``path`` on the forge (GitHub's and GitLab's ``blob`` pages)."""
    url = check_repository_url(repository_url).removesuffix(".git")
    forge = _forge(url)
    separator = "/-/blob/" if forge and forge[0] == "gl" else "/blob/"
    return f"{url}{separator}{quote(branch)}/{quote(path)}"
