"""Fashion-MNIST as a PyTorch ``Dataset``, without torchvision.

Taught in notebooks/10_pytorch_fashion_mnist.ipynb. A ``Dataset`` is two
methods, ``__len__`` and ``__getitem__``; a ``DataLoader`` draws indices (in a
new random order every epoch with ``shuffle=True``), calls ``__getitem__`` for
each and stacks the results into a batch::

    splits = fashion_mnist_splits(val_size=10_000, rng=0)
    loader = DataLoader(splits.train, batch_size=128, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    images, labels = next(iter(loader))     # (128, 1, 28, 28) float32, (128,) int64

The images are normalized once, when the dataset is built, with the mean and
standard deviation of the *training* pixels (never the validation or test
pixels: they stand for data the model has not seen). This module imports
torch; ``course_lib.data.load_fashion_mnist`` (NumPy) reads the files.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import torch
from torch.utils.data import Dataset

from course_lib import checks
from course_lib.data.fashion_mnist import FASHION_MNIST_CLASSES, load_fashion_mnist
from course_lib.data.splits import train_val_test_indices

__all__ = ["FashionMNIST", "FashionMNISTSplits", "RandomCropFlip", "fashion_mnist_splits",
           "pixel_statistics"]


class FashionMNIST(Dataset):
    r"""Images as normalized float32 tensors (1, 28, 28), labels as int64, one pair per index.

    Each pixel :math:`p \in \{0, \dots, 255\}` becomes :math:`(p / 255 - \mu) / \sigma`
    with the given ``mean`` :math:`\mu` and ``std`` :math:`\sigma` (of the
    training pixels, scaled to [0, 1]); ``mean=0, std=1`` keeps :math:`p / 255`.

    Args:
        images: uint8 array (N, 28, 28), as ``load_fashion_mnist`` returns it.
        labels: integer array (N,) of classes 0-9.
        mean, std: the normalization (``std > 0``).
        transform: an optional function applied to each image tensor (1, 28, 28)
            when it is fetched, e.g. :class:`RandomCropFlip` for augmentation.

    Example:
        >>> images = np.zeros((3, 28, 28), dtype=np.uint8)
        >>> dataset = FashionMNIST(images, np.array([0, 1, 2]), mean=0.5, std=0.25)
        >>> image, label = dataset[1]
        >>> len(dataset), tuple(image.shape), image.dtype, float(image[0, 0, 0]), label.item()
        (3, (1, 28, 28), torch.float32, -2.0, 1)

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    classes = FASHION_MNIST_CLASSES

    def __init__(self, images, labels, *, mean: float, std: float,
                 transform: Callable[[torch.Tensor], torch.Tensor] | None = None):
        images, labels = _check_images_and_labels(images, labels, "FashionMNIST")
        mean = checks.number(mean, "mean", "FashionMNIST")
        std = checks.number(std, "std", "FashionMNIST", low=0.0, low_inclusive=False)
        if transform is not None and not callable(transform):
            raise TypeError(f"FashionMNIST: transform must be a function, got {transform!r}")
        pixels = torch.from_numpy(images).float() / 255
        self.images = ((pixels - mean) / std).unsqueeze(1)  # (N, 1, 28, 28): one channel
        self.labels = torch.from_numpy(labels.astype(np.int64))
        self.mean, self.std, self.transform = mean, std, transform

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        image = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image, self.labels[index]

    def with_transform(self, transform: Callable[[torch.Tensor], torch.Tensor] | None):
        """The same images and labels (shared, not copied) with another ``transform``.

        Example:
            >>> dataset = FashionMNIST(np.zeros((2, 28, 28), np.uint8), [0, 1], mean=0, std=1)
            >>> flipped = dataset.with_transform(lambda image: image.flip(-1))
            >>> flipped.images is dataset.images, dataset.transform is None
            (True, True)

        Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
        """
        if transform is not None and not callable(transform):
            raise TypeError(f"FashionMNIST: transform must be a function, got {transform!r}")
        shared = copy.copy(self)
        shared.transform = transform
        return shared

    def __repr__(self) -> str:
        return (f"FashionMNIST({len(self)} images, mean={self.mean:.4f}, std={self.std:.4f}, "
                f"transform={self.transform!r})")


class RandomCropFlip:
    """Data augmentation: shift an image by up to ``padding`` pixels and mirror it half the time.

    The image (C, H, W) is padded with its background value (the minimum) on
    every side, a random (H, W) window is cut out of it, and with probability
    1/2 it is flipped left to right (a shirt mirrored is still a shirt; a
    digit mirrored would not be). Each call draws from ``generator``, so a
    seeded generator repeats the same augmentations.

    Args:
        padding: the largest shift in pixels (>= 0).
        generator: a ``torch.Generator`` (seeded for reproducible runs).

    Example:
        >>> augment = RandomCropFlip(padding=2, generator=torch.Generator().manual_seed(0))
        >>> tuple(augment(torch.zeros(1, 28, 28)).shape)
        (1, 28, 28)

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    def __init__(self, padding: int = 2, *, generator: torch.Generator):
        self.padding = checks.integer(padding, "padding", "RandomCropFlip", minimum=0)
        if not isinstance(generator, torch.Generator):
            raise TypeError("RandomCropFlip: generator must be a torch.Generator, e.g. "
                            f"torch.Generator().manual_seed(0), got {generator!r}")
        self.generator = generator

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        if image.ndim != 3:
            raise ValueError(f"RandomCropFlip expects one image (C, H, W), got shape "
                             f"{tuple(image.shape)}")
        p = self.padding
        _, height, width = image.shape
        padded = torch.nn.functional.pad(image, (p, p, p, p), value=image.min().item())
        top, left = torch.randint(0, 2 * p + 1, (2,), generator=self.generator).tolist()
        image = padded[:, top:top + height, left:left + width]
        if torch.rand((), generator=self.generator) < 0.5:
            image = image.flip(-1)
        return image

    def __repr__(self) -> str:
        return f"RandomCropFlip(padding={self.padding})"


class FashionMNISTSplits(NamedTuple):
    """The three datasets of :func:`fashion_mnist_splits` and the normalization they share.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """

    train: FashionMNIST
    val: FashionMNIST
    test: FashionMNIST
    mean: float
    std: float


def pixel_statistics(images) -> tuple[float, float]:
    """Mean and standard deviation of all pixels of uint8 ``images``, scaled to [0, 1].

    Computed from the histogram of the 256 pixel values, so it is exact and needs
    no floating-point copy of the images.

    Example:
        >>> pixel_statistics(np.array([[0, 255]], dtype=np.uint8))
        (0.5, 0.5)

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.size == 0:
        raise ValueError(f"pixel_statistics: images must be a non-empty uint8 array, got dtype "
                         f"{images.dtype} and shape {images.shape}")
    counts = np.bincount(images.ravel(), minlength=256)
    values = np.arange(256) / 255
    mean = counts @ values / images.size
    variance = counts @ (values - mean) ** 2 / images.size
    return float(mean), float(np.sqrt(variance))


def fashion_mnist_splits(val_size: int = 10_000, *, rng, train_size: int | None = None,
                         normalize: bool = True, root=None,
                         train_transform: Callable | None = None) -> FashionMNISTSplits:
    """Training, validation and test datasets of Fashion-MNIST, normalized with training statistics.

    The 60,000 training images are split, stratified by class, into a
    validation set of ``val_size`` images and a training set of the rest
    (or of ``train_size`` of the rest, to train faster on a subset); the
    10,000 test images stay apart. The pixel mean and standard deviation are
    measured on the training set only and applied to all three.

    Args:
        val_size: images held out for validation (>= 1).
        rng: seed or ``np.random.Generator`` of the split.
        train_size: keep only this many training images (a stratified subset), or None for all.
        normalize: standardize with the training statistics; False keeps ``p / 255``
            (what ``torchvision.transforms.ToTensor`` gives, as in PyTorch's quickstart).
        root: where to look for the files first (see ``load_fashion_mnist``).
        train_transform: an augmentation applied to training images only.

    Returns:
        :class:`FashionMNISTSplits` ``(train, val, test, mean, std)``.

    Taught in notebooks/10_pytorch_fashion_mnist.ipynb.
    """
    generator = checks.rng(rng, "fashion_mnist_splits")
    images, labels = load_fashion_mnist("train", root=root)
    val_size = checks.integer(val_size, "val_size", "fashion_mnist_splits", minimum=1)
    if val_size >= len(labels):
        raise ValueError(f"fashion_mnist_splits: val_size={val_size} leaves no training images "
                         f"(there are {len(labels)})")
    val_fraction = val_size / len(labels)
    train_idx, val_idx, _ = train_val_test_indices(
        labels, sizes=(1 - val_fraction, val_fraction, 0.0), rng=generator)
    if train_size is not None:
        train_size = checks.integer(train_size, "train_size", "fashion_mnist_splits", minimum=1)
        if train_size < len(train_idx):
            keep = train_size / len(train_idx)
            subset, _, _ = train_val_test_indices(labels[train_idx], sizes=(keep, 1 - keep, 0.0),
                                                  rng=generator)
            train_idx = train_idx[subset]
    mean, std = pixel_statistics(images[train_idx]) if normalize else (0.0, 1.0)
    test_images, test_labels = load_fashion_mnist("test", root=root)
    return FashionMNISTSplits(
        train=FashionMNIST(images[train_idx], labels[train_idx], mean=mean, std=std,
                           transform=train_transform),
        val=FashionMNIST(images[val_idx], labels[val_idx], mean=mean, std=std),
        test=FashionMNIST(test_images, test_labels, mean=mean, std=std),
        mean=mean, std=std)


def _check_images_and_labels(images, labels, where: str) -> tuple[np.ndarray, np.ndarray]:
    images, labels = np.asarray(images), np.asarray(labels)
    if images.dtype != np.uint8:
        raise TypeError(f"{where}: images must be uint8 pixels 0-255 as load_fashion_mnist "
                        f"returns them, got dtype {images.dtype}")
    if images.ndim != 3:
        raise ValueError(f"{where}: images must have shape (N, height, width), got {images.shape}")
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(f"{where}: labels must have shape ({len(images)},), one per image, got "
                         f"{labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{where}: labels must be integers, got dtype {labels.dtype}")
    return images, labels
