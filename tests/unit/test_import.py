"""`import course_lib` and its NumPy-side modules never import torch (fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

REQUIRED = ["course_lib", "course_lib.data", "course_lib.doctor"]
OPTIONAL = ["course_lib.nn", "course_lib.optim", "course_lib.metrics", "course_lib.train",
            "course_lib.gradcheck", "course_lib.plots", "course_lib.widgets",
            "course_lib.initialization", "course_lib.diagnostics",
            "course_lib.widgets.initialization"]
# The torch side of the package, the only modules allowed to import torch: every
# course_lib.torch_* module (and package) of the PyTorch chapters, chapter 09's explorer
# of the two frameworks side by side, and the reference answers of the PyTorch exercises.
TORCH_PREFIX = "course_lib.torch_"
TORCH_MODULES = {
    "course_lib.widgets.parity",
    "course_lib.grading.references_09",
    "course_lib.grading.references_10",
}


def torch_side(name: str) -> bool:
    return name.startswith(TORCH_PREFIX) or name in TORCH_MODULES


PROBE = """
import importlib, importlib.util, json, sys
required, optional = json.loads(sys.argv[1]), json.loads(sys.argv[2])
result = {"imported": [], "absent": [], "torch_after": None}
for name in required + optional:
    if name in optional and importlib.util.find_spec(name) is None:
        result["absent"].append(name)
        continue
    importlib.import_module(name)
    result["imported"].append(name)
    if "torch" in sys.modules and result["torch_after"] is None:
        result["torch_after"] = name
print(json.dumps(result))
"""


def probe(required, optional):
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(required), json.dumps(optional)],
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, f"an import failed:\n{completed.stderr}"
    return json.loads(completed.stdout)


def test_importing_course_lib_and_its_numpy_modules_does_not_import_torch():
    result = probe(REQUIRED, OPTIONAL)
    assert result["imported"][:3] == REQUIRED
    assert result["torch_after"] is None, f"importing {result['torch_after']} imported torch"


def test_only_the_torch_side_modules_import_torch():
    import pkgutil

    import course_lib

    names = [info.name for info in pkgutil.walk_packages(course_lib.__path__, "course_lib.")
             if not torch_side(info.name) and not info.name.endswith("__main__")]
    if not names:
        pytest.fail("no course_lib modules found")
    result = probe([], names)
    assert result["torch_after"] is None, f"importing {result['torch_after']} imported torch"
