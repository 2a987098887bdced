"""The grading kernel: the course's own Python, sandboxed as far as the operating system allows.

Every submission gets a fresh IPython kernel started from ``sys.executable``
(whatever kernel the notebook's metadata names), with:

- the isolation of ``sandbox.py``: a bubblewrap sandbox on Linux, else its own
  session and process group (jupyter_client's launcher), killed as a group
  when grading ends;
- Unix-socket transport (ZeroMQ ``ipc``) in a private folder, so the kernel
  can run in a network namespace of its own (bubblewrap, or ``unshare -n``
  where that works: Linux, as root) and reach nothing on the network, not
  even 127.0.0.1;
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

from course_lib.grading.sandbox import (
    BUBBLEWRAP,
    PROCESS,
    RunFolder,
    bubblewrap_command,
    copy_font_cache,
    course_lib_parent,
)

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

# Replaced inside the bubblewrap sandbox: the grader's paths mean nothing there.
SANDBOX_REPLACED = (
    "PATH",
    "HOME",
    "PYTHONPATH",
    "MPLCONFIGDIR",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "COURSE_DATA_DIR",
    "USER",
    "LOGNAME",
)
SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")

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


def kernel_command(
    *, memory_limit: int | None, isolate_network: bool, grader_pipe: int | None = None
) -> list[str]:
    """The argv of a grading kernel (``{connection_file}`` is filled in by jupyter_client).

    ``grader_pipe`` is the read end of a pipe only the grader writes to, which the
    kernel watches to end itself when the grader is gone (see kernel_launcher.py).
    """
    command = [os.path.abspath(sys.executable), str(LAUNCHER)]
    if memory_limit is not None and memory_limit_supported():
        command += ["--memory-limit", str(int(memory_limit))]
    if grader_pipe is not None:
        command += ["--grader-pipe", str(grader_pipe)]
    command += ["-f", "{connection_file}", "--HistoryManager.hist_file=:memory:"]
    if isolate_network:
        command = ["unshare", "-n", *command]
    return command


def kernel_environment(*, seed: int, folder: RunFolder, isolation: str = PROCESS) -> dict[str, str]:
    """The complete environment of a grading kernel (see the module docstring).

    In the bubblewrap sandbox nothing of the grader's environment is passed on
    but the locale and time zone: PATH is the course's Python and the system's,
    HOME and TMPDIR are the run folder's, and PYTHONPATH finds course_lib.
    """
    environment = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    environment.update(GRADING_ENVIRONMENT)
    environment["PYTHONHASHSEED"] = str(seed)
    environment["IPYTHONDIR"] = str(folder.home / ".ipython")
    environment["TMPDIR"] = str(folder.tmp)
    if isolation == BUBBLEWRAP:
        for name in SANDBOX_REPLACED:
            environment.pop(name, None)
        python_bin = Path(os.path.abspath(sys.executable)).parent
        environment["PATH"] = os.pathsep.join([str(python_bin), *SYSTEM_PATH])
        environment["HOME"] = str(folder.home)
        environment["PYTHONPATH"] = str(course_lib_parent())
        environment["MPLCONFIGDIR"] = str(folder.home / ".matplotlib")
        environment["TMPDIR"] = "/tmp"  # the run folder's tmp/, bound there
        copy_font_cache(folder.home / ".matplotlib")
        named = os.environ.get("COURSE_DATA_DIR")
        if named and Path(named).expanduser().is_dir():
            environment["COURSE_DATA_DIR"] = str(Path(named).expanduser().resolve())
    return environment


class GradingKernelManager(AsyncKernelManager):
    """A jupyter_client kernel manager for one submission's kernel.

    The kernel spec is built here rather than looked up by name, so the
    notebook's own kernelspec ("python3", "ir", anything) is never used, and the
    connection goes over Unix sockets in ``folder.kernel`` (a private folder,
    short enough for the 107-byte socket path limit). With ``isolation`` =
    ``"bubblewrap"`` the kernel runs in the sandbox of ``sandbox.py``, with
    exactly ``environment``, and is interrupted by a message (a SIGINT sent to
    bwrap would end the sandbox); otherwise it runs in a process group of its
    own and gets SIGINT. ``environment`` is passed to ``start_kernel`` as well, and
    so is ``grader_pipe`` (in ``pass_fds``), the read end of the pipe the kernel
    watches to end itself when the grader dies.
    """

    def __init__(
        self,
        *,
        folder: RunFolder,
        memory_limit: int | None,
        isolate_network: bool,
        isolation: str = PROCESS,
        environment: dict[str, str] | None = None,
        grader_pipe: int | None = None,
        **kwargs,
    ):
        unix_sockets = os.name == "posix"  # Windows: TCP on localhost, no isolation anyway
        super().__init__(
            transport="ipc" if unix_sockets else "tcp",
            ip=str(folder.kernel / "kernel") if unix_sockets else "127.0.0.1",
            connection_file=str(folder.kernel / "kernel.json"),
            autorestart=False,
            kernel_name="course-grading",
            **kwargs,
        )
        command = kernel_command(
            memory_limit=memory_limit,
            isolate_network=isolate_network and unix_sockets and isolation == PROCESS,
            grader_pipe=grader_pipe,
        )
        if isolation == BUBBLEWRAP:
            command = bubblewrap_command(command, folder=folder, environment=environment or {})
        self.isolation = isolation
        self._kernel_spec = KernelSpec(
            name="course-grading",
            display_name="Python 3 (course grading)",
            language="python",
            argv=command,
            interrupt_mode="message" if isolation == BUBBLEWRAP else "signal",
        )

    @property
    def kernel_spec(self) -> KernelSpec:
        return self._kernel_spec
