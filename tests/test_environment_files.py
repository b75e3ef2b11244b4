"""pyproject.toml, requirements.lock, binder/ and environment.yml must agree.

What Binder launches must be exactly what CI tested: same pins, same Python.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def read_lock(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Map each locked package name to its (version, marker) pairs."""
    pins: dict[str, list[tuple[str, str]]] = {}
    for line in path.read_text().splitlines():
        if not line or line.startswith(("#", " ")):
            continue
        requirement = Requirement(line)
        (specifier,) = list(requirement.specifier)
        assert specifier.operator == "==", line
        marker = str(requirement.marker) if requirement.marker else ""
        pins.setdefault(requirement.name.lower(), []).append((specifier.version, marker))
    return pins


def locked_version_for(pins, name: str, environment: dict) -> str | None:
    from packaging.markers import Marker

    for version, marker in pins.get(name.lower(), []):
        if not marker or Marker(marker).evaluate(environment):
            return version
    return None


@pytest.fixture(scope="module")
def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def lock():
    return read_lock(ROOT / "requirements.lock")


def ci_environment(python="3.11.7"):
    environment = default_environment()
    environment.update(
        python_version=".".join(python.split(".")[:2]), python_full_version=python,
        sys_platform="linux", platform_machine="x86_64", platform_system="Linux",
    )
    return environment


def test_binder_requirements_are_the_lock():
    assert (ROOT / "binder" / "requirements.txt").read_text() == (ROOT / "requirements.lock").read_text(), (
        "binder/requirements.txt differs from requirements.lock: run `make lock`"
    )


@pytest.mark.parametrize("python", ["3.10.14", "3.11.7", "3.12.4"])
def test_lock_satisfies_every_pyproject_range(pyproject, lock, python):
    environment = ci_environment(python)
    requirements = pyproject["project"]["dependencies"] + pyproject["project"]["optional-dependencies"]["dev"]
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        version = locked_version_for(lock, requirement.name, environment)
        assert version is not None, f"{requirement.name} is not in requirements.lock for Python {python}"
        assert requirement.specifier.contains(Version(version), prereleases=True), (
            f"requirements.lock pins {requirement.name}=={version}, outside {requirement.specifier}"
        )


def test_ci_uses_the_cpu_build_of_tensorflow(lock):
    environment = ci_environment()
    assert locked_version_for(lock, "tensorflow-cpu", environment)
    assert locked_version_for(lock, "tensorflow", environment) is None


def test_this_interpreter_has_the_locked_versions(lock):
    import importlib.metadata

    environment = default_environment()
    for name in ("keras", "librosa", "numpy", "scikit-learn", "soundfile", "pooch"):
        assert importlib.metadata.version(name) == locked_version_for(lock, name, environment), name


def test_python_versions_agree(pyproject):
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_python = next(d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert runtime == "python-" + conda_python.split("=")[1] == "python-3.11"
    lowest = re.search(r">=\s*(3\.\d+)", pyproject["project"]["requires-python"]).group(1)
    header = (ROOT / "requirements.lock").read_text().splitlines()[1]
    assert f"--python-version {lowest}" in header, "the lock must cover the lowest Python pyproject allows"
    assert f"--python-version {lowest}" in (ROOT / "Makefile").read_text()


def test_environment_yml_installs_the_lock_and_the_package():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in environment["channels"]
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-r requirements.lock" in pip_section and "-e ." in pip_section


def test_binder_installs_the_package_and_quiets_tensorflow():
    from course_utils.session import TF_ENVIRONMENT

    post_build = (ROOT / "binder" / "postBuild").read_text()
    start = (ROOT / "binder" / "start").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --no-deps" in post_build and "-e ." in post_build
    assert "TF_ENVIRONMENT" in post_build
    for key, value in TF_ENVIRONMENT.items():
        assert f"export {key}={value}" in start, key
    for key in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS"):
        assert f"export {key} := {TF_ENVIRONMENT[key]}" in makefile, key
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111
    assert (ROOT / "binder" / "start").stat().st_mode & 0o111


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    assert re.search(r"^make test$", ci, flags=re.MULTILINE)
