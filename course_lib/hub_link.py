"""An nbgitpuller link: one click gives each learner on a JupyterHub their copy of the course.

nbgitpuller (installed in the hub's user image) serves ``/hub/user-redirect/git-pull``:
the first click clones the repository into the learner's home, later clicks
pull what changed and merge it without touching the learner's own edits, and
then the notebook opens. The link follows nbgitpuller's documented URL format
(the one its link generator writes)::

    HUB/hub/user-redirect/git-pull?repo=REPO&urlpath=lab/tree/FOLDER/FILE&branch=BRANCH

where FOLDER is the folder nbgitpuller clones into: the last part of the
repository's URL. Used by ``course link`` (instructor guide, "JupyterHub"); taught
in no notebook.
"""

from __future__ import annotations

import argparse
import re
from pathlib import PurePosixPath
from urllib.parse import urlencode, urlsplit

GIT_URL = re.compile(r"^((git|https?|ssh)://.+|git@.+:.+)$")


def _check_hub(hub: str) -> str:
    parts = urlsplit(hub.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"--hub must be the hub's address, like https://hub.example.org; got {hub!r}"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"--hub must not carry a query or a fragment; got {hub!r}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _check_repo(repo: str) -> str:
    repo = repo.strip().rstrip("/")
    if not GIT_URL.match(repo) or not repo.rsplit("/", 1)[-1].rsplit(":", 1)[-1]:
        raise ValueError(
            f"--repo must be a git URL, like https://github.com/ORG/REPO; got {repo!r}"
        )
    return repo


def _check_path(path: str) -> str:
    pure = PurePosixPath(path)
    if not path or pure.is_absolute() or ".." in pure.parts or "\\" in path:
        raise ValueError(
            f"--open must be a path inside the repository, like notebooks/00_start_here.ipynb; "
            f"got {path!r}"
        )
    return str(pure)


def clone_folder(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into: the last part of its URL, ``.git`` dropped."""
    return _check_repo(repo).rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")


def nbgitpuller_link(hub: str, repo: str, *, branch: str = "main",
                     open_path: str = "notebooks/00_start_here.ipynb") -> str:
    """The nbgitpuller link that opens ``open_path`` of ``repo`` in JupyterLab on ``hub``.

    Raises ValueError, naming the option, for a hub that is not an http(s)
    address, a repository that is not a git URL, an empty branch or a path
    that leaves the repository.

    >>> nbgitpuller_link("https://hub.example.org", "https://github.com/org/nn-course")
    'https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Forg%2Fnn-course&urlpath=lab%2Ftree%2Fnn-course%2Fnotebooks%2F00_start_here.ipynb&branch=main'
    """
    hub = _check_hub(hub)
    repo = _check_repo(repo)
    if not branch or not branch.strip() or any(c.isspace() for c in branch):
        raise ValueError(f"--branch must name a branch; got {branch!r}")
    path = _check_path(open_path)
    folder = clone_folder(repo)
    params = {"repo": repo, "urlpath": f"lab/tree/{folder}/{path}", "branch": branch}
    if repo.rsplit("/", 1)[-1].endswith(".git"):
        # nbgitpuller would clone into "NAME.git"; name the folder the link opens.
        params["targetPath"] = folder
    return f"{hub}hub/user-redirect/git-pull?{urlencode(params)}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hub", required=True, help="the JupyterHub, e.g. https://hub.example.org")
    parser.add_argument("--repo", required=True,
                        help="the course's git repository, e.g. https://github.com/ORG/REPO")
    parser.add_argument("--branch", default="main", help="the branch to pull (default %(default)s)")
    parser.add_argument("--open", dest="open_path", default="notebooks/00_start_here.ipynb",
                        metavar="PATH", help="the file that opens (default %(default)s)")


def run(args: argparse.Namespace) -> int:
    print(nbgitpuller_link(args.hub, args.repo, branch=args.branch, open_path=args.open_path))
    return 0
