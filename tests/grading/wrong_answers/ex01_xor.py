"""Wrong answers of exercise 01 (XOR from scratch).

The package docstring says how they are used.

The first group is the bugs of the exercise's first version; the second, added when the
tests were hardened, are the kinds that got full marks then (each rejected by its own task
only): float32 in and float64 out, a wrapper of course_lib's reference, a division by 4
instead of N, a loss appended as an array.
"""

from wrong_answers.common import W

NOTEBOOK = "01_xor"

# fmt: off
WRONG_ANSWERS = [
    W(NOTEBOOK, "sigmoid", "sigmoid-impl", "sign error in the exponent, 1 / (1 + e^z)",
      code="return 1.0 / (1.0 + np.exp(z))"),
    W(NOTEBOOK, "sigmoid", "sigmoid-impl", "operator precedence, 1 / 1 + e^-z",
      code="return 1 / 1 + np.exp(-z)"),
    W(NOTEBOOK, "sigmoid", "sigmoid-impl", "e^z / (1 + e^z), nan at z = 1000",
      code="return np.exp(z) / (1 + np.exp(z))"),
    W(NOTEBOOK, "sigmoid", "sigmoid-impl", "math.exp, which takes one number, not an array",
      code="""
      import math
      return 1 / (1 + math.exp(-z))
      """),
    W(NOTEBOOK, "sigmoid-derivative", "sigmoid-prime-impl",
      "a * (1 - a) applied to the pre-activation z",
      code="return z * (1 - z)"),
    W(NOTEBOOK, "sigmoid-derivative", "sigmoid-prime-impl",
      "half converted, sigmoid(z) * (1 - z)",
      code="return sigmoid(z) * (1 - z)"),
    W(NOTEBOOK, "sigmoid-derivative", "sigmoid-prime-from-output-impl",
      "sigmoid applied again to the output a",
      code="return sigmoid(a) * (1 - sigmoid(a))"),
    W(NOTEBOOK, "sigmoid-derivative", "sigmoid-prime-from-output-impl",
      "tanh's derivative 1 - a^2 instead of a(1 - a)",
      code="return 1 - a ** 2"),
    W(NOTEBOOK, "forward-pass", "forward-impl", "W1 instead of W1.T (square, so no shape error)",
      edits=(("X @ W1.T", "X @ W1"),)),
    W(NOTEBOOK, "forward-pass", "forward-impl", "no sigmoid on the output layer",
      edits=(("A2 = sigmoid(A1 @ W2.T + b2)", "A2 = A1 @ W2.T + b2"),)),
    W(NOTEBOOK, "forward-pass", "forward-impl", "output layer fed the pre-activation Z1",
      code="""
      Z1 = X @ W1.T + b1
      A1 = sigmoid(Z1)
      A2 = sigmoid(Z1 @ W2.T + b2)
      """),
    W(NOTEBOOK, "training-loop", "train-impl", "update with + (gradient ascent)",
      edits=(("W1 -= lr", "W1 += lr"), ("b1 -= lr", "b1 += lr"),
             ("W2 -= lr", "W2 += lr"), ("b2 -= lr", "b2 += lr"))),
    W(NOTEBOOK, "training-loop", "train-impl", "biases never updated",
      edits=(("\nb1 -= lr * db1", ""), ("\nb2 -= lr * db2", ""))),
    W(NOTEBOOK, "training-loop", "train-impl", "transposed weight gradient X.T @ dZ1",
      edits=(("dW1 = dZ1.T @ X", "dW1 = X.T @ dZ1"),)),
    W(NOTEBOOK, "training-loop", "train-impl",
      "sigmoid derivative of the pre-activation applied to the output A1",
      edits=(("sigmoid_prime_from_output(A1)", "sigmoid_prime(A1)"),)),
    W(NOTEBOOK, "training-loop", "train-impl", "output gradient not divided by N",
      edits=(("dZ2 = (A2 - y) / N", "dZ2 = A2 - y"),)),

    # Added when the tests were hardened (the kinds above) ----------------------------
    W(NOTEBOOK, "sigmoid", "sigmoid-impl", "float32 in, float64 out: the input converted to float",
      code="return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))"),
    W(NOTEBOOK, "sigmoid", "sigmoid-impl", "float32 in, float64 out: a np.float64 constant",
      code="return np.float64(1.0) / (1.0 + np.exp(-z))"),
    W(NOTEBOOK, "sigmoid", "sigmoid-impl", "wraps the course's reference, xor_references.sigmoid",
      code="""
      from course_lib.grading.exercise_support import xor_references
      return xor_references.sigmoid(z)
      """),
    W(NOTEBOOK, "sigmoid", "sigmoid-impl", "wraps course_lib's F.sigmoid_forward",
      code="""
      from course_lib.nn import functional as F
      return F.sigmoid_forward(z)[0]
      """),
    W(NOTEBOOK, "sigmoid-derivative", "sigmoid-prime-impl",
      "float32 in, float64 out: z converted with astype(np.float64)",
      code="""
      a = sigmoid(z.astype(np.float64))
      return a * (1 - a)
      """),
    W(NOTEBOOK, "sigmoid-derivative", "sigmoid-prime-from-output-impl",
      "wraps course_lib's F.sigmoid_backward",
      code="""
      import course_lib.nn.functional
      return course_lib.nn.functional.sigmoid_backward(np.ones_like(a), a)
      """),
    W(NOTEBOOK, "forward-pass", "forward-impl",
      "float32 in, float64 out: X converted to float first",
      edits=(("A1 = sigmoid(X @ W1.T + b1)",
              "X = np.asarray(X, dtype=float)\nA1 = sigmoid(X @ W1.T + b1)"),)),
    W(NOTEBOOK, "forward-pass", "forward-impl", "calls the course's reference forward by name",
      code="""
      from course_lib.grading import exercise_support
      A1, A2 = getattr(exercise_support, "xor_references").forward(X, W1, b1, W2, b2)
      """),
    W(NOTEBOOK, "training-loop", "train-impl", "divides by 4 instead of N",
      edits=(("dZ2 = (A2 - y) / N", "dZ2 = (A2 - y) / 4"),)),
    W(NOTEBOOK, "training-loop", "train-impl",
      "every gradient divided by 4 instead of dZ2 by N",
      edits=(("dZ2 = (A2 - y) / N", "dZ2 = A2 - y"),
             ("dW2 = dZ2.T @ A1", "dW2 = dZ2.T @ A1 / 4"),
             ("db2 = dZ2.sum(axis=0)", "db2 = dZ2.sum(axis=0) / 4"),
             ("dW1 = dZ1.T @ X", "dW1 = dZ1.T @ X / 4"),
             ("db1 = dZ1.sum(axis=0)", "db1 = dZ1.sum(axis=0) / 4"))),
    W(NOTEBOOK, "training-loop", "train-impl", "the cost summed and divided by 4",
      edits=(("losses.append(float(-np.mean(y * np.log(A2) + (1 - y) * np.log(1 - A2))))",
              "losses.append(float(-np.sum(y * np.log(A2) + (1 - y) * np.log(1 - A2)) / 4))"),)),
    W(NOTEBOOK, "training-loop", "train-impl", "the loss appended as a (1, 1) array (y.T @ ...)",
      edits=(("losses.append(float(-np.mean(y * np.log(A2) + (1 - y) * np.log(1 - A2))))",
              "losses.append(-(y.T @ np.log(A2) + (1 - y).T @ np.log(1 - A2)) / N)"),)),
    W(NOTEBOOK, "training-loop", "train-impl", "the loss appended as a (1, 1) array (keepdims)",
      edits=(("losses.append(float(-np.mean(y * np.log(A2) + (1 - y) * np.log(1 - A2))))",
              "losses.append(-np.mean(y * np.log(A2) + (1 - y) * np.log(1 - A2), "
              "keepdims=True))"),)),
    W(NOTEBOOK, "training-loop", "train-impl", "the loss appended as a (1,) array (sum, axis=0)",
      edits=(("losses.append(float(-np.mean(y * np.log(A2) + (1 - y) * np.log(1 - A2))))",
              "losses.append(-np.sum(y * np.log(A2) + (1 - y) * np.log(1 - A2), axis=0) / N)"),)),
]
# fmt: on
