"""The three descriptions of the environment agree: pyproject, constraints.txt, environment.yml."""

from pathlib import Path

import pytest
import tomllib
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def read_constraints() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"constraints.txt must pin exactly: {line!r}"
        pins[canonicalize_name(requirement.name)] = Version(specifier.version)
    return pins


def pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    return [Requirement(r) for r in requirements]


def environment_yml_pins() -> dict[str, Version]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    (pip_section,) = [d for d in environment["dependencies"] if isinstance(d, dict)]
    pins = {}
    for line in pip_section["pip"]:
        if line.startswith("-"):
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"environment.yml must pin exactly: {line!r}"
        pins[canonicalize_name(requirement.name)] = Version(specifier.version)
    return pins


def test_torch_is_pinned_to_2_13_0_everywhere():
    assert read_constraints()["torch"] == Version("2.13.0")
    assert environment_yml_pins()["torch"] == Version("2.13.0")


@pytest.mark.parametrize("requirement", pyproject_requirements(), ids=str)
def test_every_dependency_is_pinned_within_its_range(requirement):
    pins = read_constraints()
    name = canonicalize_name(requirement.name)
    assert name in pins, f"{requirement.name} is a dependency but constraints.txt does not pin it"
    assert requirement.specifier.contains(pins[name], prereleases=True), (
        f"constraints.txt pins {name}=={pins[name]}, outside pyproject's range {requirement}"
    )


def test_environment_yml_installs_every_runtime_dependency_at_the_pinned_version():
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    environment = environment_yml_pins()
    constraints = read_constraints()
    for line in runtime:
        name = canonicalize_name(Requirement(line).name)
        assert name in environment, f"environment.yml lacks the runtime dependency {name}"
    for name, version in environment.items():
        assert constraints.get(name) == version, (
            f"environment.yml pins {name}=={version}, constraints.txt {constraints.get(name)}"
        )


def test_environment_yml_python_matches_the_tested_python():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pythons = [
        d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python")
    ]
    assert pythons == ["python=3.11"]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert Version("3.11") in SpecifierSet(requires)


def test_binder_postbuild_installs_the_package_and_registers_the_kernel():
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert "ipykernel install --sys-prefix --name nn-course" in post_build
    # repo2docker builds environment.yml before the source tree exists: no "-e ." there.
    assert "-e ." not in (ROOT / "environment.yml").read_text()
