"""Every public function outside the engine refuses a bad argument with the policy's exception.

course_lib.checks holds the policy: TypeError for an argument of the wrong type, ValueError for
an argument of the right type and a wrong value, and a message that names the argument. Each
row below calls a function with otherwise good arguments and one argument replaced, once by a
value of the wrong type and once (where the type allows a wrong value) by a wrong value.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_lib import data, metrics, plots, regularization, torch_utils, xor
from course_lib.nn import functional as F
from course_lib.nn.module import Parameter
from course_lib.plots import activations as plot_activations_module
from course_lib.plots import boundaries as plot_boundaries_module
from course_lib.plots import networks as plot_networks_module
from course_lib.widgets import activations as activation_widgets
from course_lib.widgets import gradcheck as gradcheck_widgets
from course_lib.widgets import xor as xor_widgets

NO_VALUE = object()  # no such case: a flag has no wrong value, a label array no wrong type
W = np.array([[1.0, -2.0]])
LABELS = np.array([0, 1, 1, 0])


def fit_standardizer(**kwargs):
    return data.Standardizer().fit(**kwargs)


def transform(**kwargs):
    return data.Standardizer().fit(np.zeros((3, 2))).transform(**kwargs)


def penalty_backward(**kwargs):
    return regularization.L2Penalty(0.1).backward(**kwargs)


def predict_proba(**kwargs):
    return xor.init_xor_networks(2, [0]).predict_proba(**kwargs)


def colorbar_on(axes):
    """add_probability_colorbar on a panel with shading ("shaded"), without ("empty"), or axes."""
    if isinstance(axes, str) and axes in ("shaded", "empty"):
        _, ax = plt.subplots()
        if axes == "shaded":
            X, y = data.xor()
            plot_boundaries_module.plot_decision_boundary(lambda P: P[:, 0] / 2, X, y, ax=ax)
        axes = ax
    return plot_boundaries_module.add_probability_colorbar(axes)


def no_figures(function):
    def call(**kwargs):
        try:
            return function(**kwargs)
        finally:
            plt.close("all")
    call.__name__ = function.__name__
    return call


#: function, good keyword arguments, {argument: (wrong type, wrong value)}; a third entry in
#: the pair, when present, is the text the message must contain instead of the argument's name.
CASES = [
    (data.xor, {}, {"dtype": ("nonsense", np.int64)}),
    (data.make_xor, {"rng": 0}, {
        "n_samples": (2.5, 0), "noise": ("0.1", -1.0), "rng": (1.5, -1),
        "dtype": ("nonsense", np.int32)}),
    (data.make_moons, {"rng": 0}, {
        "n_samples": ("10", 1), "noise": (None, float("nan")),
        "rng": (np.random.RandomState(0), -5),
        "dtype": ("nonsense", np.int32)}),
    (data.make_circles, {"rng": 0}, {
        "n_samples": (10.0, 1), "noise": ("a", -0.1), "factor": ("half", 1.0),
        "rng": ("0", -1), "dtype": ("nonsense", np.int32)}),
    (data.make_spirals, {"rng": 0}, {
        "n_samples": (None, 2), "n_classes": (3.0, 1), "noise": ([0.2], -0.2),
        "rng": (0.0, -1), "dtype": ("nonsense", bool)}),
    (data.make_friedman1, {"rng": 0}, {
        "n_samples": ("100", 0), "n_features": (5.0, 4), "noise": ("1", -1.0),
        "rng": ("seed", -1), "dtype": ("nonsense", np.int64)}),
    (data.regression.friedman1_function, {"X": np.zeros((3, 5))}, {
        "X": (np.full((3, 5), "a"), np.zeros((3, 4)))}),
    (data.load_diabetes, {}, {"dtype": ("nonsense", np.int64)}),
    (data.load_breast_cancer, {}, {"dtype": ("nonsense", np.int64)}),
    (data.one_hot, {"labels": LABELS, "num_classes": 2}, {
        "labels": (np.array([0.0, 1.0]), np.array([0, 2])), "num_classes": ("2", 0),
        "dtype": ("nonsense", np.int64)}),
    (data.minibatches, {"X": np.zeros((4, 2)), "y": LABELS, "batch_size": 2, "rng": 0}, {
        "X": (3.0, np.zeros((5, 2))), "batch_size": (2.0, 0), "rng": ("0", -1),
        "shuffle": ("yes", NO_VALUE), "drop_last": (1, NO_VALUE)}),
    (data.train_val_test_indices, {"y_or_n": LABELS, "rng": 0}, {
        "y_or_n": ("abc", 0), "sizes": (("a", 0.5, 0.5), (0.5, 0.6, 0.1)),
        "stratify": ("yes", NO_VALUE), "rng": (0.5, -1)}),
    (data.train_val_test_split, {"X": np.zeros((4, 2)), "y": LABELS, "rng": 0}, {
        "X": (3, np.zeros((3, 2))), "sizes": (0.6, (1.0, 0.0)),
        "stratify": (1, NO_VALUE), "rng": ([0], -1)}),
    (data.kfold, {"y_or_n": LABELS, "k": 2, "rng": 0}, {
        "y_or_n": (True, np.array([])), "k": (2.0, 1), "rng": ("0", -3),
        "shuffle": ("no", NO_VALUE), "stratify": ("yes", NO_VALUE)}),
    (fit_standardizer, {"X": np.zeros((3, 2))}, {
        "X": (np.array(["a", "b"]), np.zeros((0, 2)), "Standardizer.fit")}),
    (transform, {"X": np.zeros((3, 2))}, {"X": (np.array([["a", "b"]]), np.zeros((3, 4)))}),
    (regularization.l1_penalty, {"params": [W], "lam": 0.1}, {
        "params": (3, NO_VALUE), "lam": ("0.1", -1.0), "weights_only": ("yes", NO_VALUE)}),
    (regularization.l1_penalty_grad, {"params": [W], "lam": 0.1}, {
        "params": ([np.array([[1, 2]])], NO_VALUE, "params[0]"), "lam": (None, float("inf"))}),
    (regularization.l2_penalty, {"params": [W], "lam": 0.1}, {
        "params": ("w", NO_VALUE), "lam": ([0.1], -0.1), "weights_only": (0, NO_VALUE)}),
    (regularization.l2_penalty_grad, {"params": [W], "lam": 0.1}, {
        "lam": ("0.1", -2.0), "weights_only": (None, NO_VALUE)}),
    (regularization.elastic_net_penalty, {"params": [W], "lam": 0.1}, {
        "lam": ("0.1", -1.0), "l1_ratio": ("half", 1.5)}),
    (regularization.elastic_net_penalty_grad, {"params": [W], "lam": 0.1}, {
        "lam": ("0.1", -1.0), "l1_ratio": (None, -0.5)}),
    (regularization.L1Penalty, {"lam": 0.1}, {
        "lam": ("0.1", -1.0), "weights_only": ("yes", NO_VALUE)}),
    (regularization.L2Penalty, {"lam": 0.1}, {
        "lam": (None, float("nan")), "weights_only": (1, NO_VALUE)}),
    (regularization.ElasticNetPenalty, {"lam": 0.1}, {
        "lam": ("0.1", -1.0), "l1_ratio": ("0.5", 2.0), "weights_only": ("no", NO_VALUE)}),
    (penalty_backward, {"params": [Parameter(W.copy())]}, {
        "params": ([W], NO_VALUE, "Parameter")}),
    (metrics.mean_squared_error, {"y_true": [1.0, 2.0], "y_pred": [1.0, 2.0]}, {
        "y_true": (["a", "b"], [1.0, 2.0, 3.0], "y_true"), "y_pred": (["a", "b"], [np.nan, 1.0]),
        "multioutput": (1, "average")}),
    (metrics.r2_score, {"y_true": [1.0, 2.0], "y_pred": [1.0, 2.0]}, {
        "y_pred": ([None, None], [1.0], "y_"), "multioutput": (None, "mean")}),
    (metrics.mean_squared_log_error, {"y_true": [1.0, 2.0], "y_pred": [1.0, 2.0]}, {
        "y_true": ([b"1", b"2"], [-1.0, 2.0]), "multioutput": (0, "raw")}),
    (metrics.accuracy_score, {"y_true": LABELS, "y_pred": LABELS}, {
        "y_pred": (NO_VALUE, np.array([0.2, 0.9, 0.7, 0.1]))}),
    (metrics.confusion_matrix, {"y_true": LABELS, "y_pred": LABELS}, {
        "normalize": (1, "rows"), "y_true": (NO_VALUE, np.zeros((4, 2)))}),
    (metrics.precision_score, {"y_true": LABELS, "y_pred": LABELS}, {
        "average": (2, "mean"), "zero_division": ([0], "0"), "pos_label": (NO_VALUE, 7)}),
    (metrics.recall_score, {"y_true": LABELS, "y_pred": LABELS}, {
        "average": (True, "avg"), "zero_division": (True, 0.5)}),
    (metrics.f1_score, {"y_true": LABELS, "y_pred": LABELS}, {
        "average": (0, "both"), "zero_division": ([1], 2)}),
    (metrics.roc_curve, {"y_true": LABELS, "y_score": [0.1, 0.9, 0.8, 0.2]}, {
        "y_score": (["a", "b", "c", "d"], [0.1, np.nan, 0.8, 0.2])}),
    (metrics.roc_auc_score, {"y_true": LABELS, "y_score": [0.1, 0.9, 0.8, 0.2]}, {
        "y_score": (["a", "b", "c", "d"], [[0.1, 0.9]] * 4)}),
    (metrics.auc, {"x": [0.0, 1.0], "y": [0.0, 1.0]}, {
        "x": (["a", "b"], [0.0, 1.0, 0.5]), "y": (["a", "b"], [0.0])}),
    (xor.init_xor_networks, {"hidden_units": 2, "seeds": [0]}, {
        "hidden_units": (2.0, 0), "seeds": (3, [-1]), "activation": (None, "gelu")}),
    (xor.train_xor_networks, {"hidden_units": 2, "seeds": [0], "epochs": 5}, {
        "lr": ("1", 0.0), "epochs": (5.0, -1), "snapshot_epochs": (["0"], [6]),
        "activation": (1, "softplus"), "seeds": (["a"], [])}),
    (xor.train_xor_networks_from, {"networks": xor.init_xor_networks(2, [0]), "epochs": 5}, {
        "networks": (np.zeros((2, 2)), NO_VALUE), "lr": (None, -1.0),
        "snapshot_epochs": (3, [-1])}),
    (xor.xor_loss_and_gradients, {"networks": xor.init_xor_networks(2, [0])}, {
        "X": (np.array([["a", "b"]]), np.zeros((4, 3))), "y": (["a"] * 4, np.zeros(3)),
        "networks": ("net", NO_VALUE)}),
    (predict_proba, {"X": np.zeros((4, 2))}, {"X": (np.array([["a", "b"]]), np.zeros(4))}),
    (torch_utils.get_device, {}, {"prefer": (3.5, "tpu")}),
    (torch_utils.seed_everything, {"seed": 0}, {
        "seed": ("0", -1), "deterministic": ("no", NO_VALUE)}),
    (torch_utils.count_parameters, {"model": torch.nn.Linear(2, 1)}, {
        "model": ("model", NO_VALUE), "trainable_only": (1, NO_VALUE)}),
    (no_figures(plots.boundaries.decision_grid), {"X": np.zeros((4, 2))}, {
        "X": (np.array([["a", "b"]]), np.zeros((4, 3))), "resolution": (10.0, 1),
        "padding": ("0.5", -0.5)}),
    (no_figures(plots.boundaries.plot_decision_boundary),
     {"predict": lambda P: np.full(len(P), 0.5), "X": np.zeros((4, 2)), "y": LABELS,
      "resolution": 5}, {
        "predict": ("model", NO_VALUE), "X": (np.array([["a", "b"]] * 4), np.zeros((4, 3))),
        "resolution": (5.5, 1), "padding": (None, -1.0), "colorbar": ("no", NO_VALUE),
        "legend": (1, NO_VALUE)}),
    (no_figures(plots.curves.plot_loss_curves), {"curves": [1.0, 0.5]}, {
        "curves": (["a", "b"], [[1.0, 0.5]], "curve"), "log_y": ("yes", NO_VALUE)}),
    (no_figures(plots.curves.plot_loss_curves_by_outcome),
     {"losses": np.ones((3, 2)), "succeeded": np.array([True, False])}, {
        "losses": (np.full((3, 2), "a"), np.ones(3)),
        "succeeded": (np.array([1, 0]), np.array([True])), "highlight": (0.5, 2),
        "log_y": (None, NO_VALUE)}),
    (plots.graphs.graph_layout, {"inputs_of": {"x": [], "y": ["x"]}}, {
        "inputs_of": ([("x", [])], {"y": ["x"]})}),
    (no_figures(plots.images.image_grid),
     {"images": np.zeros((2, 4, 4)), "labels": np.array([0, 1])}, {
        "images": (np.full((2, 4, 4), "a"), np.zeros((2, 5))), "labels": (
            np.array([0.0, 1.0]), np.array([0, 1, 2])), "ncols": (2.0, 0),
        "size": ("1", 0.0), "max_images": (None, 1)}),
    (plot_activations_module.activation_curve,
     {"forward": F.relu_forward, "backward": F.relu_backward}, {
        "forward": ("relu", NO_VALUE), "x_range": (3.0, (1.0, -1.0)), "num": (10.0, 1)}),
    (no_figures(plot_activations_module.plot_activation),
     {"forward": F.relu_forward, "backward": F.relu_backward, "name": "relu"}, {
        "name": (None, NO_VALUE), "x_range": (("a", "b"), (0.0, 0.0)),
        "threshold": ("0.01", -0.01), "legend": ("yes", NO_VALUE)}),
    (no_figures(plot_activations_module.plot_activations),
     {"activations": {"relu": (F.relu_forward, F.relu_backward)}}, {
        "activations": ([F.relu_forward], {}), "ncols": ("3", 0)}),
    (no_figures(plot_networks_module.plot_network), {"layer_sizes": (2, 2, 1)}, {
        "layer_sizes": ([2, "2", 1], (3,)), "max_nodes": ("6", 2),
        "weight_labels": ("yes", NO_VALUE), "node_names": (NO_VALUE, ("x", "y"))}),
    (no_figures(plot_networks_module.plot_neuron), {}, {
        "n_inputs": ("3", 0), "activation": (3, NO_VALUE)}),
    (no_figures(colorbar_on), {"axes": "shaded"}, {"axes": ("not axes", "empty")}),
    (gradcheck_widgets.error_guides, {"function": "sin", "x0": 1.0, "eps": np.array([1e-6])}, {
        "function": (len, "cos"), "x0": ("1", np.inf), "dtype": ("nonsense", np.int64),
        "eps": ("small", NO_VALUE)}),
    (gradcheck_widgets.difference_errors, {"function": "sin", "x0": 1.0}, {
        "function": (len, "cos"), "x0": ("1", np.inf), "dtype": ("nonsense", np.int64)}),
    (xor_widgets.XORExplorer, {}, {
        "hidden_units": ("2", 9), "activation": (2, "gelu"), "lr": ("1", 100.0),
        "epochs": (100.5, 50), "seed": (1.0, 20), "n_starts": ("20", 0)}),
    (activation_widgets.ActivationExplorer, {}, {
        "activation": (None, "softmax"), "x_range": ("wide", (-30.0, 5.0)),
        "negative_slope": ("0.1", 2.0), "alpha": (None, 5.0), "threshold": ("a", 0.9)}),
    (gradcheck_widgets.GradientCheckExplorer, {}, {
        "function": (1, "cos"), "x0": ("1", 5.0), "method": (None, "backward"),
        "dtype": (np.float64, "float16"), "eps": ("1e-6", 10.0)}),
]


def rows(which: int):
    for function, good, arguments in CASES:
        for argument, bad in arguments.items():
            if bad[which] is not NO_VALUE:
                expected = bad[2] if len(bad) > 2 else argument
                yield pytest.param(function, good, argument, bad[which], expected,
                                   id=f"{function.__name__}-{argument}")


def call_with(function, good, argument, bad):
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("COURSE_GRADING", raising=False)
        return function(**{**good, argument: bad})


def test_every_case_runs_with_its_good_arguments():
    for function, good, _ in CASES:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("COURSE_GRADING", "1")  # explorers check arguments, then build nothing
            result = function(**good)
        if function is data.minibatches:
            list(result)
    plt.close("all")


@pytest.mark.parametrize("function, good, argument, bad, expected", list(rows(0)))
def test_an_argument_of_the_wrong_type_raises_type_error(function, good, argument, bad, expected):
    with pytest.raises(TypeError) as raised:
        call_with(function, good, argument, bad)
    assert type(raised.value) is TypeError
    assert expected in str(raised.value)


@pytest.mark.parametrize("function, good, argument, bad, expected", list(rows(1)))
def test_an_argument_of_a_wrong_value_raises_value_error(function, good, argument, bad,
                                                         expected):
    with pytest.raises(ValueError) as raised:
        call_with(function, good, argument, bad)
    assert type(raised.value) is ValueError
    assert expected in str(raised.value)
