"""course_lib.data.house_prices: the synthetic table has the structure its docstring promises."""

import numpy as np
import pytest

from course_lib.data import HousePrices, make_house_prices
from course_lib.data.house_prices import (
    DISTRICT_EFFECTS,
    DISTRICTS,
    NUMERIC_FEATURES,
    house_log_price,
)


@pytest.fixture(scope="module")
def big():
    return make_house_prices(40_000, rng=0, dtype=np.float64)


def test_shapes_dtypes_and_names():
    data = make_house_prices(300, rng=1)
    assert isinstance(data, HousePrices)
    assert data.numeric.shape == (300, 3) and data.numeric.dtype == np.float32
    assert data.price.shape == (300,) and data.price.dtype == np.float32
    assert data.age.shape == (300,) and data.age.dtype == np.float32
    assert data.district.shape == (300,) and set(data.district) <= set(DISTRICTS)
    assert data.numeric_names == NUMERIC_FEATURES == ("area_m2", "age_years", "distance_km")
    assert data.noise_std == 0.1
    assert make_house_prices(10, rng=1, dtype=np.float64).numeric.dtype == np.float64


def test_the_same_seed_gives_the_same_table_and_another_seed_another():
    a, b, c = make_house_prices(200, rng=5), make_house_prices(200, rng=5), \
        make_house_prices(200, rng=6)
    np.testing.assert_array_equal(a.numeric, b.numeric)
    np.testing.assert_array_equal(a.district, b.district)
    assert not np.array_equal(a.price, c.price)


def test_ranges_and_positive_prices(big):
    area, age, distance = big.numeric.T
    assert 30 <= area.min() and area.max() <= 200
    assert 0.5 <= distance.min() and distance.max() <= 30
    assert 0 <= big.age.min() and big.age.max() <= 80
    assert (big.price > 0).all()
    counts = np.array([np.sum(big.district == name) for name in DISTRICTS])
    assert np.all(np.abs(counts / len(big.price) - 0.25) < 0.01)


def test_the_log_price_is_the_formula_plus_noise_of_the_stated_std(big):
    area, _, distance = big.numeric.T
    residual = np.log(big.price) - house_log_price(area, big.age, distance, big.district)
    assert abs(residual.mean()) < 0.003
    assert residual.std() == pytest.approx(big.noise_std, rel=0.02)


def test_district_effects_are_not_monotone_in_alphabetical_order():
    effects = [DISTRICT_EFFECTS[name] for name in DISTRICTS]
    assert list(DISTRICTS) == sorted(DISTRICTS)
    assert effects != sorted(effects) and effects != sorted(effects, reverse=True)


def test_ages_go_missing_more_often_for_older_houses(big):
    missing = np.isnan(big.numeric[:, 1])
    assert 0.2 < missing.mean() < 0.3
    np.testing.assert_array_equal(big.numeric[~missing, 1], big.age[~missing])
    assert big.age[missing].mean() > big.age[~missing].mean() + 15
    old, young = big.age > 60, big.age < 20
    expected_old = np.mean(0.05 + 0.6 * (big.age[old] / 80) ** 2)
    assert missing[old].mean() == pytest.approx(expected_old, abs=0.02)
    assert missing[young].mean() < 0.1
    assert not np.isnan(big.numeric[:, [0, 2]]).any()


def test_house_log_price_refuses_an_unknown_district():
    with pytest.raises(ValueError, match="unknown districts"):
        house_log_price(np.array([100.0]), np.array([1.0]), np.array([1.0]), np.array(["harbour"]))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_samples": 0, "rng": 0}, ValueError, "n_samples"),
    ({"n_samples": 10, "noise": -1.0, "rng": 0}, ValueError, "noise"),
    ({"n_samples": 10, "rng": 0, "dtype": np.int64}, ValueError, "dtype"),
    ({"n_samples": 10, "rng": 1.5}, TypeError, "rng"),
])
def test_bad_arguments_raise_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_house_prices(**kwargs)
