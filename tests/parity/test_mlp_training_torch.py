"""A whole MLP trained in course_lib (with fit) and in PyTorch (by hand) from the same
weights on the same batches, float64: the parameters agree to a relative error of 1e-8.

The network is 20-16-ReLU-16-ReLU-3 with CrossEntropyLoss; batches are taken
in order (shuffle=False) so both frameworks see the same 50 mini-batches.
"""

import numpy as np
import pytest
import torch

from course_lib import nn, optim
from course_lib.train import fit

TOL = 1e-8
N, BATCH = 400, 8  # 50 steps per epoch


def rel_err(a, b):
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else np.linalg.norm(a - b) / scale


def data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, 20))
    y = (X[:, :3] @ rng.normal(size=(3, 3))).argmax(axis=1) if seed == 0 else \
        rng.integers(0, 3, N)
    return X, y.astype(np.int64)


def twin_models(seed=0):
    rng = np.random.default_rng(seed)
    ours = nn.Sequential(nn.Linear(20, 16, rng=rng), nn.ReLU(), nn.Linear(16, 16, rng=rng),
                         nn.ReLU(), nn.Linear(16, 3, rng=rng)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(20, 16), torch.nn.ReLU(),
                                 torch.nn.Linear(16, 16), torch.nn.ReLU(),
                                 torch.nn.Linear(16, 3)).double()
    with torch.no_grad():
        for name, p in theirs.named_parameters():
            p.copy_(torch.from_numpy(ours.state_dict()[name]))
    return ours, theirs


def train_torch(model, optimizer, X, y, epochs, scheduler=None):
    loss_fn = torch.nn.CrossEntropyLoss()
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(epochs):
        for start in range(0, N, BATCH):
            loss = loss_fn(model(X[start:start + BATCH]), y[start:start + BATCH])
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        if scheduler is not None:
            scheduler.step()


def assert_same_parameters(ours, theirs, start):
    theirs_state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    for name, value in ours.state_dict().items():
        assert value.dtype == np.float64
        assert rel_err(value, start[name]) > 1e-3, f"{name} barely moved; the test proves nothing"
        err = rel_err(value, theirs_state[name])
        assert err < TOL, f"{name}: relative error {err:.2e}"


def test_mlp_20_16_16_3_cross_entropy_adam_50_steps_matches_torch():
    X, y = data()
    ours, theirs = twin_models()
    start = {name: array.copy() for name, array in ours.state_dict().items()}
    history = fit(ours, nn.CrossEntropyLoss(), optim.Adam(ours.parameters(), lr=1e-2), (X, y),
                  epochs=1, batch_size=BATCH, shuffle=False, progress=False)
    train_torch(theirs, torch.optim.Adam(theirs.parameters(), lr=1e-2), X, y, epochs=1)
    assert_same_parameters(ours, theirs, start)
    assert history["loss"][0] > 0


@pytest.mark.parametrize("name, make_ours, make_torch", [
    ("adamw_cosine",
     lambda ps: optim.AdamW(ps, lr=1e-2, weight_decay=0.1),
     lambda ps: torch.optim.AdamW(ps, lr=1e-2, weight_decay=0.1)),
    ("sgd_nesterov_weight_decay",
     lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
     lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    ("rmsprop_centered_momentum",
     lambda ps: optim.RMSprop(ps, lr=1e-3, momentum=0.5, centered=True),
     lambda ps: torch.optim.RMSprop(ps, lr=1e-3, momentum=0.5, centered=True)),
])
def test_mlp_3_epochs_with_cosine_schedule_matches_torch(name, make_ours, make_torch):
    """150 steps; the learning rate changes between epochs."""
    X, y = data(seed=1)
    ours, theirs = twin_models(seed=1)
    start = {name: array.copy() for name, array in ours.state_dict().items()}
    opt_ours, opt_torch = make_ours(ours.parameters()), make_torch(theirs.parameters())
    fit(ours, nn.CrossEntropyLoss(), opt_ours, (X, y), epochs=3, batch_size=BATCH,
        shuffle=False, progress=False, scheduler=optim.CosineAnnealingLR(opt_ours, T_max=3))
    train_torch(theirs, opt_torch, X, y, epochs=3,
                scheduler=torch.optim.lr_scheduler.CosineAnnealingLR(opt_torch, T_max=3))
    assert_same_parameters(ours, theirs, start)
