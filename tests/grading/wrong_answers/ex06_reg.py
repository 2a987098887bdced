"""Wrong answers of exercise 06 (06_reg).

The package docstring says how they are used.
"""

from __future__ import annotations

from wrong_answers.common import W

# fmt: off
NOTEBOOK = "06_reg"

WRONG_ANSWERS = [
    # l2_penalty and l2_penalty_grad ------------------------------------------------------------
    W("06_reg", "l2-penalty", "l2-penalty-impl", "penalty without the 1/2: lam * sum(w**2)",
      edits=(("return lam / 2 * sum(", "return lam * sum("),)),
    W("06_reg", "l2-penalty", "l2-penalty-impl", "the biases penalised too",
      edits=((" for w in params if w.ndim >= 2)", " for w in params)"),)),
    W("06_reg", "l2-penalty", "l2-penalty-grad-impl",
      "gradient missing its factor: 2 * lam * w (the 1/2 of the penalty forgotten)",
      edits=(("[lam * w if", "[2 * lam * w if"),)),
    W("06_reg", "l2-penalty", "l2-penalty-grad-impl", "gradient missing lam: w",
      edits=(("[lam * w if", "[w if"),)),
    W("06_reg", "l2-penalty", "l2-penalty-grad-impl",
      "the biases penalised in the gradient (lam * b instead of zeros)",
      edits=(("[lam * w if w.ndim >= 2 else np.zeros_like(w) for w in params]",
              "[lam * w for w in params]"),)),
    W("06_reg", "l2-penalty", "l2-penalty-grad-impl",
      "the biases' zeros made with np.zeros(shape): float64 for float32 parameters",
      edits=(("np.zeros_like(w)", "np.zeros(w.shape)"),)),
    W("06_reg", "l2-penalty", "l2-penalty-grad-impl",
      "gradients of the weights only: the biases left out of the list",
      edits=(("[lam * w if w.ndim >= 2 else np.zeros_like(w) for w in params]",
              "[lam * w for w in params if w.ndim >= 2]"),)),
    W("06_reg", "l2-penalty", "l2-penalty-grad-impl",
      "the weights scaled in place (w *= lam) and returned",
      code="""
      grads = []
      for w in params:
          if w.ndim >= 2:
              w *= lam
              grads.append(w)
          else:
              grads.append(np.zeros_like(w))
      return grads
      """),

    # dropout_forward and dropout_backward ----------------------------------------------------
    W("06_reg", "dropout", "dropout-forward-impl", "no rescaling of the kept units",
      edits=((".astype(x.dtype) / (1 - p)", ".astype(x.dtype)"),)),
    W("06_reg", "dropout", "dropout-forward-impl", "active in evaluation (training ignored)",
      edits=(("if not training:\n    return x, None\n", ""),)),
    W("06_reg", "dropout", "dropout-forward-impl", "rescaled by 1 / p instead of 1 / (1 - p)",
      edits=((".astype(x.dtype) / (1 - p)", ".astype(x.dtype) / p"),)),
    W("06_reg", "dropout", "dropout-forward-impl",
      "p used as the probability of keeping a unit",
      edits=(("(rng.random(x.shape) >= p)", "(rng.random(x.shape) < p)"),)),
    W("06_reg", "dropout", "dropout-forward-impl",
      "the boolean mask divided before conversion: a float64 output for float32 x",
      edits=(("(rng.random(x.shape) >= p).astype(x.dtype) / (1 - p)",
              "(rng.random(x.shape) >= p) / (1 - p)"),)),
    W("06_reg", "dropout", "dropout-forward-impl", "the mask drawn from np.random instead of rng",
      edits=(("rng.random(x.shape)", "np.random.random(x.shape)"),)),
    W("06_reg", "dropout", "dropout-forward-impl",
      "the original, non-inverted dropout: no scaling in training, times (1 - p) in evaluation",
      code="""
      if not training:
          return x * (1 - p), None
      mask = (rng.random(x.shape) >= p).astype(x.dtype)
      return x * mask, mask
      """),
    W("06_reg", "dropout", "dropout-backward-impl",
      "backward without the mask: every unit gets dout / (1 - p)",
      code="""
      if cache is None:
          return dout
      return dout * cache.max()
      """),
    W("06_reg", "dropout", "dropout-backward-impl",
      "backward passes dout through unchanged in training",
      edits=(("return dout * cache", "return dout"),)),

    # batch_norm_forward ------------------------------------------------------------------------
    W("06_reg", "batch-norm-forward", "batch-norm-forward-impl",
      "the biased variance in the running estimate",
      edits=(("momentum * var * n / (n - 1)", "momentum * var"),)),
    W("06_reg", "batch-norm-forward", "batch-norm-forward-impl",
      "batch statistics at evaluation",
      code="""
      mean, var = x.mean(axis=0), x.var(axis=0)
      if training:
          n = len(x)
          running_mean[...] = (1 - momentum) * running_mean + momentum * mean
          running_var[...] = (1 - momentum) * running_var + momentum * var * n / (n - 1)
      inv_std = 1 / np.sqrt(var + eps)
      x_hat = (x - mean) * inv_std
      out = gamma * x_hat + beta
      return out, (x_hat, inv_std, gamma, training)
      """),
    W("06_reg", "batch-norm-forward", "batch-norm-forward-impl",
      "the running statistics also updated in evaluation",
      code="""
      batch_mean, batch_var = x.mean(axis=0), x.var(axis=0)
      n = len(x)
      if training:
          mean, var = batch_mean, batch_var
      else:
          mean, var = running_mean.copy(), running_var.copy()
      if n > 1:
          running_mean[...] = (1 - momentum) * running_mean + momentum * batch_mean
          running_var[...] = (1 - momentum) * running_var + momentum * batch_var * n / (n - 1)
      inv_std = 1 / np.sqrt(var + eps)
      x_hat = (x - mean) * inv_std
      out = gamma * x_hat + beta
      return out, (x_hat, inv_std, gamma, training)
      """),
    W("06_reg", "batch-norm-forward", "batch-norm-forward-impl",
      "running statistics rebound to new arrays, not updated in place",
      edits=(("running_mean[...] = (1 - momentum)", "running_mean = (1 - momentum)"),
             ("running_var[...] = (1 - momentum)", "running_var = (1 - momentum)"))),
    W("06_reg", "batch-norm-forward", "batch-norm-forward-impl",
      "momentum the other way round: r = momentum * r + (1 - momentum) * s",
      edits=(("(1 - momentum) * running_mean + momentum * mean",
              "momentum * running_mean + (1 - momentum) * mean"),
             ("(1 - momentum) * running_var + momentum * var * n / (n - 1)",
              "momentum * running_var + (1 - momentum) * var * n / (n - 1)"))),
    W("06_reg", "batch-norm-forward", "batch-norm-forward-impl",
      "eps added outside the square root",
      edits=(("inv_std = 1 / np.sqrt(var + eps)", "inv_std = 1 / (np.sqrt(var) + eps)"),)),
    W("06_reg", "batch-norm-forward", "batch-norm-forward-impl",
      "statistics over axis=1 (per example) instead of over the batch",
      edits=(("mean, var = x.mean(axis=0), x.var(axis=0)",
              "mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)"),
             ("running_mean[...] = (1 - momentum) * running_mean + momentum * mean",
              "running_mean[...] = (1 - momentum) * running_mean + momentum * mean.mean()"),
             ("running_var[...] = (1 - momentum) * running_var + momentum * var * n / (n - 1)",
              "running_var[...] = (1 - momentum) * running_var + momentum * var.mean()"))),
    W("06_reg", "batch-norm-forward", "batch-norm-forward-impl",
      "the unbiased variance used for the normalization too",
      edits=(("mean, var = x.mean(axis=0), x.var(axis=0)",
              "mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)"),
             ("momentum * var * n / (n - 1)", "momentum * var"))),
    W("06_reg", "batch-norm-forward", "batch-norm-forward-impl",
      "the cache holds the std instead of its inverse",
      edits=(("return out, (x_hat, inv_std, gamma, training)",
              "return out, (x_hat, np.sqrt(var + eps), gamma, training)"),)),

    # batch_norm_backward -----------------------------------------------------------------------
    W("06_reg", "batch-norm-backward", "batch-norm-backward-impl",
      "dx with the batch statistics held constant in training",
      edits=(("    dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat)"
              ".mean(axis=0))", "    dx = dx_hat * inv_std"),)),
    W("06_reg", "batch-norm-backward", "batch-norm-backward-impl",
      "dx without the mean of dx_hat (the path through the batch mean)",
      edits=(("(dx_hat - dx_hat.mean(axis=0) - x_hat", "(dx_hat - x_hat"),)),
    W("06_reg", "batch-norm-backward", "batch-norm-backward-impl",
      "dx without the x_hat term (the path through the batch variance)",
      edits=((" - x_hat * (dx_hat * x_hat).mean(axis=0))", ")"),)),
    W("06_reg", "batch-norm-backward", "batch-norm-backward-impl", "dgamma and dbeta swapped",
      edits=(("return dx, dgamma, dbeta", "return dx, dbeta, dgamma"),)),
    W("06_reg", "batch-norm-backward", "batch-norm-backward-impl", "gamma left out of dx",
      edits=(("dx_hat = dout * gamma", "dx_hat = dout"),)),
    W("06_reg", "batch-norm-backward", "batch-norm-backward-impl",
      "the training formula used in evaluation too",
      edits=(("if training:\n    dx = inv_std", "if True:\n    dx = inv_std"),)),
    W("06_reg", "batch-norm-backward", "batch-norm-backward-impl",
      "dgamma and dbeta summed over the features (axis=1)",
      edits=(("dbeta = dout.sum(axis=0)", "dbeta = dout.sum(axis=1)"),
             ("dgamma = (dout * x_hat).sum(axis=0)", "dgamma = (dout * x_hat).sum(axis=1)"))),

    # EarlyStopping -----------------------------------------------------------------------------
    W("06_reg", "early-stopping", "early-stopping-impl",
      "restores the last weights: a snapshot every epoch",
      edits=(("    self.bad_epochs += 1\n",
              "    self.best_weights = {name: a.copy() for name, a in "
              "model.state_dict().items()}\n    self.bad_epochs += 1\n"),)),
    W("06_reg", "early-stopping", "early-stopping-impl",
      "keeps a reference to the live state_dict instead of a copy",
      edits=(("self.best_weights = {name: a.copy() for name, a in model.state_dict().items()}",
              "self.best_weights = model.state_dict()"),)),
    W("06_reg", "early-stopping", "early-stopping-impl",
      "a new dict of the same live arrays: dict(model.state_dict())",
      edits=(("self.best_weights = {name: a.copy() for name, a in model.state_dict().items()}",
              "self.best_weights = dict(model.state_dict())"),)),
    W("06_reg", "early-stopping", "early-stopping-impl",
      "patience off by one: stops after patience + 1 epochs without improvement",
      edits=(("return self.bad_epochs >= self.patience",
              "return self.bad_epochs > self.patience"),)),
    W("06_reg", "early-stopping", "early-stopping-impl",
      "patience off by one the other way: stops after patience - 1 epochs",
      edits=(("return self.bad_epochs >= self.patience",
              "return self.bad_epochs >= self.patience - 1"),)),
    W("06_reg", "early-stopping", "early-stopping-impl",
      "an equal loss counts as an improvement",
      edits=(("if val_loss < self.best:", "if val_loss <= self.best:"),)),
    W("06_reg", "early-stopping", "early-stopping-impl",
      "the count of bad epochs is not reset by an improvement",
      edits=(("self.best, self.best_epoch, self.bad_epochs = val_loss, self.epoch, 0",
              "self.best, self.best_epoch = val_loss, self.epoch"),)),
    W("06_reg", "early-stopping", "early-stopping-impl",
      "restore does nothing: the model keeps its last weights",
      edits=(("    if self.best_weights is not None:\n        model.load_state_dict("
              "self.best_weights)", "    pass"),)),
    W("06_reg", "early-stopping", "early-stopping-impl",
      "returns None instead of False while training goes on",
      edits=(("        return False\n", "        return\n"),
             ("    return self.bad_epochs >= self.patience",
              "    if self.bad_epochs >= self.patience:\n        return True"))),
    W("06_reg", "early-stopping", "early-stopping-impl",
      "restore loads None when no epoch improved yet",
      edits=(("    if self.best_weights is not None:\n        model.load_state_dict("
              "self.best_weights)", "    model.load_state_dict(self.best_weights)"),)),
    W("06_reg", "early-stopping", "early-stopping-impl",
      "a snapshot of the parameters only: the batch-norm buffers are not restored",
      edits=(("self.best_weights = {name: a.copy() for name, a in model.state_dict().items()}",
              "self.best_weights = {name: p.data.copy() for name, p in "
              "model.named_parameters()}"),
             ("model.load_state_dict(self.best_weights)",
              "model.load_state_dict(self.best_weights, strict=False)"))),
]
# fmt: on
