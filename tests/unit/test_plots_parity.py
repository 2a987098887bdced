"""course_lib.plots.parity: the figures of a step-by-step comparison (no torch needed)."""

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.plots.parity import (
    DTYPE_COLORS,
    FRAMEWORK_COLORS,
    plot_parity_errors,
    plot_parity_losses,
    unit_roundoff,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def report(dtype="float32", steps=6):
    rng = np.random.default_rng(0)
    loss = np.linspace(2.3, 0.5, steps)
    parameter_error = rng.uniform(1e-8, 1e-7, steps)
    loss_error = np.where(np.arange(steps) % 2 == 0, 0.0, 1e-7)
    return SimpleNamespace(dtype=dtype, epoch=np.repeat([1, 2], steps // 2), numpy_loss=loss,
                           torch_loss=loss + 1e-7, loss_error=loss_error,
                           max_parameter_error=parameter_error)


def test_unit_roundoff_is_half_the_machine_epsilon():
    assert unit_roundoff("float64") == 2.0**-53
    assert unit_roundoff(np.float32) == 2.0**-24


def test_losses_of_both_frameworks_with_labels_and_epoch_lines():
    ax = plot_parity_losses(report())
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert labels == ["course_lib (NumPy)", "PyTorch"]
    assert ax.get_xlabel() == "training step" and "cross-entropy" in ax.get_ylabel()
    assert "(float32)" in ax.get_title()
    colors = [line.get_color() for line in ax.get_lines()[:2]]
    assert colors == [FRAMEWORK_COLORS["course_lib"], FRAMEWORK_COLORS["torch"]]
    vertical = [line for line in ax.get_lines()[2:] if line.get_xdata()[0] == 3.5]
    assert len(vertical) == 1, "one line between epoch 1 and epoch 2"


def test_errors_on_a_log_scale_with_zeros_counted_and_the_roundoff_line():
    ax = plot_parity_errors({"SGD, float32": report()})
    assert ax.get_yscale() == "log"
    labels = [line.get_label() for line in ax.get_lines()]
    assert "SGD, float32: parameters" in labels
    assert "SGD, float32: loss, 3 steps exactly 0" in labels
    loss_line = ax.get_lines()[labels.index("SGD, float32: loss, 3 steps exactly 0")]
    assert np.isnan(loss_line.get_ydata()[0]), "a 0 is left out, not drawn at the bottom"
    roundoff = [line for line in ax.get_lines() if line.get_ydata()[0] == 2.0**-24]
    assert len(roundoff) == 1 and ax.texts[0].get_text() == "float32 unit round-off"
    assert ax.get_lines()[0].get_color() == DTYPE_COLORS["float32"]


def test_errors_of_several_reports_without_loss_lines():
    ax = plot_parity_errors({"a": report("float64"), "b": report("float32"),
                             "c": report("float64")}, show_loss=False)
    curves = [line for line in ax.get_lines() if line.get_label()[0] in "abc"]
    assert [line.get_label() for line in curves] == \
        ["a: parameters", "b: parameters", "c: parameters"]
    assert len({line.get_linestyle() for line in curves}) == 3, "each report its own style"
    assert sorted(text.get_text() for text in ax.texts) == \
        ["float32 unit round-off", "float64 unit round-off"]
