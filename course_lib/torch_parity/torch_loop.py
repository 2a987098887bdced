"""The course's MLP and its training loop in PyTorch: one of the two twins of chapter 09.

Taught in notebooks/09_numpy_to_pytorch.ipynb, which prints this file next to its twin,
``course_lib/torch_parity/numpy_loop.py``, as a diff. ``torch.nn.Linear`` draws its start
from torch's global generator (``torch.manual_seed``); the notebook copies the NumPy
twin's weights in with ``copy_state`` before comparing the two.
"""

import torch
from torch import nn


def make_mlp(sizes):
    """Linear-ReLU-...-Linear with the layer widths ``sizes`` = [n_0, n_1, ..., n_L].

    The last layer has no activation: the network returns logits (N, n_L) for
    inputs (N, n_0).

    Example:
        >>> make_mlp([64, 32, 10])
        Sequential(
          (0): Linear(in_features=64, out_features=32, bias=True)
          (1): ReLU()
          (2): Linear(in_features=32, out_features=10, bias=True)
        )

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def train(model, optimizer, scheduler, epochs, on_step):
    """Train ``model`` with cross-entropy: every batch of every epoch, then the schedule.

    Args:
        model: a torch module returning logits (N, C), on any device.
        optimizer: a ``torch.optim`` optimizer over ``model.parameters()``.
        scheduler: a ``torch.optim.lr_scheduler`` scheduler of that optimizer,
            stepped once per epoch.
        epochs: one list of ``(X, y)`` NumPy batches per epoch: X (B, n_0) of the
            model's dtype, y (B,) int64 classes.
        on_step: called after every step as ``on_step(loss, model)``, with the
            batch's loss as a float.

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    loss_fn = nn.CrossEntropyLoss()
    device = next(model.parameters()).device
    model.train()
    for batches in epochs:
        for X, y in batches:
            X, y = torch.from_numpy(X).to(device), torch.from_numpy(y).to(device)
            loss = loss_fn(model(X), y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            on_step(loss.item(), model)
        scheduler.step()
