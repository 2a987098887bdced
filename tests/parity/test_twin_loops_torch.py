"""Chapter 09's claim, as a test: the course's NumPy MLP and its PyTorch twin, trained side by
side (course_lib.torch_parity.compare_training) from the same weights on the same batches with the
same optimizer and schedule, agree at EVERY step to 1e-12 in float64 and 1e-5 in float32.

The data are 240 samples of 20 features, three classes, batches of 16 in a shuffled order that
changes every epoch (15 steps per epoch, 4 epochs); the network is 20-16-16-3 with ReLU.
"""

import numpy as np
import pytest
import torch

from course_lib.data import minibatches
from course_lib.torch_parity import compare_training, twin_models

SIZES = [20, 16, 16, 3]
TOLERANCE = {np.float64: 1e-12, np.float32: 1e-5}


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny matrices: a second torch thread only waits (minutes on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def epochs_of_batches(dtype, seed, epochs=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(240, SIZES[0]))
    y = (X[:, :3] @ rng.normal(size=(3, 3))).argmax(axis=1).astype(np.int64)
    return [list(minibatches(X.astype(dtype), y, 16, rng=rng)) for _ in range(epochs)]


RECIPES = {
    "sgd_momentum_steplr": (
        lambda optim, params: optim.SGD(params, lr=0.1, momentum=0.9),
        lambda optim, opt: optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)),
    "sgd_nesterov_weight_decay_exponential": (
        lambda optim, params: optim.SGD(params, lr=0.05, momentum=0.9, nesterov=True,
                                        weight_decay=1e-3),
        lambda optim, opt: optim.lr_scheduler.ExponentialLR(opt, gamma=0.8)),
    "adam_cosine": (
        lambda optim, params: optim.Adam(params, lr=0.01),
        lambda optim, opt: optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)),
    "adamw_linear_warmup": (
        lambda optim, params: optim.AdamW(params, lr=0.01, weight_decay=0.1),
        lambda optim, opt: optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)),
    "rmsprop_multistep": (
        lambda optim, params: optim.RMSprop(params, lr=1e-3, momentum=0.5),
        lambda optim, opt: optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 3], gamma=0.3)),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("recipe", list(RECIPES))
def test_mlp_20_16_16_3_four_epochs_every_step_matches_torch(recipe, dtype):
    make_optimizer, make_scheduler = RECIPES[recipe]
    ours, theirs = twin_models(SIZES, dtype=dtype, rng=7, device="cpu")
    start = {name: array.copy() for name, array in ours.state_dict().items()}
    report = compare_training(ours, theirs, epochs_of_batches(dtype, seed=7),
                              make_optimizer=make_optimizer, make_scheduler=make_scheduler)
    assert report.steps == 60 and len(set(report.lr)) > 1, "the schedule must change the rate"
    moved = min(np.linalg.norm(ours.state_dict()[k] - v) / np.linalg.norm(v)
                for k, v in start.items())
    assert moved > 1e-3, "a parameter barely moved: the comparison would prove nothing"
    tolerance = TOLERANCE[dtype]
    worst = int(np.argmax(report.max_parameter_error)) + 1
    assert report.passed(tolerance), (
        f"largest loss difference {report.loss_error.max():.1e}, largest parameter difference "
        f"{report.max_parameter_error.max():.1e} at step {worst} "
        f"({report.worst_parameter(worst)}); tolerance {tolerance:g}")
    assert report.loss_error[-1] <= tolerance and report.numpy_loss[-1] < report.numpy_loss[0]
