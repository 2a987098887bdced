"""Where a grading kernel runs: a bubblewrap sandbox on Linux, else a process group of its own.

Two isolations, recorded in every result (``SubmissionResult.isolation``):

- ``"bubblewrap"`` (Linux with ``bwrap`` installed; Debian/Ubuntu package
  ``bubblewrap``): the kernel runs in its own pid, mount, network, ipc and uts
  namespaces and dies with the grader (``--die-with-parent``). Its file system
  is built from nothing: read-only, the system (``/usr`` and a few files of
  ``/etc``), the course's Python (the virtual environment and the interpreter
  it was made from) and ``course_lib`` itself; read-write, its own run folder
  (below). It never sees the source notebook, ``solutions/``, the grader's
  output folder, other submissions or any other process. Every process it
  starts ends when the kernel ends (the namespace's first process is
  bubblewrap's, and when it exits the system kills the rest). The kernel talks
  to the grader over Unix sockets in the run folder's ``kernel/``, a folder
  of its own (never Jupyter's shared runtime folder, which holds other
  kernels' keys).
- ``"process"`` (elsewhere, or ``--sandbox none``): a session and process
  group of its own, killed as a group, with ``unshare -n`` where it works
  (Linux, as root) so that it has no network. It runs as the grader's user
  and can read what that user can read.

Run folders
-----------
Each kernel gets ``$TMPDIR/course-grading-XXXXXXXX/`` holding ``kernel/``
(connection file and sockets), ``work/`` (its working folder: a copy of the
submitted notebook and nothing else), ``home/`` (its HOME), ``tmp/`` (its
TMPDIR, ``/tmp`` in the sandbox) and ``shm/`` (``/dev/shm`` in the sandbox).
The grader holds an exclusive ``flock`` on the folder while it runs
(and marks it so, ``LOCKED_MARK``); a grader killed outright (SIGKILL, out of
memory) cannot remove it, so every grader first removes marked run folders
whose lock is free and which are older than a minute
(``remove_stale_run_folders``): the next run cleans up.

Taught in no notebook; used by ``course grade`` and ``course check``.
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from course_lib.grading.limits import SANDBOX_CHOICES

BUBBLEWRAP = "bubblewrap"
PROCESS = "process"
ISOLATIONS = (BUBBLEWRAP, PROCESS)

PARENT_GUARD = Path(__file__).with_name("parent_guard.py")
RUN_FOLDER_PREFIX = "course-grading-"
LOCKED_MARK = ".locked-by-grader"  # only folders that carry it are ever removed by another run
STALE_AFTER = 60.0  # seconds: older unlocked run folders belong to a dead grader

# The parts of /etc a Python kernel uses (dynamic linker, time zone, fonts,
# MIME types); the rest (password hashes, keys, host configuration) stays out.
ETC_FILES = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "alternatives",
    "localtime",
    "timezone",
    "fonts",
    "mime.types",
    "nsswitch.conf",
)
# Top-level folders that Debian and others make symlinks into /usr.
USR_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


def isolation_name(isolation: str, *, network: bool) -> str:
    """How a result names its isolation: ``bubblewrap``, ``process, no network`` or ``process``."""
    if isolation == BUBBLEWRAP:
        return BUBBLEWRAP
    return PROCESS if network else f"{PROCESS}, no network"


@functools.cache
def bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot sandbox kernels here (None when it can).

    Checked once per process, by running ``true`` in a sandbox built like a
    kernel's.
    """
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux (this is {sys.platform})"
    if shutil.which("bwrap") is None:
        return (
            "bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap; "
            "Fedora: dnf install bubblewrap)"
        )
    command = ["bwrap", *_namespace_arguments(), *_system_arguments(), "--remount-ro", "/"]
    command += ["--", "true"]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        return f"bwrap could not run: {error}"
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bwrap cannot create a sandbox here ({last})"
    return None


def choose_isolation(sandbox: str) -> str:
    """The isolation for ``--sandbox`` ``auto``, ``bubblewrap`` or ``none``.

    ``auto`` is bubblewrap where it works and the process isolation elsewhere;
    ``bubblewrap`` raises ValueError, saying why, where it does not work.
    """
    if sandbox not in SANDBOX_CHOICES:
        raise ValueError(f"sandbox must be one of {SANDBOX_CHOICES}, got {sandbox!r}")
    if sandbox == "none":
        return PROCESS
    problem = bubblewrap_problem()
    if problem is None:
        return BUBBLEWRAP
    if sandbox == "bubblewrap":
        raise ValueError(f"--sandbox bubblewrap: {problem}")
    return PROCESS


@dataclass(frozen=True)
class RunFolder:
    """One kernel's private folders (see the module docstring)."""

    top: Path

    @property
    def kernel(self) -> Path:
        return self.top / "kernel"

    @property
    def work(self) -> Path:
        return self.top / "work"

    @property
    def home(self) -> Path:
        return self.top / "home"

    @property
    def tmp(self) -> Path:
        return self.top / "tmp"

    @property
    def shm(self) -> Path:
        """Shared memory files (POSIX semaphores: multiprocessing, DataLoader workers)."""
        return self.top / "shm"

    @property
    def log(self) -> Path:
        """The kernel's own output (start-up errors); outside every folder the kernel sees."""
        return self.top / "kernel.log"


class run_folder:  # noqa: N801 (used as a context manager, like tempfile.TemporaryDirectory)
    """``with run_folder() as folder:`` a locked ``RunFolder``, removed at the end."""

    def __enter__(self) -> RunFolder:
        remove_stale_run_folders()
        top = Path(tempfile.mkdtemp(prefix=RUN_FOLDER_PREFIX))
        self._descriptor = os.open(top, os.O_RDONLY)
        fcntl.flock(self._descriptor, fcntl.LOCK_EX)
        (top / LOCKED_MARK).touch()
        self.folder = RunFolder(top)
        for path in (
            self.folder.kernel,
            self.folder.work,
            self.folder.home,
            self.folder.tmp,
            self.folder.shm,
        ):
            path.mkdir(mode=0o700)
        return self.folder

    def __exit__(self, *exc_info) -> None:
        try:
            shutil.rmtree(self.folder.top, ignore_errors=True)
        finally:
            os.close(self._descriptor)


def remove_stale_run_folders(parent: Path | None = None) -> list[Path]:
    """Remove the run folders that a killed grader left behind; the folders removed.

    A folder is stale when it says that its grader locks it (``LOCKED_MARK``), no
    process holds its lock, and it is older than ``STALE_AFTER`` seconds (a folder just
    created is locked within microseconds). Folders of graders that do not lock theirs
    are never touched: they may still be in use.
    """
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    try:
        candidates = list(parent.glob(f"{RUN_FOLDER_PREFIX}*"))
    except OSError:
        return removed
    for path in candidates:
        try:
            if time.time() - path.stat().st_mtime < STALE_AFTER or not path.is_dir():
                continue
            if not (path / LOCKED_MARK).exists():
                continue
            descriptor = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a running grader holds it
        else:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        finally:
            os.close(descriptor)
    return removed


# --- the bubblewrap command ---------------------------------------------------------------------


def _namespace_arguments() -> list[str]:
    arguments = [
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "grading",
        "--die-with-parent",
        "--new-session",
    ]
    if os.geteuid() == 0:
        arguments += ["--cap-drop", "ALL"]  # root in the sandbox keeps no capability
    return arguments


def _system_arguments() -> list[str]:
    arguments = ["--ro-bind", "/usr", "/usr"]
    for name in USR_LINKS:
        path = Path("/") / name
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            arguments += ["--ro-bind", str(path), str(path)]
    for name in ETC_FILES:
        arguments += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    arguments += ["--proc", "/proc", "--dev", "/dev"]
    return arguments


def python_folders() -> list[Path]:
    """What the course's Python needs, read-only: the environment, its base interpreter,
    and the folder holding course_lib (an editable install points outside the environment)."""
    import course_lib

    folders = {
        Path(path).resolve()
        for path in (
            sys.prefix,
            sys.exec_prefix,
            sys.base_prefix,
            sys.base_exec_prefix,
            Path(sys.executable).resolve().parent,
            Path(course_lib.__file__).resolve().parent,
        )
    }
    kept: list[Path] = []
    for folder in sorted(folders, key=lambda path: len(path.parts)):
        if not any(parent in kept for parent in folder.parents):
            kept.append(folder)  # a folder inside one already bound needs no bind of its own
    return kept


def course_lib_parent() -> Path:
    """The folder to put on the kernel's PYTHONPATH so that ``import course_lib`` works."""
    import course_lib

    return Path(course_lib.__file__).resolve().parents[1]


def data_folders(home: Path) -> list[tuple[Path, Path]]:
    """(host path, path in the sandbox) of the course's data, read-only: the folder named by
    ``COURSE_DATA_DIR`` and the grader's user cache of Fashion-MNIST, when they exist."""
    pairs = []
    named = os.environ.get("COURSE_DATA_DIR")
    if named and Path(named).expanduser().is_dir():
        path = Path(named).expanduser().resolve()
        pairs.append((path, path))
    xdg = os.environ.get("XDG_CACHE_HOME")
    cache_base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    if (cache_base / "nn-course").is_dir():
        pairs.append(((cache_base / "nn-course").resolve(), home / ".cache" / "nn-course"))
    return pairs


def bubblewrap_command(
    command: list[str], *, folder: RunFolder, environment: dict[str, str]
) -> list[str]:
    """``command`` (a kernel's argv) wrapped in bwrap for ``folder``, with exactly ``environment``.

    The connection file and sockets in ``folder.kernel``, and ``folder.work`` and
    ``folder.home``, keep their paths inside the sandbox, so the grader and the
    kernel name them alike; ``folder.tmp`` and ``folder.shm`` are ``/tmp`` and
    ``/dev/shm`` there.
    """
    arguments = ["bwrap", *_namespace_arguments(), *_system_arguments()]
    # Scratch space on disk, not in memory (a tmpfs would let a learner fill the RAM);
    # bound first: a later bind wins, and the run folder, or even the course and its
    # environment (a clone in /tmp), may lie under /tmp.
    arguments += ["--bind", str(folder.tmp), "/tmp", "--bind", str(folder.shm), "/dev/shm"]
    for path in python_folders():
        arguments += ["--ro-bind", str(path), str(path)]
    for path in (folder.kernel, folder.work, folder.home):
        arguments += ["--bind", str(path), str(path)]
    for host, inside in data_folders(folder.home):
        arguments += ["--ro-bind", str(host), str(inside)]
    passwd, group = _identity_files(folder)
    arguments += ["--ro-bind", str(passwd), "/etc/passwd", "--ro-bind", str(group), "/etc/group"]
    # The root bwrap builds is a tmpfs: read-only, so nothing but the binds above is writable.
    arguments += ["--remount-ro", "/", "--chdir", str(folder.work), "--clearenv"]
    for name, value in sorted(environment.items()):
        arguments += ["--setenv", name, value]
    # parent_guard.py closes the window in which a grader killed while bwrap starts would
    # leave the sandbox running (see its docstring).
    guard = [os.path.abspath(sys.executable), "-I", "-S", str(PARENT_GUARD), str(os.getpid())]
    return [*guard, *arguments, "--", *command]


def _identity_files(folder: RunFolder) -> tuple[Path, Path]:
    """Minimal /etc/passwd and /etc/group naming the kernel's user, so that libraries which
    look the user up find one (the real files are not shown)."""
    uid, gid = os.getuid(), os.getgid()
    etc = folder.top / "etc"
    etc.mkdir(exist_ok=True)
    passwd, group = etc / "passwd", etc / "group"
    passwd.write_text(f"learner:x:{uid}:{gid}:learner:{folder.home}:/bin/sh\n")
    group.write_text(f"learner:x:{gid}:\n")
    return passwd, group


def copy_font_cache(destination: Path) -> None:
    """Copy the grader's matplotlib font list into ``destination`` (a kernel's MPLCONFIGDIR),
    so that a kernel does not rebuild it; nothing happens when there is none."""
    candidates = []
    if os.environ.get("MPLCONFIGDIR"):
        candidates.append(Path(os.environ["MPLCONFIGDIR"]))
    xdg = os.environ.get("XDG_CACHE_HOME")
    candidates.append((Path(xdg) if xdg else Path.home() / ".cache") / "matplotlib")
    for folder in candidates:
        try:
            found = sorted(folder.glob("fontlist-v*.json"))
        except OSError:
            continue
        if found:
            destination.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copy(found[-1], destination / found[-1].name)
            except OSError:
                pass
            return
