"""What the plain, printed Adam update costs against its in-place version (``fused=True``).

On the parameters of the Fashion-MNIST MLP 784-512-ReLU-512-ReLU-10 (669,706
float32 values), times one ``optimizer.step()`` of

- ``Adam(...)``, the update rule as the course prints it (``Adam.update``:
  one new array per operation),
- ``Adam(..., fused=True)``, the same rule written in place
  (``course_lib/optim/fused.py``, the form every optimizer had before), and
- ``torch.optim.Adam`` on the same shapes, for reference,

in interleaved rounds, and prints milliseconds per step (median and best of
the rounds) and the ratio plain / fused. It then trains full epochs of the
engine benchmark (``benchmarks/engine_vs_torch.py``: Adam lr 1e-3, batch 128,
standardized inputs) with each of the three and prints the epoch ratios
against torch, whose target is <= 1.15.

    python benchmarks/optim_step.py               # step timings + 3 epochs of each
    python benchmarks/optim_step.py --epochs 0    # step timings only (no data needed)
    python benchmarks/optim_step.py --threads 1   # one thread each, on a busy machine

A script that prints figures, not a test: timings are never asserted. On a
machine shared with other work the figures are inflated and noisy; the load
average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from course_lib import nn, optim

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engine_vs_torch as engine  # noqa: E402  (the benchmark this one extends)

STEPS_PER_ROUND = 50


def adam_step_times(rounds: int, seed: int = 0) -> dict[str, list[float]]:
    """Seconds per step of each Adam, one list entry per round (rounds interleave the three)."""
    rng = np.random.default_rng(seed)
    model = engine.course_model(seed)
    twin = engine.torch_twin(model)
    plain_params = list(model.parameters())
    fused_model = engine.course_model(seed)
    fused_params = list(fused_model.parameters())
    for ours, fused, theirs in zip(plain_params, fused_params, twin.parameters(), strict=True):
        grad = rng.normal(scale=1e-2, size=ours.shape).astype(np.float32)
        ours.grad[...] = grad
        fused.grad[...] = grad
        theirs.grad = torch.from_numpy(grad.copy())
    optimizers = {
        "plain Adam.update": optim.Adam(plain_params, lr=engine.LR),
        "fused=True (in place)": optim.Adam(fused_params, lr=engine.LR, fused=True),
        "torch.optim.Adam": torch.optim.Adam(twin.parameters(), lr=engine.LR),
    }
    for optimizer in optimizers.values():  # the first step creates the state
        optimizer.step()
    times: dict[str, list[float]] = {name: [] for name in optimizers}
    cpu: dict[str, list[float]] = {name: [] for name in optimizers}
    for _ in range(rounds):
        for name, optimizer in optimizers.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            for _ in range(STEPS_PER_ROUND):
                optimizer.step()
            times[name].append((time.perf_counter() - start) / STEPS_PER_ROUND)
            cpu[name].append((time.process_time() - start_cpu) / STEPS_PER_ROUND)
    worst = max(float(np.abs(p.data - q.data).max()) for p, q in zip(plain_params, fused_params,
                                                                       strict=True))
    print(f"largest difference between the plain and fused parameters after "
          f"{1 + rounds * STEPS_PER_ROUND} steps: {worst:.2e} (float32)")
    return times, cpu


def epoch_times(epochs: int, seed: int = 0) -> dict[str, list[float]]:
    """Seconds per training epoch (60,000 images) with each Adam, epochs interleaved."""
    train, _, _ = engine.load_data(None)
    X, y = train
    runs = {}
    for name, fused in [("plain Adam.update", False), ("fused=True (in place)", True)]:
        model = engine.course_model(seed)
        optimizer = optim.Adam(model.parameters(), lr=engine.LR, fused=fused)
        runs[name] = (model, optimizer, np.random.default_rng(seed))
    twin = engine.torch_twin(engine.course_model(seed))
    twin_optimizer = torch.optim.Adam(twin.parameters(), lr=engine.LR)
    twin_rng = np.random.default_rng(seed)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    loss_fn, torch_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    times: dict[str, list[float]] = {name: [] for name in [*runs, "torch.optim.Adam"]}
    print(f"\n{'epoch':>5} " + " ".join(f"{name:>22}" for name in times) + f" {'load':>6}")
    for epoch in range(epochs):
        row = []
        for name, (model, optimizer, rng) in runs.items():
            start = time.perf_counter()
            engine.fit(model, loss_fn, optimizer, train, epochs=1,
                       batch_size=engine.BATCH_SIZE, rng=rng, progress=False)
            times[name].append(time.perf_counter() - start)
            row.append(times[name][-1])
        order = torch.from_numpy(twin_rng.permutation(len(X)))
        start = time.perf_counter()
        engine.torch_epoch(twin, twin_optimizer, torch_loss_fn, X_t, y_t, order)
        times["torch.optim.Adam"].append(time.perf_counter() - start)
        row.append(times["torch.optim.Adam"][-1])
        print(f"{epoch + 1:>5} " + " ".join(f"{t:>21.2f}s" for t in row)
              + f" {os.getloadavg()[0]:>6.2f}", flush=True)
    return times


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help=f"rounds of {STEPS_PER_ROUND} "
                        "steps of each Adam (default 20)")
    parser.add_argument("--epochs", type=int, default=3,
                        help="training epochs of each (default 3; 0 skips them)")
    parser.add_argument("--threads", type=int, default=None,
                        help="limit NumPy's BLAS and torch to this many threads (e.g. 1 on a "
                        "busy machine, where torch's threads suffer most); default: all")
    args = parser.parse_args(argv)
    if args.threads is not None:
        threadpool_limits(limits=args.threads, user_api="blas")
    threads, blas = engine.blas_threads()
    torch.set_num_threads(threads)
    load = os.getloadavg()
    print(f"numpy {np.__version__} ({blas}, {threads} threads), torch {torch.__version__} "
          f"({torch.get_num_threads()} threads), {os.cpu_count()} CPUs")
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          "(a shared machine inflates every figure)")
    n_params = sum(i * o + o for i, o in engine.LAYERS)
    print(f"parameters: {n_params:,} float32 in {2 * len(engine.LAYERS)} arrays "
          f"(784-512-512-10)\n")

    steps, cpu = adam_step_times(args.rounds)
    print(f"\nms per Adam step ({args.rounds} rounds of {STEPS_PER_ROUND} steps, interleaved); "
          "CPU time is the process's, all threads (NumPy runs these element-wise operations on "
          "one thread, torch on several), and is less sensitive to other processes:")
    print(f"  {'':<24} {'median':>8} {'best':>8} {'CPU median':>11}")
    for name, values in steps.items():
        print(f"  {name:<24} {1e3 * statistics.median(values):>8.3f} {1e3 * min(values):>8.3f} "
              f"{1e3 * statistics.median(cpu[name]):>11.3f}")
    plain, fused = steps["plain Adam.update"], steps["fused=True (in place)"]
    plain_cpu, fused_cpu = cpu["plain Adam.update"], cpu["fused=True (in place)"]
    batches = -(-60_000 // engine.BATCH_SIZE)
    print(f"ratio plain / fused: {statistics.median(plain) / statistics.median(fused):.2f} "
          f"(median), {min(plain) / min(fused):.2f} (best), "
          f"{statistics.median(plain_cpu) / statistics.median(fused_cpu):.2f} (CPU median)")
    for label, a, b in [("best", min(plain), min(fused)),
                        ("CPU median", statistics.median(plain_cpu),
                         statistics.median(fused_cpu))]:
        print(f"over the {batches} steps of an epoch the plain update costs "
              f"{(a - b) * batches:.2f} s more ({label})")

    if args.epochs > 0:
        epochs = epoch_times(args.epochs)
        torch_median = statistics.median(epochs["torch.optim.Adam"])
        print("\nmedian seconds per epoch, and ratio to torch (target <= "
              f"{engine.TARGET_RATIO}):")
        for name, values in epochs.items():
            print(f"  {name:<24} {statistics.median(values):>6.2f} s   "
                  f"{statistics.median(values) / torch_median:>5.2f}")
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
