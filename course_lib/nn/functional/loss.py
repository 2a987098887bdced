"""Loss functions: the value and its gradient with respect to the prediction.

Every loss takes ``reduction``: "mean" (PyTorch's default), "sum" or "none"
(one loss per element, or per sample for the cross-entropy). The backward
returns d loss / d prediction (one array of the prediction's shape), scaled by
``dout`` (1.0 when the loss ends the computation; an array of the loss's shape
for "none"). Targets are data and get no gradient.

Taught in notebooks/03_backpropagation.ipynb (MSE, cross-entropy); L1 and Huber in
notebooks/07_regression.ipynb, the binary cross-entropies and class weights in
notebooks/08_classification.ipynb.
"""

from __future__ import annotations

import numpy as np

from course_lib.nn.functional.activation import sigmoid, softplus
from course_lib.nn.functional.stable_softmax import log_softmax


def reduce(losses: np.ndarray, reduction: str):
    """``losses.mean()`` for "mean", ``losses.sum()`` for "sum", the array itself for "none".

    Taught in no notebook (every loss here uses it).
    """
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def mse_loss_forward(pred: np.ndarray, target: np.ndarray, reduction: str = "mean"):
    r"""Mean squared error :math:`\frac{1}{n}\sum_i (\hat y_i - y_i)^2` (n: number of elements).

    Shapes: pred and target identical, any shape (e.g. (N, 1) and (N, 1)).
    Returns ``(loss, cache)``: loss is a scalar (an array of pred's shape for
    reduction="none").

    Example:
        >>> loss, cache = mse_loss_forward(np.array([1.0, 3.0]), np.array([0.0, 1.0]))
        >>> float(loss)
        2.5

    Derived in notebooks/03_backpropagation.ipynb.
    """
    residual = pred - target
    return reduce(residual**2, reduction), (residual, reduction)


def mse_loss_backward(dout, cache) -> np.ndarray:
    r""":math:`d\hat y = \frac{2}{n}(\hat y - y) \cdot dout` (without the :math:`\frac1n` for
    "sum" and "none"). Shapes: as pred.

    Derived in notebooks/03_backpropagation.ipynb.
    """
    residual, reduction = cache
    dpred = 2 * residual * dout
    return dpred / residual.size if reduction == "mean" else dpred


def l1_loss_forward(pred: np.ndarray, target: np.ndarray, reduction: str = "mean"):
    r"""Mean absolute error :math:`\frac{1}{n}\sum_i |\hat y_i - y_i|`.

    Shapes as ``mse_loss_forward``. Taught in notebooks/07_regression.ipynb.
    """
    residual = pred - target
    return reduce(np.abs(residual), reduction), (residual, reduction)


def l1_loss_backward(dout, cache) -> np.ndarray:
    r""":math:`d\hat y = \frac{1}{n}\mathrm{sign}(\hat y - y) \cdot dout` (0 where equal, as
    PyTorch). Shapes: as pred.

    Derived in notebooks/07_regression.ipynb.
    """
    residual, reduction = cache
    dpred = np.sign(residual) * dout
    return dpred / residual.size if reduction == "mean" else dpred


def huber_loss_forward(pred: np.ndarray, target: np.ndarray, reduction: str = "mean",
                       delta: float = 1.0):
    r"""Huber loss: with :math:`r = \hat y - y`, :math:`\frac12 r^2` if :math:`|r| \le \delta`,
    else :math:`\delta (|r| - \frac12 \delta)`; averaged over elements.

    Quadratic near 0 (like MSE), linear in the tails (like L1), so outliers
    pull less. Shapes as ``mse_loss_forward``.
    Taught in notebooks/07_regression.ipynb.
    """
    residual = pred - target
    quadratic = 0.5 * residual**2
    linear = delta * (np.abs(residual) - 0.5 * delta)
    losses = np.where(np.abs(residual) <= delta, quadratic, linear)
    return reduce(losses, reduction), (residual, delta, reduction)


def huber_loss_backward(dout, cache) -> np.ndarray:
    r""":math:`d\hat y = \frac{1}{n}\mathrm{clip}(r, -\delta, \delta) \cdot dout`. Shapes: as pred.

    Derived in notebooks/07_regression.ipynb.
    """
    residual, delta, reduction = cache
    dpred = np.clip(residual, -delta, delta) * dout
    return dpred / residual.size if reduction == "mean" else dpred


def binary_cross_entropy_forward(probs: np.ndarray, target: np.ndarray,
                                 reduction: str = "mean"):
    r"""Binary cross-entropy on probabilities :math:`p` (after a sigmoid), as
    ``torch.nn.functional.binary_cross_entropy``:
    :math:`-[y \log p + (1 - y) \log(1 - p)]`, averaged.

    Each log is clamped at -100, as PyTorch does, so a probability of exactly 0
    or 1 gives a large finite loss instead of infinity. On logits,
    :func:`binary_cross_entropy_with_logits_forward` is exact where this one clamps.

    Shapes: probs and target identical, values in [0, 1].

    Example:
        >>> loss, _ = binary_cross_entropy_forward(np.array([0.5, 0.5]), np.array([0.0, 1.0]))
        >>> round(float(loss), 4)   # log 2
        0.6931

    Taught in notebooks/08_classification.ipynb.
    """
    with np.errstate(divide="ignore"):  # log(0) = -inf, clamped just below
        log_p = np.maximum(np.log(probs), -100)
        log_not_p = np.maximum(np.log(1 - probs), -100)
    losses = -(target * log_p + (1 - target) * log_not_p)
    return reduce(losses, reduction), (probs, target, reduction)


def binary_cross_entropy_backward(dout, cache) -> np.ndarray:
    r""":math:`dp = \frac{p - y}{p (1 - p)} \cdot dout / n` (the denominator kept above
    :math:`10^{-12}`, as PyTorch). Shapes: as probs.

    Derived in notebooks/08_classification.ipynb.
    """
    probs, target, reduction = cache
    dprobs = (probs - target) / np.maximum(probs * (1 - probs), 1e-12) * dout
    return dprobs / probs.size if reduction == "mean" else dprobs


def binary_cross_entropy_with_logits_forward(logits: np.ndarray, target: np.ndarray,
                                             reduction: str = "mean", *, pos_weight=None):
    r"""Binary cross-entropy on logits :math:`z` (before the sigmoid), computed stably.

    .. math::
        \ell = -[\,w_+\, y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))\,]
             = w_+\, y\, \mathrm{softplus}(-z) + (1 - y)\, \mathrm{softplus}(z)

    The right-hand form never overflows and never takes the log of 0.
    ``pos_weight`` :math:`w_+` (default 1) multiplies the loss of the positive
    examples: with 1 positive in 10, ``pos_weight=9`` makes both classes weigh
    the same (class imbalance). It is one number, or one per output column.

    Shapes: logits and target identical (e.g. (N,) or (N, 1)), target values
    in [0, 1]. Returns ``(loss, cache)``.

    Example:
        >>> loss, _ = binary_cross_entropy_with_logits_forward(np.zeros(2), np.array([0., 1.]))
        >>> round(float(loss), 4)   # log 2
        0.6931

    Taught in notebooks/08_classification.ipynb.
    """
    pos_weight = 1.0 if pos_weight is None else pos_weight
    losses = pos_weight * target * softplus(-logits) + (1 - target) * softplus(logits)
    return reduce(losses, reduction), (logits, target, pos_weight, reduction)


def binary_cross_entropy_with_logits_backward(dout, cache) -> np.ndarray:
    r""":math:`dz = [(1 - y)\,\sigma(z) - w_+\, y\,(1 - \sigma(z))] \cdot dout / n`, which is
    :math:`(\sigma(z) - y) \cdot dout / n` without ``pos_weight``. Shapes: as logits.

    Derived in notebooks/08_classification.ipynb.
    """
    logits, target, pos_weight, reduction = cache
    p = sigmoid(logits)
    dlogits = ((1 - target) * p - pos_weight * target * (1 - p)) * dout
    return dlogits / logits.size if reduction == "mean" else dlogits


def cross_entropy_forward(logits: np.ndarray, target: np.ndarray, reduction: str = "mean", *,
                          weight=None, label_smoothing: float = 0.0):
    r"""Softmax cross-entropy on logits with integer class targets, as ``F.cross_entropy``.

    Per sample :math:`\ell_n = -\sum_c q_{nc} \log \mathrm{softmax}(z_n)_c`, where the
    target distribution :math:`q_n` is the one-hot vector of the class :math:`y_n`,
    so that :math:`\ell_n = -\log \mathrm{softmax}(z_n)_{y_n}`. Two options change it:

    - ``label_smoothing`` :math:`\varepsilon` moves :math:`\varepsilon` of the target's
      mass evenly to all C classes: :math:`q_n = (1-\varepsilon)\,\mathrm{onehot}(y_n)
      + \varepsilon / C`;
    - ``weight`` :math:`w` (C,) multiplies class c's terms by :math:`w_c`
      (:math:`q_{nc} \leftarrow w_c q_{nc}`), and "mean" then divides by
      :math:`\sum_n w_{y_n}` instead of N, as PyTorch does.

    The log-softmax is computed with log-sum-exp, so large logits do not overflow.

    Shapes: logits (N, C) float; target (N,) integers in 0..C-1 (class
    indices, not one-hot); weight (C,). Returns ``(loss, cache)``; loss has
    shape (N,) for reduction="none".

    Example:
        >>> loss, _ = cross_entropy_forward(np.zeros((2, 4)), np.array([0, 3]))
        >>> round(float(loss), 4)   # log 4
        1.3863

    Derived in notebooks/03_backpropagation.ipynb; the options are taught in
    notebooks/08_classification.ipynb (class weights).
    """
    n, classes = logits.shape
    log_probs = log_softmax(logits)                                      # (N, C)
    q = (1 - label_smoothing) * np.eye(classes, dtype=logits.dtype)[target] \
        + label_smoothing / classes                                        # (N, C)
    if weight is not None:
        q = q * weight
    losses = -(q * log_probs).sum(axis=1)                                # (N,)
    total_weight = n if weight is None else weight[target].sum()
    loss = losses.sum() / total_weight if reduction == "mean" else reduce(losses, reduction)
    return loss, (np.exp(log_probs), q, total_weight, reduction)


def cross_entropy_backward(dout, cache) -> np.ndarray:
    r""":math:`dz_n = \big((\textstyle\sum_c q_{nc})\,\mathrm{softmax}(z_n) - q_n\big)
    \cdot dout / N` ("mean").

    Without weights and label smoothing :math:`\sum_c q_{nc} = 1`, and this is the
    familiar :math:`(\mathrm{softmax}(z_n) - \mathrm{onehot}(y_n)) / N`.
    Shapes: dout scalar ((N,) for "none") -> dlogits (N, C).

    Derived in notebooks/03_backpropagation.ipynb.
    """
    probs, q, total_weight, reduction = cache
    dlogits = q.sum(axis=1, keepdims=True) * probs - q
    if reduction == "none":
        return dlogits * dout[:, None]  # one dout per sample
    if reduction == "mean":
        dlogits = dlogits / total_weight
    return dlogits * dout
