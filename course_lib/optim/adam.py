"""Adam and AdamW: momentum plus a per-coordinate step size, with bias correction.

Taught in notebooks/05_optimizers.ipynb.
"""

from __future__ import annotations

import numpy as np

from course_lib import checks
from course_lib.optim.fused import fused_adam
from course_lib.optim.optimizer import Optimizer


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015),
    as ``torch.optim.Adam``.

    For each parameter :math:`p` with gradient :math:`g_t` at step :math:`t = 1, 2, \dots`:

    .. math::
        g_t &\leftarrow g_t + \lambda p_{t-1}          && \text{(L2 weight decay)} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t     && (m_0 = 0) \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2   && (v_0 = 0) \\
        \hat m_t &= m_t / (1 - \beta_1^t), \quad \hat v_t = v_t / (1 - \beta_2^t) \\
        p_t &= p_{t-1} - \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    :math:`\hat m` and :math:`\hat v` are the bias-corrected moments: :math:`m`
    and :math:`v` start at zero, so early on they underestimate the moments,
    by the factors :math:`1 - \beta^t`. (PyTorch computes the same
    :math:`\epsilon` placement as :math:`\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon`.)

    Args:
        params: the parameters, e.g. ``model.parameters()``, or a list of
            parameter groups (dicts, see :class:`Optimizer`).
        lr: learning rate :math:`\eta` (default 1e-3).
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1).
        eps: :math:`\epsilon` (>= 0).
        weight_decay: :math:`\lambda` (>= 0). Added to the gradient (an L2
            penalty, which Adam then rescales), unless ``decoupled_weight_decay``.
        decoupled_weight_decay: shrink the parameters directly instead, as
            :class:`AdamW` does.
        fused: run the same rule written in place (``course_lib/optim/fused.py``),
            which is faster on large models and equal to round-off.

    State: ``state[p]`` holds ``"step"`` (:math:`t`), ``"exp_avg"``
    (:math:`m`) and ``"exp_avg_sq"`` (:math:`v`), the arrays with the shape
    and dtype of ``p`` (float32 stays float32).

    Example:
        >>> import numpy as np
        >>> from course_lib import nn
        >>> model = nn.Linear(3, 1, rng=0)
        >>> loss_fn = nn.MSELoss()
        >>> optimizer = Adam(model.parameters(), lr=0.01)
        >>> x, y = np.ones((4, 3), dtype=np.float32), np.zeros((4, 1), dtype=np.float32)
        >>> loss = loss_fn(model(x), y)
        >>> _ = model.backward(loss_fn.backward())
        >>> optimizer.step()
        >>> optimizer.zero_grad()
        >>> loss_fn(model(x), y) < loss
        True
        >>> state = optimizer.state[model.weight]
        >>> sorted(state), state["step"], state["exp_avg"].dtype
        (['exp_avg', 'exp_avg_sq', 'step'], 1, dtype('float32'))

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, *,
                 decoupled_weight_decay: bool = False, fused: bool = False):
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "fused": fused}
        super().__init__(params, defaults)

    def check_group(self, group: dict, where: str) -> None:
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"{where}: betas must be a pair (beta1, beta2), got {betas!r}")
        group["betas"] = (
            checks.number(betas[0], "beta1 (betas[0])", where, low=0, high=1, high_inclusive=False),
            checks.number(betas[1], "beta2 (betas[1])", where, low=0, high=1, high_inclusive=False))
        group["eps"] = checks.number(group["eps"], "eps", where, low=0)
        group["weight_decay"] = checks.number(group["weight_decay"], "weight_decay", where, low=0)
        group["decoupled_weight_decay"] = bool(group["decoupled_weight_decay"])
        group["fused"] = bool(group["fused"])

    def update(self, p, state, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd = group["weight_decay"]
        g = p.grad
        if wd != 0 and group["decoupled_weight_decay"]:
            p.data -= lr * wd * p.data  # AdamW: shrink p, leave the gradient alone
        elif wd != 0:
            g = g + wd * p.data
        if not state:  # p's first step: the moments start at zero
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p.data)
            state["exp_avg_sq"] = np.zeros_like(p.data)
        state["step"] += 1
        state["exp_avg"] = beta1 * state["exp_avg"] + (1 - beta1) * g            # m_t
        state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * g**2   # v_t
        m_hat = state["exp_avg"] / (1 - beta1 ** state["step"])
        v_hat = state["exp_avg_sq"] / (1 - beta2 ** state["step"])
        p.data -= lr * m_hat / (np.sqrt(v_hat) + eps)

    fused_update = fused_adam  # the same rule written in place, for fused=True


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight
    Decay Regularization", ICLR 2019), as ``torch.optim.AdamW``.

    Before the Adam step, every parameter shrinks by a fixed fraction,

    .. math::
        p_{t-1} \leftarrow p_{t-1} - \eta \lambda\, p_{t-1},

    and the gradient is left alone. With :class:`Adam`'s ``weight_decay`` the
    decay goes through :math:`g` and is divided by :math:`\sqrt{\hat v}`, so
    parameters with large gradients are barely decayed; here all decay alike.
    Everything else is :class:`Adam` (``Adam(..., decoupled_weight_decay=True)``);
    the default ``weight_decay`` is 0.01, as PyTorch's.

    Example:
        >>> import numpy as np
        >>> from course_lib import nn
        >>> model = nn.Linear(3, 1, rng=0)
        >>> optimizer = AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
        >>> optimizer.param_groups[0]["decoupled_weight_decay"]
        True

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, *, fused: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         decoupled_weight_decay=True, fused=fused)
