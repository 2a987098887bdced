"""course_lib.checks: one policy (TypeError for a wrong type, ValueError for a wrong value)
and one rng policy (a Generator is used as it is, an int is a seed, None is fresh randomness)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from course_lib import checks

#: checker, a good call's arguments, a wrong type, a wrong value (None: the checker has none)
CHECKERS = [
    (checks.integer, {"name": "k", "where": "f", "minimum": 1, "maximum": 9}, 2.0, 10),
    (checks.number, {"name": "lr", "where": "f", "low": 0, "low_inclusive": False}, "0.1", 0.0),
    (checks.boolean, {"name": "shuffle", "where": "f"}, 1, None),
    (checks.interval, {"name": "x_range", "where": "f", "low": -1, "high": 1}, 0.5, (-2, 0)),
    (checks.choice, {"choices": ("a", "b"), "name": "mode", "where": "f"}, 1, "c"),
    (checks.function, {"name": "loss_fn", "where": "f"}, "mse", None),
    (checks.instance, {"types": Path, "name": "root", "where": "f"}, "data", None),
    (checks.path, {"name": "root", "where": "f"}, 3, ""),
    (checks.float_dtype, {"where": "f"}, "nonsense", np.int32),
    (checks.float_array, {"where": "f"}, np.arange(3), None),
    (checks.real_array, {"name": "y", "where": "f"}, np.array(["a"]), None),
    (checks.integers, {"name": "seeds", "where": "f", "minimum": 0}, 5, [-1]),
    (checks.rng, {"where": "f"}, 1.5, -1),
]


@pytest.mark.parametrize("checker, arguments, wrong_type, wrong_value", CHECKERS,
                         ids=[c[0].__name__ for c in CHECKERS])
def test_each_checker_raises_type_error_then_value_error_naming_where(checker, arguments,
                                                                      wrong_type, wrong_value):
    with pytest.raises(TypeError, match="^f"):
        checker(wrong_type, **arguments)
    if wrong_value is not None:
        with pytest.raises(ValueError, match="^f"):
            checker(wrong_value, **arguments)


@pytest.mark.parametrize("checker, good, expected", [
    (lambda v: checks.integer(v, "k", "f", minimum=0), np.int64(3), 3),
    (lambda v: checks.number(v, "p", "f", low=0, high=1), np.float32(0.5), 0.5),
    (lambda v: checks.boolean(v, "flag", "f"), np.True_, True),
    (lambda v: checks.interval(v, "r", "f"), np.array([-1, 2]), (-1.0, 2.0)),
    (lambda v: checks.choice(v, (None, True, False), "stratify", "f"), None, None),
    (lambda v: checks.integers(v, "seeds", "f"), np.arange(3), [0, 1, 2]),
])
def test_good_values_come_back_in_their_plain_python_form(checker, good, expected):
    result = checker(good)
    assert (result.tolist() if isinstance(result, np.ndarray) else result) == expected


def test_choice_tells_a_number_from_a_flag():
    with pytest.raises(TypeError):
        checks.choice(1, (None, True, False), "stratify", "f")
    assert checks.choice(1.0, ("warn", 0, 1), "zero_division", "f") == 1.0


def test_samples_and_data_pair_check_types_then_lengths():
    with pytest.raises(TypeError, match="one row per sample"):
        checks.samples(3.0, [1], "f")
    with pytest.raises(ValueError, match="X has 2 samples but y has 1"):
        checks.samples([[0], [1]], [1], "f")
    with pytest.raises(TypeError, match=r"tuple \(X, y\)"):
        checks.data_pair(np.zeros((2, 2)), "train_data", "f")
    with pytest.raises(ValueError, match="empty"):
        checks.data_pair((np.zeros((0, 2)), np.zeros(0)), "train_data", "f")


def test_rng_uses_a_generator_as_it_is_and_an_int_as_a_seed():
    generator = np.random.default_rng(0)
    assert checks.rng(generator, "f") is generator
    assert checks.rng(7, "f").random() == np.random.default_rng(7).random()
    assert checks.rng(np.int64(7), "f").random() == np.random.default_rng(7).random()


def test_rng_none_is_fresh_unpredictable_randomness():
    draws = {checks.rng(None, "f").integers(2**62) for _ in range(3)}
    assert len(draws) == 3


@pytest.mark.parametrize("bad", [np.random.RandomState(0), True, 1.0, "0", [0]])
def test_rng_refuses_legacy_state_flags_floats_and_strings_with_a_type_error(bad):
    with pytest.raises(TypeError, match="numpy.random.Generator or an int seed"):
        checks.rng(bad, "f")
