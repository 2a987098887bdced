r"""Many small binary classifiers trained at once: ``fit`` vectorised over runs.

Taught in notebooks/08_classification.ipynb, whose measurements train one
network per seed, fold and setting (the 12-8-1 network of the classic Keras
tutorial for 150 epochs with batches of 10, for 3 seeds and 5 folds, is 15
runs of 6900 steps each). Trained one after the other with
``course_lib.train.fit`` that is about 100 000 small steps; trained as one
stack, every step of every run is a handful of batched NumPy calls.

This is a speed trick, and it lives apart from the reading path: the plain
version is the chapter's training loop, ``course_lib.nn`` with
``course_lib.optim.Adam`` and ``course_lib.train.fit``. For the same starting
weights and the same seeds, :func:`fit_stacked` makes exactly the updates that
``fit`` makes, run by run (tests/unit/test_stacked_mlp.py trains both and
compares them; benchmarks/stacked_mlp.py measures the time saved):

- each run shuffles its own training indices every epoch with its own
  ``np.random.default_rng(seed)``, as ``fit(..., rng=seed)`` does;
- a batch's loss is the mean over its samples (the last batch may be smaller);
- the update is ``Adam(lr, weight_decay)`` (L2 added to the gradient, as ``Adam``);
- the loss is ``BCELoss`` after a final ``Sigmoid`` (a stack built from
  networks that end in ``Sigmoid()``) or ``BCEWithLogitsLoss(pos_weight=...)``
  on the logits (networks that end in ``Linear(., 1)``).

Shapes: R runs, each a network ``Linear(d0, d1), ReLU(), ..., Linear(d_{L-1}, 1)``;
``weights[l]`` has shape (R, d_{l+1}, d_l) and ``biases[l]`` (R, d_{l+1}).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course_lib import checks, nn
from course_lib.nn.functional import sigmoid, softplus

__all__ = ["StackedMLP", "fit_stacked"]


class StackedMLP:
    """``R`` ReLU networks with one output, the same layer sizes, their parameters stacked.

    Build it from networks of the course's engine (``from_models``) and get any
    run back as one (``model``). The parameters of all runs live in one array of
    shape (R, P) (P parameters per network); ``weights`` and ``biases`` are views
    into it, so an update of that array updates every layer of every run at once.

    Args:
        weights: per layer, an array (R, out, in); consecutive layers must chain
            and the last layer has one output.
        biases: per layer, an array (R, out).
        sigmoid_output: the networks end in ``Sigmoid()`` (they output
            probabilities and train with ``BCELoss``); otherwise they output logits
            (``BCEWithLogitsLoss``).

    Attributes:
        weights, biases: lists of views into ``parameters`` (R, P).
        sizes: the layer sizes, e.g. ``(30, 12, 8, 1)``.
        n_runs: R.

    Example:
        >>> from course_lib import nn
        >>> nets = [nn.Sequential(nn.Linear(4, 3, rng=s), nn.ReLU(), nn.Linear(3, 1, rng=s))
        ...         for s in range(5)]
        >>> stack = StackedMLP.from_models(nets)
        >>> stack.n_runs, stack.sizes, stack.weights[0].shape
        (5, (4, 3, 1), (5, 3, 4))
        >>> x = np.ones((2, 4), dtype=np.float32)
        >>> bool(np.allclose(stack.outputs(x)[3], nets[3](x)[:, 0]))
        True

    Taught in notebooks/08_classification.ipynb.
    """

    def __init__(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], *,
                 sigmoid_output: bool = False):
        where = "StackedMLP"
        if not isinstance(sigmoid_output, bool):
            raise TypeError(f"{where}: sigmoid_output must be True or False, "
                            f"got {sigmoid_output!r}")
        weights = [checks.float_array(w, where) for w in weights]
        biases = [checks.float_array(b, where) for b in biases]
        if not weights or len(weights) != len(biases):
            raise ValueError(f"{where}: give one weight and one bias array per layer, got "
                             f"{len(weights)} weights and {len(biases)} biases")
        n_runs, dtype = weights[0].shape[0], weights[0].dtype
        sizes = [weights[0].shape[-1]]
        for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
            if w.ndim != 3 or w.shape[0] != n_runs or w.shape[2] != sizes[-1] \
                    or b.shape != (n_runs, w.shape[1]):
                raise ValueError(
                    f"{where}: layer {layer} has weights {w.shape} and biases {b.shape}; "
                    f"expected ({n_runs}, out, {sizes[-1]}) and ({n_runs}, out)")
            sizes.append(w.shape[1])
        if sizes[-1] != 1:
            raise ValueError(f"{where}: the last layer must have one output (a binary "
                             f"classifier), got {sizes[-1]}")
        self.n_runs, self.sizes, self.sigmoid_output = n_runs, tuple(sizes), sigmoid_output
        shapes = [s for w, b in zip(weights, biases, strict=True) for s in (w.shape[1:],
                                                                            b.shape[1:])]
        self.parameters = np.empty((n_runs, sum(int(np.prod(s)) for s in shapes)), dtype=dtype)
        views = self._views(self.parameters)
        for view, array in zip(views, [a for pair in zip(weights, biases, strict=True)
                                       for a in pair], strict=True):
            view[...] = array
        self.weights, self.biases = views[0::2], views[1::2]

    def _views(self, flat: np.ndarray) -> list[np.ndarray]:
        """Per layer, the weight and bias views (weight0, bias0, weight1, ...) of ``flat``."""
        views, start = [], 0
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            for shape in ((fan_out, fan_in), (fan_out,)):
                size = int(np.prod(shape))
                views.append(flat[:, start:start + size].reshape(self.n_runs, *shape))
                start += size
        return views

    @classmethod
    def from_models(cls, models: Sequence[nn.Sequential]) -> StackedMLP:
        """Stack copies of the parameters of ``models``, all
        ``Sequential(Linear, ReLU, ..., Linear(., 1))``, optionally ending in ``Sigmoid()``."""
        models = list(models)
        if not models:
            raise ValueError("StackedMLP.from_models: got no models")
        layouts = [_layout(model) for model in models]
        if any(layout != layouts[0] for layout in layouts):
            raise ValueError("StackedMLP.from_models: the models must have the same layers "
                             f"and sizes, got {sorted(set(layouts))}")
        sizes, sigmoid_output = layouts[0]
        linears = [[m for m in model if isinstance(m, nn.Linear)] for model in models]
        weights = [np.stack([layers[i].weight.data for layers in linears])
                   for i in range(len(sizes) - 1)]
        biases = [np.stack([layers[i].bias.data for layers in linears])
                  for i in range(len(sizes) - 1)]
        return cls(weights, biases, sigmoid_output=sigmoid_output)

    def model(self, run: int) -> nn.Sequential:
        """Run ``run`` as a network of the engine (a copy of its parameters)."""
        run = checks.integer(run, "run", "StackedMLP.model", minimum=0)
        if run >= self.n_runs:
            raise ValueError(f"StackedMLP.model: run must be below {self.n_runs}, got {run}")
        layers = []
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            linear = nn.Linear(w.shape[2], w.shape[1], rng=0, dtype=w.dtype)
            linear.load_state_dict({"weight": w[run], "bias": b[run]})
            layers += [linear] if i == len(self.weights) - 1 else [linear, nn.ReLU()]
        if self.sigmoid_output:
            layers.append(nn.Sigmoid())
        return nn.Sequential(*layers)

    def outputs(self, X) -> np.ndarray:
        """Every run's output: X (N, d0), shared by the runs, or (R, N, d0), one input set
        per run -> (R, N); probabilities when the networks end in a sigmoid, logits otherwise."""
        X = self._inputs(X, "StackedMLP.outputs")
        logits = self._forward(np.broadcast_to(X, (self.n_runs, *X.shape[-2:])))[0]
        return sigmoid(logits) if self.sigmoid_output else logits

    def _inputs(self, X, where: str) -> np.ndarray:
        X = checks.float_array(X, where, self.parameters.dtype)
        if X.ndim not in (2, 3) or X.shape[-1] != self.sizes[0] or \
                (X.ndim == 3 and X.shape[0] != self.n_runs):
            raise ValueError(f"{where}: X must have shape (N, {self.sizes[0]}) or "
                             f"({self.n_runs}, N, {self.sizes[0]}), got {X.shape}")
        return X

    def _forward(self, H: np.ndarray):
        """Logits (R, B) of inputs H (R, B, d0), and the inputs and outputs of every layer."""
        cache = []
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            Z = np.matmul(H, w.transpose(0, 2, 1)) + b[:, None, :]
            cache.append(H)
            H = Z if i == len(self.weights) - 1 else np.maximum(Z, 0)
        return H[..., 0], cache

    def _backward(self, dlogits: np.ndarray, cache, grads: list[np.ndarray]) -> None:
        """Write d loss / d parameters into ``grads`` (views like ``weights, biases``)."""
        dZ = dlogits[..., None]                                            # (R, B, 1)
        for i in reversed(range(len(self.weights))):
            H = cache[i]
            np.matmul(dZ.transpose(0, 2, 1), H, out=grads[2 * i])          # (R, out, in)
            dZ.sum(axis=1, out=grads[2 * i + 1])                           # (R, out)
            if i:
                dZ = np.matmul(dZ, self.weights[i]) * (H > 0)              # ReLU's mask

    def __repr__(self) -> str:
        ending = ", Sigmoid" if self.sigmoid_output else ""
        return f"StackedMLP(n_runs={self.n_runs}, sizes={self.sizes}{ending})"


def _layout(model) -> tuple[tuple[int, ...], bool]:
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"StackedMLP.from_models: expected nn.Sequential models, got "
                        f"{type(model).__name__}")
    layers = list(model)
    sigmoid_output = bool(layers) and isinstance(layers[-1], nn.Sigmoid)
    body = layers[:-1] if sigmoid_output else layers
    expected = [nn.Linear if i % 2 == 0 else nn.ReLU for i in range(len(body))]
    if not body or len(body) % 2 == 0 or \
            [type(layer) for layer in body] != expected or \
            any(layer.bias is None for layer in body[0::2]):
        raise ValueError(
            "StackedMLP.from_models: each model must be Sequential(Linear, ReLU, ..., "
            f"Linear(., 1)) with biases, optionally ending in Sigmoid(); got {model!r}")
    sizes = (body[0].in_features, *(layer.out_features for layer in body[0::2]))
    return sizes, sigmoid_output


def _per_run(value, name: str, n_runs: int, *, low: float, low_inclusive: bool) -> np.ndarray:
    """A hyper-parameter given as one number or one per run, as a float64 array (R,)."""
    values = np.atleast_1d(np.asarray(value))
    if values.dtype.kind not in "iuf" or values.ndim != 1:
        raise TypeError(f"fit_stacked: {name} must be a number or a 1-D array of numbers, "
                        f"got {value!r}")
    if values.size == 1:
        values = np.full(n_runs, float(values[0]))
    if values.shape != (n_runs,):
        raise ValueError(f"fit_stacked: {name} must be one number or one per run ({n_runs}), "
                         f"got {values.size} values")
    for v in values:
        checks.number(float(v), name, "fit_stacked", low=low, low_inclusive=low_inclusive)
    return values.astype(np.float64)


def _index_lists(indices, name: str, n_runs: int, n_samples: int) -> list[np.ndarray]:
    indices = list(indices)
    if len(indices) != n_runs:
        raise ValueError(f"fit_stacked: {name} must hold one index array per run ({n_runs}), "
                         f"got {len(indices)}")
    result = []
    for run, idx in enumerate(indices):
        idx = np.asarray(idx)
        if idx.dtype.kind not in "iu" or idx.ndim != 1:
            raise TypeError(f"fit_stacked: {name}[{run}] must be a 1-D integer array, got "
                            f"dtype {idx.dtype} and shape {idx.shape}")
        if idx.size == 0 or idx.min() < 0 or idx.max() >= n_samples:
            raise ValueError(f"fit_stacked: {name}[{run}] must hold at least one index, each "
                             f"in 0..{n_samples - 1}")
        result.append(idx.astype(np.int64))
    return result


def _padded(orders: list[np.ndarray], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Index lists of different lengths as one (R, width) array and a 0/1 mask."""
    index = np.zeros((len(orders), width), dtype=np.int64)
    mask = np.zeros((len(orders), width))
    for run, order in enumerate(orders):
        index[run, :len(order)] = order
        mask[run, :len(order)] = 1.0
    return index, mask


def fit_stacked(stack: StackedMLP, X, y, train_indices: Sequence, *, epochs: int,
                batch_size: int, seeds: Sequence[int], lr=1e-3, weight_decay=0.0,
                pos_weight=None, val_indices: Sequence | None = None,
                betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> dict:
    r"""Train every run of ``stack`` in place, as ``fit`` trains one network, and return
    the losses.

    Run r trains on ``X[train_indices[r]], y[train_indices[r]]`` (indices may repeat:
    resampling) with shuffled mini-batches from ``np.random.default_rng(seeds[r])``, the
    mean binary cross-entropy of each batch
    (:math:`-[w_+ y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))]`) and Adam.

    Args:
        stack: the networks, changed in place.
        X: inputs (N, d0) shared by the runs, or (R, N, d0), one input set per run (each
            standardized with the statistics of its own training part); converted to the
            stack's dtype.
        y: 0/1 targets (N,).
        train_indices: R integer arrays into X (their lengths may differ).
        epochs, batch_size: as ``fit``.
        seeds: R shuffling seeds (``fit(..., rng=seed)``).
        lr, weight_decay: Adam's, one number or one per run (R,).
        pos_weight: ``BCEWithLogitsLoss``'s, one number or one per run; only for a stack
            that outputs logits.
        val_indices: optional R integer arrays; the mean loss on them is recorded after
            every epoch (``val_loss``, as ``fit``'s validation).
        betas, eps: Adam's.

    Returns:
        ``{"loss": (R, epochs)}``, each epoch's mean training loss per sample as ``fit``
        reports it, plus ``"val_loss"`` (R, epochs) with ``val_indices``.

    Example:
        >>> from course_lib import nn
        >>> rng = np.random.default_rng(0)
        >>> X, y = rng.normal(size=(40, 3)), (rng.random(40) < 0.5).astype(float)
        >>> stack = StackedMLP.from_models(
        ...     [nn.Sequential(nn.Linear(3, 4, rng=s), nn.ReLU(), nn.Linear(4, 1, rng=s))
        ...      for s in range(3)])
        >>> history = fit_stacked(stack, X, y, [np.arange(40)] * 3, epochs=5, batch_size=8,
        ...                       seeds=[0, 1, 2], lr=[1e-3, 1e-2, 1e-1])
        >>> history["loss"].shape
        (3, 5)

    Taught in notebooks/08_classification.ipynb.
    """
    where = "fit_stacked"
    if not isinstance(stack, StackedMLP):
        raise TypeError(f"{where}: stack must be a StackedMLP, got {type(stack).__name__}")
    dtype, R = stack.parameters.dtype, stack.n_runs
    X = stack._inputs(X, where)
    n_samples = X.shape[-2]
    y = np.asarray(y)
    if y.shape != (n_samples,):
        raise ValueError(f"{where}: y must have shape ({n_samples},), one label per row of X, "
                         f"got {y.shape}")
    if y.dtype.kind not in "biuf" or not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{where}: y must hold 0/1 labels")
    y = y.astype(dtype)
    epochs = checks.integer(epochs, "epochs", where, minimum=1)
    batch_size = checks.integer(batch_size, "batch_size", where, minimum=1)
    seeds = [checks.integer(s, "seed", where, minimum=0) for s in seeds]
    if len(seeds) != R:
        raise ValueError(f"{where}: give one seed per run ({R}), got {len(seeds)}")
    train = _index_lists(train_indices, "train_indices", R, n_samples)
    val = None if val_indices is None else _index_lists(val_indices, "val_indices", R, n_samples)
    runs = np.arange(R)[:, None]
    if X.ndim == 2:
        X = X[None]
        runs = np.zeros((R, 1), dtype=np.int64)  # every run reads the one shared input set
    lr = _per_run(lr, "lr", R, low=0, low_inclusive=False)
    weight_decay = _per_run(weight_decay, "weight_decay", R, low=0, low_inclusive=True)
    if pos_weight is not None and stack.sigmoid_output:
        raise ValueError(f"{where}: pos_weight needs networks that output logits "
                         "(BCEWithLogitsLoss); these end in Sigmoid (BCELoss has no pos_weight)")
    pos_weight = _per_run(1.0 if pos_weight is None else pos_weight, "pos_weight", R, low=0,
                          low_inclusive=False).astype(dtype)[:, None]
    beta1 = checks.number(betas[0], "beta1", where, low=0, high=1, high_inclusive=False)
    beta2 = checks.number(betas[1], "beta2", where, low=0, high=1, high_inclusive=False)
    eps = checks.number(eps, "eps", where, low=0)

    generators = [np.random.default_rng(seed) for seed in seeds]
    sizes = np.array([len(idx) for idx in train])
    n_steps = int(np.ceil(sizes.max() / batch_size))
    grads = np.zeros_like(stack.parameters)
    grad_views = stack._views(grads)
    m, v = np.zeros_like(stack.parameters), np.zeros_like(stack.parameters)
    steps = np.zeros(R)
    lr_col, wd_col = lr.astype(dtype)[:, None], weight_decay.astype(dtype)[:, None]
    history = {"loss": np.zeros((R, epochs))}
    if val is not None:
        val_index, val_mask = _padded(val, max(len(idx) for idx in val))
        history["val_loss"] = np.zeros((R, epochs))
    for epoch in range(epochs):
        orders = [idx[g.permutation(len(idx))] for idx, g in zip(train, generators, strict=True)]
        index, mask = _padded(orders, n_steps * batch_size)
        loss_sum = np.zeros(R)
        for step in range(n_steps):
            columns = slice(step * batch_size, (step + 1) * batch_size)
            batch, in_batch = index[:, columns], mask[:, columns]          # (R, B)
            count = in_batch.sum(axis=1)                                   # samples per run
            active = count > 0
            share = (in_batch / np.maximum(count, 1)[:, None]).astype(dtype)  # 1/n per sample
            logits, cache = stack._forward(X[runs, batch])
            losses, dlogits = _bce(logits, y[batch], stack.sigmoid_output, pos_weight)
            loss_sum += (share * losses).sum(axis=1) * count
            stack._backward(dlogits * share, cache, grad_views)
            steps += active
            _adam(stack.parameters, grads, m, v, steps, active, lr_col, wd_col,
                  beta1, beta2, eps)
        history["loss"][:, epoch] = loss_sum / sizes
        if val is not None:
            logits = stack._forward(X[runs, val_index])[0]
            losses = _bce(logits, y[val_index], stack.sigmoid_output, pos_weight)[0]
            history["val_loss"][:, epoch] = (losses * val_mask).sum(axis=1) / val_mask.sum(axis=1)
    return history


def _bce(logits, target, sigmoid_output: bool, pos_weight):
    """Per-sample binary cross-entropy (R, B) and its derivative with respect to the logits.

    With a sigmoid output the loss is BCELoss on p = sigmoid(z), the logs clamped at -100
    and the derivative taken through p as the engine does (it vanishes where p rounds
    to 0 or 1); otherwise BCEWithLogitsLoss with pos_weight (R, 1).
    """
    if sigmoid_output:
        p = sigmoid(logits)
        with np.errstate(divide="ignore"):
            losses = -(target * np.maximum(np.log(p), -100)
                       + (1 - target) * np.maximum(np.log(1 - p), -100))
        dprobs = (p - target) / np.maximum(p * (1 - p), 1e-12)
        return losses, dprobs * p * (1 - p)
    losses = pos_weight * target * softplus(-logits) + (1 - target) * softplus(logits)
    p = sigmoid(logits)
    return losses, (1 - target) * p - pos_weight * target * (1 - p)


def _adam(params, grads, m, v, steps, active, lr, weight_decay, beta1, beta2, eps) -> None:
    """Adam's update of every run with a batch, in place (runs without one are left alone)."""
    g = grads + weight_decay * params if np.any(weight_decay) else grads
    keep = None if active.all() else ~active
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    if keep is not None:
        m_new[keep], v_new[keep] = m[keep], v[keep]
    m[...], v[...] = m_new, v_new
    t = np.maximum(steps, 1)[:, None]
    bias_correction1 = (1 - beta1**t).astype(params.dtype)
    bias_correction2 = (1 - beta2**t).astype(params.dtype)
    update = lr * (m / bias_correction1) / (np.sqrt(v / bias_correction2) + eps)
    if keep is not None:
        update[keep] = 0
    params -= update
