"""course_lib.surfaces: the 2-D loss surfaces, their gradients, and optimizer_path."""

import math

import numpy as np
import pytest

from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.nn.module import Parameter
from course_lib.optim import SGD, Adam, RMSprop
from course_lib.surfaces import (
    SETTLE_STEPS,
    SURFACES,
    OptimizerPath,
    get_surface,
    ill_conditioned_bowl,
    optimizer_path,
    recurrence,
    rosenbrock,
    saddle,
    two_minima,
)

ALL = [ill_conditioned_bowl(), ill_conditioned_bowl(condition=7, rotation=30), saddle(),
       rosenbrock(), rosenbrock(a=-0.5, b=3.0), two_minima(), two_minima(tilt=0.8),
       recurrence(), recurrence(steps=5, target=0.7)]
IDS = [s.formula for s in ALL]


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_the_gradient_is_the_gradient_of_the_loss(surface):
    rng = np.random.default_rng(0)
    for _ in range(5):
        low = np.array([surface.xlim[0], surface.ylim[0]])
        high = np.array([min(surface.xlim[1], 0.95) if surface.name == "recurrence"
                         else surface.xlim[1], surface.ylim[1]])
        point = rng.uniform(low, high)
        numeric = numerical_gradient(lambda w: float(surface.loss(w)), point.copy())
        assert relative_error(surface.gradient(point), numeric) < 1e-6


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_loss_and_gradient_take_whole_grids(surface):
    grid = np.stack(np.meshgrid(np.linspace(*surface.xlim, 7), np.linspace(*surface.ylim, 5)),
                    axis=-1)                                          # (5, 7, 2)
    assert surface.loss(grid).shape == (5, 7)
    assert surface.gradient(grid).shape == (5, 7, 2)
    row = grid[2, 3]
    np.testing.assert_allclose(surface.loss(grid)[2, 3], surface.loss(row))
    np.testing.assert_allclose(surface.gradient(grid)[2, 3], surface.gradient(row))


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_the_minima_are_minima_and_the_first_is_global(surface):
    for m in surface.minima:
        assert np.abs(surface.gradient(m)).max() < 1e-6
        # every point nearby is at least as high: a minimum, not a saddle
        around = m + 1e-3 * np.array([[np.cos(t), np.sin(t)] for t in np.linspace(0, 6.2, 12)])
        assert np.all(surface.loss(around) >= surface.loss(m) - 1e-12)
    assert math.isclose(float(surface.loss(surface.minima[0])), surface.min_loss, abs_tol=1e-9)
    assert all(float(surface.loss(m)) >= surface.min_loss - 1e-9 for m in surface.minima)


def test_two_minima_has_a_global_and_a_local_minimum():
    wells = two_minima()
    global_min, local_min = wells.minima
    assert global_min[0] < 0 < local_min[0]
    assert wells.is_global(global_min) and not wells.is_global(local_min)


def test_the_saddle_point_is_a_saddle():
    s = saddle()
    assert np.abs(s.gradient(np.zeros(2))).max() == 0
    assert s.loss(np.array([0.1, 0.0])) > 0 > s.loss(np.array([0.0, 0.1]))


def test_a_rotated_bowl_is_the_same_bowl_turned():
    flat, turned = ill_conditioned_bowl(condition=50), ill_conditioned_bowl(condition=50,
                                                                             rotation=90)
    point = np.array([0.3, -1.2])
    np.testing.assert_allclose(turned.loss(point), flat.loss(point[::-1] * [1, -1]))
    assert ill_conditioned_bowl(rotation=0).name == "bowl"
    assert math.isclose(float(turned.loss(np.array(turned.start))),
                        float(flat.loss(np.array(flat.start))))


def test_the_recurrence_is_the_loop_it_describes():
    surface = recurrence(steps=12, target=1.5)
    w, b = 0.8, 0.3
    h = 0.0
    for _ in range(12):
        h = w * h + b
    assert math.isclose(float(surface.loss(np.array([w, b]))), 0.5 * (h - 1.5) ** 2)
    ws = surface.minima[:, 0]
    assert len(surface.minima) > 5 and np.all(np.diff(ws) > 0)       # a curve of minima


@pytest.mark.parametrize("make, kwargs, error", [
    (ill_conditioned_bowl, {"condition": 0.5}, ValueError),
    (ill_conditioned_bowl, {"condition": "10"}, TypeError),
    (rosenbrock, {"b": 0.0}, ValueError),
    (two_minima, {"tilt": 2.0}, ValueError),
    (recurrence, {"steps": 1}, ValueError),
    (recurrence, {"target": -1.0}, ValueError),
])
def test_bad_arguments_are_refused(make, kwargs, error):
    with pytest.raises(error):
        make(**kwargs)


def test_points_must_have_two_coordinates():
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        saddle().loss(np.zeros(3))


def test_get_surface_knows_every_name():
    assert {get_surface(name).name for name in SURFACES} == set(SURFACES)
    with pytest.raises(ValueError, match="name"):
        get_surface("cliff")


# ---- optimizer_path ---------------------------------------------------------------------------
def test_optimizer_path_is_the_training_loop_written_in_its_docstring():
    surface = rosenbrock()
    p = Parameter(np.array(surface.start))
    optimizer = Adam([p], lr=0.05)
    points = [p.data.copy()]
    for _ in range(40):
        p.grad[...] = surface.gradient(p.data)
        optimizer.step()
        points.append(p.data.copy())
    path = optimizer_path(surface, Adam, lr=0.05, steps=40)
    np.testing.assert_array_equal(path.points, np.array(points))
    np.testing.assert_allclose(path.losses, surface.loss(np.array(points)))
    assert path.steps == 40 and not path.diverged and path.grad_norms.shape == (40,)


def test_gradient_descent_on_the_bowl_diverges_exactly_above_two_over_kappa():
    bowl = ill_conditioned_bowl(condition=40)
    below = optimizer_path(bowl, SGD, lr=0.99 * 2 / 40, steps=3000)
    above = optimizer_path(bowl, SGD, lr=1.01 * 2 / 40, steps=3000)
    assert not below.diverged and below.steps_to_tolerance() is not None
    assert above.diverged and above.steps < 3000 and above.steps_to_tolerance() is None
    assert not np.all(np.abs(above.points[-1]) < 1e6)


def test_steps_to_tolerance_counts_from_where_the_loss_stays_within_it():
    surface = saddle()
    losses = surface.min_loss + np.array([1.0, 1e-4, 0.5, 1e-4, 1e-5, 1e-6])
    path = OptimizerPath(surface, np.zeros((6, 2)), losses, diverged=False)
    assert path.steps_to_tolerance() == 3            # passed through at step 1, left, came back
    assert path.steps_to_tolerance(tolerance=1e-5 * 1.5) == 4
    assert path.steps_to_tolerance(tolerance=1e-7) is None
    assert OptimizerPath(surface, np.zeros((2, 2)), losses[-2:], False).steps_to_tolerance() == 0


def test_stop_at_tolerance_stops_after_settling():
    bowl = ill_conditioned_bowl()
    full = optimizer_path(bowl, SGD, lr=0.015, steps=2000)
    short = optimizer_path(bowl, SGD, lr=0.015, steps=2000, stop_at_tolerance=True)
    arrived = full.steps_to_tolerance()
    assert short.steps == arrived + SETTLE_STEPS - 1
    assert short.steps_to_tolerance() == arrived
    np.testing.assert_array_equal(short.points, full.points[:short.steps + 1])


def test_clipping_bounds_every_step_of_sgd_and_saves_the_cliff():
    cliff = recurrence()
    plain = optimizer_path(cliff, SGD, lr=0.03, steps=100)
    clipped = optimizer_path(cliff, SGD, lr=0.03, steps=100, max_norm=10.0)
    assert plain.diverged and not clipped.diverged
    steps = np.linalg.norm(np.diff(clipped.points, axis=0), axis=1)
    assert steps.max() <= 0.03 * 10.0 * (1 + 1e-9)
    assert clipped.grad_norms.max() > 10.0                   # the unclipped norms are recorded


def test_nearest_minimum_tells_which_valley_a_path_ended_in():
    wells = two_minima()
    right = optimizer_path(wells, SGD, lr=0.01, steps=2000, start=(1.5, 0.5))
    left = optimizer_path(wells, SGD, lr=0.01, steps=2000, start=(-1.5, 0.5))
    np.testing.assert_allclose(right.nearest_minimum(), wells.minima[1])
    np.testing.assert_allclose(left.nearest_minimum(), wells.minima[0])
    assert left.steps_to_tolerance() is not None and right.steps_to_tolerance() is None
    diverged = optimizer_path(ill_conditioned_bowl(), SGD, lr=1.0, steps=100)
    assert diverged.nearest_minimum() is None


def test_any_optimizer_class_with_its_hyper_parameters():
    path = optimizer_path(saddle(), RMSprop, lr=0.01, alpha=0.9, steps=5)
    assert path.steps == 5
    with pytest.raises(TypeError, match="unexpected keyword"):
        optimizer_path(saddle(), RMSprop, lr=0.01, betas=(0.9, 0.99), steps=5)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"optimizer_class": SGD(  # an instance, not the class
        [Parameter(np.zeros(2))], lr=0.1)}, TypeError, "the class, not an instance"),
    ({"optimizer_class": int}, TypeError, "Optimizer class"),
    ({"steps": -1}, ValueError, "steps"),
    ({"start": (1.0, np.nan)}, ValueError, "start"),
    ({"start": (1.0, 2.0, 3.0)}, ValueError, "start"),
    ({"max_norm": 0.0}, ValueError, "max_norm"),
])
def test_optimizer_path_refuses_bad_arguments(kwargs, error, match):
    arguments = {"optimizer_class": SGD, "steps": 10, "lr": 0.1, **kwargs}
    with pytest.raises(error, match=match):
        optimizer_path(saddle(), **arguments)
    with pytest.raises(TypeError, match="Surface"):
        optimizer_path("saddle", SGD, steps=3, lr=0.1)
