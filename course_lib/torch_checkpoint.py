"""Checkpoints: everything a training run needs to stop and later continue exactly where it was.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb. Saving the model's weights
(``torch.save(model.state_dict(), path)``) is enough to *use* a model. To
*continue training* as if it had never stopped, a checkpoint needs more:

- the model's ``state_dict`` (weights and buffers such as batch-norm statistics);
- the optimizer's ``state_dict`` (Adam's moment estimates and step counts);
- the scheduler's ``state_dict`` (where in the schedule training is);
- the random states: torch's global generator (dropout masks) and the
  DataLoader's generator (the order of the next epochs' batches);
- the epochs completed, the history so far, and the state of callbacks such
  as early stopping (best value so far, epochs waited).

A checkpoint is written to a temporary file and then renamed, so an
interrupted save never leaves a half-written checkpoint behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import torch

__all__ = ["load_checkpoint", "save_checkpoint"]

FORMAT = 1


def save_checkpoint(path, *, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    epoch: int, history: dict, scheduler=None,
                    generator: torch.Generator | None = None, callbacks: Iterable = (),
                    step: int | None = None) -> Path:
    """Write the whole training state to ``path`` (atomically) and return the path.

    Args:
        path: the checkpoint file (its folder must exist).
        model, optimizer: what is being trained.
        epoch: the number of epochs completed.
        history: the history so far (lists of floats by name).
        scheduler: the learning-rate scheduler, if any.
        generator: the ``torch.Generator`` of the training DataLoader, if any.
        callbacks: callbacks with ``state_dict()`` (e.g. early stopping).
        step: the number of optimizer steps taken so far (default: not recorded).

    Example:
        >>> import tempfile
        >>> model = torch.nn.Linear(2, 1)
        >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> folder = tempfile.mkdtemp()
        >>> path = save_checkpoint(f"{folder}/run.pt", model=model, optimizer=optimizer,
        ...                        epoch=3, history={"loss": [0.9, 0.5, 0.4]})
        >>> load_checkpoint(path, model=model, optimizer=optimizer)
        (3, {'loss': [0.9, 0.5, 0.4]})

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    path = Path(path)
    state = {
        "format": FORMAT,
        "epoch": int(epoch),
        "step": step,
        "history": {key: list(values) for key, values in history.items()},
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": None if scheduler is None else scheduler.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "loader_rng": None if generator is None else generator.get_state(),
        "callbacks": [callback.state_dict() for callback in callbacks],
    }
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        torch.save(state, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def load_checkpoint(path, *, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    scheduler=None, generator: torch.Generator | None = None,
                    callbacks: Iterable = (), with_step: bool = False):
    """Restore a checkpoint written by :func:`save_checkpoint` into the given objects.

    The model, optimizer, scheduler, generator and callbacks must be built as
    for the original run; their states are overwritten with the saved ones,
    and so is torch's global random state.

    Returns:
        ``(epoch, history)``: the epochs completed and the history so far
        (``(epoch, history, step)`` with ``with_step=True``).

    Raises:
        FileNotFoundError: there is no file at ``path``.
        ValueError: the file is not a readable checkpoint of this format, or it
            was saved from a different model (the message says which keys or
            shapes differ) or with a different set of objects.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_checkpoint: no checkpoint at {path}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # a truncated or foreign file: pickle, zip or torch errors
        raise ValueError(
            f"load_checkpoint: {path} is not a readable checkpoint ({type(error).__name__}: "
            f"{error}). Delete it and train from the start, or pass the right file."
        ) from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError(f"load_checkpoint: {path} was not written by save_checkpoint "
                         f"(format {FORMAT})")
    callbacks = list(callbacks)
    _expect(scheduler is None, state["scheduler"] is None, "a scheduler", path)
    _expect(generator is None, state["loader_rng"] is None, "a DataLoader generator", path)
    if len(callbacks) != len(state["callbacks"]):
        raise ValueError(f"load_checkpoint: {path} holds the state of {len(state['callbacks'])} "
                         f"callbacks, but {len(callbacks)} were given")
    try:
        model.load_state_dict(state["model"])
    except RuntimeError as error:
        raise ValueError(f"load_checkpoint: {path} was saved from a different model: "
                         f"{error}") from None
    optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(state["scheduler"])
    if generator is not None:
        generator.set_state(state["loader_rng"])
    for callback, callback_state in zip(callbacks, state["callbacks"], strict=True):
        callback.load_state_dict(callback_state)
    torch.set_rng_state(state["torch_rng"])
    history = {key: list(values) for key, values in state["history"].items()}
    if with_step:
        return state["epoch"], history, state["step"]
    return state["epoch"], history


def _expect(given_is_none: bool, saved_is_none: bool, what: str, path: Path) -> None:
    if given_is_none != saved_is_none:
        saved = "holds" if not saved_is_none else "does not hold"
        given = "none was given" if given_is_none else "one was given"
        raise ValueError(f"load_checkpoint: {path} {saved} the state of {what}, but {given}; "
                         "build the same objects as for the run that saved it")
