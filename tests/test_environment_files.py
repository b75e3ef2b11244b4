"""pyproject.toml, requirements.lock, binder/ and environment.yml must agree.

What Binder launches must be exactly what CI tested: same pins, same Python.
"""

from __future__ import annotations

import os
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
        python_version=".".join(python.split(".")[:2]),
        python_full_version=python,
        sys_platform="linux",
        platform_machine="x86_64",
        platform_system="Linux",
    )
    return environment


DEV_ONLY = (
    "pytest",
    "nbval",
    "ruff",
    "hypothesis",
    "uv",
    "playwright",
    "jupyter-server-mathjax",
    "nbgrader",
)


@pytest.fixture(scope="module")
def binder_pins():
    return read_lock(ROOT / "binder" / "requirements.txt")


def test_binder_pins_are_the_locks_runtime_subset(lock, binder_pins):
    """Binder installs the versions CI tested, from the same resolution, without the test tools."""
    for name, pins in binder_pins.items():
        assert name in lock, (
            f"binder/requirements.txt pins {name}, which requirements.lock does not: run `make lock`"
        )
        assert set(pins) <= set(lock[name]), (
            f"binder/requirements.txt pins {name} {pins}, requirements.lock {lock[name]}: run `make lock`"
        )
    for name in DEV_ONLY:
        assert name in lock, name
        assert name not in binder_pins, f"{name} is a test tool; Binder does not need it"


def test_makefile_derives_binder_from_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    header = (ROOT / "binder" / "requirements.txt").read_text().splitlines()[1].strip("# ")
    assert "-c requirements.lock" in header and header in makefile, (
        "binder/requirements.txt must come from `make lock` (the runtime deps constrained to the lock)"
    )


def _requirements_of(name: str, extras: frozenset, environment: dict):
    import importlib.metadata

    for text in importlib.metadata.requires(name) or []:
        requirement = Requirement(text)
        if requirement.marker and not any(
            requirement.marker.evaluate({**environment, "extra": extra})
            for extra in ({""} | extras)
        ):
            continue
        yield requirement


def test_binder_pins_are_exactly_what_the_runtime_dependencies_need(pyproject, binder_pins):
    """Walk the installed packages' metadata from pyproject's runtime dependencies (Python 3.11 here,
    as on Binder): every package reached is pinned for Binder, and nothing else is."""
    if sys.version_info[:2] != (3, 11):
        pytest.skip("the installed packages are the lock's Python 3.11 pins only under Python 3.11")
    environment = {**default_environment(), "extra": ""}
    seen: dict[str, frozenset] = {}
    todo = [Requirement(text) for text in pyproject["project"]["dependencies"]]
    todo = [r for r in todo if not r.marker or r.marker.evaluate(environment)]
    while todo:
        requirement = todo.pop()
        name = requirement.name.lower().replace("_", "-").replace(".", "-")
        extras = frozenset(requirement.extras) | seen.get(name, frozenset())
        if name in seen and seen[name] == extras:
            continue
        seen[name] = extras
        todo.extend(_requirements_of(name, extras, environment))
    pinned = {name for name in binder_pins if locked_version_for(binder_pins, name, environment)}
    assert set(seen) - pinned == set(), "runtime packages missing from binder/requirements.txt"
    assert pinned - set(seen) == set(), (
        "binder/requirements.txt pins packages nothing at runtime needs"
    )


@pytest.mark.parametrize("python", ["3.10.14", "3.11.7", "3.12.4"])
def test_lock_satisfies_every_pyproject_range(pyproject, lock, python):
    environment = ci_environment(python)
    requirements = (
        pyproject["project"]["dependencies"] + pyproject["project"]["optional-dependencies"]["dev"]
    )
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        version = locked_version_for(lock, requirement.name, environment)
        assert version is not None, (
            f"{requirement.name} is not in requirements.lock for Python {python}"
        )
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
    conda_python = next(
        d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python=")
    )
    assert runtime == "python-" + conda_python.split("=")[1] == "python-3.11"
    lowest = re.search(r">=\s*(3\.\d+)", pyproject["project"]["requires-python"]).group(1)
    header = (ROOT / "requirements.lock").read_text().splitlines()[1]
    assert f"--python-version {lowest}" in header, (
        "the lock must cover the lowest Python pyproject allows"
    )
    assert f"--python-version {lowest}" in (ROOT / "Makefile").read_text()


def test_environment_yml_installs_the_lock_and_the_package():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in environment["channels"]
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-r binder/requirements.txt" in pip_section and "-e ." in pip_section


def test_binder_installs_the_package_and_quiets_tensorflow():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    start = (ROOT / "binder" / "start").read_text()
    assert "pip install --no-deps" in post_build and "-e ." in post_build
    # The kernel spec (course_utils.ipython_extension.kernel_spec) carries TF_ENVIRONMENT and loads
    # the extension that keeps the NameError hint after a restart; make lab's install step writes the same.
    assert "python -m course_utils kernel --dir" in post_build
    assert (
        "-m course_utils kernel --dir $(VENV)/share/jupyter/kernels/python3"
        in (ROOT / "Makefile").read_text()
    )
    assert "scripts/student_edition.py" in post_build, "Binder opens the student edition: build it"
    assert 'eval "$(python -m course_utils env)"' in start
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111
    assert (ROOT / "binder" / "start").stat().st_mode & 0o111


def test_env_command_prints_tensorflows_settings_with_the_standard_library_only(tmp_path):
    """`python -m course_utils env` (binder/start, the Makefile) works before anything is installed."""
    import subprocess

    from course_utils.session import TF_ENVIRONMENT

    isolated = [
        sys.executable,
        "-E",
        "-S",
        "-m",
        "course_utils",
        "env",
    ]  # no site-packages: no numpy
    shell = subprocess.run(isolated, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.splitlines() == [
        f"export {key}={value}" for key, value in TF_ENVIRONMENT.items()
    ]
    words = subprocess.run(
        [*isolated, "--make"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert words.stdout.split() == [f"{key}={value}" for key, value in TF_ENVIRONMENT.items()]


def test_make_exports_tensorflows_settings(tmp_path):
    import shutil
    import subprocess

    from course_utils.session import TF_ENVIRONMENT

    if not shutil.which("make"):
        pytest.skip("no make on this machine")
    probe = tmp_path / "probe.mk"
    probe.write_text("probe-environment:\n\t@env\n")
    result = subprocess.run(
        [
            "make",
            "-s",
            "-f",
            "Makefile",
            "-f",
            str(probe),
            "probe-environment",
            f"PYTHON={sys.executable}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={key: value for key, value in os.environ.items() if key not in TF_ENVIRONMENT},
    )
    assert result.returncode == 0, result.stderr
    exported = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    for key, value in TF_ENVIRONMENT.items():
        assert exported.get(key) == value, key


def test_tensorflows_settings_are_defined_only_in_course_utils_session():
    """The Makefile, binder/, the tests, the scripts and the benchmarks read TF_ENVIRONMENT."""
    files = [ROOT / "Makefile", *(ROOT / "binder").iterdir(), *(ROOT / ".ci").iterdir()]
    for folder in ("tests", "scripts", "benchmarks", "course_utils"):
        files += (ROOT / folder).rglob("*.py")
    here = Path(__file__).resolve()
    setting = re.compile(r"(TF_CPP_MIN_LOG_LEVEL|TF_ENABLE_ONEDNN_OPTS)\W{1,6}[\"']?\d")
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if path.is_file()
        and path.resolve() not in (here, ROOT / "course_utils" / "session.py")
        and setting.search(path.read_text(errors="replace"))
    ]
    assert offenders == [], "set TensorFlow's environment from course_utils.session.TF_ENVIRONMENT"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme and "make ci" in readme
    assert re.search(r"^make ci$", ci, flags=re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^ci: test ", makefile, flags=re.MULTILINE), (
        "make ci must run make test first"
    )


def test_make_test_needs_no_root_npm_or_network():
    """make test runs no browser (root installs Chromium), no slides (npm) and no benchmark."""
    import shutil
    import subprocess

    if not shutil.which("make"):
        pytest.skip("no make on this machine")
    dry = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dry.returncode == 0, dry.stderr
    for needs_more in (
        "pytest tests/browser",
        "--slides",
        "-m benchmarks",
        "test_pythons",
        "apt-get",
        "npm",
    ):
        assert needs_more not in dry.stdout, f"make test runs {needs_more}: move it to make ci"
    for part in (
        "ruff check",
        "update_used_in.py --check",
        "pytest tests",
        "--nbval",
        "build_site.py",
    ):
        assert part in dry.stdout, f"make test no longer runs {part}"
