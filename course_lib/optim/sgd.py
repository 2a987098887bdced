"""Stochastic gradient descent with optional momentum, Nesterov and weight decay.

Taught in notebooks/05_optimizers.ipynb.
"""

from __future__ import annotations

import numpy as np

from course_lib.nn.module import Parameter
from course_lib.optim.optimizer import Optimizer, ParamState, check_hyperparameter


class SGDState(ParamState):
    """``momentum_buffer`` (None until the first step) and a scratch array.

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, p: Parameter):
        self.momentum_buffer: np.ndarray | None = None
        self.scratch = np.empty_like(p.data)


class SGD(Optimizer):
    r"""Stochastic gradient descent, with PyTorch's momentum convention.

    For each parameter :math:`p` with gradient :math:`g_t` at step :math:`t`:

    .. math::
        g_t &\leftarrow g_t + \lambda p_{t-1}             && \text{(weight decay } \lambda) \\
        v_t &= \mu v_{t-1} + (1 - \tau) g_t               && (v_1 = g_1) \\
        d_t &= g_t + \mu v_t \ \text{(Nesterov) or } v_t \ \text{(classical momentum)} \\
        p_t &= p_{t-1} - \eta\, d_t

    with learning rate :math:`\eta`, momentum :math:`\mu` and dampening
    :math:`\tau`. Without momentum this is plain gradient descent,
    :math:`p \leftarrow p - \eta g`.

    The other convention (Sutskever et al. 2013, many textbooks) keeps the
    learning rate inside the velocity, :math:`u_t = \mu u_{t-1} - \eta g_t`,
    :math:`p_t = p_{t-1} + u_t`. With a constant learning rate both give the
    same parameters (:math:`u_t = -\eta v_t`). They differ when the learning
    rate changes (a schedule): here a new :math:`\eta` rescales the whole
    accumulated velocity at once, there it only applies to new gradients.

    Args:
        params: the parameters, e.g. ``model.parameters()`` (a list or generator).
        lr: learning rate :math:`\eta` (>= 0).
        momentum: :math:`\mu` (>= 0); 0 disables momentum.
        dampening: :math:`\tau` in [0, 1] (PyTorch's argument; 0 by default).
        weight_decay: :math:`\lambda` (>= 0), an L2 penalty
            :math:`\tfrac{\lambda}{2}\lVert p \rVert^2` added through the gradient.
        nesterov: use Nesterov's look-ahead (needs momentum > 0 and no dampening).

    Shapes: every state array has the shape and dtype of its parameter.

    Example:
        >>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> loss = loss_fn(model(x), y)
        >>> model.backward(loss_fn.backward())
        >>> opt.step()
        >>> opt.zero_grad()

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False):
        super().__init__(params, lr)
        self.momentum = check_hyperparameter("SGD", "momentum", momentum)
        self.dampening = check_hyperparameter("SGD", "dampening", dampening, high=1.0,
                                              high_inclusive=True)
        self.weight_decay = check_hyperparameter("SGD", "weight_decay", weight_decay)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                f"SGD: nesterov=True needs momentum > 0 and dampening = 0; got "
                f"momentum={momentum!r}, dampening={dampening!r}."
            )

    def init_state(self, p: Parameter) -> SGDState:
        return SGDState(p)

    def update(self, p: Parameter, state: SGDState, lr: float) -> None:
        grad = p.grad
        if self.weight_decay != 0:
            grad = np.multiply(p.data, self.weight_decay, out=state.scratch)
            grad += p.grad
        if self.momentum != 0:
            if state.momentum_buffer is None:
                state.momentum_buffer = grad.copy()  # v_1 = g_1, as in PyTorch
            else:
                buf = state.momentum_buffer
                buf *= self.momentum
                buf += grad if self.dampening == 0 else (1.0 - self.dampening) * grad
            if self.nesterov:
                grad = grad + self.momentum * state.momentum_buffer
            else:
                grad = state.momentum_buffer
        step = np.multiply(grad, lr, out=state.scratch)
        p.data -= step

    def hyperparameters(self) -> dict[str, object]:
        return {"lr": self.lr, "momentum": self.momentum, "dampening": self.dampening,
                "weight_decay": self.weight_decay, "nesterov": self.nesterov}
