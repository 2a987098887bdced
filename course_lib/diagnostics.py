r"""What flows through each layer of a network: activation and gradient statistics per layer.

Taught in notebooks/04_initialization.ipynb (Karpathy's diagnostics of a deep
network at initialization and during training). :func:`trace` runs one forward
and one backward pass through a ``Sequential`` layer by layer and keeps every
layer's output and the gradient of the loss with respect to it;
:func:`layer_statistics` turns that into one row per layer:

- the mean and std of the layer's output over examples and units;
- the saturated fraction: :math:`|a| \ge 0.97` for tanh (its slope
  :math:`1 - a^2` is then below 0.06), :math:`|a - \tfrac12| \ge 0.47` for the
  sigmoid; for ReLU the fraction of *dead* units, zero on every example;
- the std of the gradient :math:`\partial L / \partial \text{output}`.

:func:`update_to_data_ratio` measures how much one optimizer step changed a
parameter, relative to its size; about :math:`10^{-3}` is the rule of thumb
for a healthy learning rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from course_lib import checks, nn

__all__ = [
    "LayerTrace",
    "dead_fraction",
    "layer_statistics",
    "saturated_fraction",
    "trace",
    "update_to_data_ratio",
]

#: |tanh(z)| from which a tanh unit counts as saturated (Karpathy's threshold).
SATURATION = 0.97


@dataclass
class LayerTrace:
    """One forward and backward pass, layer by layer.

    Attributes:
        layers: the layers of the ``Sequential``, in order.
        outputs: ``outputs[i]`` is the output of ``layers[i]``, shape (N, width).
        output_grads: ``output_grads[i]`` is :math:`\\partial L / \\partial` ``outputs[i]``,
            of the same shape.
        loss: the loss of the pass.

    Taught in notebooks/04_initialization.ipynb.
    """

    layers: list[nn.Module]
    outputs: list[np.ndarray]
    output_grads: list[np.ndarray]
    loss: float

    def of(self, kind: type | tuple[type, ...]) -> list[int]:
        """The indices of the layers of type ``kind``, e.g. ``trace.of(nn.Tanh)``."""
        return [i for i, layer in enumerate(self.layers) if isinstance(layer, kind)]


def trace(model: nn.Sequential, x: np.ndarray, y: np.ndarray, loss_fn: nn.Module) -> LayerTrace:
    """Run ``model`` on ``(x, y)`` forwards and backwards, keeping what each layer saw.

    The forward pass calls the layers one after another, the backward pass
    calls their ``backward`` in reverse order, starting from
    ``loss_fn.backward()``: exactly what ``model(x)`` and ``model.backward``
    do, with every intermediate kept. The parameters' gradients are zeroed
    first and hold this pass's gradients afterwards (``layer.weight.grad``).

    Args:
        model: a ``Sequential``.
        x: (N, n_0) inputs; y: the targets ``loss_fn`` takes.
        loss_fn: e.g. ``nn.CrossEntropyLoss()``.

    Returns:
        A :class:`LayerTrace`.

    Example:
        >>> from course_lib.initialization import mlp
        >>> model = mlp([4, 8, 8, 3], "tanh", rng=0)
        >>> t = trace(model, np.ones((5, 4), np.float32), np.array([0, 1, 2, 0, 1]),
        ...           nn.CrossEntropyLoss())
        >>> [out.shape for out in t.outputs][:2], t.of(nn.Tanh)
        ([(5, 8), (5, 8)], [1, 3])

    Taught in notebooks/04_initialization.ipynb.
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"trace: model must be an nn.Sequential, got {type(model).__name__}")
    layers = list(model)
    model.zero_grad()
    outputs = []
    for layer in layers:
        x = layer(x)
        outputs.append(x)
    loss = loss_fn(x, y)
    output_grads = [None] * len(layers)
    dout = loss_fn.backward()
    for i in reversed(range(len(layers))):
        output_grads[i] = dout
        dout = layers[i].backward(dout)
    return LayerTrace(layers, outputs, output_grads, float(loss))


def saturated_fraction(activations: np.ndarray, kind: str = "tanh") -> float:
    r"""The fraction of entries where a tanh (``kind="tanh"``) or sigmoid unit is saturated.

    tanh: :math:`|a| \ge 0.97`; sigmoid: :math:`|a - \tfrac12| \ge 0.47`; in both
    cases the unit's slope is below about 6 % of its largest, so almost no
    gradient passes.

    Example:
        >>> saturated_fraction(np.tanh(np.array([0.1, 1.0, 3.0, -5.0])))
        0.5

    Taught in notebooks/04_initialization.ipynb.
    """
    checks.choice(kind, ("tanh", "sigmoid"), "kind", "saturated_fraction")
    a = checks.float_array(activations, "saturated_fraction")
    distance = np.abs(a) if kind == "tanh" else 2 * np.abs(a - 0.5)
    return float(np.mean(distance >= SATURATION))


def dead_fraction(activations: np.ndarray) -> float:
    """The fraction of units (columns) of a ReLU layer that are zero on every example (row).

    A dead unit passes no gradient to its weights, so it stays dead.

    Example:
        >>> dead_fraction(np.array([[0.0, 1.0, 0.0], [0.0, 2.0, 3.0]]))
        0.3333333333333333

    Taught in notebooks/04_initialization.ipynb.
    """
    a = checks.float_array(activations, "dead_fraction")
    if a.ndim != 2:
        raise ValueError(f"dead_fraction: expected activations of shape (N, units), got {a.shape}")
    return float(np.mean(np.all(a <= 0, axis=0)))


def layer_statistics(layer_trace: LayerTrace, kinds: Sequence[type] | None = None):
    """One row per layer of ``layer_trace`` (by default, every activation layer), as a DataFrame.

    Columns: ``layer`` (its index in the ``Sequential`` and its type, e.g.
    ``"3 Tanh"``), ``mean`` and ``std`` of its output, ``saturated`` (the
    fraction of :func:`saturated_fraction`, for tanh and sigmoid layers) and
    ``dead units`` (:func:`dead_fraction`, for ReLU layers), each only when the
    trace has such layers (NaN in the rows of other layers), and ``grad std``
    (the std of the gradient of the loss with respect to the layer's output).

    Args:
        layer_trace: from :func:`trace`.
        kinds: layer types to include; default: every activation
            (Tanh, ReLU, LeakyReLU, Sigmoid, ELU).

    Example:
        >>> from course_lib.initialization import mlp
        >>> t = trace(mlp([4, 8, 8, 3], "relu", rng=0), np.ones((5, 4), np.float32),
        ...           np.array([0, 1, 2, 0, 1]), nn.CrossEntropyLoss())
        >>> table = layer_statistics(t)
        >>> table["layer"].tolist(), list(table.columns)
        (['1 ReLU', '3 ReLU'], ['layer', 'mean', 'std', 'dead units', 'grad std'])

    Taught in notebooks/04_initialization.ipynb.
    """
    import pandas as pd

    if kinds is None:
        kinds = (nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.ELU)
    rows = []
    for i in layer_trace.of(tuple(kinds)):
        layer, out = layer_trace.layers[i], layer_trace.outputs[i]
        row = {"layer": f"{i} {type(layer).__name__}", "mean": float(out.mean()),
               "std": float(out.std())}
        if isinstance(layer, nn.Tanh):
            row["saturated"] = saturated_fraction(out, "tanh")
        elif isinstance(layer, nn.Sigmoid):
            row["saturated"] = saturated_fraction(out, "sigmoid")
        elif isinstance(layer, nn.ReLU):
            row["dead units"] = dead_fraction(out)
        row["grad std"] = float(layer_trace.output_grads[i].std())
        rows.append(row)
    columns = ["layer", "mean", "std", "saturated", "dead units", "grad std"]
    table = pd.DataFrame(rows)
    return table[[name for name in columns if name in table.columns]]


def update_to_data_ratio(before: np.ndarray, after: np.ndarray) -> float:
    r"""One step's change of a parameter relative to its size: std(after - before) / std(before).

    Karpathy's diagnostic: for SGD, :math:`\text{std}(\eta\, \nabla W) / \text{std}(W)`.
    Around :math:`10^{-3}` per step learns at a good pace; much smaller, the
    parameter barely moves; much larger, each step rewrites it. Returns
    infinity when ``before`` is constant (e.g. all zeros) and ``after`` is not.

    Example:
        >>> w = np.random.default_rng(0).normal(size=(100, 100))
        >>> round(update_to_data_ratio(w, w + 0.001 * np.random.default_rng(1).normal(
        ...     size=(100, 100))), 4)
        0.001

    Taught in notebooks/04_initialization.ipynb.
    """
    before = checks.float_array(before, "update_to_data_ratio")
    after = checks.float_array(after, "update_to_data_ratio")
    if before.shape != after.shape:
        raise ValueError(f"update_to_data_ratio: before {before.shape} and after {after.shape} "
                         "must have the same shape (one parameter, before and after a step)")
    change = float(np.std(after.astype(np.float64) - before))
    size = float(np.std(before.astype(np.float64)))
    if size == 0:
        return 0.0 if change == 0 else float("inf")
    return change / size
