"""Wrong answers of exercise 07 (07_regression).

The package docstring says how they are used.
"""

from __future__ import annotations

from wrong_answers.common import W

# fmt: off
NOTEBOOK = "07_regression"

WRONG_ANSWERS = [
    # r2_score --------------------------------------------------------------------------------
    W("07_regression", "r2", "r2-impl", "the wrong mean: of the predictions, not the targets",
      edits=(("ss_tot = np.sum((y_true - y_true.mean()) ** 2)",
              "ss_tot = np.sum((y_true - y_pred.mean()) ** 2)"),)),
    W("07_regression", "r2", "r2-impl", "the ratio without 1 -",
      edits=(("return float(1 - ss_res / ss_tot)", "return float(ss_res / ss_tot)"),)),
    W("07_regression", "r2", "r2-impl", "squared Pearson correlation instead of R²",
      code="return float(np.corrcoef(y_true, y_pred)[0, 1] ** 2)"),
    W("07_regression", "r2", "r2-impl", "computed in float32 for float32 inputs",
      code="""
      ss_res = np.sum((y_true - y_pred) ** 2)
      ss_tot = np.sum((y_true - y_true.mean()) ** 2)
      if ss_tot == 0:
          return 1.0 if ss_res == 0 else 0.0
      return float(1 - ss_res / ss_tot)
      """),
    W("07_regression", "r2", "r2-impl", "no convention for a constant target (0/0)",
      edits=(("    return 1.0 if ss_res == 0 else 0.0\n", "    pass\n"),)),

    # explained_variance ----------------------------------------------------------------------
    W("07_regression", "explained-variance", "explained-variance-impl",
      "residuals not centred: the same as R²",
      edits=(("np.var(y_true - y_pred)", "np.mean((y_true - y_pred) ** 2)"),)),
    W("07_regression", "explained-variance", "explained-variance-impl",
      "ratio of the variances of predictions and targets",
      edits=(("return float(1 - np.var(y_true - y_pred) / np.var(y_true))",
              "return float(np.var(y_pred) / np.var(y_true))"),)),
    W("07_regression", "explained-variance", "explained-variance-impl",
      "divided by the variance of the predictions",
      edits=(("/ np.var(y_true))", "/ np.var(y_pred))"),)),
    W("07_regression", "explained-variance", "explained-variance-impl",
      "computed in float32 for float32 inputs",
      code="return float(1 - np.var(y_true - y_pred) / np.var(y_true))"),

    # msle ------------------------------------------------------------------------------------
    W("07_regression", "msle", "msle-impl", "no domain check: -0.5 passes silently",
      code="""
      y_true = np.asarray(y_true, dtype=np.float64)
      y_pred = np.asarray(y_pred, dtype=np.float64)
      return float(np.mean((np.log1p(y_true) - np.log1p(y_pred)) ** 2))
      """),
    W("07_regression", "msle", "msle-impl", "log instead of log(1 + y): -inf at zero",
      edits=(("np.log1p(y_true) - np.log1p(y_pred)", "np.log(y_true) - np.log(y_pred)"),)),
    W("07_regression", "msle", "msle-impl", "only the targets are checked",
      edits=(("if (y_pred < 0).any():\n"
              "    raise ValueError(\"msle: y_pred holds negative values; "
              "clip the predictions at 0\")\n", ""),)),
    W("07_regression", "msle", "msle-impl", "zero refused as well (<= 0)",
      edits=(("if (y_true < 0).any():", "if (y_true <= 0).any():"),
             ("if (y_pred < 0).any():", "if (y_pred <= 0).any():"))),
    W("07_regression", "msle", "msle-impl", "squared error of the logs without the mean (a sum)",
      edits=(("return float(np.mean((np.log1p(y_true) - np.log1p(y_pred)) ** 2))",
              "return float(np.sum((np.log1p(y_true) - np.log1p(y_pred)) ** 2))"),)),

    # mape ------------------------------------------------------------------------------------
    W("07_regression", "mape", "mape-impl", "MAPE without abs: errors cancel",
      edits=(("np.abs(y_true - y_pred)", "(y_true - y_pred)"),)),
    W("07_regression", "mape", "mape-impl", "divided by the prediction, not the target",
      edits=(("np.maximum(np.abs(y_true), eps)", "np.maximum(np.abs(y_pred), eps)"),)),
    W("07_regression", "mape", "mape-impl", "no guard: a zero target gives infinity",
      edits=(("np.maximum(np.abs(y_true), eps)", "np.abs(y_true)"),)),
    W("07_regression", "mape", "mape-impl", "in percent instead of a fraction",
      edits=(("return float(np.mean(", "return float(100 * np.mean("),)),
    W("07_regression", "mape", "mape-impl", "the float32 epsilon for float32 inputs",
      code="""
      eps = np.finfo(np.asarray(y_true).dtype).eps
      y_true = np.asarray(y_true, dtype=np.float64)
      y_pred = np.asarray(y_pred, dtype=np.float64)
      return float(np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), eps)))
      """),

    # huber_loss ------------------------------------------------------------------------------
    W("07_regression", "huber-loss", "huber-loss-impl", "Huber with the wrong branch",
      edits=(("np.where(np.abs(r) <= delta, quadratic, linear)",
              "np.where(np.abs(r) <= delta, linear, quadratic)"),)),
    W("07_regression", "huber-loss", "huber-loss-impl", "quadratic part without the 1/2",
      edits=(("quadratic = 0.5 * r**2", "quadratic = r**2"),)),
    W("07_regression", "huber-loss", "huber-loss-impl", "linear part without - delta/2",
      edits=(("linear = delta * (np.abs(r) - 0.5 * delta)", "linear = delta * np.abs(r)"),)),
    W("07_regression", "huber-loss", "huber-loss-impl", "delta ignored: always 1",
      edits=(("r = pred - target", "r = pred - target\ndelta = 1.0"),)),

    # huber_grad ------------------------------------------------------------------------------
    W("07_regression", "huber-grad", "huber-grad-impl", "not divided by the number of entries",
      edits=(("np.clip(r, -delta, delta) / r.size", "np.clip(r, -delta, delta)"),)),
    W("07_regression", "huber-grad", "huber-grad-impl", "delta * sign(r) everywhere",
      edits=(("np.clip(r, -delta, delta)", "delta * np.sign(r)"),)),
    W("07_regression", "huber-grad", "huber-grad-impl", "residual not clipped (the MSE's slope)",
      edits=(("np.clip(r, -delta, delta) / r.size", "r / r.size"),)),
    W("07_regression", "huber-grad", "huber-grad-impl", "sign flipped, target - pred",
      edits=(("r = pred - target", "r = target - pred"),)),
    W("07_regression", "huber-grad", "huber-grad-impl", "divided by the number of rows",
      edits=(("/ r.size", "/ len(r)"),)),
    W("07_regression", "huber-grad", "huber-grad-impl", "float64 for float32 inputs",
      edits=(("(np.clip(r, -delta, delta) / r.size).astype(pred.dtype)",
              "np.clip(r, -delta, delta) / np.float64(r.size)"),)),

    # Standardizer ----------------------------------------------------------------------------
    W("07_regression", "standardizer", "standardizer-impl",
      "a standardizer that refits on the data it transforms",
      edits=(("return ((X - self.mean_) / self.std_).astype(X.dtype)",
              "self.fit(X)\n    return ((X - self.mean_) / self.std_).astype(X.dtype)"),)),
    W("07_regression", "standardizer", "standardizer-impl", "sample std (ddof=1)",
      edits=(("std = X.std(axis=0)", "std = X.std(axis=0, ddof=1)"),)),
    W("07_regression", "standardizer", "standardizer-impl",
      "no guard for a constant column: division by zero",
      edits=(("self.std_ = np.where(std == 0, 1.0, std)", "self.std_ = std"),)),
    W("07_regression", "standardizer", "standardizer-impl",
      "one mean and std for the whole array",
      edits=(("self.mean_ = X.mean(axis=0)", "self.mean_ = np.full(X.shape[1], X.mean())"),
             ("std = X.std(axis=0)", "std = np.full(X.shape[1], X.std())"))),
    W("07_regression", "standardizer", "standardizer-impl", "transform returns float64",
      edits=(("return ((X - self.mean_) / self.std_).astype(X.dtype)",
              "return (X - self.mean_) / self.std_"),)),
    W("07_regression", "standardizer", "standardizer-impl", "transform modifies X in place",
      edits=(("return ((X - self.mean_) / self.std_).astype(X.dtype)",
              "X -= self.mean_.astype(X.dtype)\n    X /= self.std_.astype(X.dtype)\n"
              "    return X"),)),

    # impute_mean -----------------------------------------------------------------------------
    W("07_regression", "impute", "impute-impl", "the means of X itself (a leak), not of X_train",
      edits=(("means = np.nanmean(X_train, axis=0)", "means = np.nanmean(X, axis=0)"),)),
    W("07_regression", "impute", "impute-impl", "np.mean instead of np.nanmean: NaN means",
      edits=(("means = np.nanmean(X_train, axis=0)", "means = np.mean(X_train, axis=0)"),)),
    W("07_regression", "impute", "impute-impl", "filled with 0",
      code="return np.where(np.isnan(X), 0.0, X).astype(X.dtype)"),
    W("07_regression", "impute", "impute-impl", "one mean for all columns",
      edits=(("means = np.nanmean(X_train, axis=0)", "means = np.nanmean(X_train)"),)),
    W("07_regression", "impute", "impute-impl", "fills X in place",
      code="""
      means = np.nanmean(X_train, axis=0)
      rows, columns = np.nonzero(np.isnan(X))
      X[rows, columns] = means[columns]
      return X
      """),

    # one_hot ---------------------------------------------------------------------------------
    W("07_regression", "one-hot", "one-hot-impl",
      "categories taken from the values (np.unique), not from training",
      edits=(("values[:, None] == categories[None, :]",
              "values[:, None] == np.unique(values)[None, :]"),)),
    W("07_regression", "one-hot", "one-hot-impl", "unknown values put in a column (searchsorted)",
      code="""
      values, categories = np.asarray(values), np.asarray(categories)
      codes = np.searchsorted(np.sort(categories), values)
      return np.eye(len(categories), dtype=np.float32)[np.minimum(codes, len(categories) - 1)]
      """),
    W("07_regression", "one-hot", "one-hot-impl", "integer (bool) result instead of float32",
      edits=(("(values[:, None] == categories[None, :]).astype(np.float32)",
              "(values[:, None] == categories[None, :])"),)),
    W("07_regression", "one-hot", "one-hot-impl", "transposed: (C, N)",
      edits=(("values[:, None] == categories[None, :]",
              "categories[:, None] == values[None, :]"),)),
]
# fmt: on
