"""Grading kernels have no network: in the bubblewrap sandbox always, otherwise where the
system allows it (unshare -n); the grader says so when they have it."""

import socket
import threading

import pytest
from grading_notebooks import (
    CORRECT,
    TEST_LIMITS,
    require_bubblewrap,
    save,
    submission,
    write_source,
)

from course_lib.grading import grade_submission
from course_lib.grading import gradebook as gradebook_module
from course_lib.grading.gradebook import grade_folder
from course_lib.grading.kernel import NO_NETWORK_ISOLATION, network_isolation_available
from course_lib.grading.limits import Limits


@pytest.fixture
def local_server():
    """A TCP server on 127.0.0.1 that accepts connections; yields its port."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
                connection.close()
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def reaching(port: int):
    answer = (
        "import socket\n"
        "def half(x):\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
        "    return x / 2"
    )
    return submission({**CORRECT, "half": answer})


@pytest.mark.slow
def test_a_kernel_cannot_reach_a_server_on_localhost(local_server, tmp_path):
    source_path = write_source(tmp_path)
    if not network_isolation_available():
        pytest.skip(
            "`unshare -n` is not available here (it needs Linux and root), so kernels "
            "outside bubblewrap keep the network; the grader warns about it"
        )
    path = save(reaching(local_server), tmp_path / "alice.ipynb")

    isolated = grade_submission(source_path, path, sandbox="none", **TEST_LIMITS)
    half = {task.grade_id: task for task in isolated.tasks}["half-tests"]
    assert half.status == "error"
    assert half.reason.startswith("OSError: [Errno 101] Network is unreachable")

    # The same notebook reaches the server when isolation is off: the check above is real.
    connected = grade_submission(
        source_path, path, isolate_network=False, sandbox="none", **TEST_LIMITS
    )
    assert {task.grade_id: task.status for task in connected.tasks}["half-tests"] == "pass"


@pytest.mark.slow
def test_a_sandboxed_kernel_cannot_reach_a_server_on_the_hosts_localhost(local_server, tmp_path):
    require_bubblewrap()
    source_path = write_source(tmp_path)
    path = save(reaching(local_server), tmp_path / "alice.ipynb")
    isolated = grade_submission(source_path, path, sandbox="bubblewrap", **TEST_LIMITS)
    half = {task.grade_id: task for task in isolated.tasks}["half-tests"]
    # 127.0.0.1 in the sandbox is its own loopback, where nothing listens.
    assert half.status == "error"
    assert half.reason.startswith("ConnectionRefusedError: [Errno 111] Connection refused")
    assert isolated.isolation == "bubblewrap"


def test_without_isolation_the_grader_warns_once_in_its_output_and_summary(tmp_path, monkeypatch):
    source_path = write_source(tmp_path)
    monkeypatch.setattr(gradebook_module, "network_isolation_available", lambda: False)
    folder = tmp_path / "submissions"
    for name in ("alice", "bob"):
        (folder / f"{name}.ipynb").parent.mkdir(exist_ok=True)
        (folder / f"{name}.ipynb").write_text("not json")  # invalid: no kernel is started
    lines = []
    grade_folder(
        source_path,
        folder,
        tmp_path / "out",
        limits=Limits(**TEST_LIMITS, sandbox="none"),
        report=lines.append,
    )
    assert sum(NO_NETWORK_ISOLATION in line for line in lines) == 1
    assert NO_NETWORK_ISOLATION in (tmp_path / "out" / "summary.md").read_text()
