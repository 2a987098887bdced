"""How often does a small network solve XOR from a random start? Measured, not assumed.

Trains XOR networks with the course's defaults (PyTorch's Linear
initialisation, tanh hidden layer, BCEWithLogitsLoss, Adam(lr=0.1), full
batches, via ``course_lib.train.fit``) from seeds 0..N-1 and prints the
success rate for each hidden width, plus the 2-2-1 network from
``course_lib.xor.XOR_221_START``. A network succeeds when it classifies
all four points correctly after the epoch budget.

    python benchmarks/xor_success_rate.py                 # 100 seeds, 300 epochs
    python benchmarks/xor_success_rate.py --seeds 20 --hidden 2 4
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from course_lib import nn
from course_lib.data.toy import xor
from course_lib.optim import Adam
from course_lib.train import fit, predict, predicted_labels
from course_lib.xor import XOR_221_START


def train_and_check(model, epochs: int) -> tuple[bool, float]:
    X, y = xor()
    history = fit(model, nn.BCEWithLogitsLoss(), Adam(model.parameters(), lr=0.1),
                  (X, y.reshape(-1, 1).astype(np.float32)), epochs=epochs, batch_size=4,
                  shuffle=False, progress=False)
    labels = predicted_labels(predict(model, X), nn.BCEWithLogitsLoss())
    return bool((labels == y).all()), history["loss"][-1]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--hidden", type=int, nargs="+", default=[2, 4, 8])
    args = parser.parse_args(argv)

    print(f"XOR, tanh hidden layer, BCEWithLogitsLoss, Adam(lr=0.1), full batch, "
          f"{args.epochs} epochs, seeds 0..{args.seeds - 1}")
    for hidden in args.hidden:
        start = time.perf_counter()
        failed = []
        for seed in range(args.seeds):
            rng = np.random.default_rng(seed)
            model = nn.Sequential(nn.Linear(2, hidden, rng=rng), nn.Tanh(),
                                  nn.Linear(hidden, 1, rng=rng))
            solved, loss = train_and_check(model, args.epochs)
            if not solved:
                failed.append((seed, loss))
        rate = 1 - len(failed) / args.seeds
        stuck = ", ".join(f"{seed} (loss {loss:.3f})" for seed, loss in failed[:10])
        print(f"2-{hidden}-1: solved from {args.seeds - len(failed)}/{args.seeds} seeds "
              f"({100 * rate:.0f} %) in {time.perf_counter() - start:.1f} s"
              + (f"; failed seeds: {stuck}{' ...' if len(failed) > 10 else ''}" if failed else ""))
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    model.load_state_dict(XOR_221_START)
    solved, loss = train_and_check(model, args.epochs)
    outcome = 'solved' if solved else 'NOT solved'
    print(f"2-2-1 from XOR_221_START: {outcome} (final loss {loss:.4f})")


if __name__ == "__main__":
    main()
