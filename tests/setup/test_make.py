"""The two commands of the README: `make lab` serves the course, a second run installs nothing."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


def make_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    env.update(extra)
    return env


def test_setup_is_up_to_date_so_a_second_run_installs_nothing():
    # `make -q` exits 0 only if every prerequisite of the target is up to date.
    for target in [".venv/.course-installed", ".venv-nbgrader/.installed"]:
        if not (ROOT / target).exists():
            pytest.skip(f"{target} missing: run the tests through `make test`")
        result = subprocess.run(["make", "-q", target], cwd=ROOT, env=make_env())
        assert result.returncode == 0, f"`make {target}` would run again (pip install)"
    dry_run = subprocess.run(
        ["make", "-n", "lab", "test"], cwd=ROOT, env=make_env(), capture_output=True, text=True
    )
    assert "pip install" not in dry_run.stdout, dry_run.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, path: str, token: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
        return json.loads(text) if text else None


def wait_for(condition, timeout: float, what: str, process: subprocess.Popen):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"`make lab` exited with {process.returncode} while waiting for {what}"
            )
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.mark.slow
def test_make_lab_serves_jupyterlab_with_the_course_kernel(tmp_path):
    from jupyter_client import BlockingKernelClient

    port, token = free_port(), secrets.token_hex(16)
    lab_args = [
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
        # The server stops by itself even if this test is killed.
        "--ServerApp.shutdown_no_activity_timeout=120",
        "--MappingKernelManager.cull_idle_timeout=120",
    ]
    # Another clone of the course registered its own nn-course kernel for this user (the
    # Makefile of an older course version did): make lab must still use this clone's.
    other_clone = tmp_path / "user-data" / "kernels" / "nn-course"
    other_clone.mkdir(parents=True)
    (other_clone / "kernel.json").write_text(json.dumps({
        "argv": ["/elsewhere/other-clone/.venv/bin/python", "-m", "ipykernel_launcher", "-f",
                 "{connection_file}"],
        "display_name": "Python 3 (NN course)", "language": "python"}))
    runtime = tmp_path / "runtime"
    log = (tmp_path / "lab.log").open("w")
    process = subprocess.Popen(
        ["make", "lab", f"LAB_ARGS={' '.join(lab_args)}"],
        cwd=ROOT,
        env=make_env(JUPYTER_RUNTIME_DIR=str(runtime),
                     JUPYTER_DATA_DIR=str(tmp_path / "user-data")),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: api(base, "/api/status", token), 120, "the server's /api/status", process)

        specs = api(base, "/api/kernelspecs", token)["kernelspecs"]
        assert "nn-course" in specs, f"nn-course kernel not registered; kernels: {sorted(specs)}"
        assert specs["nn-course"]["spec"]["display_name"] == "Python 3 (NN course)"
        executable = Path(specs["nn-course"]["spec"]["argv"][0])
        assert executable.parent.resolve() == VENV_BIN.resolve(), (
            f"the nn-course kernel runs {executable}, not the course environment's Python"
        )
        # Notebooks name the generic python3 kernel: the session below shows that it
        # runs in the course environment.

        contents = api(base, "/api/contents/notebooks/00_start_here.ipynb?content=0", token)
        assert contents["type"] == "notebook", "the repository is not the server's root"

        session = api(
            base,
            "/api/sessions",
            token,
            method="POST",
            body={
                "path": "notebooks/00_start_here.ipynb",
                "type": "notebook",
                "kernel": {"name": "python3"},
            },
        )
        kernel_id = session["kernel"]["id"]
        connection_file = wait_for(
            lambda: next(runtime.glob(f"kernel-{kernel_id}.json"), None), 60, "the kernel", process
        )
        client = BlockingKernelClient(connection_file=str(connection_file))
        client.load_connection_file()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            printed = []
            reply = client.execute_interactive(
                "import shutil, sys, course_lib\n"
                "print(sys.prefix, 'torch' in sys.modules, shutil.which('course'))",
                output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
                timeout=60,
            )
            assert reply["content"]["status"] == "ok"
        finally:
            client.stop_channels()
        prefix, torch_loaded, course_command = "".join(printed).split()
        assert Path(prefix).resolve() == (ROOT / ".venv").resolve()
        assert torch_loaded == "False"
        # Terminals and `!` commands find the course's own `course` command.
        assert Path(course_command).parent.resolve() == VENV_BIN.resolve(), course_command
        api(base, f"/api/sessions/{session['id']}", token, method="DELETE")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        sys.stdout.write((tmp_path / "lab.log").read_text()[-3000:])
    if os.geteuid() == 0:  # make lab adds --allow-root by itself, and says so
        assert "you are root, so JupyterLab starts with --allow-root" in \
            (tmp_path / "lab.log").read_text()


def test_the_course_kernel_is_registered_inside_the_course_environment():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("nn-course")
    assert Path(spec.resource_dir).resolve().is_relative_to((ROOT / ".venv").resolve()), (
        f"nn-course is registered in {spec.resource_dir}, outside the course's .venv: two clones "
        "would overwrite each other's kernel")
    assert Path(spec.argv[0]).parent.resolve() == VENV_BIN.resolve()
