"""RMSprop: divide each gradient by a running root-mean-square of its history.

Taught in notebooks/05_optimizers.ipynb.
"""

from __future__ import annotations

import numpy as np

from course_lib import checks
from course_lib.optim.fused import fused_rmsprop
from course_lib.optim.optimizer import Optimizer


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, Lecture 6e of "Neural Networks for Machine Learning", 2012;
    centered form: Graves, "Generating Sequences With Recurrent Neural Networks", 2013),
    as ``torch.optim.RMSprop``.

    For each parameter :math:`p` with gradient :math:`g_t`:

    .. math::
        g_t &\leftarrow g_t + \lambda p_{t-1}                && \text{(weight decay)} \\
        s_t &= \alpha s_{t-1} + (1 - \alpha) g_t^2              && (s_0 = 0) \\
        \bar g_t &= \alpha \bar g_{t-1} + (1 - \alpha) g_t      && \text{(centered only)} \\
        r_t &= \sqrt{s_t} + \epsilon \ \text{ or, centered, } \sqrt{s_t - \bar g_t^2} + \epsilon \\
        b_t &= \mu b_{t-1} + g_t / r_t, \quad p_t = p_{t-1} - \eta b_t && (\mu > 0) \\
        p_t &= p_{t-1} - \eta\, g_t / r_t                       && \text{(otherwise)}

    Args:
        params: the parameters, e.g. ``model.parameters()``, or a list of
            parameter groups (dicts, see :class:`Optimizer`).
        lr: learning rate :math:`\eta` (default 0.01, as PyTorch).
        alpha: smoothing constant :math:`\alpha` in [0, 1).
        eps: :math:`\epsilon` added to the denominator (>= 0).
        weight_decay: L2 penalty :math:`\lambda` added to the gradient (>= 0).
        momentum: :math:`\mu` (>= 0).
        centered: divide by an estimate of the gradient's standard deviation
            instead of its root mean square.
        fused: run the same rule written in place (``course_lib/optim/fused.py``),
            which is faster on large models and equal to round-off.

    State: ``state[p]`` holds ``"square_avg"`` (:math:`s`), with ``centered``
    ``"grad_avg"`` (:math:`\bar g`) and with momentum ``"momentum_buffer"``
    (:math:`b`), each with the shape and dtype of ``p``.

    Example:
        >>> import numpy as np
        >>> from course_lib import nn
        >>> model = nn.Linear(3, 1, rng=0)
        >>> loss_fn = nn.MSELoss()
        >>> optimizer = RMSprop(model.parameters(), lr=0.01, centered=True)
        >>> x, y = np.ones((4, 3), dtype=np.float32), np.zeros((4, 1), dtype=np.float32)
        >>> loss = loss_fn(model(x), y)
        >>> _ = model.backward(loss_fn.backward())
        >>> optimizer.step()
        >>> optimizer.zero_grad()
        >>> loss_fn(model(x), y) < loss
        True
        >>> sorted(optimizer.state[model.weight])
        ['grad_avg', 'square_avg']

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False, *,
                 fused: bool = False):
        defaults = {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay,
                    "momentum": momentum, "centered": centered, "fused": fused}
        super().__init__(params, defaults)

    def check_group(self, group: dict, where: str) -> None:
        group["alpha"] = checks.number(group["alpha"], "alpha", where, low=0, high=1,
                                       high_inclusive=False)
        group["eps"] = checks.number(group["eps"], "eps", where, low=0)
        group["weight_decay"] = checks.number(group["weight_decay"], "weight_decay", where, low=0)
        group["momentum"] = checks.number(group["momentum"], "momentum", where, low=0)
        group["centered"], group["fused"] = bool(group["centered"]), bool(group["fused"])

    def update(self, p, state, group):
        lr, alpha, eps, mu = group["lr"], group["alpha"], group["eps"], group["momentum"]
        wd = group["weight_decay"]
        g = p.grad
        if wd != 0:
            g = g + wd * p.data
        if not state:  # p's first step: every average starts at zero
            state["square_avg"] = np.zeros_like(p.data)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p.data)
            if mu != 0:
                state["momentum_buffer"] = np.zeros_like(p.data)
        state["square_avg"] = alpha * state["square_avg"] + (1 - alpha) * g**2
        if group["centered"]:
            state["grad_avg"] = alpha * state["grad_avg"] + (1 - alpha) * g
            r = np.sqrt(state["square_avg"] - state["grad_avg"] ** 2) + eps
        else:
            r = np.sqrt(state["square_avg"]) + eps
        if mu != 0:
            state["momentum_buffer"] = mu * state["momentum_buffer"] + g / r
            p.data -= lr * state["momentum_buffer"]
        else:
            p.data -= lr * g / r

    fused_update = fused_rmsprop  # the same rule written in place, for fused=True
