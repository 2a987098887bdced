"""Interactive explorers used by the lectures (ipywidgets 8), one module per explorer.

- ``course_lib.widgets.xor.XORExplorer``: hidden units, activation, learning
  rate, epochs and seed of the chapter 01 network -> boundary and loss curves
  (notebooks/01_xor_from_scratch.ipynb).
- ``course_lib.widgets.activations.ActivationExplorer``: an activation and its
  derivative over an input range, with its saturated region
  (notebooks/02_forward_propagation.ipynb).
- ``course_lib.widgets.gradcheck.GradientCheckExplorer``: finite-difference step
  versus relative error, truncation against round-off
  (notebooks/03_backpropagation.ipynb).
- ``course_lib.widgets.optimizers.OptimizerExplorer``: a 2-D loss surface, an optimizer,
  its learning rate and momentum / betas -> the path, next to gradient descent's, and the
  steps each needs (notebooks/05_optimizers.ipynb).

Every explorer is a small class: it builds its controls, draws into an
``Output`` widget, and has a plain ``update()`` that the controls call and
tests can call too. With ``COURSE_GRADING=1`` (set by the grader) an explorer
builds no widgets and computes nothing. Import the one you need from its module.
"""
