"""course_lib.torch_checkpoint: save and restore the whole training state."""

import pytest
import torch

from course_lib.torch_checkpoint import load_checkpoint, save_checkpoint
from course_lib.torch_training import EarlyStopping


def trained(seed=0):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.BatchNorm1d(5),
                                torch.nn.Linear(5, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    for _ in range(3):
        model(torch.randn(8, 3)).pow(2).mean().backward()
        optimizer.step()
        optimizer.zero_grad()
        scheduler.step()
    return model, optimizer, scheduler


def test_every_part_of_the_state_comes_back(tmp_path):
    model, optimizer, scheduler = trained()
    generator = torch.Generator().manual_seed(4)
    generator.seed()  # some state that is not the seed's
    stopper = EarlyStopping(patience=3)
    stopper.on_epoch_end(0, {"val_loss": 0.7}, model)
    torch.manual_seed(11)
    path = save_checkpoint(tmp_path / "c.pt", model=model, optimizer=optimizer, epoch=3,
                           history={"loss": [1.0, 0.5, 0.25]}, scheduler=scheduler,
                           generator=generator, callbacks=[stopper], step=30)
    expected_draw = torch.rand(3)
    expected_loader_draw = torch.rand(2, generator=generator)

    other, other_optimizer, other_scheduler = trained(seed=1)
    other_generator, other_stopper = torch.Generator(), EarlyStopping(patience=3)
    torch.manual_seed(99)
    epoch, history, step = load_checkpoint(
        path, model=other, optimizer=other_optimizer, scheduler=other_scheduler,
        generator=other_generator, callbacks=[other_stopper], with_step=True)
    assert (epoch, history, step) == (3, {"loss": [1.0, 0.5, 0.25]}, 30)
    for (name, a), b in zip(model.state_dict().items(), other.state_dict().values(), strict=True):
        assert torch.equal(a, b), name  # weights and batch-norm buffers
    assert other_optimizer.state_dict()["state"][0]["exp_avg"].equal(
        optimizer.state_dict()["state"][0]["exp_avg"])
    assert other_scheduler.state_dict() == scheduler.state_dict()
    assert torch.equal(torch.rand(3), expected_draw)
    assert torch.equal(torch.rand(2, generator=other_generator), expected_loader_draw)
    assert other_stopper.best == 0.7 and other_stopper.best_epoch == 0
    assert torch.equal(other_stopper.best_weights["0.weight"], stopper.best_weights["0.weight"])


def test_saving_is_atomic_and_overwrites(tmp_path):
    model, optimizer, _ = trained()
    path = tmp_path / "c.pt"
    for epoch in (1, 2):
        save_checkpoint(path, model=model, optimizer=optimizer, epoch=epoch, history={})
    assert load_checkpoint(path, model=model, optimizer=optimizer)[0] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["c.pt"]


def test_a_missing_truncated_or_foreign_file_is_reported(tmp_path):
    model, optimizer, _ = trained()
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        load_checkpoint(tmp_path / "none.pt", model=model, optimizer=optimizer)
    path = save_checkpoint(tmp_path / "c.pt", model=model, optimizer=optimizer, epoch=1,
                           history={})
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match="not a readable checkpoint.*Delete it"):
        load_checkpoint(path, model=model, optimizer=optimizer)
    torch.save({"weights": 1}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not written by save_checkpoint"):
        load_checkpoint(tmp_path / "other.pt", model=model, optimizer=optimizer)


def test_a_checkpoint_of_another_model_or_other_objects_is_refused(tmp_path):
    model, optimizer, scheduler = trained()
    path = save_checkpoint(tmp_path / "c.pt", model=model, optimizer=optimizer, epoch=1,
                           history={}, scheduler=scheduler)
    wider = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.BatchNorm1d(6),
                                torch.nn.Linear(6, 2))
    with pytest.raises(ValueError, match="(?s)different model.*size mismatch"):
        load_checkpoint(path, model=wider, optimizer=torch.optim.Adam(wider.parameters()),
                        scheduler=scheduler)
    with pytest.raises(ValueError, match="holds the state of a scheduler, but none was given"):
        load_checkpoint(path, model=model, optimizer=optimizer)
    with pytest.raises(ValueError, match="callbacks"):
        load_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler,
                        callbacks=[EarlyStopping()])
