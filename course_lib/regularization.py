r"""L1, L2 and elastic-net penalties on the weights, with their gradients.

Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).

A penalty :math:`R(w)` is added to the data loss, and its gradient to the
parameters' gradients after ``model.backward``:

    >>> from course_lib import nn, optim
    >>> model, loss_fn = nn.Linear(3, 1, rng=0), nn.MSELoss()
    >>> optimizer = optim.SGD(model.parameters(), lr=0.1)
    >>> x, y = np.ones((4, 3), dtype=np.float32), np.zeros((4, 1), dtype=np.float32)
    >>> penalty = L2Penalty(lam=1e-3)
    >>> loss = loss_fn(model(x), y) + penalty(model.parameters())
    >>> dx = model.backward(loss_fn.backward())
    >>> penalty.backward(model.parameters())      # p.grad += dR/dp
    >>> optimizer.step()

Conventions (the same as PyTorch's ``weight_decay`` and scikit-learn's ElasticNet):

- L2: :math:`R(w) = \tfrac{\lambda}{2} \sum w^2`, gradient :math:`\lambda w`.
  So ``L2Penalty(lam)`` with SGD is exactly ``SGD(..., weight_decay=lam)``.
- L1: :math:`R(w) = \lambda \sum |w|`, gradient :math:`\lambda\,\mathrm{sign}(w)`
  (the subgradient 0 at :math:`w = 0`, as ``torch.abs`` uses).
- Elastic net: :math:`R(w) = \lambda \big(\rho \sum |w| + \tfrac{1 - \rho}{2} \sum w^2\big)`
  with mixing ratio :math:`\rho` = ``l1_ratio`` (:math:`\rho = 1`: L1, :math:`\rho = 0`: L2).

Biases are not penalised by default (``weights_only=True``): only parameters
with two or more dimensions (the weight matrices of ``Linear``, convolution
kernels) count; 1-D parameters (biases, batch-norm scales and shifts) are
skipped. Penalising a bias does not reduce a model's flexibility (it only
shifts the output), so it brings no regularisation, only bias. Pass
``weights_only=False`` to penalise every parameter.

``params`` may be Parameters (``model.parameters()``) or plain NumPy arrays.
"""

from __future__ import annotations

import numpy as np

from course_lib import checks
from course_lib.nn.module import Parameter


# ---- the formulas (arguments already checked) -------------------------------------------
def _penalised(w: np.ndarray, weights_only: bool) -> bool:
    return w.ndim >= 2 or not weights_only


def _l1(arrays, lam, weights_only) -> float:
    return lam * sum(float(np.abs(w).sum()) for w in arrays if _penalised(w, weights_only))


def _l1_grad(arrays, lam, weights_only) -> list[np.ndarray]:
    return [lam * np.sign(w) if _penalised(w, weights_only) else np.zeros_like(w)
            for w in arrays]


def _l2(arrays, lam, weights_only) -> float:
    return lam / 2 * sum(float(np.square(w).sum()) for w in arrays if _penalised(w, weights_only))


def _l2_grad(arrays, lam, weights_only) -> list[np.ndarray]:
    return [lam * w if _penalised(w, weights_only) else np.zeros_like(w) for w in arrays]


def _elastic_net(arrays, lam, rho, weights_only) -> float:
    return _l1(arrays, lam * rho, weights_only) + _l2(arrays, lam * (1 - rho), weights_only)


def _elastic_net_grad(arrays, lam, rho, weights_only) -> list[np.ndarray]:
    l1 = _l1_grad(arrays, lam * rho, weights_only)
    l2 = _l2_grad(arrays, lam * (1 - rho), weights_only)
    return [a + b for a, b in zip(l1, l2, strict=True)]


# ---- the checks at the boundary ----------------------------------------------------------
def _check_lam(lam, where: str) -> float:
    return checks.number(lam, "lam", where, low=0)


def _check_l1_ratio(l1_ratio, where: str) -> float:
    return checks.number(l1_ratio, "l1_ratio", where, low=0, high=1)


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


def _checked(params, lam, weights_only, where: str):
    arrays = _arrays(params, where)
    return arrays, _check_lam(lam, where), checks.boolean(weights_only, "weights_only", where)


# ---- the functions -----------------------------------------------------------------------
def l1_penalty(params, lam: float, *, weights_only: bool = True) -> float:
    r""":math:`\lambda \sum |w|` over the penalised parameters.

    Args:
        params: Parameters or arrays (any shapes).
        lam: :math:`\lambda \ge 0`.
        weights_only: skip 1-D parameters (biases); see the module docstring.

    Returns:
        float: the penalty.

    Example:
        >>> l1_penalty([np.array([[1.0, -2.0]]), np.array([5.0])], lam=0.1)  # bias skipped
        0.30000000000000004

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """
    arrays, lam, weights_only = _checked(params, lam, weights_only, "l1_penalty")
    return _l1(arrays, lam, weights_only)


def l1_penalty_grad(params, lam: float, *, weights_only: bool = True) -> list[np.ndarray]:
    r""":math:`\lambda\,\mathrm{sign}(w)` for each parameter (zeros for skipped ones).

    Returns:
        list[np.ndarray]: one array per parameter, same shape and dtype.

    Example:
        >>> l1_penalty_grad([np.array([[1.0, -2.0, 0.0]])], lam=0.1)
        [array([[ 0.1, -0.1,  0. ]])]

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """
    arrays, lam, weights_only = _checked(params, lam, weights_only, "l1_penalty_grad")
    return _l1_grad(arrays, lam, weights_only)


def l2_penalty(params, lam: float, *, weights_only: bool = True) -> float:
    r""":math:`\tfrac{\lambda}{2} \sum w^2` over the penalised parameters.

    Args:
        params: Parameters or arrays (any shapes).
        lam: :math:`\lambda \ge 0` (PyTorch's ``weight_decay``).
        weights_only: skip 1-D parameters (biases); see the module docstring.

    Returns:
        float: the penalty.

    Example:
        >>> l2_penalty([np.array([[1.0, -2.0]])], lam=0.1)   # 0.1 / 2 * (1 + 4)
        0.25

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """
    arrays, lam, weights_only = _checked(params, lam, weights_only, "l2_penalty")
    return _l2(arrays, lam, weights_only)


def l2_penalty_grad(params, lam: float, *, weights_only: bool = True) -> list[np.ndarray]:
    r""":math:`\lambda w` for each parameter (zeros for skipped ones).

    Returns:
        list[np.ndarray]: one array per parameter, same shape and dtype.

    Example:
        >>> l2_penalty_grad([np.array([[1.0, -2.0]]), np.array([5.0])], lam=0.1)
        [array([[ 0.1, -0.2]]), array([0.])]

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """
    arrays, lam, weights_only = _checked(params, lam, weights_only, "l2_penalty_grad")
    return _l2_grad(arrays, lam, weights_only)


def elastic_net_penalty(params, lam: float, l1_ratio: float = 0.5, *,
                        weights_only: bool = True) -> float:
    r"""Elastic net :math:`\lambda \big(\rho \sum |w| + \tfrac{1 - \rho}{2} \sum w^2\big)`.

    :math:`\rho` is ``l1_ratio`` in [0, 1]; other arguments as :func:`l2_penalty`.

    Example:
        >>> elastic_net_penalty([np.array([[1.0, -2.0]])], lam=0.1, l1_ratio=0.5)
        0.275

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """
    arrays, lam, weights_only = _checked(params, lam, weights_only, "elastic_net_penalty")
    rho = _check_l1_ratio(l1_ratio, "elastic_net_penalty")
    return _elastic_net(arrays, lam, rho, weights_only)


def elastic_net_penalty_grad(params, lam: float, l1_ratio: float = 0.5, *,
                             weights_only: bool = True) -> list[np.ndarray]:
    r""":math:`\lambda \big(\rho\,\mathrm{sign}(w) + (1 - \rho) w\big)` for each parameter.

    Example:
        >>> elastic_net_penalty_grad([np.array([[1.0, -2.0]])], lam=0.1, l1_ratio=0.5)
        [array([[ 0.1 , -0.15]])]

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """
    arrays, lam, weights_only = _checked(params, lam, weights_only, "elastic_net_penalty_grad")
    rho = _check_l1_ratio(l1_ratio, "elastic_net_penalty_grad")
    return _elastic_net_grad(arrays, lam, rho, weights_only)


class Penalty:
    """A penalty as an object: ``penalty(params)`` returns :math:`R`,
    ``penalty.backward(params)`` adds :math:`\\partial R / \\partial p` into each ``p.grad``.

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """

    def __call__(self, params) -> float:
        raise NotImplementedError

    def grad(self, params) -> list[np.ndarray]:
        raise NotImplementedError

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
    r"""L1 penalty :math:`\lambda \sum |w|` (sparse weights). See :func:`l1_penalty`.

    Example:
        >>> penalty = L1Penalty(lam=0.1)
        >>> penalty([np.array([[1.0, -2.0]]), np.array([3.0])])   # the bias is skipped
        0.30000000000000004

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """

    def __init__(self, lam: float, *, weights_only: bool = True):
        self.lam = _check_lam(lam, "L1Penalty")
        self.weights_only = checks.boolean(weights_only, "weights_only", "L1Penalty")

    def __call__(self, params) -> float:
        return _l1(_arrays(params, "L1Penalty"), self.lam, self.weights_only)

    def grad(self, params) -> list[np.ndarray]:
        return _l1_grad(_arrays(params, "L1Penalty.grad"), self.lam, self.weights_only)

    def __repr__(self) -> str:
        return f"L1Penalty(lam={self.lam}, weights_only={self.weights_only})"


class L2Penalty(Penalty):
    r"""L2 penalty :math:`\tfrac{\lambda}{2} \sum w^2` (small weights). See :func:`l2_penalty`.

    Example:
        >>> penalty = L2Penalty(lam=0.1)   # adds what SGD(..., weight_decay=0.1) adds
        >>> penalty.grad([np.array([[1.0, -2.0]])])
        [array([[ 0.1, -0.2]])]

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """

    def __init__(self, lam: float, *, weights_only: bool = True):
        self.lam = _check_lam(lam, "L2Penalty")
        self.weights_only = checks.boolean(weights_only, "weights_only", "L2Penalty")

    def __call__(self, params) -> float:
        return _l2(_arrays(params, "L2Penalty"), self.lam, self.weights_only)

    def grad(self, params) -> list[np.ndarray]:
        return _l2_grad(_arrays(params, "L2Penalty.grad"), self.lam, self.weights_only)

    def __repr__(self) -> str:
        return f"L2Penalty(lam={self.lam}, weights_only={self.weights_only})"


class ElasticNetPenalty(Penalty):
    r"""Elastic net :math:`\lambda (\rho \sum |w| + \tfrac{1-\rho}{2} \sum w^2)`.
    See :func:`elastic_net_penalty`.

    Example:
        >>> penalty = ElasticNetPenalty(lam=0.1, l1_ratio=0.5)
        >>> penalty([np.array([[1.0, -2.0]])])   # 0.1 * (0.5 * 3 + 0.25 * 5)
        0.275

    Taught in chapter 06 (notebooks/06_regularization.ipynb, not yet written).
    """

    def __init__(self, lam: float, l1_ratio: float = 0.5, *, weights_only: bool = True):
        self.lam = _check_lam(lam, "ElasticNetPenalty")
        self.l1_ratio = _check_l1_ratio(l1_ratio, "ElasticNetPenalty")
        self.weights_only = checks.boolean(weights_only, "weights_only", "ElasticNetPenalty")

    def __call__(self, params) -> float:
        return _elastic_net(_arrays(params, "ElasticNetPenalty"), self.lam, self.l1_ratio,
                            self.weights_only)

    def grad(self, params) -> list[np.ndarray]:
        return _elastic_net_grad(_arrays(params, "ElasticNetPenalty.grad"), self.lam,
                                 self.l1_ratio, self.weights_only)

    def __repr__(self) -> str:
        return (f"ElasticNetPenalty(lam={self.lam}, l1_ratio={self.l1_ratio}, "
                f"weights_only={self.weights_only})")
