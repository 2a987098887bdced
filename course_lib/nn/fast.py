"""A faster backward for training: skip the gradient with respect to the data.

``Sequential.backward`` returns dL/dx, the gradient with respect to the
network's input. When the input is data, nobody needs it, and for an MLP its
product (``dout @ W`` of the first ``Linear``, whose W is usually the largest
matrix) is about a fifth of a training step. PyTorch skips it because the input
does not require a gradient; ``course_lib.train.fit`` skips it with
:func:`backward_without_input_gradient`. It lives here, apart from the layers'
``backward`` that the notebooks print, and tests/unit/test_nn_fast.py checks
that it gives exactly the parameter gradients of ``model.backward``;
benchmarks/engine_vs_torch.py measures what it saves.

Taught in no notebook: chapter 08's training loop calls ``model.backward``.
"""

from __future__ import annotations

from course_lib.nn.container import Sequential
from course_lib.nn.linear import Linear


def backward_without_input_gradient(model, dout) -> None:
    """``model.backward(dout)`` without computing the gradient with respect to the input.

    For a ``Sequential`` whose first layer with parameters is a ``Linear``, the
    layers after it run their ``backward`` as usual, that ``Linear`` adds only
    its parameters' gradients, and the parameter-free layers before it
    (``Flatten``) are skipped. Any other model runs ``model.backward(dout)``.
    The parameters' ``.grad`` end up exactly as after ``model.backward(dout)``.
    """
    layers = list(model) if isinstance(model, Sequential) else []
    first = next((i for i, layer in enumerate(layers) if layer.parameters()), None)
    if first is None or type(layers[first]) is not Linear:
        model.backward(dout)
        return
    for index in reversed(range(first + 1, len(layers))):
        dout = model.run_layer(index, layers[index], "backward", dout)
    linear = layers[first]
    dout = linear._dout(dout)
    x, _, bias = linear.cache
    linear.weight.grad += dout.T @ x
    if bias is not None:
        linear.bias.grad += dout.sum(axis=0)
