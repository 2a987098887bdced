"""course_lib.regression: the network builder, the scaled training pipeline (equal to the
steps written out by hand), and the metrics in one call."""

import numpy as np
import pytest

from course_lib import metrics, nn
from course_lib.data import Standardizer, make_friedman1
from course_lib.optim import Adam
from course_lib.regression import (
    ACTIVATIONS,
    METRICS,
    Regressor,
    mlp,
    regression_scores,
    train_regressor,
)
from course_lib.regularization import L2Penalty
from course_lib.train import TrainingDiverged, fit


def test_mlp_layers_for_each_depth_activation_and_dropout():
    assert [type(m).__name__ for m in mlp(8, (), rng=0)] == ["Linear"]
    deep = mlp(8, (16, 4), activation="tanh", dropout=0.2, rng=0)
    assert [type(m).__name__ for m in deep] == ["Linear", "Tanh", "Dropout", "Linear", "Tanh",
                                                "Dropout", "Linear"]
    assert (deep[0].in_features, deep[0].out_features, deep[-1].out_features) == (8, 16, 1)
    for name, module in ACTIVATIONS.items():
        assert isinstance(mlp(3, (5,), activation=name, rng=0)[1], module)
    x = np.ones((7, 8), dtype=np.float32)
    assert mlp(8, rng=0)(x).shape == (7, 1)
    np.testing.assert_array_equal(mlp(8, rng=4)[0].weight.data, mlp(8, rng=4)[0].weight.data)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_inputs": 0}, ValueError, "n_inputs"),
    ({"hidden": (4, 0)}, ValueError, "hidden width"),
    ({"activation": "gelu"}, ValueError, "activation must be one of"),
    ({"dropout": 1.0}, ValueError, "dropout"),
])
def test_mlp_refuses_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        mlp(**{"n_inputs": 3, "rng": 0, **kwargs})


def test_train_regressor_is_the_pipeline_written_out_by_hand():
    data = make_friedman1(300, n_features=6, rng=2)
    x_scaler, y_scaler = Standardizer().fit(data.X), Standardizer().fit(data.y[:, None])
    model = mlp(6, (8,), rng=5)
    fit(model, nn.MSELoss(), Adam(model.parameters(), lr=0.01),
        (x_scaler.transform(data.X), y_scaler.transform(data.y[:, None])), epochs=3,
        batch_size=32, rng=7, progress=False)
    by_hand = y_scaler.inverse_transform(model(x_scaler.transform(data.X)))[:, 0]
    fitted = train_regressor(mlp(6, (8,), rng=5), data.X, data.y, lr=0.01, epochs=3,
                             batch_size=32, rng=7)
    assert isinstance(fitted, Regressor)
    np.testing.assert_array_equal(fitted.predict(data.X), by_hand)
    assert len(fitted.history["loss"]) == 3


def test_train_regressor_predicts_in_the_units_of_the_target():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (400, 2))
    y = 1000.0 + 300.0 * X[:, 0] - 200.0 * X[:, 1]  # a linear target far from 0
    fitted = train_regressor(mlp(2, (), rng=0), X, y, lr=0.05, epochs=60, rng=0)
    assert metrics.r2_score(y, fitted.predict(X)) > 0.999
    raw = train_regressor(mlp(2, (), rng=0), X, y, lr=0.05, epochs=2, scale_target=False, rng=0)
    assert raw.y_scaler is None and raw.predict(X).shape == (400,)


def test_train_regressor_passes_the_penalty_to_fit():
    data = make_friedman1(200, rng=1)
    free = train_regressor(mlp(5, (), rng=3), data.X, data.y, optimizer="sgd", lr=0.05,
                           epochs=20, rng=0)
    shrunk = train_regressor(mlp(5, (), rng=3), data.X, data.y, optimizer="sgd", lr=0.05,
                             epochs=20, penalty=L2Penalty(5.0), rng=0)
    free_norm = np.linalg.norm(free.model[0].weight.data)
    assert np.linalg.norm(shrunk.model[0].weight.data) < 0.5 * free_norm


def test_predict_runs_in_evaluation_mode_and_restores_the_mode():
    data = make_friedman1(100, rng=1)
    fitted = train_regressor(mlp(5, (32,), dropout=0.5, rng=0), data.X, data.y, epochs=1, rng=0)
    fitted.model.train()
    first, second = fitted.predict(data.X), fitted.predict(data.X)
    np.testing.assert_array_equal(first, second)  # no dropout masks in predictions
    assert fitted.model.training


def test_a_far_too_large_learning_rate_raises_training_diverged():
    data = make_friedman1(200, rng=1)
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged):
        train_regressor(mlp(5, (16,), rng=0), data.X, data.y, optimizer="sgd", lr=1e3,
                        epochs=5, rng=0)


def test_train_regressor_refuses_bad_shapes_and_optimizers():
    with pytest.raises(ValueError, match="X must be"):
        train_regressor(mlp(2, rng=0), np.ones((5, 2)), np.ones((5, 1)), rng=0)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        train_regressor(mlp(2, rng=0), np.ones((5, 2)), np.ones(5), optimizer="lbfgs", rng=0)


def test_regression_scores_are_the_metrics_with_log_metrics_on_clipped_predictions():
    rng = np.random.default_rng(0)
    y_true = rng.uniform(0.5, 10.0, 50)
    y_pred = y_true + rng.normal(0.0, 2.0, 50)
    y_pred[:3] = -1.0  # negative predictions: clipped at 0 for the log metrics only
    scores = regression_scores(y_true, y_pred)
    assert list(scores) == list(METRICS)
    for name, metric in METRICS.items():
        clipped = np.maximum(y_pred, 0) if name in ("msle", "rmsle") else y_pred
        assert scores[name] == metric(y_true, clipped)
    assert regression_scores(y_true, y_pred, ["mae"]) == {"mae": scores["mae"]}
    with pytest.raises(ValueError, match="metric name must be one of"):
        regression_scores(y_true, y_pred, ["accuracy"])
    with pytest.raises(ValueError, match="negative"):
        regression_scores(-y_true, y_pred, ["msle"])
