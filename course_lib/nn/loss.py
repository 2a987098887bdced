"""Loss modules: ``loss = loss_fn(pred, target)`` is a float, ``loss_fn.backward()``
returns d loss / d pred, the gradient that starts the backward pass.

A training step reads::

    loss = loss_fn(model(x), y)
    model.backward(loss_fn.backward())
    optimizer.step()
    optimizer.zero_grad()

Taught in notebooks/03_backpropagation.ipynb (MSE, cross-entropy),
notebooks/07_regression.ipynb (L1, Huber) and
notebooks/08_classification.ipynb (binary cross-entropy).
"""

from __future__ import annotations

import numpy as np

from course_lib.nn import functional as F
from course_lib.nn._validation import (
    FORWARD_NOT_RUN,
    binary_target,
    check_number,
    check_reduction,
    class_index_target,
    regression_target,
    require_cache,
)
from course_lib.nn.module import Module


class _Loss(Module):
    """Shared plumbing: the reduction, the cache, the float returned by forward."""

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        self.reduction = check_reduction(reduction, type(self).__name__)
        self._cache = FORWARD_NOT_RUN

    def _result(self, loss, cache):
        self._cache = cache
        return loss if self.reduction == "none" else float(loss)

    def _last_cache(self):
        return require_cache(self, self._cache)

    def backward(self, dout=1.0) -> np.ndarray:
        """d loss / d pred, of pred's shape: the gradient that starts the backward pass.

        ``dout`` scales it; leave it at 1.0 when the loss is the end of the
        computation (an array of the loss's shape for reduction="none").
        """
        raise NotImplementedError

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    r"""Mean squared error :math:`\frac{1}{n}\sum_i (\hat y_i - y_i)^2`, as ``torch.nn.MSELoss``.

    Shapes: pred and target of the SAME shape (pred (N, 1) with target (N,)
    is refused, where PyTorch would silently broadcast them to (N, N)).
    reduction: "mean" (default), "sum" or "none".

    Example:
        >>> MSELoss()(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
        2.5

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def forward(self, pred, target):
        pred, target = regression_target(pred, target, "MSELoss")
        return self._result(*F.mse_loss_forward(pred, target, self.reduction))

    def backward(self, dout=1.0):
        return F.mse_loss_backward(dout, self._last_cache())


class L1Loss(_Loss):
    r"""Mean absolute error :math:`\frac{1}{n}\sum_i |\hat y_i - y_i|`, as ``torch.nn.L1Loss``.

    Shapes as ``MSELoss``. Taught in notebooks/07_regression.ipynb.
    """

    def forward(self, pred, target):
        pred, target = regression_target(pred, target, "L1Loss")
        return self._result(*F.l1_loss_forward(pred, target, self.reduction))

    def backward(self, dout=1.0):
        return F.l1_loss_backward(dout, self._last_cache())


class HuberLoss(_Loss):
    r"""Huber loss (quadratic for :math:`|r| \le \delta`, linear beyond), as ``torch.nn.HuberLoss``.

    Shapes as ``MSELoss``; ``delta > 0``. Taught in notebooks/07_regression.ipynb.
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction)
        self.delta = check_number(delta, "delta", "HuberLoss", low=0.0, low_inclusive=False)

    def forward(self, pred, target):
        pred, target = regression_target(pred, target, "HuberLoss")
        return self._result(*F.huber_loss_forward(pred, target, self.reduction, self.delta))

    def backward(self, dout=1.0):
        return F.huber_loss_backward(dout, self._last_cache())

    def extra_repr(self) -> str:
        parts = [super().extra_repr(), "" if self.delta == 1.0 else f"delta={self.delta}"]
        return ", ".join(part for part in parts if part)


class BCEWithLogitsLoss(_Loss):
    r"""Binary cross-entropy on logits (sigmoid included, computed stably), as
    ``torch.nn.BCEWithLogitsLoss``.

    Shapes: logits and target of the same shape, e.g. (N, 1) and (N, 1);
    target values in [0, 1]. Taught in notebooks/08_classification.ipynb.
    """

    def forward(self, logits, target):
        logits, target = binary_target(logits, target, "BCEWithLogitsLoss")
        return self._result(*F.binary_cross_entropy_with_logits_forward(logits, target,
                                                                         self.reduction))

    def backward(self, dout=1.0):
        return F.binary_cross_entropy_with_logits_backward(dout, self._last_cache())


class CrossEntropyLoss(_Loss):
    r"""Softmax cross-entropy on logits with class-index targets, as ``torch.nn.CrossEntropyLoss``.

    Shapes: logits (N, C) (the last Linear's output, no softmax before it);
    target (N,) integers in 0..C-1 (not one-hot: use ``y.argmax(axis=1)``).

    Example:
        >>> loss_fn = CrossEntropyLoss()
        >>> round(loss_fn(np.zeros((2, 4)), np.array([0, 3])), 4)   # log(4)
        1.3863

    Taught in notebooks/03_backpropagation.ipynb.
    """

    def forward(self, logits, target):
        logits, target = class_index_target(logits, target, "CrossEntropyLoss")
        return self._result(*F.cross_entropy_forward(logits, target, self.reduction))

    def backward(self, dout=1.0):
        return F.cross_entropy_backward(dout, self._last_cache())
