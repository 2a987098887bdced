"""Fashion-MNIST loading on small IDX files written here: lookup order, bad files, downloads.

Every test runs with HOME, XDG_CACHE_HOME and the system-package folder moved into
tmp_path, COURSE_DATA_DIR unset and the default mirrors replaced by a closed local
port, so nothing touches the real cache, the real data or the network.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import socket
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest

import course_lib.data.fashion_mnist as fm
from course_lib.data.fashion_mnist import (
    FashionMNISTError,
    FashionMNISTWarning,
    find_fashion_mnist,
    load_fashion_mnist,
)

NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    """An IDX file written by hand (independently of the parser under test)."""
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def make_split(n: int, seed: int):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    return images, labels


DATA = {"train": make_split(12, seed=1), "test": make_split(5, seed=2)}
CONTENT = {}  # file name -> decompressed IDX bytes
for _split, (_images, _labels) in DATA.items():
    CONTENT[NAMES[_split][0]] = idx_bytes(_images, 2051)
    CONTENT[NAMES[_split][1]] = idx_bytes(_labels, 2049)
CHECKSUMS = {name: hashlib.sha256(content).hexdigest() for name, content in CONTENT.items()}


def write_files(directory: Path, *, gz: bool = True, replace: dict[str, bytes] | None = None):
    """Write the four small files into ``directory``; ``replace`` gives raw bytes for some."""
    directory.mkdir(parents=True, exist_ok=True)
    replace = replace or {}
    for name, content in CONTENT.items():
        path = directory / (name + ".gz" if gz else name)
        if name in replace:
            path.write_bytes(replace[name])
        else:
            path.write_bytes(gzip.compress(content) if gz else content)
    return directory


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connecting fails at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.delenv("COURSE_IGNORE_SYSTEM_DATA", raising=False)
    monkeypatch.setattr(fm, "SYSTEM_DIRS", (tmp_path / "system",))
    monkeypatch.setattr(fm, "MIRRORS", (closed_port_url(),))
    return tmp_path


def test_valid_gz_files_load_with_their_checksums(tmp_path):
    root = write_files(tmp_path / "data")
    for split, (images, labels) in DATA.items():
        got_images, got_labels = load_fashion_mnist(split, root, checksums=CHECKSUMS)
        assert got_images.dtype == np.uint8 and got_images.shape == (len(images), 28, 28)
        assert got_labels.dtype == np.uint8 and got_labels.shape == (len(images),)
        np.testing.assert_array_equal(got_images, images)
        np.testing.assert_array_equal(got_labels, labels)
        assert got_images.flags.writeable and got_labels.flags.writeable


def test_uncompressed_idx_files_are_accepted(tmp_path):
    root = write_files(tmp_path / "data", gz=False)
    images, labels = load_fashion_mnist("test", root, checksums=CHECKSUMS)
    np.testing.assert_array_equal(images, DATA["test"][0])
    np.testing.assert_array_equal(labels, DATA["test"][1])


def test_checksums_accept_names_with_gz_suffix(tmp_path):
    root = write_files(tmp_path / "data")
    with_gz = {name + ".gz": digest for name, digest in CHECKSUMS.items()}
    images, _ = load_fashion_mnist("train", root, checksums=with_gz)
    np.testing.assert_array_equal(images, DATA["train"][0])


def test_official_checksums_reject_the_small_files(tmp_path):
    root = write_files(tmp_path / "data")
    with pytest.raises(FashionMNISTError, match="SHA-256"):
        with pytest.warns(FashionMNISTWarning):
            load_fashion_mnist("train", root, download=False)


# --- bad files: never used, never deleted, reported with the path and the fix ---------------

IMAGES = "train-images-idx3-ubyte"
LABELS = "train-labels-idx1-ubyte"
BAD_FILES = {
    "truncated gzip": (IMAGES, gzip.compress(CONTENT[IMAGES])[:-200], "truncated"),
    "wrong magic number": (IMAGES, gzip.compress(b"\x00\x00\x08\x01" + CONTENT[IMAGES][4:]),
                           "magic number is 2049, expected 2051"),
    "HTML page saved as .gz": (LABELS, b"<!DOCTYPE html>\n<html><body>404 Not Found</body></html>",
                               "web page (HTML)"),
    "not gzip at all": (LABELS, b"\x00" * 64, "not a gzip file"),
    "uncompressed data shorter than its header says": (
        IMAGES, gzip.compress(CONTENT[IMAGES][:-28]), "truncated: the header announces"),
    "images and labels counts differ": (
        LABELS, gzip.compress(idx_bytes(DATA["train"][1][:11], 2049)), "11 labels"),
    "checksum mismatch": (
        IMAGES, gzip.compress(idx_bytes(255 - DATA["train"][0], 2051)), "SHA-256"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_file_is_not_used_and_error_names_path_and_fix(tmp_path, kind):
    name, raw, problem = BAD_FILES[kind]
    checksums = dict(CHECKSUMS)
    if kind == "images and labels counts differ":
        checksums[LABELS] = hashlib.sha256(idx_bytes(DATA["train"][1][:11], 2049)).hexdigest()
    root = write_files(tmp_path / "data", replace={name: raw})
    bad_path = root / (name + ".gz")
    with pytest.warns(FashionMNISTWarning) as warned:
        with pytest.raises(FashionMNISTError) as error:
            load_fashion_mnist("train", root, download=False, checksums=checksums)
    message = str(error.value)
    assert str(bad_path) in message
    assert problem in message
    assert f"rm '{bad_path}'" in message and "make data" in message and "COURSE_DATA_DIR" in message
    assert str(bad_path) in str(warned[0].message) and "not deleted" in str(warned[0].message)
    assert bad_path.read_bytes() == raw, "the bad file must be left as it was"


def test_bad_file_in_first_location_is_skipped_for_a_good_copy_later(tmp_path, monkeypatch):
    name, raw, _ = BAD_FILES["checksum mismatch"]
    root = write_files(tmp_path / "data", replace={name: raw})
    write_files(tmp_path / "system")
    with pytest.warns(FashionMNISTWarning, match=str(root / (name + ".gz"))):
        images, _ = load_fashion_mnist("train", root, download=False, checksums=CHECKSUMS)
    np.testing.assert_array_equal(images, DATA["train"][0])
    assert (root / (name + ".gz")).read_bytes() == raw


def test_bad_file_in_the_download_folder_is_not_overwritten(tmp_path, server):
    name, raw, _ = BAD_FILES["truncated gzip"]
    root = write_files(tmp_path / "data", replace={name: raw})
    with pytest.warns(FashionMNISTWarning):
        with pytest.raises(FashionMNISTError, match="nothing was downloaded") as error:
            load_fashion_mnist("train", root, checksums=CHECKSUMS, mirrors=[server.url("good")])
    assert f"rm '{root / (name + '.gz')}'" in str(error.value)
    assert (root / (name + ".gz")).read_bytes() == raw
    assert server.requests == []


def test_error_for_missing_data_lists_every_location_tried(tmp_path, monkeypatch):
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    monkeypatch.setenv("COURSE_DATA_DIR", str(env_dir))
    with pytest.raises(FashionMNISTError) as error:
        load_fashion_mnist("test", tmp_path / "root", download=False, checksums=CHECKSUMS)
    message = str(error.value)
    for folder in (tmp_path / "root", env_dir, tmp_path / "xdg-cache" / "nn-course",
                   tmp_path / "system"):
        assert str(folder) in message
    assert "no t10k-images-idx3-ubyte.gz or t10k-labels-idx1-ubyte.gz" in message
    assert "make data" in message and "apt-get install dataset-fashion-mnist" in message


# --- lookup order ----------------------------------------------------------------------------


def test_lookup_order_root_env_cache_system(tmp_path, monkeypatch):
    root, env, cache, system = (tmp_path / d for d in ("root", "env", "xdg-cache/nn-course",
                                                        "system"))
    monkeypatch.setenv("COURSE_DATA_DIR", str(env))
    for directory in (system, cache, env, root):
        write_files(directory)
        assert find_fashion_mnist(root, checksums=CHECKSUMS) == directory
    assert find_fashion_mnist(None, checksums=CHECKSUMS) == env
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert find_fashion_mnist(None, checksums=CHECKSUMS) == cache


def test_course_ignore_system_data_skips_the_system_folders(tmp_path, monkeypatch):
    system = write_files(tmp_path / "system")
    assert find_fashion_mnist(checksums=CHECKSUMS) == system
    monkeypatch.setenv("COURSE_IGNORE_SYSTEM_DATA", "1")
    assert find_fashion_mnist(checksums=CHECKSUMS) is None
    assert all(location.directory != system for location in fm.lookup_locations())
    monkeypatch.setenv("COURSE_IGNORE_SYSTEM_DATA", "0")  # only "1" turns them off
    assert find_fashion_mnist(checksums=CHECKSUMS) == system


def test_cache_defaults_to_home_dot_cache_without_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME")
    cache = write_files(tmp_path / "home" / ".cache" / "nn-course")
    assert find_fashion_mnist(checksums=CHECKSUMS) == cache


def test_earlier_location_wins_and_later_ones_are_not_read(tmp_path, monkeypatch):
    root = write_files(tmp_path / "root")
    garbage = {name: b"garbage" for name in CONTENT}
    env = write_files(tmp_path / "env", replace=garbage)
    write_files(tmp_path / "system", replace=garbage)
    monkeypatch.setenv("COURSE_DATA_DIR", str(env))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would mean a garbage file was opened
        images, _ = load_fashion_mnist("train", root, download=False, checksums=CHECKSUMS)
    np.testing.assert_array_equal(images, DATA["train"][0])


def test_find_returns_none_without_data_and_never_downloads(tmp_path, server):
    assert find_fashion_mnist(checksums=CHECKSUMS) is None
    assert server.requests == []
    assert not (tmp_path / "xdg-cache" / "nn-course").exists()


# --- downloads against a local HTTP server --------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves /<mode>/<file>.gz: good, html, truncated transfer, truncated gzip, missing."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.requests.append(self.path)
        mode, _, filename = self.path.strip("/").partition("/")
        name = filename.removesuffix(".gz")
        if mode == "missing" or name not in CONTENT:
            self.send_error(404)
            return
        body = gzip.compress(CONTENT[name])
        content_length = len(body)
        if mode == "html":
            body = b"<!DOCTYPE html><html><body>Service unavailable</body></html>"
            content_length = len(body)
        elif mode == "truncated-transfer":  # announces the full size, sends half, hangs up
            body = body[: len(body) // 2]
        elif mode == "truncated-gzip":  # a complete transfer of an incomplete file
            body = body[: len(body) // 2]
            content_length = len(body)
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if mode == "html" else "application/gzip")
        self.send_header("Content-Length", str(content_length))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args):
        pass


class LocalServer:
    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.requests = []
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{mode}/"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def server():
    local = LocalServer()
    yield local
    local.stop()


def files_in(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_download_verifies_and_renames_into_place(tmp_path, server):
    root = tmp_path / "new-folder"
    images, labels = load_fashion_mnist("test", root, checksums=CHECKSUMS,
                                        mirrors=[server.url("good")])
    np.testing.assert_array_equal(images, DATA["test"][0])
    np.testing.assert_array_equal(labels, DATA["test"][1])
    assert files_in(root) == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    assert server.requests == ["/good/t10k-images-idx3-ubyte.gz", "/good/t10k-labels-idx1-ubyte.gz"]
    # A second load finds the files and downloads nothing.
    load_fashion_mnist("test", root, checksums=CHECKSUMS, mirrors=[server.url("good")])
    assert len(server.requests) == 2


@pytest.mark.parametrize("bad_mode", ["truncated-transfer", "truncated-gzip", "html", "missing"])
def test_second_mirror_is_tried_after_a_bad_first_one(tmp_path, server, bad_mode):
    root = tmp_path / "data"
    images, _ = load_fashion_mnist("train", root, checksums=CHECKSUMS,
                                   mirrors=[server.url(bad_mode), server.url("good")])
    np.testing.assert_array_equal(images, DATA["train"][0])
    assert files_in(root) == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]
    assert server.requests[:2] == [f"/{bad_mode}/train-images-idx3-ubyte.gz",
                                   "/good/train-images-idx3-ubyte.gz"]


@pytest.mark.parametrize(
    ("bad_mode", "reason"),
    [
        ("truncated-transfer", "connection broke before the file was complete"),
        ("truncated-gzip", "truncated"),
        ("html", "web page (HTML)"),
        ("missing", "HTTP 404"),
    ],
)
def test_failed_download_leaves_nothing_behind(tmp_path, server, bad_mode, reason):
    root = tmp_path / "data"
    with pytest.raises(FashionMNISTError) as error:
        load_fashion_mnist("train", root, checksums=CHECKSUMS, mirrors=[server.url(bad_mode)])
    message = str(error.value)
    assert f"{server.url(bad_mode)}train-images-idx3-ubyte.gz" in message
    assert reason in message
    assert files_in(root) == [], "no partial or temporary file may stay in the download folder"


def test_disk_full_during_download_leaves_nothing_and_says_so(tmp_path, monkeypatch):
    import pooch

    def write_half_then_fail(self, url, output_file, pooch_instance):
        Path(output_file).write_bytes(b"\x1f\x8b partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pooch.HTTPDownloader, "__call__", write_half_then_fail)
    root = tmp_path / "data"
    with pytest.raises(FashionMNISTError) as error:
        load_fashion_mnist("test", root, checksums=CHECKSUMS, mirrors=["http://127.0.0.1:1/"])
    assert "No space left on device" in str(error.value) and "COURSE_DATA_DIR" in str(error.value)
    assert files_in(root) == []


def test_download_fetches_only_the_missing_file(tmp_path, server):
    root = write_files(tmp_path / "data")
    (root / "train-labels-idx1-ubyte.gz").unlink()
    load_fashion_mnist("train", root, checksums=CHECKSUMS, mirrors=[server.url("good")])
    assert server.requests == ["/good/train-labels-idx1-ubyte.gz"]


def test_download_goes_to_course_data_dir_then_to_the_user_cache(tmp_path, monkeypatch, server):
    env = tmp_path / "env"
    monkeypatch.setenv("COURSE_DATA_DIR", str(env))
    load_fashion_mnist("test", checksums=CHECKSUMS, mirrors=[server.url("good")])
    assert files_in(env) == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    monkeypatch.delenv("COURSE_DATA_DIR")
    load_fashion_mnist("test", checksums=CHECKSUMS, mirrors=[server.url("good")])
    cache = tmp_path / "xdg-cache" / "nn-course"
    assert files_in(cache) == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]


def test_no_network_and_no_data_says_how_to_get_it():
    with pytest.raises(FashionMNISTError) as error:
        load_fashion_mnist("train", checksums=CHECKSUMS)  # the default mirror is a closed port
    message = str(error.value)
    assert "could not connect" in message
    for advice in ("COURSE_DATA_DIR", "make data", "apt-get install dataset-fashion-mnist"):
        assert advice in message
    assert "train-images-idx3-ubyte.gz" in message


def test_official_mirrors_are_named_in_the_instructions():
    text = fm.how_to_get_data()
    for url in ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/"):
        assert url in text


@pytest.mark.parametrize("variable", ["COURSE_DATA_DIR", "XDG_CACHE_HOME"])
def test_download_folder_that_cannot_be_created_names_course_data_dir(
    tmp_path, monkeypatch, variable
):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    monkeypatch.setenv(variable, str(a_file / "sub"))
    with pytest.raises(FashionMNISTError) as error:
        load_fashion_mnist("train", checksums=CHECKSUMS)
    message = str(error.value)
    assert "Cannot create the folder" in message and str(a_file / "sub") in message
    assert "COURSE_DATA_DIR" in message
    assert a_file.read_text() == "not a folder"


def test_download_false_never_contacts_a_mirror(tmp_path, server):
    with pytest.raises(FashionMNISTError, match="download=False"):
        load_fashion_mnist("train", tmp_path / "d", download=False, checksums=CHECKSUMS,
                           mirrors=[server.url("good")])
    assert server.requests == []


# --- arguments and the command line -----------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "kwargs", "bad"),
    [
        (ValueError, {"split": "validation"}, "'validation'"),
        (TypeError, {"split": 0}, "0"),
        (TypeError, {"download": "yes"}, "'yes'"),
        (ValueError, {"checksums": {"train-images": "0" * 64}}, "'train-images'"),
        (ValueError, {"checksums": {IMAGES: "abc"}}, "'abc'"),
        (TypeError, {"checksums": {IMAGES: 3}}, "int"),
        (TypeError, {"checksums": ["abc"]}, "list"),
        (ValueError, {"mirrors": []}, "()"),
        (TypeError, {"mirrors": [3]}, "3"),
        (TypeError, {"root": 3}, "3"),
        (ValueError, {"root": ""}, "empty"),
    ],
)
def test_bad_arguments_raise_an_error_naming_the_value(error, kwargs, bad):
    with pytest.raises(error) as raised:
        load_fashion_mnist(**kwargs)
    assert type(raised.value) is error and bad in str(raised.value)


def test_classes_in_label_order():
    assert fm.FASHION_MNIST_CLASSES == (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    )


def test_make_data_command_without_data_exits_1_with_instructions(capsys):
    assert fm.main(["--no-download"]) == 1
    err = capsys.readouterr().err
    assert "not available" in err and "make data" in err and "COURSE_DATA_DIR" in err
