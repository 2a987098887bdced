"""Measuring a claim over seeds: the one way every chapter runs a sweep.

A claim such as "Adam beats SGD" or "a wider network generalises better" is
measured by running the same experiment for every setting of a grid and for
several seeds, and reporting the spread next to the mean. ::

    def train_and_score(width, seed):            # one run, written out in the notebook
        model = ...                              # built from the seed
        history = fit(model, ..., rng=seed)
        return {"val_mse": history["val_loss"][-1], "val_curve": history["val_loss"]}

    sweep = run(train_and_score, grid(width=[10, 100, 1000]), seeds=range(5))
    print(sweep.format_summary(["val_mse"]))     # mean ± std over the seeds, per setting
    plot_sweep(sweep, x="width", y="val_mse")    # course_lib.plots.sweeps

An experiment returns a dict of metrics: numbers (a row of the tidy table) or
1-D arrays (curves, e.g. a loss per epoch). Where the model allows, it may
train all seeds at once (``vectorized=True``: it receives ``seeds`` and returns
one value, or one curve, per seed), as ``course_lib.xor.train_xor_networks``
does; otherwise ``run`` loops over the seeds with a progress bar.

When every setting and seed can train at once (one stack of networks, as
``course_lib.stacked_mlp`` trains them), ``vectorized="all"`` calls the
experiment once with every setting and every seed. Repeats other than seeds,
such as the folds of a cross-validation, are a hyper-parameter like any other
(``grid(method=[...], fold=range(5))``); ``summary(pool=["fold"])`` then
reports the mean ± std over the seeds and the folds together.

A run that diverges returns NaN or infinity for its metrics (or raises
``TrainingDiverged``, which ``run`` records as NaN for every metric when
``diverged_as_nan=True``). The summary averages the finite values and counts
the others in ``n_failed``, so a setting where some seeds diverge says so
instead of hiding it in a NaN mean.

Taught in notebooks/04_initialization.ipynb, and
used by every chapter from 04 to 08.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from course_lib import checks
from course_lib.progress import progress_bar
from course_lib.train import TrainingDiverged

__all__ = ["Sweep", "grid", "run"]


def grid(**axes: Iterable) -> list[dict]:
    """Every combination of the values of ``axes``, in order (the last axis varies fastest).

    Example:
        >>> for setting in grid(optimizer=["sgd", "adam"], lr=[0.01, 0.1]):
        ...     print(setting)
        {'optimizer': 'sgd', 'lr': 0.01}
        {'optimizer': 'sgd', 'lr': 0.1}
        {'optimizer': 'adam', 'lr': 0.01}
        {'optimizer': 'adam', 'lr': 0.1}

    Taught in notebooks/04_initialization.ipynb.
    """
    names = list(axes)
    values = [list(axes[name]) for name in names]
    for name, options in zip(names, values, strict=True):
        if not options:
            raise ValueError(f"grid: the axis {name!r} has no values")
    return [dict(zip(names, combination, strict=True))
            for combination in itertools.product(*values)]


@dataclass
class Sweep:
    """The results of :func:`run`: one record per (setting, seed).

    Attributes:
        settings: the settings, in the order they ran (dicts of hyper-parameters).
        seeds: the seeds, in order.
        scalars: ``{metric: array (n_settings, n_seeds)}`` for the numeric metrics.
        curves: ``{metric: list over settings of arrays (n_seeds, length)}`` for the
            metrics that are 1-D arrays (curves may have different lengths per setting).

    Example:
        >>> sweep = run(lambda a, seed: {"score": a + seed}, grid(a=[0, 10]), seeds=[1, 2],
        ...             progress=False)
        >>> sweep.scalars["score"].tolist()
        [[1.0, 2.0], [11.0, 12.0]]

    Taught in notebooks/04_initialization.ipynb.
    """

    settings: list[dict]
    seeds: list[int]
    scalars: dict[str, np.ndarray] = field(default_factory=dict)
    curves: dict[str, list[np.ndarray]] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        """The names of the hyper-parameters that vary (the settings' keys)."""
        return list(self.settings[0]) if self.settings else []

    def table(self):
        """The tidy table (a pandas DataFrame): one row per setting and seed, one column per
        hyper-parameter, ``seed``, and one column per numeric metric."""
        import pandas as pd

        rows = []
        for i, setting in enumerate(self.settings):
            for j, seed in enumerate(self.seeds):
                row = {**setting, "seed": seed}
                row.update({name: float(values[i, j]) for name, values in self.scalars.items()})
                rows.append(row)
        return pd.DataFrame(rows)

    def summary(self, metrics: Sequence[str] | None = None, *, pool: Sequence[str] = ()):
        """Per setting: ``<metric> mean``, ``<metric> std`` (over the seeds, ddof=1, finite values
        only), ``n`` (seeds) and ``<metric> failed`` (how many were NaN or infinite), as a
        pandas DataFrame.

        ``pool`` names hyper-parameters whose values are repeats rather than settings (the
        folds of a cross-validation): the settings that differ only in them are merged, and
        the mean and std are over their seeds together (``n`` = seeds x pooled settings).

        Example:
            >>> sweep = run(lambda method, fold, seed: {"acc": fold + seed / 10},
            ...             grid(method=["a"], fold=range(3)), seeds=range(2), progress=False)
            >>> sweep.summary(pool=["fold"])[["method", "n", "acc mean"]].values.tolist()
            [['a', 6, 1.05]]
        """
        import pandas as pd

        metrics = self._metric_names(metrics)
        rows = []
        for setting, members in self._pooled(pool):
            row = dict(setting)
            row["n"] = len(self.seeds) * len(members)
            for name in metrics:
                values = self.scalars[name][members].ravel()
                mean, std, failed = _finite_mean_std(values)
                row[f"{name} mean"], row[f"{name} std"], row[f"{name} failed"] = mean, std, failed
            rows.append(row)
        return pd.DataFrame(rows)

    def format_summary(self, metrics: Sequence[str] | None = None, digits: int = 3, *,
                       pool: Sequence[str] = ()) -> str:
        """The summary as plain text, ``mean ± std`` with ``digits`` significant digits, one line
        per setting, and the number of failed (diverged) seeds where there are any.
        ``pool`` as in :meth:`summary`.

        Example:
            >>> sweep = run(lambda a, seed: {"loss": a + 0.1 * seed}, grid(a=[1, 2]),
            ...             seeds=range(3), progress=False)
            >>> print(sweep.format_summary())
            a  loss (mean ± std over 3 seeds)
            1  1.1 ± 0.1
            2  2.1 ± 0.1
        """
        metrics = self._metric_names(metrics)
        pool = [pool] if isinstance(pool, str) else list(pool)
        groups = self._pooled(pool)
        keys = [key for key in self.keys if key not in pool]
        over = f"{len(self.seeds)} seeds"
        for key in pool:
            over += f" × {len({repr(s[key]) for s in self.settings})} {key}s"
        header = [*keys, *(f"{name} (mean ± std over {over})" for name in metrics)]
        lines = []
        for setting, members in groups:
            cells = [_format_value(setting[key]) for key in keys]
            for name in metrics:
                values = self.scalars[name][members].ravel()
                mean, std, failed = _finite_mean_std(values)
                text = "all failed" if failed == values.size else \
                    f"{mean:.{digits}g} ± {std:.{digits}g}"
                if 0 < failed < values.size:
                    text += f" ({failed} of {values.size} failed)"
                cells.append(text)
            lines.append(cells)
        widths = [max(len(row[k]) for row in [header, *lines]) for k in range(len(header))]
        return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                             strict=True)).rstrip()
                         for row in [header, *lines])

    def _pooled(self, pool: Sequence[str]) -> list[tuple[dict, list[int]]]:
        """The settings without the ``pool`` keys, each with the indices of its members."""
        if isinstance(pool, str):
            pool = [pool]
        unknown = [key for key in pool if key not in self.keys]
        if unknown:
            raise ValueError(f"Sweep: cannot pool over {unknown}; the hyper-parameters are "
                             f"{self.keys}")
        groups: dict[str, tuple[dict, list[int]]] = {}
        for i, setting in enumerate(self.settings):
            kept = {key: value for key, value in setting.items() if key not in pool}
            groups.setdefault(repr(kept), (kept, []))[1].append(i)
        return list(groups.values())

    def best(self, metric: str, mode: str = "min") -> dict:
        """The setting with the best mean of ``metric`` over the seeds (failed seeds excluded;
        a setting where every seed failed never wins)."""
        checks.choice(mode, ("min", "max"), "mode", "Sweep.best")
        means = np.array([_finite_mean_std(row)[0] for row in self.scalars[metric]])
        if np.all(np.isnan(means)):
            raise ValueError(f"Sweep.best: every run of every setting failed for {metric!r}")
        index = np.nanargmin(means) if mode == "min" else np.nanargmax(means)
        return dict(self.settings[int(index)])

    def subset(self, keep: Callable[[dict], bool] | None = None, **where) -> Sweep:
        """The part of the sweep whose settings match ``where`` and for which ``keep(setting)``
        is true (every seed, every metric), e.g. to plot part of a sweep on a log axis.

        Example:
            >>> sweep = run(lambda act, lr, seed: {"score": lr + seed},
            ...             grid(act=["tanh", "relu"], lr=[0.1, 1.0]), seeds=[0, 1],
            ...             progress=False)
            >>> part = sweep.subset(act="relu")
            >>> part.settings, part.scalars["score"].tolist()
            ([{'act': 'relu', 'lr': 0.1}, {'act': 'relu', 'lr': 1.0}], [[0.1, 1.1], [1.0, 2.0]])
            >>> sweep.subset(lambda setting: setting["lr"] > 0.5, act="tanh").settings
            [{'act': 'tanh', 'lr': 1.0}]

        Taught in notebooks/04_initialization.ipynb.
        """
        if keep is not None and not callable(keep):
            raise TypeError(f"Sweep.subset: keep must be a function of a setting, got {keep!r}")
        unknown = [key for key in where if key not in self.keys]
        if unknown:
            raise ValueError(f"Sweep.subset: {unknown} are not hyper-parameters of the sweep; "
                             f"they are {self.keys}")
        rows = [i for i, setting in enumerate(self.settings)
                if all(setting[k] == v for k, v in where.items())
                and (keep is None or keep(dict(setting)))]
        if not rows:
            raise ValueError(f"Sweep.subset: no setting is kept (where={dict(where)}, keep="
                             f"{keep}); the settings are {self.settings}")
        return Sweep(
            settings=[dict(self.settings[i]) for i in rows],
            seeds=list(self.seeds),
            scalars={name: values[rows].copy() for name, values in self.scalars.items()},
            curves={name: [curves[i].copy() for i in rows] for name, curves in self.curves.items()},
        )

    def values(self, metric: str, **where) -> np.ndarray:
        """The values of ``metric`` for the setting matching ``where`` (one per seed)."""
        return self.scalars[metric][self._index(where)]

    def curve(self, metric: str, **where) -> np.ndarray:
        """The curves of ``metric`` for the setting matching ``where``: (n_seeds, length)."""
        return self.curves[metric][self._index(where)]

    def _index(self, where: Mapping) -> int:
        matches = [i for i, setting in enumerate(self.settings)
                   if all(setting.get(k) == v for k, v in where.items())]
        if len(matches) != 1:
            raise ValueError(f"Sweep: {dict(where)} matches {len(matches)} settings; "
                             f"the settings are {self.settings}")
        return matches[0]

    def _metric_names(self, metrics) -> list[str]:
        if metrics is None:
            return list(self.scalars)
        unknown = [name for name in metrics if name not in self.scalars]
        if unknown:
            raise ValueError(f"Sweep: unknown metrics {unknown}; numeric metrics are "
                             f"{list(self.scalars)}")
        return list(metrics)


def run(experiment: Callable, settings: Sequence[Mapping], seeds: Iterable[int], *,
        vectorized: bool | str = False, diverged_as_nan: bool = True, progress: bool = True,
        desc: str | None = None) -> Sweep:
    """Run ``experiment`` for every setting and seed and collect its metrics.

    Args:
        experiment: ``experiment(**setting, seed=seed) -> {metric: number or 1-D array}``;
            with ``vectorized=True``, ``experiment(**setting, seeds=seeds)`` returning
            ``{metric: array (n_seeds,) or (n_seeds, length)}``; with ``vectorized="all"``,
            ``experiment(settings=settings, seeds=seeds)`` (called once) returning
            ``{metric: array (n_settings, n_seeds) or (n_settings, n_seeds, length)}``.
        settings: a list of dicts with the same keys, e.g. from :func:`grid`. An empty dict
            (``[{}]``) runs one setting.
        seeds: the seeds (non-negative ints), the same for every setting.
        vectorized: False (one call per setting and seed), True (the experiment trains all
            seeds of a setting at once) or ``"all"`` (every setting and seed at once).
        diverged_as_nan: a ``TrainingDiverged`` raised by the experiment is recorded as NaN
            for every metric of that run (the summary counts it as failed); otherwise it
            propagates.
        progress: a tqdm.auto bar over the runs (off when ``TQDM_DISABLE`` is set).
        desc: the bar's label.

    Returns:
        A :class:`Sweep`.

    Raises:
        ValueError: settings with different keys, no seeds, or metrics that change type or
            name from one run to the next. An exception raised by the experiment propagates
            with a note saying which setting and seed it came from.

    Example:
        >>> sweep = run(lambda lr, seed: {"final": lr * (seed + 1)}, grid(lr=[0.1, 1.0]),
        ...             seeds=[0, 1], progress=False)
        >>> sweep.summary()["final mean"].tolist()
        [0.15000000000000002, 1.5]

    Taught in notebooks/04_initialization.ipynb.
    """
    settings = [dict(setting) for setting in settings]
    seeds = [checks.integer(seed, "seed", "run", minimum=0) for seed in seeds]
    if not settings:
        raise ValueError("run: settings is empty; pass [{}] for a single setting")
    if not seeds:
        raise ValueError("run: seeds is empty; pass e.g. seeds=range(5)")
    if any(set(setting) != set(settings[0]) for setting in settings):
        raise ValueError("run: every setting must have the same keys, got "
                         f"{sorted({tuple(sorted(s)) for s in settings})}")
    if not callable(experiment):
        raise TypeError(f"run: experiment must be a function, got {experiment!r}")
    if vectorized not in (False, True, "all"):
        raise ValueError(f"run: vectorized must be False, True or 'all', got {vectorized!r}")
    collector = _Collector(len(settings), len(seeds))
    if vectorized == "all":
        outcome = _call(experiment, {}, {"settings": settings, "seeds": list(seeds)},
                        diverged_as_nan)
        for i in range(len(settings)):
            for j in range(len(seeds)):
                collector.add(i, j, None if outcome is None else
                              {name: _entry(value, i, j, name) for name, value in outcome.items()})
        return collector.sweep(settings, seeds)
    total = len(settings) * (1 if vectorized else len(seeds))
    with progress_bar(total=total, desc=desc, unit="run", progress=progress) as bar:
        for i, setting in enumerate(settings):
            if vectorized:
                outcome = _call(experiment, setting, {"seeds": list(seeds)}, diverged_as_nan)
                for j in range(len(seeds)):
                    collector.add(i, j, None if outcome is None else
                                  {name: np.asarray(value)[j] for name, value in outcome.items()})
                bar.update(1)
                continue
            for j, seed in enumerate(seeds):
                collector.add(i, j, _call(experiment, setting, {"seed": seed}, diverged_as_nan))
                bar.update(1)
    return collector.sweep(settings, seeds)


def _call(experiment, setting, seed_argument, diverged_as_nan):
    try:
        outcome = experiment(**setting, **seed_argument)
    except TrainingDiverged:
        if diverged_as_nan:
            return None
        raise
    except Exception as error:
        if hasattr(error, "add_note"):  # Python >= 3.11
            error.add_note(f"(in run: the experiment with {setting} and {seed_argument})")
        raise
    if not isinstance(outcome, Mapping) or not outcome:
        raise TypeError(f"run: the experiment must return a non-empty dict of metrics, got "
                        f"{type(outcome).__name__} for {setting} and {seed_argument}")
    return outcome


def _entry(value, i: int, j: int, name: str):
    array = np.asarray(value)
    if array.ndim < 2:
        raise ValueError(f"run: with vectorized='all' the metric {name!r} must have shape "
                         f"(n_settings, n_seeds) or (n_settings, n_seeds, length), got "
                         f"{array.shape}")
    return array[i, j]


class _Collector:
    """Gathers metrics run by run; a diverged run (None) fills NaN."""

    def __init__(self, n_settings: int, n_seeds: int):
        self.shape = (n_settings, n_seeds)
        self.scalars: dict[str, np.ndarray] = {}
        self.curves: dict[str, list[list]] = {}
        self.pending_failures: list[tuple[int, int]] = []

    def add(self, i: int, j: int, outcome) -> None:
        if outcome is None:
            self.pending_failures.append((i, j))
            for values in self.scalars.values():
                values[i, j] = np.nan
            return
        for name, value in outcome.items():
            array = np.asarray(value, dtype=float)
            if array.ndim == 0:
                self._scalar(name)[i, j] = float(array)
            elif array.ndim == 1:
                self._curve(name)[i][j] = array
            else:
                raise ValueError(f"run: metric {name!r} must be a number or a 1-D curve, "
                                 f"got shape {array.shape}")

    def _scalar(self, name):
        if name in self.curves:
            raise ValueError(f"run: metric {name!r} is a curve in one run and a number in another")
        if name not in self.scalars:
            self.scalars[name] = np.full(self.shape, np.nan)
        return self.scalars[name]

    def _curve(self, name):
        if name in self.scalars:
            raise ValueError(f"run: metric {name!r} is a number in one run and a curve in another")
        if name not in self.curves:
            self.curves[name] = [[None] * self.shape[1] for _ in range(self.shape[0])]
        return self.curves[name]

    def sweep(self, settings, seeds) -> Sweep:
        curves = {}
        for name, per_setting in self.curves.items():
            stacked = []
            for row in per_setting:
                length = max((len(c) for c in row if c is not None), default=0)
                # a diverged or shorter run (early stopping) is padded with NaN
                stacked.append(np.array([_padded(c, length) for c in row]))
            curves[name] = stacked
        return Sweep(settings, seeds, self.scalars, curves)


def _padded(curve, length: int) -> np.ndarray:
    out = np.full(length, np.nan)
    if curve is not None:
        out[:len(curve)] = curve
    return out


def _finite_mean_std(values: np.ndarray) -> tuple[float, float, int]:
    finite = values[np.isfinite(values)]
    failed = int(values.size - finite.size)
    if finite.size == 0:
        return math.nan, math.nan, failed
    if finite.size < 2:
        std = math.nan
    elif np.all(finite == finite[0]):
        std = 0.0  # exactly: the mean of equal numbers can be off by a rounding error
    else:
        std = float(finite.std(ddof=1))
    return float(finite.mean()), std, failed


def _format_value(value) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, numbers.Integral)):
        return f"{value:g}"
    return str(value)
