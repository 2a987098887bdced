r"""Regression with a small network: build it, train it on scaled data, score it.

Taught in notebooks/07_regression.ipynb, which first writes every step out by
hand and then checks that :func:`train_regressor` gives the same predictions:

1. fit a ``Standardizer`` on the training inputs, and one on the training
   targets (target scaling), on the training data only;
2. train the network on the scaled data with ``course_lib.train.fit``;
3. predict: scale the new inputs with the *training* statistics, run the
   network, and map its outputs back to the target's units.

:func:`regression_scores` computes the chapter's metrics in one call, so a
sweep's experiment can return exactly the pair of metrics its table reports.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course_lib import checks, metrics, nn
from course_lib.data.standardize import Standardizer
from course_lib.optim import SGD, Adam
from course_lib.train import fit

#: The hidden activations a regression network can use, by name.
ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "elu": nn.ELU, "tanh": nn.Tanh,
               "sigmoid": nn.Sigmoid}

#: The metrics :func:`regression_scores` knows, by name.
METRICS = {
    "mse": metrics.mean_squared_error,
    "rmse": metrics.root_mean_squared_error,
    "mae": metrics.mean_absolute_error,
    "r2": metrics.r2_score,
    "explained_variance": metrics.explained_variance_score,
    "msle": metrics.mean_squared_log_error,
    "rmsle": metrics.root_mean_squared_log_error,
    "mape": metrics.mean_absolute_percentage_error,
}
_LOG_METRICS = ("msle", "rmsle")


def mlp(n_inputs: int, hidden: Sequence[int] = (16,), *, activation: str = "relu",
        dropout: float = 0.0, rng) -> nn.Sequential:
    """A regression network: ``Linear -> activation [-> Dropout]`` per hidden layer, then
    ``Linear(..., 1)`` with no activation (a linear output can take any value).

    Taught in notebooks/07_regression.ipynb. ``hidden=()`` gives the single-layer
    network ``Linear(n_inputs, 1)``, a linear regression; ``hidden=(16,)`` the
    chapter's input-16-ReLU-1 network.

    Args:
        n_inputs: number of input features.
        hidden: the width of each hidden layer, e.g. ``(16,)`` or ``(16, 16)``.
        activation: one of ``ACTIVATIONS``.
        dropout: probability of dropping a hidden unit during training (0: no Dropout layers).
        rng: ``np.random.Generator`` or int seed for the weights and the dropout masks.

    Shapes: input (N, n_inputs) -> output (N, 1).

    Example:
        >>> model = mlp(8, (16,), rng=0)
        >>> model
        Sequential(
          (0): Linear(in_features=8, out_features=16, bias=True)
          (1): ReLU()
          (2): Linear(in_features=16, out_features=1, bias=True)
        )
    """
    n_inputs = checks.integer(n_inputs, "n_inputs", "mlp", minimum=1)
    hidden = [checks.integer(h, "hidden width", "mlp", minimum=1) for h in hidden]
    checks.choice(activation, ACTIVATIONS, "activation", "mlp")
    dropout = checks.number(dropout, "dropout", "mlp", low=0, high=1, high_inclusive=False)
    rng = checks.rng(rng, "mlp")
    layers, width = [], n_inputs
    for h in hidden:
        layers += [nn.Linear(width, h, rng=rng), ACTIVATIONS[activation]()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout, rng=rng))
        width = h
    layers.append(nn.Linear(width, 1, rng=rng))
    return nn.Sequential(*layers)


class Regressor:
    """A trained network with the scalers of its training data: ``predict`` in the target's units.

    Taught in notebooks/07_regression.ipynb.

    Attributes:
        model: the trained network, (N, n_features) -> (N, 1) scaled targets.
        x_scaler: the ``Standardizer`` fitted on the training inputs.
        y_scaler: the ``Standardizer`` fitted on the training targets, shape (N, 1),
            or None when the target was not scaled.
        history: ``fit``'s history (losses on the scaled target).
    """

    def __init__(self, model, x_scaler: Standardizer, y_scaler: Standardizer | None,
                 history: dict):
        self.model, self.x_scaler, self.y_scaler, self.history = model, x_scaler, y_scaler, \
            history

    def predict(self, X) -> np.ndarray:
        """Predictions (N,) for inputs ``X`` (N, n_features), in the units of the target.

        The inputs are scaled with the *training* statistics; the network runs in
        evaluation mode (dropout off).
        """
        was_training = self.model.training
        self.model.eval()
        try:
            out = self.model(self.x_scaler.transform(X))
        finally:
            self.model.train(was_training)
        if self.y_scaler is not None:
            out = self.y_scaler.inverse_transform(out)
        return out[:, 0]

    def __repr__(self) -> str:
        return f"Regressor({self.model!r}, target scaled: {self.y_scaler is not None})"


def train_regressor(model, X, y, *, optimizer: str = "adam", lr: float = 0.01,
                    momentum: float = 0.0, loss_fn=None, epochs: int = 60,
                    batch_size: int = 64, penalty=None, scale_target: bool = True,
                    rng) -> Regressor:
    """Standardize inputs (and targets), train ``model`` with ``fit``, return a :class:`Regressor`.

    Taught in notebooks/07_regression.ipynb (written out by hand there first).

    Args:
        model: a network (N, n_features) -> (N, 1), e.g. from :func:`mlp`.
        X: (N, n_features) training inputs; y: (N,) training targets.
        optimizer: ``"adam"`` (``Adam(lr)``) or ``"sgd"`` (``SGD(lr, momentum)``).
        lr, momentum: the optimizer's learning rate and (SGD only) momentum.
        loss_fn: the training loss (default ``nn.MSELoss()``).
        epochs, batch_size: as ``fit``.
        penalty: an optional ``course_lib.regularization`` penalty, as ``fit``.
        scale_target: standardize the target too (and map predictions back).
        rng: ``np.random.Generator`` or int seed for the order of the mini-batches.

    Returns:
        The :class:`Regressor`. Raises ``course_lib.train.TrainingDiverged`` if the
        loss becomes NaN or infinite (e.g. a learning rate far too large).

    Example:
        >>> from course_lib.data import make_friedman1
        >>> X, y, _, _ = make_friedman1(200, rng=0)
        >>> fitted = train_regressor(mlp(5, rng=0), X, y, epochs=2, rng=0)
        >>> fitted.predict(X[:3]).shape
        (3,)
    """
    checks.choice(optimizer, ("adam", "sgd"), "optimizer", "train_regressor")
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"train_regressor: X must be (N, n_features) and y (N,), got "
                         f"{X.shape} and {y.shape}")
    x_scaler = Standardizer().fit(X)
    y_scaler = Standardizer().fit(y[:, None]) if scale_target else None
    targets = y_scaler.transform(y[:, None]) if scale_target else y[:, None]
    if optimizer == "adam":
        opt = Adam(model.parameters(), lr=lr)
    else:
        opt = SGD(model.parameters(), lr=lr, momentum=momentum)
    history = fit(model, loss_fn if loss_fn is not None else nn.MSELoss(), opt,
                  (x_scaler.transform(X), targets), epochs=epochs, batch_size=batch_size,
                  penalty=penalty, rng=rng, progress=False)
    return Regressor(model, x_scaler, y_scaler, history)


def regression_scores(y_true, y_pred, names: Sequence[str] = tuple(METRICS)) -> dict[str, float]:
    """The metrics ``names`` (keys of ``METRICS``) of the predictions, as a dict of floats.

    Taught in notebooks/07_regression.ipynb. The logarithmic metrics (``"msle"``,
    ``"rmsle"``) are computed on the predictions clipped at 0, ``np.maximum(y_pred, 0)``,
    the usual fix for a target that cannot be negative (a price, a count); the
    targets themselves must be non-negative, otherwise they raise ValueError.

    Args:
        y_true, y_pred: (N,) targets and predictions.
        names: which metrics to compute.

    Example:
        >>> regression_scores(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0]), ["mse", "mae"])
        {'mse': 0.3333333333333333, 'mae': 0.3333333333333333}
    """
    for name in names:
        checks.choice(name, METRICS, "metric name", "regression_scores")
    y_pred = np.asarray(y_pred)
    return {name: METRICS[name](y_true, np.maximum(y_pred, 0) if name in _LOG_METRICS
                                else y_pred)
            for name in names}
