"""Small helpers for the PyTorch chapters: device choice, seeding, parameter
counts, and the train / evaluate loops of a torch model.

Taught in notebooks/09_numpy_to_pytorch.ipynb
and notebooks/10_pytorch_fashion_mnist.ipynb.
A torch-side module: only the ``course_lib.torch_*`` modules (and chapter 09's
explorer) import torch; the NumPy chapters never load it.

Example:
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> device = get_device()
    >>> seed_everything(0)
    >>> X, y = torch.randn(64, 28, 28), torch.randint(0, 10, (64,))
    >>> train_loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True)
    >>> val_loader = DataLoader(TensorDataset(X, y), batch_size=64)
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10)).to(device)
    >>> loss_fn = torch.nn.CrossEntropyLoss()
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> for epoch in range(5):
    ...     train_scores = train_epoch(model, loss_fn, optimizer, train_loader)
    ...     val_scores = evaluate(model, loss_fn, val_loader)
    >>> sorted(val_scores)
    ['accuracy', 'loss']

``train_epoch`` and ``evaluate`` take their arguments in the order of
``course_lib.train.fit`` and ``course_lib.train.evaluate``: the model, the loss,
(the optimizer,) then the data.
"""

from __future__ import annotations

import math
import random

import torch

from course_lib import checks
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
    checks.instance(prefer, (str, torch.device), "prefer", "get_device",
                    hint="Pass a name such as 'cuda' or 'cpu', or None for the best device.")
    try:
        device = torch.device(prefer)
    except (RuntimeError, TypeError) as error:
        raise ValueError(f"get_device: prefer={prefer!r} is not a device name ({error})") from None
    if device.type not in DEVICES or not _available(device.type):
        available = [kind for kind in DEVICES if _available(kind)]
        raise ValueError(
            f"get_device: prefer={prefer!r} is not available on this machine; available: "
            f"{available}. "
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
    seed = checks.integer(seed, "seed", "seed_everything", minimum=0)
    checks.boolean(deterministic, "deterministic", "seed_everything")
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
    checks.instance(model, torch.nn.Module, "model", "count_parameters")
    checks.boolean(trainable_only, "trainable_only", "count_parameters")
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


def _check_loop(model, loss_fn, optimizer, loader, where: str) -> None:
    """The arguments of train_epoch (``optimizer`` given) or evaluate (``optimizer=None``)."""
    order = ("(model, loss_fn, loader)" if optimizer is None
             else "(model, loss_fn, optimizer, loader)")
    hint = f"The arguments come in fit's order: {order}."
    checks.instance(model, torch.nn.Module, "model", where, hint=hint)
    if not callable(loss_fn):
        raise TypeError(f"{where}: loss_fn must be callable (e.g. torch.nn.CrossEntropyLoss()), "
                        f"got {type(loss_fn).__name__}. {hint}")
    if optimizer is not None and not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"{where}: optimizer must be a torch optimizer (with step()), got "
                        f"{type(optimizer).__name__}. {hint}")
    if isinstance(loader, (str, bytes)) or not hasattr(loader, "__iter__"):
        raise TypeError(f"{where}: loader must be an iterable of (X, y) batches, e.g. a "
                        f"DataLoader, got {type(loader).__name__}. {hint}")


def train_epoch(model, loss_fn, optimizer, loader, *, device=None) -> dict[str, float]:
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
    _check_loop(model, loss_fn, optimizer, loader, "train_epoch")
    device = _model_device(model) if device is None else get_device(device)
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
def evaluate(model, loss_fn, loader, *, device=None) -> dict[str, float]:
    """Mean loss (and accuracy, for class scores) over ``loader`` in eval mode, without gradients.

    The model's train/eval mode is restored afterwards.

    Returns:
        dict: ``"loss"`` and, for a classifier, ``"accuracy"``, as plain floats.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    _check_loop(model, loss_fn, None, loader, "evaluate")
    device = _model_device(model) if device is None else get_device(device)
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
