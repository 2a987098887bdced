"""Running a plan in a fresh grading kernel, cell by cell, within time limits.

nbclient executes each segment of the plan (``allow_errors=True``, so an
error never stops the notebook) in a ``GradingKernelManager`` kernel; the
outcome of every segment is read from the kernel's execute reply, never from
the cell's outputs (which are not even kept: a learner printing in a loop
must not fill the grader's memory).

- Before the learner's code, a silent setup request seeds ``random`` and
  NumPy's legacy global generator with the grading seed (``PYTHONHASHSEED`` is
  set in the kernel's environment) and records what ``kernel_guard.py``
  protects.
- Before every test segment, a request that runs no cell code puts back
  whatever the learner replaced since (``np.isclose``, IPython's AST
  transformers...); what it put back is reported (``Run.restored``).
- A test segment passes only if the kernel replies "ok" *and* a random token
  assigned by a line the grader appends to the segment is then found in the
  kernel: proof that the test ran to its last line. The same request removes
  the test's source from the kernel's history and line cache.
- A segment over the per-cell limit is interrupted (SIGINT), and the notebook
  goes on if the kernel answers within ``INTERRUPT_GRACE`` seconds; otherwise,
  or when the total limit is reached, or when the kernel dies, the kernel is
  killed and every remaining segment is recorded as not run, with the reason.

Taught in no notebook; used by ``course check`` and ``course grade``.
"""

from __future__ import annotations

import ast
import asyncio
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from queue import Empty

import nbformat
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from course_lib.grading.files import format_bytes
from course_lib.grading.kernel import (
    GradingKernelManager,
    kernel_environment,
    network_isolation_available,
)
from course_lib.grading.limits import BARE_KERNEL_ADDRESS_SPACE, Limits
from course_lib.grading.plan import Plan, Segment, task_name
from course_lib.grading.sandbox import (
    BUBBLEWRAP,
    PROCESS,
    RunFolder,
    isolation_name,
    run_folder,
)

INTERRUPT_GRACE = 5.0
STARTUP_TIMEOUT = 60.0
STARTUP_GUARD = 30.0  # seconds for the setup request (it imports NumPy and course_lib)
CHECKPOINT = "__course_grading_checkpoint__"
GUARD = "__import__('course_lib.grading.kernel_guard', fromlist=['kernel_guard'])"

_log = logging.getLogger("course_lib.grading.kernel")
_log.addHandler(logging.NullHandler())
_log.propagate = False


@dataclass
class SegmentRun:
    """What happened to one segment of the plan.

    ``status``: "ok"; "error" (the code raised: ``ename``, ``evalue``,
    ``traceback``); "timeout" (over the cell limit, interrupted); "stopped"
    (the kernel died or was killed while it ran); "not-run" (the notebook had
    stopped before it); "unconfirmed" (the kernel said ok but the test did not
    reach its last line). ``message`` explains the last four.
    """

    status: str
    ename: str = ""
    evalue: str = ""
    traceback: list[str] = field(default_factory=list)
    message: str = ""
    execution_count: int | None = None


@dataclass
class Run:
    """The outcome of every segment, in plan order, and why the run stopped early (if it did).

    ``isolation`` names the sandbox the kernel ran in (``sandbox.isolation_name``);
    ``restored`` holds, for the index of each test segment before which the
    kernel guard had to put something back, what it put back.
    """

    segments: list[SegmentRun]
    notes: list[str]
    seconds: float
    isolation: str = PROCESS
    restored: dict[int, list[str]] = field(default_factory=dict)


def describe_segment(segment: Segment) -> str:
    """``cell 7 (`while True:`)`` or ``the test cell of task 'sigmoid'``: for messages."""
    if segment.task is not None:
        kind = "hidden tests" if segment.hidden else "test cell"
        return f"the {kind} of task '{task_name(segment.task)}'" + (
            f" (cell {segment.cell})" if segment.cell else ""
        )
    lines = [line.strip() for line in segment.code.splitlines() if line.strip()]
    code_lines = [line for line in lines if not line.startswith("#")]
    first_line = (code_lines or lines or [""])[0]
    if len(first_line) > 40:
        first_line = first_line[:37] + "..."
    where = f"cell {segment.cell}" if segment.cell else "a read-only cell put back"
    return f"{where} (`{first_line}`)"


SETUP_CODE = """\
def __course_grading_setup(seed):
    import random
    random.seed(seed)
    try:
        import numpy
    except ImportError:
        return
    numpy.random.seed(seed)
__course_grading_setup({seed})
del __course_grading_setup
"""


class _GradingClient(NotebookClient):
    """nbclient's client, keeping no outputs and ignoring widget messages."""

    def output(self, outs, msg, display_id, cell_index):
        return None

    def handle_comm_msg(self, outs, msg, cell_index):
        return None


async def run_plan(
    plan: Plan,
    *,
    notebook: bytes,
    notebook_name: str,
    limits: Limits,
    seed: int,
    isolation: str = PROCESS,
) -> Run:
    """Run ``plan`` in a fresh kernel whose working folder holds only ``notebook``.

    ``isolation`` is ``"bubblewrap"`` or ``"process"`` (``sandbox.choose_isolation``).
    Never raises for anything the learner's code does; returns one
    ``SegmentRun`` per segment of the plan.
    """
    started = time.monotonic()
    deadline = started + limits.total_timeout
    # One short-named, locked folder per run (sandbox.run_folder): the kernel's
    # sockets in kernel/ (Unix socket paths must stay under about 100 bytes),
    # the learner's working folder in work/.
    with run_folder() as folder:
        (folder.work / notebook_name).write_bytes(notebook)
        runner = _Runner(plan, folder, limits, seed, deadline, isolation)
        try:
            await runner.run()
        finally:
            await runner.stop_kernel()
    network = isolation == PROCESS and not runner.km_isolates_network
    return Run(
        runner.outcomes,
        runner.notes,
        time.monotonic() - started,
        isolation_name(isolation, network=network),
        runner.restored,
    )


class _Runner:
    def __init__(self, plan, folder: RunFolder, limits, seed, deadline, isolation):
        self.plan, self.folder = plan, folder
        self.limits, self.seed, self.deadline = limits, seed, deadline
        self.isolation = isolation
        self.outcomes: list[SegmentRun] = []
        self.notes: list[str] = []
        self.tokens: dict[int, str] = {}
        self.restored: dict[int, list[str]] = {}
        cells = []
        for index, segment in enumerate(plan.segments):
            code = segment.code
            if segment.task is not None:
                self.tokens[index] = secrets.token_hex(8)
                code = f"{code}\n{CHECKPOINT} = {self.tokens[index]!r}"
            cells.append(nbformat.v4.new_code_cell(code))
        self.km_isolates_network = limits.isolate_network and network_isolation_available()
        self.environment = kernel_environment(seed=seed, folder=folder, isolation=isolation)
        # The kernel ends itself when this pipe closes: when the grader dies, however it
        # dies (bwrap's --die-with-parent misses a grader killed while the sandbox starts).
        self.pipe = os.pipe() if isolation == BUBBLEWRAP else None
        self.km = GradingKernelManager(
            folder=folder,
            memory_limit=limits.memory_limit,
            isolate_network=self.km_isolates_network,
            isolation=isolation,
            environment=self.environment,
            grader_pipe=self.pipe[0] if self.pipe else None,
            log=_log,
        )
        self.client = _GradingClient(
            nbformat.v4.new_notebook(cells=cells),
            km=self.km,
            allow_errors=True,
            timeout_func=self._timeout,
            startup_timeout=int(min(STARTUP_TIMEOUT, limits.total_timeout)) or 1,
            record_timing=False,
            store_widget_state=False,
            log=_log,
        )
        self.client.on_cell_executed = self._record_reply
        self.replies: dict[int, dict] = {}
        self.stopped = False

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _timeout(self, cell) -> float:
        return max(0.01, min(self.limits.cell_timeout, self._remaining()))

    def _record_reply(self, cell, cell_index, execute_reply):
        self.replies[cell_index] = execute_reply

    async def run(self) -> None:
        segments = self.plan.segments
        try:
            await asyncio.wait_for(self._start_kernel(), timeout=max(0.01, self._remaining()))
        except Exception as error:  # any failure to start is reported, never raised
            if isinstance(error, asyncio.TimeoutError):
                reason = f"the grading kernel did not start within the {self._total()} limit"
            else:
                reason = f"the grading kernel could not start ({self._kernel_error(error)})"
            limit = self.limits.memory_limit
            if limit is not None and limit < BARE_KERNEL_ADDRESS_SPACE:
                usual = format_bytes(BARE_KERNEL_ADDRESS_SPACE)
                reason += (
                    f"; the memory limit of {format_bytes(limit)} is probably too low: a kernel "
                    f"with the course's libraries takes about {usual}"
                )
            self.notes.append(reason)
            self.outcomes = [SegmentRun("not-run", message=reason) for _ in segments]
            return
        setup = await self._request(
            SETUP_CODE.format(seed=self.seed),
            timeout=STARTUP_GUARD,
            user_expressions={"guard": f"{GUARD}.snapshot()"},
        )
        if setup is None or setup["content"]["status"] != "ok":
            self.notes.append("the grading seeds could not be set in the kernel")
        elif setup["content"].get("user_expressions", {}).get("guard", {}).get("status") != "ok":
            self.notes.append("the kernel guard could not start in the kernel")
        for index, segment in enumerate(segments):
            if self._remaining() <= 0.01:
                self._stop_all(
                    index,
                    f"the notebook reached the {self._total()} limit "
                    f"before {describe_segment(segment)} could run",
                )
                return
            outcome = await self._run_segment(index, segment)
            self.outcomes.append(outcome)
            if outcome.status == "stopped":
                self._stop_all(index + 1, outcome.message)
                return

    def _total(self) -> str:
        return f"{self.limits.total_timeout:g} s total time"

    def _stop_all(self, start: int, message: str) -> None:
        for _ in self.plan.segments[start:]:
            self.outcomes.append(SegmentRun("not-run", message=message))
        if message not in self.notes:
            self.notes.append(message)

    async def _start_kernel(self) -> None:
        # The kernel's own output (start-up errors, C libraries' messages) goes to a
        # log, not to the grader's terminal; the learner's output goes through the kernel.
        extra = {"pass_fds": (self.pipe[0],)} if self.pipe else {}
        with open(self.folder.log, "wb") as log:
            try:
                await self.client.async_start_new_kernel(
                    cwd=str(self.folder.work), env=self.environment, stdout=log, stderr=log, **extra
                )
            finally:
                self._close_pipe(read_end_only=True)
        await self.client.async_start_new_kernel_client()

    def _close_pipe(self, *, read_end_only: bool = False) -> None:
        """Close the grader's copies of the pipe's ends (the kernel keeps its read end)."""
        if self.pipe is None:
            return
        read_end, write_end = self.pipe
        for descriptor in (read_end,) if read_end_only else (read_end, write_end):
            try:
                os.close(descriptor)
            except OSError:
                pass  # already closed
        self.pipe = (-1, write_end) if read_end_only else None

    def _kernel_error(self, error: Exception) -> str:
        """The last line the kernel logged (its own error), else the client's error."""
        try:
            lines = self.folder.log.read_text(errors="replace").splitlines()
        except OSError:
            lines = []
        last = next((line.strip() for line in reversed(lines) if line.strip()), "")
        return last or f"{type(error).__name__}: {error}"

    async def _run_segment(self, index: int, segment: Segment) -> SegmentRun:
        cell = self.client.nb.cells[index]
        where = describe_segment(segment)
        if segment.task is not None:
            await self._guard_before_test(index)
        cell_limited = self.limits.cell_timeout < self._remaining()
        try:
            await self.client.async_execute_cell(cell, index)
        except CellTimeoutError:
            if not cell_limited:
                await self.stop_kernel()
                return SegmentRun(
                    "stopped",
                    message=f"the notebook reached the {self._total()} limit while running {where}",
                )
            message = f"{where} exceeded the {self.limits.cell_timeout:g} s cell time limit"
            await ensure_async(self.km.interrupt_kernel())
            if await self._request("", timeout=INTERRUPT_GRACE) is None:
                await self.stop_kernel()
                return SegmentRun(
                    "stopped",
                    message=f"{message} and could not be interrupted, so the rest "
                    "of the notebook did not run",
                )
            return SegmentRun("timeout", message=message)
        except DeadKernelError:
            return SegmentRun("stopped", message=await self._death_message(where))
        reply = self.replies.get(index, {}).get("content", {})
        if reply.get("status") == "ok":
            count = reply.get("execution_count")
            if index in self.tokens and not await self._checkpoint_reached(index, count):
                return SegmentRun(
                    "unconfirmed",
                    message="the test did not run to its end (the kernel "
                    "reported success, but the test's last line never ran)",
                )
            return SegmentRun("ok", execution_count=reply.get("execution_count"))
        if reply.get("status") == "error":
            return SegmentRun(
                "error",
                ename=str(reply.get("ename", "")),
                evalue=str(reply.get("evalue", "")),
                traceback=[str(line) for line in reply.get("traceback", [])],
                execution_count=reply.get("execution_count"),
            )
        return SegmentRun("error", ename="KernelError", evalue=f"the kernel replied {reply!r}")

    async def _checkpoint_reached(self, index: int, execution_count) -> bool:
        expressions = {"checkpoint": CHECKPOINT}
        if isinstance(execution_count, int):
            expressions["forget"] = f"{GUARD}.forget({execution_count})"
        reply = await self._request("", timeout=INTERRUPT_GRACE, user_expressions=expressions)
        if reply is None:
            return False
        value = reply["content"].get("user_expressions", {}).get("checkpoint", {})
        return value.get("data", {}).get("text/plain") == repr(self.tokens[index])

    async def _guard_before_test(self, index: int) -> None:
        """Ask the kernel guard to put back what the learner replaced; record what it did."""
        reply = await self._request(
            "", timeout=INTERRUPT_GRACE, user_expressions={"guard": f"{GUARD}.before_test()"}
        )
        if reply is None:
            return  # the kernel is busy or dead: the test's own run will say so
        value = reply["content"].get("user_expressions", {}).get("guard", {})
        if value.get("status") != "ok":
            self.restored[index] = ["the kernel guard itself (it failed to run)"]
            return
        try:
            restored = ast.literal_eval(value.get("data", {}).get("text/plain", "[]"))
        except (ValueError, SyntaxError):
            restored = ["the kernel guard itself (its answer was altered)"]
        if restored:
            self.restored[index] = [str(name)[:200] for name in restored][:20]

    async def _request(self, code: str, *, timeout: float, user_expressions=None) -> dict | None:
        """Send a silent execute request; its reply, or None if none came in ``timeout`` s."""
        kc = self.client.kc
        if kc is None:
            return None
        msg_id = await ensure_async(
            kc.execute(
                code,
                silent=True,
                store_history=False,
                user_expressions=user_expressions or {},
                allow_stdin=False,
            )
        )
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                message = await ensure_async(kc.shell_channel.get_msg(timeout=min(left, 1.0)))
            except Empty:
                if not await ensure_async(self.km.is_alive()):
                    return None
                continue
            if message["parent_header"].get("msg_id") == msg_id:
                return message
        return None

    async def _death_message(self, where: str) -> str:
        process = getattr(self.km.provisioner, "process", None)
        code = None
        if process is not None:
            for _ in range(20):
                code = process.poll()
                if code is not None:
                    break
                await asyncio.sleep(0.05)
        if self.isolation == BUBBLEWRAP and code is not None and code > 128:
            code = -(code - 128)  # bwrap exits with 128 + N when the kernel died of signal N
        await self.stop_kernel()
        limit = self.limits.memory_limit
        hint = (
            f"; it may have run out of memory (limit {format_bytes(limit)})"
            if limit and code in (-6, -11)
            else ""
        )
        return f"the kernel died (exit code {code}) while running {where}{hint}"

    async def stop_kernel(self) -> None:
        """Kill the kernel's process group and release its sockets (idempotent)."""
        if self.stopped:
            return
        self.stopped = True
        try:
            if self.km.has_kernel:
                await self.km.shutdown_kernel(now=True)
            else:
                await ensure_async(self.km.cleanup_resources())
        except Exception as error:  # never let cleanup hide the result
            _log.warning("could not stop the grading kernel: %s", error)
        finally:
            self._close_pipe()
            if self.client.kc is not None:
                self.client.kc.stop_channels()
                self.client.kc = None
