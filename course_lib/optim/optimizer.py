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
from collections.abc import Iterable

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

    Attributes:
        params (list[Parameter]): the parameters to update.
        lr (float): the learning rate; learning-rate schedulers change it.
        state (list[ParamState | None]): one state per parameter, aligned with
            ``params``, created on the first ``step()``.

    Taught in notebooks/05_optimizers.ipynb.
    """

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
            self.update(p, self.state[i], lr)

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
