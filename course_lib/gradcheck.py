"""Gradient checking: compare a hand-written backward with finite differences.

Taught in notebooks/03_backpropagation.ipynb. The recipe:

1. Turn the output into a scalar with a random upstream gradient ``dout``:
   :math:`f = \\sum out \\odot dout`, so that :math:`\\partial f / \\partial out = dout`
   and the backward called with ``dout`` must return :math:`\\partial f / \\partial x`.
2. Estimate :math:`\\partial f / \\partial x_i` by central differences,
   :math:`(f(x + \\epsilon e_i) - f(x - \\epsilon e_i)) / 2\\epsilon`
   (error :math:`O(\\epsilon^2)`, against :math:`O(\\epsilon)` for a one-sided difference).
3. Compare with the norm-wise relative error
   :math:`\\|a - n\\| / \\max(\\|a\\|, \\|n\\|)`; in float64 a correct backward
   gives about 1e-9 or less, a wrong one about 1e-2 or more.

Checks need float64: in float32, rounding errors of :math:`f` divided by
:math:`2\\epsilon` swamp the estimate. Keep inputs away from kinks (ReLU at 0),
where the derivative does not exist. When a gradient is tiny compared with the
function's value, even float64 rounding (about 1e-16 |f| / eps) can swamp it;
``extrapolate=True`` then estimates it more accurately (see
``extrapolated_numerical_gradient``).

Example:
    >>> import numpy as np
    >>> from course_lib.nn import functional as F
    >>> rng = np.random.default_rng(0)
    >>> x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
    >>> result = check_function(F.linear_forward, F.linear_backward, x, w, b)
    >>> result.max_relative_error < 1e-7
    True
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

__all__ = [
    "GradcheckResult",
    "GradientComparison",
    "check_function",
    "check_module",
    "extrapolated_numerical_gradient",
    "numerical_gradient",
    "relative_error",
]


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f`` at ``x``.

    ``f(x)`` must return a scalar. Each entry of ``x`` is moved by ``+eps``
    and ``-eps`` in place (and restored, even if ``f`` raises), so ``f`` may
    also ignore its argument and read ``x`` through a closure, e.g. a layer's
    weight array.

    Shapes: x any -> gradient of x's shape and dtype. Cost: 2 * x.size calls of f.

    Example:
        >>> x = np.array([1.0, 2.0])
        >>> numerical_gradient(lambda v: np.sum(v ** 2), x).round(6)
        array([2., 4.])

    Taught in notebooks/03_backpropagation.ipynb.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"numerical_gradient needs a floating point np.ndarray, got {x!r}")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        try:
            x[index] = original + eps
            plus, x_plus = float(f(x)), x[index]
            x[index] = original - eps
            minus, x_minus = float(f(x)), x[index]
        finally:
            x[index] = original
        # x_plus - x_minus is the step actually taken after rounding, not exactly 2 * eps.
        grad[index] = (plus - minus) / (x_plus - x_minus)
    return grad


def extrapolated_numerical_gradient(f, x: np.ndarray, eps: float = 1e-3) -> np.ndarray:
    r"""Two central differences combined so that their :math:`\epsilon^2` errors cancel.

    A central difference with step :math:`h` is :math:`D(h) = f' + c h^2 + O(h^4)`,
    so :math:`(4 D(h) - D(2h)) / 3 = f' + O(h^4)` (Richardson extrapolation).
    The truncation error being so small, a larger step can be used (1e-3 rather
    than 1e-6), and the rounding error, about :math:`10^{-16} |f| / h`, shrinks
    a thousandfold. Arguments as ``numerical_gradient``; 4 * x.size calls of f.

    Taught in no notebook: the course's own gradient-check tests use it.
    """
    return (4 * numerical_gradient(f, x, eps) - numerical_gradient(f, x, 2 * eps)) / 3


def relative_error(a, b) -> float:
    """Norm-wise relative error ``||a - b|| / max(||a||, ||b||)``; 0.0 when both are zero.

    Symmetric in a and b, between 0 and 2, and blind to the scale of the
    gradient (unlike an absolute tolerance). Taught in notebooks/03_backpropagation.ipynb.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: shapes differ, {a.shape} and {b.shape}")
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)


@dataclass(frozen=True)
class GradientComparison:
    """The analytic and numerical gradient of one input or parameter.

    Attributes:
        name: the argument or parameter name (e.g. "x", "0.weight").
        analytic: the gradient returned by the backward.
        numeric: the central-difference estimate.
        relative_error: ``relative_error(analytic, numeric)``.
        worst_index: index of the entry with the largest absolute difference.

    Taught in no notebook by this name: it is a row of the table that
    ``check_function`` prints in notebooks/03_backpropagation.ipynb.
    """

    name: str
    analytic: np.ndarray
    numeric: np.ndarray
    relative_error: float
    worst_index: tuple[int, ...]

    @classmethod
    def of(cls, name: str, analytic, numeric) -> GradientComparison:
        analytic, numeric = np.asarray(analytic), np.asarray(numeric)
        if analytic.shape != numeric.shape:
            raise ValueError(
                f"the backward returned a gradient of shape {analytic.shape} for '{name}', "
                f"which has shape {numeric.shape}; a gradient has the shape of its input"
            )
        difference = np.abs(analytic - numeric)
        worst = np.unravel_index(np.argmax(difference), difference.shape) if difference.size else ()
        return cls(name, analytic, numeric, relative_error(analytic, numeric),
                   tuple(int(i) for i in worst))

    def __repr__(self) -> str:
        worst = ""
        if self.analytic.size:
            worst = (f", worst entry {self.worst_index}: analytic "
                     f"{self.analytic[self.worst_index]:.6g}, numeric "
                     f"{self.numeric[self.worst_index]:.6g}")
        return (f"GradientComparison({self.name!r}, shape {self.analytic.shape}, "
                f"relative error {self.relative_error:.2e}{worst})")


@dataclass(frozen=True)
class GradcheckResult:
    """Outcome of ``check_function`` or ``check_module``: one comparison per gradient.

    ``result["x"]`` gives the comparison of one input or parameter,
    ``result.max_relative_error`` the worst of all, ``result.passed()``
    compares it with a tolerance; ``print(result)`` shows a table.

    Taught in no notebook by this name: it is what ``check_function`` returns
    in notebooks/03_backpropagation.ipynb.
    """

    comparisons: tuple[GradientComparison, ...]
    eps: float
    extrapolated: bool = False

    @property
    def max_relative_error(self) -> float:
        return max((c.relative_error for c in self.comparisons), default=0.0)

    def passed(self, tolerance: float = 1e-7) -> bool:
        """True when every relative error is below ``tolerance``."""
        return self.max_relative_error < tolerance

    def __getitem__(self, name: str) -> GradientComparison:
        for comparison in self.comparisons:
            if comparison.name == name:
                return comparison
        raise KeyError(f"no gradient named {name!r}; checked: "
                       f"{[c.name for c in self.comparisons]}")

    def __iter__(self):
        return iter(self.comparisons)

    def __len__(self) -> int:
        return len(self.comparisons)

    def __str__(self) -> str:
        header = ("name", "shape", "rel. error", "worst entry", "analytic", "numeric")
        rows = [header]
        for c in self.comparisons:
            if c.analytic.size:
                analytic = f"{c.analytic[c.worst_index]:.6g}"
                numeric = f"{c.numeric[c.worst_index]:.6g}"
            else:
                analytic = numeric = "-"
            rows.append((c.name, str(c.analytic.shape), f"{c.relative_error:.2e}",
                         str(c.worst_index), analytic, numeric))
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        method = "extrapolated central differences" if self.extrapolated else "central differences"
        lines = [f"gradient check ({method}, eps={self.eps:g}): "
                 f"max relative error {self.max_relative_error:.2e}"]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            lines.append(("  " + "  ".join(cells)).rstrip())
        return "\n".join(lines)

    __repr__ = __str__


def _require_float64(array, what: str, fix: str) -> None:
    if np.asarray(array).dtype != np.float64:
        raise TypeError(
            f"gradient checks need float64, but {what} has dtype {np.asarray(array).dtype}: "
            f"in lower precision rounding errors swamp the finite differences. {fix}"
        )


def _upstream_gradient(out, rng: np.random.Generator):
    """A random dout of out's shape (a float for a scalar output)."""
    shape = np.shape(out)
    return float(rng.standard_normal()) if shape == () else rng.standard_normal(shape)


def check_function(forward, backward, *inputs, eps: float = 1e-6, seed: int = 0,
                   extrapolate: bool = False, **kwargs) -> GradcheckResult:
    """Check a functional pair ``forward(*inputs, **kwargs) -> (out, cache)`` and
    ``backward(dout, cache) -> grads``.

    ``grads`` is one array or a tuple in argument order (the convention of
    ``course_lib.nn.functional``); gradient ``i`` is compared with the
    numerical gradient of input ``i``. Entries that are None, and inputs
    after the last gradient (e.g. a loss's target), are not checked. Keyword
    arguments (hyper-parameters, a dropout mask...) are passed to ``forward``
    unchanged; bind a keyword named ``eps``, ``seed`` or ``extrapolate`` with
    ``functools.partial(forward, eps=...)``. The inputs are copied, never modified.

    Args:
        forward, backward: the pair to check.
        *inputs: float64 arrays (the positional arguments of ``forward``).
        eps: the finite-difference step.
        seed: seeds the random upstream gradient ``dout``.
        extrapolate: use ``extrapolated_numerical_gradient`` (then take eps=1e-3)
            instead of ``numerical_gradient``.

    Example:
        >>> from course_lib.nn import functional as F
        >>> x = np.array([[0.5, -1.5, 2.0]])
        >>> print(check_function(F.relu_forward, F.relu_backward, x))  # doctest: +ELLIPSIS
        gradient check (central differences, eps=1e-06): max relative error ...
          name  shape   rel. error  worst entry  analytic  numeric
          x     (1, 3)  ...

    Taught in notebooks/03_backpropagation.ipynb.
    """
    inputs = [np.array(x, copy=True) if isinstance(x, np.ndarray) else x for x in inputs]
    out, cache = forward(*inputs, **kwargs)
    dout = _upstream_gradient(out, np.random.default_rng(seed))
    grads = backward(dout, cache)
    if not isinstance(grads, tuple):
        grads = (grads,)
    if any(grad is not None for grad in grads[len(inputs):]):
        raise ValueError(f"backward returned {len(grads)} gradients for {len(inputs)} inputs")
    names = _argument_names(forward, len(inputs))

    def scalar_output(_):
        return np.sum(forward(*inputs, **kwargs)[0] * dout)

    estimate = extrapolated_numerical_gradient if extrapolate else numerical_gradient
    comparisons = []
    for name, x, grad in zip(names, inputs, grads, strict=False):  # grads may stop early
        if grad is None:
            continue
        _require_float64(x, f"input '{name}'", "Pass x.astype(np.float64).")
        comparisons.append(GradientComparison.of(name, grad, estimate(scalar_output, x, eps)))
    return GradcheckResult(tuple(comparisons), eps, extrapolate)


def check_module(module, x, *args, eps: float = 1e-6, seed: int = 0,
                 extrapolate: bool = False) -> GradcheckResult:
    """Check ``module.backward`` for its input ``x`` and every parameter.

    Runs ``out = module(x, *args)`` and ``module.backward(dout)`` with a
    random ``dout`` (``args``: e.g. the target of a loss), then compares the
    returned dx and each parameter's ``.grad`` with central differences. The
    module is left as it was: parameters, gradients and buffers (running
    statistics) are restored. A module must be deterministic for the check
    to mean anything: put dropout in ``eval()`` mode or give it a fixed mask.

    Needs float64: call ``module.double()`` and pass ``x.astype(np.float64)``.
    ``eps``, ``seed`` and ``extrapolate`` as in ``check_function``.

    Example:
        >>> from course_lib import nn
        >>> layer = nn.Linear(3, 2, rng=0).double()
        >>> check_module(layer, np.ones((4, 3))).passed()
        True

    Taught in notebooks/06_regularization.ipynb, which checks batch norm's backward with it.
    """
    x = np.array(x, copy=True)
    _require_float64(x, "the input", "Pass x.astype(np.float64).")
    named = list(module.named_parameters())
    for name, p in named:
        _require_float64(p.data, f"parameter '{name}'", "Convert the module: module.double().")
    saved_grads = [p.grad.copy() for _, p in named]
    saved_state = {name: array.copy() for name, array in module.state_dict().items()}
    try:
        module.zero_grad()
        out = module(x, *args)
        dout = _upstream_gradient(out, np.random.default_rng(seed))
        dx = module.backward(dout)
        analytic = [("input", dx, x)] + [(name, p.grad.copy(), p.data) for name, p in named]

        def scalar_output(_):
            return np.sum(module(x, *args) * dout)

        estimate = extrapolated_numerical_gradient if extrapolate else numerical_gradient
        comparisons = tuple(
            GradientComparison.of(name, grad, estimate(scalar_output, array, eps))
            for name, grad, array in analytic if grad is not None
        )
    finally:
        module.load_state_dict(saved_state)
        for (_, p), grad in zip(named, saved_grads, strict=True):
            p.grad[...] = grad
    return GradcheckResult(comparisons, eps, extrapolate)


def _argument_names(function, count: int) -> list[str]:
    try:
        parameters = [p.name for p in inspect.signature(function).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        parameters = []
    return [parameters[i] if i < len(parameters) else f"input {i}" for i in range(count)]
