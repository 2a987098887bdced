"""The doctor: versions, widgets, the nn-course kernel, the data, and a verdict with fixes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from conftest import skip_or_fail_without

import course_lib.data.fashion_mnist as fm
from course_lib import doctor

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")


def jupyter_env(tmp_path: Path, *, kernel_python: str | None) -> dict[str, str]:
    """An environment whose only user-level Jupyter folders are empty tmp folders.

    With ``kernel_python``, an nn-course kernel running that Python is registered there.
    """
    home, jupyter_path = tmp_path / "home", tmp_path / "jupyter-path"
    home.mkdir(exist_ok=True)
    jupyter_path.mkdir(exist_ok=True)
    if kernel_python is not None:
        kernel_dir = jupyter_path / "kernels" / "nn-course"
        kernel_dir.mkdir(parents=True)
        (kernel_dir / "kernel.json").write_text(json.dumps({
            "argv": [kernel_python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (NN course)", "language": "python",
        }))
    env = {**os.environ, "HOME": str(home), "JUPYTER_PATH": str(jupyter_path),
           "XDG_DATA_HOME": str(tmp_path / "xdg-data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for variable in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "COURSE_DATA_DIR"):
        env.pop(variable, None)
    return env


def run_doctor(env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course_lib.doctor"], capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.fixture
def debian_data():
    # COURSE_IGNORE_SYSTEM_DATA=1 makes the machine look as if the package were missing.
    if not DEBIAN_DIR.is_dir() or os.environ.get("COURSE_IGNORE_SYSTEM_DATA") == "1":
        skip_or_fail_without(f"Fashion-MNIST in {DEBIAN_DIR}",
                             "install it with apt-get install dataset-fashion-mnist")


@pytest.mark.realdata
def test_ready_environment_prints_versions_and_exits_0(tmp_path, debian_data):
    result = run_doctor(jupyter_env(tmp_path, kernel_python=sys.executable))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    python = ".".join(map(str, sys.version_info[:3]))
    assert f"Python                 {python}" in out
    for package in ("numpy", "torch", "ipywidgets", "jupyterlab", "jupyterlab_widgets"):
        assert f"  {package:<22} {metadata.version(package)}\n" in out, package
    assert "compute device" in out and "cpu" in out
    assert f"registered, runs {sys.executable}" in out
    assert f"found and verified (SHA-256) in {DEBIAN_DIR}" in out
    assert out.rstrip().endswith("Verdict: everything is ready.")


def test_missing_kernel_is_reported_with_its_fix_and_exits_1(tmp_path, monkeypatch, capsys):
    import jupyter_core.paths

    env = jupyter_env(tmp_path, kernel_python=None)
    for variable in ("HOME", "JUPYTER_PATH", "XDG_DATA_HOME"):
        monkeypatch.setenv(variable, env[variable])
    # an environment without the kernel make setup registers in it (--sys-prefix)
    monkeypatch.setattr(jupyter_core.paths, "ENV_JUPYTER_PATH", [str(tmp_path / "no-env")])
    assert doctor.main([]) == 1
    out = capsys.readouterr().out
    assert "!!  kernel nn-course" in out and "not registered" in out
    assert "Verdict: not ready" in out
    assert "make lab" in out
    assert "-m ipykernel install --sys-prefix --name nn-course" in out


def test_kernel_running_a_deleted_python_is_a_problem(tmp_path, monkeypatch):
    env = jupyter_env(tmp_path, kernel_python=str(tmp_path / "gone" / "bin" / "python"))
    for variable in ("HOME", "JUPYTER_PATH", "XDG_DATA_HOME"):
        monkeypatch.setenv(variable, env[variable])
    check = doctor.check_kernel()
    assert not check.ok and "does not exist" in check.detail and "make lab" in check.fix


def test_kernel_running_another_python_without_the_course_is_a_problem(tmp_path, monkeypatch):
    other = tmp_path / "other-python"
    other.write_text("#!/bin/sh\nexit 1\n")  # a "Python" that cannot import course_lib
    other.chmod(0o755)
    env = jupyter_env(tmp_path, kernel_python=str(other))
    for variable in ("HOME", "JUPYTER_PATH", "XDG_DATA_HOME"):
        monkeypatch.setenv(variable, env[variable])
    check = doctor.check_kernel()
    assert not check.ok and "cannot import course_lib" in check.detail


@pytest.mark.parametrize(
    ("ipywidgets", "frontend", "ok"),
    [("8.1.9", "3.0.17", True), ("7.8.1", "1.1.7", True), ("8.1.9", "1.1.7", False),
     ("7.8.1", "3.0.17", False), ("8.1.9", None, False), (None, None, False)],
)
def test_widgets_need_the_matching_jupyterlab_extension(ipywidgets, frontend, ok):
    check = doctor.check_widgets(ipywidgets, frontend)
    assert check.ok is ok
    if not ok:
        assert "jupyterlab_widgets" in check.fix and "restart JupyterLab" in check.fix


def test_missing_data_is_a_problem_with_instructions(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setattr(fm, "SYSTEM_DIRS", (tmp_path / "system",))
    check = doctor.check_fashion_mnist()
    assert not check.ok
    assert "make data" in check.fix and "COURSE_DATA_DIR" in check.fix
    assert "apt-get install dataset-fashion-mnist" in check.fix


def test_missing_package_is_a_problem():
    check = doctor.check_package("torch", None)
    assert not check.ok and "make setup" in check.fix


def test_report_lists_problems_with_fixes_and_a_crashing_check_does_not_stop_it():
    checks = [doctor.Check("numpy", True, "2.4.6"),
              doctor.Check("kernel nn-course", False, "not registered", "run `make lab`\nor this"),
              doctor._guarded("broken", lambda: 1 / 0)]
    text = doctor.report(checks)
    assert "  ok  numpy" in text
    assert "Verdict: not ready, 2 problems to fix:" in text
    assert "  1. kernel nn-course: not registered\n     Fix: run `make lab`\n     or this" in text
    assert "2. broken: the check itself failed: ZeroDivisionError" in text


def test_run_checks_without_device_does_not_import_torch():
    code = ("import sys, course_lib.doctor as d; checks = d.run_checks(device=False); "
            "assert 'compute device' not in [c.name for c in checks]; "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
