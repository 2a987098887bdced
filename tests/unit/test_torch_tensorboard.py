"""course_lib.torch_tensorboard: what the logger writes is what read_events reads back."""

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from course_lib.torch_diagnostics import GradientMonitor
from course_lib.torch_tensorboard import TensorBoardLogger, read_events, tensorboard_command
from course_lib.torch_training import fit


def test_a_logged_run_is_read_back_with_its_scalars_and_histograms(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 3))
    X, y = torch.randn(30, 4), torch.arange(30) % 3
    train = DataLoader(TensorDataset(X, y), batch_size=10)
    val = DataLoader(TensorDataset(X, y), batch_size=30)
    logger = TensorBoardLogger(tmp_path / "run", histogram_steps=[0, 4])
    monitor = GradientMonitor(histogram_steps=[0, 4])
    history = fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                  train, epochs=3, val_loader=val, callbacks=[monitor, logger], progress=False)
    events = read_events(tmp_path / "run")
    assert sorted(events.scalars) == sorted(f"epoch/{k}" for k in history)
    for key, values in history.items():
        steps, logged = events.scalars[f"epoch/{key}"]
        assert steps.tolist() == [0, 1, 2]
        np.testing.assert_allclose(logged, values, rtol=1e-6)  # stored as float32
    assert sorted(events.histograms) == ["gradients/0.weight", "gradients/2.weight",
                                         "weights/0.weight", "weights/2.weight"]
    for step in (0, 4):
        record = {r.step: r for r in events.histograms["gradients/0.weight"]}[step]
        gradient = monitor.gradients[step]["0.weight"]
        assert record.count == gradient.size == record.counts.sum()
        assert record.min == gradient.min() and record.max == gradient.max()
        assert record.sum == pytest.approx(gradient.astype(np.float64).sum(), abs=1e-6)
        assert len(record.bucket_limits) == len(record.counts)


def test_reading_a_folder_without_events_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no TensorBoard event file"):
        read_events(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_events(tmp_path / "missing")


def test_the_command_serves_on_localhost_with_the_environments_program():
    command = tensorboard_command("/tmp/a run", port=6010)
    assert "--host 127.0.0.1 --port 6010" in command
    assert "--logdir '/tmp/a run'" in command
    assert command.split()[0].endswith("tensorboard")
    with pytest.raises(ValueError, match="port"):
        tensorboard_command("/tmp", port=0)
