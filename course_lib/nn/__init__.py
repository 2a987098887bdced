"""A small neural-network engine in NumPy with PyTorch's names.

``course_lib.nn`` holds the modules (layers, containers, losses),
``course_lib.nn.functional`` the pure forward/backward pairs they are built
on, and ``course_lib.nn.init`` the initialisers. Unlike PyTorch there is no
autograd: every module has a hand-written ``backward(dout)`` that accumulates
its parameters' gradients into ``.grad`` and returns the gradient with
respect to its input.

Example (one training step; the optimizer is in ``course_lib.optim``):
    >>> import numpy as np
    >>> from course_lib import nn
    >>> model = nn.Sequential(nn.Linear(4, 8, rng=0), nn.ReLU(), nn.Linear(8, 3, rng=1))
    >>> loss_fn = nn.CrossEntropyLoss()
    >>> x, y = np.ones((5, 4), dtype=np.float32), np.array([0, 1, 2, 0, 1])
    >>> loss = loss_fn(model(x), y)
    >>> _ = model.backward(loss_fn.backward())
    >>> model[0].weight.grad.shape
    (8, 4)

The maths is derived in notebooks/03_backpropagation.ipynb; the modules are
used from chapter 04 on, and chapter 09 (notebooks/09_numpy_to_pytorch.ipynb)
rebuilds the same models in PyTorch.
"""

from course_lib.nn import functional, init
from course_lib.nn.activation import ELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from course_lib.nn.batchnorm import BatchNorm1d
from course_lib.nn.container import ModuleList, Sequential
from course_lib.nn.dropout import Dropout
from course_lib.nn.flatten import Flatten
from course_lib.nn.linear import Linear
from course_lib.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
)
from course_lib.nn.module import Module, Parameter

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "CrossEntropyLoss",
    "Dropout",
    "ELU",
    "Flatten",
    "HuberLoss",
    "L1Loss",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "ModuleList",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
]
