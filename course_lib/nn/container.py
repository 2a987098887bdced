"""Containers: ``Sequential`` (layers applied one after another) and ``ModuleList``.

Taught in notebooks/04_initialization.ipynb, where
deep networks are built as a ``Sequential``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from course_lib.nn.module import Module


class _NumberedModules(Module):
    """Modules kept as the attributes "0", "1", ..., so parameter names match PyTorch's."""

    def __init__(self, modules: Iterable[Module] = ()):
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module: Module):
        """Add ``module`` at the end (named ``str(len(self))``) and return self."""
        if not isinstance(module, Module):
            raise TypeError(
                f"{type(self).__name__} takes Module instances, got {module!r} "
                f"(did you pass a class instead of an instance, e.g. ReLU instead of ReLU()?)"
            )
        setattr(self, str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]):
        """Append every module of ``modules`` and return self."""
        for module in modules:
            self.append(module)
        return self

    def __len__(self) -> int:
        return sum(1 for _ in self.children())

    def __iter__(self) -> Iterator[Module]:
        return self.children()

    def __getitem__(self, index):
        modules = list(self.children())
        if isinstance(index, slice):
            return type(self)(modules[index])
        return modules[index]


class Sequential(_NumberedModules):
    """A chain of modules, as ``torch.nn.Sequential``: ``forward`` applies them in
    order, ``backward`` in reverse order.

    The children are named "0", "1", ..., so parameter names match PyTorch's
    ("0.weight", "0.bias", "2.weight", ...). Supports ``len``, indexing
    (``model[0]``, ``model[-1]``; a slice gives a new Sequential sharing the
    same layers, renumbered from 0), iteration and ``append``.

    An error raised inside a layer is re-raised with the index of that layer.

    Example:
        >>> from course_lib.nn import Linear, ReLU
        >>> model = Sequential(Linear(2, 4, rng=0), ReLU(), Linear(4, 1, rng=0))
        >>> [name for name, _ in model.named_parameters()]
        ['0.weight', '0.bias', '2.weight', '2.bias']

    Taught in notebooks/04_initialization.ipynb.
    """

    def __init__(self, *layers: Module):
        super().__init__(layers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*list(self.children())[index])
        return super().__getitem__(index)

    def forward(self, x):
        for index, layer in enumerate(self):
            x = self.run_layer(index, layer, "forward", x)
        return x

    def backward(self, dout):
        """Backpropagate ``dout`` through the layers in reverse order; return dL/dx.

        Every layer accumulates the gradients of its parameters.
        """
        for index, layer in reversed(list(enumerate(self))):
            dout = self.run_layer(index, layer, "backward", dout)
        return dout

    def run_layer(self, index: int, layer: Module, stage: str, value):
        """``layer.forward(value)`` or ``layer.backward(value)``; an error names the layer."""
        try:
            return layer(value) if stage == "forward" else layer.backward(value)
        except (ValueError, TypeError, RuntimeError) as error:
            if type(error) not in (ValueError, TypeError, RuntimeError):
                raise  # custom exception types may not accept a single message
            raise type(error)(
                f"in layer {index} ({type(layer).__name__}) of the Sequential, during "
                f"{stage}: {error}"
            ) from error


class ModuleList(_NumberedModules):
    """A list of modules whose parameters belong to the module that holds it, as
    ``torch.nn.ModuleList``: for a network that loops over its layers itself.

    It has no ``forward``: iterate over it in your own module's ``forward`` and
    ``backward`` (in reverse).

    Example:
        >>> from course_lib.nn import Linear
        >>> layers = ModuleList([Linear(4, 4, rng=i) for i in range(3)])
        >>> len(layers), [name for name, _ in layers.named_parameters()][:2]
        (3, ['0.weight', '0.bias'])

    Taught in notebooks/04_initialization.ipynb.
    """

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            "ModuleList has no forward: loop over its modules in your own module's forward")
