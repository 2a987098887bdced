"""course_lib.plots.graphs: layout of a computational graph and what is written on it."""

import matplotlib.pyplot as plt
import pytest

from course_lib.plots.graphs import graph_layout, plot_computational_graph

GRAPH = {"x": [], "w": [], "b": [], "y": [], "u": ["w", "x"], "z": ["u", "b"],
         "a": ["z"], "d": ["a", "y"], "L": ["d"]}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_computed_nodes_sit_right_of_their_inputs_and_leaves_next_to_their_user():
    positions = graph_layout(GRAPH)
    for node, inputs in GRAPH.items():
        for source in inputs:
            assert positions[source][0] < positions[node][0], (source, node)
    assert positions["b"][0] == positions["z"][0] - 1
    assert positions["y"][0] == positions["d"][0] - 1
    assert len(set(positions.values())) == len(GRAPH), "two nodes share a place"


def test_values_and_gradients_are_written_on_the_nodes():
    ax = plot_computational_graph(GRAPH, labels={"u": "u = w x"}, values={"u": 6.0},
                                  grads={"u": -0.25}, title="scalar graph")
    texts = [t.get_text() for t in ax.texts]
    assert "u = w x" in texts and "= 6" in texts and "dL/du = -0.25" in texts
    assert ax.get_title() == "scalar graph"


def test_unknown_inputs_and_cycles_are_reported():
    with pytest.raises(ValueError, match="not nodes of the graph"):
        graph_layout({"u": ["x"]})
    with pytest.raises(ValueError, match="cycle"):
        graph_layout({"a": ["b"], "b": ["a"]})


def test_gradients_are_written_in_the_derivative_colour_orange():
    from matplotlib.colors import to_rgba

    ax = plot_computational_graph({"x": [], "u": ["x"]}, grads={"x": 2.0, "u": 1.0})
    gradient_texts = [t for t in ax.texts if t.get_text().startswith("dL/d")]
    assert len(gradient_texts) == 2
    assert {to_rgba(t.get_color()) for t in gradient_texts} == {to_rgba("tab:orange")}


def test_boxes_use_neither_the_gradient_colour_nor_the_class_colours():
    from matplotlib.colors import to_rgba

    ax = plot_computational_graph(GRAPH, labels={"u": "u = w x"})
    faces = {to_rgba(patch.get_facecolor()) for patch in ax.patches}
    reserved = {to_rgba(c) for c in ("tab:orange", "tab:red", "tab:blue")}
    assert faces and faces.isdisjoint(reserved)
    # light boxes: the black text stays readable
    assert all(min(face[:3]) > 0.85 for face in faces)


def test_edge_gradients_are_written_on_their_arrows_in_orange():
    from matplotlib.colors import to_rgba

    fan_out = {"x": [], "y": [], "q": ["x", "y"], "m": ["x"], "f": ["q", "m"]}
    ax = plot_computational_graph(fan_out, grads={"x": -1.0},
                                  edge_grads={("x", "q"): -2.0, ("x", "m"): 1.0}, grad_of="f")
    texts = {t.get_text(): t for t in ax.texts}
    assert "df/dx = -1" in texts and "-2" in texts and "1" in texts
    assert to_rgba(texts["-2"].get_color()) == to_rgba("tab:orange")
    with pytest.raises(ValueError, match="not computed from"):
        plot_computational_graph(fan_out, edge_grads={("y", "m"): 1.0})
