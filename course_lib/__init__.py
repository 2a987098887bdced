"""course_lib: the companion package of "Neural networks, from XOR to PyTorch".

Everything the lecture notebooks share lives here, one module per concept:

- ``course_lib.nn`` and ``course_lib.nn.functional``: a small NumPy engine with
  PyTorch's names (chapters 02-08),
- ``course_lib.optim``, ``course_lib.regularization``, ``course_lib.train``,
- ``course_lib.surfaces`` (2-D loss surfaces and optimizer paths), ``course_lib.lr_finder``
  (the learning-rate range test),
- ``course_lib.gradcheck``, ``course_lib.metrics``, ``course_lib.data``,
- ``course_lib.plots`` and ``course_lib.widgets`` for figures and explorers,
- ``course_lib.torch_utils`` (the only module that imports torch),
- ``course_lib.grading`` and the ``course`` command line.

Submodules are imported on demand, so ``import course_lib`` stays fast and
never imports torch.
"""

__version__ = "0.1.0"
