r"""Watching training from inside: per-layer gradients and update-to-data ratios.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb. :class:`GradientMonitor`
is a callback of ``course_lib.torch_training.fit``. It records

- the gradient of every weight matrix (or convolution kernel) at chosen steps,
  for histograms: are they of similar size in every layer, do they vanish or
  explode, how do they change as training goes on;
- every ``every`` steps, the **update-to-data ratio** of each weight,

  .. math::
      r = \frac{\operatorname{std}(W_{t+1} - W_t)}{\operatorname{std}(W_t)},

  how much one optimizer step changes a layer relative to its size. Around
  :math:`10^{-3}` is the usual healthy range (Karpathy's rule of thumb); far
  above it the layer is being thrown around, far below it barely learns.

Biases are left out: they are few, start at small values, and their ratios say little.
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib import checks
from course_lib.torch_training import Callback

__all__ = ["GradientMonitor"]


class GradientMonitor(Callback):
    """Record weight gradients at ``histogram_steps``, update-to-data ratios every ``every`` steps.

    Args:
        histogram_steps: optimizer steps (0-based, counted over the run) at which to
            keep a copy of every weight's gradient.
        every: measure the update-to-data ratios every this many steps (>= 1).

    Attributes:
        gradients (dict[int, dict[str, np.ndarray]]): step -> parameter name -> the
            gradient's values, flattened, float32.
        ratio_steps (list[int]): the steps at which ratios were measured.
        update_ratios (dict[str, list[float]]): parameter name -> one ratio per measured step.

    Example:
        >>> model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
        >>> monitor = GradientMonitor(histogram_steps=[0], every=1)
        >>> monitor.on_train_begin(model)
        >>> model(torch.ones(5, 3)).sum().backward()
        >>> monitor.after_backward(model, step=0)
        >>> with torch.no_grad():
        ...     for p in model.parameters():
        ...         p -= 0.01 * p.grad
        >>> monitor.after_step(model, step=0)
        >>> sorted(monitor.gradients[0]), monitor.gradients[0]["0.weight"].shape
        (['0.weight', '1.weight'], (12,))
        >>> monitor.ratio_steps, len(monitor.update_ratios["1.weight"])
        ([0], 1)

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    def __init__(self, histogram_steps=(), *, every: int = 10):
        self.histogram_steps = {checks.integer(step, "histogram_steps", "GradientMonitor",
                                               minimum=0) for step in histogram_steps}
        self.every = checks.integer(every, "every", "GradientMonitor", minimum=1)
        self.gradients: dict[int, dict[str, np.ndarray]] = {}
        self.ratio_steps: list[int] = []
        self.update_ratios: dict[str, list[float]] = {}
        self._before: dict[str, torch.Tensor] | None = None

    @staticmethod
    def weights(model: torch.nn.Module) -> dict[str, torch.nn.Parameter]:
        """The parameters with two or more dimensions (weight matrices and kernels), by name."""
        return {name: p for name, p in model.named_parameters() if p.ndim >= 2}

    def on_train_begin(self, model) -> None:
        names = list(self.weights(model))
        if not names:
            raise ValueError("GradientMonitor: the model has no weight matrix or kernel to watch")
        for name in names:
            self.update_ratios.setdefault(name, [])

    def after_backward(self, model, step: int) -> None:
        weights = self.weights(model)
        if step in self.histogram_steps:
            self.gradients[step] = {name: p.grad.detach().cpu().numpy().ravel().copy()
                                    for name, p in weights.items() if p.grad is not None}
        if step % self.every == 0:
            self._before = {name: p.detach().clone() for name, p in weights.items()}

    def after_step(self, model, step: int) -> None:
        if self._before is None:
            return
        for name, p in self.weights(model).items():
            before = self._before[name]
            ratio = (p.detach() - before).std() / before.std()
            self.update_ratios[name].append(float(ratio))
        self.ratio_steps.append(step)
        self._before = None

    def state_dict(self) -> dict:
        return {"ratio_steps": list(self.ratio_steps),
                "update_ratios": {k: list(v) for k, v in self.update_ratios.items()}}

    def load_state_dict(self, state: dict) -> None:
        self.ratio_steps = list(state["ratio_steps"])
        self.update_ratios = {k: list(v) for k, v in state["update_ratios"].items()}
