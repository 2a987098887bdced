r"""L1, L2 and elastic-net penalties on the weights, with their gradients.

Taught in notebooks/06_regularization.ipynb.

A penalty :math:`R(w)` is added to the data loss, and its gradient to the
parameters' gradients after ``model.backward``:

    >>> penalty = L2Penalty(lam=1e-3)
    >>> loss = loss_fn(model(x), y) + penalty(model.parameters())
    >>> model.backward(loss_fn.backward())
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

import numbers

import numpy as np

from course_lib.nn.module import Parameter


def _check_lam(owner: str, lam) -> float:
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not lam >= 0:
        raise ValueError(f"{owner}: lam must be a number >= 0, got {lam!r}")
    return float(lam)


def _check_l1_ratio(l1_ratio) -> float:
    if isinstance(l1_ratio, bool) or not isinstance(l1_ratio, numbers.Real) \
            or not 0 <= l1_ratio <= 1:
        raise ValueError(f"elastic net: l1_ratio must be in [0, 1], got {l1_ratio!r}")
    return float(l1_ratio)


def _arrays(params) -> list[np.ndarray]:
    if isinstance(params, (Parameter, np.ndarray)):
        params = [params]
    return [p.data if isinstance(p, Parameter) else np.asarray(p) for p in params]


def _penalised(w: np.ndarray, weights_only: bool) -> bool:
    return w.ndim >= 2 or not weights_only


def l1_penalty(params, lam: float, *, weights_only: bool = True) -> float:
    r""":math:`\lambda \sum |w|` over the penalised parameters.

    Args:
        params: Parameters or arrays (any shapes).
        lam: :math:`\lambda \ge 0`.
        weights_only: skip 1-D parameters (biases); see the module docstring.

    Returns:
        float: the penalty.

    Taught in notebooks/06_regularization.ipynb.
    """
    lam = _check_lam("l1_penalty", lam)
    return lam * sum(float(np.abs(w).sum()) for w in _arrays(params)
                     if _penalised(w, weights_only))


def l1_penalty_grad(params, lam: float, *, weights_only: bool = True) -> list[np.ndarray]:
    r""":math:`\lambda\,\mathrm{sign}(w)` for each parameter (zeros for skipped ones).

    Returns:
        list[np.ndarray]: one array per parameter, same shape and dtype.

    Taught in notebooks/06_regularization.ipynb.
    """
    lam = _check_lam("l1_penalty_grad", lam)
    return [lam * np.sign(w) if _penalised(w, weights_only) else np.zeros_like(w)
            for w in _arrays(params)]


def l2_penalty(params, lam: float, *, weights_only: bool = True) -> float:
    r""":math:`\tfrac{\lambda}{2} \sum w^2` over the penalised parameters.

    Args:
        params: Parameters or arrays (any shapes).
        lam: :math:`\lambda \ge 0` (PyTorch's ``weight_decay``).
        weights_only: skip 1-D parameters (biases); see the module docstring.

    Returns:
        float: the penalty.

    Taught in notebooks/06_regularization.ipynb.
    """
    lam = _check_lam("l2_penalty", lam)
    return lam / 2 * sum(float(np.square(w).sum()) for w in _arrays(params)
                         if _penalised(w, weights_only))


def l2_penalty_grad(params, lam: float, *, weights_only: bool = True) -> list[np.ndarray]:
    r""":math:`\lambda w` for each parameter (zeros for skipped ones).

    Returns:
        list[np.ndarray]: one array per parameter, same shape and dtype.

    Taught in notebooks/06_regularization.ipynb.
    """
    lam = _check_lam("l2_penalty_grad", lam)
    return [lam * w if _penalised(w, weights_only) else np.zeros_like(w)
            for w in _arrays(params)]


def elastic_net_penalty(params, lam: float, l1_ratio: float = 0.5, *,
                        weights_only: bool = True) -> float:
    r"""Elastic net :math:`\lambda \big(\rho \sum |w| + \tfrac{1 - \rho}{2} \sum w^2\big)`.

    :math:`\rho` is ``l1_ratio`` in [0, 1]; other arguments as :func:`l2_penalty`.

    Taught in notebooks/06_regularization.ipynb.
    """
    lam, rho = _check_lam("elastic_net_penalty", lam), _check_l1_ratio(l1_ratio)
    return (l1_penalty(params, lam * rho, weights_only=weights_only)
            + l2_penalty(params, lam * (1 - rho), weights_only=weights_only))


def elastic_net_penalty_grad(params, lam: float, l1_ratio: float = 0.5, *,
                             weights_only: bool = True) -> list[np.ndarray]:
    r""":math:`\lambda \big(\rho\,\mathrm{sign}(w) + (1 - \rho) w\big)` for each parameter.

    Taught in notebooks/06_regularization.ipynb.
    """
    lam, rho = _check_lam("elastic_net_penalty_grad", lam), _check_l1_ratio(l1_ratio)
    l1 = l1_penalty_grad(params, lam * rho, weights_only=weights_only)
    l2 = l2_penalty_grad(params, lam * (1 - rho), weights_only=weights_only)
    return [a + b for a, b in zip(l1, l2, strict=True)]


class Penalty:
    """A penalty as an object: ``penalty(params)`` returns :math:`R`,
    ``penalty.backward(params)`` adds :math:`\\partial R / \\partial p` into each ``p.grad``.

    Taught in notebooks/06_regularization.ipynb.
    """

    def __call__(self, params) -> float:
        raise NotImplementedError

    def grad(self, params) -> list[np.ndarray]:
        raise NotImplementedError

    def backward(self, params) -> None:
        """Accumulate the penalty's gradient into ``p.grad`` for every Parameter."""
        params = [params] if isinstance(params, Parameter) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Parameter):
                raise TypeError(
                    f"{type(self).__name__}.backward: params[{i}] is a {type(p).__name__}; "
                    "backward needs Parameters (model.parameters()) to add into their .grad"
                )
        for p, g in zip(params, self.grad(params), strict=True):
            p.grad += g


class L1Penalty(Penalty):
    r"""L1 penalty :math:`\lambda \sum |w|` (sparse weights). See :func:`l1_penalty`.

    Example:
        >>> penalty = L1Penalty(lam=1e-4)
        >>> total_loss = loss_fn(model(x), y) + penalty(model.parameters())

    Taught in notebooks/06_regularization.ipynb.
    """

    def __init__(self, lam: float, *, weights_only: bool = True):
        self.lam = _check_lam("L1Penalty", lam)
        self.weights_only = weights_only

    def __call__(self, params) -> float:
        return l1_penalty(params, self.lam, weights_only=self.weights_only)

    def grad(self, params) -> list[np.ndarray]:
        return l1_penalty_grad(params, self.lam, weights_only=self.weights_only)

    def __repr__(self) -> str:
        return f"L1Penalty(lam={self.lam}, weights_only={self.weights_only})"


class L2Penalty(Penalty):
    r"""L2 penalty :math:`\tfrac{\lambda}{2} \sum w^2` (small weights). See :func:`l2_penalty`.

    Example:
        >>> penalty = L2Penalty(lam=1e-3)   # same as SGD(..., weight_decay=1e-3)

    Taught in notebooks/06_regularization.ipynb.
    """

    def __init__(self, lam: float, *, weights_only: bool = True):
        self.lam = _check_lam("L2Penalty", lam)
        self.weights_only = weights_only

    def __call__(self, params) -> float:
        return l2_penalty(params, self.lam, weights_only=self.weights_only)

    def grad(self, params) -> list[np.ndarray]:
        return l2_penalty_grad(params, self.lam, weights_only=self.weights_only)

    def __repr__(self) -> str:
        return f"L2Penalty(lam={self.lam}, weights_only={self.weights_only})"


class ElasticNetPenalty(Penalty):
    r"""Elastic net :math:`\lambda (\rho \sum |w| + \tfrac{1-\rho}{2} \sum w^2)`.
    See :func:`elastic_net_penalty`.

    Example:
        >>> penalty = ElasticNetPenalty(lam=1e-3, l1_ratio=0.5)

    Taught in notebooks/06_regularization.ipynb.
    """

    def __init__(self, lam: float, l1_ratio: float = 0.5, *, weights_only: bool = True):
        self.lam = _check_lam("ElasticNetPenalty", lam)
        self.l1_ratio = _check_l1_ratio(l1_ratio)
        self.weights_only = weights_only

    def __call__(self, params) -> float:
        return elastic_net_penalty(params, self.lam, self.l1_ratio,
                                   weights_only=self.weights_only)

    def grad(self, params) -> list[np.ndarray]:
        return elastic_net_penalty_grad(params, self.lam, self.l1_ratio,
                                        weights_only=self.weights_only)

    def __repr__(self) -> str:
        return (f"ElasticNetPenalty(lam={self.lam}, l1_ratio={self.l1_ratio}, "
                f"weights_only={self.weights_only})")
