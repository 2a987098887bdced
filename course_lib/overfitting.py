"""The noisy task of chapter 06: two moons, a network big enough to overfit them, one recipe.

Taught in notebooks/06_regularization.ipynb, whose measurements of
overfitting, early stopping, the penalties and dropout all train on it, and
whose explorer (``course_lib.widgets.regularization``) trains the same thing
for any noise level, penalty and dropout rate.

- **Data** (:func:`moons_splits`): 300 points of ``make_moons`` with Gaussian noise
  of standard deviation ``NOISE`` (the two classes overlap), drawn from the seed and
  split 60-20-20 into training, validation and test sets (180, 60, 60 points) with the
  same seed. Each seed is a new data set, so a spread over seeds includes the luck of
  the draw. :func:`fresh_moons` draws 5000 more points from the same distribution, once:
  a generated task's stand-in for "all the data the model will ever meet", to measure
  how good an estimate each split gives.
- **Network** (:func:`moons_network`): ``mlp([2, 32, 32, 2], "relu")``, about 1200
  parameters for 180 points, with optional dropout after each hidden layer.
- **Recipe** (:func:`train_moons`): cross-entropy on the two logits, Adam with learning
  rate ``LR``, full-batch steps for ``EPOCHS`` epochs, and an optional L2 penalty
  :math:`\\tfrac{\\lambda}{2}\\sum w^2` on the weights (``fit(..., penalty=L2Penalty(lam))``).

Every product of matrices stays below 180 x 32 x 32 multiply-adds, small enough that
OpenBLAS does not spread it over threads (which is slower for such sizes on a busy
machine; docs/decisions.md, chapter 04).
"""

from __future__ import annotations

from course_lib import checks, nn
from course_lib.data import make_moons, train_val_test_split
from course_lib.initialization import mlp
from course_lib.optim import Adam
from course_lib.regularization import L2Penalty
from course_lib.train import fit

__all__ = [
    "EPOCHS",
    "LR",
    "NOISE",
    "WIDTH",
    "fresh_moons",
    "moons_network",
    "moons_splits",
    "train_moons",
]

#: The standard deviation of the noise added to the points: the classes overlap.
NOISE = 0.4
#: Points per data set, before the 60-20-20 split.
N_SAMPLES = 300
#: Points of the fresh set.
N_FRESH = 5000
#: The seed of the fresh set, far from the seeds the chapter uses for its data sets.
FRESH_SEED = 10_000
#: Units per hidden layer.
WIDTH = 32
#: Adam's learning rate.
LR = 0.02
#: Full-batch training steps.
EPOCHS = 250


def moons_splits(seed: int, *, noise: float = NOISE, n_samples: int = N_SAMPLES):
    """A data set of noisy moons drawn from ``seed``, split 60-20-20 with the same seed.

    Args:
        seed: the seed of the points and of the split (an int >= 0).
        noise: the standard deviation of the noise.
        n_samples: points before the split.

    Returns:
        ``((X_train, y_train), (X_val, y_val), (X_test, y_test))``: X float32 (n, 2),
        y int64 (n,) in {0, 1}.

    Example:
        >>> train, val, test = moons_splits(0)
        >>> len(train[0]), len(val[0]), len(test[0])
        (180, 60, 60)

    Taught in notebooks/06_regularization.ipynb.
    """
    seed = checks.integer(seed, "seed", "moons_splits", minimum=0)
    X, y = make_moons(n_samples, noise=noise, rng=seed)
    return train_val_test_split(X, y, rng=seed)


def fresh_moons(*, noise: float = NOISE, n_samples: int = N_FRESH):
    """``n_samples`` more points from the same distribution, always the same ones (seed
    ``FRESH_SEED``): what a model would meet after deployment, to compare estimates with.

    Returns:
        ``(X, y)``: float32 (n, 2) and int64 (n,).

    Example:
        >>> X, y = fresh_moons()
        >>> X.shape, round(float(y.mean()), 1)
        ((5000, 2), 0.5)

    Taught in notebooks/06_regularization.ipynb.
    """
    return make_moons(n_samples, noise=noise, rng=FRESH_SEED)


def moons_network(*, dropout: float = 0.0, rng) -> nn.Sequential:
    """``mlp([2, WIDTH, WIDTH, 2], "relu", dropout=dropout)``: two logits, for two classes.

    Args:
        dropout: the drop probability after each hidden layer (0: no dropout layers).
        rng: a ``np.random.Generator`` or int seed for the weights and the dropout masks.

    Example:
        >>> moons_network(dropout=0.5, rng=0)
        Sequential(
          (0): Linear(in_features=2, out_features=32, bias=True)
          (1): ReLU()
          (2): Dropout(p=0.5)
          (3): Linear(in_features=32, out_features=32, bias=True)
          (4): ReLU()
          (5): Dropout(p=0.5)
          (6): Linear(in_features=32, out_features=2, bias=True)
        )

    Taught in notebooks/06_regularization.ipynb.
    """
    return mlp([2, WIDTH, WIDTH, 2], "relu", dropout=dropout, rng=rng)


def train_moons(model, train, *, val=None, lam: float = 0.0, epochs: int = EPOCHS,
                callbacks=(), rng) -> dict[str, list[float]]:
    """Train ``model`` on ``train = (X, y)`` with the chapter's recipe; return ``fit``'s history.

    Cross-entropy, ``Adam(lr=LR)``, one full-batch step per epoch, ``metrics=["accuracy"]``,
    and with ``lam > 0`` the penalty ``L2Penalty(lam)`` on the weights (not the biases).

    Args:
        model: e.g. :func:`moons_network`.
        train: ``(X_train, y_train)``.
        val: an optional ``(X_val, y_val)``, evaluated after every epoch.
        lam: the L2 strength :math:`\\lambda \\ge 0` (``L2Penalty`` refuses a negative one).
        epochs: full-batch steps.
        callbacks: passed to ``fit`` (e.g. ``EarlyStopping``).
        rng: passed to ``fit`` (full batches make its shuffling irrelevant).

    Example:
        >>> train, val, _ = moons_splits(0)
        >>> history = train_moons(moons_network(rng=0), train, val=val, epochs=5, rng=0)
        >>> sorted(history)
        ['accuracy', 'loss', 'lr', 'val_accuracy', 'val_loss']

    Taught in notebooks/06_regularization.ipynb.
    """
    penalty = L2Penalty(lam) if lam != 0 else None
    optimizer = Adam(model.parameters(), lr=LR)
    return fit(model, nn.CrossEntropyLoss(), optimizer, train, val_data=val, epochs=epochs,
               batch_size=len(train[0]), metrics=["accuracy"], penalty=penalty,
               callbacks=callbacks, rng=rng, progress=False)
