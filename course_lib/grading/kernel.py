"""The grading kernel: the course's own Python, sandboxed as far as the operating system allows.

Every submission gets a fresh IPython kernel started from ``sys.executable``
(whatever kernel the notebook's metadata names), with:

- its own session and process group (jupyter_client's launcher), killed as a
  group when grading ends;
- Unix-socket transport (ZeroMQ ``ipc``) in a private temporary folder, so the
  kernel can run in a network namespace of its own (``unshare -n``, available
  to root on Linux) and reach nothing on the network, not even 127.0.0.1;
- an address-space limit (``RLIMIT_AS``, see ``kernel_launcher.py``);
- a small, explicit environment: grading switches (``COURSE_GRADING=1`` makes
  the course's widgets inert, ``TQDM_DISABLE=1``, ``MPLBACKEND=Agg``), one BLAS
  thread per kernel (kernels run in parallel, and results do not depend on the
  machine's core count), at most two malloc arenas (so the address-space limit
  measures data, not per-thread reservations), ``PYTHONHASHSEED`` from the
  grading seed, and a fresh ``IPYTHONDIR`` so no personal IPython start-up
  file runs; nothing else of the grader's environment (tokens, credentials)
  is passed on.

Taught in no notebook; used by ``course grade`` and ``course check``.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

LAUNCHER = Path(__file__).with_name("kernel_launcher.py")

# Variables passed through from the grader's environment; everything else
# (tokens, credentials, personal settings) stays out of the learner's kernel.
PASSED_THROUGH = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LANGUAGE",
    "TZ",
    "PYTHONPATH",
    "COURSE_DATA_DIR",
    "MPLCONFIGDIR",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "SYSTEMROOT",
)

GRADING_ENVIRONMENT = {
    "COURSE_GRADING": "1",
    "TQDM_DISABLE": "1",
    "MPLBACKEND": "Agg",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "MALLOC_ARENA_MAX": "2",
}

NO_NETWORK_ISOLATION = (
    "warning: the grading kernels can use the network: network isolation needs "
    "`unshare -n` (Linux, as root), which is not available here"
)


@functools.cache
def network_isolation_available() -> bool:
    """Whether kernels can be started without network (``unshare -n`` works here).

    Checked once per process by running ``unshare -n true``.
    """
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    try:
        completed = subprocess.run(
            ["unshare", "-n", "true"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return completed.returncode == 0


def memory_limit_supported() -> bool:
    """Whether an address-space limit can be set on this system (POSIX but not macOS)."""
    return os.name == "posix" and sys.platform != "darwin"


def kernel_command(*, memory_limit: int | None, isolate_network: bool) -> list[str]:
    """The argv of a grading kernel (``{connection_file}`` is filled in by jupyter_client)."""
    command = [sys.executable, str(LAUNCHER)]
    if memory_limit is not None and memory_limit_supported():
        command += ["--memory-limit", str(int(memory_limit))]
    command += ["-f", "{connection_file}", "--HistoryManager.hist_file=:memory:"]
    if isolate_network:
        command = ["unshare", "-n", *command]
    return command


def kernel_environment(*, seed: int, runtime_dir: Path) -> dict[str, str]:
    """The complete environment of a grading kernel (see the module docstring)."""
    environment = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    environment.update(GRADING_ENVIRONMENT)
    environment["PYTHONHASHSEED"] = str(seed)
    environment["IPYTHONDIR"] = str(runtime_dir / "ipython")
    environment["TMPDIR"] = str(runtime_dir / "tmp")
    (runtime_dir / "tmp").mkdir(exist_ok=True)
    return environment


class GradingKernelManager(AsyncKernelManager):
    """A jupyter_client kernel manager for one submission's kernel.

    The kernel spec is built here rather than looked up by name, so the
    notebook's own kernelspec ("python3", "ir", anything) is never used, and the
    connection goes over Unix sockets in ``runtime_dir`` (a private temporary
    folder, short enough for the 107-byte socket path limit).
    """

    def __init__(
        self, *, runtime_dir: Path, memory_limit: int | None, isolate_network: bool, **kwargs
    ):
        unix_sockets = os.name == "posix"  # Windows: TCP on localhost, no isolation anyway
        super().__init__(
            transport="ipc" if unix_sockets else "tcp",
            ip=str(runtime_dir / "kernel") if unix_sockets else "127.0.0.1",
            connection_file=str(runtime_dir / "kernel.json"),
            autorestart=False,
            kernel_name="course-grading",
            **kwargs,
        )
        self._kernel_spec = KernelSpec(
            name="course-grading",
            display_name="Python 3 (course grading)",
            language="python",
            argv=kernel_command(
                memory_limit=memory_limit, isolate_network=isolate_network and unix_sockets
            ),
            interrupt_mode="signal",
        )

    @property
    def kernel_spec(self) -> KernelSpec:
        return self._kernel_spec
