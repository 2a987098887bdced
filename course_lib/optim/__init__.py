"""Optimizers, learning-rate schedules and gradient clipping, with PyTorch's names.

Taught in notebooks/05_optimizers.ipynb. ``course_lib.optim.SGD`` and
``course_lib.optim.lr_scheduler.StepLR`` are spelled as in ``torch.optim``.
"""

from course_lib.optim import lr_scheduler
from course_lib.optim.adam import Adam, AdamW
from course_lib.optim.clip import clip_grad_norm_
from course_lib.optim.lr_scheduler import CosineAnnealingLR, LinearLR, LRScheduler, StepLR
from course_lib.optim.optimizer import Optimizer
from course_lib.optim.rmsprop import RMSprop
from course_lib.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "LRScheduler",
    "LinearLR",
    "Optimizer",
    "RMSprop",
    "StepLR",
    "clip_grad_norm_",
    "lr_scheduler",
]
