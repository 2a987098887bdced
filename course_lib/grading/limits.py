"""The limits of a grading run: time per cell and per notebook, memory, network.

Kept apart (and free of heavy imports) so the command line can show the
defaults without loading the grader. Taught in no notebook.
"""

from __future__ import annotations

from dataclasses import dataclass

GIB = 2**30
SANDBOX_CHOICES = ("auto", "bubblewrap", "none")  # sandbox.py documents them

DEFAULT_CELL_TIMEOUT = 60.0
DEFAULT_TOTAL_TIMEOUT = 300.0

# Address space (VmPeak) of an idle grading kernel, measured with
# `python benchmarks/grading.py --measure-kernel` (Linux x86-64, Python 3.11,
# 12 threads): 0.33 GB after `import numpy, matplotlib.pyplot`, 1.0 GB after
# also importing course_lib, scikit-learn and torch. That is in the grading
# kernel's environment (kernel.py): glibc reserves a 64 MB malloc arena per thread, and
# MALLOC_ARENA_MAX=2 caps them; without it the same kernels take 0.85 GB and
# 1.5 GB. The default limit leaves 1.5 GB for the learner's data on top of the
# heavier kernel: 2.5 GB.
BARE_KERNEL_ADDRESS_SPACE = 1 * GIB
DEFAULT_MEMORY_LIMIT = BARE_KERNEL_ADDRESS_SPACE + 3 * GIB // 2


@dataclass(frozen=True)
class Limits:
    """The limits of one submission's run, in seconds and bytes.

    ``cell_timeout``: one cell; ``total_timeout``: the whole notebook, kernel
    start included; ``memory_limit``: the kernel's address space (None: no
    limit); ``isolate_network``: without bubblewrap, no network for the kernel
    where ``unshare -n`` works; ``sandbox``: "auto", "bubblewrap" or "none"
    (``sandbox.py``). Raises ValueError for a limit that is not positive.
    """

    cell_timeout: float = DEFAULT_CELL_TIMEOUT
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT
    isolate_network: bool = True
    sandbox: str = "auto"

    def __post_init__(self):
        for name in ("cell_timeout", "total_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(
                    f"{name} must be a positive number of seconds, got {getattr(self, name)!r}"
                )
        if self.sandbox not in SANDBOX_CHOICES:
            raise ValueError(f"sandbox must be one of {SANDBOX_CHOICES}, got {self.sandbox!r}")
        if self.memory_limit is not None and self.memory_limit <= 0:
            raise ValueError(
                f"memory_limit must be a positive number of bytes or None, got "
                f"{self.memory_limit!r}"
            )
