"""course_lib.grading.references_07: the course's answers to exercise 07 follow the
exercise's conventions (checked against scikit-learn, torch-free formulas and finite
differences), in task order."""

import numpy as np
import pytest
import sklearn.metrics

from course_lib import gradcheck
from course_lib.grading.references_07 import regression_references as ref

TASK_ORDER = ["r2_score", "explained_variance", "msle", "mape", "huber_loss", "huber_grad",
              "Standardizer", "impute_mean", "one_hot"]


def test_the_references_are_in_task_order():
    assert list(vars(ref)) == TASK_ORDER


@pytest.mark.parametrize("name, sklearn_name", [
    ("r2_score", "r2_score"), ("explained_variance", "explained_variance_score"),
    ("msle", "mean_squared_log_error"), ("mape", "mean_absolute_percentage_error"),
])
def test_metrics_match_scikit_learn_and_return_python_floats(name, sklearn_name):
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.uniform(0.1, 9.0, 40), rng.uniform(0.1, 9.0, 40)
    got = getattr(ref, name)(y_true.astype(np.float32), y_pred.astype(np.float32))
    assert type(got) is float
    expected = getattr(sklearn.metrics, sklearn_name)(y_true.astype(np.float32).astype(float),
                                                     y_pred.astype(np.float32).astype(float))
    assert got == pytest.approx(expected, rel=1e-12)


def test_metric_conventions_at_the_edges():
    assert ref.r2_score(np.full(3, 2.0), np.full(3, 2.0)) == 1.0
    assert ref.r2_score(np.full(3, 2.0), np.array([2.0, 1.0, 2.0])) == 0.0
    with pytest.raises(ValueError, match="negative"):
        ref.msle(np.array([1.0, -0.5]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="negative"):
        ref.msle(np.array([1.0, 1.0]), np.array([1.0, -1e-9]))
    assert ref.msle(np.zeros(2), np.zeros(2)) == 0.0
    eps = np.finfo(np.float64).eps
    assert ref.mape(np.array([0.0], np.float32), np.array([1.0], np.float32)) == 1 / eps


def test_huber_loss_and_gradient():
    pred, target = np.array([3.0, 0.5, 0.0, -0.5, -3.0]), np.zeros(5)
    assert ref.huber_loss(pred, target) == pytest.approx(np.mean([2.5, 0.125, 0, 0.125, 2.5]))
    np.testing.assert_allclose(ref.huber_grad(pred, target), [0.2, 0.1, 0.0, -0.1, -0.2])
    rng = np.random.default_rng(1)
    p, t = rng.normal(0, 2, (4, 3)), rng.normal(0, 1, (4, 3))
    p = np.where(np.abs(np.abs(p - t) - 0.7) < 0.05, p + 0.2, p)
    numeric = gradcheck.numerical_gradient(lambda q: ref.huber_loss(q, t, 0.7), p.copy())
    assert gradcheck.relative_error(ref.huber_grad(p, t, 0.7), numeric) < 1e-7
    assert ref.huber_grad(p.astype(np.float32), t.astype(np.float32)).dtype == np.float32


def test_standardizer_impute_and_one_hot():
    X = np.array([[1.0, 5.0], [3.0, 5.0]], dtype=np.float32)
    scaler = ref.Standardizer().fit(X)
    assert scaler.mean_.dtype == scaler.std_.dtype == np.float64
    np.testing.assert_array_equal(scaler.std_, [1.0, 1.0])  # std 1 and a constant column
    out = scaler.transform(np.array([[2.0, 7.0]], dtype=np.float32))
    assert out.dtype == np.float32 and out.tolist() == [[0.0, 2.0]]
    filled = ref.impute_mean(np.array([[1.0], [np.nan], [5.0]]), np.array([[np.nan]], np.float32))
    assert filled.dtype == np.float32 and filled.tolist() == [[3.0]]
    encoded = ref.one_hot(np.array(["b", "x"]), np.array(["c", "b"]))
    assert encoded.dtype == np.float32 and encoded.tolist() == [[0.0, 1.0], [0.0, 0.0]]
