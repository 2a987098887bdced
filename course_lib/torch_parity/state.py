"""Copying weights between a course_lib model and its PyTorch twin, through ``state_dict``.

Taught in notebooks/09_numpy_to_pytorch.ipynb. Both frameworks name a model's
arrays the same way (``"0.weight"``, ``"0.bias"``, ``"2.weight"``, ...: the
attribute names, with a ``Sequential``'s layers numbered), so moving weights
from one to the other is a conversion of each value followed by the target's
own ``load_state_dict``, which copies them in (it never shares memory with
the source) and casts them to the target's dtype.
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib import nn as course_nn

__all__ = ["copy_state", "to_numpy_state", "to_torch_state"]

_MODULES = (course_nn.Module, torch.nn.Module)


def to_torch_state(state) -> dict[str, torch.Tensor]:
    """A state dict with every value as a new CPU tensor (a copy, never shared memory).

    Example:
        >>> to_torch_state({"weight": np.ones((2, 3))})["weight"].dtype
        torch.float64

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    return {name: torch.tensor(_as_numpy(value)) for name, value in state.items()}


def to_numpy_state(state) -> dict[str, np.ndarray]:
    """A state dict with every value as a new NumPy array (a copy, on the CPU).

    Example:
        >>> to_numpy_state({"weight": torch.ones(2, 3)})["weight"].dtype
        dtype('float32')

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    return {name: np.array(_as_numpy(value), copy=True) for name, value in state.items()}


def _as_numpy(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def copy_state(source, target):
    """Copy every parameter and buffer of ``source`` into ``target``; return ``target``.

    Either may be a course_lib module or a torch module: course_lib -> torch,
    torch -> course_lib, or the same framework on both sides. The two must have
    the same names and shapes (a twin built layer for layer); the values are
    cast to ``target``'s dtypes and copied, so training one never moves the other.

    Raises:
        TypeError: ``source`` or ``target`` is not a course_lib or torch module.
        ValueError: the names or shapes differ; nothing is copied then.

    Example:
        >>> from course_lib.torch_parity import numpy_loop, torch_loop
        >>> ours = numpy_loop.make_mlp([4, 3, 2], rng=0)
        >>> theirs = copy_state(ours, torch_loop.make_mlp([4, 3, 2]))
        >>> bool(np.array_equal(theirs[0].weight.detach().numpy(), ours[0].weight.data))
        True

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    for name, model in (("source", source), ("target", target)):
        if not isinstance(model, _MODULES):
            raise TypeError(f"copy_state: {name} must be a course_lib or torch module, got "
                            f"{type(model).__name__}")
    state = source.state_dict()
    _check_same_layout(state, target.state_dict())
    if isinstance(target, torch.nn.Module):
        target.load_state_dict(to_torch_state(state))
    else:
        target.load_state_dict(to_numpy_state(state))
    return target


def _check_same_layout(state, target_state) -> None:
    missing = [name for name in target_state if name not in state]
    unexpected = [name for name in state if name not in target_state]
    shapes = [f"'{name}' is {tuple(value.shape)} in the source but "
              f"{tuple(target_state[name].shape)} in the target"
              for name, value in state.items()
              if name in target_state and tuple(value.shape) != tuple(target_state[name].shape)]
    if missing or unexpected or shapes:
        problems = []
        if missing:
            problems.append(f"the source has no {missing}")
        if unexpected:
            problems.append(f"the target has no {unexpected}")
        problems += shapes
        raise ValueError(
            "copy_state: the two models are not twins (nothing was copied): "
            f"{'; '.join(problems)}. Build the target with the same layers, in the same "
            "order and with the same attribute names, as the source.")
