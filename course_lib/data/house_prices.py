r"""A synthetic table of house prices with a categorical feature and missing values.

Taught in notebooks/07_regression.ipynb (one-hot encoding, imputation, log targets).

No data set bundled with scikit-learn has a categorical column, so this one is
generated, with a structure that is written down and therefore known:

- ``area_m2`` uniform on [30, 200], ``age_years`` uniform on [0, 80],
  ``distance_km`` (to the city centre) uniform on [0.5, 30];
- ``district``, one of ``DISTRICTS`` = east, north, south, west, each with
  probability 1/4. Its effect on the log price, ``DISTRICT_EFFECTS``, is not
  monotone in the alphabetical order of the names (0, +0.35, -0.25, +0.15), so
  coding the districts as the integers 0, 1, 2, 3 imposes an order that is not there;
- the price, in thousands, is log-normal around a multiplicative formula:

  .. math::
      \log \text{price} = \log 3 + \log \text{area} + e_{\text{district}}
      - 0.01\,\text{age} - 0.025\,\text{distance} + \varepsilon,
      \qquad \varepsilon \sim \mathcal N(0, 0.1^2);

- the age is **missing not at random**: a house of age :math:`a` has its age
  missing with probability :math:`0.05 + 0.6\,(a/80)^2` (older records are
  incomplete more often), about a quarter of the rows. The houses with a missing
  age are older on average (about 56 years against 35), so filling in the mean
  age of the others is biased, and a column that says "the age was missing"
  carries information.

The noise :math:`\varepsilon` is on the log scale: were every age known, the best
possible root mean squared *log* error would be about 0.1 (``noise_std``); the
missing ages raise it. Every price is positive.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib import checks

#: The four districts, in sorted order (the order ``np.unique`` gives).
DISTRICTS = ("east", "north", "south", "west")
#: Each district's additive effect on the log price.
DISTRICT_EFFECTS = {"east": 0.0, "north": 0.35, "south": -0.25, "west": 0.15}
#: The numeric columns of ``HousePrices.numeric``, in order.
NUMERIC_FEATURES = ("area_m2", "age_years", "distance_km")


class HousePrices(NamedTuple):
    """A table of houses: unpack as ``numeric, district, price, *_ = data``.

    Taught in notebooks/07_regression.ipynb.

    Attributes:
        numeric: (n, 3) ``area_m2``, ``age_years`` (NaN where missing), ``distance_km``.
        district: (n,) strings, each one of ``DISTRICTS``.
        price: (n,) prices in thousands, all positive.
        numeric_names: the names of the columns of ``numeric``.
        age: (n,) the true ages, before some went missing (for checking imputations).
        noise_std: the standard deviation of the noise on the log price.
    """

    numeric: np.ndarray
    district: np.ndarray
    price: np.ndarray
    numeric_names: tuple[str, ...]
    age: np.ndarray
    noise_std: float


def house_log_price(area, age, distance, district) -> np.ndarray:
    """The noiseless log price of the module's formula, element-wise.

    Taught in notebooks/07_regression.ipynb.

    Args:
        area, age, distance: arrays of the same shape (n,), without NaN.
        district: (n,) strings from ``DISTRICTS``.

    Returns:
        (n,) float64 log prices (prices in thousands).

    Example:
        >>> log_price = house_log_price(np.array([100.0]), np.array([0.0]), np.array([0.0]),
        ...                             np.array(["east"]))
        >>> round(float(np.exp(log_price[0])), 6)   # 3 * area in the east, new and central
        300.0
    """
    district = np.asarray(district)
    unknown = sorted(set(district.tolist()) - set(DISTRICTS))
    if unknown:
        raise ValueError(f"house_log_price: unknown districts {unknown}; known: {DISTRICTS}")
    effect = np.array([DISTRICT_EFFECTS[name] for name in district.tolist()], dtype=np.float64)
    area, age, distance = (np.asarray(a, dtype=np.float64) for a in (area, age, distance))
    return np.log(3.0) + np.log(area) + effect - 0.01 * age - 0.025 * distance


def make_house_prices(n_samples: int = 2000, *, noise: float = 0.1, rng,
                      dtype=np.float32) -> HousePrices:
    """Generate the house-price table described in the module docstring.

    Taught in notebooks/07_regression.ipynb.

    Args:
        n_samples: number of houses.
        noise: standard deviation of the Gaussian noise on the log price.
        rng: ``np.random.Generator`` or int seed (required: the table is measured).
        dtype: dtype of ``numeric``, ``price`` and ``age`` (float32 or float64).

    Returns:
        ``HousePrices(numeric, district, price, numeric_names, age, noise_std)``.

    Example:
        >>> data = make_house_prices(500, rng=0)
        >>> data.numeric.shape, data.district.shape, bool((data.price > 0).all())
        ((500, 3), (500,), True)
        >>> bool(np.isnan(data.numeric[:, 1]).any())   # some ages are missing
        True
    """
    n_samples = checks.integer(n_samples, "n_samples", "make_house_prices", minimum=1)
    noise = checks.number(noise, "noise", "make_house_prices", low=0)
    dtype = checks.float_dtype(dtype, "make_house_prices")
    rng = checks.rng(rng, "make_house_prices")
    area = rng.uniform(30, 200, n_samples)
    age = rng.uniform(0, 80, n_samples)
    distance = rng.uniform(0.5, 30, n_samples)
    district = np.array(DISTRICTS)[rng.integers(0, len(DISTRICTS), n_samples)]
    log_price = house_log_price(area, age, distance, district) + noise * rng.standard_normal(
        n_samples)
    missing = rng.uniform(size=n_samples) < 0.05 + 0.6 * (age / 80) ** 2
    numeric = np.column_stack([area, np.where(missing, np.nan, age), distance])
    return HousePrices(numeric.astype(dtype), district, np.exp(log_price).astype(dtype),
                       NUMERIC_FEATURES, age.astype(dtype), float(noise))
