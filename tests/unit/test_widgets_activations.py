"""course_lib.widgets.activations: the activation explorer's callback, without a browser."""

import numpy as np
import pytest

import course_lib.widgets.activations as activation_widget
from course_lib.widgets.activations import ActivationExplorer
from course_lib.widgets.common import image_outputs


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)


def only_image(explorer):
    images = image_outputs(explorer.output)
    assert len(explorer.output.outputs) == 1 and len(images) == 1
    return images[0]


def test_choosing_another_activation_redraws_with_its_own_numbers():
    explorer = ActivationExplorer(activation="tanh", x_range=(-5, 5))
    before = only_image(explorer)
    explorer.activation.value = "sigmoid"
    assert only_image(explorer) != before
    assert explorer.curve.slope.max() == pytest.approx(0.25)
    assert explorer.curve.value.min() > 0 and explorer.curve.value.max() < 1
    assert "sigmoid takes values from 0.006693 to 0.9933" in explorer.summary.value


def test_widening_the_range_makes_more_of_tanh_flat():
    explorer = ActivationExplorer(activation="tanh", x_range=(-2, 2))
    narrow = explorer.curve.flat_fraction(0.01)
    explorer.x_range.value = (-10, 10)
    wide = explorer.curve.flat_fraction(0.01)
    assert narrow == 0 and wide > 0.5
    assert f"<b>{wide:.0%}</b>" in explorer.summary.value


def test_relu_is_flat_on_the_negative_half_and_leaky_relu_nowhere():
    explorer = ActivationExplorer(activation="relu", x_range=(-4, 4))
    assert explorer.curve.flat_fraction(0.01) == pytest.approx(0.5, abs=0.01)
    explorer.activation.value = "leaky_relu"
    assert explorer.curve.flat_fraction(0.01) == 0
    np.testing.assert_allclose(explorer.curve.slope[explorer.curve.x < 0], 0.1)


def test_hyper_parameters_apply_only_to_their_activation():
    explorer = ActivationExplorer(activation="elu", x_range=(-20, 1))
    assert explorer.negative_slope.disabled and not explorer.alpha.disabled
    explorer.alpha.value = 2.0
    assert explorer.curve.value.min() == pytest.approx(-2.0, abs=1e-6)
    explorer.activation.value = "leaky_relu"
    assert explorer.alpha.disabled and not explorer.negative_slope.disabled
    explorer.negative_slope.value = 0.3
    np.testing.assert_allclose(explorer.curve.slope[explorer.curve.x < 0], 0.3)


def test_in_grading_mode_nothing_is_built(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")
    monkeypatch.setattr(activation_widget, "activation_curve",
                        lambda *a, **k: pytest.fail("computed while grading"))
    explorer = ActivationExplorer()
    explorer.update()
    assert explorer.widget is None and explorer.curve is None


@pytest.mark.parametrize("kwargs, message", [
    ({"activation": "softmax"}, "activation must be one of"),
    ({"x_range": (3, -3)}, "x_range"),
    ({"x_range": (-50, 0)}, "x_range"),
    ({"alpha": 0}, "alpha"),
    ({"threshold": 2}, "threshold"),
])
def test_bad_settings_raise_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ActivationExplorer(**kwargs)
