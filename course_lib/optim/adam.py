"""Adam and AdamW: momentum plus a per-coordinate step size, with bias correction.

Taught in notebooks/05_optimizers.ipynb.
"""

from __future__ import annotations

import numpy as np

from course_lib.nn.module import Parameter
from course_lib.optim.optimizer import Optimizer, ParamState, check_hyperparameter


class AdamState(ParamState):
    """Step count, first and second moment estimates (zeros at first), scratch arrays.

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, p: Parameter, *, l2: bool):
        self.step = 0
        self.exp_avg = np.zeros_like(p.data)
        self.exp_avg_sq = np.zeros_like(p.data)
        self.scratch = np.empty_like(p.data)
        self.decayed_grad = np.empty_like(p.data) if l2 else None  # g + lambda p


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015).

    For each parameter :math:`p` with gradient :math:`g_t` at step :math:`t = 1, 2, \dots`:

    .. math::
        g_t &\leftarrow g_t + \lambda p_{t-1}          && \text{(L2 weight decay)} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t                && (m_0 = 0) \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2              && (v_0 = 0) \\
        p_t &= p_{t-1} - \frac{\eta}{1 - \beta_1^t}\,
               \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    The factors :math:`1 - \beta^t` are the bias correction: :math:`m` and
    :math:`v` start at zero, so early on they underestimate the moments. The
    formula is written exactly as PyTorch computes it (:math:`\epsilon` is
    added after dividing :math:`\sqrt{v_t}` by :math:`\sqrt{1 - \beta_2^t}`).

    Args:
        params: the parameters, e.g. ``model.parameters()``.
        lr: learning rate :math:`\eta` (default 1e-3).
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1).
        eps: :math:`\epsilon` (>= 0).
        weight_decay: :math:`\lambda` (>= 0), added to the gradient (an L2
            penalty, which Adam then rescales; see :class:`AdamW` for the
            decoupled form).

    Shapes: every state array has the shape and dtype of its parameter; the
    update runs in place in that dtype (float32 stays float32).

    Example:
        >>> opt = Adam(model.parameters(), lr=1e-3)

    Taught in notebooks/05_optimizers.ipynb.
    """

    decoupled_weight_decay = False

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(params, lr)
        owner = type(self).__name__
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise ValueError(
                f"{owner}: betas must be a pair (beta1, beta2), got {betas!r}") from None
        self.betas = (check_hyperparameter(owner, "beta1 (betas[0])", beta1, high=1.0),
                      check_hyperparameter(owner, "beta2 (betas[1])", beta2, high=1.0))
        self.eps = check_hyperparameter(owner, "eps", eps)
        self.weight_decay = check_hyperparameter(owner, "weight_decay", weight_decay)

    def init_state(self, p: Parameter) -> AdamState:
        l2 = self.weight_decay != 0 and not self.decoupled_weight_decay
        return AdamState(p, l2=l2)

    def update(self, p: Parameter, state: AdamState, lr: float) -> None:
        beta1, beta2 = self.betas
        state.step += 1
        grad = p.grad
        if self.weight_decay != 0:
            if self.decoupled_weight_decay:
                p.data *= 1.0 - lr * self.weight_decay
            else:
                grad = np.multiply(p.data, self.weight_decay, out=state.decayed_grad)
                grad += p.grad
        bias_correction1 = 1.0 - beta1**state.step
        bias_correction2_sqrt = (1.0 - beta2**state.step) ** 0.5
        step_size = lr / bias_correction1

        tmp, m, v = state.scratch, state.exp_avg, state.exp_avg_sq
        # m = beta1 m + (1 - beta1) g
        m *= beta1
        np.multiply(grad, 1.0 - beta1, out=tmp)
        m += tmp
        # v = beta2 v + (1 - beta2) g^2
        v *= beta2
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - beta2
        v += tmp
        # p -= step_size * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
        denom = np.sqrt(v, out=tmp)
        denom /= bias_correction2_sqrt
        denom += self.eps
        update = np.divide(m, denom, out=tmp)
        update *= step_size
        p.data -= update

    def hyperparameters(self) -> dict[str, object]:
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps,
                "weight_decay": self.weight_decay}


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight
    Decay Regularization", ICLR 2019).

    Before the Adam step, every parameter shrinks by a fixed fraction,

    .. math::
        p_{t-1} \leftarrow (1 - \eta \lambda)\, p_{t-1},

    and the gradient is left alone. With :class:`Adam`'s ``weight_decay`` the
    decay goes through :math:`g` and is divided by :math:`\sqrt{v}`, so
    parameters with large gradients are barely decayed; here all decay alike.
    Everything else is :class:`Adam`. PyTorch's default ``weight_decay`` is 0.01.

    Example:
        >>> opt = AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)

    Taught in notebooks/05_optimizers.ipynb.
    """

    decoupled_weight_decay = True

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
