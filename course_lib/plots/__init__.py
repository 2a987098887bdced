"""Figures used by the lectures: every function labels its axes and returns the Figure/Axes.

- ``images``: ``image_grid`` (notebooks/00_start_here.ipynb, 10_pytorch_fashion_mnist.ipynb)
- ``boundaries``: ``plot_decision_boundary``, ``decision_grid``
  (notebooks/01_xor_from_scratch.ipynb)
- ``curves``: ``plot_loss_curves``, ``plot_loss_curves_by_outcome``
  (notebooks/01_xor_from_scratch.ipynb)
- ``activations``: ``plot_activation``, ``plot_activations``, ``activation_curve``
  (notebooks/02_forward_propagation.ipynb)
- ``graphs``: ``plot_computational_graph``, ``graph_layout`` (notebooks/03_backpropagation.ipynb)
- ``networks``: ``plot_neuron``, ``plot_network`` (notebooks/01_xor_from_scratch.ipynb,
  notebooks/02_forward_propagation.ipynb: every weight with its (out, in) shape)
- ``sweeps``: ``plot_sweep``, ``plot_sweep_curves`` (chapters 04-08: measurements over seeds)
- ``layers``: ``plot_layer_histograms``, ``plot_layer_stds``, ``plot_update_ratios``
  (notebooks/04_initialization.ipynb: what happens layer by layer)
- ``surfaces``: ``plot_surface``, ``plot_paths``, ``plot_path_losses``; ``lr_range``:
  ``plot_lr_range_test`` (notebooks/05_optimizers.ipynb; imported from their modules)
- ``weights``: ``plot_weight_histograms``, ``plot_input_weights``
  (notebooks/06_regularization.ipynb: what a penalty does to the weights)

Training, logging and plotting stay separate: plots consume arrays and
``fit()``'s history dict; no model holds a plot.
"""

from course_lib.plots.activations import activation_curve, plot_activation, plot_activations
from course_lib.plots.boundaries import decision_grid, plot_decision_boundary
from course_lib.plots.curves import plot_loss_curves, plot_loss_curves_by_outcome
from course_lib.plots.graphs import graph_layout, plot_computational_graph
from course_lib.plots.images import image_grid
from course_lib.plots.layers import plot_layer_histograms, plot_layer_stds, plot_update_ratios
from course_lib.plots.networks import plot_network, plot_neuron
from course_lib.plots.sweeps import plot_sweep, plot_sweep_curves
from course_lib.plots.weights import plot_input_weights, plot_weight_histograms

__all__ = [
    "activation_curve",
    "decision_grid",
    "graph_layout",
    "image_grid",
    "plot_activation",
    "plot_activations",
    "plot_computational_graph",
    "plot_decision_boundary",
    "plot_input_weights",
    "plot_layer_histograms",
    "plot_layer_stds",
    "plot_loss_curves",
    "plot_loss_curves_by_outcome",
    "plot_network",
    "plot_neuron",
    "plot_sweep",
    "plot_sweep_curves",
    "plot_update_ratios",
    "plot_weight_histograms",
]
