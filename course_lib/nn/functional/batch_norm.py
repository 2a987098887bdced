"""Batch normalisation over the batch axis of (N, C) inputs.

Taught in notebooks/06_regularization.ipynb.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class BatchNormCache(NamedTuple):
    """What ``batch_norm_backward`` needs, and the batch statistics a module
    uses to update its running averages (``mean`` and biased ``var``, both
    None in evaluation mode).

    Taught in notebooks/06_regularization.ipynb.
    """

    x_hat: np.ndarray
    inv_std: np.ndarray
    weight: np.ndarray | None
    has_bias: bool
    training: bool
    mean: np.ndarray | None
    var: np.ndarray | None


def batch_norm_forward(x: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None,
                       running_mean: np.ndarray | None = None,
                       running_var: np.ndarray | None = None, *,
                       training: bool = True, eps: float = 1e-5):
    r"""Batch norm :math:`y = \gamma \hat x + \beta`.

    :math:`\hat x = (x - \mu) / \sqrt{\sigma^2 + \epsilon}`, per feature (column).

    In training, :math:`\mu` and :math:`\sigma^2` are the mean and the biased
    variance of the batch, per feature (the batch must have N >= 2). In
    evaluation (``training=False``) they are ``running_mean`` and
    ``running_var``. This function does not update the running statistics:
    the cache returns the batch statistics so that the caller can (see
    ``course_lib.nn.BatchNorm1d``).

    Shapes:
        x: (N, C); weight (gamma), bias (beta), running_mean, running_var:
        (C,) (weight and bias may be None: no affine transform). Returns
        out: (N, C) and a ``BatchNormCache``.

    Taught in notebooks/06_regularization.ipynb (Ioffe & Szegedy, 2015).
    """
    if training:
        if x.shape[0] < 2:
            raise ValueError(
                f"batch_norm_forward in training mode needs at least 2 samples per feature to "
                f"compute batch statistics, got a batch of shape {x.shape}"
            )
        mean = x.mean(axis=0)
        centered = x - mean
        var = (centered * centered).mean(axis=0)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm_forward with training=False needs running_mean and "
                             "running_var")
        mean, var = None, None
        centered = x - running_mean
    inv_std = 1 / np.sqrt((var if training else running_var) + eps)
    x_hat = centered * inv_std
    out = x_hat if weight is None else x_hat * weight
    if bias is not None:
        out = out + bias
    return out, BatchNormCache(x_hat, inv_std, weight, bias is not None, training, mean, var)


def batch_norm_backward(dout: np.ndarray, cache: BatchNormCache, *, input_grad: bool = True):
    r"""Gradients of batch norm. Returns ``(dx, dweight, dbias)``.

    .. math::
        d\beta = \textstyle\sum_n dout_n, \quad
        d\gamma = \textstyle\sum_n dout_n \hat x_n, \quad
        d\hat x = \gamma\, dout

    In training the statistics depend on x, which gives
    :math:`dx = \frac{1}{\sqrt{\sigma^2+\epsilon}}\left(d\hat x - \overline{d\hat x}
    - \hat x\, \overline{d\hat x \hat x}\right)` (bars: means over the batch);
    in evaluation :math:`dx = d\hat x / \sqrt{\sigma^2+\epsilon}`.

    Shapes: dout (N, C) -> dx (N, C), dweight (C,), dbias (C,); dweight and
    dbias are None when the forward had no weight/bias, dx is None when
    ``input_grad=False``. Derived in notebooks/06_regularization.ipynb.
    """
    x_hat, inv_std, weight, has_bias, training, _, _ = cache
    dbias = dout.sum(axis=0) if has_bias else None
    dweight = (dout * x_hat).sum(axis=0) if weight is not None else None
    if not input_grad:
        return None, dweight, dbias
    dx_hat = dout if weight is None else dout * weight
    if training:
        dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))
    else:
        dx = dx_hat * inv_std
    return dx, dweight, dbias
