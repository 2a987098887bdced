"""Learning-rate schedules: step decay, cosine annealing and linear warm-up.

Taught in notebooks/05_optimizers.ipynb (schedules) and used in
notebooks/10_pytorch_fashion_mnist.ipynb through PyTorch's classes of the same names.

A scheduler changes ``optimizer.lr``; call ``scheduler.step()`` once per epoch,
after the epoch's optimizer steps, as in PyTorch:

    >>> scheduler = StepLR(optimizer, step_size=10, gamma=0.1)
    >>> for epoch in range(30):
    ...     train_one_epoch(...)
    ...     scheduler.step()

Each schedule is written in closed form, as a function of the epoch
``last_epoch`` and of the optimizer's learning rate when the scheduler was
created (``base_lr``); the sequences equal PyTorch's. Unlike PyTorch,
schedulers do not compose by multiplying each other's learning rates: with
two schedulers on one optimizer the last one to step wins.
"""

from __future__ import annotations

import math
import numbers

from course_lib.optim.optimizer import check_hyperparameter


def _check_positive_int(owner: str, name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {value!r}")
    return int(value)


class LRScheduler:
    """Base class: sets ``optimizer.lr = lr_at(last_epoch)`` on every ``step()``.

    Attributes:
        optimizer: the optimizer whose ``lr`` is changed.
        base_lr (float): ``optimizer.lr`` when the scheduler was created.
        last_epoch (int): how many times ``step()`` was called (0 after construction).

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer):
        if not hasattr(optimizer, "lr"):
            raise TypeError(
                f"{type(self).__name__}: expected a course_lib optimizer (with an .lr attribute), "
                f"got {type(optimizer).__name__}. For a torch optimizer use "
                "torch.optim.lr_scheduler."
            )
        self.optimizer = optimizer
        self.base_lr = float(optimizer.lr)
        self.last_epoch = 0
        self.optimizer.lr = self.lr_at(0)

    def lr_at(self, epoch: int) -> float:
        """The learning rate used during epoch ``epoch`` (0-based)."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set the optimizer's learning rate."""
        self.last_epoch += 1
        self.optimizer.lr = self.lr_at(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        """The current learning rate, as a one-element list (PyTorch has one per group)."""
        return [self.optimizer.lr]


class StepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    .. math:: \eta_t = \eta_0 \, \gamma^{\lfloor t / \text{step\_size} \rfloor}

    Args:
        optimizer: a course_lib optimizer.
        step_size: period of the decay, in epochs (positive integer).
        gamma: multiplicative factor (> 0; default 0.1).

    Example:
        >>> scheduler = StepLR(optimizer, step_size=30, gamma=0.1)  # 0.1, then 0.01 at epoch 30

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1):
        self.step_size = _check_positive_int("StepLR", "step_size", step_size)
        self.gamma = check_hyperparameter("StepLR", "gamma", gamma, low_inclusive=False)
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing from the initial learning rate down to ``eta_min``
    (Loshchilov & Hutter, "SGDR", ICLR 2017, without restarts).

    .. math::
        \eta_t = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})
                 \left(1 + \cos\frac{t \pi}{T_{max}}\right)

    After ``T_max`` epochs the learning rate equals ``eta_min``; stepping
    further climbs back along the same cosine, exactly as PyTorch does.

    Args:
        optimizer: a course_lib optimizer.
        T_max: number of epochs of the half period (positive integer).
        eta_min: the final learning rate (>= 0).

    Example:
        >>> scheduler = CosineAnnealingLR(optimizer, T_max=epochs)

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0):  # noqa: N803 (torch's name)
        self.T_max = _check_positive_int("CosineAnnealingLR", "T_max", T_max)
        self.eta_min = check_hyperparameter("CosineAnnealingLR", "eta_min", eta_min)
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        cosine = 1.0 + math.cos(math.pi * epoch / self.T_max)
        return self.eta_min + (self.base_lr - self.eta_min) * cosine / 2


class LinearLR(LRScheduler):
    r"""Linear warm-up (or decay): scale the learning rate by a factor that moves
    linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs.

    .. math::
        \eta_t = \eta_0 \left(f_{start} + (f_{end} - f_{start})
                 \frac{\min(t, T)}{T}\right)

    Args:
        optimizer: a course_lib optimizer.
        start_factor: factor of the first epoch, in (0, 1] (default 1/3).
        end_factor: factor from epoch ``total_iters`` on, in [0, 1] (default 1).
        total_iters: number of epochs of the ramp (positive integer, default 5).

    Example:
        >>> scheduler = LinearLR(optimizer, start_factor=0.1, total_iters=5)  # 5 warm-up epochs

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5):
        self.start_factor = check_hyperparameter(
            "LinearLR", "start_factor", start_factor, low_inclusive=False, high=1.0,
            high_inclusive=True)
        self.end_factor = check_hyperparameter(
            "LinearLR", "end_factor", end_factor, high=1.0, high_inclusive=True)
        self.total_iters = _check_positive_int("LinearLR", "total_iters", total_iters)
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        progress = min(epoch, self.total_iters) / self.total_iters
        return self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)
