"""The Keras recipe of chapter 08 trained run by run with ``fit`` and as one stack.

The recipe: the 12-8-1 network (ReLU, sigmoid output, BCELoss), Adam(lr=1e-3), 150 epochs in
batches of 10, on scikit-learn's breast-cancer data, 5 stratified folds x 3 seeds (15 runs,
each standardized with its own training folds). ``course_lib.stacked_mlp.fit_stacked``
makes exactly fit's updates (tests/unit/test_stacked_mlp.py); this script measures the time
of both and the largest difference of their final parameters (float32, so round-off).
Timing is measured here, never asserted in a test; a loaded machine inflates every figure,
so the 1-minute load average is printed with them.

    python benchmarks/stacked_mlp.py                # 15 runs, each of them also with fit
    python benchmarks/stacked_mlp.py --fit-runs 3   # fit only 3 of them (and say so)
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from course_lib import nn
from course_lib.data import Standardizer, kfold, load_breast_cancer
from course_lib.optim import Adam
from course_lib.stacked_mlp import StackedMLP, fit_stacked
from course_lib.train import fit


def keras_network(seed):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(30, 12, rng=rng), nn.ReLU(), nn.Linear(12, 8, rng=rng),
                         nn.ReLU(), nn.Linear(8, 1, rng=rng), nn.Sigmoid())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--fit-runs", type=int, default=None,
                        help="how many of the runs to train with fit too (default: all)")
    args = parser.parse_args(argv)

    data = load_breast_cancer()
    X, y = data.X, (data.y == 0).astype(np.int64)
    runs = [(fold, seed) for seed in range(args.seeds) for fold in range(args.folds)]
    splits = [kfold(y, args.folds, rng=seed)[fold] for fold, seed in runs]
    seeds = [100 * seed + fold for fold, seed in runs]
    X_runs = np.stack([Standardizer().fit(X[train]).transform(X) for train, _ in splits])
    print(f"{len(runs)} runs of {args.epochs} epochs, batch 10; load average "
          f"{os.getloadavg()[0]:.1f} before")

    stack = StackedMLP.from_models([keras_network(seed) for seed in seeds])
    start = time.perf_counter()
    fit_stacked(stack, X_runs, y, [train for train, _ in splits], epochs=args.epochs,
                batch_size=10, seeds=seeds)
    stacked = time.perf_counter() - start
    print(f"fit_stacked, all {len(runs)} runs at once: {stacked:.2f} s")

    n_fit = len(runs) if args.fit_runs is None else min(args.fit_runs, len(runs))
    start, difference = time.perf_counter(), 0.0
    for r in range(n_fit):
        model = keras_network(seeds[r])
        train = splits[r][0]
        fit(model, nn.BCELoss(), Adam(model.parameters(), lr=1e-3),
            (X_runs[r][train], y[train, None].astype(np.float32)), epochs=args.epochs,
            batch_size=10, rng=seeds[r], progress=False)
        difference = max(difference, *(np.abs(a - b).max() for a, b in zip(
            model.state_dict().values(), stack.model(r).state_dict().values(), strict=True)))
    looped = time.perf_counter() - start
    per_run = looped / n_fit
    print(f"fit, run by run: {looped:.2f} s for {n_fit} runs ({per_run:.2f} s per run"
          + ("" if n_fit == len(runs) else
             f"; {per_run * len(runs):.1f} s for all {len(runs)}, extrapolated") + ")")
    print(f"speed-up: {per_run * len(runs) / stacked:.1f} x; largest difference of the final "
          f"parameters (float32): {difference:.1e}; load average {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
