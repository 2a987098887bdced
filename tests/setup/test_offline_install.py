"""Installing the course without network: a workshop room, and Binder's recipe.

Both start from the wheelhouse that `make wheelhouse` writes (`make test` makes
one in build/wheelhouse and passes it as COURSE_WHEELHOUSE) and from a fresh
copy of the course (the files `git ls-files` lists, as a clone holds them).
Pip sees nothing else: PIP_NO_INDEX=1, PIP_FIND_LINKS=the wheelhouse, no pip
configuration file and no cache; where the operating system allows it
(`unshare -n`, Linux as root) the installs also run without any network
interface at all.

- The room (instructor guide, "Preparing a room offline"):
  `PIP_NO_INDEX=1 PIP_FIND_LINKS=wheels make setup` in the copy, then the course,
  torch and JupyterLab import, a second `make setup` would install nothing, and
  `make site` builds the website, all offline.
- Binder: what repo2docker does with environment.yml and postBuild, minus conda
  and Docker: the `pip:` list of environment.yml installed into a fresh
  environment of the Python version it names (conda hands that list to pip as a
  requirements file), then `./postBuild` run in the repository with that
  environment first on PATH; the kernel it registers then runs a lecture.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import skip_or_fail_without

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 900


@pytest.fixture(scope="module")
def wheelhouse() -> Path:
    path = Path(os.environ.get("COURSE_WHEELHOUSE", ROOT / "build" / "wheelhouse"))
    if not (path / ".complete").is_file():
        skip_or_fail_without(f"the wheelhouse {path}",
                             "run the tests with `make test`, which builds it")
    return path


def network_off() -> list[str]:
    """A command prefix that runs without network, or [] where that is not allowed."""
    for prefix in (["unshare", "-n", "--"], ["unshare", "-rn", "--"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
                return prefix
        except FileNotFoundError:
            return []
    return []


def fresh_copy(target: Path) -> Path:
    """The course's files as a fresh clone holds them (uncommitted edits included)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def offline_env(tmp_path: Path, wheelhouse: Path | str, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS",
                                                     "VIRTUAL_ENV", "JUPYTER_DATA_DIR",
                                                     "JUPYTER_PATH"}}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    # PIP_NO_COMPILE: no byte-compiling of every installed module (half the install's
    # time with torch); it changes nothing of what is installed.
    env.update(HOME=str(home), PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse),
               PIP_CONFIG_FILE=os.devnull, PIP_NO_CACHE_DIR="1", PIP_NO_COMPILE="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def run(command: list[str], *, cwd: Path, env: dict, what: str,
        timeout: float = BUILD_TIMEOUT) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, (
        f"{what} failed ({' '.join(command)}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def test_the_wheelhouse_has_no_cuda_libraries(wheelhouse):
    cuda = sorted(p.name for p in wheelhouse.glob("nvidia_*"))
    assert not cuda, f"the wheelhouse holds CUDA wheels (a CUDA build of torch?): {cuda}"
    assert list(wheelhouse.glob("torch-2.13.0*.whl")), "no torch 2.13.0 wheel"


def test_a_room_installs_and_builds_the_site_from_the_wheelhouse_without_network(
    tmp_path, wheelhouse
):
    course = fresh_copy(tmp_path / "nn-course")
    (course / "wheels").symlink_to(wheelhouse, target_is_directory=True)
    env = offline_env(tmp_path, "wheels")
    offline = network_off()
    try:
        run([*offline, "make", "setup"], cwd=course, env=env,
            what="PIP_NO_INDEX=1 PIP_FIND_LINKS=wheels make setup")
        python = course / ".venv" / "bin" / "python"
        probe = run([str(python), "-c",
                     "import course_lib, torch, jupyterlab, sphinx, myst_nb; "
                     "print(torch.__version__, course_lib.__file__)"],
                    cwd=tmp_path, env=env, what="importing the course")
        version, location = probe.stdout.split()
        assert version.startswith("2.13.0")
        assert Path(location).resolve().is_relative_to(course.resolve())
        run([str(course / ".venv" / "bin" / "jupyter"), "lab", "--version"], cwd=course,
            env=env, what="jupyter lab --version")
        assert subprocess.run(["make", "-q", "setup"], cwd=course, env=env).returncode == 0, \
            "a second `make setup` would install again"
        run([*offline, "make", "site"], cwd=course, env=env, what="make site, offline")
        assert (course / "build" / "site" / "website" / "index.html").is_file()
    finally:
        shutil.rmtree(course / ".venv", ignore_errors=True)


def test_binder_recipe_environment_yml_then_postbuild_works_without_network(
    tmp_path, wheelhouse
):
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    (pip_section,) = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert "pip" in conda, "environment.yml needs `pip` among its conda packages for `pip:`"
    python_pin = next(d for d in conda if d.startswith("python"))
    assert python_pin == f"python={sys.version_info.major}.{sys.version_info.minor}", (
        f"environment.yml asks for {python_pin}; the course is tested with Python "
        f"{sys.version_info.major}.{sys.version_info.minor}"
    )
    post_build = (ROOT / "postBuild").read_text()
    assert post_build.startswith("#!/usr/bin/env bash\n"), "repo2docker runs ./postBuild"

    course = fresh_copy(tmp_path / "repo")
    prefix = tmp_path / "env"
    env = offline_env(tmp_path, wheelhouse)
    offline = network_off()
    try:
        run([sys.executable, "-m", "venv", str(prefix)], cwd=tmp_path, env=env,
            what="a fresh Python environment")
        requirements = tmp_path / "condaenv.requirements.txt"
        requirements.write_text("\n".join(pip_section) + "\n")
        run([*offline, str(prefix / "bin" / "python"), "-m", "pip", "install", "-U", "-r",
             str(requirements)], cwd=course, env=env,
            what="installing environment.yml's pip: list")
        (course / "postBuild").chmod(0o755)
        env["PATH"] = f"{prefix / 'bin'}{os.pathsep}{env['PATH']}"
        run([*offline, "./postBuild"], cwd=course, env=env, what="./postBuild")

        spec = prefix / "share/jupyter/kernels/nn-course/kernel.json"  # postBuild: --sys-prefix
        argv = json.loads(spec.read_text())["argv"]
        assert Path(argv[0]).parent.resolve() == (prefix / "bin").resolve(), argv
        lecture = course / "notebooks" / "02_forward_propagation.ipynb"
        run([str(prefix / "bin" / "python"), "-c",
             "import sys, nbclient, nbformat\n"
             "nb = nbformat.read(sys.argv[1], as_version=4)\n"
             "nbclient.NotebookClient(nb, kernel_name='nn-course', timeout=300,\n"
             "    resources={'metadata': {'path': sys.argv[2]}}).execute()\n",
             str(lecture), str(lecture.parent)],
            cwd=course, env={**env, "TQDM_DISABLE": "1", "MPLBACKEND": "Agg"},
            what="running chapter 02 in the kernel postBuild registered", timeout=600)
        run([str(prefix / "bin" / "jupyter"), "lab", "--version"], cwd=course, env=env,
            what="jupyter lab --version")
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
