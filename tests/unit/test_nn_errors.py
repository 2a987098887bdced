"""Errors speak to a learner: each names the layer, what it got, what it expected and what
to do. The tests assert on those words."""

import numpy as np
import pytest

from course_lib import nn


def message_of(error_type, function, *args, **kwargs):
    with pytest.raises(error_type) as info:
        function(*args, **kwargs)
    return str(info.value)


def test_images_into_linear_name_the_layer_the_shapes_and_suggest_flatten():
    layer = nn.Linear(784, 512)
    message = message_of(ValueError, layer, np.zeros((3, 28, 28), dtype=np.float32))
    assert "Linear(in_features=784, out_features=512, bias=True)" in message
    assert "(N, 784)" in message and "(3, 28, 28)" in message
    assert "Flatten" in message and "forget" in message


def test_a_single_sample_into_linear_suggests_adding_a_batch_dimension():
    message = message_of(ValueError, nn.Linear(784, 512), np.zeros(784, dtype=np.float32))
    assert "Linear(in_features=784" in message and "(784,)" in message
    assert "x.reshape(1, -1)" in message and "x[None]" in message


def test_wrong_number_of_features_names_both_and_points_at_in_features():
    message = message_of(ValueError, nn.Linear(784, 512), np.zeros((8, 785), dtype=np.float32))
    assert "(N, 784)" in message and "(8, 785)" in message and "in_features" in message


def test_a_transposed_batch_is_recognised():
    message = message_of(ValueError, nn.Linear(3, 2), np.zeros((3, 10), dtype=np.float32))
    assert "(3, 10)" in message and "x.T" in message


def test_a_mismatch_inside_a_sequential_names_the_failing_layer_index():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(16, 2))
    message = message_of(ValueError, model, np.zeros((5, 4), dtype=np.float32))
    assert "layer 2 (Linear)" in message and "forward" in message
    assert "Linear(in_features=16, out_features=2, bias=True)" in message
    assert "(5, 8)" in message


def test_images_into_an_mlp_without_flatten_point_at_layer_zero_and_flatten():
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
    message = message_of(ValueError, model, np.zeros((2, 28, 28), dtype=np.float32))
    assert "layer 0 (Linear)" in message and "Flatten" in message


@pytest.mark.parametrize("layer", [nn.Linear(4, 2), nn.ReLU(), nn.Sigmoid(), nn.Dropout(),
                                   nn.BatchNorm1d(4), nn.Softmax()],
                         ids=lambda m: type(m).__name__)
def test_integer_images_are_refused_with_the_conversion_to_write(layer):
    message = message_of(TypeError, layer, np.zeros((3, 4), dtype=np.uint8))
    assert type(layer).__name__ in message and "uint8" in message
    assert "x.astype(np.float32) / 255" in message


def test_boolean_input_is_refused():
    assert "bool" in message_of(TypeError, nn.Linear(2, 2), np.ones((1, 2), dtype=bool))


def test_dout_of_the_wrong_shape_is_refused_with_both_shapes():
    layer = nn.Linear(3, 2)
    layer(np.zeros((4, 3), dtype=np.float32))
    message = message_of(ValueError, layer.backward, np.ones((2, 4), dtype=np.float32))
    assert "(2, 4)" in message and "(4, 2)" in message and "shape of the output" in message
    relu = nn.ReLU()
    relu(np.zeros((4, 3)))
    assert "(4, 3)" in message_of(ValueError, relu.backward, np.ones(3))
    flatten = nn.Flatten()
    flatten(np.zeros((4, 2, 3)))
    assert "(4, 6)" in message_of(ValueError, flatten.backward, np.ones((4, 5)))


def test_a_loss_backward_refuses_a_dout_that_would_broadcast():
    loss_fn = nn.MSELoss(reduction="none")
    loss_fn(np.zeros((5, 1)), np.ones((5, 1)))
    message = message_of(ValueError, loss_fn.backward, np.ones(5))
    assert "(5,)" in message and "(5, 1)" in message and "reduction='none'" in message
    mean_loss = nn.CrossEntropyLoss()
    mean_loss(np.zeros((3, 2)), np.array([0, 1, 1]))
    assert "expected ()" in message_of(ValueError, mean_loss.backward, np.ones(3))


def test_mse_loss_refuses_n_by_1_against_n_instead_of_broadcasting_silently():
    message = message_of(ValueError, nn.MSELoss(), np.zeros((64, 1)), np.zeros(64))
    assert "MSELoss" in message and "(64, 1)" in message and "(64,)" in message
    assert "(64, 64)" in message and "broadcast" in message
    assert "y.reshape(-1, 1)" in message


@pytest.mark.parametrize("loss_class", [nn.L1Loss, nn.HuberLoss, nn.BCEWithLogitsLoss])
def test_other_elementwise_losses_refuse_mismatched_shapes_too(loss_class):
    message = message_of(ValueError, loss_class(), np.zeros(8), np.zeros((8, 1)))
    assert loss_class.__name__ in message and "(8,)" in message and "(8, 1)" in message


def test_cross_entropy_with_one_hot_targets_suggests_argmax():
    message = message_of(ValueError, nn.CrossEntropyLoss(), np.zeros((4, 10)), np.eye(10)[:4])
    assert "CrossEntropyLoss" in message and "one-hot" in message
    assert "y.argmax(axis=1)" in message and "(4,)" in message


def test_cross_entropy_with_float_labels_or_too_few_classes():
    message = message_of(TypeError, nn.CrossEntropyLoss(), np.zeros((3, 2)),
                         np.array([0.0, 1.0, 1.0]))
    assert "CrossEntropyLoss" in message and "y.astype(np.int64)" in message
    message = message_of(ValueError, nn.CrossEntropyLoss(), np.zeros((3, 2)), np.array([0, 1, 9]))
    assert "class index 9" in message and "2 classes" in message and "output units" in message


def test_bce_with_labels_minus_one_and_one_suggests_the_mapping():
    message = message_of(ValueError, nn.BCEWithLogitsLoss(), np.zeros(2), np.array([-1.0, 1.0]))
    assert "BCEWithLogitsLoss" in message and "[0, 1]" in message and "(y + 1) / 2" in message


def test_batch_norm_single_sample_in_training_suggests_eval():
    message = message_of(ValueError, nn.BatchNorm1d(3), np.zeros((1, 3), dtype=np.float32))
    assert "BatchNorm1d(3" in message and "at least 2 samples" in message
    assert "(1, 3)" in message and "model.eval()" in message


def test_batch_norm_wrong_features_or_rank():
    assert "(N, 3)" in message_of(ValueError, nn.BatchNorm1d(3), np.zeros((4, 5)))
    assert "x[None]" in message_of(ValueError, nn.BatchNorm1d(3), np.zeros(3))
    assert "(N, C)" in message_of(ValueError, nn.BatchNorm1d(3), np.zeros((4, 3, 2)))


def test_flatten_of_a_single_image_suggests_a_batch_dimension():
    message = message_of(ValueError, nn.Flatten(), np.zeros(784))
    assert "Flatten(start_dim=1, end_dim=-1)" in message and "(784,)" in message
    assert "x[None]" in message


@pytest.mark.parametrize("make, error, words", [
    (lambda: nn.Linear(0, 3), ValueError, "in_features must be an integer >= 1, got 0"),
    (lambda: nn.Linear(-2, 3), ValueError, "in_features must be an integer >= 1, got -2"),
    (lambda: nn.Linear(3, 2.5), TypeError, "out_features must be an integer, got 2.5"),
    (lambda: nn.Linear(3, 2, dtype=np.int32), ValueError, "dtype must be np.float32 or np.float64"),
    (lambda: nn.Linear(3, 2, dtype="banana"), TypeError, "dtype must be a NumPy dtype"),
    (lambda: nn.Dropout(1.0), ValueError,
     r"p \(the probability of dropping a unit\).*\[0, 1\).*1.0"),
    (lambda: nn.Dropout(-0.1), ValueError, "got -0.1"),
    (lambda: nn.Dropout(0.5, rng="seed"), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: nn.Dropout(0.5, rng=-1), ValueError, "rng must be a seed >= 0"),
    (lambda: nn.BatchNorm1d(0), ValueError, "num_features must be an integer >= 1, got 0"),
    (lambda: nn.BatchNorm1d(3, momentum=1.5), ValueError, "momentum.*got 1.5"),
    (lambda: nn.BatchNorm1d(3, eps=0.0), ValueError, "eps.*got 0.0"),
    (lambda: nn.LeakyReLU("0.1"), TypeError, "negative_slope must be a number, got '0.1'"),
    (lambda: nn.ELU(alpha=float("nan")), ValueError, "alpha.*got nan"),
    (lambda: nn.HuberLoss(delta=0.0), ValueError, "delta.*got 0.0"),
    (lambda: nn.MSELoss(reduction="average"), ValueError, "reduction must be one of.*'average'"),
    (lambda: nn.CrossEntropyLoss(reduction=None), TypeError, "reduction must be one of.*None"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=1.5), ValueError, "label_smoothing.*1.5"),
    (lambda: nn.CrossEntropyLoss(weight=[1.0, -1.0]), ValueError, "weights must be >= 0"),
    (lambda: nn.BCEWithLogitsLoss(pos_weight=-2.0), ValueError, "pos_weight must be >= 0"),
    (lambda: nn.BCEWithLogitsLoss(pos_weight="x"), TypeError, "pos_weight must be a number"),
    (lambda: nn.CrossEntropyLoss(weight=["a", "b"]), TypeError, "weight must be a numeric"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_invalid_hyper_parameters_raise_with_the_offending_value(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_sequential_refuses_a_class_where_an_instance_is_expected():
    message = message_of(TypeError, nn.Sequential, nn.Linear(2, 2), nn.ReLU)
    assert "ReLU()" in message and "instance" in message


def test_a_custom_exception_type_from_a_layer_passes_through_sequential_unchanged():
    class Custom(ValueError):
        def __init__(self, code):
            super().__init__(f"code {code}")

    class Failing(nn.Module):
        def forward(self, x):
            raise Custom(7)

    with pytest.raises(Custom, match="code 7"):
        nn.Sequential(Failing())(np.zeros(2))
