"""The bubblewrap sandbox, checked from inside a grading kernel, and its run folders.

Each test cell of the source below checks one promise of course_lib/grading/sandbox.py
from inside the kernel; the submission is the source itself, so every test must pass.
These tests run where bwrap works; on CI (CI=true, which installs bubblewrap) a missing
bwrap is a failure, elsewhere a skip that says so.
"""

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from grading_notebooks import TEST_LIMITS, nbgrader, require_bubblewrap, save
from nbformat.v4 import new_code_cell, new_notebook

from course_lib.grading import grade_submission
from course_lib.grading.sandbox import (
    LOCKED_MARK,
    RUN_FOLDER_PREFIX,
    bubblewrap_problem,
    choose_isolation,
    remove_stale_run_folders,
    run_folder,
)

ROOT = Path(__file__).resolve().parents[2]


def inside_checks(*, hidden_paths: list[str], grader_pid: int, limit: int) -> dict[str, str]:
    """Test cells that check the sandbox from inside the kernel, by name."""
    return {
        "own-python": f"import sys\nassert sys.executable == {sys.executable!r}, sys.executable",
        "sees-no-source-or-output": (
            "import os\n"
            f"for path in {hidden_paths!r}:\n"
            "    assert not os.path.exists(path), f'{path} is visible'"
        ),
        "own-pid-namespace": (
            "import os\n"
            "assert os.getppid() == 1, os.getppid()\n"
            "pids = [int(name) for name in os.listdir('/proc') if name.isdigit()]\n"
            "assert max(pids) < 50 and len(pids) < 10, pids\n"
            f"assert {grader_pid} not in pids or {grader_pid} < 50"
        ),
        "no-network-but-own-loopback": (
            "import socket\n"
            "try:\n"
            "    socket.create_connection(('192.0.2.1', 80), timeout=2)\n"
            "except OSError as error:\n"
            "    assert 'unreachable' in str(error).lower(), error\n"
            "else:\n"
            "    raise AssertionError('reached the network')"
        ),
        "own-hostname": "import socket\nassert socket.gethostname() == 'grading'",
        "clean-environment": (
            "import os\n"
            "assert 'COURSE_TEST_SECRET' not in os.environ, 'grader environment leaked'\n"
            "assert 'JPY_PARENT_PID' not in os.environ\n"
            "assert os.environ['COURSE_GRADING'] == '1'\n"
            "assert os.environ['HOME'].startswith(os.path.dirname(os.getcwd()))"
        ),
        "writable-own-folders-only": (
            "import os, sys, tempfile\n"
            "open('scratch.txt', 'w').write('mine')\n"
            "open(os.path.join(os.environ['HOME'], 'x'), 'w').write('mine')\n"
            "tempfile.NamedTemporaryFile().close()\n"
            "for path in (sys.prefix, os.path.dirname(os.__file__), '/', '/etc', '/usr'):\n"
            "    try:\n"
            "        open(os.path.join(path, 'intruder'), 'w')\n"
            "    except OSError:\n"
            "        pass\n"
            "    else:\n"
            "        raise AssertionError(f'{path} is writable')"
        ),
        "no-secrets-in-etc": (
            "import os\n"
            "assert not os.path.exists('/etc/shadow')\n"
            "assert open('/etc/passwd').read().startswith('learner:')"
        ),
        "memory-limit": (
            f"import resource\nassert resource.getrlimit(resource.RLIMIT_AS)[0] == {limit}"
        ),
        "course-libraries": (
            "import numpy, matplotlib.pyplot, course_lib.nn, course_lib.grading.exercise_support"
        ),
    }


def sandbox_source(**kwargs):
    cells = [
        new_code_cell(code, metadata=nbgrader(name, grade=True, points=1))
        for name, code in inside_checks(**kwargs).items()
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return notebook


@pytest.mark.slow
def test_a_sandboxed_kernel_sees_only_its_own_folder_and_the_course_environment(
    tmp_path, monkeypatch
):
    require_bubblewrap()
    monkeypatch.setenv("COURSE_TEST_SECRET", "do-not-leak")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    source_path = tmp_path / "source" / "sandbox.ipynb"
    submission = tmp_path / "submissions" / "alice.ipynb"
    hidden = [
        str(ROOT / "solutions"),
        str(ROOT / "exercises"),
        str(source_path),
        str(submission),
        str(tmp_path / "out"),
        str(Path.home() / ".ssh"),
        "/work" if ROOT.is_relative_to("/work") else str(ROOT.parent),
    ]
    hidden = [path for path in hidden if not str(ROOT / ".venv").startswith(path)]
    source = sandbox_source(
        hidden_paths=hidden, grader_pid=os.getpid(), limit=TEST_LIMITS["memory_limit"]
    )
    save(source, source_path)
    save(source, submission)
    result = grade_submission(source_path, submission, sandbox="bubblewrap", **TEST_LIMITS)
    failures = {task.grade_id: task.reason for task in result.tasks if task.status != "pass"}
    assert failures == {}
    assert result.isolation == "bubblewrap"
    assert not list((tmp_path / "tmp").glob(f"{RUN_FOLDER_PREFIX}*")), "a run folder is left"


def test_sandbox_choice_auto_bubblewrap_none():
    assert choose_isolation("none") == "process"
    if bubblewrap_problem() is None:
        assert choose_isolation("auto") == choose_isolation("bubblewrap") == "bubblewrap"
    else:
        assert choose_isolation("auto") == "process"
        with pytest.raises(ValueError, match="--sandbox bubblewrap: "):
            choose_isolation("bubblewrap")
    with pytest.raises(ValueError, match="sandbox must be one of"):
        choose_isolation("docker")


def test_run_folders_are_private_locked_and_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    with run_folder() as folder:
        assert folder.top.parent == tmp_path and folder.top.name.startswith(RUN_FOLDER_PREFIX)
        for path in (folder.kernel, folder.work, folder.home, folder.tmp):
            assert path.is_dir() and (path.stat().st_mode & 0o777) == 0o700
        assert (folder.top / LOCKED_MARK).exists()
        descriptor = os.open(folder.top, os.O_RDONLY)
        with pytest.raises(BlockingIOError):  # the grader holds the lock
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(descriptor)
    assert not folder.top.exists()


def test_a_killed_graders_run_folders_are_removed_by_the_next_run(tmp_path):
    old = time.time() - 3600

    def folder(name, *, marked=True, age=old):
        path = tmp_path / f"{RUN_FOLDER_PREFIX}{name}"
        (path / "work").mkdir(parents=True)
        (path / "work" / "alice.ipynb").write_text("{}")
        if marked:
            (path / LOCKED_MARK).touch()
        os.utime(path, (age, age))
        return path

    stale, busy, fresh = folder("stale"), folder("busy"), folder("fresh", age=time.time())
    unmarked = folder("unmarked", marked=False)  # a grader that does not lock: maybe running
    descriptor = os.open(busy, os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_EX)  # a grader still running
    try:
        removed = remove_stale_run_folders(tmp_path)
    finally:
        os.close(descriptor)
    assert removed == [stale]
    assert not stale.exists() and busy.exists() and fresh.exists() and unmarked.exists()


def test_a_kernel_ends_itself_when_the_graders_pipe_closes():
    # How a sandboxed kernel dies with a grader that is not its parent (kernel_launcher.py).
    read_end, write_end = os.pipe()
    code = (
        "import sys, time\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from kernel_launcher import _die_with_pipe\n"
        "_die_with_pipe(int(sys.argv[1]))\n"
        "time.sleep(60)"
    )
    folder = str(ROOT / "course_lib" / "grading")
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(read_end), folder], pass_fds=(read_end,)
    )
    os.close(read_end)
    time.sleep(0.5)
    assert process.poll() is None  # alive while the grader holds the write end
    os.close(write_end)  # what the grader's death does
    assert process.wait(timeout=10) == 1


def test_a_course_environment_under_tmp_stays_visible_in_the_sandbox(monkeypatch, tmp_path):
    """/tmp is the run's scratch folder in the sandbox; a course cloned into /tmp (a CI
    checkout, a container's work folder) must not vanish under it."""
    require_bubblewrap()
    from course_lib.grading import sandbox

    environment = Path(tempfile.mkdtemp(dir="/tmp", prefix="course-env-"))
    try:
        (environment / "probe.py").write_text("print('the environment under /tmp is visible')\n")
        folders = sandbox.python_folders()
        monkeypatch.setattr(sandbox, "python_folders", lambda: [*folders, environment])
        monkeypatch.setenv("TMPDIR", str(tmp_path))
        monkeypatch.setattr("tempfile.tempdir", None)
        with run_folder() as folder:
            command = sandbox.bubblewrap_command(
                [sys.executable, str(environment / "probe.py")],
                folder=folder,
                environment={"PATH": "/usr/bin:/bin"},
            )
            result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "the environment under /tmp is visible" in result.stdout
    finally:
        shutil.rmtree(environment)
