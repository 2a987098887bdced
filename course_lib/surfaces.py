r"""Loss surfaces of two parameters, and the path an optimizer takes on them.

Taught in notebooks/05_optimizers.ipynb. A network has millions of parameters,
but what an optimizer does is easiest to see with two: the loss is then a
surface over the plane :math:`(w_1, w_2)`, drawn as contour lines, and every
step is a point on it. The surfaces here are the classic test cases:

- :func:`ill_conditioned_bowl`: :math:`L = \tfrac12 (w_1^2 + \kappa w_2^2)`, a valley
  :math:`\kappa` times steeper across than along (gradient descent zig-zags);
- :func:`saddle`: :math:`L = \tfrac12 w_1^2 + \tfrac14 w_2^4 - \tfrac12 w_2^2`, a saddle
  point at the origin between two minima (gradient descent lingers there);
- :func:`rosenbrock`: :math:`L = (1 - w_1)^2 + 100 (w_2 - w_1^2)^2`, a curved, flat-bottomed
  valley (Rosenbrock 1960);
- :func:`two_minima`: :math:`L = (w_1^2 - 1)^2 + 0.3 w_1 + \tfrac12 w_2^2`, a global and a
  local minimum (where you start decides where you end);
- :func:`recurrence`: the loss of a one-unit linear recurrent network
  :math:`h_t = w h_{t-1} + b` after :math:`T` steps, with a cliff near :math:`w = 1` where the
  gradient grows like :math:`w^{T}` (exploding gradients; clipping).

:func:`optimizer_path` runs one of the course's own optimizers on a surface:
the two coordinates are one ``Parameter`` of shape (2,), its gradient is the
surface's, and each step is ``optimizer.step()``, exactly as for a network.

Example:
    >>> from course_lib.optim import SGD
    >>> bowl = ill_conditioned_bowl()
    >>> path = optimizer_path(bowl, SGD, lr=0.005, momentum=0.9, steps=300)
    >>> path.points.shape, path.diverged, path.steps_to_tolerance() is not None
    ((301, 2), False, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from course_lib import checks
from course_lib.nn.module import Parameter
from course_lib.optim.clip import clip_grad_norm_
from course_lib.optim.optimizer import Optimizer

__all__ = [
    "SURFACES",
    "OptimizerPath",
    "Surface",
    "get_surface",
    "ill_conditioned_bowl",
    "optimizer_path",
    "recurrence",
    "rosenbrock",
    "saddle",
    "two_minima",
]

#: A path whose parameters leave this box (or become NaN) has diverged and is stopped.
DIVERGED_BEYOND = 1e6
#: ``optimizer_path(..., stop_at_tolerance=True)`` stops after this many steps in a row within
#: the tolerance.
SETTLE_STEPS = 50


@dataclass(frozen=True)
class Surface:
    r"""A loss :math:`L(w_1, w_2)` with its gradient, a starting point and its minima.

    ``loss`` and ``gradient`` take points of shape (..., 2), the last axis
    holding :math:`(w_1, w_2)`, so one call evaluates a whole grid:
    ``loss(points)`` has shape (...) and ``gradient(points)`` shape (..., 2).

    Attributes:
        name: a short name (``"rosenbrock"``).
        formula: the loss in LaTeX, for titles.
        loss: :math:`L`, points (..., 2) -> (...).
        gradient: :math:`\nabla L`, points (..., 2) -> (..., 2).
        start: the default starting point.
        minima: the minima, (k, 2); the first is a global minimum (a surface whose
            minima form a curve holds points along it).
        min_loss: :math:`L` at the global minimum.
        tolerance: a path has *arrived* when its loss is within this of ``min_loss``.
        xlim, ylim: the plotting window.
        log_levels: draw the contour lines on a logarithmic scale (steep surfaces).

    Example:
        >>> bowl = ill_conditioned_bowl(condition=10)
        >>> float(bowl.loss(np.array([1.0, 1.0]))), bowl.gradient(np.array([1.0, 1.0])).tolist()
        (5.5, [1.0, 10.0])

    Taught in notebooks/05_optimizers.ipynb.
    """

    name: str
    formula: str
    loss: Callable[[np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray], np.ndarray]
    start: tuple[float, float]
    minima: np.ndarray
    min_loss: float
    tolerance: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    log_levels: bool = False

    def __call__(self, points) -> np.ndarray:
        """``self.loss(points)``."""
        return self.loss(points)

    def is_global(self, point, atol: float = 1e-9) -> bool:
        """Whether the loss at ``point`` equals the global minimum's (to ``atol``)."""
        return bool(abs(float(self.loss(np.asarray(point, dtype=float))) - self.min_loss) <= atol)


def _split(points) -> tuple[np.ndarray, np.ndarray]:
    points = np.asarray(points, dtype=float)
    if points.shape[-1:] != (2,):
        raise ValueError(f"a surface takes points of shape (..., 2), got shape {points.shape}")
    return points[..., 0], points[..., 1]


def ill_conditioned_bowl(condition: float = 100.0, rotation: float = 0.0) -> Surface:
    r"""The bowl :math:`L = \tfrac12 (u^2 + \kappa v^2)`, with condition number :math:`\kappa`.

    Without rotation :math:`(u, v) = (w_1, w_2)`: the curvatures are 1 along
    :math:`w_1` and :math:`\kappa` along :math:`w_2`. Gradient descent with learning
    rate :math:`\eta` multiplies the distance to the minimum along each axis by
    :math:`1 - \eta` and :math:`1 - \eta \kappa` per step: it diverges for
    :math:`\eta > 2 / \kappa`, so it crawls along :math:`w_1`. With a rotation by
    :math:`\theta` degrees, :math:`(u, v)` are the coordinates turned by :math:`\theta`,
    :math:`u = w_1 \cos\theta + w_2 \sin\theta`, :math:`v = -w_1 \sin\theta + w_2 \cos\theta`:
    the same bowl, whose axes are no longer the parameters' axes (the default start
    turns with it).

    Args:
        condition: :math:`\kappa \ge 1`.
        rotation: :math:`\theta`, in degrees.

    Example:
        >>> ill_conditioned_bowl(condition=20).minima.tolist()
        [[0.0, 0.0]]
        >>> turned = ill_conditioned_bowl(condition=4, rotation=90)   # the steep axis is now w_1
        >>> np.round(turned.gradient(np.array([1.0, 1.0])), 12).tolist()
        [4.0, 1.0]

    Taught in notebooks/05_optimizers.ipynb.
    """
    kappa = checks.number(condition, "condition", "ill_conditioned_bowl", low=1)
    theta = math.radians(checks.number(rotation, "rotation", "ill_conditioned_bowl"))
    cos, sin = math.cos(theta), math.sin(theta)

    def loss(points):
        w1, w2 = _split(points)
        u, v = cos * w1 + sin * w2, -sin * w1 + cos * w2
        return 0.5 * (u**2 + kappa * v**2)

    def gradient(points):
        w1, w2 = _split(points)
        u, v = cos * w1 + sin * w2, -sin * w1 + cos * w2
        du, dv = u, kappa * v                       # dL/du, dL/dv, then back to (w1, w2)
        return np.stack([cos * du - sin * dv, sin * du + cos * dv], axis=-1)

    u0, v0 = -7.0, 1.5  # the start in the bowl's own coordinates, the same for every rotation
    start = (cos * u0 - sin * v0, sin * u0 + cos * v0)
    if theta == 0:
        name, formula = "bowl", rf"$\frac{{1}}{{2}}(w_1^2 + {kappa:g}\, w_2^2)$"
        xlim, ylim = (-8.0, 2.0), (-2.5, 2.5)
    else:
        name = f"bowl rotated {math.degrees(theta):g}°"
        formula = rf"$\frac{{1}}{{2}}(u^2 + {kappa:g}\, v^2)$, axes turned {math.degrees(theta):g}°"
        xlim = (min(start[0], 0.0) - 1.5, max(start[0], 0.0) + 1.5)
        ylim = (min(start[1], 0.0) - 1.5, max(start[1], 0.0) + 1.5)
    return Surface(name, formula, loss, gradient, start=start,
                   minima=np.array([[0.0, 0.0]]), min_loss=0.0, tolerance=1e-3,
                   xlim=xlim, ylim=ylim)


def saddle() -> Surface:
    r"""A saddle between two minima: :math:`L = \tfrac12 w_1^2 + \tfrac14 w_2^4 - \tfrac12 w_2^2`.

    At the origin the gradient is zero, the curvature is +1 along :math:`w_1` and
    -1 along :math:`w_2`: a saddle point. The minima are :math:`(0, \pm 1)` with
    :math:`L = -\tfrac14`. Started close to the ridge :math:`w_2 = 0`, gradient
    descent first slides towards the saddle and only slowly leaves it, as
    :math:`w_2` grows by a factor :math:`1 + \eta` per step.

    Example:
        >>> s = saddle()
        >>> s.gradient(np.array([0.0, 0.0])).tolist(), s.min_loss
        ([0.0, 0.0], -0.25)

    Taught in notebooks/05_optimizers.ipynb.
    """

    def loss(points):
        w1, w2 = _split(points)
        return 0.5 * w1**2 + 0.25 * w2**4 - 0.5 * w2**2

    def gradient(points):
        w1, w2 = _split(points)
        return np.stack([w1, w2**3 - w2], axis=-1)

    return Surface("saddle", r"$\frac{1}{2}w_1^2 + \frac{1}{4}w_2^4 - \frac{1}{2}w_2^2$", loss,
                   gradient, start=(-2.5, 1e-3), minima=np.array([[0.0, 1.0], [0.0, -1.0]]),
                   min_loss=-0.25, tolerance=1e-3, xlim=(-3.0, 3.0), ylim=(-1.6, 1.6))


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    r"""Rosenbrock's valley :math:`L = (a - w_1)^2 + b (w_2 - w_1^2)^2`, minimum :math:`(a, a^2)`.

    The valley floor :math:`w_2 = w_1^2` is curved and almost flat, its walls are
    steep (curvature about :math:`2b` across): a hard test for any optimizer.

    Args:
        a: position of the minimum (any number).
        b: steepness of the walls (> 0).

    Example:
        >>> r = rosenbrock()
        >>> r.minima.tolist(), float(np.abs(r.gradient(np.array([1.0, 1.0]))).max())
        ([[1.0, 1.0]], 0.0)

    Taught in notebooks/05_optimizers.ipynb.
    """
    a = checks.number(a, "a", "rosenbrock")
    b = checks.number(b, "b", "rosenbrock", low=0, low_inclusive=False)

    def loss(points):
        w1, w2 = _split(points)
        return (a - w1) ** 2 + b * (w2 - w1**2) ** 2

    def gradient(points):
        w1, w2 = _split(points)
        return np.stack([-2 * (a - w1) - 4 * b * w1 * (w2 - w1**2), 2 * b * (w2 - w1**2)],
                        axis=-1)

    formula = rf"$({a:g} - w_1)^2 + {b:g}\,(w_2 - w_1^2)^2$"
    return Surface("rosenbrock", formula, loss, gradient, start=(-1.5, 2.0),
                   minima=np.array([[a, a * a]]), min_loss=0.0, tolerance=1e-3,
                   xlim=(a - 3.0, a + 1.5), ylim=(a * a - 1.5, a * a + 2.5), log_levels=True)


def two_minima(tilt: float = 0.3) -> Surface:
    r"""A tilted double well: :math:`L = (w_1^2 - 1)^2 + t\, w_1 + \tfrac12 w_2^2`.

    For a small tilt :math:`t > 0` it has a global minimum near :math:`w_1 = -1` and a
    local one near :math:`w_1 = +1`, separated by a ridge near :math:`w_1 = 0`: a
    non-convex loss where the starting point decides which minimum gradient
    descent reaches. The minima are found numerically (the roots of
    :math:`4 w_1^3 - 4 w_1 + t`).

    Args:
        tilt: :math:`t`, in (0, 1.5) so that both minima exist.

    Example:
        >>> s = two_minima()
        >>> np.round(s.minima, 3).tolist()
        [[-1.036, 0.0], [0.96, 0.0]]

    Taught in notebooks/05_optimizers.ipynb.
    """
    t = checks.number(tilt, "tilt", "two_minima", low=0, high=1.5, low_inclusive=False,
                      high_inclusive=False)

    def loss(points):
        w1, w2 = _split(points)
        return (w1**2 - 1) ** 2 + t * w1 + 0.5 * w2**2

    def gradient(points):
        w1, w2 = _split(points)
        return np.stack([4 * w1 * (w1**2 - 1) + t, w2], axis=-1)

    roots = np.sort(np.roots([4.0, 0.0, -4.0, t]).real)  # two minima and the ridge between
    minima = np.array([[roots[0], 0.0], [roots[2], 0.0]])
    return Surface("two minima", rf"$(w_1^2 - 1)^2 + {t:g}\, w_1 + \frac{{1}}{{2}} w_2^2$", loss,
                   gradient, start=(1.8, 1.5), minima=minima,
                   min_loss=float(loss(minima[0])), tolerance=1e-3, xlim=(-2.0, 2.0),
                   ylim=(-2.0, 2.0))


def recurrence(steps: int = 30, target: float = 2.0) -> Surface:
    r"""The loss of a one-unit linear recurrent network, with a cliff: exploding gradients.

    The network runs :math:`h_t = w\, h_{t-1} + b` from :math:`h_0 = 0` for
    :math:`T` steps, so :math:`h_T = b\,(1 + w + \dots + w^{T-1})`, and the loss is
    :math:`L(w, b) = \tfrac12 (h_T - y)^2`. Its gradient holds
    :math:`\partial h_T / \partial w = b \sum_k k\, w^{k-1}`, which grows like
    :math:`T w^{T-1}`: past :math:`w \approx 1` the surface rises as a cliff, and a
    gradient step taken there throws the parameters far away. (The coordinates
    are :math:`(w_1, w_2) = (w, b)`.) Every point of the curve :math:`h_T = y` is a
    minimum; ``minima`` holds that curve, sampled inside the plotting window.

    Args:
        steps: :math:`T` (integer >= 2).
        target: :math:`y` (> 0).

    Example:
        >>> r = recurrence(steps=3, target=1.0)          # h_3 = b (1 + w + w^2)
        >>> float(r.loss(np.array([1.0, 1.0])))           # (3 - 1)^2 / 2
        2.0

    Taught in notebooks/05_optimizers.ipynb.
    """
    T = checks.integer(steps, "steps", "recurrence", minimum=2)
    y = checks.number(target, "target", "recurrence", low=0, low_inclusive=False)
    k = np.arange(T)

    def output_and_slopes(points):
        w, b = _split(points)
        powers = w[..., None] ** k                               # w^0 .. w^(T-1)
        total = powers.sum(axis=-1)                              # dh_T/db = sum_k w^k
        slope = (k[1:] * w[..., None] ** (k[1:] - 1)).sum(axis=-1)
        return b * total, b * slope, total

    def loss(points):
        with np.errstate(over="ignore", invalid="ignore"):
            h, _, _ = output_and_slopes(points)
            return 0.5 * (h - y) ** 2

    def gradient(points):
        with np.errstate(over="ignore", invalid="ignore"):
            h, dh_dw, dh_db = output_and_slopes(points)
            return np.stack([(h - y) * dh_dw, (h - y) * dh_db], axis=-1)

    # every point of the curve b = y / S(w) is a minimum: keep those in the plotting window
    ws = np.linspace(-0.5, 1.3, 361)
    valley = np.stack([ws, y / output_and_slopes(np.stack([ws, np.ones_like(ws)], -1))[2]], -1)
    valley = valley[(valley[:, 1] > -0.3) & (valley[:, 1] < 1.2)]
    return Surface("recurrence", rf"$\frac{{1}}{{2}}(h_{{{T}}} - {y:g})^2,\ "
                                 rf"h_t = w\, h_{{t-1}} + b$",
                   loss, gradient, start=(0.9, 0.05), minima=valley, min_loss=0.0,
                   tolerance=1e-3, xlim=(-0.5, 1.3), ylim=(-0.3, 1.2), log_levels=True)


#: The surfaces by name, as the explorer offers them.
SURFACES: dict[str, Callable[[], Surface]] = {
    "bowl": ill_conditioned_bowl,
    "saddle": saddle,
    "rosenbrock": rosenbrock,
    "two minima": two_minima,
    "recurrence": recurrence,
}


def get_surface(name: str) -> Surface:
    """The surface called ``name`` (a key of :data:`SURFACES`), with its default arguments.

    Example:
        >>> get_surface("saddle").min_loss
        -0.25

    Taught in no notebook: the optimizer explorer of notebooks/05_optimizers.ipynb uses it.
    """
    checks.choice(name, SURFACES, "name", "get_surface")
    return SURFACES[name]()


@dataclass
class OptimizerPath:
    """The points an optimizer visited on a surface, and their losses.

    Attributes:
        surface: the :class:`Surface`.
        points: (n + 1, 2), the start and the point after each of the n steps taken.
        losses: (n + 1,), the loss at each point.
        diverged: the parameters left the box ``|w| < 1e6`` or became NaN; the path
            then stops at the first such point.
        grad_norms: (n,), the norm of the gradient used at each step (before clipping).

    Example:
        >>> from course_lib.optim import SGD
        >>> path = optimizer_path(ill_conditioned_bowl(), SGD, lr=0.12, steps=50)
        >>> path.diverged, path.steps_to_tolerance()      # 0.12 > 2 / 100
        (True, None)

    Taught in notebooks/05_optimizers.ipynb.
    """

    surface: Surface
    points: np.ndarray
    losses: np.ndarray
    diverged: bool
    grad_norms: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def steps(self) -> int:
        """The number of steps taken (fewer than asked for when the path diverged)."""
        return len(self.points) - 1

    def steps_to_tolerance(self, tolerance: float | None = None) -> int | None:
        """The step from which the loss stays within ``tolerance`` of the surface's minimum
        until the end of the path (default: the surface's ``tolerance``), or None if the path
        does not end there. A path that passes through the tolerance and leaves again has not
        arrived.

        Example:
            >>> from course_lib.optim import SGD
            >>> path = optimizer_path(ill_conditioned_bowl(), SGD, lr=0.015, steps=800)
            >>> path.steps_to_tolerance()
            335
        """
        tolerance = self.surface.tolerance if tolerance is None else checks.number(
            tolerance, "tolerance", "OptimizerPath.steps_to_tolerance", low=0,
            low_inclusive=False)
        with np.errstate(invalid="ignore"):
            inside = self.losses - self.surface.min_loss < tolerance   # NaN counts as outside
        if not inside[-1]:
            return None
        outside = np.flatnonzero(~inside)
        return int(outside[-1]) + 1 if outside.size else 0

    def nearest_minimum(self) -> np.ndarray | None:
        """The minimum of the surface closest to the path's last point (None if it diverged).

        Example:
            >>> from course_lib.optim import SGD
            >>> path = optimizer_path(two_minima(), SGD, lr=0.01, steps=500)  # starts at w1 = 1.8
            >>> np.round(path.nearest_minimum(), 2).tolist()               # the local minimum
            [0.96, 0.0]
        """
        if self.diverged:
            return None
        distances = np.linalg.norm(self.surface.minima - self.points[-1], axis=1)
        return self.surface.minima[int(np.argmin(distances))]


def optimizer_path(surface: Surface, optimizer_class: type[Optimizer], *, steps: int,
                   start=None, max_norm: float | None = None, stop_at_tolerance: bool = False,
                   **hyperparameters) -> OptimizerPath:
    r"""Run ``optimizer_class`` on ``surface`` for ``steps`` steps and return the path.

    The two coordinates are one ``Parameter`` of shape (2,) in float64, and every
    step is the training step of a network without the network::

        p = Parameter(np.array(start))
        optimizer = optimizer_class([p], **hyperparameters)
        for _ in range(steps):
            p.grad[...] = surface.gradient(p.data)      # what backward would compute
            optimizer.step()

    Args:
        surface: a :class:`Surface`.
        optimizer_class: any course_lib optimizer (``SGD``, ``Adam``, ...) or a
            subclass of ``Optimizer`` of your own.
        steps: number of steps (integer >= 0).
        start: the starting point (two numbers); default ``surface.start``.
        max_norm: clip the gradient to this norm before each step
            (``clip_grad_norm_``); None: no clipping.
        stop_at_tolerance: stop once the loss has stayed within the surface's
            ``tolerance`` of its minimum for ``SETTLE_STEPS`` steps in a row (to search
            learning rates quickly).
        **hyperparameters: passed to the optimizer, e.g. ``lr=0.01, momentum=0.9``.

    Returns:
        An :class:`OptimizerPath`; a path that diverges stops early with ``diverged=True``.

    Example:
        >>> from course_lib.optim import Adam
        >>> path = optimizer_path(rosenbrock(), Adam, lr=0.1, steps=200)
        >>> path.points[0].tolist(), bool(path.losses[-1] < path.losses[0])
        ([-1.5, 2.0], True)

    Taught in notebooks/05_optimizers.ipynb.
    """
    where = "optimizer_path"
    if not isinstance(surface, Surface):
        raise TypeError(f"{where}: surface must be a Surface (e.g. rosenbrock()), "
                        f"got {type(surface).__name__}")
    if not (isinstance(optimizer_class, type) and issubclass(optimizer_class, Optimizer)):
        raise TypeError(f"{where}: optimizer_class must be an Optimizer class such as SGD or "
                        f"Adam (the class, not an instance), got {optimizer_class!r}")
    steps = checks.integer(steps, "steps", where, minimum=0)
    start = np.array(surface.start if start is None else start, dtype=np.float64)
    if start.shape != (2,) or not np.all(np.isfinite(start)):
        raise ValueError(f"{where}: start must be two finite numbers, got {start.tolist()}")
    if max_norm is not None:
        max_norm = checks.number(max_norm, "max_norm", where, low=0, low_inclusive=False)
    p = Parameter(start)
    optimizer = optimizer_class([p], **hyperparameters)
    points, grad_norms = [p.data.copy()], []
    diverged, settled = False, 0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            p.grad[...] = surface.gradient(p.data)
            grad_norms.append(float(np.linalg.norm(p.grad)))
            if max_norm is not None and math.isfinite(grad_norms[-1]):
                clip_grad_norm_([p], max_norm)
            optimizer.step()
            points.append(p.data.copy())
            if not np.all(np.abs(p.data) < DIVERGED_BEYOND):  # also catches NaN
                diverged = True
                break
            if stop_at_tolerance:
                inside = surface.loss(p.data) - surface.min_loss < surface.tolerance
                settled = settled + 1 if inside else 0
                if settled >= SETTLE_STEPS:
                    break
        points = np.array(points)
        losses = np.asarray(surface.loss(points), dtype=float)
    return OptimizerPath(surface, points, losses, diverged, np.array(grad_norms))
