"""The course's MLP and its training loop in NumPy: one of the two twins of chapter 09.

Taught in notebooks/09_numpy_to_pytorch.ipynb, which prints this file next to its twin,
``course_lib/torch_parity/torch_loop.py``, as a diff: the two differ by the autograd line,
the conversion of the batches to tensors, ``.item()`` and the random generator, and by
nothing else. ``course_lib.torch_parity.compare_training`` runs both on the same weights
and batches and compares them step by step.
"""

from course_lib import checks, nn


def make_mlp(sizes, *, rng=None):
    """Linear-ReLU-...-Linear with the layer widths ``sizes`` = [n_0, n_1, ..., n_L].

    The last layer has no activation: the network returns logits (N, n_L) for
    inputs (N, n_0). Each ``Linear`` starts as ``torch.nn.Linear`` does, from
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from ``rng``.

    Example:
        >>> make_mlp([64, 32, 10], rng=0)
        Sequential(
          (0): Linear(in_features=64, out_features=32, bias=True)
          (1): ReLU()
          (2): Linear(in_features=32, out_features=10, bias=True)
        )

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    rng = checks.rng(rng, "make_mlp")
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(n_in, n_out, rng=rng), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def train(model, optimizer, scheduler, epochs, on_step):
    """Train ``model`` with cross-entropy: every batch of every epoch, then the schedule.

    Args:
        model: a course_lib module returning logits (N, C).
        optimizer: a ``course_lib.optim`` optimizer over ``model.parameters()``.
        scheduler: a ``course_lib.optim.lr_scheduler`` scheduler of that optimizer,
            stepped once per epoch.
        epochs: one list of ``(X, y)`` batches per epoch: X (B, n_0) of the model's
            dtype, y (B,) int64 classes.
        on_step: called after every step as ``on_step(loss, model)``, with the
            batch's loss as a float.

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for batches in epochs:
        for X, y in batches:
            loss = loss_fn(model(X), y)
            model.backward(loss_fn.backward())
            optimizer.step()
            optimizer.zero_grad()
            on_step(loss, model)
        scheduler.step()
