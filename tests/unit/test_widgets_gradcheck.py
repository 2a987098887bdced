"""course_lib.widgets.gradcheck: truncation against round-off, and the explorer's callback."""

import warnings

import numpy as np
import pytest

import course_lib.widgets.gradcheck as gradcheck_widget
from course_lib.widgets.common import image_outputs
from course_lib.widgets.gradcheck import FUNCTIONS, GradientCheckExplorer, difference_errors


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)


def best_step(errors, method):
    return errors["eps"][np.nanargmin(errors[method])]


@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_the_given_derivatives_match_finite_differences(function):
    fn = FUNCTIONS[function]
    x, h = np.linspace(-2, 2, 9), 1e-4
    for lower, higher in ((fn.f, fn.d1), (fn.d1, fn.d2), (fn.d2, fn.d3)):
        np.testing.assert_allclose((lower(x + h) - lower(x - h)) / (2 * h), higher(x),
                                   rtol=1e-6, atol=1e-7)


def test_central_differences_in_float64_are_best_near_the_cube_root_of_machine_epsilon():
    errors = difference_errors("sin", 1.0)
    assert 1e-7 < best_step(errors, "central") < 1e-3      # u**(1/3) is about 6e-6
    assert np.nanmin(errors["central"]) < 1e-10
    assert errors["central"][errors["eps"] == 1e-6][0] < 1e-8


def test_forward_differences_are_best_near_the_square_root_and_less_accurate():
    errors = difference_errors("sin", 1.0)
    assert 1e-10 < best_step(errors, "forward") < 1e-6     # u**(1/2) is about 1.5e-8
    assert np.nanmin(errors["forward"]) > np.nanmin(errors["central"])


def test_both_ends_of_the_curve_are_bad_round_off_left_truncation_right():
    errors = difference_errors("exp", 0.5)
    tiny, huge = errors["eps"] < 1e-14, errors["eps"] > 0.3
    assert np.nanmin(errors["central"][tiny]) > 1e-4
    assert errors["central"][huge].min() > 1e-3


def test_float32_needs_a_much_larger_step_and_is_much_less_accurate():
    errors = difference_errors("tanh", 0.5, dtype=np.float32)
    assert best_step(errors, "central") > 1e-4
    assert np.nanmin(errors["central"]) > 1e-8
    # Steps below float32's resolution at 0.5 vanish: the estimate is undefined there.
    assert np.isnan(errors["central"][errors["eps"] < 1e-9]).all()


def test_the_explorer_redraws_when_the_precision_changes_without_warnings():
    explorer = GradientCheckExplorer(function="sin", x0=1.0, eps=1e-6)
    (before,) = image_outputs(explorer.output)
    assert "relative error" in explorer.summary.value and "float64" in explorer.summary.value
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.dtype.value = "float32"
    (after,) = image_outputs(explorer.output)
    assert after != before and len(explorer.output.outputs) == 1
    assert "float32" in explorer.summary.value
    best = np.nanmin(explorer.errors["central"])
    assert f"smallest error <b>{best:.1e}</b>" in explorer.summary.value


@pytest.mark.parametrize("control, value", [
    ("function", "exp"), ("x0", -1.0), ("method", "forward"), ("eps", 1e-3),
])
def test_every_control_triggers_a_redraw(control, value):
    explorer = GradientCheckExplorer()
    (before,) = image_outputs(explorer.output)
    getattr(explorer, control).value = value
    (after,) = image_outputs(explorer.output)
    assert after != before


def test_in_grading_mode_nothing_is_computed(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")
    monkeypatch.setattr(gradcheck_widget, "difference_errors",
                        lambda *a, **k: pytest.fail("computed while grading"))
    explorer = GradientCheckExplorer()
    explorer.update()
    assert explorer.widget is None and explorer.errors is None


@pytest.mark.parametrize("kwargs, message", [
    ({"function": "log"}, "function"), ({"method": "backward"}, "method"),
    ({"dtype": "float16"}, "dtype"), ({"x0": 10}, "x0"), ({"eps": 10.0}, "eps"),
])
def test_bad_settings_raise_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GradientCheckExplorer(**kwargs)


def test_each_method_is_drawn_in_its_colour_and_the_class_colours_are_not_used():
    from matplotlib.colors import to_rgba

    from course_lib.widgets.common import new_figure

    explorer = GradientCheckExplorer()
    fig, ax = new_figure()
    errors = difference_errors("sin", 1.0)
    marked = difference_errors("sin", 1.0, eps=np.array([1e-6]))
    explorer._draw(ax, errors, marked, "sin", 1.0, "central", np.float64)
    by_label = {line.get_label(): to_rgba(line.get_color()) for line in ax.get_lines()}
    for method, colour in gradcheck_widget.METHOD_COLORS.items():
        assert by_label[f"{method} difference"] == to_rgba(colour)
    assert set(by_label.values()).isdisjoint({to_rgba("tab:red"), to_rgba("tab:blue")})


def test_error_guides_have_the_slopes_of_round_off_and_truncation():
    from course_lib.widgets.gradcheck import error_guides

    eps = np.array([1e-6, 1e-5])
    guides = error_guides("sin", 1.0, eps)
    ratio = {label: values[1] / values[0] for label, values in guides.items()}
    assert ratio["round-off ≈ u|f|/(ε|f'|)"] == pytest.approx(0.1)
    assert ratio["truncation, central ≈ |f'''|ε²/(6|f'|)"] == pytest.approx(100)
    assert ratio["truncation, forward ≈ |f''|ε/(2|f'|)"] == pytest.approx(10)
    # u is the unit round-off, half of float64's machine epsilon
    expected = np.finfo(np.float64).eps / 2 * np.sin(1.0) / (1e-6 * np.cos(1.0))
    assert guides["round-off ≈ u|f|/(ε|f'|)"][0] == pytest.approx(expected)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_guides_cross_near_the_measured_best_central_step(dtype):
    from course_lib.widgets.gradcheck import difference_errors, error_guides

    errors = difference_errors("sin", 1.0, dtype=dtype)
    guides = error_guides("sin", 1.0, errors["eps"], dtype=dtype)
    round_off, central, _ = guides.values()
    predicted = round_off + central
    best_measured = errors["eps"][np.nanargmin(errors["central"])]
    best_predicted = errors["eps"][np.nanargmin(predicted)]
    assert 0.1 < best_measured / best_predicted < 10
