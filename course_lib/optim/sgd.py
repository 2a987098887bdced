"""Stochastic gradient descent with optional momentum, Nesterov and weight decay.

Taught in notebooks/05_optimizers.ipynb.
"""

from __future__ import annotations

from course_lib import checks
from course_lib.optim.fused import fused_sgd
from course_lib.optim.optimizer import Optimizer


class SGD(Optimizer):
    r"""Stochastic gradient descent, with PyTorch's momentum convention (``torch.optim.SGD``).

    For each parameter :math:`p` with gradient :math:`g_t` at step :math:`t`:

    .. math::
        g_t &\leftarrow g_t + \lambda p_{t-1}             && \text{(weight decay } \lambda) \\
        v_t &= \mu v_{t-1} + (1 - \tau) g_t               && (v_1 = g_1) \\
        d_t &= g_t + \mu v_t \ \text{(Nesterov) or } v_t \ \text{(classical momentum)} \\
        p_t &= p_{t-1} - \eta\, d_t

    with learning rate :math:`\eta`, momentum :math:`\mu` and dampening
    :math:`\tau`. Without momentum this is plain gradient descent,
    :math:`p \leftarrow p - \eta g` (Robbins & Monro 1951; momentum: Polyak
    1964; Nesterov's form as in Sutskever et al., ICML 2013).

    The other convention (Sutskever et al. 2013, many textbooks) keeps the
    learning rate inside the velocity, :math:`u_t = \mu u_{t-1} - \eta g_t`,
    :math:`p_t = p_{t-1} + u_t`. With a constant learning rate both give the
    same parameters (:math:`u_t = -\eta v_t`). They differ when the learning
    rate changes (a schedule): here a new :math:`\eta` rescales the whole
    accumulated velocity at once, there it only applies to new gradients.

    Args:
        params: the parameters, e.g. ``model.parameters()``, or a list of
            parameter groups (dicts, see :class:`Optimizer`).
        lr: learning rate :math:`\eta` (>= 0).
        momentum: :math:`\mu` (>= 0); 0 disables momentum.
        dampening: :math:`\tau` in [0, 1] (0 by default).
        weight_decay: :math:`\lambda` (>= 0), an L2 penalty
            :math:`\tfrac{\lambda}{2}\lVert p \rVert^2` added through the gradient.
        nesterov: use Nesterov's look-ahead (needs momentum > 0 and no dampening).
        fused: run the same rule written in place (``course_lib/optim/fused.py``),
            which is faster on large models and equal to round-off.

    State: ``state[p]["momentum_buffer"]`` (:math:`v`, only with momentum),
    with the shape and dtype of ``p``.

    Example:
        >>> import numpy as np
        >>> from course_lib import nn
        >>> model = nn.Linear(3, 1, rng=0)
        >>> loss_fn = nn.MSELoss()
        >>> optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> x, y = np.ones((4, 3), dtype=np.float32), np.zeros((4, 1), dtype=np.float32)
        >>> loss = loss_fn(model(x), y)
        >>> _ = model.backward(loss_fn.backward())
        >>> optimizer.step()
        >>> optimizer.zero_grad()
        >>> loss_fn(model(x), y) < loss
        True
        >>> list(optimizer.state[model.weight])
        ['momentum_buffer']

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, *, fused: bool = False):
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "fused": fused}
        super().__init__(params, defaults)

    def check_group(self, group: dict, where: str) -> None:
        group["momentum"] = checks.number(group["momentum"], "momentum", where, low=0)
        group["dampening"] = checks.number(group["dampening"], "dampening", where, low=0, high=1)
        group["weight_decay"] = checks.number(group["weight_decay"], "weight_decay", where, low=0)
        group["nesterov"], group["fused"] = bool(group["nesterov"]), bool(group["fused"])
        if group["nesterov"] and (group["momentum"] == 0 or group["dampening"] != 0):
            raise ValueError(f"{where}: nesterov=True needs momentum > 0 and dampening = 0; got "
                             f"momentum={group['momentum']}, dampening={group['dampening']}")

    def update(self, p, state, group):
        lr, mu, tau, wd = group["lr"], group["momentum"], group["dampening"], group["weight_decay"]
        g = p.grad
        if wd != 0:
            g = g + wd * p.data
        if mu != 0:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = g.copy()  # v_1 = g_1 (a copy: zero_grad clears p.grad)
            else:
                state["momentum_buffer"] = mu * state["momentum_buffer"] + (1 - tau) * g
            v = state["momentum_buffer"]
            g = g + mu * v if group["nesterov"] else v
        p.data -= lr * g

    fused_update = fused_sgd  # the same rule written in place, for fused=True
