"""Reference answers and test helpers of exercise 10 (solutions/10_fashion_mnist.ipynb).

Taught in no notebook: the test cells of the exercise use them. ``fashion_references``
holds the course's version of every function the exercise asks for, with the
exercise's names and signatures, so that ``graded_alone(function,
fashion_references)`` grades a task on its own code only (an evaluation that
calls the learner's ``accuracy_and_confusion`` gets the course's version
while it is graded). The helpers build the small models and loaders the
tests train and watch. This module imports torch: it is part of the torch side.
"""

from __future__ import annotations

import types
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

__all__ = ["ModeRecorder", "fashion_references", "recording_model", "small_loader",
           "train_epoch_reference"]


# --- the answers ------------------------------------------------------------------------------
def _train_epoch(model, loss_fn, optimizer, loader):
    """One epoch in train mode; the mean loss over samples, a float."""
    model.train()
    total, seen = 0.0, 0
    for X, y in loader:
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item() * len(y)
        seen += len(y)
    return total / seen


@torch.no_grad()
def _evaluate(model, loss_fn, loader):
    """(mean loss, accuracy) over ``loader`` in eval mode without gradients; mode restored."""
    was_training = model.training
    model.eval()
    total, correct, seen = 0.0, 0, 0
    for X, y in loader:
        logits = model(X)
        total += loss_fn(logits, y).item() * len(y)
        correct += int((logits.argmax(dim=1) == y).sum())
        seen += len(y)
    model.train(was_training)
    return total / seen, correct / seen


def _accuracy_and_confusion(logits, targets, num_classes):
    """(accuracy, confusion matrix (C, C) int64, rows = true classes)."""
    predicted = logits.argmax(dim=1)
    matrix = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    for t, p in zip(targets.tolist(), predicted.tolist(), strict=True):
        matrix[t, p] += 1
    return (predicted == targets).float().mean().item(), matrix


def _export_and_check(model, example, path, inputs):
    """Export to ONNX (eval mode, dynamic batch, one file) and return max |onnx - torch|."""
    import onnxruntime

    was_training = model.training
    model.eval()
    batch = torch.export.Dim("batch")
    torch.onnx.export(model, (example,), str(path), dynamic_shapes=({0: batch},),
                      external_data=False, verbose=False)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    onnx_logits = session.run(None, {name: inputs.numpy()})[0]
    with torch.no_grad():
        torch_logits = model(inputs).numpy()
    model.train(was_training)
    return float(np.abs(onnx_logits - torch_logits).max())


fashion_references = types.SimpleNamespace(
    train_epoch=_train_epoch,
    evaluate=_evaluate,
    accuracy_and_confusion=_accuracy_and_confusion,
    export_and_check=_export_and_check,
)
train_epoch_reference = _train_epoch


# --- test helpers -----------------------------------------------------------------------------
class ModeRecorder(nn.Module):
    """Passes its input through and records, at every forward, the mode and whether grad is on."""

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return x


def recording_model(n_features: int = 6, n_classes: int = 3, *, seed: int = 0,
                    dropout: float = 0.3) -> nn.Sequential:
    """A small classifier with dropout whose first module is a :class:`ModeRecorder`."""
    torch.manual_seed(seed)
    return nn.Sequential(ModeRecorder(), nn.Linear(n_features, 8), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(8, n_classes))


def small_loader(n: int = 10, n_features: int = 6, n_classes: int = 3, *, batch_size: int = 4,
                 seed: int = 0, shuffle: bool = False) -> DataLoader:
    """float32 features and int64 classes; the last batch is smaller when batch_size does not
    divide n."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, n_features, generator=g)
    y = torch.randint(0, n_classes, (n,), generator=g)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle,
                      generator=torch.Generator().manual_seed(seed) if shuffle else None)


def onnx_files(folder) -> list[str]:
    """The names of the files in ``folder``, sorted (an export must write only its .onnx file)."""
    return sorted(p.name for p in Path(folder).iterdir())
