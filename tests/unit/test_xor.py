"""course_lib.xor: the batched XOR networks of chapter 01.

The reference below is the single 2-2-1 network exactly as the notebook writes
it out by hand; the batched trainer must reproduce it network by network.
"""

import warnings

import numpy as np
import pytest

from course_lib.data import xor
from course_lib.xor import (
    ACTIVATIONS,
    SOLVED_LOSS,
    XORNetworks,
    init_xor_networks,
    train_xor_networks,
    train_xor_networks_from,
    xor_loss_and_gradients,
)


def hand_written_training(seed, hidden_units, activation, lr, epochs):
    """One network, the five steps written out as in notebooks/01_xor_from_scratch.ipynb."""
    rng = np.random.default_rng(seed)
    W1 = rng.normal(size=(hidden_units, 2))
    b1 = np.zeros(hidden_units)
    W2 = rng.normal(size=(1, hidden_units))
    b2 = np.zeros(1)
    X, labels = xor(dtype=np.float64)
    y = labels.reshape(-1, 1).astype(np.float64)
    g = {
        "tanh": (np.tanh, lambda a, z: 1 - a**2),
        "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda a, z: a * (1 - a)),
        "relu": (lambda z: np.maximum(z, 0), lambda a, z: (z > 0) * 1.0),
    }[activation]
    losses = []
    for _ in range(epochs + 1):
        Z1 = X @ W1.T + b1
        A1 = g[0](Z1)
        Z2 = A1 @ W2.T + b2
        P = 1 / (1 + np.exp(-Z2))
        losses.append(-np.mean(y * np.log(P) + (1 - y) * np.log(1 - P)))
        dZ2 = (P - y) / len(X)
        dW2, db2 = dZ2.T @ A1, dZ2.sum(axis=0)
        dZ1 = (dZ2 @ W2) * g[1](A1, Z1)
        dW1, db1 = dZ1.T @ X, dZ1.sum(axis=0)
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    return np.array(losses)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_batched_training_matches_the_hand_written_network_seed_by_seed(activation):
    seeds = [0, 3, 7]
    result = train_xor_networks(3, seeds, activation=activation, lr=0.5, epochs=300)
    for column, seed in enumerate(seeds):
        expected = hand_written_training(seed, 3, activation, lr=0.5, epochs=300)
        np.testing.assert_allclose(result.losses[:, column], expected, rtol=1e-10, atol=1e-12)


def test_a_network_trains_the_same_alone_or_inside_a_batch():
    alone = train_xor_networks(2, [5], epochs=200)
    batch = train_xor_networks(2, [1, 5, 9], epochs=200)
    np.testing.assert_allclose(batch.losses[:, 1], alone.losses[:, 0], rtol=1e-12)
    np.testing.assert_allclose(batch.networks.W1[1], alone.networks.W1[0], rtol=1e-12)


def numerical_gradient(loss_of, array, eps=1e-6):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        plus = loss_of().sum()
        array[index] = original - eps
        minus = loss_of().sum()
        array[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_match_central_differences_within_1e6(activation):
    rng = np.random.default_rng(0)
    B, H = 3, 4
    # Non-zero biases keep every ReLU input away from its kink at 0.
    net = XORNetworks(
        W1=rng.normal(size=(B, H, 2)),
        b1=rng.uniform(0.1, 0.5, size=(B, H)) * rng.choice([-1, 1], size=(B, H)),
        W2=rng.normal(size=(B, 1, H)),
        b2=rng.normal(size=(B, 1)),
        activation=activation,
    )
    _, grads = xor_loss_and_gradients(net)
    for name, grad in zip(("W1", "b1", "W2", "b2"), grads, strict=True):
        param = getattr(net, name)
        assert grad.shape == param.shape, name
        expected = numerical_gradient(net.loss, param)
        scale = max(np.linalg.norm(grad), np.linalg.norm(expected))
        error = np.linalg.norm(grad - expected) / scale
        assert error < 1e-6, f"{activation} d{name}: relative error {error:.2e}"


def test_init_draws_w1_then_w2_from_the_seed_and_zero_biases():
    net = init_xor_networks(2, [42])
    rng = np.random.default_rng(42)
    np.testing.assert_array_equal(net.W1[0], rng.normal(size=(2, 2)))
    np.testing.assert_array_equal(net.W2[0], rng.normal(size=(1, 2)))
    assert not net.b1.any() and not net.b2.any()
    assert (net.n_networks, net.hidden_units) == (1, 2)


def test_training_is_deterministic():
    first = train_xor_networks(2, range(10), epochs=100)
    second = train_xor_networks(2, range(10), epochs=100)
    np.testing.assert_array_equal(first.losses, second.losses)


def test_one_hidden_unit_never_solves_xor_because_its_boundary_is_a_line():
    result = train_xor_networks(1, range(30), epochs=1000)
    assert result.correct.max() <= 3
    assert not result.solved.any()


def test_eight_hidden_units_solve_xor_from_almost_every_start():
    result = train_xor_networks(8, range(30), epochs=2000)
    assert result.solved.mean() >= 0.9
    assert (result.final_loss[result.solved] < SOLVED_LOSS).all()


def test_two_hidden_units_get_stuck_from_some_starts_near_half_log_two():
    result = train_xor_networks(2, range(30), epochs=2000)
    stuck = ~result.solved
    assert 0 < stuck.sum() < 30
    # The stuck networks sit on the plateau where two points get p = 0.5: ln(2)/2.
    np.testing.assert_allclose(result.final_loss[stuck], np.log(2) / 2, atol=0.05)


def test_snapshots_hold_the_initial_and_the_final_networks():
    result = train_xor_networks(2, [0, 1], epochs=50, snapshot_epochs=[0, 10, 50])
    assert sorted(result.snapshots) == [0, 10, 50]
    np.testing.assert_array_equal(result.snapshots[0].W1, init_xor_networks(2, [0, 1]).W1)
    np.testing.assert_array_equal(result.snapshots[50].W1, result.networks.W1)
    np.testing.assert_allclose(result.snapshots[10].loss(), result.losses[10], rtol=1e-12)


def test_a_huge_learning_rate_gives_unsolved_networks_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train_xor_networks(2, range(5), activation="relu", lr=1e6, epochs=50)
        assert not result.solved.any()


def test_predict_proba_has_one_row_per_network_and_checks_the_input_shape():
    net = init_xor_networks(3, range(4))
    assert net.predict_proba(xor()[0]).shape == (4, 4)
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        net.predict_proba(np.zeros(4))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"hidden_units": 0}, ValueError, "hidden_units"),
        ({"hidden_units": 2.0}, TypeError, "hidden_units"),
        ({"seeds": 3}, TypeError, r"sequence of integers, got the single integer 3. Use \[3\]"),
        ({"seeds": []}, ValueError, "at least one integer"),
        ({"seeds": [0.5]}, TypeError, "seeds"),
        ({"seeds": [-1]}, ValueError, "seeds"),
        ({"activation": "softmax"}, ValueError, "activation must be one of"),
        ({"activation": None}, TypeError, "activation must be one of"),
        ({"lr": -0.1}, ValueError, "lr must be a finite number > 0"),
        ({"lr": float("nan")}, ValueError, "lr must be a finite number > 0"),
        ({"lr": "1"}, TypeError, "lr must be a number"),
        ({"epochs": -1}, ValueError, "epochs must be"),
        ({"epochs": 1.5}, TypeError, "epochs must be"),
        ({"snapshot_epochs": [20]}, ValueError, "snapshot_epochs"),
        ({"snapshot_epochs": 5}, TypeError, "snapshot_epochs"),
    ],
)
def test_bad_arguments_raise_a_clear_error(kwargs, error, message):
    arguments = {"hidden_units": 2, "seeds": [0], "epochs": 10} | kwargs
    with pytest.raises(error, match=message):
        train_xor_networks(**arguments)


def test_select_returns_one_network_that_predicts_like_its_row_in_the_batch():
    result = train_xor_networks(2, [4, 5, 6], epochs=100)
    for index in (0, 2, -1):
        one = result.networks.select(index)
        assert one.n_networks == 1 and one.seeds.tolist() == [[4, 5, 6][index]]
        np.testing.assert_array_equal(
            one.predict_proba(xor()[0])[0], result.networks.predict_proba(xor()[0])[index]
        )


def test_training_from_given_networks_matches_training_from_their_seeds_and_copies_them():
    start = init_xor_networks(3, [2, 8], activation="relu")
    untouched = start.copy()
    from_networks = train_xor_networks_from(start, lr=0.5, epochs=200, snapshot_epochs=[0, 200])
    from_seeds = train_xor_networks(3, [2, 8], activation="relu", lr=0.5, epochs=200)
    np.testing.assert_array_equal(from_networks.losses, from_seeds.losses)
    np.testing.assert_array_equal(from_networks.correct, from_seeds.correct)
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(getattr(start, name), getattr(untouched, name), name)
    np.testing.assert_array_equal(from_networks.snapshots[0].W1, untouched.W1)


def test_a_nudged_start_trains_from_the_nudged_weights():
    start = init_xor_networks(2, [0])
    start.W1 += 0.5
    result = train_xor_networks_from(start, lr=1.0, epochs=0)
    np.testing.assert_allclose(result.losses[0], start.loss(), rtol=1e-12)
    assert not np.allclose(result.losses[0], init_xor_networks(2, [0]).loss())


def test_a_stuck_network_is_on_a_plateau_not_at_a_minimum():
    # Seed 0 gets stuck with 2 hidden units (notebooks/01_xor_from_scratch.ipynb): while
    # it trains on, its loss keeps falling towards ln(2)/2 from above, its weights keep
    # growing and its gradient keeps shrinking, so it never settles at finite weights.
    first = train_xor_networks(2, [0], lr=1.0, epochs=2000)
    later = train_xor_networks_from(first.networks, lr=1.0, epochs=4000)
    assert not first.solved[0] and not later.solved[0]
    assert np.all(np.diff(later.losses[:, 0]) < 0)
    assert later.final_loss[0] > np.log(2) / 2
    assert np.linalg.norm(later.networks.W1) > np.linalg.norm(first.networks.W1) + 0.1
    gradient_norm = [np.sqrt(sum((g**2).sum() for g in xor_loss_and_gradients(n)[1]))
                     for n in (first.networks, later.networks)]
    assert gradient_norm[1] < gradient_norm[0] / 2


def test_training_from_something_else_than_networks_is_refused():
    with pytest.raises(TypeError, match="init_xor_networks"):
        train_xor_networks_from(np.zeros((2, 2)), epochs=5)
