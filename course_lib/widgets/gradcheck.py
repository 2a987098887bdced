"""The gradient-check explorer: finite-difference step against relative error.

Taught in notebooks/03_backpropagation.ipynb. A finite difference has two
errors that pull in opposite directions:

- truncation: the Taylor terms the formula drops, about
  :math:`|f''| \\epsilon / 2` for the forward difference
  :math:`(f(x+\\epsilon) - f(x)) / \\epsilon` and :math:`|f'''| \\epsilon^2 / 6`
  for the central difference :math:`(f(x+\\epsilon) - f(x-\\epsilon)) / 2\\epsilon`;
- round-off: :math:`f` is only known to about :math:`u |f|`, with ``u`` the unit
  round-off (half the machine epsilon ``np.finfo(dtype).eps``: 1.1e-16 in float64,
  6.0e-8 in float32), and dividing by :math:`\\epsilon` magnifies it to about
  :math:`u |f| / \\epsilon`.

On a log-log plot the error is a V: round-off on the left, truncation on the
right, the best step in between (about :math:`u^{1/3}` for central differences).

ScalarFunction, the explorer's table of functions, is taught in no notebook;
``error_guides`` gives the straight sides of the V, drawn by the chapter's figure
and by the explorer.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from course_lib import checks
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.nn.functional import sigmoid
from course_lib.widgets.common import Explorer, new_figure, show_figure


@dataclass(frozen=True)
class ScalarFunction:
    """A function of one variable with its first three derivatives (for the error estimates)."""

    f: object
    d1: object
    d2: object
    d3: object
    formula: str


def _tanh_derivatives():
    t = np.tanh
    return ScalarFunction(
        t, lambda x: 1 - t(x) ** 2, lambda x: -2 * t(x) * (1 - t(x) ** 2),
        lambda x: (1 - t(x) ** 2) * (6 * t(x) ** 2 - 2), "tanh(x)",
    )


def _sigmoid_derivatives():
    s = sigmoid
    return ScalarFunction(
        s, lambda x: s(x) * (1 - s(x)), lambda x: s(x) * (1 - s(x)) * (1 - 2 * s(x)),
        lambda x: s(x) * (1 - s(x)) * (1 - 6 * s(x) + 6 * s(x) ** 2), "sigmoid(x)",
    )


FUNCTIONS = {
    "sin": ScalarFunction(np.sin, np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), "sin(x)"),
    "exp": ScalarFunction(np.exp, np.exp, np.exp, np.exp, "exp(x)"),
    "tanh": _tanh_derivatives(),
    "sigmoid": _sigmoid_derivatives(),
}
METHODS = ("central", "forward")
#: One colour per method, here and in the chapter's own figure (red and blue are
#: kept for the classes of chapter 01).
METHOD_COLORS = {"central": "tab:purple", "forward": "tab:green"}
DTYPES = {"float64": np.float64, "float32": np.float32}
EPS_EXPONENTS = (-16.0, 0.0)


def difference_errors(
    function: str, x0: float, *, dtype=np.float64, eps: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Relative error of the central and forward differences at ``x0``, for each step.

    The central difference is ``course_lib.gradcheck.numerical_gradient``; the
    forward difference is written out here. Both are computed in ``dtype``
    and compared with the exact derivative (in float64). Where the step is
    lost to rounding (``x0 + eps == x0``) the error is NaN.

    Taught in notebooks/03_backpropagation.ipynb.

    Args:
        function: a key of ``FUNCTIONS``.
        x0: the point.
        dtype: float64 or float32.
        eps: the steps, shape (K,) (default: 10**-16 ... 10**0, 161 steps).

    Returns:
        ``{"eps": (K,), "central": (K,), "forward": (K,)}``.
    """
    checks.choice(function, tuple(FUNCTIONS), "function", "difference_errors")
    x0 = checks.number(x0, "x0", "difference_errors")
    dtype = checks.float_dtype(dtype, "difference_errors")
    fn = FUNCTIONS[function]
    if eps is None:
        eps = np.logspace(*EPS_EXPONENTS, 161)
    exact = np.array([float(fn.d1(np.float64(x0)))])
    x = np.array([x0], dtype=dtype)
    central, forward = [], []
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for h in eps:
            estimate = numerical_gradient(lambda v: fn.f(v[0]), x, eps=float(h))
            central.append(_error(estimate, exact))
            step = (x + dtype.type(h)) - x
            slope = (fn.f(x + dtype.type(h)) - fn.f(x)) / step
            forward.append(_error(slope, exact))
    return {"eps": np.asarray(eps, dtype=float), "central": np.array(central),
            "forward": np.array(forward)}


def error_guides(function: str, x0: float, eps: np.ndarray, *,
                 dtype=np.float64) -> dict[str, np.ndarray]:
    r"""The predicted relative error of each kind, for each step: the two sides of the V.

    With the unit round-off :math:`u` (``np.finfo(dtype).eps / 2``):

    - round-off, :math:`u |f| / (\epsilon |f'|)`, falling as :math:`1/\epsilon`;
    - truncation of the central difference, :math:`|f'''| \epsilon^2 / (6 |f'|)`, rising
      as :math:`\epsilon^2`;
    - truncation of the forward difference, :math:`|f''| \epsilon / (2 |f'|)`, rising
      as :math:`\epsilon`.

    Taught in notebooks/03_backpropagation.ipynb (its step figure draws them).

    Args:
        function: a key of ``FUNCTIONS``.
        x0: the point.
        eps: the steps, shape (K,).
        dtype: the precision whose unit round-off is used.

    Returns:
        Label -> predicted relative error, shape (K,) each (NaN where a prediction is 0).

    Example:
        >>> guides = error_guides("sin", 1.0, np.array([1e-8, 1e-4]))
        >>> [f"{v:.0e}" for v in guides["truncation, central ≈ |f'''|ε²/(6|f'|)"]]
        ['2e-17', '2e-09']
    """
    checks.choice(function, tuple(FUNCTIONS), "function", "error_guides")
    x0 = checks.number(x0, "x0", "error_guides")
    dtype = checks.float_dtype(dtype, "error_guides")
    eps = checks.real_array(eps, "eps", "error_guides").astype(float)
    fn = FUNCTIONS[function]
    u = np.finfo(dtype).eps / 2
    slope = abs(float(fn.d1(x0))) or 1.0
    guides = {
        "round-off ≈ u|f|/(ε|f'|)": u * max(abs(float(fn.f(x0))), u) / (eps * slope),
        "truncation, central ≈ |f'''|ε²/(6|f'|)": abs(float(fn.d3(x0))) * eps**2 / 6 / slope,
        "truncation, forward ≈ |f''|ε/(2|f'|)": abs(float(fn.d2(x0))) * eps / 2 / slope,
    }
    return {label: np.where(values > 0, values, np.nan) for label, values in guides.items()}


def _error(estimate, exact) -> float:
    estimate = np.asarray(estimate, dtype=np.float64)
    if not np.all(np.isfinite(estimate)):
        return float("nan")
    return relative_error(estimate, exact)


class GradientCheckExplorer(Explorer):
    """Function, point, method, precision and step -> relative error on a log-log plot.

    Taught in notebooks/03_backpropagation.ipynb.

    Args:
        function: a key of ``FUNCTIONS``.
        x0: the point, between -3 and 3.
        method: "central" or "forward" (the one marked at ``eps``).
        dtype: "float64" or "float32".
        eps: the step marked on the curve, between 1e-16 and 1.

    Attributes:
        function, x0, method, dtype, eps: the controls.
        errors: the ``difference_errors`` currently drawn.
        output, summary, widget: as in the other explorers.
    """

    title = "Gradient-check explorer"

    def __init__(
        self,
        *,
        function: str = "sin",
        x0: float = 1.0,
        method: str = "central",
        dtype: str = "float64",
        eps: float = 1e-6,
    ) -> None:
        super().__init__()
        where = "GradientCheckExplorer"
        checks.choice(function, tuple(FUNCTIONS), "function", where)
        checks.choice(method, METHODS, "method", where)
        checks.choice(dtype, tuple(DTYPES), "dtype", where)
        checks.number(x0, "x0", where, low=-3, high=3)
        checks.number(eps, "eps", where, low=10 ** EPS_EXPONENTS[0], high=10 ** EPS_EXPONENTS[1])
        self.errors = None
        if self.inert:
            return
        style = {"description_width": "80px"}
        self.function = widgets.Dropdown(options=list(FUNCTIONS), value=function,
                                         description="function", style=style)
        self.x0 = widgets.FloatSlider(value=x0, min=-3, max=3, step=0.1, description="x",
                                      continuous_update=False, style=style)
        self.method = widgets.ToggleButtons(options=list(METHODS), value=method,
                                            description="method", style=style)
        self.dtype = widgets.ToggleButtons(options=list(DTYPES), value=dtype,
                                           description="precision", style=style)
        self.eps = widgets.FloatLogSlider(
            value=eps, base=10, min=EPS_EXPONENTS[0], max=EPS_EXPONENTS[1], step=0.5,
            description="step ε", readout_format=".0e", continuous_update=False, style=style,
        )
        controls = [self.function, self.x0, self.eps, self.method, self.dtype]
        self._assemble(controls, min_height="340px")

    def update(self, change=None) -> None:
        """Recompute the error curves for the current controls and redraw."""
        if self.inert:
            return
        name, x0, method = self.function.value, float(self.x0.value), self.method.value
        dtype = DTYPES[self.dtype.value]
        errors = difference_errors(name, x0, dtype=dtype)
        self.errors = errors
        marked = difference_errors(name, x0, dtype=dtype, eps=np.array([self.eps.value]))
        fig, ax = new_figure(figsize=(8.0, 4.2))
        self._draw(ax, errors, marked, name, x0, method, dtype)
        show_figure(self.output, fig)
        self.summary.value = self._summary_html(errors, marked, name, x0, method, dtype)

    def _draw(self, ax, errors, marked, name, x0, method, dtype) -> None:
        eps = errors["eps"]
        for m in METHODS:
            ax.loglog(eps, errors[m], color=METHOD_COLORS[m], lw=2.4 if m == method else 1.2,
                      alpha=1.0 if m == method else 0.6, label=f"{m} difference")
        guides = error_guides(name, x0, eps, dtype=dtype)
        for (label, values), style in zip(guides.items(), (":", "--", "-."), strict=True):
            ax.loglog(eps, values, color="gray", ls=style, lw=1, label=label)
        ax.scatter(marked["eps"], marked[method], s=80, color="black", zorder=5,
                   label=f"ε = {marked['eps'][0]:.0e}")
        ax.set(xlabel="step ε", ylabel="relative error", ylim=(1e-16, 10),
               title=f"d/dx {FUNCTIONS[name].formula} at x = {x0:g}, {np.dtype(dtype).name}")
        ax.grid(True, which="major", alpha=0.3)
        # Lower left: only the guides pass there; the error minimum sits at the bottom middle.
        ax.legend(fontsize="x-small", loc="lower left")

    @staticmethod
    def _summary_html(errors, marked, name, x0, method, dtype) -> str:
        curve = errors[method]
        at = marked[method][0]
        at_text = f"{at:.1e}" if np.isfinite(at) else "undefined (the step is lost to rounding)"
        best = int(np.nanargmin(curve))
        return (
            f"{method.capitalize()} difference of {FUNCTIONS[name].formula} at x = {x0:g} in "
            f"{np.dtype(dtype).name}: relative error {at_text} at ε = {marked['eps'][0]:.0e}; "
            f"smallest error <b>{curve[best]:.1e}</b> at ε ≈ {errors['eps'][best]:.0e}. "
            "Smaller steps drown in round-off, larger ones in truncation."
        )
