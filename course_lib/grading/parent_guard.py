"""Start a command that dies with the grader, even when the grader dies while it starts.

Usage (the grader builds this command, see course_lib/grading/sandbox.py)::

    python -I -S parent_guard.py GRADER_PID COMMAND [ARGS...]

bwrap's ``--die-with-parent`` asks the kernel (Linux's ``PR_SET_PDEATHSIG``) to
kill the sandbox when the grader dies, but only from the moment bwrap makes the
request: a grader killed between starting bwrap and that moment would leave the
sandbox running. This script makes the same request first, checks that the
grader is still its parent (if not, the grader is gone: it exits), then
replaces itself with the command, which keeps the request (bwrap is not a
set-user-ID program here; if it were, it makes its own request at once).

Kept free of imports beyond the standard library's smallest: it runs before
every sandboxed kernel. Taught in no notebook; used by ``course grade``.
"""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main() -> None:
    grader, command = int(sys.argv[1]), sys.argv[2:]
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != grader:
        os._exit(1)  # the grader died before the request above was in place
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
