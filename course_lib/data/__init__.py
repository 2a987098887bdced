"""Data sets and data handling for the course, one module per concept.

- ``toy``: ``xor`` (notebooks/01_xor_from_scratch.ipynb), ``make_xor``, ``make_moons``,
  ``make_circles``, ``make_spirals`` (2-D toy sets of the later chapters)
- ``regression``: ``make_friedman1`` (known noise), ``load_diabetes``
  (notebooks/07_regression.ipynb)
- ``house_prices``: ``make_house_prices``, a synthetic table with a categorical column and
  missing values of known structure; ``preprocessing``: ``MeanImputer``, ``OneHotEncoder``
  (notebooks/07_regression.ipynb)
- ``curves``: ``make_curve``, one-input curves with noise and outliers
  (notebooks/07_regression.ipynb)
- ``classification``: ``load_breast_cancer`` (notebooks/08_classification.ipynb)
- ``fashion_mnist``: ``load_fashion_mnist``, ``FASHION_MNIST_CLASSES``
  (notebooks/00_start_here.ipynb, notebooks/10_pytorch_fashion_mnist.ipynb)
- ``splits``: ``train_val_test_split``, ``kfold``; ``standardize``: ``Standardizer``;
  ``batches``: ``minibatches``; ``encoding``: ``one_hot``
- ``augmentation``: ``shift_images``, ``flip_images``, ``shifts``, ``augmented``
  (notebooks/06_regularization.ipynb)

Everything but Fashion-MNIST is generated or ships with scikit-learn: no download.
Random functions take ``rng``, a ``np.random.Generator`` or an int seed, with no
default (``None`` means fresh, unpredictable randomness: see ``course_lib.checks``).
Generated features are float32 by default (the engine's default dtype; pass
``dtype=np.float64`` for gradient checks) and class labels are int64.
"""

from course_lib.data.augmentation import augmented, flip_images, shift_images, shifts
from course_lib.data.batches import minibatches
from course_lib.data.classification import load_breast_cancer
from course_lib.data.curves import CurveData, make_curve
from course_lib.data.encoding import one_hot
from course_lib.data.house_prices import HousePrices, make_house_prices
from course_lib.data.preprocessing import MeanImputer, OneHotEncoder
from course_lib.data.regression import FriedmanData, load_diabetes, make_friedman1
from course_lib.data.splits import kfold, train_val_test_indices, train_val_test_split
from course_lib.data.standardize import Standardizer
from course_lib.data.tabular import TabularData
from course_lib.data.toy import make_circles, make_moons, make_spirals, make_xor, xor

# The Fashion-MNIST names are imported on first use, not here: `make data` runs
# `python -m course_lib.data.fashion_mnist`, which must not find that module
# already imported by this package (Python would then hold two copies of it).
_FASHION_MNIST_NAMES = (
    "FASHION_MNIST_CLASSES",
    "FashionMNISTError",
    "FashionMNISTWarning",
    "find_fashion_mnist",
    "load_fashion_mnist",
)


def __getattr__(name: str):
    if name in _FASHION_MNIST_NAMES:
        from course_lib.data import fashion_mnist

        return getattr(fashion_mnist, name)
    raise AttributeError(f"module 'course_lib.data' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_FASHION_MNIST_NAMES])


__all__ = [
    "FASHION_MNIST_CLASSES",
    "FashionMNISTError",
    "FashionMNISTWarning",
    "CurveData",
    "FriedmanData",
    "HousePrices",
    "MeanImputer",
    "OneHotEncoder",
    "Standardizer",
    "TabularData",
    "augmented",
    "find_fashion_mnist",
    "flip_images",
    "kfold",
    "load_breast_cancer",
    "load_diabetes",
    "load_fashion_mnist",
    "make_circles",
    "make_curve",
    "make_friedman1",
    "make_house_prices",
    "make_moons",
    "make_spirals",
    "make_xor",
    "minibatches",
    "one_hot",
    "shift_images",
    "shifts",
    "train_val_test_indices",
    "train_val_test_split",
    "xor",
]
