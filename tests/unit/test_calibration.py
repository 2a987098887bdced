"""course_lib.calibration: reliability bins and the expected calibration error."""

import numpy as np
import pytest

from course_lib.calibration import expected_calibration_error, reliability_bins


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def ece_by_loop(probabilities, labels, n_bins):
    """The definition, written as a loop over bins (m - 1) / M < confidence <= m / M."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    total = 0.0
    for m in range(1, n_bins + 1):
        low, high = (m - 1) / n_bins, m / n_bins
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            total += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return total


@pytest.mark.parametrize("n_bins", [1, 5, 15])
def test_ece_is_the_weighted_gap_between_accuracy_and_confidence(n_bins):
    rng = np.random.default_rng(0)
    probabilities = softmax(rng.normal(size=(500, 4)) * 2)
    labels = rng.integers(0, 4, size=500)
    assert expected_calibration_error(probabilities, labels, n_bins=n_bins) == pytest.approx(
        ece_by_loop(probabilities, labels, n_bins), abs=1e-12)


def test_a_confidence_on_an_edge_belongs_to_the_bin_below_it():
    probabilities = np.array([[0.6, 0.4], [0.4, 0.6], [0.8, 0.2], [1.0, 0.0]])
    bins = reliability_bins(probabilities, np.array([0, 1, 1, 0]), n_bins=5)
    assert bins.counts.tolist() == [0, 0, 2, 1, 1]


def test_bins_hold_counts_mean_confidence_and_accuracy():
    probabilities = np.array([[0.55, 0.45], [0.95, 0.05], [0.1, 0.9], [0.3, 0.7], [0.5, 0.5]])
    labels = np.array([1, 0, 1, 1, 0])
    bins = reliability_bins(probabilities, labels, n_bins=5)
    np.testing.assert_array_equal(bins.edges, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    # confidences 0.55, 0.95, 0.9, 0.7, 0.5: bin (0.4, 0.6] twice, (0.6, 0.8] once, (0.8, 1] twice
    assert bins.counts.tolist() == [0, 0, 2, 1, 2]
    np.testing.assert_allclose(bins.confidence[2:], [0.525, 0.7, 0.925])
    np.testing.assert_allclose(bins.accuracy[2:], [0.5, 1.0, 1.0])
    assert np.isnan(bins.accuracy[:2]).all() and np.isnan(bins.confidence[:2]).all()


def test_a_calibrated_classifier_scores_near_zero_and_an_overconfident_one_does_not():
    rng = np.random.default_rng(1)
    n = 20_000
    confidence = rng.uniform(0.5, 1.0, size=n)
    labels = np.zeros(n, dtype=np.int64)
    right = rng.random(n) < confidence            # right exactly as often as it claims
    predicted = np.where(right, 0, 1)
    probabilities = np.zeros((n, 2))
    probabilities[np.arange(n), predicted] = confidence
    probabilities[np.arange(n), 1 - predicted] = 1 - confidence
    assert expected_calibration_error(probabilities, labels) < 0.02
    sure = np.where(probabilities > 0.5, 0.999, 0.001)
    assert expected_calibration_error(sure, labels) > 0.2


def test_inputs_are_checked():
    p = np.array([[0.2, 0.8], [0.6, 0.4]])
    with pytest.raises(ValueError, match="softmax"):
        reliability_bins(np.array([[2.0, -1.0], [0.5, 0.1]]), [0, 1])
    with pytest.raises(ValueError, match="labels"):
        reliability_bins(p, [0, 1, 1])
    with pytest.raises(ValueError, match="labels"):
        reliability_bins(p, [0.0, 1.0])
    with pytest.raises(ValueError, match=r"\(N, C\)"):
        reliability_bins(np.array([0.2, 0.8]), [1])
    with pytest.raises(TypeError):
        reliability_bins(np.array([[0, 1], [1, 0]]), [0, 1])
    with pytest.raises(ValueError, match="n_bins"):
        expected_calibration_error(p, [0, 1], n_bins=0)
