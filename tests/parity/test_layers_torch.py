"""course_lib.nn layers against torch.nn, float64, weights copied from torch into course_lib:
forward outputs, input gradients and parameter gradients agree to a norm-wise relative error
||a - b|| / max(||a||, ||b||) < 1e-10."""

import numpy as np
import pytest
import torch

from course_lib import nn

TOL = 1e-10


def rel_err(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else np.linalg.norm(a - b) / scale


def copy_torch_weights(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})


def forward_backward_ours(module, x, dout):
    module.zero_grad()
    out = module(x)
    dx = module.backward(dout)
    return out, dx, {name: p.grad.copy() for name, p in module.named_parameters()}


def forward_backward_torch(module, x, seed=0, dout=None):
    """One forward and backward pass (exactly one: batch norm's statistics move at each
    forward); ``dout`` is drawn from ``seed`` once the output shape is known."""
    module.zero_grad()
    x = torch.tensor(x, requires_grad=True)
    out = module(x)
    if dout is None:
        dout = np.random.default_rng(seed).normal(size=tuple(out.shape))
    out.backward(torch.tensor(dout))
    grads = {name: p.grad.numpy().copy() for name, p in module.named_parameters()}
    return out.detach().numpy(), x.grad.numpy(), grads, dout


def assert_same_forward_and_backward(ours, theirs, x, seed=0):
    t_out, t_dx, t_grads, dout = forward_backward_torch(theirs, x, seed)
    out, dx, grads = forward_backward_ours(ours, x, dout)
    assert rel_err(out, t_out) < TOL
    assert rel_err(dx, t_dx) < TOL
    assert grads.keys() == t_grads.keys()
    for name in grads:
        assert rel_err(grads[name], t_grads[name]) < TOL, name


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch, in_features, out_features", [(7, 5, 4), (1, 3, 1), (64, 20, 9)])
def test_linear_matches_torch_linear(batch, in_features, out_features, bias):
    torch.manual_seed(0)
    theirs = torch.nn.Linear(in_features, out_features, bias=bias).double()
    ours = nn.Linear(in_features, out_features, bias=bias).double()
    copy_torch_weights(ours, theirs)
    x = np.random.default_rng(1).normal(size=(batch, in_features))
    assert_same_forward_and_backward(ours, theirs, x)


ACTIVATIONS = {
    "relu": (nn.ReLU(), torch.nn.ReLU()),
    "sigmoid": (nn.Sigmoid(), torch.nn.Sigmoid()),
    "tanh": (nn.Tanh(), torch.nn.Tanh()),
    "leaky_relu_default": (nn.LeakyReLU(), torch.nn.LeakyReLU()),
    "leaky_relu_0.2": (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
    "elu_default": (nn.ELU(), torch.nn.ELU()),
    "elu_alpha_0.7": (nn.ELU(0.7), torch.nn.ELU(0.7)),
    "softmax_dim1": (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
    "softmax_dim0": (nn.Softmax(dim=0), torch.nn.Softmax(dim=0)),
    "log_softmax_dim1": (nn.LogSoftmax(dim=1), torch.nn.LogSoftmax(dim=1)),
    "flatten": (nn.Flatten(), torch.nn.Flatten()),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("scale", [1.0, 30.0], ids=["moderate", "large"])
def test_activation_matches_torch(name, scale):
    ours, theirs = ACTIVATIONS[name]
    shape = (6, 2, 4) if name == "flatten" else (6, 8)
    x = scale * np.random.default_rng(2).normal(size=shape)
    assert_same_forward_and_backward(ours, theirs, x)


class MaskFromTorch:
    """Stands in for the dropout's generator: ``random`` returns 1 where torch kept a unit and
    0 where it dropped one, so that ``random >= p`` is torch's keep-mask."""

    def __init__(self, keep):
        self.keep = keep

    def random(self, shape):
        assert shape == self.keep.shape
        return self.keep.astype(np.float64)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_with_the_same_mask_matches_torch_dropout_in_training(p):
    theirs = torch.nn.Dropout(p).double().train()
    x = np.random.default_rng(3).normal(size=(16, 10))  # no exact zeros: out == 0 iff dropped
    torch.manual_seed(5)
    t_out, t_dx, _, dout = forward_backward_torch(theirs, x)
    keep = t_out != 0
    assert 0 < keep.mean() < 1
    ours = nn.Dropout(p)
    ours.rng = MaskFromTorch(keep)
    out, dx, _ = forward_backward_ours(ours, x, dout)
    assert rel_err(out, t_out) < TOL and rel_err(dx, t_dx) < TOL


def test_dropout_in_evaluation_matches_torch():
    x = np.random.default_rng(3).normal(size=(4, 5))
    assert_same_forward_and_backward(nn.Dropout(0.5, rng=0).eval(),
                                     torch.nn.Dropout(0.5).double().eval(), x)


@pytest.mark.parametrize("momentum", [0.1, 0.5])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_training_steps_then_evaluation_match_torch(momentum, affine):
    torch.manual_seed(0)
    theirs = torch.nn.BatchNorm1d(6, momentum=momentum, affine=affine).double()
    if affine:  # non-trivial gamma and beta
        torch.nn.init.uniform_(theirs.weight, 0.5, 2.0)
        torch.nn.init.uniform_(theirs.bias, -1.0, 1.0)
    ours = nn.BatchNorm1d(6, momentum=momentum, affine=affine).double()
    copy_torch_weights(ours, theirs)
    rng = np.random.default_rng(1)
    for step, batch in enumerate([8, 3, 2, 16]):
        x = rng.normal(loc=2.0, scale=3.0, size=(batch, 6))
        assert_same_forward_and_backward(ours, theirs, x, seed=step)
    theirs_state = {k: v.numpy() for k, v in theirs.state_dict().items()}
    for key, value in ours.state_dict().items():
        assert rel_err(value, theirs_state[key]) < TOL, key
    assert ours.num_batches_tracked == theirs.num_batches_tracked.item() == 4
    ours.eval()
    theirs.eval()
    for batch in [5, 1]:
        assert_same_forward_and_backward(ours, theirs, rng.normal(size=(batch, 6)))


def test_mlp_with_every_layer_matches_torch_forward_and_backward():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(
        # no bias before batch norm: its gradient is exactly 0 (rounding noise in both)
        torch.nn.Flatten(), torch.nn.Linear(12, 10, bias=False), torch.nn.BatchNorm1d(10),
        torch.nn.ReLU(),
        torch.nn.Linear(10, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.LeakyReLU(0.1),
        torch.nn.Linear(8, 6), torch.nn.ELU(), torch.nn.Linear(6, 5), torch.nn.Sigmoid(),
        torch.nn.Linear(5, 4), torch.nn.Softmax(dim=1),
    ).double()
    ours = nn.Sequential(
        nn.Flatten(), nn.Linear(12, 10, bias=False), nn.BatchNorm1d(10), nn.ReLU(),
        nn.Linear(10, 8),
        nn.Tanh(), nn.Linear(8, 8), nn.LeakyReLU(0.1), nn.Linear(8, 6), nn.ELU(),
        nn.Linear(6, 5), nn.Sigmoid(), nn.Linear(5, 4), nn.Softmax(dim=1),
    ).double()
    copy_torch_weights(ours, theirs)
    x = np.random.default_rng(1).normal(size=(9, 3, 4))
    assert_same_forward_and_backward(ours, theirs, x)
    ours.eval()
    theirs.eval()
    assert_same_forward_and_backward(ours, theirs, x, seed=1)
