r"""Learning-rate schedules: step, multi-step and exponential decay, cosine annealing,
linear warm-up, any function of the epoch, and schedules in sequence.

Taught in notebooks/05_optimizers.ipynb; chapter 10 uses PyTorch's classes of the same names.

A scheduler changes every parameter group's ``group["lr"]``. Call
``scheduler.step()`` once per epoch, after the epoch's optimizer steps, as in
PyTorch. Each schedule is a closed-form formula of the epoch :math:`t`: the
learning rate of a group whose initial learning rate is ``base_lr`` is

.. math::
    \eta_t = \eta_{min} + (\text{base\_lr} - \eta_{min})\, f(t),

with a factor :math:`f(t)` that each scheduler writes in its ``factor``
method, e.g. :math:`\gamma^{\lfloor t / \text{step\_size} \rfloor}` for StepLR
(:math:`\eta_{min} = 0` except in CosineAnnealingLR).

Schedulers compose as PyTorch's do. ``step()`` does not overwrite the
learning rate with the formula; it moves the group's *current* learning rate
by the change of the factor,

.. math::
    \eta \leftarrow \eta_{min} + (\eta - \eta_{min})\, \frac{f(t)}{f(t - 1)},

which, for a scheduler alone, gives exactly the formula above, and for two
schedulers on one optimizer multiplies their effects: StepLR with ExponentialLR
decays by both, LinearLR warm-up with CosineAnnealingLR warms up along the
cosine. The numbers equal PyTorch's, whose schedulers are written in this
recursive form (tests/parity/test_schedulers_torch.py compares them to 1e-12).
Two exceptions, as in PyTorch: :class:`LambdaLR` sets ``base_lr * lr_lambda(t)``
whatever other schedulers did, and :class:`SequentialLR` hands the optimizer
from one scheduler to the next at given epochs.

Example (five epochs of linear warm-up, then cosine annealing):
    >>> from course_lib import nn
    >>> from course_lib.optim import SGD
    >>> model = nn.Linear(3, 1, rng=0)
    >>> optimizer = SGD(model.parameters(), lr=0.1)
    >>> warm_up = LinearLR(optimizer, start_factor=0.2, total_iters=5)
    >>> cosine = CosineAnnealingLR(optimizer, T_max=10)
    >>> scheduler = SequentialLR(optimizer, [warm_up, cosine], milestones=[5])
    >>> lrs = []
    >>> for epoch in range(15):
    ...     lrs.append(optimizer.param_groups[0]["lr"])
    ...     # ... one epoch of optimizer.step() calls ...
    ...     scheduler.step()
    >>> [round(lr, 4) for lr in lrs]
    [0.02, 0.036, 0.052, 0.068, 0.084, 0.1, 0.0976, 0.0905, 0.0794, 0.0655, 0.05, 0.0345,
     0.0206, 0.0095, 0.0024]
"""

from __future__ import annotations

import bisect
import copy
import math

from course_lib import checks
from course_lib.optim.optimizer import Optimizer


def _checked_optimizer(optimizer, where: str) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{where}: expected a course_lib optimizer, got {type(optimizer).__name__}. "
            "For a torch optimizer use torch.optim.lr_scheduler."
        )
    return optimizer


class LRScheduler:
    r"""Base class of the schedulers: ``step()`` moves every group's ``lr`` by a closed-form factor.

    **Writing a scheduler.** Subclass it, store your arguments and call
    ``super().__init__(optimizer)`` last (it sets the learning rate of epoch
    0), and write ``factor(self, epoch)``, the closed form :math:`f(t)` with
    :math:`\eta_t = \eta_{min} + (\text{base\_lr} - \eta_{min}) f(t)`
    (usually :math:`f(0) = 1`). ``step()`` applies it to every group, as
    described in :mod:`course_lib.optim.lr_scheduler`:

    - if :math:`f(t) = f(t - 1)`, the learning rate is left as it is;
    - if :math:`f(t - 1) = 0` (a cosine leaving its minimum), the change is
      added, :math:`\eta \leftarrow \eta + (\text{base\_lr} - \eta_{min})(f(t) - f(t - 1))`;
    - otherwise :math:`\eta \leftarrow \eta_{min} + (\eta - \eta_{min}) f(t) / f(t - 1)`,

    with :math:`f(-1) = 1` at construction. These are the recursive forms of
    PyTorch's schedulers, so chained schedulers give PyTorch's numbers.

    Example (halve the learning rate at every epoch whose number is a power of 2):
        >>> import math
        >>> from course_lib import nn
        >>> from course_lib.optim import SGD
        >>> class HalveAtPowersOfTwo(LRScheduler):
        ...     def factor(self, epoch):
        ...         return 0.5 ** math.floor(math.log2(epoch)) if epoch > 0 else 1.0
        >>> optimizer = SGD(nn.Linear(3, 1, rng=0).parameters(), lr=0.8)
        >>> scheduler = HalveAtPowersOfTwo(optimizer)
        >>> lrs = []
        >>> for epoch in range(9):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     scheduler.step()
        >>> lrs
        [0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.2, 0.2, 0.1]

    Attributes:
        optimizer: the optimizer whose ``param_groups[i]["lr"]`` are set.
        base_lrs (list[float]): each group's ``"initial_lr"``, its learning
            rate when the first scheduler of this optimizer was created.
        last_epoch (int): how many times ``step()`` was called (0 after construction).
        eta_min (float): the learning rate a factor of 0 stands for (0 here).

    Differences from ``torch.optim.lr_scheduler.LRScheduler``: no
    ``last_epoch`` argument for resuming (use ``load_state_dict``), no
    ``step(epoch)``, no warning when ``scheduler.step()`` comes before
    ``optimizer.step()``.

    Taught in notebooks/05_optimizers.ipynb.
    """

    eta_min = 0.0

    def __init__(self, optimizer: Optimizer):
        self.optimizer = _checked_optimizer(optimizer, type(self).__name__)
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = 0
        self._set_lrs(self.next_lrs())

    def factor(self, epoch: int) -> float:
        """The closed-form factor :math:`f(t)` of epoch ``epoch`` (0-based)."""
        raise NotImplementedError(f"{type(self).__name__} must implement factor(self, epoch)")

    def step(self) -> None:
        """Advance one epoch and set every group's learning rate."""
        self.last_epoch += 1
        self._set_lrs(self.next_lrs())

    def next_lrs(self) -> list[float]:
        """Every group's learning rate for epoch ``last_epoch``, moved from its current one."""
        before = self.factor(self.last_epoch - 1) if self.last_epoch > 0 else 1.0
        now = self.factor(self.last_epoch)
        lrs = []
        for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs, strict=True):
            lr = group["lr"]
            if now == before:  # the factor did not change
                lrs.append(lr)
            elif before == 0:  # leaving a factor of 0 (a cosine past T_max): add the change
                lrs.append(lr + (base_lr - self.eta_min) * (now - before))
            else:  # scale the distance to eta_min as the factor changed
                lrs.append(self.eta_min + (lr - self.eta_min) * now / before)
        return lrs

    def closed_form(self, epoch: int) -> list[float]:
        """Every group's learning rate at ``epoch`` from the formula alone."""
        return [self.eta_min + (base_lr - self.eta_min) * self.factor(epoch)
                for base_lr in self.base_lrs]

    def restart(self) -> None:
        """Start again at epoch 0, from the formula (:class:`SequentialLR`, at a milestone)."""
        self.last_epoch = 0
        self._set_lrs(self.closed_form(0))

    def _set_lrs(self, lrs: list[float]) -> None:
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            group["lr"] = float(lr)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates this scheduler set last, one per parameter group."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """Everything but the optimizer: ``last_epoch``, ``base_lrs``, the arguments (copies)."""
        return copy.deepcopy({key: value for key, value in vars(self).items()
                              if key != "optimizer"})

    def load_state_dict(self, state_dict: dict) -> None:
        """Continue from a state saved by :meth:`state_dict` of the same kind of scheduler."""
        expected = set(self.state_dict())
        if not isinstance(state_dict, dict) or set(state_dict) != expected:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: expected a dict with the keys "
                f"{sorted(expected)} (from {type(self).__name__}.state_dict())"
            )
        vars(self).update(copy.deepcopy(state_dict))


class StepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` epochs
    (``torch.optim.lr_scheduler.StepLR``).

    .. math:: \eta_t = \text{base\_lr} \cdot \gamma^{\lfloor t / \text{step\_size} \rfloor}

    Args:
        optimizer: a course_lib optimizer.
        step_size: period of the decay, in epochs (integer >= 1).
        gamma: multiplicative factor (> 0; default 0.1).

    Example:
        >>> from course_lib import nn
        >>> from course_lib.optim import SGD
        >>> optimizer = SGD(nn.Linear(3, 1, rng=0).parameters(), lr=0.1)
        >>> scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
        >>> for epoch in range(5):
        ...     print(epoch, scheduler.get_last_lr())
        ...     scheduler.step()
        0 [0.1]
        1 [0.1]
        2 [0.05]
        3 [0.05]
        4 [0.025]

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1):
        self.step_size = checks.integer(step_size, "step_size", "StepLR", minimum=1)
        self.gamma = checks.number(gamma, "gamma", "StepLR", low=0, low_inclusive=False)
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        return self.gamma ** (epoch // self.step_size)


class MultiStepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` at each milestone epoch
    (``torch.optim.lr_scheduler.MultiStepLR``).

    .. math:: \eta_t = \text{base\_lr} \cdot \gamma^{\#\{m \in \text{milestones}:\ m \le t\}}

    Args:
        optimizer: a course_lib optimizer.
        milestones: the epochs at which to decay (integers >= 0, in any order;
            a milestone given twice decays twice, as in PyTorch).
        gamma: multiplicative factor (> 0; default 0.1).

    Example:
        >>> from course_lib import nn
        >>> from course_lib.optim import SGD
        >>> optimizer = SGD(nn.Linear(3, 1, rng=0).parameters(), lr=1.0)
        >>> scheduler = MultiStepLR(optimizer, milestones=[2, 5], gamma=0.1)
        >>> lrs = []
        >>> for epoch in range(7):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     scheduler.step()
        >>> [round(lr, 6) for lr in lrs]
        [1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01]

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer: Optimizer, milestones, gamma: float = 0.1):
        where = "MultiStepLR"
        if isinstance(milestones, (str, bytes)) or not hasattr(milestones, "__iter__"):
            raise TypeError(f"{where}: milestones must be a list of epochs, got {milestones!r}")
        self.milestones = sorted(checks.integer(m, "each milestone", where, minimum=0)
                                 for m in milestones)
        self.gamma = checks.number(gamma, "gamma", where, low=0, low_inclusive=False)
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        return self.gamma ** bisect.bisect_right(self.milestones, epoch)


class ExponentialLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every epoch
    (``torch.optim.lr_scheduler.ExponentialLR``).

    .. math:: \eta_t = \text{base\_lr} \cdot \gamma^t

    Args:
        optimizer: a course_lib optimizer.
        gamma: multiplicative factor (> 0).

    Example:
        >>> from course_lib import nn
        >>> from course_lib.optim import SGD
        >>> optimizer = SGD(nn.Linear(3, 1, rng=0).parameters(), lr=0.1)
        >>> scheduler = ExponentialLR(optimizer, gamma=0.5)
        >>> scheduler.step()
        >>> scheduler.step()
        >>> scheduler.get_last_lr()
        [0.025]

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer: Optimizer, gamma: float):
        self.gamma = checks.number(gamma, "gamma", "ExponentialLR", low=0, low_inclusive=False)
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        return self.gamma**epoch


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing from the initial learning rate down to ``eta_min``
    (Loshchilov & Hutter, "SGDR", ICLR 2017, without restarts;
    ``torch.optim.lr_scheduler.CosineAnnealingLR``).

    .. math::
        \eta_t = \eta_{min} + (\text{base\_lr} - \eta_{min})\,
                 \tfrac12 \left(1 + \cos\frac{t \pi}{T_{max}}\right)

    After ``T_max`` epochs the learning rate equals ``eta_min``; stepping
    further climbs back along the same cosine, exactly as PyTorch does.

    Args:
        optimizer: a course_lib optimizer.
        T_max: number of epochs of the half period (integer >= 1).
        eta_min: the final learning rate (>= 0).

    Example:
        >>> from course_lib import nn
        >>> from course_lib.optim import SGD
        >>> optimizer = SGD(nn.Linear(3, 1, rng=0).parameters(), lr=0.1)
        >>> scheduler = CosineAnnealingLR(optimizer, T_max=4, eta_min=0.02)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     scheduler.step()
        >>> [round(lr, 4) for lr in lrs]
        [0.1, 0.0883, 0.06, 0.0317, 0.02]

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0):  # noqa: N803
        self.T_max = checks.integer(T_max, "T_max", "CosineAnnealingLR", minimum=1)
        self.eta_min = checks.number(eta_min, "eta_min", "CosineAnnealingLR", low=0)
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        return (1 + math.cos(math.pi * epoch / self.T_max)) / 2


class LinearLR(LRScheduler):
    r"""Linear warm-up (or decay): scale the learning rate by a factor that moves
    linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs
    (``torch.optim.lr_scheduler.LinearLR``).

    .. math::
        \eta_t = \text{base\_lr} \left(f_{start} + (f_{end} - f_{start})
                 \frac{\min(t, T)}{T}\right)

    Args:
        optimizer: a course_lib optimizer.
        start_factor: factor of the first epoch, in (0, 1] (default 1/3).
        end_factor: factor from epoch ``total_iters`` on, in [0, 1] (default 1).
        total_iters: number of epochs of the ramp (integer >= 1, default 5).

    Example:
        >>> from course_lib import nn
        >>> from course_lib.optim import SGD
        >>> optimizer = SGD(nn.Linear(3, 1, rng=0).parameters(), lr=0.1)
        >>> scheduler = LinearLR(optimizer, start_factor=0.25, total_iters=3)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     scheduler.step()
        >>> [round(lr, 4) for lr in lrs]
        [0.025, 0.05, 0.075, 0.1, 0.1]

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5):
        self.start_factor = checks.number(start_factor, "start_factor", "LinearLR", low=0,
                                          low_inclusive=False, high=1)
        self.end_factor = checks.number(end_factor, "end_factor", "LinearLR", low=0, high=1)
        self.total_iters = checks.integer(total_iters, "total_iters", "LinearLR", minimum=1)
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        progress = min(epoch, self.total_iters) / self.total_iters
        return self.start_factor + (self.end_factor - self.start_factor) * progress


class LambdaLR(LRScheduler):
    r"""The learning rate is ``base_lr`` times a function of the epoch
    (``torch.optim.lr_scheduler.LambdaLR``).

    .. math:: \eta_t = \text{base\_lr} \cdot \lambda(t)

    Unlike the other schedulers it does not chain: it sets this value whatever
    other schedulers of the optimizer did, as PyTorch's LambdaLR does.

    Args:
        optimizer: a course_lib optimizer.
        lr_lambda: a function of the epoch returning a factor (a number >= 0),
            or a list of such functions, one per parameter group.

    Example (a warm-up written as a function):
        >>> from course_lib import nn
        >>> from course_lib.optim import SGD
        >>> optimizer = SGD(nn.Linear(3, 1, rng=0).parameters(), lr=0.1)
        >>> scheduler = LambdaLR(optimizer, lambda epoch: min(1.0, (epoch + 1) / 4))
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     scheduler.step()
        >>> [round(lr, 4) for lr in lrs]
        [0.025, 0.05, 0.075, 0.1, 0.1]

    The functions are not part of :meth:`state_dict` (PyTorch saves the
    attributes of callable objects; here nothing of them is saved).

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer: Optimizer, lr_lambda):
        n_groups = len(_checked_optimizer(optimizer, "LambdaLR").param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            lambdas = list(lr_lambda)
        else:
            lambdas = [lr_lambda] * n_groups
        if len(lambdas) != n_groups:
            raise ValueError(f"LambdaLR: got {len(lambdas)} functions in lr_lambda for an "
                             f"optimizer with {n_groups} parameter groups; give one per group")
        for fn in lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be a function of the epoch (or a "
                                f"list of them), got {fn!r}")
        self.lr_lambdas = lambdas
        super().__init__(optimizer)

    def closed_form(self, epoch: int) -> list[float]:
        return [base_lr * checks.number(fn(epoch), f"lr_lambda({epoch})", "LambdaLR", low=0)
                for base_lr, fn in zip(self.base_lrs, self.lr_lambdas, strict=True)]

    def next_lrs(self) -> list[float]:
        return self.closed_form(self.last_epoch)

    def state_dict(self) -> dict:
        return copy.deepcopy({key: value for key, value in vars(self).items()
                              if key not in ("optimizer", "lr_lambdas")})


class SequentialLR(LRScheduler):
    r"""Run schedulers one after another, switching at the milestone epochs
    (``torch.optim.lr_scheduler.SequentialLR``).

    Scheduler ``i`` runs from epoch ``milestones[i - 1]`` (0 for the first)
    until the next milestone. At a milestone the next scheduler starts at its
    own epoch 0, from its formula: with ``[LinearLR(...), CosineAnnealingLR(...)]``
    and ``milestones=[5]``, five epochs of warm-up are followed by a cosine
    that starts at the full learning rate.

    Args:
        optimizer: the optimizer every scheduler was created with.
        schedulers: the schedulers, in order (created just before, on ``optimizer``).
        milestones: the epochs at which to switch (increasing integers >= 1,
            one fewer than the schedulers).

    Example: see :mod:`course_lib.optim.lr_scheduler`.

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, optimizer: Optimizer, schedulers, milestones):
        where = "SequentialLR"
        _checked_optimizer(optimizer, where)
        schedulers, milestones = list(schedulers), list(milestones)
        if not schedulers:
            raise ValueError(f"{where}: expected at least one scheduler, got none")
        for i, scheduler in enumerate(schedulers):
            if not isinstance(scheduler, LRScheduler) or isinstance(scheduler, SequentialLR):
                raise TypeError(f"{where}: schedulers[{i}] is a {type(scheduler).__name__}, "
                                "not a course_lib scheduler such as LinearLR")
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"{where}: schedulers[{i}] ({type(scheduler).__name__}) was "
                                 "created with another optimizer; all must share this one")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"{where}: {len(schedulers)} schedulers need "
                             f"{len(schedulers) - 1} milestone(s), got {len(milestones)}")
        milestones = [checks.integer(m, "each milestone", where, minimum=1) for m in milestones]
        if milestones != sorted(set(milestones)):
            raise ValueError(f"{where}: milestones must be increasing, got {milestones}")
        self.optimizer = optimizer
        self.schedulers = schedulers
        self.milestones = milestones
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = 0
        # creating the schedulers has changed the learning rates: start from the first formula
        self.schedulers[0].restart()
        self._last_lr = self.schedulers[0].get_last_lr()

    def step(self) -> None:
        """One epoch on: at a milestone restart the next scheduler, else step the current one."""
        self.last_epoch += 1
        index = bisect.bisect_right(self.milestones, self.last_epoch)
        scheduler = self.schedulers[index]
        if index > 0 and self.milestones[index - 1] == self.last_epoch:
            scheduler.restart()
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict:
        """``last_epoch``, ``milestones``, each scheduler's state_dict under ``"schedulers"``."""
        state = copy.deepcopy({key: value for key, value in vars(self).items()
                               if key not in ("optimizer", "schedulers")})
        state["schedulers"] = [scheduler.state_dict() for scheduler in self.schedulers]
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        expected = set(self.state_dict())
        if not isinstance(state_dict, dict) or set(state_dict) != expected:
            raise ValueError(f"SequentialLR.load_state_dict: expected a dict with the keys "
                             f"{sorted(expected)} (from SequentialLR.state_dict())")
        if len(state_dict["schedulers"]) != len(self.schedulers):
            raise ValueError(f"SequentialLR.load_state_dict: the saved state has "
                             f"{len(state_dict['schedulers'])} schedulers, this one "
                             f"{len(self.schedulers)}")
        for scheduler, saved in zip(self.schedulers, state_dict["schedulers"], strict=True):
            scheduler.load_state_dict(saved)
        vars(self).update(copy.deepcopy({key: value for key, value in state_dict.items()
                                         if key != "schedulers"}))
