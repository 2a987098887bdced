"""Pictures of a neuron, a layer and a small network, with the shape of every weight.

Taught in notebooks/02_forward_propagation.ipynb (one neuron, one layer) and
notebooks/01_xor_from_scratch.ipynb (the 2-2-1 network). The weights follow
PyTorch's convention: the weights of a layer with ``n`` inputs and ``m`` units
form a matrix :math:`W` of shape (out, in) = (m, n), one row per unit, so the
arrow from input :math:`i` to unit :math:`j` carries :math:`W_{ji}` (written
:math:`w^{(\\ell)}_{ji}` for layer :math:`\\ell`, counting from 1 as the notebooks
count :math:`x_1, x_2`).

Nodes are white circles with black edges, arrows gray, labels black: red and blue
are the classes' colours and orange the gradients', so none is used here.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Circle

from course_lib import checks

NODE_RADIUS = 0.3
LAYER_GAP = 3.0
NODE_GAP = 1.1
#: Every arrow gets its weight's name when both layers have at most this many units.
MAX_LABELLED = 3


def _node(ax: Axes, x: float, y: float, text: str, *, face: str = "white",
          radius: float = NODE_RADIUS, fontsize: float = 11) -> None:
    ax.add_patch(Circle((x, y), radius, facecolor=face, edgecolor="black", lw=1.2, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], *,
           radius: float = NODE_RADIUS, lw: float = 1.0) -> None:
    (x0, y0), (x1, y1) = start, end
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    ax.annotate("", xy=(x1 - ux * radius, y1 - uy * radius),
                xytext=(x0 + ux * radius, y0 + uy * radius),
                arrowprops={"arrowstyle": "-|>", "color": "gray", "lw": lw,
                            "shrinkA": 0, "shrinkB": 0}, zorder=2)


def _name(base: str, index: int, size: int) -> str:
    return f"${base}$" if size == 1 else f"${base}_{{{index}}}$"


def _shown(size: int, max_nodes: int) -> list[int | None]:
    """The 1-based indices drawn for a layer of ``size`` units; None marks the ellipsis."""
    if size <= max_nodes:
        return list(range(1, size + 1))
    return list(range(1, max_nodes - 1)) + [None, size]


def plot_network(
    layer_sizes: Sequence[int],
    *,
    node_names: Sequence[str] | None = None,
    layer_titles: Sequence[str] | None = None,
    weight_labels: bool = True,
    max_nodes: int = 6,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw a fully connected network: units as circles, weights as arrows, every shape named.

    Under each pair of layers the figure names the weight matrix and the bias with
    their shapes, ``W_l: (out, in)`` and ``b_l: (out,)``. When both layers have at
    most ``MAX_LABELLED`` units, each arrow is labelled with its weight
    :math:`w^{(\\ell)}_{ji}`: unit :math:`j` of layer :math:`\\ell` (row :math:`j`
    of :math:`W_\\ell`) from input :math:`i` (column :math:`i`). A single layer
    (two sizes) is drawn without layer numbers: :math:`W`, :math:`b`, :math:`w_{ji}`.
    Layers wider than ``max_nodes`` are drawn with an ellipsis.

    Taught in notebooks/01_xor_from_scratch.ipynb (the 2-2-1 network) and
    notebooks/02_forward_propagation.ipynb (a layer, a deeper network).

    Args:
        layer_sizes: the number of units of each layer, inputs first, e.g. ``(2, 2, 1)``.
        node_names: one letter per layer for its units' labels (default ``x``, then
            ``a`` for hidden layers, ``y`` for the last), e.g. ``("x", "a", "p")``.
        layer_titles: a title above each layer (default "input", "hidden", "output").
        weight_labels: label each arrow with its weight where the layers are small.
        max_nodes: the most units drawn per layer (at least 3).
        ax: where to draw; a new figure is made when None.
        title: the figure's title (default: the sizes, e.g. "A 2-2-1 network").

    Returns:
        The Axes.

    Example:
        >>> ax = plot_network((2, 2, 1), node_names=("x", "a", "p"))
        >>> [t.get_text() for t in ax.texts if t.get_text().startswith("$W")]
        ['$W_1$: (2, 2) = (out, in)', '$W_2$: (1, 2) = (out, in)']
    """
    where = "plot_network"
    checks.instance(layer_sizes, Sequence, "layer_sizes", where,
                    hint="E.g. (2, 2, 1): inputs, hidden units, outputs.")
    sizes = [checks.integer(n, "layer_sizes[i]", where, minimum=1) for n in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"{where}: layer_sizes needs at least two layers (inputs and "
                         f"outputs), got {list(layer_sizes)}.")
    max_nodes = checks.integer(max_nodes, "max_nodes", where, minimum=3)
    checks.boolean(weight_labels, "weight_labels", where)
    n_layers = len(sizes)
    if node_names is None:
        node_names = ["x"] + ["a"] * (n_layers - 2) + ["y"]
    if layer_titles is None:
        layer_titles = ["input"] + ["hidden"] * (n_layers - 2) + ["output"]
    for name, value in (("node_names", node_names), ("layer_titles", layer_titles)):
        if len(value) != n_layers:
            raise ValueError(f"{where}: {name} has {len(value)} entries for {n_layers} layers; "
                             "give one per layer.")
    shown = [_shown(n, max_nodes) for n in sizes]

    def tag(layer: int, kind: str) -> str:  # a single layer needs no number
        if n_layers == 2:
            return ""
        return f"^{{({layer})}}" if kind == "super" else f"_{layer}"

    tallest = max(len(s) for s in shown)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 + 2.6 * (n_layers - 1) + 1.2,
                                      1.0 + 0.75 * tallest + 1.2))
    positions: list[dict[int, tuple[float, float]]] = []
    for layer, indices in enumerate(shown):
        x = layer * LAYER_GAP
        top = (len(indices) - 1) / 2 * NODE_GAP
        places = {}
        for row, index in enumerate(indices):
            y = top - row * NODE_GAP
            if index is None:
                ax.text(x, y, "⋮", ha="center", va="center", fontsize=16)
                continue
            places[index] = (x, y)
            face = "#eeeeee" if layer == 0 else "white"
            _node(ax, x, y, _name(node_names[layer], index, sizes[layer]), face=face)
        positions.append(places)
        ax.text(x, (tallest - 1) / 2 * NODE_GAP + 0.75, layer_titles[layer], ha="center",
                va="bottom", fontsize=10)
    bottom = -(tallest - 1) / 2 * NODE_GAP
    for layer in range(1, n_layers):
        n_in, n_out = sizes[layer - 1], sizes[layer]
        labelled = weight_labels and n_in <= MAX_LABELLED and n_out <= MAX_LABELLED
        for j, end in positions[layer].items():
            for i, start in positions[layer - 1].items():
                _arrow(ax, start, end, lw=1.0 if labelled else 0.6)
                if labelled:
                    # Rising arrows are labelled near their target, falling ones near their
                    # source, so that the labels of arrows that cross stay apart.
                    rise = end[1] - start[1]
                    t = 0.5 if abs(rise) < 1e-9 else (0.72 if rise > 0 else 0.28)
                    lx, ly = start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])
                    ax.text(lx, ly, f"$w{tag(layer, 'super')}_{{{j}{i}}}$", ha="center",
                            va="center", fontsize=10, zorder=5,
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        mid = (layer - 0.5) * LAYER_GAP
        ax.text(mid, bottom - 0.65, f"$W{tag(layer, 'sub')}$: ({n_out}, {n_in}) = (out, in)",
                ha="center", va="top", fontsize=10)
        ax.text(mid, bottom - 1.1, f"$b{tag(layer, 'sub')}$: ({n_out},)", ha="center",
                va="top", fontsize=10)
    ax.set_xlim(-0.9, (n_layers - 1) * LAYER_GAP + 0.9)
    ax.set_ylim(bottom - 1.6, (tallest - 1) / 2 * NODE_GAP + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title if title is not None else f"A {'-'.join(map(str, sizes))} network")
    return ax


def plot_neuron(
    n_inputs: int = 3,
    *,
    activation: str = "g",
    ax: Axes | None = None,
    title: str = "One neuron: $a = g(w \\cdot x + b)$",
) -> Axes:
    """Draw one neuron: inputs, weights, the weighted sum with the bias, the activation.

    Taught in notebooks/02_forward_propagation.ipynb.

    Args:
        n_inputs: the number of inputs drawn (1 to 6).
        activation: the activation's name written on the output arrow, e.g. ``"tanh"``.
        ax: where to draw; a new figure is made when None.
        title: the title.

    Returns:
        The Axes.

    Example:
        >>> ax = plot_neuron(3, activation="tanh")
        >>> "$w_{3}$" in [t.get_text() for t in ax.texts]
        True
    """
    where = "plot_neuron"
    n_inputs = checks.integer(n_inputs, "n_inputs", where, minimum=1, maximum=6)
    checks.instance(activation, str, "activation", where)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 1.6 + 0.8 * n_inputs))
    top = (n_inputs - 1) / 2 * NODE_GAP
    neuron = (LAYER_GAP, 0.0)
    big = 0.55
    for i in range(1, n_inputs + 1):
        start = (0.0, top - (i - 1) * NODE_GAP)
        _node(ax, *start, f"$x_{{{i}}}$", face="#eeeeee")
        _arrow(ax, start, neuron, radius=NODE_RADIUS)
        t = 0.55
        ax.text(start[0] + t * (neuron[0] - start[0]), start[1] + t * (neuron[1] - start[1]),
                f"$w_{{{i}}}$", ha="center", va="center", fontsize=10, zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    _node(ax, *neuron, "$\\Sigma$", radius=big, fontsize=16)
    ax.text(neuron[0], -big - 0.12, "$z = \\sum_i w_i x_i + b$\n(bias $b$)", ha="center",
            va="top", fontsize=10)
    output = (neuron[0] + 2.6, 0.0)
    ax.annotate("", xy=(output[0] - NODE_RADIUS, 0), xytext=(neuron[0] + big, 0),
                arrowprops={"arrowstyle": "-|>", "color": "gray", "lw": 1.2})
    ax.text((neuron[0] + big + output[0] - NODE_RADIUS) / 2, 0.12,
            f"$a = \\mathrm{{{activation}}}(z)$", ha="center", va="bottom", fontsize=11)
    _node(ax, *output, "$a$")
    ax.set_xlim(-0.8, output[0] + 0.8)
    ax.set_ylim(-max(top, 1.0) - 1.0, top + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    return ax
