"""Chapter 10's targets on Fashion-MNIST, measured: the MLP, the CNN, and course_lib against torch.

Three measurements in one run, each printed with its target, its seeds and its
epoch times (a script that prints figures, not a test: nothing is asserted):

1. **MLP**: the chapter's recipe for Flatten-784-512-ReLU-512-ReLU-10 (AdamW lr 1e-3,
   weight decay 0.01, one-cycle schedule, dropout 0.2, label smoothing 0.1,
   batch 64, standardized inputs), trained on all 60,000 training images for 10
   epochs. Target: test accuracy >= 90.0 %.
2. **CNN**: ``course_lib.torch_models.small_cnn`` with crop-and-flip augmentation,
   channels_last, AdamW and a one-cycle schedule driven by elapsed time, for a
   budget of 300 s of training. Target: >= 92.0 % (stretch 93 %).
3. **course_lib / torch**: one epoch of the same MLP (Adam, batch 128) in the course's
   NumPy engine and in torch, from the same weights and batch order
   (``benchmarks/engine_vs_torch.py``'s models), and the ratio of their times.

    python benchmarks/fashion_mnist.py                  # the full run (about 15 minutes idle)
    python benchmarks/fashion_mnist.py --seeds 0 1 2    # the MLP and CNN for several seeds
    python benchmarks/fashion_mnist.py --quick          # a smoke run of a minute or two

On a machine busy with other work, torch's worker threads wait for each other
by spinning and an epoch can take many times longer; the script prints the load
average before and after, and ``OMP_WAIT_POLICY`` (``PASSIVE`` avoids the spinning).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

from course_lib.data.fashion_mnist import load_fashion_mnist
from course_lib.torch_data import FashionMNIST, RandomCropFlip, pixel_statistics
from course_lib.torch_models import fashion_mlp, small_cnn
from course_lib.torch_training import OneCycleByTime, TimeBudget, fit, predict
from course_lib.torch_utils import seed_everything

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engine_vs_torch  # noqa: E402  (the course_lib / torch comparison of the same MLP)

MLP_TARGET = 0.900
CNN_TARGET, CNN_STRETCH = 0.920, 0.930


def datasets(n_train: int | None, augment_seed: int | None = None):
    """Training (all 60,000 images, or the first n_train) and test sets, standardized with the
    training pixels' statistics; the training set augmented when ``augment_seed`` is given."""
    images, labels = load_fashion_mnist("train")
    test_images, test_labels = load_fashion_mnist("test")
    if n_train is not None:
        images, labels = images[:n_train], labels[:n_train]
    mean, std = pixel_statistics(images)
    transform = None if augment_seed is None else RandomCropFlip(
        2, generator=torch.Generator().manual_seed(augment_seed))
    return (FashionMNIST(images, labels, mean=mean, std=std, transform=transform),
            FashionMNIST(test_images, test_labels, mean=mean, std=std))


def test_accuracy(model, test_set) -> float:
    logits, targets = predict(model, DataLoader(test_set, batch_size=1000))
    return (logits.argmax(dim=1) == targets).sum().item() / len(targets)


def mlp_run(seed: int, epochs: int, n_train: int | None) -> tuple[float, list[float]]:
    train_set, test_set = datasets(n_train)
    seed_everything(seed)
    model = fashion_mlp(dropout=0.2)
    loader = DataLoader(train_set, batch_size=64, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-3,
                                                    total_steps=epochs * len(loader))
    history = fit(model, nn.CrossEntropyLoss(label_smoothing=0.1), optimizer, loader,
                  epochs=epochs, scheduler=scheduler, progress=False)
    return test_accuracy(model, test_set), history["seconds"]


def cnn_run(seed: int, seconds: float, n_train: int | None) -> tuple[float, list[float]]:
    train_set, test_set = datasets(n_train, augment_seed=seed)
    seed_everything(seed)
    model = small_cnn(dropout=0.3).to(memory_format=torch.channels_last)
    loader = DataLoader(train_set, batch_size=128, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    budget = TimeBudget(seconds)
    scheduler = OneCycleByTime(optimizer, max_lr=3e-3, budget=budget)
    history = fit(model, nn.CrossEntropyLoss(label_smoothing=0.1), optimizer, loader,
                  epochs=10_000, scheduler=scheduler, time_budget=budget, progress=False)
    return test_accuracy(model, test_set), history["seconds"]


def engine_ratio(epochs: int, n_train: int | None, seed: int) -> list[tuple[float, float]]:
    """Seconds per epoch of course_lib's fit and of torch for the same MLP, epoch by epoch."""
    from course_lib import nn as course_nn
    from course_lib import optim
    from course_lib.train import fit as course_fit

    train, _, _ = engine_vs_torch.load_data(n_train)
    X, y = train
    ours = engine_vs_torch.course_model(seed)
    theirs = engine_vs_torch.torch_twin(ours)
    ours_opt = optim.Adam(ours.parameters(), lr=engine_vs_torch.LR)
    theirs_opt = torch.optim.Adam(theirs.parameters(), lr=engine_vs_torch.LR)
    loss_fn, torch_loss_fn = course_nn.CrossEntropyLoss(), nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    ours_rng, twin_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    times = []
    for epoch in range(epochs):
        order = torch.from_numpy(twin_rng.permutation(len(X)))

        def run_ours():
            course_fit(ours, loss_fn, ours_opt, train, epochs=1,
                       batch_size=engine_vs_torch.BATCH_SIZE, rng=ours_rng, progress=False)

        def run_torch(order=order):
            engine_vs_torch.torch_epoch(theirs, theirs_opt, torch_loss_fn, X_t, y_t, order)

        # alternate which framework goes first, so a change in load hits both alike
        first, second = (run_ours, run_torch) if epoch % 2 == 0 else (run_torch, run_ours)
        t_first, t_second = timed(first), timed(second)
        times.append((t_first, t_second) if epoch % 2 == 0 else (t_second, t_first))
    return times


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--mlp-epochs", type=int, default=10)
    parser.add_argument("--cnn-seconds", type=float, default=300.0)
    parser.add_argument("--ratio-epochs", type=int, default=2)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 10,000 training images, 1 MLP epoch, a 20 s CNN")
    parser.add_argument("--skip", choices=["mlp", "cnn", "ratio"], nargs="*", default=[])
    args = parser.parse_args(argv)
    n_train = 10_000 if args.quick else None
    mlp_epochs = 1 if args.quick else args.mlp_epochs
    cnn_seconds = 20.0 if args.quick else args.cnn_seconds
    ratio_epochs = 1 if args.quick else args.ratio_epochs

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs; torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads; OMP_WAIT_POLICY="
          f"{os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    print(f"training images: {n_train or 60_000} (all of the training split), test images 10000; "
          f"seeds {args.seeds}; load average before: {load()}")
    if "mlp" not in args.skip:
        print(f"\nMLP 784-512-512-10, the chapter's recipe, {mlp_epochs} epochs:")
        results = []
        for seed in args.seeds:
            accuracy, seconds = mlp_run(seed, mlp_epochs, n_train)
            results.append(accuracy)
            print(f"  seed {seed}: test accuracy {100 * accuracy:.2f} % (target >= "
                  f"{100 * MLP_TARGET:.1f} %: {'met' if accuracy >= MLP_TARGET else 'missed'}); "
                  f"seconds per epoch {' '.join(f'{s:.1f}' for s in seconds)} "
                  f"(median {statistics.median(seconds):.1f}); load {load()}", flush=True)
        if len(results) > 1:
            print(f"  mean {100 * np.mean(results):.2f} %, std {100 * np.std(results, ddof=1):.2f}")
    if "cnn" not in args.skip:
        print(f"\nCNN (small_cnn, augmentation, channels_last), {cnn_seconds:.0f} s of training:")
        for seed in args.seeds:
            accuracy, seconds = cnn_run(seed, cnn_seconds, n_train)
            verdict = ("stretch met" if accuracy >= CNN_STRETCH else
                       "met" if accuracy >= CNN_TARGET else "missed")
            print(f"  seed {seed}: test accuracy {100 * accuracy:.2f} % (target >= "
                  f"{100 * CNN_TARGET:.1f} %, stretch {100 * CNN_STRETCH:.1f} %: {verdict}); "
                  f"{len(seconds)} epochs (the last may be partial), seconds per epoch "
                  f"{' '.join(f'{s:.1f}' for s in seconds)}; load {load()}", flush=True)
    if "ratio" not in args.skip:
        print(f"\ncourse_lib / torch, the same MLP (Adam, batch {engine_vs_torch.BATCH_SIZE}), "
              f"{ratio_epochs} epoch(s), seed {args.seeds[0]}:")
        times = engine_ratio(ratio_epochs, n_train, args.seeds[0])
        for epoch, (ours, theirs) in enumerate(times, start=1):
            print(f"  epoch {epoch}: course_lib {ours:.2f} s, torch {theirs:.2f} s, ratio "
                  f"{ours / theirs:.2f}")
        print(f"  median ratio {statistics.median(a / b for a, b in times):.2f} (target <= "
              f"{engine_vs_torch.TARGET_RATIO})")
    print(f"\nload average after: {load()}")


if __name__ == "__main__":
    main()
