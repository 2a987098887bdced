"""Many small XOR networks trained at once, one per seed, with NumPy alone.

Taught in notebooks/01_xor_from_scratch.ipynb. The notebook writes a single
2-2-1 network and its five training steps out by hand; this module runs the
very same steps for a whole batch of networks at once (one per seed), so the
chapter can measure how often training fails from a random start, and so the
XOR explorer (``course_lib.widgets.xor``) redraws quickly.

A network with ``H`` hidden units computes, for inputs ``X`` of shape ``(N, 2)``:

.. math::

    Z_1 = X W_1^\\top + b_1,\\quad A_1 = g(Z_1),\\quad
    z_2 = A_1 W_2^\\top + b_2,\\quad p = \\sigma(z_2)

with ``W1`` of shape ``(H, 2)`` and ``W2`` of shape ``(1, H)`` (PyTorch's
``(out, in)`` convention), a hidden activation ``g`` (tanh, sigmoid or ReLU)
and the binary cross-entropy loss
``L = -mean(y log p + (1 - y) log(1 - p))``, minimised by full-batch gradient
descent. A batch of ``B`` networks stores the same arrays with a leading
dimension ``B``.

Example:
    >>> result = train_xor_networks(hidden_units=2, seeds=range(10), lr=1.0, epochs=2000)
    >>> result.losses.shape, result.solved.shape
    ((2001, 10), (10,))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from course_lib import checks
from course_lib.data import xor
from course_lib.nn.functional import sigmoid

# The XOR truth table of course_lib.data, in float64 as these networks compute.
_X, _labels = xor(dtype=np.float64)
_Y = _labels.astype(np.float64)

#: Hidden activations the networks can use.
ACTIVATIONS = ("tanh", "sigmoid", "relu")

#: Starting weights of the 2-2-1 XOR network ``Sequential(Linear(2, 2), Tanh(),
#: Linear(2, 1))`` of ``course_lib.nn`` (``state_dict`` keys), from which
#: ``Adam(lr=0.1)`` with ``BCEWithLogitsLoss`` and full batches solves XOR within
#: 300 epochs (tests/unit/test_train.py; benchmarks/xor_success_rate.py). Load them
#: with ``model.load_state_dict(XOR_221_START)``. Read-only float32 arrays.
XOR_221_START: dict[str, np.ndarray] = {
    "0.weight": np.array([[0.5, -0.4], [-0.3, 0.6]], dtype=np.float32),
    "0.bias": np.array([0.1, -0.1], dtype=np.float32),
    "2.weight": np.array([[0.4, 0.5]], dtype=np.float32),
    "2.bias": np.array([0.0], dtype=np.float32),
}
for _array in XOR_221_START.values():
    _array.setflags(write=False)

#: A network "solves" XOR when it classifies all four points correctly and its
#: loss is below this. Networks that found the solution end far below 0.1. The
#: stuck 2-2-1 networks of the chapter end just above ln(2)/2 = 0.347 (two points
#: right, p = 0.5 for the other two): they are on a plateau, a flat valley whose
#: floor ln(2)/2 is reached only as the weights grow without bound, so training
#: longer lowers their loss ever more slowly and rarely gets them off it.
SOLVED_LOSS = 0.1


def _activation(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``g(z)`` and ``g'(z)`` for the hidden activation ``name``."""
    if name == "tanh":
        a = np.tanh(z)
        return a, 1.0 - a**2
    if name == "sigmoid":
        a = sigmoid(z)
        return a, a * (1.0 - a)
    return np.maximum(z, 0.0), (z > 0).astype(z.dtype)


@dataclass
class XORNetworks:
    """Parameters of ``B`` independent networks with ``H`` hidden units each.

    Taught in no notebook by this name: :func:`init_xor_networks` makes it and
    :func:`train_xor_networks` trains it, both in chapter 01.

    Attributes:
        W1: hidden weights, shape (B, H, 2).
        b1: hidden biases, shape (B, H).
        W2: output weights, shape (B, 1, H).
        b2: output biases, shape (B, 1).
        activation: hidden activation, one of ``ACTIVATIONS``.
        seeds: the seed each network was initialised from, shape (B,).
    """

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    activation: str = "tanh"
    seeds: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))

    @property
    def n_networks(self) -> int:
        return self.W1.shape[0]

    @property
    def hidden_units(self) -> int:
        return self.W1.shape[1]

    def copy(self) -> XORNetworks:
        return XORNetworks(
            self.W1.copy(), self.b1.copy(), self.W2.copy(), self.b2.copy(),
            self.activation, self.seeds.copy(),
        )

    def select(self, index: int) -> XORNetworks:
        """The single network at position ``index``, as a batch of one."""
        keep = slice(index, index + 1) if index != -1 else slice(-1, None)
        return XORNetworks(
            self.W1[keep].copy(), self.b1[keep].copy(), self.W2[keep].copy(),
            self.b2[keep].copy(), self.activation, self.seeds[keep].copy(),
        )

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Output logits ``z2`` for inputs ``X`` of shape (N, 2); returns shape (B, N)."""
        return self._forward(_as_inputs(X))[2]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probability of class 1, ``sigmoid(z2)``, for ``X`` of shape (N, 2); shape (B, N)."""
        return sigmoid(self.logits(X))

    def loss(self, X: np.ndarray = _X, y: np.ndarray = _Y) -> np.ndarray:
        """Binary cross-entropy of each network on ``(X, y)`` (default: the XOR truth
        table); shape (B,)."""
        z2 = self.logits(X)
        return _bce_from_logits(z2, np.asarray(y, dtype=float))

    def _forward(self, X):
        Z1 = X @ self.W1.transpose(0, 2, 1) + self.b1[:, None, :]  # (B, N, H)
        A1, dA1_dZ1 = _activation(self.activation, Z1)
        z2 = (A1 @ self.W2.transpose(0, 2, 1))[..., 0] + self.b2  # (B, N)
        return A1, dA1_dZ1, z2


def _as_inputs(X) -> np.ndarray:
    X = checks.real_array(X, "X", "XOR networks").astype(float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"XOR networks take inputs of shape (N, 2), got shape {X.shape}. "
            "Stack the points as rows, e.g. np.array([[0, 0], [0, 1]])."
        )
    return X


def _bce_from_logits(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    # -[y log s(z) + (1-y) log(1-s(z))] = log(1 + e^z) - y z, stable for any z.
    return np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)


def init_xor_networks(
    hidden_units: int, seeds: Iterable[int], *, activation: str = "tanh"
) -> XORNetworks:
    """Initialise one network per seed, exactly as the chapter's hand-written network does.

    For each seed: ``rng = np.random.default_rng(seed)``, then
    ``W1 = rng.normal(size=(H, 2))``, ``b1 = 0``, ``W2 = rng.normal(size=(1, H))``,
    ``b2 = 0``. So the network of seed ``s`` here is the network the notebook
    builds by hand from seed ``s``.

    Taught in notebooks/01_xor_from_scratch.ipynb (step 1 of the five: init).

    Args:
        hidden_units: ``H``, the number of hidden units (at least 1).
        seeds: one integer seed per network; ``B = len(seeds)``.
        activation: hidden activation, one of ``ACTIVATIONS``.

    Returns:
        XORNetworks with ``W1`` (B, H, 2), ``b1`` (B, H), ``W2`` (B, 1, H), ``b2`` (B, 1).
    """
    H = checks.integer(hidden_units, "hidden_units", "init_xor_networks", minimum=1)
    checks.choice(activation, ACTIVATIONS, "activation", "init_xor_networks")
    seeds = checks.integers(seeds, "seeds (one per network)", "init_xor_networks", minimum=0)
    W1, W2 = [], []
    for seed in seeds:
        rng = np.random.default_rng(int(seed))
        W1.append(rng.normal(size=(H, 2)))
        W2.append(rng.normal(size=(1, H)))
    B = len(seeds)
    return XORNetworks(
        W1=np.array(W1), b1=np.zeros((B, H)), W2=np.array(W2), b2=np.zeros((B, 1)),
        activation=activation, seeds=seeds,
    )


@dataclass
class XORTrainingResult:
    """What ``train_xor_networks`` returns. Taught in no notebook by this name: chapter 01
    uses its ``losses``, ``solved`` and ``final_loss``.

    Attributes:
        networks: the trained networks.
        losses: loss of every network before each update and after the last,
            shape (epochs + 1, B). A diverged network shows ``inf`` or ``nan``.
        snapshots: copies of the networks before the update of each epoch
            listed in ``snapshot_epochs`` (``epochs`` itself means "after training").
        correct: number of the four points each network classifies correctly, shape (B,).
    """

    networks: XORNetworks
    losses: np.ndarray
    snapshots: dict[int, XORNetworks]
    correct: np.ndarray

    @property
    def final_loss(self) -> np.ndarray:
        """Loss after training, shape (B,)."""
        return self.losses[-1]

    @property
    def solved(self) -> np.ndarray:
        """Which networks solved XOR: all four points right and loss < ``SOLVED_LOSS``; (B,)."""
        with np.errstate(invalid="ignore"):
            return (self.correct == len(_Y)) & (self.final_loss < SOLVED_LOSS)


def xor_loss_and_gradients(
    networks: XORNetworks, X: np.ndarray = _X, y: np.ndarray = _Y
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Forward pass, loss and backward pass (steps 2-4) for every network in ``networks``.

    ``dz2 = (p - y) / N``, ``dW2 = dz2^T A1``, ``db2 = sum(dz2)``,
    ``dZ1 = (dz2 W2) * g'(Z1)``, ``dW1 = dZ1^T X``, ``db1 = sum(dZ1)``
    (sums over the N samples, for each network separately).

    Taught in notebooks/01_xor_from_scratch.ipynb (the gradients are derived in
    chapter 03).

    Args:
        networks: ``B`` networks with ``H`` hidden units.
        X: inputs, shape (N, 2) (default: the XOR truth table, ``course_lib.data.xor()``).
        y: targets in {0, 1}, shape (N,) (default: its labels).

    Example:
        >>> loss, (dW1, db1, dW2, db2) = xor_loss_and_gradients(init_xor_networks(3, [0, 1]))
        >>> loss.shape, dW1.shape, db2.shape
        ((2,), (2, 3, 2), (2, 1))

    Returns:
        ``(loss, (dW1, db1, dW2, db2))``: loss of shape (B,) and gradients with the
        shapes of ``W1`` (B, H, 2), ``b1`` (B, H), ``W2`` (B, 1, H), ``b2`` (B, 1).
    """
    checks.instance(networks, XORNetworks, "networks", "xor_loss_and_gradients")
    X = _as_inputs(X)
    y = checks.real_array(y, "y", "xor_loss_and_gradients").astype(float)
    if y.shape != (len(X),):
        raise ValueError(f"xor_loss_and_gradients: y must hold one target per row of X, shape "
                         f"({len(X)},), got shape {y.shape}")
    return _loss_and_gradients(networks, X, y)


def _loss_and_gradients(networks: XORNetworks, X: np.ndarray, y: np.ndarray):
    """Steps 2-4 for checked inputs: X float (N, 2), y float (N,)."""
    N = len(y)
    A1, dA1_dZ1, z2 = networks._forward(X)
    loss = _bce_from_logits(z2, y)
    dz2 = (sigmoid(z2) - y) / N  # (B, N)
    dW2 = dz2[:, None, :] @ A1  # (B, 1, H)
    db2 = dz2.sum(axis=1, keepdims=True)  # (B, 1)
    dZ1 = dz2[:, :, None] * networks.W2 * dA1_dZ1  # (B, N, H)
    dW1 = dZ1.transpose(0, 2, 1) @ X  # (B, H, 2)
    db1 = dZ1.sum(axis=1)  # (B, H)
    return loss, (dW1, db1, dW2, db2)


def train_xor_networks(
    hidden_units: int,
    seeds: Iterable[int],
    *,
    activation: str = "tanh",
    lr: float = 1.0,
    epochs: int = 2000,
    snapshot_epochs: Iterable[int] = (),
) -> XORTrainingResult:
    """Train one XOR network per seed with full-batch gradient descent, all at once.

    The five steps of the chapter, for ``B`` networks in parallel:

    1. init: ``init_xor_networks(hidden_units, seeds)``;
    2. forward: ``Z1 = X W1^T + b1``, ``A1 = g(Z1)``, ``z2 = A1 W2^T + b2``, ``p = sigmoid(z2)``;
    3. cost: ``L = -mean(y log p + (1 - y) log(1 - p))``;
    4. backward: ``dz2 = (p - y) / N``, ``dW2 = dz2^T A1``, ``db2 = sum(dz2)``,
       ``dZ1 = (dz2 W2) * g'(Z1)``, ``dW1 = dZ1^T X``, ``db1 = sum(dZ1)``;
    5. update: ``W <- W - lr * dW`` for every parameter.

    Steps 2 to 5 are ``train_xor_networks_from``.

    Taught in notebooks/01_xor_from_scratch.ipynb (the seed and learning-rate
    sweeps) and used by ``course_lib.widgets.xor.XORExplorer``.

    Args:
        hidden_units: ``H``, hidden units per network.
        seeds: one integer seed per network (see ``init_xor_networks``).
        activation: hidden activation, one of ``ACTIVATIONS``.
        lr: learning rate, a positive number.
        epochs: number of gradient-descent steps (0 or more).
        snapshot_epochs: epochs at which to keep a copy of the networks, for
            drawing the decision boundary during training.

    Returns:
        XORTrainingResult with ``losses`` of shape (epochs + 1, B).

    Example:
        >>> result = train_xor_networks(8, seeds=range(5), epochs=2000)
        >>> bool(result.solved.all())
        True
    """
    snapshot_epochs = _check_training(lr, epochs, snapshot_epochs, "train_xor_networks")
    net = init_xor_networks(hidden_units, seeds, activation=activation)
    return _train(net, lr, epochs, snapshot_epochs)


def train_xor_networks_from(
    networks: XORNetworks,
    *,
    lr: float = 1.0,
    epochs: int = 2000,
    snapshot_epochs: Iterable[int] = (),
) -> XORTrainingResult:
    """Train the given networks (steps 2 to 5 of ``train_xor_networks``); they are not modified.

    Use it to start from networks of your own, e.g. the networks of
    ``init_xor_networks`` with every weight nudged by a tiny amount, to see
    how much the outcome depends on the exact starting point.

    Taught in notebooks/01_xor_from_scratch.ipynb (section 7: a learning rate
    at which round-off decides which seeds succeed).

    Args:
        networks: ``B`` networks with ``H`` hidden units (copied before training).
        lr, epochs, snapshot_epochs: as in ``train_xor_networks``.

    Returns:
        XORTrainingResult with ``losses`` of shape (epochs + 1, B).

    Example:
        >>> start = init_xor_networks(2, seeds=[3])
        >>> same = train_xor_networks_from(start, lr=1.0, epochs=100)
        >>> bool(same.losses[-1, 0] == train_xor_networks(2, [3], epochs=100).losses[-1, 0])
        True
    """
    where = "train_xor_networks_from"
    checks.instance(networks, XORNetworks, "networks", where, hint="Make them with "
                    "init_xor_networks(hidden_units, seeds).")
    snapshot_epochs = _check_training(lr, epochs, snapshot_epochs, where)
    return _train(networks, lr, epochs, snapshot_epochs)


def _train(networks: XORNetworks, lr: float, epochs: int,
           snapshot_epochs: list[int]) -> XORTrainingResult:
    """Steps 2 to 5 on a copy of ``networks`` (the arguments are already checked)."""
    net = networks.copy()
    X, y = _X, _Y
    losses = np.empty((epochs + 1, net.n_networks))
    snapshots: dict[int, XORNetworks] = {}
    # A learning rate that is far too large makes some networks overflow; their
    # loss becomes inf/nan and they count as unsolved, which is the lesson.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs + 1):
            if epoch in snapshot_epochs:
                snapshots[epoch] = net.copy()
            losses[epoch], (dW1, db1, dW2, db2) = _loss_and_gradients(net, X, y)
            if epoch == epochs:
                break
            net.W1 -= lr * dW1
            net.b1 -= lr * db1
            net.W2 -= lr * dW2
            net.b2 -= lr * db2
        p = net.predict_proba(X)
        correct = ((p > 0.5) == (y > 0.5)).sum(axis=1)
    return XORTrainingResult(networks=net, losses=losses, snapshots=snapshots, correct=correct)


def _check_training(lr, epochs, snapshot_epochs, where: str) -> list[int]:
    """Check the training arguments; return the snapshot epochs sorted, without repeats."""
    checks.number(lr, "lr", where, low=0, low_inclusive=False)
    checks.integer(epochs, "epochs", where, minimum=0)
    if np.iterable(snapshot_epochs) and not isinstance(snapshot_epochs, str):
        snapshot_epochs = list(snapshot_epochs)
        if not snapshot_epochs:
            return []
    snapshot_epochs = checks.integers(snapshot_epochs, "snapshot_epochs", where, minimum=0)
    if snapshot_epochs.max() > epochs:
        raise ValueError(
            f"{where}: snapshot_epochs must lie between 0 and epochs={epochs}, "
            f"got {snapshot_epochs.max()}."
        )
    return sorted(set(snapshot_epochs.tolist()))
