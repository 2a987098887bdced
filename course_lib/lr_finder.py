r"""The learning-rate range test: one short run with a learning rate that grows every step.

Taught in notebooks/05_optimizers.ipynb. L. N. Smith ("Cyclical Learning Rates
for Training Neural Networks", WACV 2017) proposed it, fastai made it popular as
``lr_find``: train for a few hundred mini-batches while the learning rate grows
geometrically from tiny to huge,

.. math:: \eta_i = \eta_{start} \left(\eta_{end} / \eta_{start}\right)^{i / (n - 1)},
          \quad i = 0, \dots, n - 1,

and record the loss of every batch. While :math:`\eta` is too small the loss
barely moves; in a good range it falls fast; when :math:`\eta` is too large it
shoots up. The test stops there. Two usual readings of the curve:
``steepest_lr``, where the (smoothed) loss falls fastest, and
``min_loss_lr / 10``, a tenth of the learning rate of the lowest loss
(fastai's first rule). Neither is a guarantee: the notebook compares them with
a real learning-rate sweep.

The model and the optimizer are put back as they were afterwards (weights,
optimizer state and learning rates), so the test can be run before training.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

from course_lib import checks
from course_lib.data.batches import minibatches
from course_lib.optim.optimizer import Optimizer

__all__ = ["LRRangeTest", "lr_range_test"]


@dataclass
class LRRangeTest:
    """What :func:`lr_range_test` measured.

    Attributes:
        lrs: (n,) the learning rate of each step taken.
        losses: (n,) the loss of each step's mini-batch (before the step).
        smoothed: (n,) an exponential moving average of ``losses`` with bias
            correction (as Adam's moments), the curve to read.
        stopped_early: the test stopped because the smoothed loss exceeded
            ``stop_factor`` times its lowest value or was not finite.

    Taught in notebooks/05_optimizers.ipynb.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    stopped_early: bool

    @property
    def min_loss_lr(self) -> float:
        """The learning rate at which the smoothed loss was lowest."""
        return float(self.lrs[int(np.nanargmin(self.smoothed))])

    @property
    def steepest_lr(self) -> float:
        """The learning rate where the smoothed loss fell fastest per decade of learning rate,
        looking only up to the lowest loss."""
        stop = int(np.nanargmin(self.smoothed)) + 1
        if stop < 3:
            return float(self.lrs[0])
        slope = np.gradient(self.smoothed[:stop], np.log10(self.lrs[:stop]))
        return float(self.lrs[int(np.argmin(slope))])


def lr_range_test(model, loss_fn, optimizer: Optimizer, train_data, *, batch_size: int,
                  start_lr: float = 1e-5, end_lr: float = 10.0, steps: int = 100,
                  smoothing: float = 0.9, stop_factor: float = 4.0, rng) -> LRRangeTest:
    r"""Train ``steps`` mini-batches with a geometrically growing learning rate; record the loss.

    Every step is the course's training step,
    ``loss = loss_fn(model(x), y); model.backward(loss_fn.backward());
    optimizer.step(); optimizer.zero_grad()``, after setting every parameter
    group's ``lr`` to :math:`\eta_i`. Mini-batches are drawn in a new random
    order each epoch (``rng``). The test stops early once the smoothed loss
    exceeds ``stop_factor`` times its lowest value, or is not finite.
    Afterwards the model's weights, the optimizer's state and learning rates
    and the model's train/eval mode are restored.

    Args:
        model: a ``course_lib.nn.Module``.
        loss_fn: its loss, e.g. ``nn.CrossEntropyLoss()``.
        optimizer: a course_lib optimizer over ``model.parameters()``; its
            other hyper-parameters (momentum, betas) are used as they are.
        train_data: ``(X, y)``.
        batch_size: samples per step.
        start_lr, end_lr: the first and last learning rates (0 < start < end).
        steps: the number of steps, at least 5.
        smoothing: :math:`\beta` of the moving average, in [0, 1).
        stop_factor: stop when the smoothed loss exceeds this times its minimum (> 1).
        rng: ``np.random.Generator`` or int seed for the order of the samples.

    Returns:
        An :class:`LRRangeTest`.

    Example:
        >>> from course_lib import nn
        >>> from course_lib.optim import SGD
        >>> gen = np.random.default_rng(0)
        >>> X = gen.normal(size=(256, 4)).astype(np.float32)
        >>> y = (X[:, :1] - 2 * X[:, 1:2]).astype(np.float32)
        >>> model = nn.Linear(4, 1, rng=0)
        >>> before = model.weight.data.copy()
        >>> result = lr_range_test(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), (X, y),
        ...                        batch_size=32, start_lr=1e-4, end_lr=10.0, steps=60, rng=0)
        >>> result.stopped_early, 0.01 < result.min_loss_lr < 10.0
        (True, True)
        >>> np.array_equal(model.weight.data, before)           # the model is as it was
        True

    Taught in notebooks/05_optimizers.ipynb.
    """
    where = "lr_range_test"
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{where}: optimizer must be a course_lib optimizer, "
                        f"got {type(optimizer).__name__}")
    start_lr = checks.number(start_lr, "start_lr", where, low=0, low_inclusive=False)
    end_lr = checks.number(end_lr, "end_lr", where, low=0, low_inclusive=False)
    if end_lr <= start_lr:
        raise ValueError(f"{where}: end_lr ({end_lr:g}) must be larger than start_lr "
                         f"({start_lr:g})")
    steps = checks.integer(steps, "steps", where, minimum=5)
    batch_size = checks.integer(batch_size, "batch_size", where, minimum=1)
    beta = checks.number(smoothing, "smoothing", where, low=0, high=1, high_inclusive=False)
    stop_factor = checks.number(stop_factor, "stop_factor", where, low=1, low_inclusive=False)
    rng = checks.rng(rng, where)
    X, y = train_data

    lrs = start_lr * (end_lr / start_lr) ** (np.arange(steps) / (steps - 1))
    saved_model = copy.deepcopy(model.state_dict())
    saved_optimizer = copy.deepcopy(optimizer.state_dict())
    was_training = model.training
    losses, smoothed = [], []
    average, best, stopped = 0.0, math.inf, False
    batches = _endless_minibatches(X, y, batch_size, rng)
    model.train()
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for i, lr in enumerate(lrs):
                for group in optimizer.param_groups:
                    group["lr"] = float(lr)
                x_batch, y_batch = next(batches)
                loss = loss_fn(model(x_batch), y_batch)
                model.backward(loss_fn.backward())
                optimizer.step()
                optimizer.zero_grad()
                average = beta * average + (1 - beta) * loss
                losses.append(loss)
                smoothed.append(average / (1 - beta ** (i + 1)))
                best = min(best, smoothed[-1])
                if not math.isfinite(smoothed[-1]) or smoothed[-1] > stop_factor * best:
                    stopped = True
                    break
    finally:
        model.load_state_dict(saved_model)
        optimizer.load_state_dict(saved_optimizer)
        model.zero_grad()
        model.train(was_training)
    n = len(losses)
    return LRRangeTest(lrs[:n], np.array(losses, dtype=float), np.array(smoothed, dtype=float),
                       stopped)


def _endless_minibatches(X, y, batch_size, rng):
    while True:
        yield from minibatches(X, y, batch_size, rng=rng)
