"""Optimizers, learning-rate schedulers and gradient clipping, with PyTorch's names.

Taught in notebooks/05_optimizers.ipynb; chapter 09 shows the same code with ``torch.optim``.

- :class:`Optimizer`, the base class: ``param_groups`` (a list of dicts, each
  holding ``"params"`` and its hyper-parameters), ``state`` (a dict per
  parameter), ``step()``, ``zero_grad()``, ``add_param_group()``,
  ``state_dict()`` / ``load_state_dict()``. A new optimizer is a subclass
  with one method, ``update(p, state, group)``: its docstring shows how.
- :class:`SGD` (momentum, Nesterov, weight decay), :class:`RMSprop`,
  :class:`Adam`, :class:`AdamW`: each ``update`` is its formula, written in
  plain NumPy. ``fused=True`` runs the same rule written in place
  (``course_lib.optim.fused``), faster on large models and equal to round-off.
- ``lr_scheduler``: :class:`StepLR`, :class:`MultiStepLR`,
  :class:`ExponentialLR`, :class:`CosineAnnealingLR`, :class:`LinearLR`,
  :class:`LambdaLR`, :class:`SequentialLR`. Each writes ``group["lr"]`` for
  every group from a closed-form formula, and they compose as PyTorch's do.
- :func:`clip_grad_norm_`.

Example (one training step, then one epoch of the schedule):
    >>> import numpy as np
    >>> from course_lib import nn, optim
    >>> model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Tanh(), nn.Linear(4, 1, rng=1))
    >>> loss_fn = nn.MSELoss()
    >>> optimizer = optim.Adam(model.parameters(), lr=0.01)
    >>> scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    >>> x, y = np.ones((8, 3), dtype=np.float32), np.zeros((8, 1), dtype=np.float32)
    >>> loss = loss_fn(model(x), y)
    >>> _ = model.backward(loss_fn.backward())
    >>> optimizer.step()
    >>> optimizer.zero_grad()
    >>> scheduler.step()
    >>> len(optimizer.param_groups), optimizer.param_groups[0]["lr"]
    (1, 0.01)
"""

from course_lib.optim import lr_scheduler
from course_lib.optim.adam import Adam, AdamW
from course_lib.optim.clip import clip_grad_norm_
from course_lib.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    MultiStepLR,
    SequentialLR,
    StepLR,
)
from course_lib.optim.optimizer import Optimizer
from course_lib.optim.rmsprop import RMSprop
from course_lib.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "Optimizer",
    "RMSprop",
    "SequentialLR",
    "StepLR",
    "clip_grad_norm_",
    "lr_scheduler",
]
