"""Training a PyTorch model: the loop with validation, a schedule, early stopping and checkpoints.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb, which first writes one
epoch out by hand. :func:`fit` runs that loop for every epoch::

    for X, y in train_loader:
        loss = loss_fn(model(X), y)     # 1-2. forward and loss (logits in, mean loss out)
        loss.backward()                 # 3. backward: every parameter's .grad
        optimizer.step()                # 4. update
        optimizer.zero_grad()           # 5. reset the gradients (they add up otherwise)
        scheduler.step()                # the learning rate of the next step

and adds what a real run needs: validation after every epoch (in eval mode,
without gradients: ``course_lib.torch_utils.evaluate``), callbacks (early
stopping, gradient statistics, TensorBoard logging), a checkpoint after every
epoch that a later call can resume from, a time budget, and a stop with an
explanation when the loss becomes NaN. It returns a history dict, as
``course_lib.train.fit`` does for the NumPy engine, and never plots.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import torch

from course_lib import checks
from course_lib import train as numpy_train
from course_lib.progress import progress_bar
from course_lib.torch_checkpoint import load_checkpoint, save_checkpoint
from course_lib.torch_utils import evaluate
from course_lib.train import TrainingDiverged

__all__ = ["Callback", "EarlyStopping", "OneCycleByTime", "TimeBudget", "fit", "predict"]

HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds")


class Callback:
    """Hooks that :func:`fit` calls; subclass and override what you need.

    - ``on_train_begin(model)``: before the first epoch (also when resuming).
    - ``after_backward(model, step)``: the gradients of optimizer step ``step``
      (0-based, counted over the whole run) are in every ``parameter.grad``.
    - ``after_step(model, step)``: the optimizer has just updated the parameters.
    - ``on_epoch_end(epoch, logs, model)``: ``logs`` holds the epoch's values
      (``{"loss": ..., "val_loss": ..., "lr": ...}``); return True to stop.
    - ``on_train_end(model)``: after the last epoch.
    - ``state_dict()`` / ``load_state_dict(state)``: what a checkpoint keeps of it.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    def on_train_begin(self, model) -> None:
        pass

    def after_backward(self, model, step: int) -> None:
        pass

    def after_step(self, model, step: int) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs: dict[str, float], model) -> bool | None:
        return None

    def on_train_end(self, model) -> None:
        pass

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass


class EarlyStopping(numpy_train.EarlyStopping, Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs; keep the best weights.

    The same rule as ``course_lib.train.EarlyStopping`` (chapter 06), for torch
    models: at every improvement the weights are **copied**
    (``tensor.detach().clone()``; ``model.state_dict()`` returns the live
    tensors, which the next step would change) and, with ``best_path``, also
    saved to that file with ``torch.save``. At the end of training the best
    weights are put back (``restore_best_weights=True``).

    Args:
        monitor: a history key, e.g. ``"val_loss"`` or ``"val_accuracy"``.
        patience: epochs without improvement before stopping (>= 1).
        min_delta: the smallest change that counts as an improvement.
        mode: ``"auto"``, ``"min"`` or ``"max"`` (auto: max for accuracy-like names).
        restore_best_weights: load the best epoch's weights at the end.
        best_path: a file to save the best weights to (``torch.load`` it into a
            model of the same shape with ``model.load_state_dict``), or None.

    Attributes:
        best, best_epoch (0-based), stopped_epoch (None if training ran to the end).

    Example:
        >>> stopper = EarlyStopping(monitor="val_loss", patience=3)
        >>> model = torch.nn.Linear(1, 1)
        >>> for epoch, val_loss in enumerate([0.5, 0.4, 0.45, 0.41, 0.42]):
        ...     if stopper.on_epoch_end(epoch, {"val_loss": val_loss}, model):
        ...         break
        >>> stopper.best, stopper.best_epoch, stopper.stopped_epoch
        (0.4, 1, 4)

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    def __init__(self, monitor: str = "val_loss", *, patience: int = 5, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = True,
                 best_path: str | Path | None = None):
        super().__init__(monitor, patience=patience, min_delta=min_delta, mode=mode,
                         restore_best_weights=restore_best_weights)
        self.best_path = None if best_path is None else Path(best_path)

    def on_epoch_end(self, epoch, logs, model) -> bool:
        if self.monitor not in logs:
            raise ValueError(f"EarlyStopping monitors {self.monitor!r}, but the epoch recorded "
                             f"only {sorted(logs)}; pass val_loader to fit for 'val_...' values")
        value = logs[self.monitor]
        if self._improved(value):
            self.best, self.best_epoch, self._waited = value, epoch, 0
            if self.restore_best_weights or self.best_path is not None:
                self.best_weights = {name: tensor.detach().clone()
                                     for name, tensor in model.state_dict().items()}
            if self.best_path is not None:
                torch.save(self.best_weights, self.best_path)
            return False
        self._waited += 1
        if self._waited >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def state_dict(self) -> dict:
        return {"best": self.best, "best_epoch": self.best_epoch,
                "stopped_epoch": self.stopped_epoch, "waited": self._waited,
                "best_weights": self.best_weights}

    def load_state_dict(self, state: dict) -> None:
        self.best, self.best_epoch = state["best"], state["best_epoch"]
        self.stopped_epoch, self._waited = state["stopped_epoch"], state["waited"]
        self.best_weights = state["best_weights"]


class TimeBudget:
    """A training budget in seconds of wall-clock time, started by :func:`fit`.

    On a shared or busy machine an epoch can take several times longer than
    on an idle one, so a run that must finish within a time limit measures the
    time itself instead of fixing a number of epochs in advance.

    Args:
        seconds: the budget (> 0).
        clock: a function returning the current time in seconds (tests pass a fake one).

    Example:
        >>> now = [0.0]
        >>> budget = TimeBudget(10.0, clock=lambda: now[0])
        >>> budget.start(); now[0] = 2.5
        >>> budget.fraction(), budget.exhausted()
        (0.25, False)

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.perf_counter):
        self.seconds = checks.number(seconds, "seconds", "TimeBudget", low=0.0,
                                     low_inclusive=False)
        self.clock = clock
        self.started_at: float | None = None

    def start(self) -> None:
        self.started_at = self.clock()

    def elapsed(self) -> float:
        return 0.0 if self.started_at is None else self.clock() - self.started_at

    def fraction(self) -> float:
        """The part of the budget used so far, from 0 to 1."""
        return min(self.elapsed() / self.seconds, 1.0)

    def exhausted(self) -> bool:
        return self.elapsed() >= self.seconds

    def __repr__(self) -> str:
        return f"TimeBudget({self.seconds:g} s, {self.elapsed():.1f} s used)"


class OneCycleByTime:
    r"""The one-cycle learning-rate schedule, over a time budget instead of a number of steps.

    With :math:`f` the fraction of the budget used so far, the learning rate
    rises from :math:`\eta_{\max} / d` to :math:`\eta_{\max}` while
    :math:`f < p` (``pct_start``) and then falls to :math:`\eta_{\max} / (d
    \cdot d_{\text{final}})`, both along half a cosine:

    .. math::
        \eta = \eta_{\text{end}} + \tfrac{1}{2} (\eta_{\text{start}} - \eta_{\text{end}})
        (1 + \cos \pi t), \qquad t = \frac{f}{p} \text{ or } \frac{f - p}{1 - p}

    This is ``torch.optim.lr_scheduler.OneCycleLR``'s formula (without
    momentum cycling) with the fraction of steps replaced by the fraction of time.

    Args:
        optimizer: a torch optimizer; ``step()`` writes every ``param_group["lr"]``.
        max_lr: the peak learning rate.
        budget: the :class:`TimeBudget` that :func:`fit` runs under.
        pct_start: the part of the budget spent warming up.
        div_factor: initial learning rate = ``max_lr / div_factor``.
        final_div_factor: final learning rate = initial / ``final_div_factor``.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    def __init__(self, optimizer, max_lr: float, budget: TimeBudget, *, pct_start: float = 0.3,
                 div_factor: float = 25.0, final_div_factor: float = 1e4):
        if not isinstance(budget, TimeBudget):
            raise TypeError(f"OneCycleByTime: budget must be a TimeBudget, got {budget!r}")
        self.optimizer, self.budget = optimizer, budget
        self.max_lr = checks.number(max_lr, "max_lr", "OneCycleByTime", low=0.0,
                                    low_inclusive=False)
        self.pct_start = checks.number(pct_start, "pct_start", "OneCycleByTime", low=0.0,
                                       high=1.0, low_inclusive=False, high_inclusive=False)
        self.initial_lr = self.max_lr / checks.number(div_factor, "div_factor", "OneCycleByTime",
                                                      low=1.0)
        self.final_lr = self.initial_lr / checks.number(final_div_factor, "final_div_factor",
                                                        "OneCycleByTime", low=1.0)
        self.step()

    def lr_at(self, fraction: float) -> float:
        """The learning rate when ``fraction`` of the budget is used."""
        if fraction < self.pct_start:
            t = fraction / self.pct_start
            start, end = self.initial_lr, self.max_lr
        else:
            t = (fraction - self.pct_start) / (1 - self.pct_start)
            start, end = self.max_lr, self.final_lr
        return end + (start - end) / 2 * (1 + math.cos(math.pi * t))

    def step(self) -> None:
        lr = self.lr_at(self.budget.fraction())
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def get_last_lr(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass


def fit(model: torch.nn.Module, loss_fn, optimizer: torch.optim.Optimizer, train_loader, *,
        epochs: int, val_loader=None, scheduler=None, callbacks: Iterable[Callback] = (),
        checkpoint: str | Path | None = None, resume: bool = False,
        time_budget: TimeBudget | None = None, progress: bool = True) -> dict[str, list[float]]:
    """Train ``model`` for ``epochs`` epochs (or until a callback or the time budget stops it).

    Every epoch: ``model.train()``; for every batch of ``train_loader`` the five
    steps of the module docstring, with ``scheduler.step()`` after every
    optimizer step (as ``OneCycleLR`` expects); then, with ``val_loader``, the
    validation loss and accuracy in eval mode; then the callbacks; then, with
    ``checkpoint``, the whole training state is saved to that file.

    Args:
        model: a torch module returning logits (N, C) for a classifier.
        loss_fn: e.g. ``torch.nn.CrossEntropyLoss()``.
        optimizer: a torch optimizer over ``model.parameters()``.
        train_loader: a ``DataLoader`` of ``(X, y)`` batches; give it a seeded
            ``generator`` to make shuffling (and a resumed run) reproducible.
        epochs: the epoch to stop after (>= 1); when resuming, the total, not the
            number still to run.
        val_loader: an optional ``DataLoader`` evaluated after every epoch.
        scheduler: an optional learning-rate scheduler, stepped after every batch.
        callbacks: e.g. ``[EarlyStopping(patience=3)]``.
        checkpoint: a file to save the training state to after every epoch.
        resume: continue from ``checkpoint`` if that file exists (the model,
            optimizer, scheduler and loader must be built as for the first run).
        time_budget: stop at the first batch that ends after the budget is used up
            (the partial epoch is validated and recorded). It is started here.
        progress: a tqdm.auto bar over the batches (off when ``TQDM_DISABLE`` is set).

    Returns:
        dict: one entry per epoch run (also those of a resumed checkpoint) for
        ``"loss"`` and ``"accuracy"`` (training, averaged over the epoch's
        samples as they were trained, with dropout on), ``"val_loss"`` and
        ``"val_accuracy"`` (empty without ``val_loader``), ``"lr"`` (at the
        epoch's first batch) and ``"seconds"`` (the epoch's training time).

    Raises:
        TrainingDiverged: a training loss is NaN or infinite; ``error.history``
            holds the completed epochs.
        ValueError: invalid ``epochs``, ``resume`` without ``checkpoint``, or a
            time budget with ``resume``.

    The model's train/eval mode is restored when ``fit`` returns.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    epochs = checks.integer(epochs, "epochs", "fit", minimum=1)
    callbacks = list(callbacks)
    if resume and checkpoint is None:
        raise ValueError("fit: resume=True needs checkpoint=PATH, the file to resume from")
    if resume and time_budget is not None:
        raise ValueError("fit: a run under a time budget cannot be resumed (the budget "
                         "would start again); give one or the other")
    device = next(model.parameters()).device
    generator = getattr(train_loader, "generator", None)
    history: dict[str, list[float]] = {key: [] for key in HISTORY_KEYS}
    for callback in callbacks:
        callback.on_train_begin(model)
    first_epoch, step = 0, 0
    if resume and Path(checkpoint).exists():
        first_epoch, history, step = load_checkpoint(
            checkpoint, model=model, optimizer=optimizer, scheduler=scheduler,
            generator=generator, callbacks=callbacks, with_step=True)
    if time_budget is not None:
        time_budget.start()
    was_training = model.training
    bar = progress_bar(total=max(epochs - first_epoch, 0) * len(train_loader), unit="batch",
                       progress=progress)
    try:
        for epoch in range(first_epoch, epochs):
            bar.set_description(f"epoch {epoch + 1}/{epochs}")
            model.train()
            lr = optimizer.param_groups[0]["lr"]
            started = time.perf_counter()
            loss_sum, correct, seen = 0.0, 0, 0
            for batch, (X, y) in enumerate(train_loader):
                X, y = X.to(device), y.to(device)
                output = model(X)
                loss = loss_fn(output, y)
                if not math.isfinite(loss.item()):
                    raise _diverged(history, epoch, batch, loss.item(), lr)
                loss.backward()
                for callback in callbacks:
                    callback.after_backward(model, step)
                optimizer.step()
                for callback in callbacks:
                    callback.after_step(model, step)
                optimizer.zero_grad()
                if scheduler is not None:
                    scheduler.step()
                loss_sum += loss.item() * len(y)
                correct += int((output.argmax(dim=1) == y).sum())
                seen += len(y)
                step += 1
                bar.update(1)
                if time_budget is not None and time_budget.exhausted():
                    break
            logs = {"loss": loss_sum / seen, "accuracy": correct / seen, "lr": lr,
                    "seconds": time.perf_counter() - started}
            if val_loader is not None:
                scores = evaluate(model, loss_fn, val_loader)
                logs["val_loss"], logs["val_accuracy"] = scores["loss"], scores["accuracy"]
            for key, value in logs.items():
                history[key].append(value)
            bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items() if "loss" in k},
                            refresh=False)
            stop = [bool(callback.on_epoch_end(epoch, logs, model)) for callback in callbacks]
            if checkpoint is not None:
                save_checkpoint(checkpoint, model=model, optimizer=optimizer, epoch=epoch + 1,
                                history=history, scheduler=scheduler, generator=generator,
                                callbacks=callbacks, step=step)
            if any(stop) or (time_budget is not None and time_budget.exhausted()):
                break
        for callback in callbacks:
            callback.on_train_end(model)
    finally:
        bar.close()
        model.train(was_training)
    return history


@torch.no_grad()
def predict(model: torch.nn.Module, loader) -> tuple[torch.Tensor, torch.Tensor]:
    """The model's outputs for every batch of ``loader``, in eval mode, without gradients.

    Returns:
        ``(outputs, targets)``: the concatenated outputs (logits (N, C) for a
        classifier; ``torch.softmax(outputs, dim=1)`` gives probabilities) and
        the targets, in the loader's order, on the CPU.

    The model's train/eval mode is restored afterwards.

    Example:
        >>> from torch.utils.data import DataLoader, TensorDataset
        >>> loader = DataLoader(TensorDataset(torch.ones(5, 3), torch.zeros(5)), batch_size=2)
        >>> outputs, targets = predict(torch.nn.Linear(3, 4), loader)
        >>> tuple(outputs.shape), tuple(targets.shape), outputs.requires_grad
        ((5, 4), (5,), False)

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        outputs, targets = [], []
        for X, y in loader:
            outputs.append(model(X.to(device)).cpu())
            targets.append(y)
    finally:
        model.train(was_training)
    if not outputs:
        raise ValueError("predict: the loader yielded no batches")
    return torch.cat(outputs), torch.cat(targets)


def _diverged(history, epoch, batch, loss, lr) -> TrainingDiverged:
    completed = {key: list(values) for key, values in history.items()}
    return TrainingDiverged(
        f"Training diverged at epoch {epoch + 1}, batch {batch + 1}: the loss is {loss}. "
        f"Try a smaller learning rate (it was {lr:g} at the start of the epoch), and check "
        "that the inputs are scaled and contain no NaN. error.history holds the completed "
        "epochs.", history=completed, epoch=epoch + 1, batch=batch + 1, loss=loss)
