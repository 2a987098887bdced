"""A throw-away JupyterLab server for the browser tests.

The server runs the course environment's JupyterLab (``sys.executable -m
jupyterlab``) on 127.0.0.1 with a free port and a random token, in its own
process group, with every Jupyter and IPython directory (config, data,
runtime, workspaces, user settings) in a temporary folder so that the
settings of whoever runs the tests cannot interfere. Its root is a temporary
folder holding copies of the notebooks under test, so nothing it saves
touches the repository. ``stop()`` shuts it down through its API, then kills
whatever is left of it: its process group and its kernels (jupyter_client
starts each kernel in a session of its own, so they are found as the
server's child processes). A watchdog does the same after ``max_lifetime``
seconds whatever happens.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

# Settings a learner would set once; here they keep pop-ups from covering the page.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

# Variables that would change what the learner sees (explorers switched off, another
# plotting backend, kernels or settings from elsewhere).
DROPPED_VARIABLES = {"COURSE_GRADING", "MPLBACKEND", "JUPYTER_PATH", "JUPYTER_PREFER_ENV_PATH"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLabServer:
    """Start with ``start()``, stop with ``stop()``; or use it as a context manager."""

    def __init__(self, workdir: Path, *, startup_timeout: float = 120, max_lifetime: float = 900):
        self.workdir = Path(workdir)
        self.root = self.workdir / "root"
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self.max_lifetime = max_lifetime
        self.process: subprocess.Popen | None = None
        self.log_path = self.workdir / "jupyterlab.log"
        self._watchdog: threading.Timer | None = None

    # -- files ---------------------------------------------------------------
    def copy_into_root(self, source: Path, relative: str) -> Path:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        return target

    # -- life cycle ----------------------------------------------------------
    def start(self) -> JupyterLabServer:
        self.root.mkdir(parents=True, exist_ok=True)
        dirs = {name: self.workdir / name for name in
                ("config", "data", "runtime", "ipython", "workspaces", "settings")}
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        for relative, values in USER_SETTINGS.items():
            path = dirs["settings"] / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_VARIABLES}
        env.update(
            JUPYTER_CONFIG_DIR=str(dirs["config"]),
            JUPYTER_DATA_DIR=str(dirs["data"]),
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            IPYTHONDIR=str(dirs["ipython"]),
            JUPYTER_PLATFORM_DIRS="1",
            PYTHONUNBUFFERED="1",
        )
        command = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.workspaces_dir={dirs['workspaces']}",
            f"--LabApp.user_settings_dir={dirs['settings']}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            command, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._watchdog = threading.Timer(self.max_lifetime, self._kill_everything)
        self._watchdog.daemon = True
        self._watchdog.start()
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with code {self.process.returncode} while starting; "
                    f"its log:\n{self.log()}"
                )
            try:
                self.api("status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise RuntimeError(
            f"JupyterLab did not answer on {self.base_url} within {self.startup_timeout:.0f} s; "
            f"its log:\n{self.log()}"
        )

    def stop(self) -> None:
        if self.process is None:
            return
        survivors = self._processes()
        if self.process.poll() is None:
            try:
                self.api("shutdown", method="POST")
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
                pass
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        self._kill(survivors)
        if self._watchdog is not None:
            self._watchdog.cancel()
        self._log.close()

    def _processes(self) -> list[psutil.Process]:
        """The server and every process it started (its kernels)."""
        try:
            server = psutil.Process(self.process.pid)
            return [server, *server.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def _kill_everything(self) -> None:
        self._kill(self._processes())

    def _kill(self, processes: list[psutil.Process]) -> None:
        processes = processes + [p for p in self._processes() if p not in processes]
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        for process in processes:
            try:
                process.terminate()
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(processes, timeout=10)
        for process in alive:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=10)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def __enter__(self) -> JupyterLabServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- API -----------------------------------------------------------------
    def api(self, path: str, *, method: str = "GET", timeout: float = 10):
        request = urllib.request.Request(
            f"{self.base_url}/api/{path}", method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method == "POST" else None,
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def session_for(self, relative_path: str) -> dict | None:
        """The server's session of the notebook at ``relative_path``, or None."""
        for session in self.api("sessions"):
            if session.get("path") == relative_path:
                return session
        return None

    def lab_url(self, relative_path: str, workspace: str) -> str:
        return (f"{self.base_url}/lab/workspaces/{workspace}/tree/{relative_path}"
                f"?reset&token={self.token}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-6000:]
