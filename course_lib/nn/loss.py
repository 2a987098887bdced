"""Loss modules: ``loss = loss_fn(pred, target)`` is a float, ``loss_fn.backward()``
returns d loss / d pred, the gradient that starts the backward pass.

A training step reads::

    loss = loss_fn(model(x), y)
    model.backward(loss_fn.backward())
    optimizer.step()
    optimizer.zero_grad()

Taught in notebooks/03_backpropagation.ipynb (MSE and cross-entropy, as functions);
the modules are used from chapter 04 on, L1 and Huber in notebooks/07_regression.ipynb, the binary
cross-entropies and the class weights in chapter 08.
"""

from __future__ import annotations

import numpy as np

from course_lib import checks
from course_lib.nn.functional import _boundary
from course_lib.nn.functional import loss as F
from course_lib.nn.module import Module


class _Loss(Module):
    """What every loss shares: the reduction, and the float (or array) that forward returns."""

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        self.reduction = checks.choice(reduction, _boundary.REDUCTIONS, "reduction",
                                       type(self).__name__)

    def _result(self, loss, cache):
        self._remember(np.asarray(loss), cache)
        return loss if self.reduction == "none" else float(loss)

    def _dout(self, dout) -> np.ndarray:
        """dout of the loss's shape: a scalar, or one value per loss for reduction="none"."""
        checks.forward_ran(self._out_shape is not None, self)
        dout = np.asarray(dout)
        if dout.shape != self._out_shape:
            raise ValueError(
                f"{self!r}: backward() got dout of shape {dout.shape}, expected "
                f"{self._out_shape} (the shape of the loss with reduction={self.reduction!r}); "
                f"broadcasting it would be a silent bug")
        return dout.astype(self._out_dtype)

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
    is refused; PyTorch broadcasts them to (N, N) with a warning and returns a
    wrong loss). reduction: "mean" (default), "sum" or "none".

    Example:
        >>> MSELoss()(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
        2.5

    Taught in notebooks/07_regression.ipynb.
    """

    def forward(self, pred, target):
        pred, target = checks.same_shape(pred, target, "MSELoss")
        return self._result(*F.mse_loss_forward(pred, target, self.reduction))

    def backward(self, dout=1.0):
        return F.mse_loss_backward(self._dout(dout), self.cache)


class L1Loss(_Loss):
    r"""Mean absolute error :math:`\frac{1}{n}\sum_i |\hat y_i - y_i|`, as ``torch.nn.L1Loss``.

    Shapes as ``MSELoss``. Taught in notebooks/07_regression.ipynb.
    """

    def forward(self, pred, target):
        pred, target = checks.same_shape(pred, target, "L1Loss")
        return self._result(*F.l1_loss_forward(pred, target, self.reduction))

    def backward(self, dout=1.0):
        return F.l1_loss_backward(self._dout(dout), self.cache)


class HuberLoss(_Loss):
    r"""Huber loss (quadratic for :math:`|r| \le \delta`, linear beyond), as ``torch.nn.HuberLoss``.

    Shapes as ``MSELoss``; ``delta > 0``.
    Taught in notebooks/07_regression.ipynb.
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction)
        self.delta = checks.number(delta, "delta", "HuberLoss", low=0, low_inclusive=False)

    def forward(self, pred, target):
        pred, target = checks.same_shape(pred, target, "HuberLoss")
        return self._result(*F.huber_loss_forward(pred, target, self.reduction, self.delta))

    def backward(self, dout=1.0):
        return F.huber_loss_backward(self._dout(dout), self.cache)

    def extra_repr(self) -> str:
        parts = [super().extra_repr(), "" if self.delta == 1.0 else f"delta={self.delta}"]
        return ", ".join(part for part in parts if part)


class BCELoss(_Loss):
    r"""Binary cross-entropy on probabilities, as ``torch.nn.BCELoss``:
    :math:`-[y \log p + (1 - y) \log(1 - p)]`, the logs clamped at -100.

    For a network that ends in ``Sigmoid()``. Without that final sigmoid,
    :class:`BCEWithLogitsLoss` on the logits is more accurate and never saturates.

    Shapes: probabilities and targets of the same shape, e.g. (N, 1); both in [0, 1].

    Example:
        >>> round(BCELoss()(np.array([0.9, 0.2]), np.array([1.0, 0.0])), 4)
        0.1643

    Taught in notebooks/08_classification.ipynb.
    """

    def forward(self, probs, target):
        arguments = {"probs": probs, "target": target, "reduction": self.reduction}
        _boundary.binary_cross_entropy_forward(arguments, "BCELoss")
        return self._result(*F.binary_cross_entropy_forward(
            arguments["probs"], arguments["target"], self.reduction))

    def backward(self, dout=1.0):
        return F.binary_cross_entropy_backward(self._dout(dout), self.cache)


class BCEWithLogitsLoss(_Loss):
    r"""Binary cross-entropy on logits (sigmoid included, computed stably), as
    ``torch.nn.BCEWithLogitsLoss``.

    Args:
        reduction: "mean", "sum" or "none".
        pos_weight: weight of the positive examples' loss, one number or one
            per output column (class imbalance: with 1 positive in 10, 9).

    Shapes: logits and target of the same shape, e.g. (N, 1) and (N, 1);
    target values in [0, 1].

    Example:
        >>> round(BCEWithLogitsLoss(pos_weight=3.0)(np.zeros(2), np.array([0.0, 1.0])), 4)
        1.3863

    Taught in notebooks/08_classification.ipynb.
    """

    def __init__(self, reduction: str = "mean", *, pos_weight=None):
        super().__init__(reduction)
        if pos_weight is not None:
            pos_weight = np.array(pos_weight)
            pos_weight = _boundary.positive_weight(pos_weight, np.zeros((1, pos_weight.size)),
                                                   "BCEWithLogitsLoss").astype(float)
        self.pos_weight = pos_weight

    def forward(self, logits, target):
        logits, target = checks.probability_targets(logits, target, "BCEWithLogitsLoss")
        pos_weight = None
        if self.pos_weight is not None:
            pos_weight = _boundary.positive_weight(self.pos_weight, logits, "BCEWithLogitsLoss")
        return self._result(*F.binary_cross_entropy_with_logits_forward(
            logits, target, self.reduction, pos_weight=pos_weight))

    def backward(self, dout=1.0):
        return F.binary_cross_entropy_with_logits_backward(self._dout(dout), self.cache)

    def extra_repr(self) -> str:
        parts = [super().extra_repr(),
                 "" if self.pos_weight is None else f"pos_weight={self.pos_weight.tolist()}"]
        return ", ".join(part for part in parts if part)


class CrossEntropyLoss(_Loss):
    r"""Softmax cross-entropy on logits with class-index targets, as ``torch.nn.CrossEntropyLoss``.

    Args:
        weight: optional weight of each class, shape (C,) (class imbalance);
            "mean" then divides by the summed weights of the targets, as PyTorch.
        reduction: "mean", "sum" or "none".
        label_smoothing: :math:`\varepsilon` in [0, 1]: the target puts
            :math:`1 - \varepsilon` on the right class plus :math:`\varepsilon / C` on every class.

    Shapes: logits (N, C) (the last Linear's output, no softmax before it);
    target (N,) integers in 0..C-1 (not one-hot: use ``y.argmax(axis=1)``).

    Example:
        >>> loss_fn = CrossEntropyLoss()
        >>> round(loss_fn(np.zeros((2, 4)), np.array([0, 3])), 4)   # log(4)
        1.3863

    Taught in notebooks/08_classification.ipynb.
    """

    def __init__(self, weight=None, reduction: str = "mean", label_smoothing: float = 0.0):
        super().__init__(reduction)
        self.label_smoothing = checks.number(label_smoothing, "label_smoothing",
                                             "CrossEntropyLoss", low=0, high=1)
        if weight is not None:
            weight = np.array(weight)
            weight = _boundary.class_weights(weight, weight.size, float, "CrossEntropyLoss")
        self.weight = weight

    def forward(self, logits, target):
        logits, target = checks.class_indices(logits, target, "CrossEntropyLoss")
        weight = None
        if self.weight is not None:
            weight = _boundary.class_weights(self.weight, logits.shape[1], logits.dtype,
                                             "CrossEntropyLoss")
        return self._result(*F.cross_entropy_forward(
            logits, target, self.reduction, weight=weight, label_smoothing=self.label_smoothing))

    def backward(self, dout=1.0):
        return F.cross_entropy_backward(self._dout(dout), self.cache)

    def extra_repr(self) -> str:
        parts = [super().extra_repr(),
                 "" if self.weight is None else f"weight={self.weight.tolist()}",
                 "" if self.label_smoothing == 0 else f"label_smoothing={self.label_smoothing}"]
        return ", ".join(part for part in parts if part)
