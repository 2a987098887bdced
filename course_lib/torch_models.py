"""The two Fashion-MNIST networks of chapter 10: the MLP and a small CNN.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb. Both take a batch of
images (N, 1, 28, 28) and return logits (N, 10): one score per class, no
softmax. ``nn.CrossEntropyLoss`` applies log-softmax itself, and
``torch.softmax(logits, dim=1)`` gives probabilities when they are wanted.

The layers are named (``hidden1``, ``conv2``, ...) so that ``state_dict``
keys, gradient histograms and TensorBoard tags say which layer they belong to.
Call ``torch.manual_seed`` (or ``course_lib.torch_utils.seed_everything``)
before building one to get the same initial weights again.
"""

from __future__ import annotations

from collections import OrderedDict

from torch import nn

from course_lib import checks

__all__ = ["fashion_mlp", "small_cnn"]


def fashion_mlp(dropout: float = 0.0) -> nn.Sequential:
    """Flatten-784-512-ReLU-512-ReLU-10, with dropout after each hidden layer.

    The network of PyTorch's quickstart (which has no dropout: ``dropout=0``
    makes the two ``Dropout`` layers do nothing). 669,706 parameters.

    Shapes: (N, 1, 28, 28) -> flatten (N, 784) -> (N, 512) -> (N, 512) -> logits (N, 10).

    Example:
        >>> model = fashion_mlp(dropout=0.2)
        >>> [name for name, _ in model.named_children()]
        ['flatten', 'hidden1', 'relu1', 'drop1', 'hidden2', 'relu2', 'drop2', 'output']
        >>> sum(p.numel() for p in model.parameters())
        669706

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    dropout = checks.number(dropout, "dropout", "fashion_mlp", low=0.0, high=1.0,
                            high_inclusive=False)
    return nn.Sequential(OrderedDict(
        flatten=nn.Flatten(),
        hidden1=nn.Linear(784, 512), relu1=nn.ReLU(), drop1=nn.Dropout(dropout),
        hidden2=nn.Linear(512, 512), relu2=nn.ReLU(), drop2=nn.Dropout(dropout),
        output=nn.Linear(512, 10),
    ))


def small_cnn(dropout: float = 0.3) -> nn.Sequential:
    """Two 3x3 convolutions with batch norm and max pooling, then a 128-unit layer.

    Shapes: (N, 1, 28, 28) -> conv1 (N, 32, 28, 28) -> pool (N, 32, 14, 14)
    -> conv2 (N, 64, 14, 14) -> pool (N, 64, 7, 7) -> flatten (N, 3136)
    -> fc (N, 128) -> logits (N, 10). 421,738 parameters, most of them in ``fc``.
    The convolutions have no bias: the batch norm after each adds its own shift.

    Example:
        >>> model = small_cnn()
        >>> sum(p.numel() for p in model.parameters())
        421738

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    dropout = checks.number(dropout, "dropout", "small_cnn", low=0.0, high=1.0,
                            high_inclusive=False)
    return nn.Sequential(OrderedDict(
        conv1=nn.Conv2d(1, 32, kernel_size=3, padding=1, bias=False), norm1=nn.BatchNorm2d(32),
        relu1=nn.ReLU(), pool1=nn.MaxPool2d(2),
        conv2=nn.Conv2d(32, 64, kernel_size=3, padding=1, bias=False), norm2=nn.BatchNorm2d(64),
        relu2=nn.ReLU(), pool2=nn.MaxPool2d(2),
        flatten=nn.Flatten(),
        fc=nn.Linear(64 * 7 * 7, 128), relu3=nn.ReLU(), drop=nn.Dropout(dropout),
        output=nn.Linear(128, 10),
    ))
