"""The argument checks of the functional pairs, for when a learner calls them directly.

``course_lib.nn.functional.linear_forward`` (the name a notebook uses) is
:func:`checked` ``linear.linear_forward``: it checks and converts its arguments
once, then runs the plain formula. The layers of ``course_lib.nn`` check their
input at their own boundary and call the plain functions of the submodules
(``course_lib.nn.functional.linear.linear_forward``), so nothing is checked
twice. ``inspect.getsource`` of a checked function shows the plain one.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from course_lib import checks

REDUCTIONS = ("mean", "sum", "none")


def checked(function, check):
    """``function`` behind ``check(arguments, where)``, which validates (and may convert)
    the bound arguments in place. The plain function stays reachable as ``.__wrapped__``."""
    signature = inspect.signature(function)

    @functools.wraps(function)
    def entry(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"{function.__name__}{signature}: {error}") from None
        bound.apply_defaults()
        check(bound.arguments, function.__name__)
        return function(*bound.args, **bound.kwargs)

    # tracebacks and the grader's messages name the function, not "entry"
    entry.__code__ = entry.__code__.replace(co_name=function.__name__,
                                            co_qualname=function.__qualname__)
    return entry


# ---- shared pieces ----------------------------------------------------------------------------
def _float(arguments, name, where):
    arguments[name] = checks.float_array(arguments[name], f"{where}: {name}")


def _dout_like(arguments, shape, where):
    """dout must be an array of ``shape``; it is converted to a float array."""
    dout = np.asarray(arguments["dout"])
    if dout.dtype.kind not in "fiub":
        raise TypeError(f"{where}: dout must be a numeric array, got dtype {dout.dtype}")
    arguments["dout"] = checks.dout_shape(dout, shape, where)


def _cache_tuple(arguments, length, where, produced_by):
    cache = arguments["cache"]
    if not isinstance(cache, tuple) or len(cache) != length:
        raise TypeError(
            f"{where}: cache must be the cache returned by {produced_by}, "
            f"got {type(cache).__name__}")
    return cache


# ---- linear -----------------------------------------------------------------------------------
def linear_forward(arguments, where):
    for name in ("x", "weight"):
        _float(arguments, name, where)
    x, weight, bias = arguments["x"], arguments["weight"], arguments["bias"]
    if weight.ndim != 2:
        raise ValueError(f"{where}: weight must have shape (out_features, in_features), "
                         f"got {weight.shape}")
    if x.ndim != 2 or x.shape[1] != weight.shape[1]:
        raise ValueError(
            f"{where}: x has shape {x.shape}, but weight {weight.shape} = (out_features, "
            f"in_features) needs x of shape (N, {weight.shape[1]})")
    if bias is not None:
        _float(arguments, "bias", where)
        if arguments["bias"].shape != (weight.shape[0],):
            raise ValueError(f"{where}: bias must have shape ({weight.shape[0]},) = "
                             f"(out_features,), got {arguments['bias'].shape}")


def linear_backward(arguments, where):
    x, weight, _ = _cache_tuple(arguments, 3, where, "linear_forward")
    _dout_like(arguments, (len(x), len(weight)), where)


# ---- element-wise activations, softmax --------------------------------------------------------
def activation_forward(arguments, where):
    _float(arguments, "x", where)
    for name in ("negative_slope", "alpha"):
        if name in arguments:
            arguments[name] = checks.number(arguments[name], name, where)


def _first_array(cache):
    return cache if isinstance(cache, np.ndarray) else cache[0]


def activation_backward(arguments, where):
    cache = arguments["cache"]
    if not isinstance(cache, (np.ndarray, tuple)):
        raise TypeError(f"{where}: cache must be the cache returned by the forward function, "
                        f"got {type(cache).__name__}")
    _dout_like(arguments, _first_array(cache).shape, where)


def softmax_forward(arguments, where):
    _float(arguments, "x", where)
    dim = checks.integer(arguments["dim"], "dim", where)
    ndim = arguments["x"].ndim
    if not -ndim <= dim < ndim:
        raise ValueError(f"{where}: dim={dim} is out of range for an input with {ndim} "
                         f"dimensions")


# ---- losses -----------------------------------------------------------------------------------
def _reduction(arguments, where):
    checks.choice(arguments["reduction"], REDUCTIONS, "reduction", where)


def regression_loss_forward(arguments, where):
    _reduction(arguments, where)
    arguments["pred"], arguments["target"] = checks.same_shape(
        arguments["pred"], arguments["target"], where)
    if "delta" in arguments:
        arguments["delta"] = checks.number(arguments["delta"], "delta", where, low=0,
                                           low_inclusive=False)


def binary_cross_entropy_forward(arguments, where):
    _reduction(arguments, where)
    probs, target = checks.probability_targets(arguments["probs"], arguments["target"], where)
    if probs.size and not (probs.min() >= 0 and probs.max() <= 1):
        raise ValueError(
            f"{where}: probs must be probabilities in [0, 1] (a sigmoid's output); found values "
            f"from {probs.min()} to {probs.max()}. For logits use "
            f"binary_cross_entropy_with_logits_forward (or nn.BCEWithLogitsLoss).")
    arguments["probs"], arguments["target"] = probs, target


def class_weights(weight, classes, dtype, where):
    """``weight`` as a (classes,) array of ``dtype`` with values >= 0."""
    weight = np.asarray(weight)
    if weight.dtype.kind not in "fiu":
        raise TypeError(f"{where}: weight must be a numeric array of shape ({classes},)")
    if weight.shape != (classes,):
        raise ValueError(f"{where}: weight must have one entry per class, shape ({classes},), "
                         f"got shape {weight.shape}")
    if not np.all(weight >= 0):
        raise ValueError(f"{where}: class weights must be >= 0, got {weight.tolist()}")
    return weight.astype(dtype)


def positive_weight(pos_weight, logits, where):
    """``pos_weight`` as a number or an array broadcastable to the last axis, >= 0."""
    array = np.asarray(pos_weight)
    if array.dtype.kind not in "fiu":
        raise TypeError(f"{where}: pos_weight must be a number or a numeric array, "
                        f"got {pos_weight!r}")
    columns = logits.shape[-1] if logits.ndim else 1
    if array.ndim > 1 or (array.ndim == 1 and array.shape[0] not in (1, columns)):
        raise ValueError(f"{where}: pos_weight must be one number or one per output column "
                         f"(shape ({columns},)), got shape {array.shape}")
    if not np.all(array >= 0):
        raise ValueError(f"{where}: pos_weight must be >= 0, got {array.tolist()}")
    return array.astype(logits.dtype)


def binary_cross_entropy_with_logits_forward(arguments, where):
    _reduction(arguments, where)
    arguments["logits"], arguments["target"] = checks.probability_targets(
        arguments["logits"], arguments["target"], where)
    if arguments["pos_weight"] is not None:
        arguments["pos_weight"] = positive_weight(arguments["pos_weight"], arguments["logits"],
                                                  where)


def cross_entropy_forward(arguments, where):
    _reduction(arguments, where)
    logits, target = checks.class_indices(arguments["logits"], arguments["target"], where)
    arguments["logits"], arguments["target"] = logits, target
    arguments["label_smoothing"] = checks.number(arguments["label_smoothing"], "label_smoothing",
                                                 where, low=0, high=1)
    if arguments["weight"] is not None:
        arguments["weight"] = class_weights(arguments["weight"], logits.shape[1], logits.dtype,
                                            where)


def loss_backward(arguments, where, *, per_sample=False):
    """dout: a scalar for "mean" and "sum", the loss's shape for "none"; in the loss's dtype."""
    cache = arguments["cache"]
    if not isinstance(cache, tuple) or cache[-1] not in REDUCTIONS:
        raise TypeError(f"{where}: cache must be the cache returned by the forward function")
    first = cache[0]
    shape = (first.shape[:1] if per_sample else first.shape) if cache[-1] == "none" else ()
    dout = np.asarray(arguments["dout"])
    if dout.dtype.kind not in "fiub":
        raise TypeError(f"{where}: dout must be a number or a numeric array")
    if dout.shape != shape:
        raise ValueError(
            f"{where}: dout has shape {dout.shape}, expected {shape} (the shape of the loss with "
            f"reduction={cache[-1]!r}); broadcasting it would be a silent bug")
    arguments["dout"] = dout.astype(first.dtype)


def cross_entropy_backward(arguments, where):
    loss_backward(arguments, where, per_sample=True)


# ---- dropout, batch norm ----------------------------------------------------------------------
def dropout_forward(arguments, where):
    _float(arguments, "x", where)
    arguments["p"] = checks.number(arguments["p"], "p (the probability of dropping a unit)",
                                   where, low=0, high=1, high_inclusive=False)
    mask = arguments["mask"]
    if mask is None:
        arguments["rng"] = checks.rng(arguments["rng"], where)
        return
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"{where}: mask must be a boolean array (True = kept), got {mask.dtype}")
    if mask.shape != arguments["x"].shape:
        raise ValueError(f"{where}: mask has shape {mask.shape} but x has shape "
                         f"{arguments['x'].shape}; they must be equal")
    arguments["mask"] = mask


def dropout_backward(arguments, where):
    scaled_mask = arguments["cache"]
    if scaled_mask is None:
        return
    _dout_like(arguments, np.shape(scaled_mask), where)


def batch_norm_forward(arguments, where):
    _float(arguments, "x", where)
    x = arguments["x"]
    if x.ndim != 2:
        raise ValueError(f"{where}: x must have shape (N, C), got {x.shape}")
    if arguments["training"] and len(x) < 2:
        raise ValueError(f"{where} in training mode needs at least 2 samples per feature to "
                         f"compute batch statistics, got a batch of shape {x.shape}")
    for name in ("weight", "bias", "running_mean", "running_var"):
        value = arguments[name]
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise TypeError(f"{where}: {name} must be a float NumPy array of shape "
                            f"({x.shape[1]},), got {type(value).__name__}")
        if value.shape != (x.shape[1],):
            raise ValueError(f"{where}: {name} must have shape ({x.shape[1]},), "
                             f"got {value.shape}")
    arguments["momentum"] = checks.number(arguments["momentum"], "momentum", where, low=0, high=1)
    arguments["eps"] = checks.number(arguments["eps"], "eps", where, low=0, low_inclusive=False)


def batch_norm_backward(arguments, where):
    x_hat = _cache_tuple(arguments, 4, where, "batch_norm_forward")[0]
    _dout_like(arguments, x_hat.shape, where)
