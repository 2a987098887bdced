"""Wrong answers of exercise 03 (backpropagation): see the package docstring for how they are used.

The first group is the bugs of the exercise's first version; the second, added when the
tests were hardened, are the kinds that got full marks then (each rejected by its own task
only): x >= 0 in the ReLU backward, float32 in and float64 out, a softmax shifted by the row
minimum or mean, a wrapper of course_lib's reference.
"""

from wrong_answers.common import W

NOTEBOOK = "03_backprop"

# fmt: off
WRONG_ANSWERS = [
    W(NOTEBOOK, "linear-backward", "linear-backward-impl",
      "transposed weight gradient, x.T @ dout",
      edits=(("dW = dout.T @ x", "dW = x.T @ dout"),)),
    W(NOTEBOOK, "linear-backward", "linear-backward-impl",
      "bias gradient not summed over the batch",
      edits=(("db = dout.sum(axis=0)", "db = dout"),)),
    W(NOTEBOOK, "linear-backward", "linear-backward-impl",
      "bias gradient averaged instead of summed",
      edits=(("db = dout.sum(axis=0)", "db = dout.mean(axis=0)"),)),
    W(NOTEBOOK, "linear-backward", "linear-backward-impl", "dx with W.T instead of W",
      edits=(("dx = dout @ W", "dx = dout @ W.T"),)),
    W(NOTEBOOK, "relu-backward", "relu-backward-impl", "no mask: dout passed through",
      code="return dout"),
    W(NOTEBOOK, "relu-backward", "relu-backward-impl", "mask taken from dout, not x",
      code="return dout * (dout > 0)"),
    W(NOTEBOOK, "relu-backward", "relu-backward-impl",
      "multiplied by relu(x) instead of its slope",
      code="return dout * np.maximum(x, 0)"),
    W(NOTEBOOK, "sigmoid-backward", "sigmoid-backward-impl",
      "sigmoid applied again to the output",
      code="""
      s = 1 / (1 + np.exp(-out))
      return dout * s * (1 - s)
      """),
    W(NOTEBOOK, "sigmoid-backward", "sigmoid-backward-impl", "dout forgotten",
      code="return out * (1 - out)"),
    W(NOTEBOOK, "tanh-backward", "tanh-backward-impl",
      "tanh applied again to the output",
      code="return dout * (1 - np.tanh(out) ** 2)"),
    W(NOTEBOOK, "tanh-backward", "tanh-backward-impl", "dout forgotten",
      code="return 1 - out**2"),
    W(NOTEBOOK, "tanh-backward", "tanh-backward-impl",
      "(1 - out)^2 instead of 1 - out^2",
      code="return dout * (1 - out) ** 2"),
    W(NOTEBOOK, "mse-backward", "mse-backward-impl", "factor 2 missing",
      code="return (pred - target) / pred.size"),
    W(NOTEBOOK, "mse-backward", "mse-backward-impl", "1/N missing",
      code="return 2 * (pred - target)"),
    W(NOTEBOOK, "mse-backward", "mse-backward-impl",
      "divided by the number of rows, not of entries",
      code="return 2 * (pred - target) / len(pred)"),
    W(NOTEBOOK, "mse-backward", "mse-backward-impl", "sign flipped, target - pred",
      code="return 2 * (target - pred) / pred.size"),
    W(NOTEBOOK, "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "not divided by N",
      edits=(("return dlogits / N", "return dlogits"),)),
    W(NOTEBOOK, "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "probs[:, y] -= 1 subtracts from whole columns",
      edits=(("dlogits[np.arange(N), y] -= 1", "dlogits[:, y] -= 1"),)),
    W(NOTEBOOK, "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "softmax without the max shift, nan for large logits",
      edits=(("dlogits = softmax(logits)",
              "dlogits = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)"),)),
    W(NOTEBOOK, "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "label subtracted as a number instead of one-hot",
      edits=(("dlogits[np.arange(N), y] -= 1", "dlogits = dlogits - y[:, None]"),)),
    W(NOTEBOOK, "numerical-gradient", "numerical-gradient-impl",
      "one-sided difference",
      edits=(("grad[i] = (f_plus - f_minus) / (2 * eps)",
              "grad[i] = (f_plus - f(x)) / eps"),)),
    W(NOTEBOOK, "numerical-gradient", "numerical-gradient-impl",
      "divided by eps instead of 2 eps",
      edits=(("(2 * eps)", "eps"),)),
    W(NOTEBOOK, "numerical-gradient", "numerical-gradient-impl",
      "entries not restored",
      edits=(("    x[i] = old\n", ""),)),
    W(NOTEBOOK, "numerical-gradient", "numerical-gradient-impl",
      "moves the entries of a copy, x.flatten()",
      code="""
      flat = x.flatten()
      grad = np.zeros_like(flat)
      for i in range(flat.size):
          old = flat[i]
          flat[i] = old + eps
          f_plus = f(x)
          flat[i] = old - eps
          f_minus = f(x)
          flat[i] = old
          grad[i] = (f_plus - f_minus) / (2 * eps)
      return grad.reshape(x.shape)
      """),
    W(NOTEBOOK, "two-layer-gradients", "two-layer-impl",
      "second layer's input taken as the pre-activation Z1",
      edits=(("linear_backward(dZ2, H, W2)", "linear_backward(dZ2, Z1, W2)"),)),
    W(NOTEBOOK, "two-layer-gradients", "two-layer-impl", "ReLU skipped in the backward pass",
      edits=(("dZ1 = relu_backward(dH, Z1)", "dZ1 = dH"),)),
    W(NOTEBOOK, "two-layer-gradients", "two-layer-impl",
      "first layer's input taken as the hidden activations H",
      edits=(("linear_backward(dZ1, X, W1)", "linear_backward(dZ1, H, W1)"),)),

    # Added when the tests were hardened (the kinds above) ----------------------------
    W(NOTEBOOK, "relu-backward", "relu-backward-impl", "x >= 0: gradient passed at x = 0",
      code="return dout * (x >= 0)"),
    W(NOTEBOOK, "relu-backward", "relu-backward-impl", "np.where(x < 0, 0, dout): passes at 0",
      code="return np.where(x < 0, 0, dout)"),
    W(NOTEBOOK, "relu-backward", "relu-backward-impl", "Heaviside step with value 1 at 0",
      code="return dout * np.heaviside(x, 1.0)"),
    W(NOTEBOOK, "relu-backward", "relu-backward-impl",
      "float32 in, float64 out: mask converted with astype(float)",
      code="return dout * (x > 0).astype(float)"),
    W(NOTEBOOK, "relu-backward", "relu-backward-impl",
      "wraps course_lib's F.relu_backward (F is in the setup cell)",
      code="return F.relu_backward(dout, F.relu_forward(x)[1])"),
    W(NOTEBOOK, "linear-backward", "linear-backward-impl",
      "float32 in, float64 out: db converted with astype(float)",
      edits=(("db = dout.sum(axis=0)", "db = dout.sum(axis=0).astype(float)"),)),
    W(NOTEBOOK, "linear-backward", "linear-backward-impl",
      "wraps course_lib's reference, through the tests' own module name",
      code="""
      from course_lib.nn import functional as reference
      cache = reference.linear_forward(x, W, np.zeros(len(W), dtype=W.dtype))[1]
      dx, dW, db = reference.linear_backward(dout, cache)
      """),
    W(NOTEBOOK, "sigmoid-backward", "sigmoid-backward-impl",
      "wraps the reference F.sigmoid_backward",
      code="return F.sigmoid_backward(dout, out)"),
    W(NOTEBOOK, "mse-backward", "mse-backward-impl",
      "float32 in, float64 out: divided by np.float64(pred.size)",
      code="return 2 * (pred - target) / np.float64(pred.size)"),
    W(NOTEBOOK, "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "own softmax shifted by the row mean",
      edits=(("dlogits = softmax(logits)",
              "e = np.exp(logits - logits.mean(axis=1, keepdims=True))\n"
              "dlogits = e / e.sum(axis=1, keepdims=True)"),)),
    W(NOTEBOOK, "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "own softmax shifted by the row minimum",
      edits=(("dlogits = softmax(logits)",
              "e = np.exp(logits - logits.min(axis=1, keepdims=True))\n"
              "dlogits = e / e.sum(axis=1, keepdims=True)"),)),
    W(NOTEBOOK, "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "float32 in, float64 out: one-hot labels from np.eye",
      code="return (softmax(logits) - np.eye(logits.shape[1])[y]) / logits.shape[0]"),
    W(NOTEBOOK, "softmax-cross-entropy-backward", "cross-entropy-backward-impl",
      "wraps course_lib's reference through __import__",
      code="""
      functional = __import__("course_lib.nn.functional", fromlist=["functional"])
      cache = functional.cross_entropy_forward(logits, y)[1]
      return functional.cross_entropy_backward(1.0, cache)
      """),
    W(NOTEBOOK, "numerical-gradient", "numerical-gradient-impl",
      "wraps course_lib's gradcheck.numerical_gradient (imported by the tests)",
      code="return gradcheck.numerical_gradient(f, x, eps)"),
]
# fmt: on
