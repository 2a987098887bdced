"""``Parameter`` and ``Module``: the two classes every layer is built on.

Taught in notebooks/04_initialization.ipynb (inspecting parameters) and used
from chapter 04 on; chapter 09 shows that ``torch.nn.Module`` has the same
shape: parameters, children, ``train()`` / ``eval()``, ``zero_grad()``.

Unlike PyTorch there is no autograd: each module implements ``forward`` and a
matching ``backward(dout)`` that returns the gradient with respect to its
input and *accumulates* the gradients of its parameters into ``.grad``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

DEFAULT_DTYPE = np.float32


class Parameter:
    """A trainable array and the gradient that belongs to it.

    Args:
        data: the values; floating point arrays keep their dtype, anything else
            is converted to float32 (PyTorch's default).

    Attributes:
        data (np.ndarray): the values, updated in place by the optimizers.
        grad (np.ndarray): same shape and dtype as ``data``. ``backward``
            adds into it and ``zero_grad`` fills it with zeros (PyTorch sets
            ``.grad`` to ``None`` instead; here it is always an array).

    Example:
        >>> p = Parameter(np.ones((2, 3)))
        >>> p.shape, float(p.grad.sum())
        ((2, 3), 0.0)
    """

    def __init__(self, data):
        data = np.asarray(data)
        if not np.issubdtype(data.dtype, np.floating):
            data = data.astype(DEFAULT_DTYPE)
        self.data = np.array(data, copy=True)
        self.grad = np.zeros_like(self.data)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def zero_grad(self) -> None:
        self.grad.fill(0)

    def to_dtype(self, dtype) -> None:
        """Convert data and grad to ``dtype`` in place (used by ``Module.double``)."""
        self.data = self.data.astype(dtype)
        self.grad = self.grad.astype(dtype)

    def __repr__(self) -> str:
        return f"Parameter(shape={self.shape}, dtype={self.dtype})"


class Module:
    """Base class of every layer, loss and network.

    A subclass implements ``forward(x)`` and ``backward(dout)``. Parameters
    and sub-modules assigned as attributes are found automatically, in the
    order they were assigned, as in PyTorch.

    Example:
        >>> class Scale(Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.a = Parameter(np.array([2.0]))
        ...     def forward(self, x):
        ...         self.x = x
        ...         return self.a.data * x
        ...     def backward(self, dout):
        ...         self.a.grad += (dout * self.x).sum()
        ...         return dout * self.a.data
        >>> m = Scale()
        >>> [name for name, _ in m.named_parameters()]
        ['a']
    """

    def __init__(self):
        self.training = True

    # -- computation -------------------------------------------------------
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def backward(self, dout):
        raise NotImplementedError(f"{type(self).__name__} must implement backward(dout)")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # -- structure ---------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules as ``(attribute name, module)`` pairs."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value

    def children(self) -> Iterator[Module]:
        for _, child in self.named_children():
            yield child

    def modules(self) -> Iterator[Module]:
        """This module and every module below it, depth first."""
        yield self
        for child in self.children():
            yield from child.modules()

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Every parameter below this module with its dotted name, e.g. ``"0.weight"``."""
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
        for name, child in self.named_children():
            yield from child.named_parameters(prefix=f"{prefix}{name}.")

    def parameters(self) -> list[Parameter]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

    # -- modes and dtypes --------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout drops, batch norm uses batch statistics)."""
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode: same as ``train(False)``."""
        return self.train(False)

    def _convert(self, dtype) -> Module:
        for module in self.modules():
            for value in vars(module).values():
                if isinstance(value, Parameter):
                    value.to_dtype(dtype)
            module._convert_buffers(dtype)
        return self

    def _convert_buffers(self, dtype) -> None:
        """Hook for modules with non-trainable arrays (e.g. running statistics)."""

    def double(self) -> Module:
        """Convert every parameter to float64 in place and return the module."""
        return self._convert(np.float64)

    def float(self) -> Module:
        """Convert every parameter to float32 in place and return the module."""
        return self._convert(np.float32)

    # -- saving ------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter (and buffer) by name."""
        state = {name: p.data.copy() for name, p in self.named_parameters()}
        for prefix, module in self._named_modules():
            for name, value in module._buffers().items():
                state[prefix + name] = value.copy()
        return state

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy values from ``state`` into this module's parameters and buffers, in place."""
        expected = set(self.state_dict())
        missing, unexpected = expected - set(state), set(state) - expected
        if missing or unexpected:
            raise KeyError(
                f"load_state_dict: missing keys {sorted(missing)}, "
                f"unexpected keys {sorted(unexpected)}"
            )
        for name, p in self.named_parameters():
            if state[name].shape != p.shape:
                raise ValueError(
                    f"load_state_dict: '{name}' has shape {p.shape}, got {state[name].shape}"
                )
            p.data[...] = state[name]
        for prefix, module in self._named_modules():
            for name, value in module._buffers().items():
                value[...] = state[prefix + name]

    def _buffers(self) -> dict[str, np.ndarray]:
        """Non-trainable arrays that belong in ``state_dict`` (none by default)."""
        return {}

    def _named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for name, child in self.named_children():
            yield from child._named_modules(prefix=f"{prefix}{name}.")

    # -- display -----------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown between the parentheses of ``repr``."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        for name, child in children:
            child_repr = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child_repr}")
        lines.append(")")
        return "\n".join(lines)
