"""Sequential: layers applied one after another. Taught in notebooks/03_backpropagation.ipynb."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator

import numpy as np

from course_lib.nn.module import Module


class Sequential(Module):
    """A chain of modules, as ``torch.nn.Sequential``: ``forward`` applies them in
    order, ``backward`` in reverse order.

    The children are named "0", "1", ..., so parameter names match PyTorch's
    ("0.weight", "0.bias", "2.weight", ...). Supports ``len``, indexing
    (``model[0]``, ``model[-1]``; a slice gives a new Sequential sharing the
    same layers, renumbered from 0) and iteration.

    An error raised inside a layer is re-raised with the index of that layer.

    Example:
        >>> from course_lib.nn import Linear, ReLU
        >>> model = Sequential(Linear(2, 4, rng=0), ReLU(), Linear(4, 1, rng=0))
        >>> [name for name, _ in model.named_parameters()]
        ['0.weight', '0.bias', '2.weight', '2.bias']

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def __init__(self, *layers: Module):
        super().__init__()
        for layer in layers:
            self.append(layer)

    def append(self, layer: Module) -> Sequential:
        """Add ``layer`` at the end (named ``str(len(self))``) and return self."""
        if not isinstance(layer, Module):
            raise TypeError(
                f"Sequential takes Module instances, got {layer!r} "
                f"(did you pass a class instead of an instance, e.g. ReLU instead of ReLU()?)"
            )
        setattr(self, str(len(self)), layer)
        return self

    def __len__(self) -> int:
        return sum(1 for _ in self.children())

    def __iter__(self) -> Iterator[Module]:
        return self.children()

    def __getitem__(self, index):
        layers = list(self.children())
        if isinstance(index, slice):
            return Sequential(*layers[index])
        return layers[index]

    def forward(self, x):
        for index, layer in enumerate(self):
            x = self._run(index, layer, "forward", layer, x)
        return x

    def backward(self, dout, *, input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate ``dout`` through the layers in reverse; return dL/dx.

        Every layer accumulates the gradients of its parameters. With
        ``input_grad=False`` the gradient with respect to the model's input is
        not needed (it is data, as a tensor with ``requires_grad=False`` in
        PyTorch): layers below the first one with parameters are skipped, that
        layer skips its largest product (``dout @ W`` for a first Linear), and
        None is returned. ``fit`` trains this way.
        """
        layers = list(self)
        stop = 0 if input_grad else self._first_trainable_index(layers)
        for index in reversed(range(stop, len(layers))):
            layer = layers[index]
            if index == stop and not input_grad and accepts_input_grad(layer):
                dout = self._run(index, layer, "backward", layer.backward, dout,
                                 input_grad=False)
            else:
                dout = self._run(index, layer, "backward", layer.backward, dout)
        return dout if input_grad else None

    @staticmethod
    def _first_trainable_index(layers: list[Module]) -> int:
        for index, layer in enumerate(layers):
            if layer.parameters():
                return index
        return len(layers)

    def _run(self, index: int, layer: Module, stage: str, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (ValueError, TypeError, RuntimeError) as error:
            if type(error) not in (ValueError, TypeError, RuntimeError):
                raise  # custom exception types may not accept a single message
            raise type(error)(
                f"in layer {index} ({type(layer).__name__}) of the Sequential, during "
                f"{stage}: {error}"
            ) from error


def accepts_input_grad(layer: Module) -> bool:
    """Whether ``layer.backward`` takes ``input_grad`` (a module written without it, e.g. a
    learner's own, is called with ``dout`` alone). Used by ``Sequential`` and ``fit``.

    Taught in notebooks/08_classification.ipynb (the training loop).
    """
    backward = layer.backward
    return _takes_input_grad(getattr(backward, "__func__", backward))


@functools.lru_cache(maxsize=256)
def _takes_input_grad(function) -> bool:
    parameters = inspect.signature(function).parameters.values()
    return any(p.name == "input_grad" or p.kind is p.VAR_KEYWORD for p in parameters)
