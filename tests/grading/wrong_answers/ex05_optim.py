"""Wrong answers of exercise 05 (optimizers).

The package docstring says how they are used. The answers of the four optimizer tasks are the
bodies of ``update(self, p, state, group)``; the schedule's is the body of
``factor(self, epoch)``. Besides the formula bugs, each promise of the task text has its wrong
answer: PyTorch's momentum convention (CS231n's, damped), the state kept per parameter (one
velocity or one step counter for the whole optimizer), float32 kept (float64 buffers), in place
(the parameter replaced), ``p.grad`` left alone (aliased), the group's hyper-parameters read
(a hard-coded learning rate), and wrappers around course_lib's references.
"""

from wrong_answers.common import W

NOTEBOOK = "05_optim"

# fmt: off
WRONG_ANSWERS = [
    # SGDMomentum -------------------------------------------------------------------------------
    W(NOTEBOOK, "sgd-momentum", "sgd-momentum-impl",
      "momentum with (1 - mu) damping, v = mu v + (1 - mu) g",
      edits=(('group["momentum"] * state["momentum_buffer"] + p.grad',
              'group["momentum"] * state["momentum_buffer"] + (1 - group["momentum"]) * p.grad'),)),
    W(NOTEBOOK, "sgd-momentum", "sgd-momentum-impl",
      "CS231n's convention, v = mu v - lr g and p += v",
      code="""
      if not state:
          state["momentum_buffer"] = np.zeros_like(p.data)
      state["momentum_buffer"] = group["momentum"] * state["momentum_buffer"] - group["lr"] * p.grad
      p.data += state["momentum_buffer"]
      """),
    W(NOTEBOOK, "sgd-momentum", "sgd-momentum-impl",
      "the parameter replaced, p.data = p.data - lr v, instead of updated in place",
      edits=(('p.data -= group["lr"] * state["momentum_buffer"]',
              'p.data = p.data - group["lr"] * state["momentum_buffer"]'),)),
    W(NOTEBOOK, "sgd-momentum", "sgd-momentum-impl",
      "one velocity for the whole optimizer instead of one per parameter",
      code="""
      if not hasattr(self, "velocity"):
          self.velocity = np.zeros_like(p.data)
      self.velocity = group["momentum"] * self.velocity + p.grad
      state["momentum_buffer"] = self.velocity
      p.data -= group["lr"] * self.velocity
      """),
    W(NOTEBOOK, "sgd-momentum", "sgd-momentum-impl",
      "first velocity aliased to p.grad, which zero_grad and backward then overwrite",
      code="""
      if not state:
          state["momentum_buffer"] = p.grad
      else:
          state["momentum_buffer"] = group["momentum"] * state["momentum_buffer"] + p.grad
      p.data -= group["lr"] * state["momentum_buffer"]
      """),
    W(NOTEBOOK, "sgd-momentum", "sgd-momentum-impl",
      "the learning rate of __init__'s default instead of the group's",
      edits=(('p.data -= group["lr"] * state["momentum_buffer"]',
              'p.data -= 0.01 * state["momentum_buffer"]'),)),

    W(NOTEBOOK, "sgd-momentum", "sgd-momentum-impl",
      "wraps course_lib's SGD, imported through importlib",
      code="""
      import importlib
      optim = importlib.import_module("course_lib.optim")
      optim.SGD.update(self, p, state, {**group, "dampening": 0.0, "weight_decay": 0.0,
                                        "nesterov": False, "fused": False})
      """),

    # SGDNesterov -------------------------------------------------------------------------------
    W(NOTEBOOK, "nesterov", "nesterov-impl", "Nesterov as plain momentum, p -= lr v",
      edits=(('p.data -= group["lr"] * (p.grad + mu * state["momentum_buffer"])',
              'p.data -= group["lr"] * state["momentum_buffer"]'),)),
    W(NOTEBOOK, "nesterov", "nesterov-impl",
      "the look-ahead with the old velocity, g + mu v_{t-1}",
      code="""
      if not state:
          state["momentum_buffer"] = np.zeros_like(p.data)
      mu = group["momentum"]
      p.data -= group["lr"] * (p.grad + mu * state["momentum_buffer"])
      state["momentum_buffer"] = mu * state["momentum_buffer"] + p.grad
      """),
    W(NOTEBOOK, "nesterov", "nesterov-impl", "the look-ahead subtracted, g - mu v",
      edits=(("(p.grad + mu * state", "(p.grad - mu * state"),)),
    W(NOTEBOOK, "nesterov", "nesterov-impl",
      "Nesterov with (1 - mu) damping of the velocity",
      edits=(('mu * state["momentum_buffer"] + p.grad',
              'mu * state["momentum_buffer"] + (1 - mu) * p.grad'),)),

    W(NOTEBOOK, "nesterov", "nesterov-impl",
      "wraps course_lib's SGD(nesterov=True), found in sys.modules",
      code="""
      import sys
      sgd = sys.modules["course_lib.optim.sgd"]
      sgd.SGD.update(self, p, state, {**group, "dampening": 0.0, "weight_decay": 0.0,
                                      "nesterov": True, "fused": False})
      """),

    # RMSprop -----------------------------------------------------------------------------------
    W(NOTEBOOK, "rmsprop", "rmsprop-impl", "eps inside the square root",
      edits=(('(np.sqrt(state["square_avg"]) + group["eps"])',
              'np.sqrt(state["square_avg"] + group["eps"])'),)),
    W(NOTEBOOK, "rmsprop", "rmsprop-impl", "the gradient averaged without its square",
      edits=(("(1 - alpha) * p.grad**2", "(1 - alpha) * np.abs(p.grad)"),)),
    W(NOTEBOOK, "rmsprop", "rmsprop-impl", "alpha and 1 - alpha swapped",
      edits=(('alpha * state["square_avg"] + (1 - alpha) * p.grad**2',
              '(1 - alpha) * state["square_avg"] + alpha * p.grad**2'),)),
    W(NOTEBOOK, "rmsprop", "rmsprop-impl", "divided by s instead of its square root",
      edits=(('np.sqrt(state["square_avg"])', 'state["square_avg"]'),)),
    W(NOTEBOOK, "rmsprop", "rmsprop-impl",
      "state created with np.zeros(p.data.shape): float64 buffers for float32 parameters",
      edits=(('state["square_avg"] = np.zeros_like(p.data)',
              'state["square_avg"] = np.zeros(p.data.shape)'),)),

    W(NOTEBOOK, "rmsprop", "rmsprop-impl", "wraps course_lib's RMSprop through __import__",
      code="""
      module = __import__("course_lib.optim.rmsprop", fromlist=["RMSprop"])
      module.RMSprop.update(self, p, state, {**group, "weight_decay": 0.0, "momentum": 0.0,
                                             "centered": False, "fused": False})
      """),

    # Adam --------------------------------------------------------------------------------------
    W(NOTEBOOK, "adam", "adam-impl", "Adam without bias correction",
      edits=(('m_hat = state["exp_avg"] / (1 - beta1**t)', 'm_hat = state["exp_avg"]'),
             ('v_hat = state["exp_avg_sq"] / (1 - beta2**t)', 'v_hat = state["exp_avg_sq"]'))),
    W(NOTEBOOK, "adam", "adam-impl",
      "bias correction applied to the wrong moments (beta2 for m, beta1 for v)",
      edits=(('m_hat = state["exp_avg"] / (1 - beta1**t)',
              'm_hat = state["exp_avg"] / (1 - beta2**t)'),
             ('v_hat = state["exp_avg_sq"] / (1 - beta2**t)',
              'v_hat = state["exp_avg_sq"] / (1 - beta1**t)'))),
    W(NOTEBOOK, "adam", "adam-impl", "bias correction of the first moment only",
      edits=(('v_hat = state["exp_avg_sq"] / (1 - beta2**t)', 'v_hat = state["exp_avg_sq"]'),)),
    W(NOTEBOOK, "adam", "adam-impl",
      "one step counter for the whole optimizer, counted once per parameter",
      code="""
      beta1, beta2 = group["betas"]
      if not state:
          state["exp_avg"] = np.zeros_like(p.data)
          state["exp_avg_sq"] = np.zeros_like(p.data)
      self.t = getattr(self, "t", 0) + 1
      state["step"] = self.t
      t = self.t
      state["exp_avg"] = beta1 * state["exp_avg"] + (1 - beta1) * p.grad
      state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * p.grad**2
      m_hat = state["exp_avg"] / (1 - beta1**t)
      v_hat = state["exp_avg_sq"] / (1 - beta2**t)
      p.data -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])
      """),
    W(NOTEBOOK, "adam", "adam-impl", "eps inside the square root",
      edits=(("(np.sqrt(v_hat) + group[\"eps\"])", "np.sqrt(v_hat + group[\"eps\"])"),)),
    W(NOTEBOOK, "adam", "adam-impl",
      "t counted from 0 in the correction, 1 - beta^0 = 0 at the first step",
      code="""
      beta1, beta2 = group["betas"]
      if not state:
          state["step"] = 0
          state["exp_avg"] = np.zeros_like(p.data)
          state["exp_avg_sq"] = np.zeros_like(p.data)
      t = state["step"]
      state["exp_avg"] = beta1 * state["exp_avg"] + (1 - beta1) * p.grad
      state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * p.grad**2
      m_hat = state["exp_avg"] / (1 - beta1**t)
      v_hat = state["exp_avg_sq"] / (1 - beta2**t)
      p.data -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])
      state["step"] += 1
      """),

    W(NOTEBOOK, "adam", "adam-impl", "wraps course_lib's Adam, imported inside update",
      code="""
      from course_lib.optim.adam import Adam as Reference
      Reference.update(self, p, state, {**group, "weight_decay": 0.0,
                                        "decoupled_weight_decay": False, "fused": False})
      """),

    # WarmupCosineLR ----------------------------------------------------------------------------
    W(NOTEBOOK, "schedule", "schedule-impl",
      "the cosine over total_epochs instead of total - warmup: it ends at the wrong epoch",
      edits=(("progress = (epoch - self.warmup_epochs) / (self.total_epochs - self.warmup_epochs)",
              "progress = (epoch - self.warmup_epochs) / self.total_epochs"),)),
    W(NOTEBOOK, "schedule", "schedule-impl", "warm-up from 0, start_factor ignored",
      edits=(("return self.start_factor + (1 - self.start_factor) * epoch / self.warmup_epochs",
              "return epoch / self.warmup_epochs"),)),
    W(NOTEBOOK, "schedule", "schedule-impl",
      "warm-up one epoch ahead, reaching 1 at warmup_epochs - 1",
      edits=(("(1 - self.start_factor) * epoch / self.warmup_epochs",
              "(1 - self.start_factor) * min(epoch + 1, self.warmup_epochs) / self.warmup_epochs"),
             )),
    W(NOTEBOOK, "schedule", "schedule-impl",
      "the cosine continues past total_epochs and climbs back, as PyTorch's",
      edits=(("if epoch > self.total_epochs:\n    return 0.0\n", ""),)),
    W(NOTEBOOK, "schedule", "schedule-impl",
      "the cosine counted from epoch 0, not from the end of the warm-up",
      edits=(("progress = (epoch - self.warmup_epochs) / (self.total_epochs - self.warmup_epochs)",
              "progress = epoch / (self.total_epochs - self.warmup_epochs)"),)),
    W(NOTEBOOK, "schedule", "schedule-impl", "cos without 1/2 (1 + .): negative learning rates",
      edits=(("return 0.5 * (1 + math.cos(math.pi * progress))",
              "return math.cos(math.pi * progress)"),)),
    W(NOTEBOOK, "schedule", "schedule-impl",
      "wraps course_lib's LinearLR and CosineAnnealingLR through importlib",
      code="""
      import importlib
      import types
      schedulers = importlib.import_module("course_lib.optim.lr_scheduler")
      if epoch < self.warmup_epochs:
          ramp = types.SimpleNamespace(start_factor=self.start_factor, end_factor=1.0,
                                       total_iters=self.warmup_epochs)
          return schedulers.LinearLR.factor(ramp, epoch)
      if epoch > self.total_epochs:
          return 0.0
      cosine = types.SimpleNamespace(T_max=self.total_epochs - self.warmup_epochs)
      return schedulers.CosineAnnealingLR.factor(cosine, epoch - self.warmup_epochs)
      """),
]
# fmt: on
