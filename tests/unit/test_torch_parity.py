"""course_lib.torch_parity: the twin loops, copy_state, compare_training, the diff, the table."""

import numpy as np
import pytest
import torch

from course_lib import nn, optim
from course_lib.initialization import mlp
from course_lib.torch_parity import (
    ParityReport,
    code_diff,
    compare_training,
    copy_state,
    correspondence_table,
    loop_diff,
    numpy_loop,
    to_numpy_state,
    to_torch_state,
    torch_loop,
    twin_models,
)
from course_lib.torch_parity.names import CORRESPONDENCE, _exists

SIZES = [6, 5, 4, 3]


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny matrices: a second torch thread only waits (seconds on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def batches(dtype, *, epochs=2, n=24, batch_size=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, SIZES[0])).astype(dtype)
    y = rng.integers(0, SIZES[-1], size=n)
    from course_lib.data import minibatches
    return [list(minibatches(X, y, batch_size, rng=rng)) for _ in range(epochs)]


def sgd(optim_module, params):
    return optim_module.SGD(params, lr=0.1, momentum=0.9)


def step_schedule(optim_module, optimizer):
    return optim_module.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)


# --- the twins --------------------------------------------------------------------------------

def test_numpy_twin_is_the_course_mlp_with_relu():
    ours = numpy_loop.make_mlp(SIZES, rng=3)
    reference = mlp(SIZES, "relu", rng=3)
    assert repr(ours) == repr(reference)
    for (name, p), (name_ref, q) in zip(ours.named_parameters(), reference.named_parameters(),
                                        strict=True):
        assert name == name_ref and np.array_equal(p.data, q.data)


def test_the_twins_have_the_same_names_shapes_and_repr():
    ours, theirs = numpy_loop.make_mlp(SIZES, rng=0), torch_loop.make_mlp(SIZES)
    assert repr(ours) == repr(theirs)
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}


def test_loop_diff_shows_the_autograd_line_and_the_renames_only():
    diff = loop_diff()
    removed = [line[1:].strip() for line in diff.splitlines()
               if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    assert "model.backward(loss_fn.backward())" in removed
    assert "loss.backward()" in added
    assert "from course_lib import checks, nn" in removed and "from torch import nn" in added
    assert "on_step(loss.item(), model)" in added
    assert "optimizer.step()" not in removed + added          # shared, so not a change
    assert '"""' not in diff, "docstrings are left out of the diff"
    assert len(removed) <= 6 and len(added) <= 8


def test_code_diff_of_two_functions_without_docstrings():
    def f(x):
        """Add one."""
        return x + 1

    def g(x):
        """Add two."""
        return x + 2

    diff = code_diff(f, g, names=("f", "g"), context=0)
    assert diff.splitlines()[:2] == ["--- f", "+++ g"]
    assert "+    return x + 2" in diff and "Add" not in diff
    assert code_diff(f, f) == ""


# --- copying weights --------------------------------------------------------------------------

def test_copy_state_course_to_torch_and_back_copies_values_not_memory():
    ours, theirs = numpy_loop.make_mlp(SIZES, rng=0), torch_loop.make_mlp(SIZES)
    assert copy_state(ours, theirs) is theirs
    for name, array in ours.state_dict().items():
        tensor = theirs.state_dict()[name]
        assert np.array_equal(tensor.numpy(), array)
        assert not np.shares_memory(tensor.numpy(), array)
    with torch.no_grad():
        theirs[0].weight.add_(1.0)
    assert not np.array_equal(theirs[0].weight.detach().numpy(), ours[0].weight.data)
    copy_state(theirs, ours)
    assert np.array_equal(theirs[0].weight.detach().numpy(), ours[0].weight.data)


def test_copy_state_casts_to_the_targets_dtype():
    ours = numpy_loop.make_mlp(SIZES, rng=0).double()
    theirs = copy_state(ours, torch_loop.make_mlp(SIZES))           # float32 target
    assert theirs[0].weight.dtype == torch.float32
    np.testing.assert_allclose(theirs[0].weight.detach().numpy(), ours[0].weight.data, rtol=1e-7)


def test_copy_state_moves_buffers_of_batch_norm_both_ways():
    ours = nn.Sequential(nn.Linear(3, 4, rng=0), nn.BatchNorm1d(4))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    ours[1].running_mean[...] = [1.0, 2.0, 3.0, 4.0]
    ours[1].num_batches_tracked[...] = 7
    copy_state(ours, theirs)
    assert theirs[1].running_mean.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert int(theirs[1].num_batches_tracked) == 7
    theirs[1].running_var.fill_(2.0)
    copy_state(theirs, ours)
    assert ours[1].running_var.tolist() == [2.0] * 4


def test_copy_state_refuses_models_that_are_not_twins_and_copies_nothing():
    ours = numpy_loop.make_mlp(SIZES, rng=0)
    other = torch_loop.make_mlp([6, 5, 3])
    before = {k: v.clone() for k, v in other.state_dict().items()}
    with pytest.raises(ValueError, match="not twins") as error:
        copy_state(ours, other)
    assert "the target has no ['4.weight', '4.bias']" in str(error.value)
    assert "'2.weight' is (4, 5) in the source but (3, 5) in the target" in str(error.value)
    assert all(torch.equal(before[k], v) for k, v in other.state_dict().items())
    with pytest.raises(TypeError, match="source must be a course_lib or torch module"):
        copy_state({"0.weight": np.ones(2)}, other)


def test_state_conversions_copy():
    array = np.ones((2, 3))
    tensor = to_torch_state({"w": array})["w"]
    array[0, 0] = 5.0
    assert tensor[0, 0].item() == 1.0 and tensor.dtype == torch.float64
    source = torch.ones(2, requires_grad=True)
    converted = to_numpy_state({"w": source})["w"]
    with torch.no_grad():
        source.add_(1.0)
    assert converted.tolist() == [1.0, 1.0] and converted.dtype == np.float32


def test_twin_models_agree_and_leave_torchs_generator_alone():
    state = torch.get_rng_state()
    ours, theirs = twin_models(SIZES, dtype=np.float64, rng=0, device="cpu")
    assert torch.equal(state, torch.get_rng_state())
    assert theirs[0].weight.dtype == torch.float64 and ours[0].weight.dtype == np.float64
    X = np.random.default_rng(1).normal(size=(5, SIZES[0]))
    np.testing.assert_allclose(ours(X), theirs(torch.from_numpy(X)).detach().numpy(),
                               rtol=1e-13, atol=1e-15)


# --- side by side -----------------------------------------------------------------------------

def test_compare_training_records_every_step_and_trains_both():
    ours, theirs = twin_models(SIZES, dtype=np.float64, rng=0, device="cpu")
    start = {k: v.copy() for k, v in ours.state_dict().items()}
    report = compare_training(ours, theirs, batches(np.float64), make_optimizer=sgd,
                              make_scheduler=step_schedule)
    assert report.steps == 6 and report.dtype == "float64"
    assert report.epoch.tolist() == [1, 1, 1, 2, 2, 2]
    assert report.lr.tolist() == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05]
    assert set(report.parameter_error) == set(start)
    assert all(not np.allclose(v, start[k]) for k, v in ours.state_dict().items()), \
        "the NumPy model did not train: the comparison would prove nothing"
    np.testing.assert_allclose(theirs[0].weight.detach().numpy(), ours[0].weight.data,
                               rtol=1e-12)
    assert report.passed(1e-12)


def test_compare_training_sees_a_difference_between_the_frameworks():
    """An optimizer that differs between the frameworks must show in the report."""
    ours, theirs = twin_models(SIZES, dtype=np.float64, rng=0, device="cpu")

    def different(optim_module, params):
        return optim_module.SGD(params, lr=0.1 if optim_module is optim else 0.1001)

    report = compare_training(ours, theirs, batches(np.float64), make_optimizer=different)
    assert not report.passed(1e-6)
    assert report.max_parameter_error[0] > 1e-6 and report.loss_error[0] < 1e-14


def test_compare_training_without_a_scheduler_keeps_the_learning_rate():
    ours, theirs = twin_models(SIZES, dtype=np.float32, rng=0, device="cpu")
    report = compare_training(ours, theirs, batches(np.float32, epochs=3), make_optimizer=sgd)
    assert np.all(report.lr == 0.1) and report.passed(1e-5)


@pytest.mark.parametrize("problem, match", [
    ("different start", "start from different values"),
    ("different dtype", "course_lib model is float64"),
    ("float32 batches", "has X of dtype float32"),
    ("int32 classes", "has y of dtype int32"),
    ("no epochs", "non-empty list"),
    ("other layers", "different parameters"),
])
def test_compare_training_refuses_what_would_not_be_a_fair_comparison(problem, match):
    ours, theirs = twin_models(SIZES, dtype=np.float64, rng=0, device="cpu")
    epochs = batches(np.float64)
    if problem == "different start":
        with torch.no_grad():
            theirs[2].bias.add_(1e-9)
    elif problem == "different dtype":
        theirs.float()
    elif problem == "float32 batches":
        epochs = batches(np.float32)
    elif problem == "int32 classes":
        epochs = [[(X, y.astype(np.int32)) for X, y in e] for e in epochs]
    elif problem == "no epochs":
        epochs = [[]]
    elif problem == "other layers":
        theirs = torch_loop.make_mlp([6, 5, 3]).double()
    with pytest.raises(ValueError, match=match):
        compare_training(ours, theirs, epochs, make_optimizer=sgd)


def test_compare_training_checks_its_arguments_types():
    ours, theirs = twin_models(SIZES, dtype=np.float64, rng=0, device="cpu")
    with pytest.raises(TypeError, match="numpy_model must be a Module"):
        compare_training(theirs, theirs, batches(np.float64), make_optimizer=sgd)
    with pytest.raises(TypeError, match="make_optimizer must be callable"):
        compare_training(ours, theirs, batches(np.float64), make_optimizer="sgd")


def test_parity_report_arithmetic_and_table():
    report = ParityReport(
        "float32", epoch=np.array([1, 1, 2]), lr=np.array([0.1, 0.1, 0.05]),
        numpy_loss=np.array([2.0, 1.0, 0.0]), torch_loss=np.array([2.0, 1.1, 0.0]),
        parameter_error={"a": np.array([1e-8, 2e-8, 3e-8]), "b": np.array([2e-8, 1e-9, 1e-9])})
    np.testing.assert_allclose(report.loss_error, [0.0, 0.1 / 1.1, 0.0])
    np.testing.assert_allclose(report.max_parameter_error, [2e-8, 2e-8, 3e-8])
    assert [report.worst_parameter(s) for s in (1, 2, 3)] == ["b", "a", "a"]
    assert report.passed(0.1) and not report.passed(0.05)
    lines = report.format_table(every=2).splitlines()
    assert len(lines) == 3 and lines[1].split()[0] == "1" and lines[2].split()[0] == "3"
    assert "9.1e-02" in report.format_table()
    table = report.table()
    assert list(table["step"]) == [1, 2, 3] and list(table["parameter"]) == ["b", "a", "a"]
    with pytest.raises(ValueError):
        report.worst_parameter(4)


# --- the correspondence table -----------------------------------------------------------------

def test_every_name_of_the_correspondence_table_exists_in_its_package():
    rows = correspondence_table()
    assert len(rows) == len(CORRESPONDENCE)
    missing = [(row.course_lib, row.torch) for row in rows
               if not (row.course_lib_found and row.torch_found)]
    assert not missing
    assert all(row.course_lib.startswith("course_lib.") and row.torch.startswith("torch.")
               for row in rows)


def test_the_lookup_of_names_is_not_fooled():
    assert _exists("course_lib.nn.Module.state_dict")
    assert not _exists("course_lib.nn.Module.no_such_method")
    assert not _exists("torch.nn.NoSuchLayer")
    assert not _exists("no_such_package.thing")
