"""Pure forward/backward pairs: the maths of every layer and loss, without state.

Taught in notebooks/03_backpropagation.ipynb (linear, activations, softmax,
MSE, cross-entropy), notebooks/06_regularization.ipynb (dropout, batch norm),
notebooks/07_regression.ipynb (L1, Huber) and
notebooks/08_classification.ipynb (binary cross-entropy).

The convention, the same for every operation (CS231n's):

    out, cache = NAME_forward(inputs..., hyper-parameters...)
    grads = NAME_backward(dout, cache)

- ``dout`` is the gradient of the final loss with respect to ``out`` (same
  shape as ``out``; for a loss with reduction "mean" or "sum" it is a scalar,
  1.0 at the start of a backward pass).
- ``NAME_backward`` returns the gradient of each differentiable input, in
  argument order: a single array when the operation has one differentiable
  input (activations, softmax, dropout, and every loss, whose target is data),
  a tuple when it has several (``linear_backward -> (dx, dweight, dbias)``,
  ``batch_norm_backward -> (dx, dweight, dbias)``).
- ``cache`` holds everything the backward needs; nothing else is remembered.
- Arithmetic stays in the dtype of the inputs: a float32 forward and backward
  never produce float64 arrays.

Example:
    >>> import numpy as np
    >>> from course_lib.nn import functional as F
    >>> x = np.array([[-1.0, 2.0]])
    >>> out, cache = F.relu_forward(x)
    >>> F.relu_backward(np.ones_like(out), cache)
    array([[0., 1.]])
"""

from course_lib.nn.functional.activation import (
    elu_backward,
    elu_forward,
    leaky_relu_backward,
    leaky_relu_forward,
    relu_backward,
    relu_forward,
    sigmoid,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from course_lib.nn.functional.batch_norm import (
    BatchNormCache,
    batch_norm_backward,
    batch_norm_forward,
)
from course_lib.nn.functional.dropout import dropout_backward, dropout_forward
from course_lib.nn.functional.linear import linear_backward, linear_forward
from course_lib.nn.functional.loss import (
    binary_cross_entropy_with_logits_backward,
    binary_cross_entropy_with_logits_forward,
    cross_entropy_backward,
    cross_entropy_forward,
    huber_loss_backward,
    huber_loss_forward,
    l1_loss_backward,
    l1_loss_forward,
    mse_loss_backward,
    mse_loss_forward,
)
from course_lib.nn.functional.softmax import (
    log_softmax_backward,
    log_softmax_forward,
    softmax_backward,
    softmax_forward,
)

__all__ = [
    "BatchNormCache",
    "batch_norm_backward",
    "batch_norm_forward",
    "binary_cross_entropy_with_logits_backward",
    "binary_cross_entropy_with_logits_forward",
    "cross_entropy_backward",
    "cross_entropy_forward",
    "dropout_backward",
    "dropout_forward",
    "elu_backward",
    "elu_forward",
    "huber_loss_backward",
    "huber_loss_forward",
    "l1_loss_backward",
    "l1_loss_forward",
    "leaky_relu_backward",
    "leaky_relu_forward",
    "linear_backward",
    "linear_forward",
    "log_softmax_backward",
    "log_softmax_forward",
    "mse_loss_backward",
    "mse_loss_forward",
    "relu_backward",
    "relu_forward",
    "sigmoid",
    "sigmoid_backward",
    "sigmoid_forward",
    "softmax_backward",
    "softmax_forward",
    "tanh_backward",
    "tanh_forward",
]
