"""course_lib.overfitting: the noisy moons of chapter 06, its network and its training recipe."""

import numpy as np
import pytest

from course_lib import nn
from course_lib.data import make_moons, train_val_test_split
from course_lib.initialization import mlp
from course_lib.optim import Adam
from course_lib.overfitting import (
    EPOCHS,
    LR,
    NOISE,
    fresh_moons,
    moons_network,
    moons_splits,
    train_moons,
)
from course_lib.regularization import L2Penalty
from course_lib.train import evaluate, fit


def test_a_seed_draws_a_data_set_and_its_stratified_60_20_20_split():
    train, val, test = moons_splits(3)
    assert [len(part[0]) for part in (train, val, test)] == [180, 60, 60]
    assert [np.bincount(part[1]).tolist() for part in (train, val, test)] == [
        [90, 90], [30, 30], [30, 30]]
    X, y = make_moons(300, noise=NOISE, rng=3)
    expected = train_val_test_split(X, y, rng=3)
    for ours, theirs in zip((train, val, test), expected, strict=True):
        np.testing.assert_array_equal(ours[0], theirs[0])
        np.testing.assert_array_equal(ours[1], theirs[1])
    assert train[0].dtype == np.float32 and train[1].dtype == np.int64
    assert not np.array_equal(moons_splits(4)[0][0], train[0])


def test_the_fresh_points_are_always_the_same_and_are_not_a_data_set_of_the_chapter():
    a, b = fresh_moons(), fresh_moons()
    np.testing.assert_array_equal(a[0], b[0])
    assert a[0].shape == (5000, 2)
    assert not np.array_equal(a[0][:300], make_moons(300, noise=NOISE, rng=0)[0])
    assert fresh_moons(noise=0.1, n_samples=10)[0].shape == (10, 2)


def test_the_network_is_the_chapters_mlp_with_optional_dropout():
    plain, dropped = moons_network(rng=2), moons_network(dropout=0.3, rng=2)
    reference = mlp([2, 32, 32, 2], "relu", rng=2)
    for ours, theirs in zip(plain.parameters(), reference.parameters(), strict=True):
        np.testing.assert_array_equal(ours.data, theirs.data)
    assert [type(layer).__name__ for layer in dropped].count("Dropout") == 2


@pytest.mark.parametrize("lam", [0.0, 1e-2])
def test_train_moons_is_fit_with_the_chapters_recipe(lam):
    train, val, _ = moons_splits(0)
    ours, theirs = moons_network(rng=1), moons_network(rng=1)
    history = train_moons(ours, train, val=val, lam=lam, epochs=20, rng=1)
    expected = fit(theirs, nn.CrossEntropyLoss(), Adam(theirs.parameters(), lr=LR), train,
                   val_data=val, epochs=20, batch_size=180, metrics=["accuracy"],
                   penalty=L2Penalty(lam) if lam else None, rng=1, progress=False)
    assert history == expected
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)


def test_without_regularization_the_network_overfits_and_l2_narrows_the_gap():
    """The premise of the chapter, on one data set: the unregularized network fits its training
    points far better than new ones, and a medium L2 penalty does better on new points."""
    train, val, _ = moons_splits(0)
    fresh = fresh_moons(n_samples=2000)
    scores = {}
    for lam in (0.0, 1e-2):
        model = moons_network(rng=0)
        history = train_moons(model, train, lam=lam, epochs=EPOCHS, rng=0)
        scores[lam] = (history["accuracy"][-1], evaluate(model, nn.CrossEntropyLoss(), fresh,
                                                         metrics=["accuracy"]))
    train_accuracy, fresh_none = scores[0.0][0], scores[0.0][1]
    assert train_accuracy > fresh_none["accuracy"] + 0.05
    assert scores[1e-2][1]["loss"] < fresh_none["loss"] - 0.1


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="seed"):
        moons_splits(-1)
    with pytest.raises(ValueError, match="lam"):
        train_moons(moons_network(rng=0), moons_splits(0)[0], lam=-1.0, rng=0)
