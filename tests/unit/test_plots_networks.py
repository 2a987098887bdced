"""course_lib.plots.networks: pictures of a neuron, a layer and a network, shapes labelled."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.patches import Circle

from course_lib.plots.networks import plot_network, plot_neuron

WEIGHT = re.compile(r"^\$w(?:\^\{\((\d)\)\})?_\{(\d)(\d)\}\$$")
RESERVED = {to_rgba(c) for c in ("tab:red", "tab:blue", "tab:orange")}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(ax):
    return [t.get_text() for t in ax.texts]


def node_centres(ax):
    """Label of each node -> its centre (the text drawn at a circle's centre)."""
    centres = {tuple(np.round(c.center, 6)) for c in ax.patches if isinstance(c, Circle)}
    return {t.get_text(): t.get_position() for t in ax.texts
            if tuple(np.round(t.get_position(), 6)) in centres}


def test_the_221_network_names_every_matrix_and_bias_with_its_out_in_shape():
    ax = plot_network((2, 2, 1), node_names=("x", "a", "p"))
    found = texts(ax)
    assert "$W_1$: (2, 2) = (out, in)" in found and "$b_1$: (2,)" in found
    assert "$W_2$: (1, 2) = (out, in)" in found and "$b_2$: (1,)" in found
    assert ax.get_title() == "A 2-2-1 network"


def test_every_weight_is_labelled_on_its_own_arrow_with_row_out_and_column_in():
    ax = plot_network((2, 2, 1), node_names=("x", "a", "p"))
    centres = node_centres(ax)
    names = {1: ("x", "a"), 2: ("a", "p")}
    labels = [t for t in ax.texts if WEIGHT.match(t.get_text())]
    assert len(labels) == 2 * 2 + 2 * 1  # one per weight
    seen = set()
    for label in labels:
        layer, j, i = (int(v) for v in WEIGHT.match(label.get_text()).groups())
        seen.add((layer, j, i))
        source_name, target_name = names[layer]
        source = np.array(centres[f"${source_name}_{{{i}}}$"])
        target_key = f"${target_name}_{{{j}}}$" if layer == 1 else f"${target_name}$"
        target = np.array(centres[target_key])
        point = np.array(label.get_position())
        along, across = target - source, point - source
        t = along @ across / (along @ along)
        assert 0 < t < 1, label.get_text()
        assert abs(along[0] * across[1] - along[1] * across[0]) < 1e-9, label.get_text()
    assert seen == {(1, 1, 1), (1, 1, 2), (1, 2, 1), (1, 2, 2), (2, 1, 1), (2, 1, 2)}


def test_a_single_layer_has_no_layer_numbers():
    ax = plot_network((3, 2), node_names=("x", "z"))
    found = texts(ax)
    assert "$W$: (2, 3) = (out, in)" in found and "$b$: (2,)" in found
    assert {"$w_{23}$", "$w_{11}$"} <= set(found)
    assert sum(bool(WEIGHT.match(t)) for t in found) == 6


def test_wide_layers_get_an_ellipsis_and_no_weight_labels():
    ax = plot_network((30, 16, 8, 2), max_nodes=6)
    found = texts(ax)
    assert "⋮" in found and "$x_{30}$" in found and "$a_{16}$" in found
    assert "$x_{5}$" not in found
    assert not any(WEIGHT.match(t) for t in found)
    assert "$W_1$: (16, 30) = (out, in)" in found and "$W_3$: (2, 8) = (out, in)" in found


def test_no_class_or_gradient_colour_is_used():
    ax = plot_network((2, 2, 1))
    used = {to_rgba(p.get_facecolor()) for p in ax.patches}
    used |= {to_rgba(t.get_color()) for t in ax.texts}
    used |= {to_rgba(a.arrow_patch.get_edgecolor()) for a in ax.texts
             if getattr(a, "arrow_patch", None) is not None}
    assert used.isdisjoint(RESERVED)


def test_bad_arguments_are_reported():
    with pytest.raises(ValueError, match="at least two layers"):
        plot_network((3,))
    with pytest.raises(ValueError, match="one per layer"):
        plot_network((2, 2, 1), node_names=("x", "a"))
    with pytest.raises(TypeError):
        plot_network((2, 2.5, 1))
    with pytest.raises(ValueError):
        plot_network((2, 0, 1))


def test_the_neuron_shows_inputs_weights_sum_and_activation():
    ax = plot_neuron(4, activation="tanh")
    found = texts(ax)
    assert [f"$x_{{{i}}}$" for i in range(1, 5)] == [t for t in found if t.startswith("$x_")]
    assert [f"$w_{{{i}}}$" for i in range(1, 5)] == [t for t in found if t.startswith("$w_")]
    assert "$a = \\mathrm{tanh}(z)$" in found
    assert any("w_i x_i + b" in t for t in found)
    with pytest.raises(ValueError):
        plot_neuron(0)
