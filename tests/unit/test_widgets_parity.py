"""course_lib.widgets.parity: the parity explorer's callback, without a browser."""

import numpy as np
import pytest
import torch

from course_lib.data import minibatches
from course_lib.torch_parity import compare_training, twin_models
from course_lib.widgets.common import image_outputs
from course_lib.widgets.parity import OPTIMIZERS, ParityExplorer, default_data


@pytest.fixture(autouse=True)
def not_grading_and_one_thread(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def data():
    X, y = default_data()
    return X[:300], y[:300]


@pytest.fixture
def explorer(data):
    return ParityExplorer(dtype="float64", lr=0.1, epochs=1, batch_size=64, data=data)


def only_image(explorer):
    images = image_outputs(explorer.output)
    assert len(explorer.output.outputs) == 1 and len(images) == 1
    return images[0]


def test_the_explorer_shows_one_figure_and_the_comparison_behind_it(explorer, data):
    only_image(explorer)
    X, y = data
    ours, theirs = twin_models([64, 32, 32, 10], dtype=np.float64, rng=0, device="cpu")
    rng = np.random.default_rng(0)
    make_optimizer, make_scheduler = OPTIMIZERS["SGD, momentum 0.9, StepLR"]
    expected = compare_training(ours, theirs, [list(minibatches(X, y, 64, rng=rng))],
                                make_optimizer=lambda optim, p: make_optimizer(optim, p, 0.1),
                                make_scheduler=make_scheduler)
    np.testing.assert_array_equal(explorer.report.numpy_loss, expected.numpy_loss)
    np.testing.assert_array_equal(explorer.report.max_parameter_error,
                                  expected.max_parameter_error)
    summary = explorer.summary.value
    assert summary.startswith("5 steps in float64.")
    assert f"of a loss: {expected.loss_error.max():.1e}" in summary \
        or "of a loss: exactly 0" in summary
    assert "Unit round-off of float64: 1.1e-16." in summary
    assert explorer.report.passed(1e-12)


@pytest.mark.parametrize("control, value", [
    ("optimizer", "Adam, cosine annealing"), ("dtype", "float32"), ("lr", 0.5), ("epochs", 2),
    ("batch_size", 32),
])
def test_every_control_retrains_and_replaces_the_figure(explorer, control, value):
    before_image, before = only_image(explorer), explorer.report
    getattr(explorer, control).value = value
    assert only_image(explorer) != before_image
    assert explorer.report is not before
    assert not np.array_equal(explorer.report.numpy_loss[:3], before.numpy_loss[:3]) or \
        control in ("epochs", "lr", "dtype")


def test_epochs_and_batch_size_set_the_number_of_steps(explorer):
    explorer.epochs.value, explorer.batch_size.value = 2, 32
    assert explorer.report.steps == 2 * 10  # 300 samples in batches of 32: 10 per epoch
    assert explorer.report.epoch.tolist() == [1] * 10 + [2] * 10


def test_float32_differs_by_more_than_float64_and_a_large_rate_amplifies_it(explorer):
    float64 = explorer.report.max_parameter_error.max()
    explorer.dtype.value = "float32"
    float32 = explorer.report.max_parameter_error.max()
    assert float64 < 1e-13 < 1e-9 < float32 < 1e-5
    explorer.epochs.value, explorer.lr.value = 4, 1.0
    assert explorer.report.max_parameter_error.max() > 100 * float32
    assert "Largest difference of a parameter" in explorer.summary.value


def test_inert_while_grading(monkeypatch, data):
    monkeypatch.setenv("COURSE_GRADING", "1")
    explorer = ParityExplorer(data=data)
    assert explorer.widget is None and explorer.report is None
    explorer.update()
    assert "switched off while grading" in explorer._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"optimizer": "LBFGS"}, ValueError, "optimizer"),
    ({"dtype": "float16"}, ValueError, "dtype"),
    ({"lr": 5.0}, ValueError, "lr"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"batch_size": 50}, ValueError, "batch_size"),
    ({"data": (np.zeros((5, 3)), np.zeros(4))}, ValueError, "data must be"),
    ({"seed": -1}, ValueError, "seed"),
])
def test_bad_arguments_are_refused_with_a_clear_error(kwargs, error, match, data):
    kwargs = {"data": data, **kwargs}
    with pytest.raises(error, match=match):
        ParityExplorer(**kwargs)
