"""The instructor guide's tables, rendered from the benchmark scripts' JSON files.

No figure here is typed by hand: each comes from benchmarks/results/*.json,
written by benchmarks/notebooks.py, benchmarks/import_time.py and
benchmarks/grading.py (the keys are documented in benchmarks/results/README.md).
What a file does not hold is shown as "not measured yet". The sizing rules
(how a per-learner request follows from the measured peaks) are constants of
this module, stated in the guide next to the tables they produce.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

NOT_MEASURED = "not measured yet"

# Sizing rules, stated in the guide.
MEMORY_STEP_MIB = 128  # requests are rounded up to a multiple of this
BURST_WINDOW_S = 120  # every learner runs the heaviest chapter at once: done within 2 minutes
CPU_STEP = 0.05
CPU_MINIMUM = 0.1
EXAMPLE_NODE = {"cores": 8, "memory_gib": 32, "reserved_cores": 0.5, "reserved_gib": 2}
CLASS_SIZES = (30, 100, 300)
GRADING_COUNTS = (30, 100, 300)


def load(path: Path) -> dict | None:
    """The JSON object in ``path``, None if there is no such file.

    A file that is not valid JSON is an error that names the file, so a broken
    result never turns silently into "not measured yet".
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{path}: not valid JSON ({error}); re-run the benchmark that writes it"
        ) from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object, found {type(data).__name__}")
    return data


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _fmt(value, digits: int = 1, unit: str = "") -> str:
    number = _number(value)
    if number is None:
        return NOT_MEASURED
    return f"{number:.{digits}f}{unit}"


def describe_machine(machine: dict | None) -> str:
    """'2 CPUs (AMD EPYC), 24 GiB, Linux x86_64, Python 3.11.7' from a machine record."""
    if not isinstance(machine, dict):
        return "an undescribed machine"
    parts = []
    if machine.get("cpus"):
        processor = f" ({machine['processor']})" if machine.get("processor") else ""
        parts.append(f"{machine['cpus']} CPUs{processor}")
    if _number(machine.get("memory_gib")) is not None:
        parts.append(f"{machine['memory_gib']:.0f} GiB")
    system = " ".join(str(machine[k]) for k in ("system", "machine") if machine.get(k))
    if system:
        parts.append(system)
    if machine.get("python"):
        parts.append(f"Python {machine['python']}")
    return ", ".join(parts) or "an undescribed machine"


def _day(date) -> str:
    return str(date)[:10] if date else "an unknown date"


def provenance(records: list[dict], script: str) -> str:
    """One sentence: which script measured, when, on what, under which load."""
    records = [r for r in records if isinstance(r, dict)]
    if not records:
        return f"Not measured yet: run `python {script}`."
    days = sorted({_day(r.get("date")) for r in records})
    machines = sorted({describe_machine(r.get("machine")) for r in records})
    loads = [
        _number(r.get(key)) for r in records for key in ("load_1m_before", "load_1m_after")
    ]
    loads = [x for x in loads if x is not None]
    when = days[0] if len(days) == 1 else f"{days[0]} to {days[-1]}"
    sentence = f"Measured by `{script}` on {when}, on {'; '.join(machines)}"
    if loads:
        sentence += f", with a load average of {min(loads):.1f} to {max(loads):.1f}"
        if max(loads) > 1:
            sentence += " (other work was running: the times are upper bounds)"
    return sentence + "."


# -- notebooks ---------------------------------------------------------------

def notebook_records(results: dict | None) -> dict[str, dict]:
    if not results or not isinstance(results.get("notebooks"), dict):
        return {}
    return {k: v for k, v in results["notebooks"].items() if isinstance(v, dict)}


def notebooks_table(results: dict | None, notebooks: list[str]) -> str:
    """Run time and memory of each lecture notebook that exists."""
    records = notebook_records(results)
    lines = [
        "| notebook | run top to bottom | CPU time | peak memory (kernel) | imports torch |",
        "|---|---|---|---|---|",
    ]
    for notebook in notebooks:
        record = records.get(notebook)
        name = Path(notebook).stem
        if record is None:
            lines.append(f"| {name} | {NOT_MEASURED} | | | |")
            continue
        if record.get("error"):
            lines.append(f"| {name} | failed when measured: {record['error']} | | | |")
            continue
        torch = record.get("torch_imported")
        lines.append(
            f"| {name} | {_fmt(record.get('wall_s'), 1, ' s')}"
            f" | {_fmt(record.get('cpu_s'), 1, ' s')}"
            f" | {_fmt(record.get('peak_rss_mib'), 0, ' MiB')}"
            f" | {'-' if torch is None else ('yes' if torch else 'no')} |"
        )
    measured = [records[n] for n in notebooks if n in records]
    return "\n".join(lines) + "\n\n" + provenance(measured, "benchmarks/notebooks.py") + "\n"


def import_table(results: dict | None) -> str:
    """How long ``import course_lib`` and its heaviest module take."""
    modules = (results or {}).get("modules")
    if not isinstance(modules, dict) or not modules:
        return f"`import course_lib`: {NOT_MEASURED} (run `python benchmarks/import_time.py`).\n"
    lines = [
        "| module | import | whole `python -c \"import ...\"` | imports torch |",
        "|---|---|---|---|",
    ]
    for name, record in modules.items():
        if not isinstance(record, dict):
            continue
        lines.append(
            f"| `{name}` | {_fmt(record.get('import_s'), 3, ' s')}"
            f" | {_fmt(record.get('process_s'), 3, ' s')}"
            f" | {'yes' if record.get('torch_imported') else 'no'} |"
        )
    return "\n".join(lines) + "\n\n" + provenance([results], "benchmarks/import_time.py") + "\n"


# -- sizing -------------------------------------------------------------------

@dataclass
class Sizing:
    """Per-learner requests derived from the measured peaks (see the module's rules)."""

    server_mib: float
    kernel_peak_mib: float
    kernel_peak_notebook: str
    heaviest_cpu_s: float
    heaviest_cpu_notebook: str
    parallelism: float
    memory_guarantee_mib: int
    memory_limit_mib: int
    cpu_guarantee: float
    cpu_limit: int


def _round_up(value: float, step: float) -> float:
    return math.ceil(value / step - 1e-9) * step


def sizing(results: dict | None) -> Sizing | None:
    """None until both the notebooks and the JupyterLab server have been measured."""
    records = {k: v for k, v in notebook_records(results).items() if not v.get("error")}
    server = (results or {}).get("jupyterlab_server") or {}
    server_mib = _number(server.get("idle_rss_mib"))
    peaks = {k: _number(v.get("peak_rss_mib")) for k, v in records.items()}
    peaks = {k: v for k, v in peaks.items() if v is not None}
    cpus = {k: _number(v.get("cpu_s")) for k, v in records.items()}
    cpus = {k: v for k, v in cpus.items() if v is not None}
    if server_mib is None or not peaks or not cpus:
        return None
    peak_notebook = max(peaks, key=peaks.get)
    cpu_notebook = max(cpus, key=cpus.get)
    ratios = [
        cpus[k] / _number(records[k].get("cells_s"))
        for k in cpus if _number(records[k].get("cells_s"))
    ]
    parallelism = max(ratios) if ratios else 1.0
    kernel = peaks[peak_notebook]
    return Sizing(
        server_mib=server_mib,
        kernel_peak_mib=kernel,
        kernel_peak_notebook=Path(peak_notebook).stem,
        heaviest_cpu_s=cpus[cpu_notebook],
        heaviest_cpu_notebook=Path(cpu_notebook).stem,
        parallelism=parallelism,
        memory_guarantee_mib=int(_round_up(server_mib + kernel, MEMORY_STEP_MIB)),
        memory_limit_mib=int(_round_up(server_mib + 2 * kernel, MEMORY_STEP_MIB)),
        cpu_guarantee=round(
            max(CPU_MINIMUM, _round_up(cpus[cpu_notebook] / BURST_WINDOW_S, CPU_STEP)), 2
        ),
        cpu_limit=max(1, math.ceil(parallelism - 0.05)),
    )


def per_learner(size: Sizing | None) -> str:
    if size is None:
        return (f"Per-learner requests: {NOT_MEASURED} (run `python benchmarks/notebooks.py`, "
                "which also measures the JupyterLab server).\n")
    return (
        "| per learner | value | derived from |\n|---|---|---|\n"
        f"| memory guarantee | {size.memory_guarantee_mib} MiB | JupyterLab server at rest "
        f"({size.server_mib:.0f} MiB) + the largest kernel peak ({size.kernel_peak_mib:.0f} MiB, "
        f"{size.kernel_peak_notebook}), rounded up to {MEMORY_STEP_MIB} MiB |\n"
        f"| memory limit | {size.memory_limit_mib} MiB | the server + two such kernels (a lecture "
        f"and its exercise open at once), rounded up |\n"
        f"| CPU guarantee | {size.cpu_guarantee:g} | the heaviest chapter needs "
        f"{size.heaviest_cpu_s:.0f} CPU-seconds ({size.heaviest_cpu_notebook}); with this share "
        f"everyone can run it top to bottom at the same moment within "
        f"{BURST_WINDOW_S // 60} minutes |\n"
        f"| CPU limit | {size.cpu_limit} | the most cores a chapter kept busy while running "
        f"({size.parallelism:.2f}), rounded up |\n"
    )


def nodes_needed(learners: int, size: Sizing) -> int:
    node = EXAMPLE_NODE
    usable_gib = node["memory_gib"] - node["reserved_gib"]
    by_memory = learners * size.memory_guarantee_mib / 1024 / usable_gib
    by_cpu = learners * size.cpu_guarantee / (node["cores"] - node["reserved_cores"])
    return max(1, math.ceil(max(by_memory, by_cpu) - 1e-9))


def sizing_table(size: Sizing | None) -> str:
    if size is None:
        return f"Sizing for 30, 100 and 300 learners: {NOT_MEASURED}.\n"
    node = EXAMPLE_NODE
    lines = [
        f"| concurrent learners | memory guaranteed | memory if every learner hits the limit "
        f"| CPU cores guaranteed | servers ({node['cores']} cores, {node['memory_gib']} GiB) "
        f"| run it with |",
        "|---|---|---|---|---|---|",
    ]
    for learners in CLASS_SIZES:
        nodes = nodes_needed(learners, size)
        engine = ("The Littlest JupyterHub on one server" if nodes == 1
                  else "Zero to JupyterHub on Kubernetes")
        lines.append(
            f"| {learners} | {learners * size.memory_guarantee_mib / 1024:.0f} GiB "
            f"| {learners * size.memory_limit_mib / 1024:.0f} GiB "
            f"| {learners * size.cpu_guarantee:.1f} | {nodes} | {engine} |"
        )
    return "\n".join(lines) + (
        f"\n\nA server keeps {node['reserved_cores']} core and {node['reserved_gib']} GiB for the "
        "system and the hub; memory guarantees are what the scheduler packs, so a server whose "
        "learners all reach their limit at once runs short: the limit column shows by how much.\n"
    )


def z2jh_values(size: Sizing | None) -> str:
    if size is None:
        return ("The values for Zero to JupyterHub follow from the measured peaks: "
                f"{NOT_MEASURED}.\n")
    return f"""```yaml
# config.yaml for the Zero to JupyterHub Helm chart (values derived from the measured peaks)
singleuser:
  image:
    name: REGISTRY/nn-course        # the image repo2docker builds from this repository
    tag: "COMMIT"                   # a fixed tag, never "latest"
  defaultUrl: /lab
  memory:
    guarantee: {size.memory_guarantee_mib}M
    limit: {size.memory_limit_mib}M
  cpu:
    guarantee: {size.cpu_guarantee:g}
    limit: {size.cpu_limit}
  storage:
    capacity: 1Gi                   # the learner's copy of the course and their work
prePuller:
  hook:
    enabled: true                   # pull the image on every node before the class starts
  continuous:
    enabled: true
scheduling:
  userScheduler:
    enabled: true                   # pack learners onto few nodes
  podPriority:
    enabled: true
  userPlaceholder:
    enabled: true
    replicas: 10                    # keep room for 10 more learners warm
cull:
  enabled: true
  timeout: 3600                     # stop servers idle for an hour
```
"""


# -- grading ------------------------------------------------------------------

# benchmarks/grading.py names the isolations "bubblewrap" (the sandbox) and "process"
SANDBOX_KEYS = ("bubblewrap",)
NO_SANDBOX_KEYS = ("process",)


def _pick(mapping, keys):
    if not isinstance(mapping, dict):
        return None
    for key in keys:
        if _number(mapping.get(key)) is not None:
            return _number(mapping[key])
    return None


def grading_sets(results: dict | None) -> dict[str, dict]:
    sets = (results or {}).get("sets")
    if isinstance(sets, list):
        sets = {str(s.get("name") or s.get("set") or s.get("exercise")): s
                for s in sets if isinstance(s, dict)}
    if not isinstance(sets, dict):
        return {}
    return {k: v for k, v in sets.items() if isinstance(v, dict)}


def grading_rates(record: dict) -> tuple[float | None, float | None]:
    """Submissions per minute (with the sandbox, without it) of one exercise set:
    ``record[isolation]["per_minute"]``, as benchmarks/grading.py writes it."""
    def rate(keys):
        return next((_pick(record.get(key), ("per_minute",)) for key in keys
                     if isinstance(record.get(key), dict)), None)
    return rate(SANDBOX_KEYS), rate(NO_SANDBOX_KEYS)


def grading_table(results: dict | None, exercise_sets: list[str]) -> str:
    """Grading throughput per exercise, and how long a class's batch takes."""
    sets = grading_sets(results)
    counts = " / ".join(str(n) for n in GRADING_COUNTS)
    lines = [
        "| exercise | submissions per minute, with the sandbox | without it "
        f"| {counts} submissions take (sandbox) |",
        "|---|---|---|---|",
    ]
    for name in exercise_sets:
        record = sets.get(name)
        if record is None:
            lines.append(f"| {name} | {NOT_MEASURED} | {NOT_MEASURED} | |")
            continue
        sandbox, none = grading_rates(record)
        durations = (" / ".join(f"{n / sandbox:.0f}" for n in GRADING_COUNTS) + " min"
                     if sandbox else NOT_MEASURED)
        lines.append(f"| {name} | {_fmt(sandbox)} | {_fmt(none)} | {durations} |")
    starts = (results or {}).get("kernel_start") or {}
    start_sandbox = _pick(starts.get(SANDBOX_KEYS[0]), ("median_s",))
    start_none = _pick(starts.get(NO_SANDBOX_KEYS[0]), ("median_s",))
    jobs = (results or {}).get("jobs")
    text = "\n".join(lines) + "\n\n"
    text += (f"A grading kernel, from launch to ready: {_fmt(start_sandbox, 2, ' s')} with the "
             f"sandbox, {_fmt(start_none, 2, ' s')} without it")
    text += f"; batches ran {jobs} kernels at once.\n\n" if jobs else ".\n\n"
    text += provenance([results] if results else [], "benchmarks/grading.py") + "\n"
    return text
