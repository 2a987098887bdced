"""Wrong answers of exercise 02 (forward propagation).

The package docstring says how they are used.

The first group is the bugs of the exercise's first version; the second, added when the
tests were hardened, are the kinds that got full marks then (each rejected by its own task
only): a softmax or log-softmax shifted by the row minimum or mean (rows spanning more than
1000), a wrapper of course_lib's reference, float32 in and float64 out.
"""

from wrong_answers.common import W

NOTEBOOK = "02_forward"

# fmt: off
WRONG_ANSWERS = [
    W(NOTEBOOK, "linear-forward", "linear-forward-impl", "W instead of W.T",
      code="return x @ W + b"),
    W(NOTEBOOK, "linear-forward", "linear-forward-impl", "bias forgotten",
      code="return x @ W.T"),
    W(NOTEBOOK, "linear-forward", "linear-forward-impl",
      "result transposed, (out_features, N)",
      code="return W @ x.T + b[:, None]"),
    W(NOTEBOOK, "relu", "relu-impl", "np.max (a reduction) instead of np.maximum",
      code="return np.max(x, 0)"),
    W(NOTEBOOK, "relu", "relu-impl", "zeroes the input in place and returns it",
      code="""
      x[x < 0] = 0
      return x
      """),
    W(NOTEBOOK, "relu", "relu-impl", "the step function (ReLU's derivative) instead",
      code="return (x > 0).astype(x.dtype)"),
    W(NOTEBOOK, "leaky-relu", "leaky-relu-impl",
      "hard-coded 0.01, negative_slope ignored",
      code="return np.where(x > 0, x, 0.01 * x)"),
    W(NOTEBOOK, "leaky-relu", "leaky-relu-impl",
      "negative_slope instead of negative_slope * x",
      code="return np.where(x > 0, x, negative_slope)"),
    W(NOTEBOOK, "tanh", "tanh-impl", "the definition as written, nan at |x| = 1000",
      code="return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))"),
    W(NOTEBOOK, "tanh", "tanh-impl", "(1 - e^-2x) / (1 + e^-2x), nan at x = -1000",
      code="""
      e = np.exp(-2 * x)
      return (1 - e) / (1 + e)
      """),
    W(NOTEBOOK, "tanh", "tanh-impl", "|x| used but the sign never put back",
      code="""
      e = np.exp(-2 * np.abs(x))
      return (1 - e) / (1 + e)
      """),
    W(NOTEBOOK, "tanh", "tanh-impl", "np.tanh instead of exponentials",
      code="return np.tanh(x)"),
    W(NOTEBOOK, "softmax", "softmax-impl", "no max shift, overflows at logits of 1000",
      code="""
      e = np.exp(z)
      return e / e.sum(axis=-1, keepdims=True)
      """),
    W(NOTEBOOK, "softmax", "softmax-impl",
      "shifted by the maximum of the whole batch, not of each row",
      code="""
      e = np.exp(z - np.max(z))
      return e / e.sum(axis=-1, keepdims=True)
      """),
    W(NOTEBOOK, "softmax", "softmax-impl", "sum without keepdims",
      code="""
      e = np.exp(z - z.max(axis=-1, keepdims=True))
      return e / e.sum(axis=-1)
      """),
    W(NOTEBOOK, "softmax", "softmax-impl", "normalised over the batch axis (columns)",
      code="""
      e = np.exp(z - z.max(axis=0, keepdims=True))
      return e / e.sum(axis=0, keepdims=True)
      """),
    W(NOTEBOOK, "log-softmax", "log-softmax-impl",
      "log of the softmax, -inf when a probability underflows",
      code="return np.log(softmax(z))"),
    W(NOTEBOOK, "log-softmax", "log-softmax-impl",
      "log-sum-exp without adding the maximum back",
      code="""
      m = z.max(axis=-1, keepdims=True)
      return z - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
      """),
    W(NOTEBOOK, "log-softmax", "log-softmax-impl", "no max shift, overflows at 1000",
      code="return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))"),
    W(NOTEBOOK, "mlp-forward", "mlp-forward-impl", "no ReLU between the layers",
      code="return softmax(linear_forward(linear_forward(x, W1, b1), W2, b2))"),
    W(NOTEBOOK, "mlp-forward", "mlp-forward-impl", "returns the logits, no softmax",
      code="return linear_forward(relu(linear_forward(x, W1, b1)), W2, b2)"),
    W(NOTEBOOK, "mlp-forward", "mlp-forward-impl", "ReLU on the output logits too",
      code="return softmax(relu(linear_forward(relu(linear_forward(x, W1, b1)), W2, b2)))"),

    # Added when the tests were hardened (the kinds above) ----------------------------
    W(NOTEBOOK, "softmax", "softmax-impl", "shifted by the row minimum",
      code="""
      e = np.exp(z - z.min(axis=-1, keepdims=True))
      return e / e.sum(axis=-1, keepdims=True)
      """),
    W(NOTEBOOK, "softmax", "softmax-impl", "shifted by the row mean",
      code="""
      e = np.exp(z - z.mean(axis=-1, keepdims=True))
      return e / e.sum(axis=-1, keepdims=True)
      """),
    W(NOTEBOOK, "softmax", "softmax-impl", "wraps course_lib.nn.functional.softmax_forward",
      code="""
      import course_lib.nn.functional as reference
      return reference.softmax_forward(z)[0]
      """),
    W(NOTEBOOK, "log-softmax", "log-softmax-impl", "log-sum-exp shifted by the row minimum",
      code="""
      m = z.min(axis=-1, keepdims=True)
      return z - (m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))
      """),
    W(NOTEBOOK, "log-softmax", "log-softmax-impl", "log-sum-exp shifted by the row mean",
      code="""
      m = z.mean(axis=-1, keepdims=True)
      return z - (m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))
      """),
    W(NOTEBOOK, "relu", "relu-impl", "wraps course_lib's ReLU module",
      code="""
      from course_lib.nn import ReLU
      return ReLU()(x)
      """),
    W(NOTEBOOK, "tanh", "tanh-impl", "wraps course_lib's Tanh module (passes the name check)",
      code="""
      from course_lib import nn
      return nn.Tanh()(x)
      """),
    W(NOTEBOOK, "leaky-relu", "leaky-relu-impl", "wraps course_lib's reference through importlib",
      code="""
      import importlib
      functional = importlib.import_module("course_lib.nn.functional")
      return functional.leaky_relu_forward(x, negative_slope)[0]
      """),
    W(NOTEBOOK, "mlp-forward", "mlp-forward-impl", "float32 in, float64 out: x converted to float",
      code="""
      x = x.astype(float)
      return softmax(linear_forward(relu(linear_forward(x, W1, b1)), W2, b2))
      """),
]
# fmt: on
