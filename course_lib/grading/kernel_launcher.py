"""Start an IPython kernel under the grader's limits; the grader runs this file as a script.

Usage (the grader builds this command, see course_lib/grading/kernel.py)::

    python kernel_launcher.py [--memory-limit BYTES] [--grader-pipe FD] -f CONNECTION_FILE

The memory limit is an address-space limit (RLIMIT_AS) set in this process
before IPython is imported, so an allocation beyond it raises MemoryError in
the learner's code instead of exhausting the machine. On Linux the kernel also
asks to be killed when the grader dies, so an interrupted batch leaves no
kernel behind even if the learner's code never returns to the interpreter.
In the bubblewrap sandbox the grader is not the kernel's parent, so that
request cannot name it: there the kernel gets the read end of a pipe whose
other end only the grader holds (``--grader-pipe FD``), and a thread ends the
kernel when the pipe closes, which happens when the grader dies, however it
dies; the sandbox then ends with the kernel.
A cell's printed output is capped (``OUTPUT_CHARS_PER_CELL``): the grader keeps
no outputs, and a learner printing in a tight loop would otherwise queue
gigabytes of messages in the kernel faster than the grader reads them and run
it out of memory, so every later task would fail for a print statement. For
the same reason IPython's own record of printed output is switched off.
The debugger (debugpy) is left out: a grading kernel never needs it, and
importing it costs every submission start-up time.

Kept free of course_lib imports: it runs in the kernel's process, where every
import costs start-up time. Taught in no notebook; used by ``course grade``.
"""

import os
import sys


def _limit_address_space(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


OUTPUT_CHARS_PER_CELL = 5_000_000


def _cap_output_per_cell(limit: int) -> None:
    """Drop a cell's stream output beyond its first ``limit`` characters."""
    from ipykernel import iostream

    write = iostream.OutStream.write
    sent = {"cell": None, "chars": 0}

    def capped_write(self, string):
        cell = (getattr(self, "parent_header", None) or {}).get("msg_id")
        if cell != sent["cell"]:
            sent["cell"], sent["chars"] = cell, 0
        if sent["chars"] > limit:
            return len(string)  # dropped: the grader keeps no outputs
        sent["chars"] += len(string)
        if sent["chars"] > limit:
            write(self, f"\n[the grader drops this cell's output beyond {limit:,} characters]\n")
            return len(string)
        return write(self, string)

    iostream.OutStream.write = capped_write


def _keep_no_record_of_printed_output() -> None:
    """Stop IPython (9+) keeping every printed string for ``%history -o``.

    IPython wraps ``sys.stdout.write`` during each cell and appends every string
    to ``history_manager.outputs``; a grading kernel never shows history, and
    that record grows without bound in a cell that prints in a loop.
    """
    import contextlib

    from IPython.core.interactiveshell import InteractiveShell

    if hasattr(InteractiveShell, "_tee"):
        InteractiveShell._tee = lambda self, channel: contextlib.nullcontext()


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return  # ipykernel's own parent poller still ends an orphaned kernel
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != int(os.environ.get("JPY_PARENT_PID") or os.getppid()):
        os._exit(1)  # the grader died before the request above was in place


def _die_with_pipe(descriptor: int) -> None:
    import threading

    def watch() -> None:
        try:
            while os.read(descriptor, 1):
                pass  # the grader never writes: read returns b"" when it is gone
        except OSError:
            pass
        os._exit(1)

    threading.Thread(target=watch, name="course-grader-watch", daemon=True).start()


def main() -> None:
    arguments = sys.argv[1:]
    if arguments[:1] == ["--memory-limit"]:
        _limit_address_space(int(arguments[1]))
        arguments = arguments[2:]
    if arguments[:1] == ["--grader-pipe"]:
        _die_with_pipe(int(arguments[1]))
        arguments = arguments[2:]
    _die_with_parent()
    # No debugger in a grading kernel: importing debugpy is about a fifth of
    # the kernel's start-up time, paid by every submission.
    sys.modules["debugpy"] = None
    # Like ipykernel_launcher: this script's folder must not shadow the
    # learner's modules; IPython puts the working directory on sys.path itself.
    del sys.path[0]
    sys.argv = [sys.argv[0], *arguments]
    _cap_output_per_cell(OUTPUT_CHARS_PER_CELL)
    _keep_no_record_of_printed_output()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
