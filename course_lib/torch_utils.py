"""Small helpers for the PyTorch chapters: device choice, seeding, parameter
counts, and the train / evaluate loops of a torch model.

Taught in notebooks/09_numpy_to_pytorch.ipynb and
notebooks/10_pytorch_fashion_mnist.ipynb. This is the only course_lib module
that imports torch; the NumPy chapters never load it.

Example:
    >>> device = get_device()
    >>> seed_everything(0)
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10)).to(device)
    >>> for epoch in range(5):
    ...     train_scores = train_epoch(model, train_loader, loss_fn, optimizer)
    ...     val_scores = evaluate(model, val_loader, loss_fn)
"""

from __future__ import annotations

import math
import random

import torch

from course_lib.train import TrainingDiverged

DEVICES = ("cuda", "mps", "cpu")


def _available(kind: str) -> bool:
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        mps = getattr(torch.backends, "mps", None)
        return bool(mps is not None and mps.is_available())
    return kind == "cpu"


def get_device(prefer: str | torch.device | None = None) -> torch.device:
    """The device to train on: ``prefer`` if given, else CUDA, else Apple's MPS, else the CPU.

    Args:
        prefer: ``"cuda"``, ``"cuda:1"``, ``"mps"``, ``"cpu"`` or a torch.device.

    Raises:
        ValueError: ``prefer`` names a device this machine does not have; the
            message lists the available ones.

    Example:
        >>> get_device()        # on a laptop without a GPU
        device(type='cpu')

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    if prefer is None:
        return torch.device(next(kind for kind in DEVICES if _available(kind)))
    try:
        device = torch.device(prefer)
    except (RuntimeError, TypeError) as error:
        raise ValueError(f"get_device: {prefer!r} is not a device name ({error})") from None
    if device.type not in DEVICES or not _available(device.type):
        available = [kind for kind in DEVICES if _available(kind)]
        raise ValueError(
            f"get_device: {prefer!r} is not available on this machine; available: {available}. "
            "Call get_device() without arguments to pick the best one."
        )
    return device


def seed_everything(seed: int, *, deterministic: bool = False) -> None:
    """Seed PyTorch (every device) and Python's ``random`` module.

    NumPy's global state is left alone: the course's NumPy code takes explicit
    generators (``np.random.default_rng(seed)``), never the global one. With
    ``deterministic=True``, PyTorch is also told to use deterministic
    algorithms only (slower; some operations then raise an error).

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed_everything: seed must be an integer >= 0, got {seed!r}")
    random.seed(seed)
    torch.manual_seed(seed)
    if deterministic:
        torch.use_deterministic_algorithms(True)


def count_parameters(model: torch.nn.Module, *, trainable_only: bool = True) -> int:
    """Number of parameters (entries of every weight and bias) of a torch model.

    Example:
        >>> count_parameters(torch.nn.Linear(784, 512))   # 784 * 512 + 512
        401920

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _model_device(model: torch.nn.Module) -> torch.device:
    first = next(model.parameters(), None)
    return torch.device("cpu") if first is None else first.device


def _correct(output: torch.Tensor, target: torch.Tensor) -> int | None:
    """Correct predictions for class scores (N, C) and integer targets (N,); else None."""
    if output.ndim == 2 and output.shape[1] > 1 and not target.is_floating_point() \
            and target.ndim == 1:
        return int((output.argmax(dim=1) == target).sum())
    return None


def _mean_scores(loss_sum: float, correct: int | None, seen: int, caller: str) -> dict[str, float]:
    """Per-sample mean loss (and accuracy when ``correct`` was counted) as plain floats."""
    if seen == 0:
        raise ValueError(f"{caller}: the loader yielded no batches")
    scores = {"loss": loss_sum / seen}
    if correct is not None:
        scores["accuracy"] = correct / seen
    return scores


def train_epoch(model, loader, loss_fn, optimizer, *, device=None) -> dict[str, float]:
    """One pass over ``loader`` with the five training steps, in train mode.

    For each batch ``(X, y)``: move to ``device`` (default: the model's),
    forward, loss, ``loss.backward()``, ``optimizer.step()``, ``optimizer.zero_grad()``.

    Returns:
        dict: ``"loss"``, the mean over samples of the batch losses (as plain
        floats); ``"accuracy"`` too when the model outputs class scores (N, C)
        for integer targets.

    Raises:
        TrainingDiverged: a batch loss is NaN or infinite (smaller learning rate?).

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    device = _model_device(model) if device is None else torch.device(device)
    model.train()
    loss_sum, correct, seen = 0.0, 0, 0
    for batch, (X, y) in enumerate(loader):
        X, y = X.to(device), y.to(device)
        output = model(X)
        loss = loss_fn(output, y)
        value = loss.item()
        if not math.isfinite(value):
            raise TrainingDiverged(
                f"Training diverged at batch {batch + 1}: the loss is {value}. Try a smaller "
                "learning rate, and check that the inputs are scaled and contain no NaN.",
                history={}, epoch=1, batch=batch + 1, loss=value)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        loss_sum += value * len(X)
        seen += len(X)
        batch_correct = _correct(output.detach(), y)
        correct = None if batch_correct is None or correct is None else correct + batch_correct
    return _mean_scores(loss_sum, correct, seen, "train_epoch")


@torch.no_grad()
def evaluate(model, loader, loss_fn, *, device=None) -> dict[str, float]:
    """Mean loss (and accuracy, for class scores) over ``loader`` in eval mode, without gradients.

    The model's train/eval mode is restored afterwards.

    Returns:
        dict: ``"loss"`` and, for a classifier, ``"accuracy"``, as plain floats.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    device = _model_device(model) if device is None else torch.device(device)
    was_training = model.training
    model.eval()
    try:
        loss_sum, correct, seen = 0.0, 0, 0
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            output = model(X)
            loss_sum += loss_fn(output, y).item() * len(X)
            seen += len(X)
            batch_correct = _correct(output, y)
            correct = None if batch_correct is None or correct is None else \
                correct + batch_correct
    finally:
        model.train(was_training)
    return _mean_scores(loss_sum, correct, seen, "evaluate")
