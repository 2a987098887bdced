"""The instructor guide's tables: rendered from the benchmark JSON, never typed by hand."""

import json
from pathlib import Path

import pytest
from course_site import figures

ROOT = Path(__file__).resolve().parents[2]
MACHINE = {"cpus": 2, "processor": "Test CPU", "memory_gib": 8.0, "system": "Linux",
           "machine": "x86_64", "python": "3.11.7"}


def record(**values):
    base = {"date": "2026-01-02T03:04:05+00:00", "machine": MACHINE, "wall_s": 10.0,
            "cells_s": 9.0, "cpu_s": 12.0, "peak_rss_mib": 700.0, "torch_imported": False,
            "load_1m_before": 0.2, "load_1m_after": 0.4, "error": None}
    base.update(values)
    return base


RESULTS = {
    "notebooks": {
        "notebooks/00_a.ipynb": record(peak_rss_mib=700.0, cpu_s=12.0, cells_s=9.0),
        "notebooks/01_b.ipynb": record(peak_rss_mib=300.0, cpu_s=36.0, cells_s=20.0,
                                       torch_imported=True),
    },
    "jupyterlab_server": {"date": "2026-01-02", "machine": MACHINE, "idle_rss_mib": 90.0},
}


def test_the_notebooks_table_shows_each_measured_notebook_and_marks_the_others():
    text = figures.notebooks_table(RESULTS, ["notebooks/00_a.ipynb", "notebooks/01_b.ipynb",
                                             "notebooks/02_c.ipynb"])
    assert "| 00_a | 10.0 s | 12.0 s | 700 MiB | no |" in text
    assert "| 01_b | 10.0 s | 36.0 s | 300 MiB | yes |" in text
    assert "| 02_c | not measured yet |" in text
    assert "on 2026-01-02, on 2 CPUs (Test CPU), 8 GiB, Linux x86_64, Python 3.11.7" in text
    assert "load average of 0.2 to 0.4." in text


def test_a_notebook_that_failed_when_measured_says_so():
    results = {"notebooks": {"notebooks/00_a.ipynb": record(error="TimeoutError: cell 3")}}
    assert "failed when measured: TimeoutError: cell 3" in figures.notebooks_table(
        results, ["notebooks/00_a.ipynb"])


def test_measurements_under_load_are_called_upper_bounds():
    results = {"notebooks": {"notebooks/00_a.ipynb": record(load_1m_after=1.7)}}
    assert "upper bounds" in figures.notebooks_table(results, ["notebooks/00_a.ipynb"])


def test_sizing_follows_the_stated_rules_from_the_measured_peaks():
    size = figures.sizing(RESULTS)
    # server 90 + largest kernel 700 = 790 -> 896 (multiples of 128 MiB)
    assert size.memory_guarantee_mib == 896
    # server 90 + 2 x 700 = 1490 -> 1536
    assert size.memory_limit_mib == 1536
    # heaviest chapter 36 CPU-seconds within 120 s -> 0.3 of a core
    assert size.cpu_guarantee == pytest.approx(0.3)
    assert size.heaviest_cpu_notebook == "01_b"
    # 36 CPU-seconds in 20 s of cells: 1.8 cores busy -> a limit of 2
    assert size.cpu_limit == 2


def test_sizing_needs_the_server_and_the_notebooks():
    assert figures.sizing(None) is None
    assert figures.sizing({"notebooks": RESULTS["notebooks"]}) is None
    assert figures.sizing({"jupyterlab_server": RESULTS["jupyterlab_server"]}) is None
    assert "not measured yet" in figures.per_learner(None)
    assert "not measured yet" in figures.sizing_table(None)
    assert "not measured yet" in figures.z2jh_values(None)


def test_the_sizing_table_grows_with_the_class_and_says_when_one_server_is_enough():
    text = figures.sizing_table(figures.sizing(RESULTS))
    rows = [line for line in text.splitlines() if line.startswith("| 30 ")
            or line.startswith("| 100 ") or line.startswith("| 300 ")]
    assert len(rows) == 3
    # 30 x 896 MiB = 26 GiB fits one server (30 GiB usable), but 30 x 0.3 = 9 cores > 7.5
    assert rows[0] == "| 30 | 26 GiB | 45 GiB | 9.0 | 2 | Zero to JupyterHub on Kubernetes |"
    # 300 learners: 262.5 GiB / 30 = 8.75 servers by memory, 90 / 7.5 = 12 by CPU
    assert rows[2] == "| 300 | 262 GiB | 450 GiB | 90.0 | 12 | Zero to JupyterHub on Kubernetes |"


def test_a_light_course_runs_a_class_of_30_on_one_server():
    light = json.loads(json.dumps(RESULTS))
    for entry in light["notebooks"].values():
        entry["cpu_s"] = 6.0
    size = figures.sizing(light)
    assert size.cpu_guarantee == pytest.approx(0.1)  # 6 / 120 = 0.05, raised to the minimum
    rows = figures.sizing_table(size).splitlines()
    assert "| 30 | 26 GiB | 45 GiB | 3.0 | 1 | The Littlest JupyterHub on one server |" in rows


def test_the_helm_values_carry_the_derived_requests():
    text = figures.z2jh_values(figures.sizing(RESULTS))
    assert "guarantee: 896M" in text and "limit: 1536M" in text
    assert "guarantee: 0.3" in text and "limit: 2" in text


GRADING = {
    "date": "2026-01-03T00:00:00+00:00", "machine": MACHINE, "jobs": 2,
    "kernel_start": {"bubblewrap": {"median_s": 0.52}, "process": {"median_s": 0.47}},
    "sets": {"01_xor": {"bubblewrap": {"per_minute": 40.0}, "process": {"per_minute": 50.0}}},
}


def test_the_grading_table_shows_rates_and_batch_times_and_what_is_missing():
    text = figures.grading_table(GRADING, ["01_xor", "02_forward"])
    assert "| 01_xor | 40.0 | 50.0 | 1 / 2 / 8 min |" in text
    assert "| 02_forward | not measured yet | not measured yet | |" in text
    assert "from launch to ready: 0.52 s with the sandbox, 0.47 s without it" in text
    assert "batches ran 2 kernels at once" in text


def test_a_grading_file_with_only_one_mode_measured_shows_the_other_as_missing():
    results = {"sets": {"01_xor": {"process": {"per_minute": 50.0}}}}
    text = figures.grading_table(results, ["01_xor"])
    assert "| 01_xor | not measured yet | 50.0 |" in text
    assert "from launch to ready: not measured yet with the sandbox, not measured yet" in text


def test_without_a_grading_file_everything_is_not_measured_yet():
    text = figures.grading_table(None, ["01_xor"])
    assert "| 01_xor | not measured yet |" in text
    assert "Not measured yet: run `python benchmarks/grading.py`." in text


def test_a_broken_results_file_is_an_error_naming_it(tmp_path):
    path = tmp_path / "notebooks.json"
    path.write_text("{ truncated")
    with pytest.raises(ValueError, match="notebooks.json: not valid JSON"):
        figures.load(path)
    path.write_text("[]")
    with pytest.raises(ValueError, match="expected a JSON object"):
        figures.load(path)
    assert figures.load(tmp_path / "missing.json") is None


def test_the_committed_results_are_what_the_benchmark_scripts_write():
    results = ROOT / "benchmarks" / "results"
    notebooks = json.loads((results / "notebooks.json").read_text())
    for name, entry in notebooks["notebooks"].items():
        assert (ROOT / name).is_file(), f"{name} was measured but is not in the repository"
        assert {"date", "machine", "wall_s", "cpu_s", "peak_rss_mib"} <= entry.keys()
    assert notebooks["jupyterlab_server"]["idle_rss_mib"] > 0
    imports = json.loads((results / "import_time.json").read_text())
    assert "course_lib" in imports["modules"] and imports["machine"]["cpus"]
