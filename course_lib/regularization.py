r"""L1, L2 and elastic-net penalties on the weights, with their gradients.

Taught in notebooks/06_regularization.ipynb. A penalty :math:`R(w)` is added to
the data loss, and its gradient to the parameters' gradients after
``model.backward``:

    >>> from course_lib import nn, optim
    >>> model, loss_fn = nn.Linear(3, 1, rng=0), nn.MSELoss()
    >>> optimizer = optim.SGD(model.parameters(), lr=0.1)
    >>> x, y = np.ones((4, 3), dtype=np.float32), np.zeros((4, 1), dtype=np.float32)
    >>> penalty = L2Penalty(lam=1e-3)
    >>> loss = loss_fn(model(x), y) + penalty(model.parameters())
    >>> dx = model.backward(loss_fn.backward())
    >>> penalty.backward(model.parameters())      # p.grad += dR/dp
    >>> optimizer.step()

(``course_lib.train.fit(..., penalty=L2Penalty(1e-3))`` does the same at every step.)

Conventions (the same as PyTorch's ``weight_decay`` and scikit-learn's ElasticNet):

- L2: :math:`R(w) = \tfrac{\lambda}{2} \sum w^2`, gradient :math:`\lambda w`.
  So ``L2Penalty(lam)`` with SGD is exactly ``SGD(..., weight_decay=lam)``.
- L1: :math:`R(w) = \lambda \sum |w|`, gradient :math:`\lambda\,\mathrm{sign}(w)`
  (the subgradient 0 at :math:`w = 0`, as ``torch.abs`` uses).
- Elastic net: :math:`R(w) = \lambda \big(\rho \sum |w| + \tfrac{1 - \rho}{2} \sum w^2\big)`
  with mixing ratio :math:`\rho` = ``l1_ratio`` (:math:`\rho = 1`: L1, :math:`\rho = 0`: L2).

Each penalty class writes its formula for ONE weight array, ``value(w)`` and
``gradient(w)`` (what the chapter prints); the base class :class:`Penalty` sums
the values over the penalised parameters (``penalty(params)``), lists the
gradients (``penalty.grad(params)``) and adds them into ``p.grad``
(``penalty.backward(params)``). The functions :func:`l2_penalty`,
:func:`l2_penalty_grad` and their L1 and elastic-net twins do the same in one call.

Biases are not penalised by default (``weights_only=True``): only parameters
with two or more dimensions (the weight matrices of ``Linear``, convolution
kernels) count; 1-D parameters (biases, batch-norm scales and shifts) are
skipped and get a zero gradient. Penalising a bias does not reduce a model's
flexibility (it only shifts the output), so it brings no regularisation, only
bias. Pass ``weights_only=False`` to penalise every parameter.

``params`` may be Parameters (``model.parameters()``) or plain NumPy arrays.
Values are Python floats; gradients keep each parameter's dtype.
"""

from __future__ import annotations

import numpy as np

from course_lib import checks
from course_lib.nn.module import Parameter

__all__ = [
    "ElasticNetPenalty",
    "L1Penalty",
    "L2Penalty",
    "Penalty",
    "elastic_net_penalty",
    "elastic_net_penalty_grad",
    "l1_penalty",
    "l1_penalty_grad",
    "l2_penalty",
    "l2_penalty_grad",
    "sparsity",
]


def _arrays(params, where: str) -> list[np.ndarray]:
    """The parameters as a list of float arrays (from Parameters, arrays, or one of either)."""
    if isinstance(params, (Parameter, np.ndarray)):
        params = [params]
    if isinstance(params, (str, bytes)) or not np.iterable(params):
        raise TypeError(f"{where}: params must be Parameters or arrays (e.g. "
                        f"model.parameters()), got {params!r}")
    arrays = []
    for i, p in enumerate(params):
        array = p.data if isinstance(p, Parameter) else np.asarray(p)
        if array.dtype.kind != "f":
            raise TypeError(f"{where}: params[{i}] must hold floating-point numbers, got dtype "
                            f"{array.dtype}")
        arrays.append(array)
    return arrays


class Penalty:
    r"""A penalty :math:`R` on the weights: a subclass writes ``value(w)`` and ``gradient(w)``
    for one weight array; ``penalty(params)`` sums the values over the penalised parameters,
    ``penalty.grad(params)`` lists :math:`\partial R / \partial p` for every parameter (zeros
    for the skipped ones) and ``penalty.backward(params)`` adds them into each ``p.grad``.

    Attributes:
        lam: the strength :math:`\lambda \ge 0`.
        weights_only: skip 1-D parameters (biases); see the module docstring.

    Taught in notebooks/06_regularization.ipynb.
    """

    lam: float
    weights_only: bool

    def _configure(self, where: str, lam, weights_only) -> None:
        # Arguments are checked once, here; ``where`` names what the learner called.
        self._where = where
        self.lam = checks.number(lam, "lam", where, low=0)
        self.weights_only = checks.boolean(weights_only, "weights_only", where)

    def value(self, w: np.ndarray):
        """:math:`R` of one weight array."""
        raise NotImplementedError

    def gradient(self, w: np.ndarray) -> np.ndarray:
        r""":math:`\partial R / \partial w` for one weight array, of its shape and dtype."""
        raise NotImplementedError

    def penalises(self, w: np.ndarray) -> bool:
        """True for a weight matrix (two or more dimensions), or for any array when
        ``weights_only`` is False."""
        return w.ndim >= 2 or not self.weights_only

    def __call__(self, params) -> float:
        """:math:`R` summed over the penalised parameters, as a Python float."""
        arrays = _arrays(params, self._where)
        return sum(float(self.value(w)) for w in arrays if self.penalises(w))

    def grad(self, params) -> list[np.ndarray]:
        """One gradient per parameter, same shape and dtype (zeros for the skipped ones)."""
        arrays = _arrays(params, f"{self._where}.grad")
        return [self.gradient(w) if self.penalises(w) else np.zeros_like(w) for w in arrays]

    def backward(self, params) -> None:
        """Accumulate the penalty's gradient into ``p.grad`` for every Parameter."""
        params = [params] if isinstance(params, Parameter) else list(params)
        for i, p in enumerate(params):
            checks.instance(p, Parameter, f"params[{i}]", f"{type(self).__name__}.backward",
                            hint="backward needs Parameters (model.parameters()) to add into "
                                 "their .grad.")
        for p, g in zip(params, self.grad(params), strict=True):
            p.grad += g


class L1Penalty(Penalty):
    r"""L1 penalty :math:`\lambda \sum |w|` (sparse weights), gradient
    :math:`\lambda\,\mathrm{sign}(w)`.

    Example:
        >>> penalty = L1Penalty(lam=0.1)
        >>> penalty([np.array([[1.0, -2.0]]), np.array([3.0])])   # the bias is skipped
        0.30000000000000004

    Taught in notebooks/06_regularization.ipynb.
    """

    def __init__(self, lam: float, *, weights_only: bool = True):
        self._configure("L1Penalty", lam, weights_only)

    def value(self, w):
        return self.lam * np.sum(np.abs(w))

    def gradient(self, w):
        return self.lam * np.sign(w)

    def __repr__(self) -> str:
        return f"L1Penalty(lam={self.lam}, weights_only={self.weights_only})"


class L2Penalty(Penalty):
    r"""L2 penalty :math:`\tfrac{\lambda}{2} \sum w^2` (small weights), gradient
    :math:`\lambda w`: with SGD it is ``SGD(..., weight_decay=lam)``.

    Example:
        >>> penalty = L2Penalty(lam=0.1)   # adds what SGD(..., weight_decay=0.1) adds
        >>> penalty.grad([np.array([[1.0, -2.0]])])
        [array([[ 0.1, -0.2]])]

    Taught in notebooks/06_regularization.ipynb.
    """

    def __init__(self, lam: float, *, weights_only: bool = True):
        self._configure("L2Penalty", lam, weights_only)

    def value(self, w):
        return self.lam / 2 * np.sum(w**2)

    def gradient(self, w):
        return self.lam * w

    def __repr__(self) -> str:
        return f"L2Penalty(lam={self.lam}, weights_only={self.weights_only})"


class ElasticNetPenalty(Penalty):
    r"""Elastic net :math:`\lambda (\rho \sum |w| + \tfrac{1-\rho}{2} \sum w^2)`, gradient
    :math:`\lambda (\rho\,\mathrm{sign}(w) + (1 - \rho) w)`, with :math:`\rho` = ``l1_ratio``.

    Example:
        >>> penalty = ElasticNetPenalty(lam=0.1, l1_ratio=0.5)
        >>> penalty([np.array([[1.0, -2.0]])])   # 0.1 * (0.5 * 3 + 0.25 * 5)
        0.275

    Taught in notebooks/06_regularization.ipynb.
    """

    def __init__(self, lam: float, l1_ratio: float = 0.5, *, weights_only: bool = True):
        self._configure("ElasticNetPenalty", lam, weights_only)
        self.l1_ratio = checks.number(l1_ratio, "l1_ratio", "ElasticNetPenalty", low=0, high=1)

    def value(self, w):
        rho = self.l1_ratio
        return self.lam * (rho * np.sum(np.abs(w)) + (1 - rho) / 2 * np.sum(w**2))

    def gradient(self, w):
        rho = self.l1_ratio
        return self.lam * (rho * np.sign(w) + (1 - rho) * w)

    def __repr__(self) -> str:
        return (f"ElasticNetPenalty(lam={self.lam}, l1_ratio={self.l1_ratio}, "
                f"weights_only={self.weights_only})")


def _penalty(cls, where: str, lam, weights_only, **extra) -> Penalty:
    """A ``cls`` whose messages name ``where`` (the function the learner called)."""
    penalty = cls.__new__(cls)
    penalty._configure(where, lam, weights_only)
    for name, value in extra.items():
        setattr(penalty, name, checks.number(value, name, where, low=0, high=1))
    return penalty


# ---- the same, as functions -------------------------------------------------------------------
def l1_penalty(params, lam: float, *, weights_only: bool = True) -> float:
    r""":math:`\lambda \sum |w|` over the penalised parameters (:class:`L1Penalty`).

    Args:
        params: Parameters or arrays (any shapes).
        lam: :math:`\lambda \ge 0`.
        weights_only: skip 1-D parameters (biases); see the module docstring.

    Returns:
        float: the penalty.

    Example:
        >>> l1_penalty([np.array([[1.0, -2.0]]), np.array([5.0])], lam=0.1)  # bias skipped
        0.30000000000000004

    Taught in notebooks/06_regularization.ipynb.
    """
    return _penalty(L1Penalty, "l1_penalty", lam, weights_only)(params)


def l1_penalty_grad(params, lam: float, *, weights_only: bool = True) -> list[np.ndarray]:
    r""":math:`\lambda\,\mathrm{sign}(w)` for each parameter (zeros for skipped ones).

    Returns:
        list[np.ndarray]: one array per parameter, same shape and dtype.

    Example:
        >>> l1_penalty_grad([np.array([[1.0, -2.0, 0.0]])], lam=0.1)
        [array([[ 0.1, -0.1,  0. ]])]

    Taught in notebooks/06_regularization.ipynb.
    """
    return _penalty(L1Penalty, "l1_penalty_grad", lam, weights_only).grad(params)


def l2_penalty(params, lam: float, *, weights_only: bool = True) -> float:
    r""":math:`\tfrac{\lambda}{2} \sum w^2` over the penalised parameters (:class:`L2Penalty`).

    Args:
        params: Parameters or arrays (any shapes).
        lam: :math:`\lambda \ge 0` (PyTorch's ``weight_decay``).
        weights_only: skip 1-D parameters (biases); see the module docstring.

    Returns:
        float: the penalty.

    Example:
        >>> l2_penalty([np.array([[1.0, -2.0]])], lam=0.1)   # 0.1 / 2 * (1 + 4)
        0.25

    Taught in notebooks/06_regularization.ipynb.
    """
    return _penalty(L2Penalty, "l2_penalty", lam, weights_only)(params)


def l2_penalty_grad(params, lam: float, *, weights_only: bool = True) -> list[np.ndarray]:
    r""":math:`\lambda w` for each parameter (zeros for skipped ones).

    Returns:
        list[np.ndarray]: one array per parameter, same shape and dtype.

    Example:
        >>> l2_penalty_grad([np.array([[1.0, -2.0]]), np.array([5.0])], lam=0.1)
        [array([[ 0.1, -0.2]]), array([0.])]

    Taught in notebooks/06_regularization.ipynb.
    """
    return _penalty(L2Penalty, "l2_penalty_grad", lam, weights_only).grad(params)


def elastic_net_penalty(params, lam: float, l1_ratio: float = 0.5, *,
                        weights_only: bool = True) -> float:
    r"""Elastic net :math:`\lambda \big(\rho \sum |w| + \tfrac{1 - \rho}{2} \sum w^2\big)`.

    :math:`\rho` is ``l1_ratio`` in [0, 1]; other arguments as :func:`l2_penalty`.

    Example:
        >>> elastic_net_penalty([np.array([[1.0, -2.0]])], lam=0.1, l1_ratio=0.5)
        0.275

    Taught in notebooks/06_regularization.ipynb.
    """
    return _penalty(ElasticNetPenalty, "elastic_net_penalty", lam, weights_only,
                    l1_ratio=l1_ratio)(params)


def elastic_net_penalty_grad(params, lam: float, l1_ratio: float = 0.5, *,
                             weights_only: bool = True) -> list[np.ndarray]:
    r""":math:`\lambda \big(\rho\,\mathrm{sign}(w) + (1 - \rho) w\big)` for each parameter.

    Example:
        >>> elastic_net_penalty_grad([np.array([[1.0, -2.0]])], lam=0.1, l1_ratio=0.5)
        [array([[ 0.1 , -0.15]])]

    Taught in notebooks/06_regularization.ipynb.
    """
    return _penalty(ElasticNetPenalty, "elastic_net_penalty_grad", lam, weights_only,
                    l1_ratio=l1_ratio).grad(params)


def sparsity(params, threshold: float = 1e-3, *, weights_only: bool = True) -> float:
    r"""The fraction of weights with :math:`|w| < \text{threshold}`: how sparse a penalty made them.

    Gradient descent with an L1 penalty drives weights towards 0 but, taking steps of a
    fixed size :math:`\eta \lambda`, leaves them jittering around it rather than at exactly
    0; so sparsity is measured against a small threshold, not as exact zeros.

    Args:
        params: Parameters or arrays (any shapes).
        threshold: the magnitude below which a weight counts as (almost) zero, > 0.
        weights_only: count only parameters with two or more dimensions (not biases).

    Returns:
        float: a fraction in [0, 1] of all the counted entries.

    Example:
        >>> sparsity([np.array([[0.0, 0.5], [1e-4, -2.0]]), np.zeros(2)])   # the bias skipped
        0.5

    Taught in notebooks/06_regularization.ipynb.
    """
    arrays = _arrays(params, "sparsity")
    threshold = checks.number(threshold, "threshold", "sparsity", low=0, low_inclusive=False)
    checks.boolean(weights_only, "weights_only", "sparsity")
    counted = [w for w in arrays if w.ndim >= 2 or not weights_only]
    total = sum(w.size for w in counted)
    if total == 0:
        raise ValueError("sparsity: no weights to count (every parameter is 1-D and "
                         "weights_only=True); pass weights_only=False to count them")
    return sum(int(np.count_nonzero(np.abs(w) < threshold)) for w in counted) / total
