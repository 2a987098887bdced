"""The reference answers of exercise 09 (solutions/09_pytorch.ipynb) and what its tests compare.

Used by the test cells of solutions/09_pytorch.ipynb (and so of exercises/09_pytorch.ipynb);
taught in no notebook. A torch-side module: it imports torch, as the exercise does.

- ``pytorch_references``: the course's version of every graded *function* of the
  exercise, in task order, with the exercise's names and signatures, for
  ``graded_alone(function, pytorch_references)`` and for expected values;
- ``hand_gradients``: the hand derivation of chapter 03 that task 1's autograd
  gradients are compared with, in float64 NumPy;
- ``NumpyTwinMLP``: the course_lib twin of task 2's ``TwinMLP``, with the same
  attribute names, so the weights of one load into the other;
- ``ModeRecorder``: a layer that passes its input through and records, at every
  call, whether its model was in train mode and whether autograd was recording
  (task 3's conventions);
- ``numpy_epoch``: one epoch of SGD with momentum in the course's NumPy engine,
  the per-step losses task 3's PyTorch epoch must reproduce.
"""

from __future__ import annotations

import types

import numpy as np
import torch

from course_lib import nn as course_nn
from course_lib import optim as course_optim

__all__ = ["ModeRecorder", "NumpyTwinMLP", "hand_gradients", "numpy_epoch",
           "pytorch_references"]


def hand_gradients(X, W, b, y):
    """Loss and gradients of the mean cross-entropy of X W^T + b, by chapter 03's formula.

    ``(loss, dW, db)`` in float64: L = mean_n -log softmax(z_n)_{y_n},
    dW = (P - Y)^T X / N, db = sum_n (P - Y)_n / N, with P the softmax of the logits
    and Y the one-hot classes.
    """
    X, W, b = (np.asarray(a, dtype=np.float64) for a in (X, W, b))
    logits = X @ W.T + b
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    onehot = np.eye(W.shape[0])[np.asarray(y)]
    n = len(X)
    loss = float(-(log_probabilities * onehot).sum() / n)
    difference = (np.exp(log_probabilities) - onehot) / n
    return loss, difference.T @ X, difference.sum(axis=0)


def _autograd_gradients(X, W, b, y):
    """(loss, dW, db) of the mean cross-entropy of X W^T + b, by autograd; arrays of W's dtype."""
    weight = torch.tensor(W, requires_grad=True)
    bias = torch.tensor(b, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(torch.from_numpy(X) @ weight.T + bias,
                                             torch.from_numpy(y))
    loss.backward()
    return loss.item(), weight.grad.numpy(), bias.grad.numpy()


def _run_epoch(model, loss_fn, optimizer, train_batches, val_batches):
    """One epoch of training (train mode), then validation (eval mode, no graph); the model's
    mode is restored. Returns (step losses, mean validation loss, validation accuracy)."""
    was_training = model.training
    model.train()
    step_losses = []
    for X, y in train_batches:
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        step_losses.append(loss.item())
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for X, y in val_batches:
            logits = model(X)
            total_loss += loss_fn(logits, y).item() * len(y)
            correct += int((logits.argmax(dim=1) == y).sum())
            seen += len(y)
    model.train(was_training)
    return step_losses, total_loss / seen, correct / seen


def _accuracy_and_confusion(logits, targets, n_classes):
    """(accuracy as a float, (C, C) int64 NumPy confusion matrix: rows true, columns predicted)."""
    predicted = logits.detach().argmax(dim=1).cpu().numpy()
    true = targets.detach().cpu().numpy()
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (true, predicted), 1)
    return float(np.mean(predicted == true)), matrix


pytorch_references = types.SimpleNamespace(
    autograd_gradients=_autograd_gradients,
    run_epoch=_run_epoch,
    accuracy_and_confusion=_accuracy_and_confusion,
)


class NumpyTwinMLP(course_nn.Module):
    """hidden (Linear) -> activation (ReLU) -> dropout (Dropout) -> output (Linear), in course_lib.

    The twin of exercise 09's ``TwinMLP``: the same attribute names, hence the
    same ``state_dict`` keys (``hidden.weight``, ``hidden.bias``,
    ``output.weight``, ``output.bias``).

    Example:
        >>> twin = NumpyTwinMLP(4, 8, 3, rng=0)
        >>> sorted(twin.state_dict())
        ['hidden.bias', 'hidden.weight', 'output.bias', 'output.weight']
    """

    def __init__(self, n_in: int, n_hidden: int, n_out: int, dropout: float = 0.0, *,
                 rng=None):
        super().__init__()
        rng = np.random.default_rng(rng)
        self.hidden = course_nn.Linear(n_in, n_hidden, rng=rng)
        self.activation = course_nn.ReLU()
        self.dropout = course_nn.Dropout(dropout, rng=rng)
        self.output = course_nn.Linear(n_hidden, n_out, rng=rng)

    def forward(self, x):
        return self.output(self.dropout(self.activation(self.hidden(x))))

    def backward(self, dout):
        dout = self.output.backward(dout)
        return self.hidden.backward(self.activation.backward(self.dropout.backward(dout)))


class ModeRecorder(torch.nn.Module):
    """Passes its input through and appends ``(self.training, torch.is_grad_enabled())`` to
    ``calls`` at every forward: which mode the model was in, and whether autograd recorded.

    Example:
        >>> recorder = ModeRecorder()
        >>> with torch.no_grad():
        ...     _ = recorder.eval()(torch.zeros(2))
        >>> recorder.calls
        [(False, False)]
    """

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return x


def numpy_epoch(model, batches, *, lr: float, momentum: float) -> list[float]:
    """Train a course_lib model for one epoch over NumPy ``batches`` with SGD; the step losses."""
    loss_fn = course_nn.CrossEntropyLoss()
    optimizer = course_optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    model.train()
    losses = []
    for X, y in batches:
        losses.append(loss_fn(model(X), y))
        model.backward(loss_fn.backward())
        optimizer.step()
        optimizer.zero_grad()
    return losses
