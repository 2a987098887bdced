"""course_lib.torch_training: fit with validation, schedule, callbacks, checkpoints, time budget."""

import math

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from course_lib.torch_training import (
    Callback,
    EarlyStopping,
    OneCycleByTime,
    TimeBudget,
    fit,
    predict,
)
from course_lib.train import TrainingDiverged


def blobs(n=120, seed=0):
    """Three separable classes in 4-D."""
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 3
    X = torch.randn(n, 4, generator=g) * 0.5 + torch.eye(3, 4)[y] * 3
    return X, y


def loaders(seed=0, batch_size=16):
    X, y = blobs(seed=seed)
    Xv, yv = blobs(60, seed=seed + 100)
    train = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                       generator=torch.Generator().manual_seed(seed))
    return train, DataLoader(TensorDataset(Xv, yv), batch_size=25)


def network(seed=0, dropout=0.3):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(),
                               torch.nn.Dropout(dropout), torch.nn.Linear(16, 3))


def setup(seed=0, lr=0.01, epochs=4, dropout=0.3, model_seed=None):
    model = network(seed if model_seed is None else model_seed, dropout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    train, val = loaders(seed)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr,
                                                    total_steps=epochs * len(train))
    return model, optimizer, scheduler, train, val


def test_fit_learns_and_returns_one_value_per_epoch_for_every_key():
    model, optimizer, scheduler, train, val = setup(epochs=5)
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=5,
                  val_loader=val, scheduler=scheduler, progress=False)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds"}
    assert all(len(values) == 5 for values in history.values())
    assert all(type(v) is float for values in history.values() for v in values)
    assert history["val_accuracy"][-1] > 0.95 and history["loss"][-1] < history["loss"][0]
    # the one-cycle schedule was stepped once per batch: exactly its total, no more
    assert scheduler.last_epoch == 5 * len(train)
    assert history["lr"][0] == pytest.approx(0.01 / 25)


def test_validation_values_are_those_of_the_model_in_eval_mode_after_the_epoch():
    model, optimizer, _, train, val = setup()
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=1,
                  val_loader=val, progress=False)
    logits, targets = predict(model, val)
    loss = torch.nn.functional.cross_entropy(logits, targets).item()
    assert history["val_loss"][0] == pytest.approx(loss, rel=1e-6)
    correct = (logits.argmax(1) == targets).sum().item()
    assert history["val_accuracy"][0] == correct / len(targets)


def test_fit_restores_the_mode_and_without_validation_records_none():
    model, optimizer, _, train, _ = setup()
    model.eval()
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=2, progress=False)
    assert not model.training
    assert history["val_loss"] == [] and len(history["loss"]) == 2


class Recorder(Callback):
    def __init__(self):
        self.events = []

    def on_train_begin(self, model):
        self.events.append("begin")

    def after_backward(self, model, step):
        grads = [p.grad for p in model.parameters()]
        self.events.append(("backward", step, all(g is not None and g.abs().sum() > 0
                                                  for g in grads)))
        self.weight = model[0].weight.detach().clone()

    def after_step(self, model, step):
        self.events.append(("step", step, not torch.equal(self.weight, model[0].weight)))

    def on_epoch_end(self, epoch, logs, model):
        self.events.append(("epoch", epoch, sorted(logs)))
        return epoch == 1  # stop after the second epoch

    def on_train_end(self, model):
        self.events.append("end")


def test_callbacks_see_gradients_then_updates_in_order_and_can_stop_training():
    model, optimizer, _, train, val = setup()
    recorder = Recorder()
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=5,
                  val_loader=val, callbacks=[recorder], progress=False)
    assert len(history["loss"]) == 2
    events = recorder.events
    assert events[0] == "begin" and events[-1] == "end"
    steps = [e for e in events if isinstance(e, tuple) and e[0] in ("backward", "step")]
    n = len(train)
    assert steps == [(kind, s, True) for s in range(2 * n) for kind in ("backward", "step")]
    epochs = [e for e in events if isinstance(e, tuple) and e[0] == "epoch"]
    assert epochs == [("epoch", e, ["accuracy", "loss", "lr", "seconds", "val_accuracy",
                                    "val_loss"]) for e in (0, 1)]


def test_early_stopping_stops_after_patience_and_puts_back_copies_of_the_best_weights(tmp_path):
    stopper = EarlyStopping(monitor="val_loss", patience=2, best_path=tmp_path / "best.pt")
    model = torch.nn.Linear(2, 1)
    snapshots = []
    for epoch, value in enumerate([0.9, 0.5, 0.6, 0.7, 0.4]):
        with torch.no_grad():
            model.weight.add_(1.0)  # every epoch changes the weights in place
        snapshots.append(model.weight.detach().clone())
        if stopper.on_epoch_end(epoch, {"val_loss": value}, model):
            break
    assert (stopper.best, stopper.best_epoch, stopper.stopped_epoch) == (0.5, 1, 3)
    # a reference to the live state_dict would now hold the weights of epoch 3
    assert torch.equal(stopper.best_weights["weight"], snapshots[1])
    assert torch.equal(torch.load(tmp_path / "best.pt")["weight"], snapshots[1])
    stopper.on_train_end(model)
    assert torch.equal(model.weight, snapshots[1])


def test_early_stopping_in_fit_on_validation_accuracy():
    model, optimizer, _, train, val = setup(lr=0.05)
    stopper = EarlyStopping(monitor="val_accuracy", patience=2)
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=40,
                  val_loader=val, callbacks=[stopper], progress=False)
    assert stopper.mode == "max" and stopper.stopped_epoch == len(history["loss"]) - 1 < 39
    assert stopper.best == max(history["val_accuracy"])
    assert history["val_accuracy"][stopper.best_epoch] == stopper.best
    logits, targets = predict(model, val)
    assert (logits.argmax(1) == targets).sum().item() / len(targets) == stopper.best


def test_early_stopping_needs_the_monitored_value():
    stopper = EarlyStopping(monitor="val_loss")
    with pytest.raises(ValueError, match="pass val_loader"):
        stopper.on_epoch_end(0, {"loss": 1.0}, torch.nn.Linear(1, 1))


def run_straight_and_resumed(tmp_path, epochs, interrupt_after):
    """Train ``epochs`` epochs in one go, and again in two sessions with a checkpoint between."""
    model, optimizer, scheduler, train, val = setup(epochs=epochs)
    stopper = EarlyStopping(patience=50)
    torch.manual_seed(123)  # dropout masks come from the global generator
    straight = fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=epochs,
                   val_loader=val, scheduler=scheduler, callbacks=[stopper], progress=False)
    path = tmp_path / "run.pt"
    model2, optimizer2, scheduler2, train2, val2 = setup(epochs=epochs)
    torch.manual_seed(123)
    fit(model2, torch.nn.CrossEntropyLoss(), optimizer2, train2, epochs=interrupt_after,
        val_loader=val2, scheduler=scheduler2, callbacks=[EarlyStopping(patience=50)],
        checkpoint=path, progress=False)
    torch.manual_seed(999)  # whatever happens in between must not matter
    model3, optimizer3, scheduler3, train3, val3 = setup(model_seed=5, epochs=epochs)
    resumed_stopper = EarlyStopping(patience=50)
    resumed = fit(model3, torch.nn.CrossEntropyLoss(), optimizer3, train3, epochs=epochs,
                  val_loader=val3, scheduler=scheduler3, callbacks=[resumed_stopper],
                  checkpoint=path, resume=True, progress=False)
    return (model, straight, stopper), (model3, resumed, resumed_stopper)


def test_a_run_resumed_from_a_checkpoint_continues_exactly_as_if_it_never_stopped(tmp_path):
    (model, straight, stopper), (resumed_model, resumed, resumed_stopper) = \
        run_straight_and_resumed(tmp_path, epochs=4, interrupt_after=2)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr"):
        assert resumed[key] == straight[key], key
    for (name, a), b in zip(model.state_dict().items(), resumed_model.state_dict().values(),
                            strict=True):
        assert torch.equal(a, b), name
    assert (resumed_stopper.best, resumed_stopper.best_epoch) == (stopper.best, stopper.best_epoch)
    assert not list(tmp_path.glob(".*.tmp")), "a temporary file was left behind"


def test_resume_without_a_checkpoint_file_starts_from_the_beginning(tmp_path):
    model, optimizer, _, train, _ = setup()
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=2,
                  checkpoint=tmp_path / "new.pt", resume=True, progress=False)
    assert len(history["loss"]) == 2 and (tmp_path / "new.pt").exists()
    with pytest.raises(ValueError, match="needs checkpoint"):
        fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=2, resume=True)


def test_resuming_a_finished_run_trains_nothing_and_returns_its_history(tmp_path):
    model, optimizer, _, train, _ = setup()
    path = tmp_path / "done.pt"
    first = fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=2, checkpoint=path,
                progress=False)
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    again = fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=2, checkpoint=path,
                resume=True, progress=False)
    assert again == first
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())


def test_a_diverging_run_stops_with_the_completed_epochs():
    X = torch.randn(32, 4)
    y = torch.arange(32) % 3
    X[20] = float("nan")
    loader = DataLoader(TensorDataset(X, y), batch_size=8)
    model = network()
    with pytest.raises(TrainingDiverged, match="epoch 1, batch 3") as caught:
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            loader, epochs=3, progress=False)
    assert caught.value.batch == 3 and caught.value.history["loss"] == []


class FakeClock:
    def __init__(self, tick):
        self.now, self.tick = 0.0, tick

    def __call__(self):
        self.now += self.tick
        return self.now


def test_a_time_budget_stops_mid_epoch_and_records_the_partial_epoch():
    model, optimizer, _, train, val = setup()
    budget = TimeBudget(10.0, clock=FakeClock(1.0))  # every reading of the clock is 1 s later
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=100,
                  val_loader=val, time_budget=budget, progress=False)
    assert budget.exhausted()
    assert len(history["loss"]) == 2 and len(history["val_loss"]) == 2  # 8 batches per epoch
    with pytest.raises(ValueError, match="cannot be resumed"):
        fit(model, torch.nn.CrossEntropyLoss(), optimizer, train, epochs=1, checkpoint="x.pt",
            resume=True, time_budget=TimeBudget(1.0))


def test_time_budget_fraction_and_arguments():
    clock = FakeClock(0.0)
    budget = TimeBudget(4.0, clock=clock)
    assert budget.fraction() == 0.0 and not budget.exhausted()
    budget.start()
    clock.now = 3.0
    assert budget.fraction() == 0.75
    clock.now = 9.0
    assert budget.fraction() == 1.0 and budget.exhausted()
    with pytest.raises(ValueError, match="seconds"):
        TimeBudget(0)


def one_cycle_by_time(max_lr, **kwargs):
    clock = FakeClock(0.0)
    budget = TimeBudget(100.0, clock=clock)
    budget.start()
    optimizer = torch.optim.SGD(torch.nn.Linear(1, 1).parameters(), lr=1.0)
    return OneCycleByTime(optimizer, max_lr, budget, **kwargs), clock, optimizer


def test_one_cycle_by_time_warms_up_then_anneals_along_half_cosines():
    schedule, clock, optimizer = one_cycle_by_time(0.1, pct_start=0.25)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1 / 25)  # set at construction
    values = {}
    for t in (0, 12.5, 25, 62.5, 100, 150):
        clock.now = t
        schedule.step()
        values[t] = schedule.get_last_lr()[0]
    assert values[0] == pytest.approx(0.004)
    assert values[12.5] == pytest.approx((0.004 + 0.1) / 2)
    assert values[25] == pytest.approx(0.1)
    assert values[62.5] == pytest.approx((0.1 + 0.004 / 1e4) / 2)
    assert values[100] == values[150] == pytest.approx(0.004 / 1e4)


def test_one_cycle_by_time_follows_torchs_one_cycle_when_time_advances_evenly():
    total = 2000
    schedule, _, _ = one_cycle_by_time(0.01, pct_start=0.3)
    optimizer = torch.optim.SGD(torch.nn.Linear(1, 1).parameters(), lr=0.01)
    reference = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, total_steps=total,
                                                    pct_start=0.3, cycle_momentum=False)
    worst = 0.0
    for step in range(total):
        ours = schedule.lr_at(step / (total - 1))
        worst = max(worst, abs(ours - reference.get_last_lr()[0]) / 0.01)
        if step < total - 1:
            optimizer.step()  # torch expects an optimizer step before each scheduler step
            reference.step()
    assert worst < 5e-3


def test_predict_returns_outputs_and_targets_in_eval_mode_without_gradients():
    model = network(dropout=0.9)
    _, val = loaders()
    first, targets = predict(model, val)
    second, _ = predict(model, val)
    assert torch.equal(first, second), "dropout must be off"
    assert model.training and not first.requires_grad
    assert first.shape == (60, 3) and torch.equal(targets, blobs(60, seed=100)[1])
    assert math.isfinite(first.sum().item())
