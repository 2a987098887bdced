"""Pure forward/backward pairs: the maths of every layer and loss, without state.

Taught in notebooks/03_backpropagation.ipynb (linear, activations, softmax,
MSE, cross-entropy), notebooks/07_regression.ipynb (L1, Huber) and
notebooks/08_classification.ipynb (the binary cross-entropies); dropout and
batch norm in notebooks/06_regularization.ipynb.

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
- Called from here (``F.linear_forward``) each function checks its arguments
  once and then runs the plain formula; the layers of ``course_lib.nn`` check at
  their own boundary and call the plain functions of the submodules
  (``course_lib.nn.functional.linear.linear_forward``). ``inspect.getsource``
  shows the plain code either way.

Example:
    >>> import numpy as np
    >>> from course_lib.nn import functional as F
    >>> x = np.array([[-1.0, 2.0]])
    >>> out, cache = F.relu_forward(x)
    >>> F.relu_backward(np.ones_like(out), cache)
    array([[0., 1.]])
"""

from course_lib.nn.functional import _boundary as _check
from course_lib.nn.functional import activation as _activation
from course_lib.nn.functional import batch_norm as _batch_norm
from course_lib.nn.functional import dropout as _dropout
from course_lib.nn.functional import linear as _linear
from course_lib.nn.functional import loss as _loss
from course_lib.nn.functional import stable_softmax as _softmax
from course_lib.nn.functional._boundary import checked as _checked

# Plain element-wise helpers: any numeric array, no cache.
sigmoid = _activation.sigmoid
softplus = _activation.softplus
softmax = _softmax.softmax
log_softmax = _softmax.log_softmax

linear_forward = _checked(_linear.linear_forward, _check.linear_forward)
linear_backward = _checked(_linear.linear_backward, _check.linear_backward)

relu_forward = _checked(_activation.relu_forward, _check.activation_forward)
relu_backward = _checked(_activation.relu_backward, _check.activation_backward)
sigmoid_forward = _checked(_activation.sigmoid_forward, _check.activation_forward)
sigmoid_backward = _checked(_activation.sigmoid_backward, _check.activation_backward)
tanh_forward = _checked(_activation.tanh_forward, _check.activation_forward)
tanh_backward = _checked(_activation.tanh_backward, _check.activation_backward)
leaky_relu_forward = _checked(_activation.leaky_relu_forward, _check.activation_forward)
leaky_relu_backward = _checked(_activation.leaky_relu_backward, _check.activation_backward)
elu_forward = _checked(_activation.elu_forward, _check.activation_forward)
elu_backward = _checked(_activation.elu_backward, _check.activation_backward)

softmax_forward = _checked(_softmax.softmax_forward, _check.softmax_forward)
softmax_backward = _checked(_softmax.softmax_backward, _check.activation_backward)
log_softmax_forward = _checked(_softmax.log_softmax_forward, _check.softmax_forward)
log_softmax_backward = _checked(_softmax.log_softmax_backward, _check.activation_backward)

mse_loss_forward = _checked(_loss.mse_loss_forward, _check.regression_loss_forward)
mse_loss_backward = _checked(_loss.mse_loss_backward, _check.loss_backward)
l1_loss_forward = _checked(_loss.l1_loss_forward, _check.regression_loss_forward)
l1_loss_backward = _checked(_loss.l1_loss_backward, _check.loss_backward)
huber_loss_forward = _checked(_loss.huber_loss_forward, _check.regression_loss_forward)
huber_loss_backward = _checked(_loss.huber_loss_backward, _check.loss_backward)
binary_cross_entropy_forward = _checked(_loss.binary_cross_entropy_forward,
                                        _check.binary_cross_entropy_forward)
binary_cross_entropy_backward = _checked(_loss.binary_cross_entropy_backward,
                                         _check.loss_backward)
binary_cross_entropy_with_logits_forward = _checked(
    _loss.binary_cross_entropy_with_logits_forward,
    _check.binary_cross_entropy_with_logits_forward)
binary_cross_entropy_with_logits_backward = _checked(
    _loss.binary_cross_entropy_with_logits_backward, _check.loss_backward)
cross_entropy_forward = _checked(_loss.cross_entropy_forward, _check.cross_entropy_forward)
cross_entropy_backward = _checked(_loss.cross_entropy_backward, _check.cross_entropy_backward)

dropout_forward = _checked(_dropout.dropout_forward, _check.dropout_forward)
dropout_backward = _checked(_dropout.dropout_backward, _check.dropout_backward)
batch_norm_forward = _checked(_batch_norm.batch_norm_forward, _check.batch_norm_forward)
batch_norm_backward = _checked(_batch_norm.batch_norm_backward, _check.batch_norm_backward)

__all__ = [
    "batch_norm_backward",
    "batch_norm_forward",
    "binary_cross_entropy_backward",
    "binary_cross_entropy_forward",
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
    "log_softmax",
    "log_softmax_backward",
    "log_softmax_forward",
    "mse_loss_backward",
    "mse_loss_forward",
    "relu_backward",
    "relu_forward",
    "sigmoid",
    "sigmoid_backward",
    "sigmoid_forward",
    "softmax",
    "softmax_backward",
    "softmax_forward",
    "softplus",
    "tanh_backward",
    "tanh_forward",
]
