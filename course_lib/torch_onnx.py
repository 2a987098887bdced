"""Exporting a trained model to ONNX, and checking the export against PyTorch.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb. ONNX is a file format for
a network's graph and weights that other runtimes execute without PyTorch
(onnxruntime here; also browsers, phones, C++ servers). An export is only
useful if it computes what the PyTorch model computes, so every export in the
course is checked: the same inputs through both, logits compared, predictions
compared.

What matters when exporting (torch 2.13's default exporter, built on
``torch.export``; it needs the ``onnxscript`` package):

- the file is for inference, so export and compare in **eval mode**: dropout
  off, batch norm with its running statistics (torch 2.13's exporter writes an
  inference graph even from a model left in train mode, but the model's own
  outputs in train mode are random, and nothing would match them);
- the batch axis must be declared **dynamic** (``dynamic_shapes``), or the file
  accepts only the example's batch size;
- ``external_data=False`` keeps the weights inside the one ``.onnx`` file
  (otherwise they go to a second ``.onnx.data`` file that must travel with it).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import torch

from course_lib import checks

__all__ = ["OnnxComparison", "compare_with_torch", "export_onnx", "onnx_session"]

INPUT_NAME, OUTPUT_NAME = "images", "logits"


def export_onnx(model: torch.nn.Module, example_input: torch.Tensor, path) -> Path:
    """Export ``model`` to one ONNX file with a dynamic batch axis, in eval mode; check the file.

    Args:
        model: the (trained) model; its train/eval mode is restored afterwards.
        example_input: one batch of inputs of the right shape and dtype, e.g. (2, 1, 28, 28)
            float32; its batch size does not matter (use 2 or more).
        path: the ``.onnx`` file to write.

    Returns:
        The path of the checked file (``onnx.checker.check_model`` passed). Its
        input is named ``"images"`` and its output ``"logits"``.

    Example:
        >>> import tempfile
        >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3))
        >>> path = export_onnx(model, torch.zeros(2, 1, 2, 2), f"{tempfile.mkdtemp()}/m.onnx")
        >>> onnx_session(path).run(None, {"images": np.zeros((5, 1, 2, 2), np.float32)})[0].shape
        (5, 3)

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"export_onnx: model must be a torch.nn.Module, got {model!r}")
    if not isinstance(example_input, torch.Tensor) or example_input.ndim < 1 \
            or len(example_input) < 2:
        raise ValueError("export_onnx: example_input must be a batch of at least 2 inputs "
                         "(a batch of 1 would fix the batch size); got "
                         f"{getattr(example_input, 'shape', example_input)!r}")
    path = Path(path)
    batch = torch.export.Dim("batch")
    was_training = model.training
    model.eval()
    try:
        with _quiet_exporter():
            torch.onnx.export(model, (example_input,), str(path), input_names=[INPUT_NAME],
                              output_names=[OUTPUT_NAME], dynamic_shapes=({0: batch},),
                              external_data=False, verbose=False)
    finally:
        model.train(was_training)
    onnx.checker.check_model(str(path))
    return path


def onnx_session(path) -> onnxruntime.InferenceSession:
    """An onnxruntime session for the ONNX file at ``path``, on the CPU.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@dataclass(frozen=True)
class OnnxComparison:
    """How an ONNX export compares with its PyTorch model on the same inputs.

    Attributes:
        max_abs_difference: the largest |logit_onnx - logit_torch| over all inputs and classes.
        same_predictions: True when ``argmax`` agrees on every input.
        n_inputs: how many inputs were compared.
        batch_sizes: the batch sizes the ONNX file was run with.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    max_abs_difference: float
    same_predictions: bool
    n_inputs: int
    batch_sizes: tuple[int, ...]

    def agrees(self, atol: float = 1e-4) -> bool:
        """Logits within ``atol`` and identical predictions."""
        return self.max_abs_difference <= atol and self.same_predictions


@torch.no_grad()
def compare_with_torch(model: torch.nn.Module, path, inputs: torch.Tensor, *,
                       batch_size: int = 1000) -> OnnxComparison:
    """Run ``inputs`` through the ONNX file and through ``model`` (eval mode) and compare.

    The inputs go through onnxruntime in batches of ``batch_size`` (the last one
    smaller when it does not divide), and the first input once more alone, so
    the dynamic batch axis is exercised with several sizes.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    batch_size = checks.integer(batch_size, "batch_size", "compare_with_torch", minimum=1)
    if not isinstance(inputs, torch.Tensor) or inputs.ndim < 1 or len(inputs) == 0:
        raise ValueError("compare_with_torch: inputs must be a non-empty batch tensor")
    session = onnx_session(path)
    was_training = model.training
    model.eval()
    try:
        device = next(model.parameters()).device
        logits_torch, logits_onnx, sizes = [], [], []
        for start in range(0, len(inputs), batch_size):
            batch = inputs[start:start + batch_size]
            logits_torch.append(model(batch.to(device)).cpu().numpy())
            logits_onnx.append(session.run(None, {INPUT_NAME: batch.cpu().numpy()})[0])
            sizes.append(len(batch))
        single = session.run(None, {INPUT_NAME: inputs[:1].cpu().numpy()})[0]
    finally:
        model.train(was_training)
    logits_torch, logits_onnx = np.concatenate(logits_torch), np.concatenate(logits_onnx)
    if logits_onnx.shape != logits_torch.shape:
        raise ValueError(f"compare_with_torch: the ONNX file returned logits of shape "
                         f"{logits_onnx.shape}, the model {logits_torch.shape}; is it the "
                         "export of this model?")
    difference = max(float(np.abs(logits_onnx - logits_torch).max()),
                     float(np.abs(single - logits_torch[:1]).max()))
    same = bool(np.array_equal(logits_onnx.argmax(axis=1), logits_torch.argmax(axis=1)))
    return OnnxComparison(max_abs_difference=difference, same_predictions=same,
                          n_inputs=len(inputs), batch_sizes=tuple(sorted({*sizes, 1})))


@contextlib.contextmanager
def _quiet_exporter():
    """Silence the exporter's chatter (notices about torchvision ops, deprecations inside torch)."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        logger.setLevel(level)
