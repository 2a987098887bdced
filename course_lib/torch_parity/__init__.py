"""The course's NumPy engine and PyTorch side by side: twins, weights, step-by-step parity.

Taught in notebooks/09_numpy_to_pytorch.ipynb. A torch-side package (it imports torch):

- ``numpy_loop`` and ``torch_loop``: the same MLP and training loop, written once with
  course_lib and once with torch; ``loop_diff()`` shows how little differs;
- ``copy_state(source, target)``: the weights of one framework's model into its twin,
  through ``state_dict`` (``to_torch_state``, ``to_numpy_state`` convert the dicts);
- ``twin_models`` and ``compare_training``: both twins trained on the same batches with
  the same optimizer and schedule, compared after every step (a ``ParityReport``);
- ``correspondence_table()``: course_lib's names next to PyTorch's, each looked up in both.

Example:
    >>> import numpy as np
    >>> ours, theirs = twin_models([4, 3, 2], dtype=np.float32, rng=0, device="cpu")
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(6, 4)).astype(np.float32), rng.integers(0, 2, 6)
    >>> report = compare_training(ours, theirs, [[(X, y)], [(X, y)]],
    ...     make_optimizer=lambda optim, params: optim.SGD(params, lr=0.1, momentum=0.9))
    >>> report.passed(1e-5)
    True
"""

from course_lib.torch_parity.compare import (
    ParityReport,
    code_diff,
    compare_training,
    loop_diff,
    twin_models,
)
from course_lib.torch_parity.names import Correspondence, correspondence_table
from course_lib.torch_parity.state import copy_state, to_numpy_state, to_torch_state

__all__ = [
    "Correspondence",
    "ParityReport",
    "code_diff",
    "compare_training",
    "copy_state",
    "correspondence_table",
    "loop_diff",
    "to_numpy_state",
    "to_torch_state",
    "twin_models",
]
