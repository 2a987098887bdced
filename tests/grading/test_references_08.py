"""course_lib.grading.references_08: the reference answers of exercise 08 agree with
scikit-learn and PyTorch's definitions, and own_code tells a learner's code from a wrapper."""

import numpy as np
import pytest
import sklearn.metrics as skm
import torch

from course_lib.grading.references_08 import evaluation_references as R
from course_lib.grading.references_08 import own_code


def test_confusion_matrix_and_scores_match_sklearn():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, 100), rng.integers(0, 4, 100)
    matrix = R.confusion_matrix(y_true, y_pred, 5)
    assert matrix.dtype == np.int64 and matrix.shape == (5, 5)
    np.testing.assert_array_equal(matrix, skm.confusion_matrix(y_true, y_pred, labels=range(5)))
    expected = [skm.precision_score(y_true, y_pred, average="macro", labels=range(5),
                                    zero_division=0),
                skm.recall_score(y_true, y_pred, average="macro", labels=range(5),
                                 zero_division=0),
                skm.f1_score(y_true, y_pred, average="macro", labels=range(5), zero_division=0)]
    np.testing.assert_allclose(R.precision_recall_f1(matrix, "macro"), expected, rtol=1e-12)
    binary_true, binary_pred = y_true % 2, y_pred % 2
    binary = R.precision_recall_f1(R.confusion_matrix(binary_true, binary_pred, 2))
    np.testing.assert_allclose(binary, [skm.precision_score(binary_true, binary_pred),
                                        skm.recall_score(binary_true, binary_pred),
                                        skm.f1_score(binary_true, binary_pred)], rtol=1e-12)


def test_roc_points_and_auc_match_sklearn_with_ties():
    rng = np.random.default_rng(1)
    y, s = rng.integers(0, 2, 60), rng.integers(0, 5, 60) / 4
    for ours, theirs in zip(R.roc_points(y, s), skm.roc_curve(y, s, drop_intermediate=False),
                            strict=True):
        np.testing.assert_allclose(ours, theirs)
    assert R.roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s), rel=1e-12)


@pytest.mark.parametrize("pos_weight", [1.0, 3.0, 0.25])
def test_bce_with_logits_and_its_gradient_match_torch(pos_weight):
    rng = np.random.default_rng(2)
    z, y = rng.normal(0, 30, 40), (rng.random(40) < 0.4).astype(float)
    logits = torch.tensor(z, requires_grad=True)
    loss = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight, dtype=torch.float64))(
        logits, torch.tensor(y))
    loss.backward()
    assert R.bce_with_logits(z, y, pos_weight) == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(R.bce_with_logits_grad(z, y, pos_weight), logits.grad.numpy(),
                               rtol=1e-10, atol=1e-300)
    assert R.bce_with_logits_grad(z.astype(np.float32), y, pos_weight).dtype == np.float32


def test_stratified_folds_and_log_uniform_draws():
    y = np.array([0] * 12 + [1] * 8 + [2] * 5)
    folds = R.stratified_kfold(y, 5, np.random.default_rng(0))
    assert sorted(len(val) for _, val in folds) == [5] * 5
    values = R.log_uniform(1e-4, 1.0, 1000, np.random.default_rng(0))
    assert values.dtype == np.float64 and values.min() >= 1e-4 and values.max() <= 1.0


def test_own_code_refuses_wrappers_of_libraries_that_hold_the_answers():
    from sklearn.metrics import roc_auc_score

    from course_lib.metrics import roc_curve

    def own(y, s):
        return np.mean([a > b for a, b in zip(y, s, strict=True)])

    def wraps_course_lib(y, s):
        return roc_curve(y, s)

    def wraps_sklearn(y, s):
        return roc_auc_score(y, s)

    def imports_in_its_body(y, s):
        import scipy.stats

        return scipy.stats.rankdata(s)

    def through_a_string(y, s):
        import importlib

        return importlib.import_module("torch.nn").functional

    assert own_code(own)
    for wrapper in (wraps_course_lib, wraps_sklearn, imports_in_its_body, through_a_string):
        assert not own_code(wrapper), wrapper.__name__
    assert not own_code(np.mean)          # not a function of the learner's at all
