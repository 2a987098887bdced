"""course_lib.data.curves: one-input curves with known noise and a known set of outliers."""

import numpy as np
import pytest

from course_lib.data import CurveData, make_curve
from course_lib.data.curves import CURVES, curve_function


@pytest.mark.parametrize("curve", sorted(CURVES))
def test_targets_are_the_curve_plus_noise_plus_the_outlier_shift(curve):
    data = make_curve(5000, curve, noise=0.2, outlier_fraction=0.05, outlier_shift=-4.0,
                      x_range=(-2.0, 3.0), rng=1, dtype=np.float64)
    assert isinstance(data, CurveData)
    assert data.x.shape == (5000, 1) and data.y.shape == data.y_clean.shape == (5000,)
    assert -2.0 <= data.x.min() and data.x.max() <= 3.0
    np.testing.assert_allclose(data.y_clean, curve_function(curve, data.x[:, 0]))
    assert data.is_outlier.dtype == bool and data.is_outlier.sum() == 250
    noise = data.y - data.y_clean + 4.0 * data.is_outlier
    assert abs(noise.mean()) < 0.02 and noise.std() == pytest.approx(0.2, rel=0.05)


def test_the_curves_are_the_documented_formulas():
    x = np.array([-1.0, 0.0, 0.5])
    np.testing.assert_allclose(curve_function("line", x), [-1.0, 1.0, 2.0])
    np.testing.assert_allclose(curve_function("sine", x), [0.0, 0.0, 1.0], atol=1e-15)
    np.testing.assert_allclose(curve_function("square", x), [1.0, 0.0, 0.25])


def test_float32_by_default_and_seeded():
    a, b = make_curve(50, rng=3), make_curve(50, rng=3)
    assert a.x.dtype == a.y.dtype == np.float32 and a.noise_std == 0.1
    np.testing.assert_array_equal(a.y, b.y)
    assert not a.is_outlier.any()


@pytest.mark.parametrize("kwargs, error, message", [
    ({"curve": "cubic"}, ValueError, "curve must be one of"),
    ({"noise": -0.1}, ValueError, "noise"),
    ({"x_range": (1.0, 1.0)}, ValueError, "low < high"),
    ({"outlier_fraction": 1.5}, ValueError, "outlier_fraction"),
    ({"rng": "seed"}, TypeError, "rng"),
])
def test_bad_arguments_raise_clear_errors(kwargs, error, message):
    arguments = {"n_samples": 20, "rng": 0, **kwargs}
    with pytest.raises(error, match=message):
        make_curve(**arguments)
