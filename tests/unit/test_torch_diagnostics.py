"""course_lib.torch_diagnostics: gradient histograms and update-to-data ratios."""

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from course_lib.torch_diagnostics import GradientMonitor
from course_lib.torch_training import fit


def test_the_monitor_records_what_fit_computed_at_the_chosen_steps():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(6, 8), torch.nn.ReLU(),
                                torch.nn.Linear(8, 3))
    X, y = torch.randn(40, 2, 3), torch.arange(40) % 3
    loader = DataLoader(TensorDataset(X, y), batch_size=10)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    monitor = GradientMonitor(histogram_steps=[0, 5, 100], every=3)
    initial = model[1].weight.detach().clone()
    first_grad = torch.autograd.grad(torch.nn.functional.cross_entropy(model(X[:10]), y[:10]),
                                     model[1].weight)[0]
    fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=2, callbacks=[monitor],
        progress=False)
    assert sorted(monitor.gradients) == [0, 5]  # step 100 never ran (8 steps)
    assert sorted(monitor.gradients[0]) == ["1.weight", "3.weight"]  # weights, no biases
    recorded = monitor.gradients[0]["1.weight"]
    assert recorded.dtype == np.float32 and recorded.shape == (48,)
    np.testing.assert_allclose(recorded, first_grad.numpy().ravel(), rtol=1e-6)
    assert monitor.ratio_steps == [0, 3, 6]
    update = -0.1 * first_grad
    assert monitor.update_ratios["1.weight"][0] == pytest.approx(
        (update.std() / initial.std()).item(), rel=1e-4)
    assert all(len(v) == 3 and all(r > 0 for r in v) for v in monitor.update_ratios.values())


def test_the_monitor_needs_weights_and_valid_arguments():
    with pytest.raises(ValueError, match="no weight"):
        GradientMonitor().on_train_begin(torch.nn.PReLU())  # one parameter, no matrix
    with pytest.raises(ValueError, match="every"):
        GradientMonitor(every=0)
    with pytest.raises(ValueError, match="histogram_steps"):
        GradientMonitor(histogram_steps=[-1])
