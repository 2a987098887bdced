"""The ``Optimizer`` base class shared by SGD, RMSprop, Adam and AdamW.

Taught in notebooks/05_optimizers.ipynb.

An optimizer holds a list of :class:`~course_lib.nn.module.Parameter` objects
and, for each of them, a small state object (momentum buffer, moment
estimates, step count). ``step()`` reads every ``p.grad`` and updates
``p.data`` in place; ``zero_grad()`` clears the gradients for the next batch.
The update itself is a handful of in-place NumPy operations in the
parameter's own dtype (float32 stays float32: every hyper-parameter is a
Python ``float``, which NumPy never lets widen an array's dtype).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from course_lib.nn.module import Parameter


def check_hyperparameter(owner: str, name: str, value, *, low=0.0, high=None,
                         low_inclusive=True, high_inclusive=False, hint="") -> float:
    """Return ``value`` as a Python float, or raise ValueError naming it.

    The valid range is ``[low, high)`` by default (``high=None``: no upper bound).
    Used by every optimizer and scheduler of notebooks/05_optimizers.ipynb.
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r}") from None
    too_low = number < low if low_inclusive else number <= low
    too_high = high is not None and (number > high if high_inclusive else number >= high)
    if math.isnan(number) or too_low or too_high:
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        upper = "inf" if high is None else high
        raise ValueError(
            f"{owner}: invalid {name}={value!r}; expected a value in {left}{low}, {upper}{right}."
            + (f" {hint}" if hint else "")
        )
    return number


def as_parameter_list(params, owner: str) -> list[Parameter]:
    """Turn ``params`` (a list, a generator such as ``model.parameters()``) into a list.

    Used by every optimizer of notebooks/05_optimizers.ipynb.
    """
    if isinstance(params, Parameter):
        params = [params]
    if isinstance(params, np.ndarray) or not isinstance(params, Iterable):
        raise TypeError(
            f"{owner}: params must be an iterable of Parameter objects, e.g. "
            f"model.parameters(); got {type(params).__name__}"
        )
    params = list(params)
    if not params:
        raise ValueError(
            f"{owner}: got an empty parameter list. Did you pass a generator that was "
            "already used up, or a model without trainable layers?"
        )
    for i, p in enumerate(params):
        if not isinstance(p, Parameter):
            raise TypeError(
                f"{owner}: params[{i}] is a {type(p).__name__}, not a Parameter. Pass "
                "model.parameters() (Parameter objects carry .data and .grad), not arrays."
            )
    return params


def available_cpus() -> int:
    """CPUs this process may run on (``Optimizer.num_threads``; notebooks/05_optimizers.ipynb)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class _ThreadPool:
    """One shared pool of worker threads, re-created after a fork or a size change."""

    def __init__(self):
        self._pool, self._pid, self._size = None, None, 0

    def get(self, size: int) -> ThreadPoolExecutor:
        if self._pool is None or self._pid != os.getpid() or self._size != size:
            if self._pool is not None and self._pid == os.getpid():
                self._pool.shutdown(wait=True)
            self._pool = ThreadPoolExecutor(size, thread_name_prefix="course_lib-optim")
            self._pid, self._size = os.getpid(), size
        return self._pool


_THREADS = _ThreadPool()


class ParamState:
    """Base of the per-parameter state objects (momentum buffers, moments, ...).

    Every array attribute has the parameter's shape and dtype.
    Taught in notebooks/05_optimizers.ipynb ("optimizer state lives per parameter").
    """

    def to_dtype(self, dtype) -> None:
        """Convert every array attribute to ``dtype`` (after ``model.double()``)."""
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray):
                setattr(self, name, value.astype(dtype))


class Optimizer:
    """Base class: a list of parameters, their states and a learning rate.

    Subclasses implement ``init_state(p) -> ParamState`` and
    ``update(p, state, lr)``, the maths of one step for one parameter.

    Large models: each parameter's update is independent of the others, so
    when a model has more than ``parallel_min_size`` values, ``step()``
    updates its parameters in up to ``num_threads`` threads at once (NumPy
    releases the interpreter lock inside element-wise operations), as
    PyTorch spreads its optimizer's work over its intra-op threads. The
    results are identical to one thread. Set ``Optimizer.num_threads = 1``
    to turn this off.

    Attributes:
        params (list[Parameter]): the parameters to update.
        lr (float): the learning rate; learning-rate schedulers change it.
        state (list[ParamState | None]): one state per parameter, aligned with
            ``params``, created on the first ``step()``.

    Taught in notebooks/05_optimizers.ipynb.
    """

    #: Threads for ``step()`` (None: the CPUs available to the process, at most 4).
    num_threads: int | None = None
    #: Models with fewer values than this are updated in the calling thread only.
    parallel_min_size: int = 1 << 17

    def __init__(self, params, lr: float):
        owner = type(self).__name__
        self.params = as_parameter_list(params, owner)
        self.lr = check_hyperparameter(owner, "lr", lr, hint="The learning rate must be >= 0.")
        self.state: list[ParamState | None] = [None] * len(self.params)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero (call once per batch)."""
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        """Update every parameter in place from its ``.grad``."""
        lr = float(self.lr)  # a Python float, so float32 parameters stay float32
        for i, p in enumerate(self.params):
            state = self.state[i]
            if state is None:
                self.state[i] = self.init_state(p)
            elif state.scratch.dtype != p.data.dtype:
                state.to_dtype(p.data.dtype)
        threads = self._threads()
        if threads == 1:
            for p, state in zip(self.params, self.state, strict=True):
                self.update(p, state, lr)
            return
        # largest first, so that the threads finish at about the same time
        work = sorted(zip(self.params, self.state, strict=True), key=lambda ps: -ps[0].size)
        for _ in _THREADS.get(threads).map(lambda ps: self.update(*ps, lr), work):
            pass

    def _threads(self) -> int:
        if len(self.params) < 2 or sum(p.size for p in self.params) < self.parallel_min_size:
            return 1
        wanted = self.num_threads if self.num_threads is not None else min(available_cpus(), 4)
        return max(1, min(int(wanted), len(self.params)))

    def init_state(self, p: Parameter) -> ParamState:
        raise NotImplementedError

    def update(self, p: Parameter, state: ParamState, lr: float) -> None:
        raise NotImplementedError

    def hyperparameters(self) -> dict[str, object]:
        """The constructor's arguments, for ``repr``."""
        return {"lr": self.lr}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({len(self.params)} parameters, {args})"
