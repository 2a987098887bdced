"""The real Fashion-MNIST files from the Debian package dataset-fashion-mnist.

CI installs the package (.ci/run); elsewhere the tests skip when it is absent.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import skip_or_fail_without

from course_lib.data.fashion_mnist import find_fashion_mnist, load_fashion_mnist

pytestmark = pytest.mark.realdata

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
# SHA-256 of the decompressed files, as published in the course's design notes.
EXPECTED_SHA256 = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}


@pytest.fixture(autouse=True)
def debian_data(tmp_path, monkeypatch):
    # COURSE_IGNORE_SYSTEM_DATA=1 makes the machine look as if the package were missing.
    if (not all((DEBIAN_DIR / (name + ".gz")).is_file() for name in EXPECTED_SHA256)
            or os.environ.get("COURSE_IGNORE_SYSTEM_DATA") == "1"):
        skip_or_fail_without(
            f"Fashion-MNIST in {DEBIAN_DIR}",
            "install it with apt-get install dataset-fashion-mnist",
        )
    # An empty home and cache, so the data can only come from the Debian folder.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


def test_debian_files_have_the_published_decompressed_checksums():
    for name, expected in EXPECTED_SHA256.items():
        content = gzip.decompress((DEBIAN_DIR / (name + ".gz")).read_bytes())
        assert hashlib.sha256(content).hexdigest() == expected, name


def test_train_split_shapes_classes_and_pixel_statistics():
    images, labels = load_fashion_mnist("train", download=False)
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (60000,) and labels.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(labels, minlength=10), [6000] * 10)
    pixels = images / 255.0
    assert pixels.mean() == pytest.approx(0.2860, abs=5e-5)
    assert pixels.std() == pytest.approx(0.3530, abs=5e-5)


def test_test_split_shapes_and_classes():
    images, labels = load_fashion_mnist("test", download=False)
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(labels, minlength=10), [1000] * 10)


def test_find_reports_the_debian_folder():
    assert find_fashion_mnist() == DEBIAN_DIR


def test_make_data_command_finds_and_verifies_the_debian_files(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("COURSE_DATA_DIR", None)
    result = subprocess.run(
        [sys.executable, "-m", "course_lib.data.fashion_mnist", "--no-download"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    assert "60,000 images" in result.stdout and "10,000 images" in result.stdout
    assert str(DEBIAN_DIR) in result.stdout and "verified" in result.stdout
