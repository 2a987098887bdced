"""Speed and accuracy of the course's NumPy engine against PyTorch on the CPU.

Trains the Fashion-MNIST MLP 784-512-ReLU-512-ReLU-10 with Adam (lr 1e-3),
batch 128, float32, standardized inputs, twice with course_lib (``fit``: Adam's
plain update, the code chapter 05 prints, and its in-place version,
``Adam(..., fused=True)``) and once with torch, in the same process, with the
same number of threads, from the same initial weights and with the same batch
order. Prints per epoch the seconds of each and the ratios to torch, then the
median ratios, the achieved GFLOP/s against a float32 GEMM peak measured here,
and the test accuracies.
A script that prints figures, not a test: timings are never asserted.

    python benchmarks/engine_vs_torch.py              # 10 epochs
    python benchmarks/engine_vs_torch.py --quick      # 1 epoch on 10,000 images (smoke run)
    python benchmarks/engine_vs_torch.py --profile    # where the course_lib epoch spends its time

Targets: median ratio course_lib / torch <= 1.15 (the fused Adam is the speed path; the
plain one is what readability costs); course_lib test accuracy >= 88.5 % after 10 epochs.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import time

import numpy as np
import torch
from threadpoolctl import threadpool_info

from course_lib import nn, optim
from course_lib.data.fashion_mnist import load_fashion_mnist
from course_lib.nn.fast import backward_without_input_gradient
from course_lib.train import fit, predict

LAYERS = [(784, 512), (512, 512), (512, 10)]
BATCH_SIZE = 128
LR = 1e-3
TARGET_RATIO = 1.15
TARGET_ACCURACY = 0.885


def load_data(n_train: int | None):
    """Standardized float32 images (N, 784) with the training set's pixel mean and std."""
    train_images, train_labels = load_fashion_mnist("train")
    test_images, test_labels = load_fashion_mnist("test")
    if n_train is not None:
        train_images, train_labels = train_images[:n_train], train_labels[:n_train]
    X = train_images.reshape(len(train_images), -1).astype(np.float32) / 255
    X_test = test_images.reshape(len(test_images), -1).astype(np.float32) / 255
    mean, std = X.mean(), X.std()
    X = (X - mean) / std
    X_test = (X_test - mean) / std
    return (X, train_labels.astype(np.int64)), (X_test, test_labels.astype(np.int64)), (mean, std)


def blas_threads() -> tuple[int, str]:
    blas = [info for info in threadpool_info() if info["user_api"] == "blas"]
    if not blas:
        return 1, "no BLAS found by threadpoolctl"
    info = blas[0]
    return info["num_threads"], f"{info['internal_api']} {info.get('version')}"


def gemm_peak_gflops(n: int = 2048, repeats: int = 7) -> float:
    """Best-of float32 matmul throughput: 2 n^3 flops per product."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=out)
    best = min(_timed(lambda: np.matmul(a, b, out=out)) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def course_model(seed: int) -> nn.Sequential:
    rng = np.random.default_rng(seed)
    (a, b), (c, d), (e, f) = LAYERS
    return nn.Sequential(nn.Linear(a, b, rng=rng), nn.ReLU(), nn.Linear(c, d, rng=rng),
                         nn.ReLU(), nn.Linear(e, f, rng=rng))


def torch_twin(model: nn.Sequential) -> torch.nn.Sequential:
    (a, b), (c, d), (e, f) = LAYERS
    twin = torch.nn.Sequential(torch.nn.Linear(a, b), torch.nn.ReLU(), torch.nn.Linear(c, d),
                               torch.nn.ReLU(), torch.nn.Linear(e, f))
    with torch.no_grad():
        for name, p in twin.named_parameters():
            p.copy_(torch.from_numpy(model.state_dict()[name]))
    return twin


def torch_epoch(model, optimizer, loss_fn, X, y, order):
    model.train()
    for start in range(0, len(order), BATCH_SIZE):
        idx = order[start:start + BATCH_SIZE]
        loss = loss_fn(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def torch_accuracy(model, X, y) -> float:
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


def flops_per_epoch(n_samples: int) -> float:
    """3 GEMMs per layer per batch (forward, dL/dW, dL/dX), 2 N in out flops each."""
    return sum(3 * 2 * n_samples * i * o for i, o in LAYERS)


def profile_course_epoch(train, seed):
    """Time the phases of one hand-written course_lib epoch (the same steps as fit)."""
    X, y = train
    model, loss_fn = course_model(seed), nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=LR, fused=True)
    order = np.random.default_rng(seed).permutation(len(X))
    phases = dict.fromkeys(["batching (X[idx])", "forward", "loss", "backward",
                            "optimizer.step", "zero_grad"], 0.0)
    for start in range(0, len(X), BATCH_SIZE):
        t0 = time.perf_counter()
        idx = order[start:start + BATCH_SIZE]
        X_batch, y_batch = X[idx], y[idx]
        t1 = time.perf_counter()
        output = model(X_batch)
        t2 = time.perf_counter()
        loss_fn(output, y_batch)
        dout = loss_fn.backward()
        t3 = time.perf_counter()
        backward_without_input_gradient(model, dout)
        t4 = time.perf_counter()
        optimizer.step()
        t5 = time.perf_counter()
        optimizer.zero_grad()
        t6 = time.perf_counter()
        for key, dt in zip(phases, [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5],
                           strict=True):
            phases[key] += dt
    total = sum(phases.values())
    print(f"\ncourse_lib epoch by phase (hand-written loop, {total:.2f} s in total):")
    for key, value in phases.items():
        print(f"  {key:<20} {value:6.2f} s  {100 * value / total:5.1f} %")
    dtypes = {p.dtype for p in model.parameters()} | {output.dtype}
    print(f"  dtypes seen: parameters and outputs {sorted(str(d) for d in dtypes)}")
    compare_phases(model, optimizer, X[order[:BATCH_SIZE]], y[order[:BATCH_SIZE]])


def compare_phases(model, optimizer, X_batch, y_batch, repeats=30):
    """Best-of-``repeats`` milliseconds of each phase on one batch, in both frameworks.

    Minimums are far less sensitive to other processes than epoch times.
    """
    twin = torch_twin(model)
    twin_opt = torch.optim.Adam(twin.parameters(), lr=LR)
    loss_fn, twin_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X_batch), torch.from_numpy(y_batch)

    def ours_forward():
        loss_fn(model(X_batch), y_batch)

    def ours_backward():
        backward_without_input_gradient(model, loss_fn.backward())

    def twin_forward():
        twin_forward.loss = twin_loss_fn(twin(X_t), y_t)

    def twin_backward():
        twin_forward.loss.backward()

    rows = []
    for name, forward, backward, step, zero in [
            ("course_lib", ours_forward, ours_backward, optimizer.step, optimizer.zero_grad),
            ("torch", twin_forward, twin_backward, twin_opt.step, twin_opt.zero_grad)]:
        best = dict.fromkeys(["forward + loss", "backward", "optimizer.step"], math.inf)
        for _ in range(repeats):
            zero()
            best["forward + loss"] = min(best["forward + loss"], _timed(forward))
            best["backward"] = min(best["backward"], _timed(backward))
            best["optimizer.step"] = min(best["optimizer.step"], _timed(step))
        rows.append((name, best))
    print(f"\nbest of {repeats} on one batch of {BATCH_SIZE} (ms):")
    print(f"  {'phase':<16} {'course_lib':>10} {'torch':>8} {'ratio':>6}")
    for phase in rows[0][1]:
        a, b = rows[0][1][phase] * 1e3, rows[1][1][phase] * 1e3
        print(f"  {phase:<16} {a:>10.2f} {b:>8.2f} {a / b:>6.2f}")
    a, b = (sum(r[1].values()) * 1e3 for r in rows)
    print(f"  {'total':<16} {a:>10.2f} {b:>8.2f} {a / b:>6.2f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="1 epoch on 10,000 images")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true",
                        help="also time the phases of one course_lib epoch")
    args = parser.parse_args(argv)
    epochs = 1 if args.quick else args.epochs
    n_train = 10_000 if args.quick else None

    threads, blas = blas_threads()
    torch.set_num_threads(threads)
    train, test, (mean, std) = load_data(n_train)
    X, y = train
    print(f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} CPUs; "
          f"numpy {np.__version__} ({blas}), torch {torch.__version__}")
    print(f"threads: numpy BLAS {threads}, torch {torch.get_num_threads()}")
    print(f"data: {len(X)} training images, {len(test[0])} test images, standardized with "
          f"mean {mean:.4f} std {std:.4f}, dtype {X.dtype}")
    load_before = os.getloadavg()
    peak = gemm_peak_gflops()
    print(f"float32 GEMM peak (best of 7 np.matmul 2048x2048): {peak:.1f} GFLOP/s")
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")

    # Two course_lib models from the same weights: Adam's plain update (the code chapter 05
    # prints, the default) and its in-place version (fused=True, tested equal to the plain one).
    plain = course_model(args.seed)
    fused = course_model(args.seed)
    theirs = torch_twin(plain)
    runs = {
        "plain": (plain, optim.Adam(plain.parameters(), lr=LR)),
        "fused": (fused, optim.Adam(fused.parameters(), lr=LR, fused=True)),
    }
    theirs_opt = torch.optim.Adam(theirs.parameters(), lr=LR)
    loss_fn, torch_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    # fit draws one permutation per epoch from its rng; the twins draw the same ones
    rngs = {name: np.random.default_rng(args.seed) for name in [*runs, "torch"]}

    print(f"\n{'epoch':>5} {'plain s':>8} {'fused s':>8} {'torch s':>8} {'plain/torch':>12} "
          f"{'fused/torch':>12} {'load':>6}")
    times = {name: [] for name in [*runs, "torch"]}
    for epoch in range(epochs):
        order = torch.from_numpy(rngs["torch"].permutation(len(X)))
        jobs = {name: (lambda m=model, o=opt, r=rngs[name]: fit(
                    m, loss_fn, o, train, epochs=1, batch_size=BATCH_SIZE, rng=r,
                    progress=False))
                for name, (model, opt) in runs.items()}
        jobs["torch"] = lambda order=order: torch_epoch(theirs, theirs_opt, torch_loss_fn, X_t,
                                                        y_t, order)
        # rotate which one goes first, so a change in load hits all three alike
        names = list(jobs)
        names = names[epoch % 3:] + names[:epoch % 3]
        for name in names:
            times[name].append(_timed(jobs[name]))
        t = {name: values[-1] for name, values in times.items()}
        print(f"{epoch + 1:>5} {t['plain']:>8.2f} {t['fused']:>8.2f} {t['torch']:>8.2f} "
              f"{t['plain'] / t['torch']:>12.2f} {t['fused'] / t['torch']:>12.2f} "
              f"{os.getloadavg()[0]:>6.2f}", flush=True)

    flops = flops_per_epoch(len(X))
    median = {name: statistics.median(values) for name, values in times.items()}
    for name in runs:
        ratios = [a / b for a, b in zip(times[name], times["torch"], strict=True)]
        fastest = min(times[name]) / min(times["torch"])
        print(f"\nAdam {name}: median ratio course_lib / torch {statistics.median(ratios):.2f} "
              f"(target <= {TARGET_RATIO}); ratio of the fastest epochs {fastest:.2f}")
    print(f"median seconds per epoch: course_lib plain {median['plain']:.2f}, fused "
          f"{median['fused']:.2f}, torch {median['torch']:.2f}")
    print(f"achieved GFLOP/s (3 GEMMs per layer per batch, {flops / 1e9:.0f} GFLOP per epoch): "
          f"course_lib fused {flops / median['fused'] / 1e9:.1f}, "
          f"torch {flops / median['torch'] / 1e9:.1f}, float32 GEMM peak {peak:.1f}; "
          f"the peak allows {flops / (peak * 1e9):.2f} s per epoch")
    accuracies = {name: float((predict(model, test[0]).argmax(axis=1) == test[1]).mean())
                  for name, (model, _) in runs.items()}
    theirs_acc = torch_accuracy(theirs, torch.from_numpy(test[0]), torch.from_numpy(test[1]))
    print(f"test accuracy after {epochs} epoch(s): course_lib plain "
          f"{100 * accuracies['plain']:.2f} %, fused {100 * accuracies['fused']:.2f} %, torch "
          f"{100 * theirs_acc:.2f} % (target for course_lib after 10 epochs: "
          f">= {100 * TARGET_ACCURACY:.1f} %)")
    load_after = os.getloadavg()
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    if args.profile:
        profile_course_epoch(train, args.seed)


if __name__ == "__main__":
    main()
