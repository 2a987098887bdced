"""course_lib's names next to PyTorch's: the correspondence chapter 09 shows as a table.

Taught in notebooks/09_numpy_to_pytorch.ipynb. course_lib's engine was built
with PyTorch's names (``Module``, ``state_dict``, ``named_modules``,
``param_groups``...) so that this table is mostly one name twice. Every name
is looked up in its package when the table is made, so the table cannot
claim a name that does not exist.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = ["CORRESPONDENCE", "Correspondence", "correspondence_table"]

#: (what it is, course_lib's name, torch's name, what differs). Names are dotted paths.
CORRESPONDENCE = [
    ("base class of layers and networks", "course_lib.nn.Module", "torch.nn.Module", ""),
    ("a trainable array", "course_lib.nn.Parameter", "torch.nn.Parameter",
     "ours holds .data and .grad arrays; torch's is a tensor with .grad"),
    ("fully connected layer", "course_lib.nn.Linear", "torch.nn.Linear",
     "ours takes rng=; torch draws from its global generator"),
    ("activations", "course_lib.nn.ReLU", "torch.nn.ReLU", "also Sigmoid, Tanh, ..."),
    ("images to vectors", "course_lib.nn.Flatten", "torch.nn.Flatten", ""),
    ("dropout", "course_lib.nn.Dropout", "torch.nn.Dropout", ""),
    ("batch normalization", "course_lib.nn.BatchNorm1d", "torch.nn.BatchNorm1d", ""),
    ("a chain of layers", "course_lib.nn.Sequential", "torch.nn.Sequential", ""),
    ("a list of layers", "course_lib.nn.ModuleList", "torch.nn.ModuleList", ""),
    ("cross-entropy on logits", "course_lib.nn.CrossEntropyLoss", "torch.nn.CrossEntropyLoss",
     "ours returns a float, torch a tensor to call backward() on"),
    ("parameters with their names", "course_lib.nn.Module.named_parameters",
     "torch.nn.Module.named_parameters", ""),
    ("every sub-module", "course_lib.nn.Module.named_modules", "torch.nn.Module.named_modules",
     ""),
    ("the weights as a dict (live)", "course_lib.nn.Module.state_dict",
     "torch.nn.Module.state_dict", "arrays / tensors sharing the parameters' memory"),
    ("load weights (a copy)", "course_lib.nn.Module.load_state_dict",
     "torch.nn.Module.load_state_dict", ""),
    ("a function on every layer", "course_lib.nn.Module.apply", "torch.nn.Module.apply", ""),
    ("training / evaluation mode", "course_lib.nn.Module.train", "torch.nn.Module.train",
     "and eval()"),
    ("convert to float64", "course_lib.nn.Module.double", "torch.nn.Module.double",
     "and float()"),
    ("initializers", "course_lib.nn.init.kaiming_normal_", "torch.nn.init.kaiming_normal_",
     "ours takes rng="),
    ("backward pass", "course_lib.nn.Module.backward", "torch.Tensor.backward",
     "model.backward(loss_fn.backward()) becomes loss.backward()"),
    ("optimizers", "course_lib.optim.SGD", "torch.optim.SGD", "also Adam, AdamW, RMSprop"),
    ("parameter groups", "course_lib.optim.Optimizer.add_param_group",
     "torch.optim.Optimizer.add_param_group", "optimizer.param_groups[i]['lr'] in both"),
    ("zero the gradients", "course_lib.optim.Optimizer.zero_grad",
     "torch.optim.Optimizer.zero_grad", "ours fills zeros, torch sets .grad to None"),
    ("the update rule", "course_lib.optim.Optimizer.update", "torch.optim.Optimizer.step",
     "ours: update(p, state, group) per parameter; torch: step() loops itself"),
    ("optimizer state", "course_lib.optim.Optimizer.state_dict",
     "torch.optim.Optimizer.state_dict", "the same layout"),
    ("learning-rate schedules", "course_lib.optim.lr_scheduler.StepLR",
     "torch.optim.lr_scheduler.StepLR", "also CosineAnnealingLR, LinearLR, ..."),
    ("gradient clipping", "course_lib.optim.clip_grad_norm_", "torch.nn.utils.clip_grad_norm_",
     ""),
    ("mini-batches", "course_lib.data.minibatches", "torch.utils.data.DataLoader",
     "chapter 10"),
]


@dataclass(frozen=True)
class Correspondence:
    """One row of the table: a concept, its two names, and whether each exists.

    Taught in no notebook: the rows of ``correspondence_table``, which chapter 09 prints.
    """

    concept: str
    course_lib: str
    torch: str
    note: str
    course_lib_found: bool
    torch_found: bool

    @property
    def same_name(self) -> bool:
        """True when both end in the same name (``Module.state_dict`` twice)."""
        return _short(self.course_lib) == _short(self.torch)


def _short(dotted: str) -> str:
    """``course_lib.nn.Module.state_dict`` -> ``Module.state_dict`` (the last two parts)."""
    return ".".join(dotted.split(".")[-2:])


def _exists(dotted: str) -> bool:
    """True if ``dotted`` names a module, or an attribute of one (at any depth)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(obj, attribute):
                return False
            obj = getattr(obj, attribute)
        return True
    return False


def correspondence_table() -> list[Correspondence]:
    """Every row of ``CORRESPONDENCE``, with each name looked up in course_lib and torch.

    Example:
        >>> rows = correspondence_table()
        >>> all(row.course_lib_found and row.torch_found for row in rows)
        True
        >>> [row.torch for row in rows if row.concept == "the update rule"]
        ['torch.optim.Optimizer.step']

    Taught in notebooks/09_numpy_to_pytorch.ipynb.
    """
    return [Correspondence(concept, ours, theirs, note, _exists(ours), _exists(theirs))
            for concept, ours, theirs, note in CORRESPONDENCE]
