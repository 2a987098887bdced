"""The built-in update rules written in place, for speed (``fused=True``).

No notebook prints this module: the update rules to read are the ``update``
methods of :class:`~course_lib.optim.SGD`, :class:`~course_lib.optim.RMSprop`
and :class:`~course_lib.optim.Adam`. These functions compute the same numbers
(equal to round-off, tested in tests/unit/test_optim_fused.py) with the same
state, but write every intermediate result into an existing array
(``np.multiply(g, 1 - beta1, out=tmp)``, ``m += tmp``) instead of allocating a
new one per operation. On the 784-512-512-10 network an Adam step is several
times faster this way (``benchmarks/optim_step.py`` measures it): large
temporary arrays cost a fresh allocation, and page faults, every time.

Used as ``SGD(..., fused=True)``, ``RMSprop(..., fused=True)``,
``Adam(..., fused=True)`` and ``AdamW(..., fused=True)``; PyTorch's optimizers
have an argument of the same name for their single-kernel implementations.

Taught in no notebook: it is the speed path beside the printed code.
"""

from __future__ import annotations

import weakref

import numpy as np

from course_lib.nn.module import Parameter

# Scratch arrays per parameter, reused from step to step (freed with the parameter).
_buffers: weakref.WeakKeyDictionary[Parameter, list[np.ndarray]] = weakref.WeakKeyDictionary()


def _scratch(p: Parameter, count: int) -> list[np.ndarray]:
    """``count`` uninitialized arrays with the shape and dtype of ``p.data``, kept for reuse."""
    arrays = _buffers.get(p)
    if (arrays is None or len(arrays) < count or arrays[0].shape != p.data.shape
            or arrays[0].dtype != p.data.dtype):
        arrays = _buffers[p] = [np.empty_like(p.data) for _ in range(count)]
    return arrays[:count]


def _match_dtype(state: dict, p: Parameter) -> None:
    """Convert the state arrays to the parameter's dtype (after ``model.double()``)."""
    for key, value in state.items():
        if isinstance(value, np.ndarray) and value.dtype != p.data.dtype:
            state[key] = value.astype(p.data.dtype)


def fused_sgd(optimizer, p: Parameter, state: dict, group: dict) -> None:
    """:meth:`SGD.update <course_lib.optim.SGD.update>`, in place."""
    lr, mu, tau, wd = group["lr"], group["momentum"], group["dampening"], group["weight_decay"]
    _match_dtype(state, p)
    tmp, decayed = _scratch(p, 2)
    grad = p.grad
    if wd != 0:
        grad = np.multiply(p.data, wd, out=decayed)
        grad += p.grad
    if mu != 0:
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = grad.copy()  # v_1 = g_1
        else:
            # v = mu v + (1 - tau) g
            buf = state["momentum_buffer"]
            buf *= mu
            if tau == 0:
                buf += grad
            else:
                buf += np.multiply(grad, 1.0 - tau, out=tmp)
        buf = state["momentum_buffer"]
        if group["nesterov"]:
            # d = g + mu v
            grad = np.add(grad, np.multiply(buf, mu, out=tmp), out=tmp)
        else:
            grad = buf
    step = np.multiply(grad, lr, out=tmp)
    p.data -= step


def fused_rmsprop(optimizer, p: Parameter, state: dict, group: dict) -> None:
    """:meth:`RMSprop.update <course_lib.optim.RMSprop.update>`, in place."""
    lr, alpha, eps, mu = group["lr"], group["alpha"], group["eps"], group["momentum"]
    wd = group["weight_decay"]
    if not state:
        state["square_avg"] = np.zeros_like(p.data)
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(p.data)
        if mu != 0:
            state["momentum_buffer"] = np.zeros_like(p.data)
    _match_dtype(state, p)
    decayed, denom = _scratch(p, 2)
    grad = p.grad
    if wd != 0:
        grad = np.multiply(p.data, wd, out=decayed)
        grad += p.grad
    # s = alpha s + (1 - alpha) g^2
    np.multiply(grad, grad, out=denom)
    denom *= 1.0 - alpha
    state["square_avg"] *= alpha
    state["square_avg"] += denom
    if group["centered"]:
        # g_avg = alpha g_avg + (1 - alpha) g;  r = sqrt(s - g_avg^2) + eps
        grad_avg = state["grad_avg"]
        grad_avg *= alpha
        np.multiply(grad, 1.0 - alpha, out=denom)
        grad_avg += denom
        np.multiply(grad_avg, grad_avg, out=denom)
        np.subtract(state["square_avg"], denom, out=denom)
        np.sqrt(denom, out=denom)
    else:
        np.sqrt(state["square_avg"], out=denom)
    denom += eps
    step = np.divide(grad, denom, out=denom)  # g / r
    if mu != 0:
        state["momentum_buffer"] *= mu
        state["momentum_buffer"] += step
        step = np.multiply(state["momentum_buffer"], lr, out=denom)
    else:
        step *= lr
    p.data -= step


def fused_adam(optimizer, p: Parameter, state: dict, group: dict) -> None:
    """:meth:`Adam.update <course_lib.optim.Adam.update>` (and AdamW's), in place."""
    lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
    wd = group["weight_decay"]
    if not state:
        state["step"] = 0
        state["exp_avg"] = np.zeros_like(p.data)
        state["exp_avg_sq"] = np.zeros_like(p.data)
    _match_dtype(state, p)
    tmp, decayed = _scratch(p, 2)
    grad = p.grad
    if wd != 0 and group["decoupled_weight_decay"]:
        p.data *= 1.0 - lr * wd
    elif wd != 0:
        grad = np.multiply(p.data, wd, out=decayed)
        grad += p.grad
    state["step"] += 1
    bias_correction1 = 1.0 - beta1 ** state["step"]
    bias_correction2_sqrt = (1.0 - beta2 ** state["step"]) ** 0.5
    m, v = state["exp_avg"], state["exp_avg_sq"]
    # m = beta1 m + (1 - beta1) g
    m *= beta1
    np.multiply(grad, 1.0 - beta1, out=tmp)
    m += tmp
    # v = beta2 v + (1 - beta2) g^2
    v *= beta2
    np.multiply(grad, grad, out=tmp)
    tmp *= 1.0 - beta2
    v += tmp
    # p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    denom = np.sqrt(v, out=tmp)
    denom /= bias_correction2_sqrt
    denom += eps
    update = np.divide(m, denom, out=tmp)
    update *= lr / bias_correction1
    p.data -= update
