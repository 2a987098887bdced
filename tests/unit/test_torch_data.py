"""course_lib.torch_data: the Fashion-MNIST Dataset, its splits and the augmentation."""

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from course_lib import torch_data
from course_lib.torch_data import (
    FashionMNIST,
    RandomCropFlip,
    fashion_mnist_splits,
    pixel_statistics,
)


def fake_images(n, rng):
    return rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


@pytest.fixture
def fake_files(monkeypatch):
    """load_fashion_mnist replaced by small random splits: 600 training, 100 test images."""
    rng = np.random.default_rng(0)
    data = {"train": (fake_images(600, rng), np.repeat(np.arange(10, dtype=np.uint8), 60)),
            "test": (fake_images(100, rng), np.repeat(np.arange(10, dtype=np.uint8), 10))}
    calls = []

    def load(split, root=None):
        calls.append((split, root))
        images, labels = data[split]
        return images.copy(), labels.copy()

    monkeypatch.setattr(torch_data, "load_fashion_mnist", load)
    return data, calls


def test_dataset_normalizes_each_pixel_and_returns_float32_images_and_int64_labels():
    rng = np.random.default_rng(1)
    images = fake_images(5, rng)
    dataset = FashionMNIST(images, np.arange(5, dtype=np.uint8), mean=0.3, std=0.4)
    assert len(dataset) == 5
    image, label = dataset[3]
    assert image.shape == (1, 28, 28) and image.dtype == torch.float32
    assert label.dtype == torch.int64 and label.item() == 3
    expected = (images[3].astype(np.float64) / 255 - 0.3) / 0.4
    np.testing.assert_allclose(image[0].numpy(), expected, rtol=1e-6, atol=1e-6)


def test_dataset_does_not_modify_the_arrays_it_is_given():
    rng = np.random.default_rng(2)
    images, labels = fake_images(4, rng), np.arange(4)
    before = images.copy(), labels.copy()
    FashionMNIST(images, labels, mean=0.5, std=0.5)
    np.testing.assert_array_equal(images, before[0])
    np.testing.assert_array_equal(labels, before[1])


def test_dataset_applies_the_transform_when_an_image_is_fetched():
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    dataset = FashionMNIST(images, [0, 1], mean=0.0, std=1.0, transform=lambda x: x + 1)
    assert torch.all(dataset[0][0] == 1.0)
    assert torch.all(dataset.images[0] == 0.0)


def test_a_dataloader_stacks_batches_of_the_dataset():
    images = fake_images(10, np.random.default_rng(3))
    loader = DataLoader(FashionMNIST(images, np.arange(10) % 3, mean=0.5, std=0.5),
                        batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(0))
    shapes = [(tuple(X.shape), tuple(y.shape)) for X, y in loader]
    assert shapes == [((4, 1, 28, 28), (4,)), ((4, 1, 28, 28), (4,)), ((2, 1, 28, 28), (2,))]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"images": np.zeros((2, 28, 28), np.float32)}, TypeError, "uint8"),
    ({"images": np.zeros((2, 784), np.uint8)}, ValueError, "shape"),
    ({"labels": [0]}, ValueError, "one per image"),
    ({"labels": [0.0, 1.0]}, TypeError, "integers"),
    ({"std": 0.0}, ValueError, "std"),
    ({"transform": "flip"}, TypeError, "transform"),
])
def test_dataset_refuses_bad_arguments_with_a_clear_error(kwargs, error, message):
    arguments = {"images": np.zeros((2, 28, 28), np.uint8), "labels": [0, 1], "mean": 0.5,
                 "std": 0.5, **kwargs}
    images, labels = arguments.pop("images"), arguments.pop("labels")
    with pytest.raises(error, match=message):
        FashionMNIST(images, labels, **arguments)


def test_pixel_statistics_are_the_float64_mean_and_std_of_the_scaled_pixels():
    images = fake_images(50, np.random.default_rng(4))
    mean, std = pixel_statistics(images)
    pixels = images.astype(np.float64) / 255
    assert mean == pytest.approx(pixels.mean(), rel=1e-12)
    assert std == pytest.approx(pixels.std(), rel=1e-12)
    with pytest.raises(ValueError, match="uint8"):
        pixel_statistics(pixels)


def test_random_crop_flip_shifts_and_mirrors_reproducibly():
    image = torch.arange(28 * 28, dtype=torch.float32).reshape(1, 28, 28) + 1
    first = [RandomCropFlip(2, generator=torch.Generator().manual_seed(5))(image)
             for _ in range(1)]
    augment = RandomCropFlip(2, generator=torch.Generator().manual_seed(5))
    again = augment(image)
    assert torch.equal(first[0], again)
    outputs = [augment(image) for _ in range(40)]
    assert all(out.shape == (1, 28, 28) for out in outputs)
    padded = torch.nn.functional.pad(image, (2, 2, 2, 2), value=image.min().item())
    windows = {(top, left, flip): padded[:, top:top + 28, left:left + 28].flip(-1) if flip
               else padded[:, top:top + 28, left:left + 28]
               for top in range(5) for left in range(5) for flip in (False, True)}
    seen = set()
    for out in outputs:
        matches = [key for key, window in windows.items() if torch.equal(out, window)]
        assert matches, "an augmented image is not a shifted (and maybe mirrored) window"
        seen.add(matches[0])
    assert {flip for _, _, flip in seen} == {False, True}
    assert len({(top, left) for top, left, _ in seen}) > 5


def test_random_crop_flip_with_no_padding_only_mirrors_and_checks_its_arguments():
    image = torch.rand(1, 28, 28)
    augment = RandomCropFlip(0, generator=torch.Generator().manual_seed(0))
    for _ in range(10):
        out = augment(image)
        assert torch.equal(out, image) or torch.equal(out, image.flip(-1))
    with pytest.raises(TypeError, match="torch.Generator"):
        RandomCropFlip(2, generator=0)
    with pytest.raises(ValueError, match="padding"):
        RandomCropFlip(-1, generator=torch.Generator())
    with pytest.raises(ValueError, match="one image"):
        augment(torch.rand(4, 1, 28, 28))


def test_splits_are_stratified_disjoint_and_normalized_with_training_statistics(fake_files):
    (train_images, train_labels), (test_images, _) = fake_files[0]["train"], fake_files[0]["test"]
    splits = fashion_mnist_splits(val_size=100, rng=0)
    assert (len(splits.train), len(splits.val), len(splits.test)) == (500, 100, 100)
    assert np.bincount(splits.val.labels.numpy()).tolist() == [10] * 10
    # every training and validation image is one of the originals, none in both parts
    originals = {img.tobytes(): i for i, img in enumerate(train_images)}

    def indices(dataset):
        pixels = np.rint((dataset.images[:, 0].numpy() * splits.std + splits.mean) * 255)
        return [originals[p.astype(np.uint8).tobytes()] for p in pixels]

    train_idx, val_idx = indices(splits.train), indices(splits.val)
    assert len(set(train_idx) | set(val_idx)) == 600 and not set(train_idx) & set(val_idx)
    np.testing.assert_array_equal(splits.train.labels.numpy(), train_labels[train_idx])
    mean, std = pixel_statistics(train_images[train_idx])
    assert (splits.mean, splits.std) == (mean, std)
    assert splits.val.mean == splits.test.mean == mean and splits.test.std == std
    expected_test = (test_images[0] / 255 - mean) / std
    np.testing.assert_allclose(splits.test[0][0][0].numpy(), expected_test, atol=1e-5)


def test_splits_repeat_with_the_same_seed_and_differ_with_another(fake_files):
    a, b = fashion_mnist_splits(val_size=100, rng=7), fashion_mnist_splits(val_size=100, rng=7)
    c = fashion_mnist_splits(val_size=100, rng=8)
    assert torch.equal(a.train.images, b.train.images)
    assert not torch.equal(a.train.images, c.train.images)


def test_a_training_subset_is_stratified_and_the_transform_is_for_training_only(fake_files):
    augment = RandomCropFlip(2, generator=torch.Generator().manual_seed(0))
    splits = fashion_mnist_splits(val_size=100, rng=0, train_size=200, train_transform=augment,
                                  root="somewhere")
    assert len(splits.train) == 200 and len(splits.val) == 100
    assert np.bincount(splits.train.labels.numpy()).tolist() == [20] * 10
    assert splits.train.transform is augment
    assert splits.val.transform is None and splits.test.transform is None
    assert {root for _, root in fake_files[1]} == {"somewhere"}


def test_unnormalized_splits_keep_pixels_over_255(fake_files):
    splits = fashion_mnist_splits(val_size=100, rng=0, normalize=False)
    assert (splits.mean, splits.std) == (0.0, 1.0)
    assert 0.0 <= splits.train.images.min() and splits.train.images.max() <= 1.0


def test_split_sizes_are_checked(fake_files):
    with pytest.raises(ValueError, match="leaves no training images"):
        fashion_mnist_splits(val_size=600, rng=0)
    with pytest.raises(ValueError, match="val_size"):
        fashion_mnist_splits(val_size=0, rng=0)
    with pytest.raises(TypeError, match="rng"):
        fashion_mnist_splits(val_size=10, rng=1.5)


def test_with_transform_shares_the_tensors_and_leaves_the_original_alone():
    dataset = FashionMNIST(np.zeros((3, 28, 28), np.uint8), [0, 1, 2], mean=0.5, std=0.5)
    shifted = dataset.with_transform(lambda image: image + 10)
    assert shifted.images is dataset.images and shifted.labels is dataset.labels
    assert torch.all(shifted[0][0] == 9.0) and torch.all(dataset[0][0] == -1.0)
    assert dataset.transform is None
    with pytest.raises(TypeError, match="transform"):
        dataset.with_transform(3)
