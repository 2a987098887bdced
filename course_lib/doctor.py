"""The doctor: is this environment ready for the course? What to fix if not.

Taught in notebooks/00_start_here.ipynb. From a terminal::

    python -m course_lib.doctor        # exit status 0 when ready, 1 otherwise

It reports the versions of Python and the main packages (read from the
installed metadata, so listing torch does not import it), the compute device
(this line does import torch), whether JupyterLab's widget extension matches
ipywidgets, whether the ``nn-course`` Jupyter kernel is registered and which
Python it runs, and where Fashion-MNIST was found (verified). Each problem
comes with its fix. ``run_checks()`` returns the same as data, ``report()`` as
text, so a notebook can show it.

Taught in no notebook by its parts: notebooks/00_start_here.ipynb shows
``doctor.report()``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata

KERNEL_NAME = "nn-course"
KERNEL_DISPLAY_NAME = "Python 3 (NN course)"
MIN_PYTHON = (3, 10)
PACKAGES = (
    "numpy",
    "torch",
    "matplotlib",
    "scikit-learn",
    "ipywidgets",
    "jupyterlab",
    "jupyterlab_widgets",
)
#: ipywidgets major version -> the jupyterlab_widgets major version that renders it.
WIDGETS_FRONTEND = {7: 1, 8: 3}
SETUP_FIX = "set up the course environment: run `make setup` (or `make lab`) in the course folder"


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report.

    Taught in notebooks/00_start_here.ipynb.

    Attributes:
        name: what was checked, e.g. ``"numpy"`` or ``"kernel nn-course"``.
        ok: whether it is ready.
        detail: what was found (a version, a path, what is wrong).
        fix: what to do when not ok (empty when ok).
    """

    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks(*, device: bool = True) -> list[Check]:
    """Run every check and return the results, in report order.

    Taught in no notebook by this name: ``report()`` calls it.

    Args:
        device: also report the compute device (cpu, cuda or mps). This
            imports torch, which takes a second or two.
    """
    checks = [check_python()]
    versions = installed_versions()
    checks += [check_package(name, versions[name]) for name in PACKAGES]
    if device:
        checks.append(_guarded("compute device", check_device))
    checks.append(check_widgets(versions["ipywidgets"], versions["jupyterlab_widgets"]))
    checks.append(_guarded(f"kernel {KERNEL_NAME}", check_kernel))
    checks.append(_guarded("Fashion-MNIST", check_fashion_mnist))
    return checks


def report(checks: list[Check] | None = None) -> str:
    """The doctor's report as text: one line per check, then the verdict.

    Taught in notebooks/00_start_here.ipynb (``print(report())``).
    """
    checks = run_checks() if checks is None else checks
    width = max(len(check.name) for check in checks)
    lines = ["Course environment check (python -m course_lib.doctor)", ""]
    lines += [f"  {'ok' if c.ok else '!!'}  {c.name:<{width}}  {c.detail}" for c in checks]
    problems = [check for check in checks if not check.ok]
    lines.append("")
    if not problems:
        lines.append("Verdict: everything is ready.")
    else:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        lines.append(f"Verdict: not ready, {count} to fix:")
        for number, check in enumerate(problems, start=1):
            lines.append(f"  {number}. {check.name}: {check.detail}")
            fix_lines = check.fix.splitlines() or [""]
            lines.append(f"     Fix: {fix_lines[0]}")
            lines += [f"     {line}" for line in fix_lines[1:]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m course_lib.doctor`` (and ``course doctor``): print the report.

    Returns 0 when everything is ready, 1 otherwise. Taught in no notebook by this
    name: chapter 00 prints the same report with ``doctor.report()``.
    """
    checks = run_checks()
    print(report(checks))
    return 0 if all(check.ok for check in checks) else 1


# --- the checks --------------------------------------------------------------------


def installed_versions() -> dict[str, str | None]:
    """The installed version of each of ``PACKAGES`` (None when missing), without importing them."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def check_python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] < MIN_PYTHON:
        needed = ".".join(map(str, MIN_PYTHON))
        return Check("Python", False, f"{version} ({sys.executable}), the course needs >= {needed}",
                     f"install Python {needed} or newer, then {SETUP_FIX}")
    return Check("Python", True, f"{version} ({sys.executable})")


def check_package(name: str, version: str | None) -> Check:
    if version is None:
        return Check(name, False, "not installed in this environment", SETUP_FIX)
    return Check(name, True, version)


def check_device() -> Check:
    import torch  # the only check that imports torch

    if torch.cuda.is_available():
        return Check("compute device", True, f"cuda ({torch.cuda.get_device_name(0)})")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return Check("compute device", True, "mps (Apple GPU)")
    return Check("compute device", True, "cpu (no GPU found; every chapter runs on a CPU)")


def check_widgets(ipywidgets: str | None, jupyterlab_widgets: str | None) -> Check:
    """ipywidgets N needs jupyterlab_widgets ``WIDGETS_FRONTEND[N]`` next to JupyterLab."""
    name = "widgets in JupyterLab"
    fix = (
        "install matching versions in the environment that runs JupyterLab (the course's):\n"
        f"run `make setup`, or: {sys.executable} -m pip install 'ipywidgets>=8,<9' "
        "'jupyterlab_widgets>=3,<4'; then restart JupyterLab"
    )
    if ipywidgets is None:
        return Check(name, False, "ipywidgets is not installed", fix)
    major = _major(ipywidgets)
    needed = WIDGETS_FRONTEND.get(major)
    if jupyterlab_widgets is None:
        return Check(name, False, f"ipywidgets {ipywidgets} is installed but not "
                     "jupyterlab_widgets: widgets would not render", fix)
    if needed is None or _major(jupyterlab_widgets) != needed:
        return Check(name, False, f"ipywidgets {ipywidgets} does not match jupyterlab_widgets "
                     f"{jupyterlab_widgets}: widgets would not render", fix)
    return Check(name, True, f"ipywidgets {major} with jupyterlab_widgets {needed}")


def kernel_install_command() -> str:
    return (f"{sys.executable} -m ipykernel install --sys-prefix --name {KERNEL_NAME} "
            f"--display-name \"{KERNEL_DISPLAY_NAME}\"")


def check_kernel() -> Check:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    name = f"kernel {KERNEL_NAME}"
    fix = "run `make lab` in the course folder, or register it by hand:\n"
    fix += kernel_install_command()
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return Check(name, False, "not registered: Jupyter does not know this kernel", fix)
    if not spec.argv:
        return Check(name, False, f"its kernel.json in {spec.resource_dir} has no command", fix)
    python = spec.argv[0]
    if not os.path.isabs(python) or not os.path.exists(python):
        return Check(name, False, f"registered in {spec.resource_dir}, but runs {python}, "
                     "which does not exist (was the course folder moved?)", fix)
    if os.path.abspath(python) == os.path.abspath(sys.executable):
        return Check(name, True, f"registered, runs {python} (this environment)")
    probe = subprocess.run([python, "-c", "import course_lib, ipykernel"],
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        return Check(name, False, f"registered, but runs {python}, which cannot import "
                     "course_lib and ipykernel (another environment)", fix)
    return Check(name, True, f"registered, runs {python} (another environment with course_lib)")


def check_fashion_mnist() -> Check:
    from course_lib.data.fashion_mnist import find_fashion_mnist, how_to_get_data

    directory = find_fashion_mnist()
    if directory is None:
        return Check("Fashion-MNIST", False,
                     "not found (needed by notebooks 00 and 10; the other chapters work without)",
                     "any one of these:\n" + how_to_get_data().split("\n", 1)[1])
    return Check("Fashion-MNIST", True, f"found and verified (SHA-256) in {directory}")


def _guarded(name: str, check) -> Check:
    """Run one check; a crash becomes a failed check instead of stopping the doctor."""
    try:
        return check()
    except Exception as error:  # noqa: BLE001 (the doctor reports whatever goes wrong)
        return Check(name, False, f"the check itself failed: {type(error).__name__}: {error}",
                     SETUP_FIX)


def _major(version: str) -> int | None:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


if __name__ == "__main__":
    sys.exit(main())
