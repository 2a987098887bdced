"""The training loop: ``fit``, ``evaluate``, ``predict`` and early stopping.

Taught in notebooks/08_classification.ipynb, where the five training steps
are first written out as a loop::

    for epoch in range(epochs):
        for X_batch, y_batch in minibatches(X, y, batch_size, rng=rng):
            pred = model(X_batch)                      # 1. forward
            loss = loss_fn(pred, y_batch)              # 2. loss
            model.backward(loss_fn.backward())         # 3. backward
            optimizer.step()                           # 4. update
            optimizer.zero_grad()                      # 5. reset the gradients

``fit`` is that loop plus what every real training run needs: validation
after each epoch (in evaluation mode), a learning-rate schedule, metrics,
early stopping with the best weights restored, a progress bar, and a stop
with an explanation when the loss becomes NaN or infinite. It returns a
Keras-style history dict and never plots: ``course_lib.plots`` draws histories.

The course's defaults for small problems (chapters 01, 05, 08): PyTorch's
``Linear`` initialisation (``course_lib.nn.Linear``) and ``Adam(lr=0.1)`` with
full-batch updates. tests/unit/test_train.py shows that a 2-4-1 tanh network
with ``BCEWithLogitsLoss`` trained that way solves XOR from at least 95 of
100 random seeds within 300 epochs; the 2-2-1 network solves it from
``course_lib.xor.XOR_221_START``, and from random seeds only part of the time
(measured in benchmarks/xor_success_rate.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
from tqdm.auto import tqdm

from course_lib import checks
from course_lib.data.batches import minibatches
from course_lib.metrics import accuracy_score
from course_lib.nn.fast import backward_without_input_gradient
from course_lib.nn.loss import BCEWithLogitsLoss
from course_lib.progress import progress_disabled


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite; raised by :func:`fit`.

    Attributes:
        history (dict): the history of the epochs completed before it happened.
        epoch (int): the epoch (1-based) in which it happened.
        batch (int | None): the batch (1-based), or None if it was the validation loss.
        loss (float): the offending loss value.

    Taught in notebooks/05_optimizers.ipynb (the learning-rate sweep, divergence).
    """

    def __init__(self, message: str, *, history: dict, epoch: int, batch: int | None,
                 loss: float):
        super().__init__(message)
        self.history, self.epoch, self.batch, self.loss = history, epoch, batch, loss


# ---- callbacks ---------------------------------------------------------------------------
class Callback:
    """Hooks that :func:`fit` calls; subclass and override what you need.

    ``on_epoch_end`` receives the epoch index (0-based), that epoch's values
    (``logs``, e.g. ``{"loss": 0.3, "val_loss": 0.4, "lr": 0.001}``) and the
    model; returning True stops training after this epoch.

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written: early
    stopping).
    """

    def on_train_begin(self, model) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs: dict[str, float], model) -> bool | None:
        return None

    def on_train_end(self, model) -> None:
        pass


class EarlyStopping(Callback):
    """Stop when a monitored value has not improved for ``patience`` epochs,
    and put back the weights of the best epoch.

    An epoch improves on the best so far when the value is lower by more than
    ``min_delta`` (``mode="min"``) or higher by more than ``min_delta``
    (``mode="max"``). ``mode="auto"`` maximises accuracy-like values
    (names containing "acc", "auc", "f1", "precision", "recall" or "r2") and
    minimises everything else.

    With ``restore_best_weights=True`` the model's ``state_dict`` is saved at
    each improvement and loaded back when training ends (whether it stopped
    early or ran all epochs). The history still lists every epoch that ran.

    Args:
        monitor: a history key, e.g. ``"val_loss"`` (needs ``val_data``) or ``"loss"``.
        patience: epochs without improvement before stopping (>= 1).
        min_delta: the smallest change that counts as an improvement (>= 0).
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        restore_best_weights: load the best epoch's weights at the end.

    Attributes:
        best (float): the best value seen.
        best_epoch (int): its epoch, 0-based (an index into the history lists).
        stopped_epoch (int | None): the epoch (0-based) after which training stopped early.

    Example:
        >>> from course_lib import nn, optim
        >>> from course_lib.data import make_moons
        >>> X, y = make_moons(40, noise=0.3, rng=0)
        >>> X_val, y_val = make_moons(200, noise=0.3, rng=1)
        >>> model = nn.Sequential(nn.Linear(2, 32, rng=0), nn.ReLU(), nn.Linear(32, 2, rng=1))
        >>> stopper = EarlyStopping(monitor="val_loss", patience=5)
        >>> history = fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.05),
        ...               (X, y), val_data=(X_val, y_val), epochs=300, batch_size=10,
        ...               callbacks=[stopper], rng=0, progress=False)
        >>> len(history["val_loss"]) < 300, stopper.best_epoch == len(history["val_loss"]) - 6
        (True, True)

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """

    def __init__(self, monitor: str = "val_loss", *, patience: int = 5, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = True):
        checks.instance(monitor, str, "monitor", "EarlyStopping", hint="E.g. 'val_loss'.")
        patience = checks.integer(patience, "patience", "EarlyStopping", minimum=1)
        min_delta = checks.number(min_delta, "min_delta", "EarlyStopping", low=0)
        checks.choice(mode, ("auto", "min", "max"), "mode", "EarlyStopping")
        checks.boolean(restore_best_weights, "restore_best_weights", "EarlyStopping")
        if mode == "auto":
            maximise = ("acc", "auc", "f1", "precision", "recall", "r2")
            mode = "max" if any(word in monitor for word in maximise) else "min"
        self.monitor, self.patience, self.min_delta = monitor, int(patience), float(min_delta)
        self.mode, self.restore_best_weights = mode, restore_best_weights
        self.on_train_begin(None)

    def on_train_begin(self, model) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch, self.stopped_epoch, self.best_weights = None, None, None
        self._waited = 0

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch, logs, model) -> bool:
        if self.monitor not in logs:
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r}, but fit records only "
                f"{sorted(logs)}. Pass val_data to fit for 'val_...' values, or choose "
                f"monitor='loss'."
            )
        value = logs[self.monitor]
        if self._improved(value):
            self.best, self.best_epoch, self._waited = value, epoch, 0
            if self.restore_best_weights:
                # state_dict() holds the live arrays (as in PyTorch): keep copies
                self.best_weights = {name: array.copy()
                                     for name, array in model.state_dict().items()}
            return False
        self._waited += 1
        if self._waited >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, model) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            model.load_state_dict(self.best_weights)

    def __repr__(self) -> str:
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
                f"min_delta={self.min_delta}, mode={self.mode!r}, "
                f"restore_best_weights={self.restore_best_weights})")


# ---- metrics -----------------------------------------------------------------------------
def predicted_labels(output: np.ndarray, loss_fn=None) -> np.ndarray:
    """Class labels from a network's output.

    - output (N, C) with C > 1: ``argmax`` over classes (logits or probabilities);
    - output (N, 1) or (N,): ``output > 0`` when ``loss_fn`` is a
      ``BCEWithLogitsLoss`` (the output is a logit), else ``output > 0.5``
      (a probability, e.g. after a final ``Sigmoid``).

    Returns:
        np.ndarray of shape (N,), int64.

    Taught in notebooks/08_classification.ipynb.
    """
    output = np.asarray(output)
    if output.ndim == 2 and output.shape[1] > 1:
        return output.argmax(axis=1)
    threshold = 0.0 if isinstance(loss_fn, BCEWithLogitsLoss) else 0.5
    return (output.reshape(len(output)) > threshold).astype(np.int64)


def _accuracy_metric(loss_fn) -> Callable:
    def accuracy(y_true, output):
        return accuracy_score(np.asarray(y_true).reshape(len(output)),
                              predicted_labels(output, loss_fn))
    return accuracy


def _resolve_metrics(metrics, loss_fn) -> dict[str, Callable]:
    """``metrics`` as {name: fn(y_true, output) -> float}."""
    if isinstance(metrics, str):
        metrics = [metrics]
    if not isinstance(metrics, (dict, list, tuple)):
        raise TypeError(f"fit: metrics must be a list of names or a dict {{name: function}}, "
                        f"got {metrics!r}")
    items = metrics.items() if isinstance(metrics, dict) else [(m, m) for m in metrics]
    resolved = {}
    for name, metric in items:
        if isinstance(metric, str) and metric == "accuracy":
            metric = _accuracy_metric(loss_fn)
        elif isinstance(metric, str):
            raise ValueError(
                f"fit: unknown metric {metric!r}; use 'accuracy' or a function "
                "fn(y_true, output) -> float in a dict, e.g. metrics={'mae': my_mae}")
        checks.function(metric, f"the metric {name!r}", "fit")
        checks.instance(name, str, "a metric name", "fit")
        if name.startswith("val_") or name in ("loss", "lr"):
            raise ValueError(f"fit: invalid metric name {name!r} (it names a value fit records "
                             "itself)")
        resolved[name] = metric
    return resolved


# ---- helpers -----------------------------------------------------------------------------
def _in_model_dtype(X: np.ndarray, model) -> np.ndarray:
    """Convert floating inputs to the parameters' dtype once, instead of once per batch."""
    params = model.parameters()
    if params and X.dtype.kind == "f" and X.dtype != params[0].dtype:
        return X.astype(params[0].dtype)
    return X


# ---- fit, evaluate, predict --------------------------------------------------------------
def fit(model, loss_fn, optimizer, train_data, *, epochs: int, batch_size: int,
        val_data=None, scheduler=None, metrics: Iterable | dict = (),
        callbacks: Iterable[Callback] = (), penalty=None, shuffle: bool = True,
        drop_last: bool = False, rng=None, progress: bool = True) -> dict[str, list[float]]:
    """Train ``model`` with mini-batches for ``epochs`` epochs and return the history.

    Each epoch: ``model.train()``; for each mini-batch (a new shuffled order
    every epoch, from ``rng``): forward, loss, ``model.backward``,
    ``optimizer.step()``, ``optimizer.zero_grad()``. Then, if ``val_data`` is
    given, ``model.eval()`` and the validation loss and metrics
    (:func:`evaluate`); then ``scheduler.step()``; then the callbacks.

    Args:
        model: a ``course_lib.nn.Module``.
        loss_fn: a loss module, e.g. ``nn.CrossEntropyLoss()``.
        optimizer: a ``course_lib.optim`` optimizer over ``model.parameters()``.
        train_data: a tuple ``(X, y)``; X of shape (N, ...), y of shape (N, ...).
            Floating X is converted once to the parameters' dtype.
        epochs: number of passes over the training data (>= 1).
        batch_size: samples per mini-batch (the last one may be smaller).
        val_data: an optional ``(X_val, y_val)`` evaluated after every epoch.
        scheduler: an optional learning-rate scheduler, stepped once per epoch.
        metrics: names (``"accuracy"``) or a dict ``{name: fn(y_true, output)}``.
            Training values are averaged over the epoch's batches as they are
            trained (train mode), validation values are computed in eval mode.
        callbacks: e.g. ``[EarlyStopping(patience=5)]``.
        penalty: an optional ``course_lib.regularization`` penalty (``L1Penalty``,
            ``L2Penalty``, ``ElasticNetPenalty``): before every step its gradient is
            added to the parameters' gradients (``penalty.backward(model.parameters())``).
            The history's ``"loss"`` stays the data loss alone, so runs with and
            without a penalty compare on the same scale.
        shuffle: visit the training samples in a new random order each epoch.
        drop_last: skip the last batch of an epoch when it is smaller than
            ``batch_size`` (e.g. for ``BatchNorm1d``, which cannot train on a
            batch of one sample).
        rng: ``np.random.Generator`` or int seed for the shuffling (None: fresh,
            unpredictable randomness; pass one to make a run reproducible).
        progress: show a tqdm.auto progress bar (always off when the
            environment variable ``TQDM_DISABLE`` is set, e.g. to 1).

    Returns:
        dict: per-epoch lists, Keras-style: ``"loss"``, each metric, and with
        ``val_data`` ``"val_loss"`` and ``"val_<metric>"``; ``"lr"`` is the
        learning rate used during each epoch (of the first parameter group,
        ``optimizer.param_groups[0]["lr"]``). All lists have one entry per
        epoch that ran.

    Raises:
        TrainingDiverged: a training (or validation) loss is NaN or infinite.
            The message says where and what to try; ``error.history`` holds
            the completed epochs. The model keeps the parameters reached.
        TypeError: an argument of the wrong type (e.g. ``train_data`` not a tuple).
        ValueError: inconsistent or empty data, invalid epochs/batch_size/metrics.

    The model's train/eval mode is restored when ``fit`` returns.

    Example:
        >>> from course_lib import nn, optim
        >>> from course_lib.data import make_spirals
        >>> X, y = make_spirals(300, n_classes=3, rng=0)
        >>> X_val, y_val = make_spirals(300, n_classes=3, rng=1)
        >>> model = nn.Sequential(nn.Linear(2, 16, rng=0), nn.ReLU(), nn.Linear(16, 3, rng=1))
        >>> history = fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters()),
        ...               (X, y), val_data=(X_val, y_val), epochs=10, batch_size=32,
        ...               metrics=["accuracy"], rng=0, progress=False)
        >>> sorted(history)
        ['accuracy', 'loss', 'lr', 'val_accuracy', 'val_loss']
        >>> len(history["loss"]), history["loss"][-1] < history["loss"][0]
        (10, True)

    Taught in notebooks/08_classification.ipynb.
    """
    checks.function(model, "model", "fit")
    checks.function(loss_fn, "loss_fn", "fit")
    X, y = checks.data_pair(train_data, "train_data", "fit")
    val = None if val_data is None else checks.data_pair(val_data, "val_data", "fit")
    epochs = checks.integer(epochs, "epochs", "fit", minimum=1)
    batch_size = checks.integer(batch_size, "batch_size", "fit", minimum=1)
    metric_fns = _resolve_metrics(metrics, loss_fn)
    callbacks = list(callbacks)
    checks.boolean(shuffle, "shuffle", "fit")
    checks.boolean(drop_last, "drop_last", "fit")
    checks.boolean(progress, "progress", "fit")
    rng = checks.rng(rng, "fit")
    if penalty is not None and not callable(getattr(penalty, "backward", None)):
        raise TypeError(f"fit: penalty must be a course_lib.regularization penalty such as "
                        f"L2Penalty(1e-3), got {penalty!r}")
    X = _in_model_dtype(X, model)
    keys = ["loss", *metric_fns]
    if val is not None:
        keys += [f"val_{k}" for k in ["loss", *metric_fns]]
    history: dict[str, list[float]] = {k: [] for k in [*keys, "lr"]}
    if drop_last and len(X) < batch_size:
        raise ValueError(f"fit: drop_last=True with {len(X)} samples and batch_size={batch_size} "
                         "leaves no batch to train on; lower batch_size")
    n_batches = len(X) // batch_size if drop_last else math.ceil(len(X) / batch_size)
    was_training = model.training

    model.zero_grad()
    for callback in callbacks:
        callback.on_train_begin(model)
    bar = tqdm(total=epochs * n_batches, unit="batch", disable=progress_disabled(progress))
    try:
        for epoch in range(epochs):
            bar.set_description(f"epoch {epoch + 1}/{epochs}")
            model.train()
            lr = optimizer.param_groups[0]["lr"]
            loss_sum, seen = 0.0, 0
            metric_sums = dict.fromkeys(metric_fns, 0.0)
            batches = minibatches(X, y, batch_size, shuffle=shuffle,
                                  rng=rng if shuffle else None, drop_last=drop_last)
            for batch, (X_batch, y_batch) in enumerate(batches):
                output = model(X_batch)
                loss = loss_fn(output, y_batch)
                if not math.isfinite(loss):
                    raise _diverged(history, epoch, batch, n_batches, loss, lr)
                # model.backward(loss_fn.backward()), minus the gradient of the data
                backward_without_input_gradient(model, loss_fn.backward())
                if penalty is not None:
                    penalty.backward(model.parameters())
                optimizer.step()
                optimizer.zero_grad()
                loss_sum += loss * len(X_batch)
                seen += len(X_batch)
                for name, metric in metric_fns.items():
                    metric_sums[name] += metric(y_batch, output) * len(X_batch)
                bar.update(1)
            logs = {"loss": loss_sum / seen}
            logs.update({name: total / seen for name, total in metric_sums.items()})
            if val is not None:
                scores = evaluate(model, loss_fn, val, batch_size=batch_size, metrics=metric_fns)
                if not math.isfinite(scores["loss"]):
                    raise _diverged(history, epoch, None, n_batches, scores["loss"], lr)
                logs.update({f"val_{name}": value for name, value in scores.items()})
                model.train()
            logs["lr"] = lr
            for key, value in logs.items():
                history[key].append(value)
            bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items() if k != "lr"}, refresh=False)
            if scheduler is not None:
                scheduler.step()
            stop = [bool(callback.on_epoch_end(epoch, logs, model)) for callback in callbacks]
            if any(stop):
                break
        for callback in callbacks:
            callback.on_train_end(model)
    finally:
        bar.close()
        model.train(was_training)
    return history


def _diverged(history, epoch, batch, n_batches, loss, lr) -> TrainingDiverged:
    where = (f"epoch {epoch + 1}, batch {batch + 1}/{n_batches}" if batch is not None
             else f"epoch {epoch + 1}, on the validation data")
    completed = {k: list(v) for k, v in history.items()}
    return TrainingDiverged(
        f"Training diverged at {where}: the loss is {loss}. Try a smaller learning rate "
        f"(it is {lr:g}; e.g. divide it by 10), check that the inputs are scaled "
        "(standardize them; divide images by 255), and that X and y contain no NaN or "
        "infinite values. error.history holds the completed epochs.",
        history=completed, epoch=epoch + 1, batch=None if batch is None else batch + 1,
        loss=loss)


def evaluate(model, loss_fn, data, *, batch_size: int = 1024,
             metrics: Iterable | dict = ()) -> dict[str, float]:
    """Loss and metrics of ``model`` on ``data = (X, y)``, in evaluation mode.

    The loss is the mean over all samples (batch means weighted by batch
    size), so the batch size does not change the result. The model's mode is
    restored afterwards.

    Returns:
        dict: ``{"loss": ..., <metric>: ...}`` as plain floats.

    Example:
        >>> from course_lib import nn
        >>> model = nn.Linear(2, 2, rng=0)
        >>> X, y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1])
        >>> scores = evaluate(model, nn.CrossEntropyLoss(), (X, y), metrics=["accuracy"])
        >>> sorted(scores), 0 <= scores["accuracy"] <= 1
        (['accuracy', 'loss'], True)

    Taught in notebooks/08_classification.ipynb.
    """
    checks.function(model, "model", "evaluate")
    checks.function(loss_fn, "loss_fn", "evaluate")
    X, y = checks.data_pair(data, "data", "evaluate")
    batch_size = checks.integer(batch_size, "batch_size", "evaluate", minimum=1)
    metric_fns = _resolve_metrics(metrics, loss_fn)
    X = _in_model_dtype(X, model)
    was_training = model.training
    model.eval()
    try:
        sums = dict.fromkeys(["loss", *metric_fns], 0.0)
        for X_batch, y_batch in minibatches(X, y, batch_size, shuffle=False, rng=None):
            output = model(X_batch)
            sums["loss"] += loss_fn(output, y_batch) * len(X_batch)
            for name, metric in metric_fns.items():
                sums[name] += metric(y_batch, output) * len(X_batch)
    finally:
        model.train(was_training)
    return {name: total / len(X) for name, total in sums.items()}


def predict(model, X, *, batch_size: int = 1024) -> np.ndarray:
    """The model's outputs for ``X`` in evaluation mode, computed in batches.

    Returns:
        np.ndarray: the concatenated outputs, shape (N, ...) (logits for a
        classifier: use :func:`predicted_labels` or ``argmax(axis=1)``).

    Taught in notebooks/08_classification.ipynb.
    """
    checks.function(model, "model", "predict")
    X = np.asarray(X)
    if X.ndim == 0:
        raise TypeError("predict: X must be an array with one row per sample, got a single "
                        "number")
    if len(X) == 0:
        raise ValueError(f"predict: X must hold at least one sample, got shape {X.shape}")
    batch_size = checks.integer(batch_size, "batch_size", "predict", minimum=1)
    X = _in_model_dtype(X, model)
    was_training = model.training
    model.eval()
    try:
        return np.concatenate([model(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])
    finally:
        model.train(was_training)


__all__ = [
    "Callback",
    "EarlyStopping",
    "TrainingDiverged",
    "evaluate",
    "fit",
    "predict",
    "predicted_labels",
]
