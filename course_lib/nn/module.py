"""``Parameter`` and ``Module``: the two classes every layer is built on.

Chapter 09 (notebooks/09_numpy_to_pytorch.ipynb) shows that
``torch.nn.Module`` has the same shape: parameters, buffers, children,
``named_modules()``, ``train()`` / ``eval()``, ``zero_grad()``,
``state_dict()``; inspecting parameters is taught in chapter 04
(notebooks/04_initialization.ipynb).

Unlike PyTorch there is no autograd: each module implements ``forward`` and a
matching ``backward(dout)`` that returns the gradient with respect to its
input and *accumulates* the gradients of its parameters into ``.grad``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import NamedTuple

import numpy as np

from course_lib import checks

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

    Taught in notebooks/04_initialization.ipynb.
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
        """Convert data and grad to ``dtype`` (used by ``Module.double`` and ``Module.float``)."""
        self.data = self.data.astype(dtype)
        self.grad = self.grad.astype(dtype)

    def __repr__(self) -> str:
        return f"Parameter(shape={self.shape}, dtype={self.dtype})"


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(..., strict=False)`` could not match, as PyTorch returns it.

    Taught in no notebook.
    """

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of every layer, loss and network.

    A subclass calls ``super().__init__()``, then assigns its parameters and
    sub-modules as attributes (they are found automatically, in the order they
    were assigned, as in PyTorch), and implements ``forward(x)`` and
    ``backward(dout)``.

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
        >>> m(np.array([1.0, 3.0]))
        array([2., 6.])
        >>> [name for name, _ in m.named_parameters()]
        ['a']

    The layers of course_lib keep what their backward needs in ``self.cache``
    (None before the first forward), as CS231n's ``*_forward`` functions return it.

    Taught in notebooks/04_initialization.ipynb
    and notebooks/09_numpy_to_pytorch.ipynb.
    """

    def __init__(self):
        self.training = True
        self.cache = None
        self._out_shape = self._out_dtype = None
        self._buffer_names: list[str] = []

    # -- computation -------------------------------------------------------
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def backward(self, dout):
        raise NotImplementedError(f"{type(self).__name__} must implement backward(dout)")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def _remember(self, out: np.ndarray, cache) -> np.ndarray:
        """Keep ``cache`` for backward, and the output's shape and dtype, which dout must have."""
        self.cache = cache
        self._out_shape, self._out_dtype = out.shape, out.dtype
        return out

    def _dout(self, dout) -> np.ndarray:
        """``dout`` checked at the boundary: after a forward, of the output's shape and dtype."""
        checks.forward_ran(self._out_shape is not None, self)
        return checks.dout_shape(dout, self._out_shape, self).astype(self._out_dtype, copy=False)

    # -- structure ---------------------------------------------------------
    def register_buffer(self, name: str, array: np.ndarray) -> None:
        """Keep ``array`` as the attribute ``name``: saved in ``state_dict``, never trained
        (e.g. batch norm's running statistics), as ``torch.nn.Module.register_buffer``."""
        setattr(self, name, array)
        if name not in self._buffer_names:
            self._buffer_names.append(name)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules as ``(attribute name, module)`` pairs."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value

    def children(self) -> Iterator[Module]:
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (named ``prefix``, "" by default) and every module below it, depth
        first, with dotted names such as ``"0"`` or ``"encoder.1"``, as in PyTorch."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        """This module and every module below it, depth first."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Every parameter below this module with its dotted name, e.g. ``"0.weight"``."""
        for module_name, module in self.named_modules(prefix):
            for name, value in vars(module).items():
                if isinstance(value, Parameter):
                    yield (f"{module_name}.{name}" if module_name else name), value

    def parameters(self) -> list[Parameter]:
        return [p for _, p in self.named_parameters()]

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        """Every buffer below this module with its dotted name, e.g. ``"1.running_mean"``."""
        for module_name, module in self.named_modules(prefix):
            for name in module._buffer_names:
                yield (f"{module_name}.{name}" if module_name else name), getattr(module, name)

    def buffers(self) -> list[np.ndarray]:
        return [b for _, b in self.named_buffers()]

    def apply(self, fn: Callable[[Module], object]) -> Module:
        """Call ``fn`` on every sub-module, then on this module; return this module.

        Example (re-initialise every Linear of a model, as in chapter 04):
            >>> from course_lib.nn import Linear, Sequential, init
            >>> def xavier(module):
            ...     if isinstance(module, Linear):
            ...         init.xavier_uniform_(module.weight, rng=0)
            >>> model = Sequential(Linear(3, 4, rng=0)).apply(xavier)
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

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
            for name in module._buffer_names:
                buffer = getattr(module, name)
                if buffer.dtype.kind == "f":
                    setattr(module, name, buffer.astype(dtype))
        return self

    def double(self) -> Module:
        """Convert every parameter and floating buffer to float64 and return the module."""
        return self._convert(np.float64)

    def float(self) -> Module:
        """Convert every parameter and floating buffer to float32 and return the module."""
        return self._convert(np.float32)

    # -- saving ------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Every parameter's and buffer's array by name, as ``torch.nn.Module.state_dict``.

        The values ARE the module's arrays, not copies (as in PyTorch): they
        change when training updates the module. To keep a snapshot, copy them:
        ``{name: a.copy() for name, a in model.state_dict().items()}``.

        Example:
            >>> from course_lib.nn import Linear
            >>> layer = Linear(2, 1, rng=0)
            >>> state = layer.state_dict()
            >>> state["weight"] is layer.weight.data
            True
        """
        state = {}
        for module_name, module in self.named_modules():
            prefix = f"{module_name}." if module_name else ""
            for name, value in vars(module).items():
                if isinstance(value, Parameter):
                    state[prefix + name] = value.data
            for name in module._buffer_names:
                state[prefix + name] = getattr(module, name)
        return state

    def load_state_dict(self, state: Mapping[str, np.ndarray], strict: bool = True):
        """Copy the values of ``state`` into this module's parameters and buffers, in place.

        Every key must name a parameter or buffer of this module, and every
        parameter and buffer must be in ``state`` (``strict=False`` loads what
        matches and returns what did not). A value of another shape is refused,
        buffers included; values are cast to the module's dtypes.

        Returns:
            ``IncompatibleKeys(missing_keys, unexpected_keys)``.

        Raises:
            TypeError: ``state`` is not a mapping of arrays.
            ValueError: a key is missing or unexpected (``strict=True``), or a shape differs.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict expects a dict of arrays (e.g. from state_dict()), "
                            f"got {type(state).__name__}")
        own = self.state_dict()
        missing = [name for name in own if name not in state]
        unexpected = [name for name in state if name not in own]
        problems = []
        if strict and (missing or unexpected):
            problems.append(f"missing keys {missing}, unexpected keys {unexpected}")
        values = {}
        for name, target in own.items():
            if name not in state:
                continue
            value = np.asarray(state[name])
            if value.dtype.kind not in "biuf":
                raise TypeError(f"load_state_dict: '{name}' must be a numeric array, "
                                f"got dtype {value.dtype}")
            if value.shape != target.shape:
                problems.append(f"'{name}' has shape {target.shape} in this module but "
                                f"{value.shape} in the state dict")
            values[name] = value
        if problems:
            raise ValueError(f"load_state_dict for {type(self).__name__} found nothing loaded, "
                             f"because: {'; '.join(problems)}")
        for name, value in values.items():
            own[name][...] = value
        return IncompatibleKeys(missing, unexpected)

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
