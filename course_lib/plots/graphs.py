"""Draw a small computational graph with each node's value and gradient.

Taught in notebooks/03_backpropagation.ipynb: the forward pass writes a value
on every node (left to right), the backward pass writes the gradient of the
loss with respect to it (right to left).

graph_layout, which places the nodes, is taught in no notebook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from course_lib import checks

#: Gradients are orange, like the derivative curves of ``plots.activations``.
GRADIENT_COLOR = "tab:orange"
#: Boxes: inputs white, operations light gray. Orange is the gradients' colour, red and
#: blue the classes', so no box uses them.
LEAF_FACE = "white"
OPERATION_FACE = "#e6e6e6"


def graph_layout(inputs_of: Mapping[str, Sequence[str]]) -> dict[str, tuple[float, float]]:
    """Place each node in a column by depth; rows one unit apart, centred on y = 0.

    ``inputs_of`` maps every node to the nodes it is computed from (leaves map
    to an empty sequence). A computed node's column is one more than its
    deepest input's; a leaf sits one column before the first node that uses
    it, so every arrow is short. Returns node -> (x, y).

    Used by :func:`plot_computational_graph` (chapter 03).
    """
    checks.instance(inputs_of, Mapping, "inputs_of", "graph_layout",
                    hint="E.g. {'x': [], 'w': [], 'z': ['x', 'w']}.")
    nodes = list(inputs_of)
    for node, inputs in inputs_of.items():
        unknown = [i for i in inputs if i not in inputs_of]
        if unknown:
            raise ValueError(
                f"graph_layout: inputs_of says node {node!r} is computed from {unknown}, which "
                "are not nodes of the graph; "
                "list every leaf too, with no inputs, e.g. {'x': []}."
            )
    level: dict[str, int] = {}

    def level_of(node: str, visiting: tuple[str, ...] = ()) -> int:
        if node in visiting:
            raise ValueError(f"the graph has a cycle through {node!r}; a computation has none.")
        if node not in level:
            inputs = inputs_of[node]
            level[node] = 0 if not inputs else 1 + max(
                level_of(i, visiting + (node,)) for i in inputs
            )
        return level[node]

    for node in nodes:
        level_of(node)
    column = {}
    for node in nodes:
        users = [level[n] for n in nodes if node in inputs_of[n]]
        column[node] = min(users) - 1 if not inputs_of[node] and users else level[node]
    members: dict[int, list[str]] = {}
    for node in nodes:
        members.setdefault(column[node], []).append(node)
    positions = {}
    for col, group in members.items():
        for row, node in enumerate(group):
            positions[node] = (float(col), (len(group) - 1) / 2 - row)
    return positions


def plot_computational_graph(
    inputs_of: Mapping[str, Sequence[str]],
    *,
    labels: Mapping[str, str] | None = None,
    values: Mapping[str, float] | None = None,
    grads: Mapping[str, float] | None = None,
    edge_grads: Mapping[tuple[str, str], float] | None = None,
    grad_of: str = "L",
    ax: Axes | None = None,
    title: str = "Computational graph",
) -> Axes:
    """Boxes for nodes, arrows for "is computed from", values above and gradients below.

    Taught in notebooks/03_backpropagation.ipynb.

    Args:
        inputs_of: node -> the nodes it is computed from (leaves: empty).
        labels: text inside each box, e.g. ``{"z": "z = u + b"}`` (default: the name).
        values: forward value of each node, written in black as ``= 0.73``.
        grads: gradient of the loss with respect to each node, written in orange
            (the colour of derivatives in chapters 02 and 03) as ``dL/dz = -0.11``.
        edge_grads: what flows back along an arrow, keyed by (input, node), written in
            orange on the arrow. Where a node feeds several others (a fan-out), its
            gradient is the sum of what flows back along its arrows.
        grad_of: the loss's name in the gradient labels.
        ax: where to draw; a new figure is made when None.
        title: the title.

    Returns:
        The Axes.

    Example:
        >>> ax = plot_computational_graph({"x": [], "w": [], "u": ["x", "w"]},
        ...                               labels={"u": "u = w x"}, values={"u": 6.0})
    """
    positions = graph_layout(inputs_of)
    labels = labels or {}
    values = values or {}
    grads = grads or {}
    edge_grads = edge_grads or {}
    for source, target in edge_grads:
        if source not in inputs_of.get(target, ()):
            raise ValueError(
                f"plot_computational_graph: edge_grads has ({source!r}, {target!r}), but "
                f"{target!r} is not computed from {source!r}; key each value by (input, node)."
            )
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    if ax is None:
        _, ax = plt.subplots(figsize=(max(2.0 * (max(xs) + 1), 4), 1.2 * (max(ys) - min(ys)) + 1.8))
    dx, dy = 0.36, 0.16
    for node, inputs in inputs_of.items():
        for source in inputs:
            (x0, y0), (x1, y1) = positions[source], positions[node]
            ax.annotate("", xy=(x1 - dx, y1), xytext=(x0 + dx, y0),
                        arrowprops={"arrowstyle": "-|>", "color": "gray", "lw": 1.2})
            if (source, node) in edge_grads:
                # Near the input it flows back to: that is the node that adds it up.
                tx, ty = x0 + dx + 0.3 * (x1 - x0 - 2 * dx), y0 + 0.3 * (y1 - y0)
                ax.text(tx, ty, f"{edge_grads[source, node]:.4g}",
                        ha="center", va="center", fontsize=9, color=GRADIENT_COLOR,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    for node, (x, y) in positions.items():
        leaf = not inputs_of[node]
        ax.add_patch(FancyBboxPatch(
            (x - dx, y - dy), 2 * dx, 2 * dy, boxstyle="round,pad=0.02",
            facecolor=LEAF_FACE if leaf else OPERATION_FACE, edgecolor="black", lw=1,
        ))
        ax.text(x, y, labels.get(node, node), ha="center", va="center", fontsize=10)
        if node in values:
            ax.text(x, y + dy + 0.04, f"= {values[node]:.4g}", ha="center", va="bottom",
                    fontsize=9)
        if node in grads:
            ax.text(x, y - dy - 0.04, f"d{grad_of}/d{node} = {grads[node]:.4g}", ha="center",
                    va="top", fontsize=9, color=GRADIENT_COLOR)
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_title(title)
    ax.axis("off")
    return ax
