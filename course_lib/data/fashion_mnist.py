"""Fashion-MNIST: find it, or download it, and verify it before use.

Shown in notebooks/00_start_here.ipynb; taught in
notebooks/10_pytorch_fashion_mnist.ipynb. ``make data`` runs
this module::

    python -m course_lib.data.fashion_mnist [--root DIR] [--no-download]

Where the data is looked for, in this order (the first location holding a
verified copy wins):

1. the ``root`` argument, if given;
2. the folder named by the ``COURSE_DATA_DIR`` environment variable, if set
   (give an absolute path: a relative one depends on the current folder, which
   differs between a notebook and a terminal);
3. the user cache, ``$XDG_CACHE_HOME/nn-course`` (``~/.cache/nn-course`` by default);
4. the Debian/Ubuntu package ``dataset-fashion-mnist``
   (``/usr/share/datasets/fashion-mnist``, see ``SYSTEM_DIRS``), unless the
   ``COURSE_IGNORE_SYSTEM_DATA`` environment variable is set to ``1``, which
   makes the machine look as if the package were not installed (the tests of
   the missing-data path use it);
5. only then a download, into ``root`` if given, else ``COURSE_DATA_DIR`` if
   set, else the user cache.

Each folder holds the four files of the official distribution
(``train-images-idx3-ubyte.gz`` ...); uncompressed files of the same name
without ``.gz`` are accepted too. Every file is verified before use: it must
decompress, be a well-formed IDX file of the right kind (magic number, shape,
length) and its *decompressed* content must have the expected SHA-256
(repackagers such as Debian rewrite the gzip headers, so the ``.gz`` bytes may
differ while the data is identical).

A bad file (truncated, an HTML error page, wrong kind, wrong checksum) is never
used and never deleted or overwritten: it is reported (a
``FashionMNISTWarning`` naming the file and the fix) and the search goes on
to the next location. When nothing usable is found, the ``FashionMNISTError``
lists every location tried, what was wrong with each, and how to get the data.

A download goes to a temporary file in the target folder, is verified, and only
then renamed to its final name; whatever happens, no partial file is left.
The HTTP transfer is done by pooch's ``HTTPDownloader`` (on top of requests);
the verification is done here because it is on the decompressed content,
which pooch's hash check (on the downloaded bytes) cannot express.

There is no in-process cache: loading the training set (decompress, parse,
verify) takes a fraction of a second, and each call returns fresh, writable
arrays that the caller owns.

Its errors, warnings and lookup helpers are taught in no notebook.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import sys
import tempfile
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib import checks
from course_lib.data.idx import IMAGES_MAGIC, LABELS_MAGIC, IDXFormatError, parse_idx

FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

#: The (images, labels) files of each split, without the ``.gz`` suffix.
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

#: SHA-256 of the decompressed IDX files.
SHA256 = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}

#: Where the files are published: the official mirror, then the project's GitHub copy.
OFFICIAL_MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)
#: Download mirrors, tried in order (tests point this at a local server).
MIRRORS = OFFICIAL_MIRRORS

#: Folders where system packages install the data (Debian/Ubuntu: dataset-fashion-mnist).
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
SYSTEM_DIRS = (DEBIAN_DIR,)

ENV_VAR = "COURSE_DATA_DIR"
#: Set to "1" to skip ``SYSTEM_DIRS``, as on a machine without the Debian package.
IGNORE_SYSTEM_ENV_VAR = "COURSE_IGNORE_SYSTEM_DATA"
CACHE_NAME = "nn-course"
DEBIAN_PACKAGE = "dataset-fashion-mnist"

#: Seconds to wait for a connection (short, so that "no network" fails fast) and
#: between two chunks of data once connected.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0

IMAGE_SHAPE = (28, 28)


class FashionMNISTError(RuntimeError):
    """Fashion-MNIST could not be found, downloaded or stored; the message says how to fix it."""


class FashionMNISTWarning(UserWarning):
    """A bad Fashion-MNIST file was found and skipped (not used, not deleted)."""


class BadDataFile(ValueError):
    """A data file exists but cannot be used: ``path`` and ``problem`` say why."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


@dataclass(frozen=True)
class Location:
    """A folder where Fashion-MNIST is looked for, and why it is on the list."""

    source: str
    directory: Path

    def __str__(self) -> str:
        return f"{self.source} ({self.directory})"


@dataclass(frozen=True)
class _Found:
    location: Location
    images: np.ndarray
    labels: np.ndarray
    files: tuple[Path, Path]


def user_cache_dir() -> Path:
    """The user cache: ``$XDG_CACHE_HOME/nn-course``, by default ``~/.cache/nn-course``.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / CACHE_NAME


def lookup_locations(root=None) -> list[Location]:
    """The folders searched for Fashion-MNIST, in order (see the module docstring).

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    locations = []
    if root is not None:
        root = checks.path(root, "root", "load_fashion_mnist")
        locations.append(Location("the root argument", root))
    env = os.environ.get(ENV_VAR, "")
    if env:
        locations.append(Location(ENV_VAR, Path(env).expanduser()))
    locations.append(Location("the user cache", user_cache_dir()))
    if os.environ.get(IGNORE_SYSTEM_ENV_VAR, "") != "1":
        locations += [Location(f"the {DEBIAN_PACKAGE} package", Path(d)) for d in SYSTEM_DIRS]
    unique, seen = [], set()
    for location in locations:
        key = os.path.abspath(location.directory)
        if key not in seen:
            seen.add(key)
            unique.append(location)
    return unique


def load_fashion_mnist(
    split: str = "train",
    root=None,
    download: bool = True,
    *,
    checksums: dict[str, str] | None = None,
    mirrors: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Load a split of Fashion-MNIST, verified, from the first location that has it.

    Shown in notebooks/00_start_here.ipynb; taught in
    notebooks/10_pytorch_fashion_mnist.ipynb. The lookup
    order, the verification and the download are described in the module docstring.

    Args:
        split: ``"train"`` (60,000 images) or ``"test"`` (10,000 images).
        root: a folder to look in first (and to download into).
        download: download the data when no location has it.
        checksums: expected SHA-256 of the decompressed files, by file name
            (``"train-images-idx3-ubyte"``, with or without ``.gz``); the
            given entries replace the official ones (tests use small files).
        mirrors: base URLs to download from, tried in order (default ``MIRRORS``).

    Returns:
        ``(images, labels)``: ``images`` uint8 of shape (N, 28, 28), pixel
        values 0-255; ``labels`` uint8 of shape (N,), values 0-9 indexing
        ``FASHION_MNIST_CLASSES``. Both are fresh writable arrays.

    Raises:
        FashionMNISTError: the data is nowhere to be found and could not be
            downloaded, or the download folder cannot be created; the message
            lists what was tried and how to get the data.

    Example:
        >>> images, labels = load_fashion_mnist("test")
        >>> images.shape, images.dtype, FASHION_MNIST_CLASSES[labels[0]]
        ((10000, 28, 28), dtype('uint8'), 'Ankle boot')
    """
    found = _load(split, root, download, checksums=checksums, mirrors=mirrors)
    return found.images, found.labels


def find_fashion_mnist(root=None, *, checksums: dict[str, str] | None = None) -> Path | None:
    """The first folder, in lookup order, holding all four files verified; None if none does.

    Never downloads. Used by the doctor (``python -m course_lib.doctor``), which
    chapter 00 runs.
    """
    expected = _expected_checksums(checksums)
    for location in lookup_locations(root):
        try:
            for split in FILES:
                _load_from(location, split, expected)
        except (_Missing, BadDataFile):
            continue
        return location.directory
    return None


def how_to_get_data() -> str:
    """A learner's instructions to get Fashion-MNIST, with and without network.

    Shown by the doctor, which chapter 00 runs, when the data is missing.
    """
    names = [name + ".gz" for pair in FILES.values() for name in pair]
    urls = "\n".join(f"        {OFFICIAL_MIRRORS[0].rstrip('/')}/{name}" for name in names)
    other = "".join(f"\n      (or from {m})" for m in OFFICIAL_MIRRORS[1:])
    return (
        "How to get Fashion-MNIST (any one of these):\n"
        f"  * With network: run `make data` in the course folder (it downloads and verifies\n"
        f"    the data into {user_cache_dir()}).\n"
        f"  * On Debian/Ubuntu: sudo apt-get install {DEBIAN_PACKAGE}\n"
        f"    (it installs the files in {DEBIAN_DIR}).\n"
        "  * By hand, e.g. on another machine: download these four files\n"
        f"{urls}{other}\n"
        f"    put them in a folder and set {ENV_VAR} to that folder before starting\n"
        f"    JupyterLab (export {ENV_VAR}=/path/to/folder), or copy them into {user_cache_dir()}."
    )


# --- lookup -------------------------------------------------------------------


class _Missing(Exception):
    """A location lacks some of the files (not an error: the search goes on)."""


def _load(split, root, download, *, checksums, mirrors) -> _Found:
    checks.choice(split, tuple(FILES), "split", "load_fashion_mnist")
    checks.boolean(download, "download", "load_fashion_mnist")
    expected = _expected_checksums(checksums)
    mirrors = _validate_mirrors(mirrors)
    tried: list[tuple[Location, str]] = []
    bad: list[BadDataFile] = []
    for location in lookup_locations(root):
        try:
            found = _load_from(location, split, expected)
        except _Missing as missing:
            tried.append((location, str(missing)))
            continue
        except BadDataFile as error:
            tried.append((location, f"{error.path.name} is bad: {error.problem}"))
            bad.append(error)
            _warn_bad_file(error)
            continue
        return found
    if not download:
        raise FashionMNISTError(_not_found_message(split, tried, None, bad))
    target = Location("the download folder", _download_dir(root))
    _prepare_download_dir(target.directory)
    download_errors = _download_split(target.directory, split, expected, mirrors, bad)
    if download_errors:
        raise FashionMNISTError(_not_found_message(split, tried, download_errors, bad))
    try:
        return _load_from(target, split, expected)
    except (_Missing, BadDataFile) as error:  # e.g. a good file next to a new one of another size
        raise FashionMNISTError(
            f"The files in {target.directory} do not form a usable {split} split: {error}"
        ) from error


def _load_from(location: Location, split: str, expected: dict[str, str]) -> _Found:
    images_name, labels_name = FILES[split]
    paths = [_existing_file(location.directory, name) for name in (images_name, labels_name)]
    missing = [name + ".gz" for name, path in zip(FILES[split], paths, strict=True) if not path]
    if not location.directory.is_dir():
        raise _Missing("the folder does not exist")
    if missing:
        raise _Missing("no " + " or ".join(missing))
    images = read_verified(paths[0], IMAGES_MAGIC, expected[images_name])
    labels = read_verified(paths[1], LABELS_MAGIC, expected[labels_name])
    if len(images) != len(labels):
        raise BadDataFile(
            paths[1],
            f"it holds {len(labels):,} labels but {paths[0].name} holds {len(images):,} images; "
            "the two files do not belong together",
        )
    return _Found(location, images, labels, (paths[0], paths[1]))


def _existing_file(directory: Path, name: str) -> Path | None:
    for candidate in (directory / (name + ".gz"), directory / name):
        if candidate.is_file():
            return candidate
    return None


def read_verified(
    path: Path, magic: int, sha256: str, *, gzipped: bool | None = None
) -> np.ndarray:
    """Read one Fashion-MNIST file (``.gz`` or uncompressed IDX) and verify it.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.

    Args:
        path: the file.
        magic: ``IMAGES_MAGIC`` (2051) or ``LABELS_MAGIC`` (2049).
        sha256: expected SHA-256 of the decompressed content.
        gzipped: whether the file is gzip-compressed; by default, when its name ends in ``.gz``.

    Returns:
        A writable uint8 array: images (N, 28, 28) or labels (N,).

    Raises:
        BadDataFile: the file cannot be read, is not gzip, is truncated, is an
            HTML page, is not the right IDX file or fails the checksum.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BadDataFile(path, f"it cannot be read ({error.strerror or error})") from error
    if _looks_like_html(raw):
        raise BadDataFile(path, "it is a web page (HTML), not data; a download saved an error page")
    if path.suffix == ".gz" if gzipped is None else gzipped:
        raw = _gunzip(path, raw)
        if _looks_like_html(raw):
            raise BadDataFile(path, "it holds a web page (HTML), not data")
    try:
        array = parse_idx(raw, expected_magic=magic)
    except IDXFormatError as error:
        raise BadDataFile(path, str(error)) from error
    if magic == IMAGES_MAGIC and array.shape[1:] != IMAGE_SHAPE:
        raise BadDataFile(path, f"its images are {array.shape[1:]}, expected {IMAGE_SHAPE}")
    if array.dtype != np.uint8:
        raise BadDataFile(path, f"its values are {array.dtype}, expected uint8")
    if magic == LABELS_MAGIC and array.size and array.max() >= len(FASHION_MNIST_CLASSES):
        raise BadDataFile(path, f"it holds label {array.max()}, but labels go from 0 to 9")
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        raise BadDataFile(
            path,
            f"its decompressed content has SHA-256 {digest[:16]}..., expected {sha256[:16]}...; "
            "the file is corrupt or is not the official Fashion-MNIST",
        )
    return array.copy()


def _gunzip(path: Path, raw: bytes) -> bytes:
    try:
        return gzip.decompress(raw)
    except EOFError as error:
        raise BadDataFile(path, "it is truncated (the gzip stream ends too early)") from error
    except gzip.BadGzipFile as error:
        raise BadDataFile(path, f"it is not a gzip file ({error})") from error
    except zlib.error as error:
        raise BadDataFile(path, f"its gzip data is corrupt ({error})") from error


def _looks_like_html(raw: bytes) -> bool:
    head = raw[:512].lstrip().lower()
    return head.startswith(b"<") and (b"<html" in head or b"<!doctype" in head or b"<?xml" in head)


def _fix_for(path: Path) -> str:
    if any(Path(path).parent == Path(d) for d in SYSTEM_DIRS):
        return f"reinstall the package: sudo apt-get install --reinstall {DEBIAN_PACKAGE}"
    return (
        f"delete it (rm '{path}') and run `make data` to get a verified copy, "
        f"or set {ENV_VAR} to a folder holding good files"
    )


def _warn_bad_file(error: BadDataFile) -> None:
    warnings.warn(
        f"Skipped {error.path}: {error.problem}. It was not used and not deleted. "
        f"To fix it, {_fix_for(error.path)}. Looking in the next location.",
        FashionMNISTWarning,
        stacklevel=4,
    )


def _not_found_message(split, tried, download_errors, bad) -> str:
    lines = [f"Fashion-MNIST ({split} split) is not available.", "", "Looked in:"]
    lines += [f"  - {location}: {reason}" for location, reason in tried]
    if not os.environ.get(ENV_VAR, ""):
        lines.append(f"  ({ENV_VAR} is not set)")
    if download_errors is None:
        lines += ["", "Nothing was downloaded (download=False)."]
    else:
        lines += ["", "Download failed:"]
        lines += [f"  - {url}: {reason}" for url, reason in download_errors]
    if bad:
        lines += ["", "Bad files were not used and not deleted. To fix them:"]
        lines += [f"  - {error.path}: {_fix_for(error.path)}" for error in bad]
    return "\n".join(lines + ["", how_to_get_data()])


# --- download ------------------------------------------------------------------


def _download_dir(root) -> Path:
    if root is not None:
        return checks.path(root, "root", "load_fashion_mnist")
    env = os.environ.get(ENV_VAR, "")
    return Path(env).expanduser() if env else user_cache_dir()


def _prepare_download_dir(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if not directory.is_dir():
            raise NotADirectoryError(f"{directory} is not a folder")
    except OSError as error:
        raise FashionMNISTError(
            f"Cannot create the folder to download Fashion-MNIST into: {directory}\n"
            f"({error.strerror or error}; is part of the path a file, or not writable?)\n"
            f"Set {ENV_VAR} to a folder you can write to, e.g. "
            f"export {ENV_VAR}=$HOME/nn-course-data, then run `make data` again.\n\n"
            + how_to_get_data()
        ) from error


def _download_split(directory, split, expected, mirrors, bad) -> list[tuple[str, str]]:
    """Download the missing files of ``split`` into ``directory``; return the failures."""
    from pooch import HTTPDownloader  # imported here: requests is slow to import

    downloader = HTTPDownloader(progressbar=True, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    magics = (IMAGES_MAGIC, LABELS_MAGIC)
    for name, magic in zip(FILES[split], magics, strict=True):
        existing = _existing_file(directory, name)
        if existing is not None:
            blocking = [error for error in bad if error.path == existing]
            if blocking:
                raise FashionMNISTError(
                    f"{existing} is bad ({blocking[0].problem}), and a new download would replace "
                    f"it, so nothing was downloaded.\nTo fix it, {_fix_for(existing)}."
                )
            continue
        errors = _download_file(downloader, directory, name, magic, expected[name], mirrors)
        if errors:
            return errors
    return []


def _download_file(downloader, directory, name, magic, sha256, mirrors) -> list[tuple[str, str]]:
    import requests

    errors = []
    final = directory / (name + ".gz")
    for mirror in mirrors:
        url = f"{mirror.rstrip('/')}/{name}.gz"
        try:
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".part")
        except OSError as error:
            raise FashionMNISTError(
                f"Cannot write into {directory} ({error.strerror or error}).\n"
                f"Set {ENV_VAR} to a folder you can write to and run `make data` again."
            ) from error
        os.close(handle)
        try:
            print(f"Downloading {url}", file=sys.stderr)
            downloader(url, temporary, None)
            read_verified(Path(temporary), magic, sha256, gzipped=True)
            os.replace(temporary, final)
            print(f"Verified and saved {final}", file=sys.stderr)
            return []
        except requests.RequestException as error:
            errors.append((url, _describe_request_error(error)))
        except BadDataFile as error:
            errors.append((url, f"the downloaded file was rejected: {error.problem}"))
        except OSError as error:  # e.g. the disk is full
            raise FashionMNISTError(
                f"Cannot write {final} ({error.strerror or error}); nothing was kept.\n"
                f"Free some disk space, or set {ENV_VAR} to another folder, and run `make data`."
            ) from error
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    return errors


def _describe_request_error(error) -> str:
    import requests

    if isinstance(error, requests.HTTPError) and error.response is not None:
        return f"the server answered HTTP {error.response.status_code} {error.response.reason}"
    if isinstance(error, requests.Timeout):
        return f"no answer within {CONNECT_TIMEOUT:g} s (connect) / {READ_TIMEOUT:g} s (read)"
    if isinstance(error, requests.exceptions.ChunkedEncodingError):
        return "the connection broke before the file was complete"
    if isinstance(error, requests.ConnectionError):
        reason = re.search(r"\[Errno -?\d+\][^'\")]*", str(error))
        detail = reason.group(0).strip() if reason else "no network, or the server is down"
        return f"could not connect ({detail})"
    return f"{type(error).__name__}: {error}"


# --- argument checks -------------------------------------------------------------


def _expected_checksums(checksums) -> dict[str, str]:
    expected = dict(SHA256)
    if checksums is None:
        return expected
    checks.instance(checksums, dict, "checksums (file name -> SHA-256)", "load_fashion_mnist")
    for name, digest in checksums.items():
        key = name.removesuffix(".gz") if isinstance(name, str) else name
        if key not in SHA256:
            raise ValueError(
                f"checksums has an unknown file name {name!r}; known: {sorted(SHA256)}"
            )
        checks.instance(digest, str, f"checksums[{name!r}]", "load_fashion_mnist")
        if not re.fullmatch(r"[0-9a-f]{64}", digest.lower()):
            raise ValueError(f"checksums[{name!r}] must be 64 hex digits (SHA-256), got {digest!r}")
        expected[key] = digest.lower()
    return expected


def _validate_mirrors(mirrors) -> tuple[str, ...]:
    if mirrors is None:
        return MIRRORS
    if isinstance(mirrors, str):
        mirrors = (mirrors,)
    if not np.iterable(mirrors):
        raise TypeError(f"mirrors must be a list of base URLs (strings), got {mirrors!r}")
    mirrors = tuple(mirrors)
    if not all(isinstance(m, str) for m in mirrors):
        raise TypeError(f"mirrors must be a list of base URLs (strings), got {mirrors!r}")
    if not mirrors or not all("://" in m for m in mirrors):
        raise ValueError(f"mirrors must be a non-empty list of base URLs, got {mirrors!r}")
    return mirrors


# --- make data -------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``make data``: find or download Fashion-MNIST, verify it, say where it is.

    Chapter 00 tells learners to run it. Returns the exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.data.fashion_mnist",
        description="Find or download Fashion-MNIST and verify it.",
    )
    parser.add_argument("--root", help="folder to look in first and to download into")
    parser.add_argument("--no-download", action="store_true", help="only look, never download")
    args = parser.parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FashionMNISTWarning)
        try:
            found = [
                _load(split, args.root, not args.no_download, checksums=None, mirrors=None)
                for split in FILES
            ]
        except FashionMNISTError as error:
            _print_warnings(caught)
            print(f"\n{error}", file=sys.stderr)
            return 1
    _print_warnings(caught)
    for split, item in zip(FILES, found, strict=True):
        print(f"Fashion-MNIST {split}: {len(item.images):,} images {item.images.shape[1:]} "
              f"from {item.location}")
        for path in item.files:
            print(f"  {path}  SHA-256 of the decompressed content verified")
    return 0


def _print_warnings(caught) -> None:
    for warning in caught:
        print(f"Note: {warning.message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
