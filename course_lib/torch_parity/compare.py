"""Training the course's NumPy MLP and its PyTorch twin side by side, step by step.

Taught in notebooks/09_numpy_to_pytorch.ipynb. ``compare_training`` runs
``numpy_loop.train`` and ``torch_loop.train`` on models with the same weights,
with the same batches in the same order and the same optimizer and schedule
(built by one function for both frameworks, since their names agree), and
returns a :class:`ParityReport`: the loss of every step in each framework and
the relative difference of every parameter after every step. ``loop_diff``
shows what differs between the two loops' code.

The differences are round-off: both frameworks compute the same formulas but
sum in different orders (their matrix products are different BLAS kernels).
In float64 that is about 1e-16 per operation, in float32 about 1e-7; training
carries the differences forward, and an unstable run (too large a learning
rate) amplifies them.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from course_lib import checks
from course_lib import nn as course_nn
from course_lib import optim as course_optim
from course_lib.gradcheck import relative_error
from course_lib.torch_parity import numpy_loop, torch_loop
from course_lib.torch_parity.state import copy_state
from course_lib.torch_utils import get_device

__all__ = ["ParityReport", "code_diff", "compare_training", "loop_diff", "twin_models"]

_TORCH_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}


@dataclass
class ParityReport:
    """The two frameworks' training runs, compared after every step.

    Attributes:
        dtype: the dtype both models trained in ("float32" or "float64").
        epoch: (S,) the epoch of each step, from 1.
        lr: (S,) the learning rate of each step (the first parameter group's).
        numpy_loss: (S,) the batch loss of each step in course_lib.
        torch_loss: (S,) the same in PyTorch.
        parameter_error: ``{name: (S,)}``, the relative difference
            ``||p_numpy - p_torch|| / max(||p_numpy||, ||p_torch||)`` of each
            parameter after each step.

    Example:
        >>> report = ParityReport("float64", np.array([1, 1]), np.array([0.1, 0.1]),
        ...                       np.array([2.0, 1.5]), np.array([2.0, 1.5 + 3e-16]),
        ...                       {"0.weight": np.array([0.0, 1e-16])})
        >>> report.passed(1e-12)
        True

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """

    dtype: str
    epoch: np.ndarray
    lr: np.ndarray
    numpy_loss: np.ndarray
    torch_loss: np.ndarray
    parameter_error: dict[str, np.ndarray]

    @property
    def steps(self) -> int:
        """The number of training steps S."""
        return len(self.numpy_loss)

    @property
    def loss_error(self) -> np.ndarray:
        """(S,) the relative difference of the losses, ``|a - b| / max(|a|, |b|)``."""
        a, b = self.numpy_loss, self.torch_loss
        scale = np.maximum(np.abs(a), np.abs(b))
        return np.divide(np.abs(a - b), scale, out=np.zeros_like(scale), where=scale > 0)

    @property
    def max_parameter_error(self) -> np.ndarray:
        """(S,) the largest relative difference over the parameters after each step."""
        return np.max(np.stack(list(self.parameter_error.values())), axis=0)

    def worst_parameter(self, step: int) -> str:
        """The name of the parameter that differs most after ``step`` (from 1)."""
        step = checks.integer(step, "step", "ParityReport.worst_parameter", minimum=1,
                              maximum=self.steps)
        return max(self.parameter_error, key=lambda name: self.parameter_error[name][step - 1])

    def passed(self, tolerance: float) -> bool:
        """True if every loss and every parameter agree within ``tolerance`` at every step."""
        tolerance = checks.number(tolerance, "tolerance", "ParityReport.passed", low=0)
        return bool(self.loss_error.max() <= tolerance
                    and self.max_parameter_error.max() <= tolerance)

    def table(self):
        """The comparison as a pandas DataFrame, one row per step."""
        import pandas as pd

        return pd.DataFrame({
            "step": np.arange(1, self.steps + 1), "epoch": self.epoch, "lr": self.lr,
            "loss (course_lib)": self.numpy_loss, "loss (torch)": self.torch_loss,
            "loss difference": self.loss_error,
            "largest parameter difference": self.max_parameter_error,
            "parameter": [self.worst_parameter(s) for s in range(1, self.steps + 1)],
        })

    def format_table(self, every: int = 1) -> str:
        """The comparison as text: every ``every``-th step (and the last), one line each.

        Losses are printed with 10 decimals, differences (relative, see the
        attributes) in scientific notation.
        """
        every = checks.integer(every, "every", "ParityReport.format_table", minimum=1)
        shown = [s for s in range(1, self.steps + 1) if s % every == 1 % every or s == self.steps]
        header = (f"{'step':>4}  {'epoch':>5}  {'lr':>8}  {'loss course_lib':>15}  "
                  f"{'loss torch':>15}  {'loss diff.':>10}  {'param. diff.':>12}  parameter")
        lines = [header]
        for s in shown:
            i = s - 1
            lines.append(
                f"{s:>4}  {self.epoch[i]:>5}  {self.lr[i]:>8.4g}  {self.numpy_loss[i]:>15.10f}  "
                f"{self.torch_loss[i]:>15.10f}  {self.loss_error[i]:>10.1e}  "
                f"{self.max_parameter_error[i]:>12.1e}  {self.worst_parameter(s)}")
        return "\n".join(lines)


def twin_models(sizes: Sequence[int], *, dtype=np.float32, rng=None, device=None):
    """A course_lib MLP (``numpy_loop.make_mlp``) and its torch twin with the same weights.

    Args:
        sizes: the layer widths [n_0, ..., n_L].
        dtype: np.float32 or np.float64, for both models.
        rng: the generator or seed of the course_lib model's weights.
        device: the torch model's device (default: ``get_device()``).

    Returns:
        ``(numpy_model, torch_model)``. torch's global random state is left as it was.

    Example:
        >>> ours, theirs = twin_models([4, 3, 2], dtype=np.float64, rng=0)
        >>> theirs[2].bias.dtype, bool(np.array_equal(theirs[2].bias.detach().numpy(),
        ...                                           ours[2].bias.data))
        (torch.float64, True)

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    dtype = checks.float_dtype(dtype, "twin_models")
    numpy_model = numpy_loop.make_mlp(sizes, rng=rng)
    numpy_model = numpy_model.double() if dtype == np.float64 else numpy_model.float()
    with torch.random.fork_rng(devices=[]):  # the start is overwritten: draw nothing for good
        torch_model = torch_loop.make_mlp(sizes).to(_TORCH_DTYPES[dtype])
    copy_state(numpy_model, torch_model)
    return numpy_model, torch_model.to(get_device(device))


def compare_training(numpy_model, torch_model, epochs, *, make_optimizer: Callable,
                     make_scheduler: Callable | None = None) -> ParityReport:
    """Train both twins on the same batches, each with its framework's optimizer, and compare.

    Args:
        numpy_model: a course_lib model returning logits (N, C).
        torch_model: its torch twin, with the same parameter names, shapes and
            values (``copy_state``) and the same dtype.
        epochs: one list of ``(X, y)`` NumPy batches per epoch (X of the models'
            dtype, y int64), as ``[list(minibatches(X, y, 64, rng=rng)) for _ in
            range(3)]``; both models see them in this order.
        make_optimizer: ``make_optimizer(optim, params)`` builds the optimizer
            from a framework's ``optim`` module (``course_lib.optim`` or
            ``torch.optim``), e.g. ``lambda optim, params: optim.SGD(params,
            lr=0.1, momentum=0.9)``: the same call works for both.
        make_scheduler: ``make_scheduler(optim, optimizer)`` likewise, e.g.
            ``lambda optim, opt: optim.lr_scheduler.StepLR(opt, step_size=1,
            gamma=0.5)``; default: a constant learning rate.

    Returns:
        A :class:`ParityReport`. The models are trained in place.

    Raises:
        TypeError: a model of the wrong framework.
        ValueError: the models differ before training (copy them with
            ``copy_state``), have different dtypes, or a batch has another dtype.

    Example:
        >>> ours, theirs = twin_models([4, 3, 2], dtype=np.float64, rng=0, device="cpu")
        >>> rng = np.random.default_rng(0)
        >>> epochs = [[(rng.normal(size=(5, 4)), rng.integers(0, 2, 5))] for _ in range(2)]
        >>> report = compare_training(ours, theirs, epochs,
        ...     make_optimizer=lambda optim, params: optim.Adam(params, lr=0.01))
        >>> report.steps, report.passed(1e-12)
        (2, True)

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    checks.instance(numpy_model, course_nn.Module, "numpy_model", "compare_training")
    checks.instance(torch_model, torch.nn.Module, "torch_model", "compare_training")
    checks.function(make_optimizer, "make_optimizer", "compare_training")
    if make_scheduler is not None:
        checks.function(make_scheduler, "make_scheduler", "compare_training")
    dtype = _check_twins(numpy_model, torch_model)
    epochs = _checked_epochs(epochs, dtype)

    def build(optim, model):
        optimizer = make_optimizer(optim, model.parameters())
        scheduler = (optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 1.0)
                     if make_scheduler is None else make_scheduler(optim, optimizer))
        return optimizer, scheduler

    numpy_optimizer, numpy_scheduler = build(course_optim, numpy_model)
    record = {"loss": [], "lr": [], "state": []}

    def on_numpy_step(loss, model):
        record["loss"].append(loss)
        record["lr"].append(numpy_optimizer.param_groups[0]["lr"])
        record["state"].append({name: array.copy() for name, array in model.state_dict().items()})

    numpy_loop.train(numpy_model, numpy_optimizer, numpy_scheduler, epochs, on_numpy_step)

    torch_optimizer, torch_scheduler = build(torch.optim, torch_model)
    torch_losses = []
    errors = {name: [] for name, _ in numpy_model.named_parameters()}

    def on_torch_step(loss, model):
        ours = record["state"][len(torch_losses)]
        torch_losses.append(loss)
        theirs = model.state_dict()
        for name in errors:
            errors[name].append(relative_error(ours[name], theirs[name].detach().cpu().numpy()))

    torch_loop.train(torch_model, torch_optimizer, torch_scheduler, epochs, on_torch_step)

    epoch = np.concatenate([np.full(len(batches), e + 1) for e, batches in enumerate(epochs)])
    return ParityReport(dtype=dtype.name, epoch=epoch, lr=np.array(record["lr"]),
                        numpy_loss=np.array(record["loss"], dtype=np.float64),
                        torch_loss=np.array(torch_losses, dtype=np.float64),
                        parameter_error={name: np.array(e) for name, e in errors.items()})


def _check_twins(numpy_model, torch_model) -> np.dtype:
    ours = numpy_model.state_dict()
    theirs = {name: value.detach().cpu() for name, value in torch_model.state_dict().items()}
    if set(ours) != set(theirs):
        raise ValueError(f"compare_training: the models have different parameters: "
                         f"{sorted(ours)} and {sorted(theirs)}. Build the torch twin layer for "
                         "layer (twin_models does).")
    dtypes = {array.dtype for array in ours.values() if array.dtype.kind == "f"}
    torch_dtypes = {tensor.dtype for tensor in theirs.values() if tensor.is_floating_point()}
    if len(dtypes) != 1 or dtypes.pop() not in _TORCH_DTYPES or len(torch_dtypes) != 1:
        raise ValueError("compare_training: every parameter of each model must have one dtype, "
                         "float32 or float64")
    dtype = next(array.dtype for array in ours.values() if array.dtype.kind == "f")
    if torch_dtypes.pop() != _TORCH_DTYPES[dtype]:
        raise ValueError(f"compare_training: the course_lib model is {dtype.name}, the torch "
                         f"model is not; convert one (model.double() or model.float()).")
    different = [name for name in ours if not np.array_equal(ours[name], theirs[name].numpy())]
    if different:
        raise ValueError(f"compare_training: the models start from different values "
                         f"({different}); copy the weights first: copy_state(numpy_model, "
                         "torch_model).")
    return dtype


def _checked_epochs(epochs, dtype: np.dtype) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    where = "compare_training"
    if not isinstance(epochs, Sequence) or not epochs or \
            not all(isinstance(batches, Sequence) and batches for batches in epochs):
        raise ValueError(f"{where}: epochs must be a non-empty list with one non-empty list of "
                         "(X, y) batches per epoch, e.g. [list(minibatches(X, y, 64, rng=rng)) "
                         "for _ in range(3)]")
    for e, batches in enumerate(epochs):
        for b, (X, y) in enumerate(batches):
            if not isinstance(X, np.ndarray) or X.dtype != dtype:
                raise ValueError(f"{where}: batch {b} of epoch {e + 1} has X of dtype "
                                 f"{getattr(X, 'dtype', type(X).__name__)}, the models are "
                                 f"{dtype.name}; convert the data: X.astype(np.{dtype.name})")
            if not isinstance(y, np.ndarray) or y.dtype != np.int64:
                raise ValueError(f"{where}: batch {b} of epoch {e + 1} has y of dtype "
                                 f"{getattr(y, 'dtype', type(y).__name__)}; torch's "
                                 "cross-entropy needs int64 classes: y.astype(np.int64)")
    return [list(batches) for batches in epochs]


def _code(obj) -> list[str]:
    """The source lines of a module or function without its docstrings."""
    source = textwrap.dedent(inspect.getsource(obj))
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    lines = [line for number, line in enumerate(source.splitlines(keepends=True), start=1)
             if number not in docstrings]
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


def code_diff(first, second, *, names: tuple[str, str] = ("first", "second"),
              context: int = 100) -> str:
    """A unified diff of the code of two modules or functions, docstrings left out.

    Lines only in ``first`` start with ``-``, lines only in ``second`` with ``+``,
    lines in both with a space; ``context`` lines of both are kept around each change.

    Example:
        >>> def f(x):
        ...     return x + 1
        >>> def g(x):
        ...     return x + 2
        >>> print(code_diff(f, g, names=("f", "g")))
        --- f
        +++ g
        @@ -1,2 +1,2 @@
        -def f(x):
        -    return x + 1
        +def g(x):
        +    return x + 2

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    context = checks.integer(context, "context", "code_diff", minimum=0)
    diff = difflib.unified_diff(_code(first), _code(second), fromfile=names[0],
                                tofile=names[1], n=context)
    return "".join(line if line.endswith("\n") else line + "\n" for line in diff).rstrip("\n")


def loop_diff() -> str:
    """The diff from the course's NumPy training code to its PyTorch twin.

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    return code_diff(numpy_loop, torch_loop, names=("course_lib/torch_parity/numpy_loop.py",
                                                    "course_lib/torch_parity/torch_loop.py"))
