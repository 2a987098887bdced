"""TensorBoard: log a training run with ``torch.utils.tensorboard``, and read it back.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb. TensorBoard is a web page
that draws what a training run wrote into *event files*: scalars (losses,
accuracies, the learning rate) and histograms (weights, gradients) by step.

- :class:`TensorBoardLogger` is a callback of ``course_lib.torch_training.fit``
  that writes the epoch values as scalars and the weights and gradients of
  every layer as histograms at chosen steps, through ``SummaryWriter``.
- :func:`read_events` reads an event folder back into plain arrays with
  TensorBoard's own ``EventAccumulator``, so a notebook can check what was
  logged without starting a server.
- :func:`tensorboard_command` is the command that serves the folder on this
  computer only (127.0.0.1), to open in a browser.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch.utils.tensorboard import SummaryWriter

from course_lib import checks
from course_lib.torch_training import Callback

__all__ = ["HistogramRecord", "TensorBoardEvents", "TensorBoardLogger", "read_events",
           "tensorboard_command"]


class TensorBoardLogger(Callback):
    """Write a run for TensorBoard: epoch scalars, and weight and gradient histograms.

    Scalars: every value of ``fit``'s epoch logs under ``epoch/<name>``
    (``epoch/loss``, ``epoch/val_accuracy``, ``epoch/lr``...), at step = epoch
    (0-based). Histograms: ``gradients/<parameter>`` and ``weights/<parameter>``
    of every weight matrix and kernel, at the optimizer steps in
    ``histogram_steps``.

    Args:
        log_dir: the folder to write the event file into (created if needed).
        histogram_steps: optimizer steps (0-based) at which to log histograms.

    Example:
        >>> import tempfile, torch
        >>> folder = tempfile.mkdtemp()
        >>> logger = TensorBoardLogger(folder)
        >>> model = torch.nn.Linear(2, 1)
        >>> logger.on_train_begin(model)
        >>> logger.on_epoch_end(0, {"loss": 0.5}, model)
        >>> logger.on_train_end(model)
        >>> read_events(folder).scalars["epoch/loss"]
        (array([0]), array([0.5]))

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    def __init__(self, log_dir, *, histogram_steps=()):
        self.log_dir = Path(log_dir)
        self.histogram_steps = {checks.integer(step, "histogram_steps", "TensorBoardLogger",
                                               minimum=0) for step in histogram_steps}
        self.writer: SummaryWriter | None = None

    def on_train_begin(self, model) -> None:
        self.writer = SummaryWriter(str(self.log_dir))

    def after_backward(self, model, step: int) -> None:
        if step not in self.histogram_steps:
            return
        for name, p in model.named_parameters():
            if p.ndim >= 2 and p.grad is not None:
                self.writer.add_histogram(f"gradients/{name}", p.grad.detach(), step)
                self.writer.add_histogram(f"weights/{name}", p.detach(), step)

    def on_epoch_end(self, epoch, logs, model) -> None:
        for name, value in logs.items():
            self.writer.add_scalar(f"epoch/{name}", value, epoch)

    def on_train_end(self, model) -> None:
        if self.writer is not None:
            self.writer.close()


@dataclass(frozen=True)
class HistogramRecord:
    """One histogram as TensorBoard stores it: bucket right edges and counts, plus summaries.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    step: int
    bucket_limits: np.ndarray
    counts: np.ndarray
    count: int
    min: float
    max: float
    sum: float


@dataclass(frozen=True)
class TensorBoardEvents:
    """What an event folder holds: scalars as ``(steps, values)`` and histograms by tag.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    scalars: dict[str, tuple[np.ndarray, np.ndarray]]
    histograms: dict[str, list[HistogramRecord]]


def read_events(log_dir) -> TensorBoardEvents:
    """Read every scalar and histogram of the event files in ``log_dir`` (TensorBoard's reader).

    Nothing is sampled away: ``EventAccumulator`` normally keeps at most 10,000
    scalars and 500 histograms per tag; here it keeps them all.

    Raises:
        FileNotFoundError: ``log_dir`` does not exist or holds no event file.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    log_dir = Path(log_dir)
    if not log_dir.is_dir() or not any(log_dir.glob("events.out.tfevents.*")):
        raise FileNotFoundError(f"read_events: no TensorBoard event file in {log_dir}")
    accumulator = EventAccumulator(str(log_dir), size_guidance={"scalars": 0, "histograms": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    scalars = {}
    for tag in tags["scalars"]:
        events = accumulator.Scalars(tag)
        scalars[tag] = (np.array([e.step for e in events]), np.array([e.value for e in events]))
    histograms = {}
    for tag in tags["histograms"]:
        histograms[tag] = [
            HistogramRecord(step=e.step,
                            bucket_limits=np.array(e.histogram_value.bucket_limit),
                            counts=np.array(e.histogram_value.bucket),
                            count=int(e.histogram_value.num), min=e.histogram_value.min,
                            max=e.histogram_value.max, sum=e.histogram_value.sum)
            for e in accumulator.Histograms(tag)]
    return TensorBoardEvents(scalars=scalars, histograms=histograms)


def tensorboard_command(log_dir, *, port: int = 6006) -> str:
    """The shell command that serves ``log_dir`` at http://127.0.0.1:PORT (this computer only).

    The ``tensorboard`` program of the course's environment is used (next to its
    Python), so the command works even when that folder is not on ``PATH``.
    In a notebook, ``%load_ext tensorboard`` and ``%tensorboard --logdir DIR``
    do the same inside the page; they need the environment variable
    ``TENSORBOARD_BINARY`` set to this program when it is not on ``PATH``.

    Example:
        >>> tensorboard_command("/tmp/run", port=6007).endswith(
        ...     "--logdir /tmp/run --host 127.0.0.1 --port 6007")
        True

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    port = checks.integer(port, "port", "tensorboard_command", minimum=1)
    beside_python = Path(sys.executable).with_name("tensorboard")
    program = str(beside_python) if beside_python.exists() else (
        shutil.which("tensorboard") or "tensorboard")
    return (f"{shlex.quote(program)} --logdir {shlex.quote(str(log_dir))} "
            f"--host 127.0.0.1 --port {port}")
