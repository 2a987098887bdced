"""Where the benchmark scripts keep their figures: JSON files in benchmarks/results/.

Every record carries the date it was measured (``date``, ISO 8601, UTC) and the
machine it was measured on (``machine``, see :func:`machine`), because a
figure without them means little. The instructor guide's tables are rendered
from these files when the site is built (website/_ext/course_site/figures.py);
the keys of each file are described in benchmarks/results/README.md.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
from importlib import metadata
from pathlib import Path

import psutil

RESULTS = Path(__file__).resolve().parent / "results"


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def _processor() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict:
    """What the figures were measured on: CPUs, memory, system, Python, key libraries."""
    return {
        "cpus": os.cpu_count(),
        "processor": _processor(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "system": platform.system(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "torch": _version("torch"),
    }


def load_1m() -> float:
    return round(os.getloadavg()[0], 2)


def read(path: Path) -> dict:
    """The JSON object in ``path``, or an empty dict if the file does not exist yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a JSON object; delete it and measure again")
    return data


def write(path: Path, data: dict) -> None:
    """Write ``data`` as JSON through a temporary file, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)
