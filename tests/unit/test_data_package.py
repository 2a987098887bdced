"""course_lib.data re-exports its public names, and `make data` runs its module cleanly."""

from __future__ import annotations

import os
import subprocess
import sys

import course_lib.data


def test_every_public_name_is_available_from_the_package():
    for name in course_lib.data.__all__:
        assert getattr(course_lib.data, name) is not None, name
    assert set(course_lib.data.__all__) <= set(dir(course_lib.data))


def test_make_data_module_runs_without_a_double_import_warning(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("COURSE_DATA_DIR", None)
    result = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-m", "course_lib.data.fashion_mnist",
         "--no-download"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    # 0 with the Debian data installed, 1 (with instructions) without; never a crash.
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "RuntimeWarning" not in result.stderr
    assert "Fashion-MNIST" in result.stdout + result.stderr
