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
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
