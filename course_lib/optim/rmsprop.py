"""RMSprop: divide each gradient by a running root-mean-square of its history.

Taught in notebooks/05_optimizers.ipynb.
"""

from __future__ import annotations

import numpy as np

from course_lib.nn.module import Parameter
from course_lib.optim.optimizer import Optimizer, ParamState, check_hyperparameter


class RMSpropState(ParamState):
    """``square_avg`` (and ``grad_avg``, ``momentum_buffer`` when used), all zeros at first.

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, p: Parameter, *, centered: bool, momentum: bool):
        self.square_avg = np.zeros_like(p.data)
        self.grad_avg = np.zeros_like(p.data) if centered else None
        self.momentum_buffer = np.zeros_like(p.data) if momentum else None
        self.scratch = np.empty_like(p.data)   # g + lambda p, when weight decay is used
        self.scratch2 = np.empty_like(p.data)  # g^2, then the denominator


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, Lecture 6e of "Neural Networks for Machine Learning", 2012).

    For each parameter :math:`p` with gradient :math:`g_t`:

    .. math::
        g_t &\leftarrow g_t + \lambda p_{t-1}                && \text{(weight decay)} \\
        s_t &= \alpha s_{t-1} + (1 - \alpha) g_t^2              && (s_0 = 0) \\
        \bar g_t &= \alpha \bar g_{t-1} + (1 - \alpha) g_t      && \text{(centered only)} \\
        r_t &= \sqrt{s_t} + \epsilon \ \text{ or, centered, } \sqrt{s_t - \bar g_t^2} + \epsilon \\
        b_t &= \mu b_{t-1} + g_t / r_t, \quad p_t = p_{t-1} - \eta b_t && (\mu > 0) \\
        p_t &= p_{t-1} - \eta\, g_t / r_t                       && \text{(otherwise)}

    Args:
        params: the parameters, e.g. ``model.parameters()``.
        lr: learning rate :math:`\eta` (default 0.01, as PyTorch).
        alpha: smoothing constant :math:`\alpha` in [0, 1).
        eps: :math:`\epsilon` added to the denominator (>= 0).
        weight_decay: L2 penalty :math:`\lambda` added to the gradient (>= 0).
        momentum: :math:`\mu` (>= 0).
        centered: divide by an estimate of the gradient's variance instead of
            its uncentered second moment.

    Shapes: every state array has the shape and dtype of its parameter.

    Example:
        >>> opt = RMSprop(model.parameters(), lr=1e-3)

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False):
        super().__init__(params, lr)
        self.alpha = check_hyperparameter("RMSprop", "alpha", alpha, high=1.0)
        self.eps = check_hyperparameter("RMSprop", "eps", eps)
        self.weight_decay = check_hyperparameter("RMSprop", "weight_decay", weight_decay)
        self.momentum = check_hyperparameter("RMSprop", "momentum", momentum)
        self.centered = bool(centered)

    def init_state(self, p: Parameter) -> RMSpropState:
        return RMSpropState(p, centered=self.centered, momentum=self.momentum > 0)

    def update(self, p: Parameter, state: RMSpropState, lr: float) -> None:
        alpha = self.alpha
        grad = p.grad
        if self.weight_decay != 0:
            grad = np.multiply(p.data, self.weight_decay, out=state.scratch)
            grad += p.grad
        denom = state.scratch2
        # s = alpha s + (1 - alpha) g^2
        np.multiply(grad, grad, out=denom)
        denom *= 1.0 - alpha
        state.square_avg *= alpha
        state.square_avg += denom
        if self.centered:
            # g_avg = alpha g_avg + (1 - alpha) g;  denom = sqrt(s - g_avg^2)
            np.subtract(grad, state.grad_avg, out=denom)
            denom *= 1.0 - alpha
            state.grad_avg += denom
            np.multiply(state.grad_avg, state.grad_avg, out=denom)
            np.subtract(state.square_avg, denom, out=denom)
            np.sqrt(denom, out=denom)
        else:
            np.sqrt(state.square_avg, out=denom)
        denom += self.eps
        step = np.divide(grad, denom, out=denom)  # g / r
        if self.momentum > 0:
            state.momentum_buffer *= self.momentum
            state.momentum_buffer += step
            step = np.multiply(state.momentum_buffer, lr, out=denom)
        else:
            step *= lr
        p.data -= step

    def hyperparameters(self) -> dict[str, object]:
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps,
                "weight_decay": self.weight_decay, "momentum": self.momentum,
                "centered": self.centered}
