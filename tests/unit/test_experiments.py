"""course_lib.experiments: grids, runs over seeds (looped and vectorized), failed runs, the
tidy table and summaries; and the sweep figures of course_lib.plots.sweeps."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.experiments import Sweep, grid, run
from course_lib.plots.sweeps import FAILED_COLOR, plot_sweep, plot_sweep_curves, plot_sweep_metrics
from course_lib.train import TrainingDiverged


def noisy_quadratic(lr, seed):
    rng = np.random.default_rng(seed)
    loss = (lr - 0.3) ** 2 + 0.01 * rng.normal()
    return {"loss": loss, "curve": loss * np.exp(-np.arange(4.0))}


def test_grid_is_the_cartesian_product_with_the_last_axis_fastest():
    assert grid(a=[1, 2], b="xy") == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"},
                                      {"a": 2, "b": "x"}, {"a": 2, "b": "y"}]
    with pytest.raises(ValueError, match="'b' has no values"):
        grid(a=[1], b=[])


def test_run_collects_every_setting_and_seed_in_order():
    sweep = run(noisy_quadratic, grid(lr=[0.1, 0.3, 1.0]), seeds=[3, 4, 5], progress=False)
    assert sweep.seeds == [3, 4, 5] and sweep.keys == ["lr"]
    assert sweep.scalars["loss"].shape == (3, 3)
    assert sweep.scalars["loss"][2, 1] == noisy_quadratic(1.0, 4)["loss"]
    assert sweep.curve("curve", lr=0.3).shape == (3, 4)
    np.testing.assert_array_equal(sweep.values("loss", lr=0.1), sweep.scalars["loss"][0])
    assert sweep.best("loss") == {"lr": 0.3}
    assert sweep.best("loss", mode="max") == {"lr": 1.0}


def test_the_tidy_table_and_the_summary_agree_with_numpy():
    sweep = run(noisy_quadratic, grid(lr=[0.1, 1.0]), seeds=range(4), progress=False)
    table = sweep.table()
    assert list(table.columns) == ["lr", "seed", "loss"] and len(table) == 8
    summary = sweep.summary()
    for i, lr in enumerate([0.1, 1.0]):
        values = sweep.scalars["loss"][i]
        assert summary["lr"][i] == lr and summary["n"][i] == 4
        assert summary["loss mean"][i] == pytest.approx(values.mean(), rel=1e-15)
        assert summary["loss std"][i] == pytest.approx(values.std(ddof=1), rel=1e-14)
        assert summary["loss failed"][i] == 0


def test_a_subset_keeps_the_chosen_settings_with_all_their_seeds_and_curves():
    sweep = run(noisy_quadratic, grid(lr=[0.1, 0.3, 1.0]), seeds=[3, 4], progress=False)
    part = sweep.subset(lambda setting: setting["lr"] != 0.3)
    assert part.settings == [{"lr": 0.1}, {"lr": 1.0}] and part.seeds == [3, 4]
    np.testing.assert_array_equal(part.values("loss", lr=1.0), sweep.values("loss", lr=1.0))
    np.testing.assert_array_equal(part.curve("curve", lr=0.1), sweep.curve("curve", lr=0.1))
    part.scalars["loss"][0, 0] = -1.0  # a copy: the original sweep is unchanged
    assert sweep.scalars["loss"][0, 0] != -1.0
    with pytest.raises(ValueError, match="no setting is kept"):
        sweep.subset(lambda setting: False)
    with pytest.raises(TypeError, match="keep must be a function"):
        sweep.subset({"lr": 0.1})


def diverging_for_large_lr(lr, seed):
    if lr > 1 and seed % 2 == 0:
        raise TrainingDiverged("boom", history={}, epoch=1, batch=1, loss=float("nan"))
    if lr > 5:
        return {"loss": float("inf")}
    return {"loss": lr + seed}


def test_failed_runs_are_counted_not_averaged():
    sweep = run(diverging_for_large_lr, grid(lr=[0.5, 2.0, 10.0]), seeds=range(4),
                progress=False)
    summary = sweep.summary()
    assert summary["loss failed"].tolist() == [0, 2, 4]
    assert summary["loss mean"][1] == pytest.approx(2.0 + 2.0)  # seeds 1 and 3 only
    assert np.isnan(summary["loss mean"][2])
    text = sweep.format_summary(digits=2)
    assert "(2 of 4 failed)" in text and "all failed" in text
    assert sweep.best("loss") == {"lr": 0.5}
    with pytest.raises(TrainingDiverged):
        run(diverging_for_large_lr, grid(lr=[2.0]), seeds=[0], diverged_as_nan=False,
            progress=False)


def test_a_vectorized_experiment_gives_the_same_sweep_as_the_looped_one():
    def looped(scale, seed):
        return {"value": scale * seed, "curve": scale * seed * np.ones(3)}

    def vectorized(scale, seeds):
        seeds = np.asarray(seeds, dtype=float)
        return {"value": scale * seeds, "curve": scale * seeds[:, None] * np.ones((1, 3))}

    settings, seeds = grid(scale=[1.0, 2.0]), [0, 1, 2]
    a = run(looped, settings, seeds, progress=False)
    b = run(vectorized, settings, seeds, vectorized=True, progress=False)
    np.testing.assert_array_equal(a.scalars["value"], b.scalars["value"])
    for x, y in zip(a.curves["curve"], b.curves["curve"], strict=True):
        np.testing.assert_array_equal(x, y)


def test_an_all_at_once_experiment_gives_the_same_sweep_as_the_looped_one():
    def looped(scale, shift, seed):
        return {"value": scale * seed + shift, "curve": (scale * seed + shift) * np.ones(3)}

    def all_at_once(settings, seeds):
        values = np.array([[s["scale"] * seed + s["shift"] for seed in seeds] for s in settings])
        return {"value": values, "curve": values[:, :, None] * np.ones(3)}

    settings = grid(scale=[1.0, 2.0], shift=[0.0, 0.5])
    a = run(looped, settings, seeds=[1, 2, 3], progress=False)
    calls = []
    b = run(lambda **kwargs: calls.append(1) or all_at_once(**kwargs), settings, seeds=[1, 2, 3],
            vectorized="all", progress=False)
    assert len(calls) == 1
    np.testing.assert_array_equal(a.scalars["value"], b.scalars["value"])
    for x, y in zip(a.curves["curve"], b.curves["curve"], strict=True):
        np.testing.assert_array_equal(x, y)
    with pytest.raises(ValueError, match="n_settings, n_seeds"):
        run(lambda settings, seeds: {"m": np.ones(len(seeds))}, settings, seeds=[0, 1],
            vectorized="all", progress=False)
    with pytest.raises(ValueError, match="vectorized must be"):
        run(looped, settings, seeds=[0], vectorized="seeds", progress=False)


def test_pooling_merges_the_repeats_of_a_setting():
    # folds are repeats: the mean and std are over every seed and fold of a method
    def score(method, fold, seed):
        return {"acc": {"a": 0.9, "b": 0.8}[method] + 0.01 * fold + 0.001 * seed}

    sweep = run(score, grid(method=["a", "b"], fold=range(5)), seeds=range(3), progress=False)
    summary = sweep.summary(pool=["fold"])
    assert summary["method"].tolist() == ["a", "b"] and summary["n"].tolist() == [15, 15]
    for i, method in enumerate(["a", "b"]):
        values = np.array([score(method, f, s)["acc"] for f in range(5) for s in range(3)])
        assert summary["acc mean"][i] == pytest.approx(values.mean(), rel=1e-14)
        assert summary["acc std"][i] == pytest.approx(values.std(ddof=1), rel=1e-12)
    text = sweep.format_summary(["acc"], digits=3, pool="fold")
    assert text.splitlines()[0].split() == ["method", "acc", "(mean", "±", "std", "over", "3",
                                            "seeds", "×", "5", "folds)"]
    values = np.array([score("a", f, s)["acc"] for f in range(5) for s in range(3)])
    assert f"{values.mean():.3g} ± {values.std(ddof=1):.3g}" in text.splitlines()[1]
    with pytest.raises(ValueError, match="cannot pool over"):
        sweep.summary(pool=["lr"])
    # pooling nothing is the plain summary
    assert sweep.summary(pool=()).equals(sweep.summary())


def test_equal_values_have_a_std_of_exactly_zero():
    # 0.1 + 0.2 repeated: their float mean differs from the value by a rounding error
    sweep = run(lambda seed: {"v": 0.1 + 0.2}, [{}], seeds=range(7), progress=False)
    assert sweep.summary()["v std"][0] == 0.0
    assert "0.3 ± 0" in sweep.format_summary()


def test_pooled_failures_are_counted_over_every_member():
    def sometimes(method, fold, seed):
        return {"loss": float("nan") if fold == seed == 1 else 1.0}

    sweep = run(sometimes, grid(method=["a"], fold=range(2)), seeds=range(2), progress=False)
    assert sweep.summary(pool=["fold"])["loss failed"].tolist() == [1]
    assert "(1 of 4 failed)" in sweep.format_summary(pool=["fold"])


def test_curves_of_different_lengths_are_padded_with_nan():
    sweep = run(lambda n, seed: {"curve": np.ones(n + seed)}, grid(n=[2]), seeds=[0, 1],
                progress=False)
    curves = sweep.curve("curve", n=2)
    assert curves.shape == (2, 3) and np.isnan(curves[0, 2]) and curves[1, 2] == 1


def test_bad_arguments_and_results_say_what_is_wrong():
    with pytest.raises(ValueError, match="settings is empty"):
        run(noisy_quadratic, [], seeds=[0])
    with pytest.raises(ValueError, match="seeds is empty"):
        run(noisy_quadratic, [{"lr": 1}], seeds=[])
    with pytest.raises(ValueError, match="same keys"):
        run(noisy_quadratic, [{"lr": 1}, {"rate": 2}], seeds=[0])
    with pytest.raises(TypeError, match="must return a non-empty dict"):
        run(lambda seed: 1.0, [{}], seeds=[0], progress=False)
    with pytest.raises(ValueError, match="must be a number or a 1-D curve"):
        run(lambda seed: {"m": np.ones((2, 2))}, [{}], seeds=[0], progress=False)
    with pytest.raises(ValueError, match="a number in one run and a curve in another"):
        run(lambda seed: {"m": np.ones(2) if seed else 1.0}, [{}], seeds=[0, 1], progress=False)
    with pytest.raises(ZeroDivisionError) as info:
        run(lambda x, seed: {"m": 1 / x}, grid(x=[0]), seeds=[7], progress=False)
    assert "{'x': 0}" in str(info.value.__notes__) and "'seed': 7" in str(info.value.__notes__)
    with pytest.raises(ValueError, match="matches 0 settings"):
        run(noisy_quadratic, grid(lr=[1.0]), seeds=[0], progress=False).values("loss", lr=2)


def test_plot_sweep_draws_seeds_means_and_failed_runs_with_labels():
    sweep = run(diverging_for_large_lr, grid(lr=[0.5, 2.0, 10.0]), seeds=range(4),
                progress=False)
    ax = plot_sweep(sweep, x="lr", y="loss", log_x=True)
    assert ax.get_xlabel() == "lr" and ax.get_ylabel() == "loss"
    assert "mean ± std over 4 seeds" in ax.get_title()
    assert "failed run (NaN or inf)" in ax.get_legend_handles_labels()[1]
    failed_rgb = plt.matplotlib.colors.to_rgb(FAILED_COLOR)

    def colours(collection):
        return np.concatenate([collection.get_facecolors(), collection.get_edgecolors()])[:, :3]

    failed_marks = [c for c in ax.collections
                    if len(c.get_offsets()) and np.allclose(colours(c), failed_rgb)]
    assert sum(len(c.get_offsets()) for c in failed_marks) == 2 + 4  # of lr 2 and lr 10
    plt.close("all")


def test_plot_sweep_with_hue_and_categories_and_its_errors():
    sweep = run(lambda opt, lr, seed: {"acc": lr * (opt == "adam") + seed},
                grid(opt=["sgd", "adam"], lr=[0.1, 1.0]), seeds=range(2), progress=False)
    ax = plot_sweep(sweep, x="opt", y="acc", hue="lr")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["sgd", "adam"]
    assert ax.get_legend_handles_labels()[1] == ["lr=0.1", "lr=1.0"]
    # categories are not joined by a line, and the two lr groups sit on either side of each
    means = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [line.get_linestyle() for line in means] == ["None", "None"]
    np.testing.assert_allclose([np.asarray(line.get_xdata(), float) for line in means],
                               [[-0.15, 0.85], [0.15, 1.15]])
    numeric = plot_sweep(sweep.subset(opt="adam"), x="lr", y="acc")
    assert [line.get_linestyle() for line in numeric.get_lines()
            if line.get_marker() == "o"] == ["-"]
    with pytest.raises(ValueError, match="'lr' varies"):
        plot_sweep(sweep, x="opt", y="acc")
    with pytest.raises(ValueError, match="not a numeric metric"):
        plot_sweep(sweep, x="opt", y="loss", hue="lr")
    plt.close("all")


def test_plot_sweep_curves_draws_a_mean_line_and_a_band_per_setting():
    sweep = run(noisy_quadratic, grid(lr=[0.1, 1.0]), seeds=range(3), progress=False)
    ax = plot_sweep_curves(sweep, "curve", log_y=True)
    assert len(ax.get_lines()) == 2 and len(ax.collections) == 2
    mean = sweep.curve("curve", lr=0.1).mean(axis=0)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), mean)
    assert ax.get_legend_handles_labels()[1] == ["lr=0.1", "lr=1"]
    with pytest.raises(ValueError, match="not a curve"):
        plot_sweep_curves(sweep, "loss")
    plt.close("all")


def test_plot_sweep_curves_takes_colours_labels_and_a_line_style_for_a_second_metric():
    sweep = run(lambda seed: {"train": np.arange(4.0) + seed, "val": np.arange(4.0) * 2},
                [{}], seeds=range(3), progress=False)
    ax = plot_sweep_curves(sweep, "train", colors=["black"], labels=["training"])
    plot_sweep_curves(sweep, "val", ax=ax, colors=["tab:green"], labels=["validation"],
                      linestyle="--")
    train_line, val_line = ax.get_lines()
    assert ax.get_legend_handles_labels()[1] == ["training", "validation"]
    assert (train_line.get_color(), val_line.get_color()) == ("black", "tab:green")
    assert (train_line.get_linestyle(), val_line.get_linestyle()) == ("-", "--")
    np.testing.assert_allclose(train_line.get_ydata(), np.arange(4.0) + 1)
    with pytest.raises(ValueError, match="one colour and one label per setting"):
        plot_sweep_curves(sweep, "val", colors=["black", "tab:green"])
    plt.close("all")


def test_a_sweep_can_be_built_by_hand():
    sweep = Sweep([{"a": 1}], [0], {"m": np.array([[2.0]])})
    assert sweep.format_summary().startswith("a  m")


def test_a_subset_keeps_the_matching_settings_with_their_numbers_and_curves():
    sweep = run(lambda act, lr, seed: {"loss": lr * (seed + 1) + (act == "relu"),
                                       "curve": np.full(3, lr + seed)},
                grid(act=["tanh", "relu"], lr=[0.1, 1.0]), seeds=[0, 1, 2], progress=False)
    part = sweep.subset(act="relu")
    assert part.settings == [{"act": "relu", "lr": 0.1}, {"act": "relu", "lr": 1.0}]
    assert part.seeds == [0, 1, 2]
    np.testing.assert_array_equal(part.scalars["loss"], sweep.scalars["loss"][2:])
    np.testing.assert_array_equal(part.curve("curve", lr=1.0), sweep.curve("curve", act="relu",
                                                                           lr=1.0))
    part.scalars["loss"][0, 0] = -1.0  # a copy: the sweep itself is unchanged
    assert sweep.scalars["loss"][2, 0] != -1.0
    assert sweep.subset(act="tanh", lr=0.1).format_summary().splitlines()[1].startswith("tanh")
    with pytest.raises(ValueError, match="not hyper-parameters"):
        sweep.subset(optimizer="adam")
    with pytest.raises(ValueError, match="no setting is kept"):
        sweep.subset(act="gelu")


def test_plot_sweep_metrics_draws_one_labelled_panel_per_metric():
    sweep = run(lambda lr, seed: {"mse": lr + seed, "r2": 1 - lr}, grid(lr=[0.1, 1.0]),
                seeds=range(3), progress=False)
    fig, axes = plot_sweep_metrics(sweep, "lr", ["mse", "r2"], log_x=True,
                                   xlabel="learning rate", labels=["test MSE", "test R²"])
    assert [ax.get_title() for ax in axes] == ["test MSE", "test R²"]
    assert [ax.get_ylabel() for ax in axes] == ["test MSE", "test R²"]
    assert {ax.get_xlabel() for ax in axes} == {"learning rate"}
    assert {ax.get_xscale() for ax in axes} == {"log"}
    assert "over 3 seeds" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="one label each"):
        plot_sweep_metrics(sweep, "lr", ["mse", "r2"], labels=["only one"])
    plt.close("all")
