"""Wrong answers of exercise 04 (04_init).

The package docstring says how they are used.
"""

from __future__ import annotations

from wrong_answers.common import W

# fmt: off
NOTEBOOK = "04_init"

WRONG_ANSWERS = [
    # xavier_uniform_ ---------------------------------------------------------------------------
    W("04_init", "xavier-uniform", "xavier-uniform-impl",
      "the std used as the bound, sqrt(2 / (fan_in + fan_out))",
      edits=(("math.sqrt(6 / (fan_in + fan_out))", "math.sqrt(2 / (fan_in + fan_out))"),)),
    W("04_init", "xavier-uniform", "xavier-uniform-impl",
      "Xavier with 1/fan_in only, bound sqrt(3 / fan_in)",
      edits=(("math.sqrt(6 / (fan_in + fan_out))", "math.sqrt(3 / fan_in)"),)),
    W("04_init", "xavier-uniform", "xavier-uniform-impl",
      "returns a new array instead of filling weight in place",
      code="""
      fan_out, fan_in = weight.shape
      bound = gain * math.sqrt(6 / (fan_in + fan_out))
      return rng.uniform(-bound, bound, size=weight.shape).astype(weight.dtype)
      """),
    W("04_init", "xavier-uniform", "xavier-uniform-impl",
      "draws from the global np.random instead of rng",
      edits=(("rng.uniform(-bound", "np.random.uniform(-bound"),)),
    W("04_init", "xavier-uniform", "xavier-uniform-impl", "gain ignored",
      edits=(("bound = gain * math.sqrt", "bound = math.sqrt"),)),

    # xavier_normal_ ----------------------------------------------------------------------------
    W("04_init", "xavier-normal", "xavier-normal-impl",
      "the variance passed to rng.normal as the std",
      edits=(("std = gain * math.sqrt(2 / (fan_in + fan_out))",
              "std = gain * 2 / (fan_in + fan_out)"),)),
    W("04_init", "xavier-normal", "xavier-normal-impl",
      "Xavier with 1/fan_in only (LeCun's std)",
      edits=(("math.sqrt(2 / (fan_in + fan_out))", "math.sqrt(1 / fan_in)"),)),
    W("04_init", "xavier-normal", "xavier-normal-impl",
      "uniform draws with Xavier's variance instead of normal ones",
      edits=(("weight[...] = rng.normal(0.0, std, size=weight.shape)",
              "weight[...] = rng.uniform(-math.sqrt(3) * std, math.sqrt(3) * std, "
              "size=weight.shape)"),)),
    W("04_init", "xavier-normal", "xavier-normal-impl", "gain inside the square root",
      edits=(("gain * math.sqrt(2 / (fan_in + fan_out))",
              "math.sqrt(gain * 2 / (fan_in + fan_out))"),)),

    # kaiming_normal_ ---------------------------------------------------------------------------
    W("04_init", "kaiming-normal", "kaiming-normal-impl", "He using fan_out, weight.shape[0]",
      edits=(("fan_in = weight.shape[1]", "fan_in = weight.shape[0]"),)),
    W("04_init", "kaiming-normal", "kaiming-normal-impl",
      "square root forgotten, gain / fan_in",
      edits=(("gain / math.sqrt(fan_in)", "gain / fan_in"),)),
    W("04_init", "kaiming-normal", "kaiming-normal-impl",
      "gain ignored, always sqrt(2 / fan_in)",
      edits=(("gain / math.sqrt(fan_in)", "math.sqrt(2 / fan_in)"),)),
    W("04_init", "kaiming-normal", "kaiming-normal-impl",
      "the variance gain**2 / fan_in passed as the std",
      edits=(("gain / math.sqrt(fan_in)", "gain**2 / fan_in"),)),

    # kaiming_uniform_ --------------------------------------------------------------------------
    W("04_init", "kaiming-uniform", "kaiming-uniform-impl",
      "uniform bound sqrt(1 / fan_in) instead of sqrt(3 / fan_in)",
      edits=(("math.sqrt(3 / fan_in)", "math.sqrt(1 / fan_in)"),)),
    W("04_init", "kaiming-uniform", "kaiming-uniform-impl", "He uniform using fan_out",
      edits=(("fan_in = weight.shape[1]", "fan_in = weight.shape[0]"),)),
    W("04_init", "kaiming-uniform", "kaiming-uniform-impl", "one-sided U(0, bound)",
      edits=(("rng.uniform(-bound, bound", "rng.uniform(0.0, bound"),)),
    W("04_init", "kaiming-uniform", "kaiming-uniform-impl",
      "normal draws with He's std instead of uniform ones",
      edits=(("weight[...] = rng.uniform(-bound, bound, size=weight.shape)",
              "weight[...] = rng.normal(0.0, gain / math.sqrt(fan_in), size=weight.shape)"),)),

    # predicted_stds ----------------------------------------------------------------------------
    W("04_init", "predicted-stds", "predicted-stds-impl",
      "the activation's factor applied to the inputs of the first layer too",
      edits=(("second_moment = input_std**2 if not variances else c * variances[-1]",
              "second_moment = c * (input_std**2 if not variances else variances[-1])"),)),
    W("04_init", "predicted-stds", "predicted-stds-impl", "variances returned, no square root",
      edits=(("return np.sqrt(np.array(variances, dtype=np.float64))",
              "return np.array(variances, dtype=np.float64)"),)),
    W("04_init", "predicted-stds", "predicted-stds-impl",
      "leaky ReLU's factor (1 + slope) / 2 instead of (1 + slope**2) / 2",
      edits=(('"leaky_relu": (1 + negative_slope**2) / 2',
              '"leaky_relu": (1 + negative_slope) / 2'),)),
    W("04_init", "predicted-stds", "predicted-stds-impl", "input_std not squared",
      edits=(("second_moment = input_std**2 if", "second_moment = input_std if"),)),
    W("04_init", "predicted-stds", "predicted-stds-impl", "ReLU's factor 2 instead of 1/2",
      edits=(('"relu": 0.5', '"relu": 2.0'),)),
]
# fmt: on
