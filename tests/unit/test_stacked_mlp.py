"""course_lib.stacked_mlp: many networks trained at once make exactly fit's updates.

The plain version is the engine (course_lib.nn, course_lib.optim.Adam, course_lib.train.fit);
every test here trains the same networks both ways, from the same weights and seeds, and
compares parameters and losses.
"""

import numpy as np
import pytest

from course_lib import nn
from course_lib.optim import Adam
from course_lib.stacked_mlp import StackedMLP, fit_stacked
from course_lib.train import evaluate, fit


def network(seed, sizes=(5, 4, 3, 1), *, sigmoid=False, dtype=np.float64):
    rng = np.random.default_rng(seed)
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(fan_in, fan_out, rng=rng, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    if sigmoid:
        layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(53, 5))
    y = (X[:, 0] - X[:, 1] + 0.5 * rng.normal(size=53) > 0).astype(np.int64)
    return X, y


def largest_difference(a, b):
    return max(np.abs(x - z).max() for x, z in zip(a.state_dict().values(),
                                                    b.state_dict().values(), strict=True))


@pytest.mark.parametrize("sigmoid", [False, True], ids=["logits", "sigmoid-output"])
def test_each_run_equals_fit_with_its_own_data_lr_weight_decay_and_seed(data, sigmoid):
    X, y = data
    # different lengths (one with repeated indices, as resampling makes) and hyper-parameters
    train = [np.arange(53), np.arange(40), np.r_[np.arange(53), np.arange(10)]]
    val = [np.arange(10), np.arange(40, 53), np.arange(5, 20)]
    lrs, decays, seeds = [1e-2, 3e-2, 1e-3], [0.0, 1e-3, 0.0], [5, 6, 7]
    weights = None if sigmoid else [1.0, 2.0, 0.5]
    models = [network(s, sigmoid=sigmoid) for s in range(3)]
    stack = StackedMLP.from_models(models)
    history = fit_stacked(stack, X, y, train, epochs=6, batch_size=8, seeds=seeds, lr=lrs,
                          weight_decay=decays, pos_weight=weights, val_indices=val)
    assert history["loss"].shape == history["val_loss"].shape == (3, 6)
    for r, model in enumerate(models):
        loss_fn = nn.BCELoss() if sigmoid else nn.BCEWithLogitsLoss(pos_weight=weights[r])
        Y = y[:, None].astype(np.float64)
        expected = fit(model, loss_fn, Adam(model.parameters(), lr=lrs[r], weight_decay=decays[r]),
                       (X[train[r]], Y[train[r]]), val_data=(X[val[r]], Y[val[r]]), epochs=6,
                       batch_size=8, rng=seeds[r], progress=False)
        assert largest_difference(stack.model(r), model) < 1e-12
        np.testing.assert_allclose(history["loss"][r], expected["loss"], rtol=1e-12)
        np.testing.assert_allclose(history["val_loss"][r], expected["val_loss"], rtol=1e-12)


def test_one_input_set_per_run_equals_fit_on_that_set(data):
    X, y = data
    per_run = np.stack([X, 2 * X + 1])         # e.g. standardized with different statistics
    models = [network(s) for s in range(2)]
    stack = StackedMLP.from_models(models)
    fit_stacked(stack, per_run, y, [np.arange(30), np.arange(20, 53)], epochs=3, batch_size=7,
                seeds=[0, 1], lr=1e-2)
    for r, (model, train) in enumerate(zip(models, [np.arange(30), np.arange(20, 53)],
                                           strict=True)):
        fit(model, nn.BCEWithLogitsLoss(), Adam(model.parameters(), lr=1e-2),
            (per_run[r][train], y[train, None].astype(float)), epochs=3, batch_size=7, rng=r,
            progress=False)
        assert largest_difference(stack.model(r), model) < 1e-12
    np.testing.assert_allclose(stack.outputs(per_run)[1], models[1](per_run[1])[:, 0], rtol=1e-12)


def test_float32_stays_float32_and_agrees_with_fit_to_float32_precision(data):
    X, y = data
    models = [network(s, dtype=np.float32) for s in range(2)]
    stack = StackedMLP.from_models(models)
    assert stack.parameters.dtype == np.float32
    history = fit_stacked(stack, X.astype(np.float32), y, [np.arange(53)] * 2, epochs=4,
                          batch_size=10, seeds=[0, 1], lr=1e-2)
    assert stack.weights[0].dtype == stack.outputs(X).dtype == np.float32
    for r, model in enumerate(models):
        expected = fit(model, nn.BCEWithLogitsLoss(), Adam(model.parameters(), lr=1e-2),
                       (X.astype(np.float32), y[:, None].astype(np.float32)), epochs=4,
                       batch_size=10, rng=r, progress=False)
        assert largest_difference(stack.model(r), model) < 1e-5
        np.testing.assert_allclose(history["loss"][r], expected["loss"], rtol=1e-5)


def test_a_network_without_hidden_layers_is_logistic_regression(data):
    X, y = data
    model = nn.Sequential(nn.Linear(5, 1, rng=3, dtype=np.float64))
    stack = StackedMLP.from_models([model])
    assert stack.sizes == (5, 1)
    fit_stacked(stack, X, y, [np.arange(53)], epochs=3, batch_size=16, seeds=[2], lr=0.1)
    fit(model, nn.BCEWithLogitsLoss(), Adam(model.parameters(), lr=0.1),
        (X, y[:, None].astype(float)), epochs=3, batch_size=16, rng=2, progress=False)
    assert largest_difference(stack.model(0), model) < 1e-12


def test_model_and_outputs_round_trip_through_the_engine(data):
    X, _ = data
    models = [network(s, sigmoid=True) for s in range(4)]
    stack = StackedMLP.from_models(models)
    assert stack.n_runs == 4 and stack.sizes == (5, 4, 3, 1) and stack.sigmoid_output
    assert repr(stack) == "StackedMLP(n_runs=4, sizes=(5, 4, 3, 1), Sigmoid)"
    outputs = stack.outputs(X)
    assert outputs.shape == (4, 53)
    for r, model in enumerate(models):
        np.testing.assert_allclose(outputs[r], model(X)[:, 0], rtol=1e-12)
        back = stack.model(r)
        assert isinstance(back[-1], nn.Sigmoid)
        np.testing.assert_allclose(back(X), model(X), rtol=1e-12)
    # the stack holds copies: training it leaves the models alone
    before = models[0].state_dict()["0.weight"].copy()
    stack.parameters += 1.0
    np.testing.assert_array_equal(models[0].state_dict()["0.weight"], before)
    assert stack.weights[0][0, 0, 0] == before[0, 0] + 1.0   # the views follow the flat array


def test_fit_stacked_leaves_its_inputs_alone(data):
    X, y = data
    X_before, y_before = X.copy(), y.copy()
    train = [np.arange(20)]
    fit_stacked(StackedMLP.from_models([network(0)]), X, y, train, epochs=2, batch_size=5,
                seeds=[0])
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(train[0], np.arange(20))


def test_the_validation_loss_is_evaluate_s_loss(data):
    X, y = data
    model = network(1)
    stack = StackedMLP.from_models([model])
    history = fit_stacked(stack, X, y, [np.arange(40)], val_indices=[np.arange(40, 53)],
                          epochs=2, batch_size=8, seeds=[0])
    expected = evaluate(stack.model(0), nn.BCEWithLogitsLoss(),
                        (X[40:], y[40:, None].astype(float)))["loss"]
    assert history["val_loss"][0, -1] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("models, error, match", [
    ([], ValueError, "got no models"),
    (["not a model"], TypeError, "nn.Sequential"),
    ([nn.Sequential(nn.Linear(3, 2, rng=0), nn.Tanh(), nn.Linear(2, 1, rng=0))], ValueError,
     "Linear, ReLU"),
    ([nn.Sequential(nn.Linear(3, 2, rng=0))], ValueError, "one output"),
    ([nn.Sequential(nn.Linear(3, 1, bias=False, rng=0))], ValueError, "with biases"),
    ([nn.Sequential(nn.Linear(3, 1, rng=0)), nn.Sequential(nn.Linear(4, 1, rng=0))], ValueError,
     "same layers"),
])
def test_unsupported_models_are_refused(models, error, match):
    with pytest.raises(error, match=match):
        StackedMLP.from_models(models)


def test_bad_arguments_of_fit_stacked_say_what_is_wrong(data):
    X, y = data
    stack = StackedMLP.from_models([network(0), network(1)])
    train = [np.arange(20)] * 2
    ok = {"epochs": 1, "batch_size": 4, "seeds": [0, 1]}
    cases = [
        (dict(stack=stack, X=X[:, :3], y=y, train_indices=train), ValueError, "shape"),
        (dict(stack=stack, X=X, y=y[:10], train_indices=train), ValueError, "y must have shape"),
        (dict(stack=stack, X=X, y=y + 1, train_indices=train), ValueError, "0/1 labels"),
        (dict(stack=stack, X=X.astype(int), y=y, train_indices=train), TypeError, "dtype"),
        (dict(stack=stack, X=X, y=y, train_indices=train[:1]), ValueError, "one index array"),
        (dict(stack=stack, X=X, y=y, train_indices=[np.arange(20), np.array([60])]), ValueError,
         "each in 0..52"),
        (dict(stack=stack, X=X, y=y, train_indices=[np.arange(20), np.ones(3)]), TypeError,
         "integer array"),
        (dict(stack=stack, X=X, y=y, train_indices=train, lr=-1.0), ValueError, "lr"),
        (dict(stack=stack, X=X, y=y, train_indices=train, lr="big"), TypeError, "lr"),
        (dict(stack=stack, X=X, y=y, train_indices=train, lr=[0.1, 0.1, 0.1]), ValueError,
         "one per run"),
        (dict(stack=stack, X=X, y=y, train_indices=train, pos_weight=0.0), ValueError,
         "pos_weight"),
        (dict(stack="stack", X=X, y=y, train_indices=train), TypeError, "StackedMLP"),
    ]
    for kwargs, error, match in cases:
        with pytest.raises(error, match=match):
            fit_stacked(**kwargs, **ok)
    with pytest.raises(ValueError, match="one seed per run"):
        fit_stacked(stack, X, y, train, epochs=1, batch_size=4, seeds=[0])
    with pytest.raises(ValueError, match="epochs"):
        fit_stacked(stack, X, y, train, epochs=0, batch_size=4, seeds=[0, 1])
    sigmoid_stack = StackedMLP.from_models([network(0, sigmoid=True)])
    with pytest.raises(ValueError, match="pos_weight needs networks that output logits"):
        fit_stacked(sigmoid_stack, X, y, [np.arange(5)], epochs=1, batch_size=4, seeds=[0],
                    pos_weight=2.0)
    with pytest.raises(ValueError, match="run must be below 2"):
        stack.model(2)
    with pytest.raises(ValueError, match=r"\(N, 5\) or \(2, N, 5\)"):
        stack.outputs(np.ones((3, 4, 5)))
