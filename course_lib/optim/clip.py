"""Gradient clipping by the total norm of all gradients.

Taught in notebooks/05_optimizers.ipynb (exploding gradients).
"""

from __future__ import annotations

import math

import numpy as np

from course_lib import checks
from course_lib.nn.module import Parameter


def clip_grad_norm_(params, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> float:
    r"""Rescale the gradients in place so that their total norm is at most ``max_norm``.

    The total norm treats all gradients as one long vector,

    .. math::
        \lVert g \rVert = \Big(\sum_i \lVert g_i \rVert_q^q\Big)^{1/q}
        \quad (\max_i \max |g_i| \text{ for } q = \infty),

    and every gradient is multiplied by
    :math:`c = \min(1, \text{max\_norm} / (\lVert g \rVert + 10^{-6}))`, so
    the direction of the update is kept and only its length shrinks.

    Args:
        params: a Parameter or an iterable of them, e.g. ``model.parameters()``.
        max_norm: the largest allowed total norm (>= 0).
        norm_type: :math:`q` (> 0), or ``float("inf")``.
        error_if_nonfinite: raise FloatingPointError if the total norm is NaN or infinite.

    Returns:
        float: the total norm *before* clipping (PyTorch returns it as a 0-d tensor).

    Used between ``model.backward(...)`` and ``optimizer.step()``.

    Example:
        >>> import numpy as np
        >>> from course_lib import nn
        >>> model = nn.Linear(2, 1, rng=0)
        >>> model.weight.grad[...] = [[3.0, 4.0]]          # and the bias's gradient is 0
        >>> clip_grad_norm_(model.parameters(), max_norm=1.0)
        5.0
        >>> round(float(np.linalg.norm(model.weight.grad)), 5)
        1.0

    Taught in notebooks/05_optimizers.ipynb.
    """
    if isinstance(params, Parameter):
        params = [params]
    params = list(params)
    max_norm = checks.number(max_norm, "max_norm", "clip_grad_norm_", low=0)
    if norm_type != math.inf:
        norm_type = checks.number(norm_type, "norm_type", "clip_grad_norm_", low=0,
                                  low_inclusive=False)
    if not params:
        return 0.0
    norms = [float(np.linalg.norm(p.grad.ravel(), ord=norm_type)) for p in params]
    if math.isinf(norm_type):
        total_norm = max(norms)
    else:
        total_norm = float(np.linalg.norm(np.array(norms), ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total_norm):
        raise FloatingPointError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
            f"{total_norm}, so they cannot be clipped. Look for NaN/inf in the loss or the "
            "inputs, or lower the learning rate."
        )
    clip_coef = max_norm / (total_norm + 1e-6)
    if clip_coef < 1.0:
        for p in params:
            p.grad *= clip_coef
    return total_norm
