"""Batch normalisation over the batch axis of (N, C) inputs.

Taught in notebooks/06_regularization.ipynb.
"""

from __future__ import annotations

import numpy as np


def batch_norm_forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray,
                       running_mean: np.ndarray, running_var: np.ndarray, *,
                       training: bool = True, momentum: float = 0.1, eps: float = 1e-5):
    r"""Batch norm :math:`y = \gamma \hat x + \beta` with
    :math:`\hat x = (x - \mu) / \sqrt{\sigma^2 + \epsilon}`, per feature (column).

    In training, :math:`\mu` and :math:`\sigma^2` are the mean and the biased
    variance of the batch, and the running statistics are updated in place, as
    ``torch.nn.functional.batch_norm`` does:
    :math:`r \leftarrow (1 - \text{momentum})\, r + \text{momentum}\, s`, with the
    *unbiased* batch variance :math:`\sigma^2 N / (N - 1)` for ``running_var``.
    In evaluation (``training=False``) :math:`\mu, \sigma^2` are the running
    statistics, which stay unchanged.

    Shapes:
        x: (N, C), N >= 2 in training; weight (gamma), bias (beta),
        running_mean, running_var: (C,). Without a learned affine transform
        pass ``np.ones(C)`` and ``np.zeros(C)``. Returns out: (N, C) and the
        cache ``(x_hat, inv_std, weight, training)``.

    Example:
        >>> x = np.array([[1.0], [3.0]])
        >>> out, _ = batch_norm_forward(x, np.ones(1), np.zeros(1), np.zeros(1), np.ones(1))
        >>> out.round(4)
        array([[-1.],
               [ 1.]])

    Taught in notebooks/06_regularization.ipynb (Ioffe & Szegedy, 2015).
    """
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)
        n = len(x)
        running_mean[...] = (1 - momentum) * running_mean + momentum * mean
        running_var[...] = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    else:
        mean, var = running_mean, running_var
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    out = weight * x_hat + bias
    return out, (x_hat, inv_std, weight, training)


def batch_norm_backward(dout: np.ndarray, cache):
    r"""Gradients of batch norm. Returns ``(dx, dweight, dbias)``.

    .. math::
        d\beta = \textstyle\sum_n dout_n, \quad
        d\gamma = \textstyle\sum_n dout_n \hat x_n, \quad
        d\hat x = \gamma\, dout

    In training the statistics depend on x, which gives
    :math:`dx = \frac{1}{\sqrt{\sigma^2+\epsilon}}\left(d\hat x - \overline{d\hat x}
    - \hat x\, \overline{d\hat x \hat x}\right)` (bars: means over the batch);
    in evaluation :math:`dx = d\hat x / \sqrt{\sigma^2+\epsilon}`.

    Shapes: dout (N, C) -> dx (N, C), dweight (C,), dbias (C,).

    Derived in notebooks/06_regularization.ipynb.
    """
    x_hat, inv_std, weight, training = cache
    dbias = dout.sum(axis=0)
    dweight = (dout * x_hat).sum(axis=0)
    dx_hat = dout * weight
    if training:
        dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))
    else:
        dx = dx_hat * inv_std
    return dx, dweight, dbias
