"""``python -m course_utils doctor``: is this machine ready for the course?

Checks Python and package versions, the bundled data's checksums, memory,
and that TensorFlow runs on the CPU. Each problem comes with its fix; the
command exits with status 1 when anything is wrong.

Used in: 00_welcome.
"""

from __future__ import annotations

import importlib.metadata
import platform
import sys
from dataclasses import dataclass

from .i18n import tr

__all__ = ["Check", "run_checks", "main", "requirements"]

#: The installed distribution whose metadata lists what the course needs (pyproject.toml's dependencies).
DISTRIBUTION = "course-utils"
MIN_PYTHON = (3, 10)
MIN_MEMORY_GB = 2.0


@dataclass
class Check:
    """One line of the doctor's report: what was checked, whether it is ok, and the fix.

    Used in: no notebook.
    """

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        text = tr("[{mark}] {name}: {detail}").format(mark=mark, name=self.name, detail=self.detail)
        return text if self.ok else tr("{text}\n       fix: {fix}").format(text=text, fix=self.fix)


def _version_tuple(text: str) -> tuple:
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def _check_python() -> Check:
    version = platform.python_version()
    ok = sys.version_info[:2] >= MIN_PYTHON
    return Check(
        "python", ok, version, tr("install Python 3.11 (conda env create -f environment.yml)")
    )


def requirements() -> dict[str, str]:
    """Distribution name -> version specifier (e.g. ``">=0.10,<2"``) of every runtime dependency.

    Read from the installed package's metadata (pyproject.toml's ``dependencies``), for this
    platform; TensorFlow is left to :func:`_check_tensorflow`. Raises
    ``importlib.metadata.PackageNotFoundError`` when the course package is not installed.

    Used in: course_utils internals (the doctor's package checks).
    """
    from packaging.requirements import Requirement

    wanted = {}
    for text in importlib.metadata.requires(DISTRIBUTION) or []:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue  # another platform's line, or an extra such as dev
        if requirement.name.lower().startswith("tensorflow"):
            continue
        wanted[requirement.name] = str(requirement.specifier)
    return wanted


def _check_package(name: str, specifier: str) -> Check:
    """Is ``name`` installed in a version ``specifier`` (e.g. ``">=0.10,<2"``) allows?"""
    from packaging.specifiers import SpecifierSet

    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return Check(
            name,
            False,
            tr("not installed"),
            tr("run `make lab` or `pip install -r requirements.lock`"),
        )
    ok = SpecifierSet(specifier).contains(version, prereleases=True)
    return Check(
        name,
        ok,
        version,
        tr("install {name}{specifier}: `pip install -r requirements.lock`").format(
            name=name, specifier=specifier
        ),
    )


def _check_packages() -> list[Check]:
    try:
        wanted = requirements()
    except importlib.metadata.PackageNotFoundError:
        return [
            Check(
                DISTRIBUTION,
                False,
                tr("not installed"),
                tr("run `make lab`, or `pip install --no-deps -e .` in the course folder"),
            )
        ]
    except ImportError:
        return [
            Check(
                "packaging",
                False,
                tr("not installed"),
                tr("run `make lab` or `pip install -r requirements.lock`"),
            )
        ]
    return [_check_package(name, specifier) for name, specifier in sorted(wanted.items())]


def _check_tensorflow() -> Check:
    for distribution in ("tensorflow-cpu", "tensorflow"):
        try:
            version = importlib.metadata.version(distribution)
            break
        except importlib.metadata.PackageNotFoundError:
            version = None
    if version is None:
        return Check(
            "tensorflow",
            False,
            tr("not installed"),
            tr("run `make lab` or `pip install -r requirements.lock`"),
        )
    if _version_tuple(version) < (2, 16):
        return Check(
            "tensorflow", False, version, tr("TensorFlow 2.16 or newer is needed for Keras 3")
        )
    from .session import setup_notebook

    setup_notebook(tensorflow=True, style=False)
    import tensorflow as tf

    value = float(tf.reduce_sum(tf.ones((4, 4))))
    devices = ", ".join(d.device_type for d in tf.config.list_physical_devices())
    ok = value == 16.0
    return Check(
        "tensorflow",
        ok,
        tr("{version}, runs on: {devices}").format(version=version, devices=devices),
        tr("reinstall: `make clean lab`"),
    )


def _check_memory() -> Check:
    import psutil

    available = psutil.virtual_memory().available / 1e9
    ok = available >= MIN_MEMORY_GB
    return Check(
        "memory",
        ok,
        tr("{available:.1f} GB available").format(available=available),
        tr(
            "close other programs: each notebook needs up to 1.2 GB and {minimum:.0f} GB free is safe"
        ).format(minimum=MIN_MEMORY_GB),
    )


def _check_data() -> Check:
    """The bundled data: a readable manifest that lists files, each present and unchanged, nothing unlisted."""
    from .data import load_manifest, verify_data
    from .errors import AudioFileNotFoundError, CourseError

    try:
        count = len(load_manifest())
        problems = verify_data()
    except AudioFileNotFoundError as error:
        return Check("data", False, str(error), tr("run from a clone of the course repository"))
    except CourseError as error:
        return Check(
            "data",
            False,
            str(error),
            tr("`git checkout -- data` restores the bundled data; `make data` rebuilds it"),
        )
    if problems:
        shown = "; ".join(problems[:3]) + (
            tr(" (and {more} more)").format(more=len(problems) - 3) if len(problems) > 3 else ""
        )
        return Check(
            "data",
            False,
            tr("{problems} problem(s) with the {count} bundled files: {shown}").format(
                problems=len(problems), count=count, shown=shown
            ),
            tr("each problem above names its fix; `git checkout -- data` restores everything"),
        )
    return Check("data", True, tr("{count} bundled files match their SHA-256").format(count=count))


def _check_audio_io() -> Check:
    import numpy as np
    import soundfile

    try:
        import io

        buffer = io.BytesIO()
        soundfile.write(buffer, np.zeros(800, dtype=np.float32), 8000, format="WAV")
        buffer.seek(0)
        samples, _ = soundfile.read(buffer)
        ok = len(samples) == 800
    except Exception as error:  # libsndfile missing or broken
        return Check(
            "audio I/O", False, str(error), tr("install libsndfile (apt-get install libsndfile1)")
        )
    return Check(
        "audio I/O", ok, f"libsndfile {soundfile.__libsndfile_version__}", tr("reinstall soundfile")
    )


def run_checks(tensorflow: bool = True) -> list[Check]:
    """Run every check and return them (see :class:`Check`).

    Used in: 00_welcome.
    """
    checks = [_check_python()]
    checks += _check_packages()
    checks += [_check_audio_io(), _check_data(), _check_memory()]
    if tensorflow:
        checks.append(_check_tensorflow())
    return checks


def main(argv=None) -> int:
    """Print the checks; return 0 when all pass, 1 otherwise.

    Used in: ``make doctor`` and ``python -m course_utils doctor``.
    """
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m course_utils doctor", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--no-tensorflow", action="store_true", help="skip the (slow) TensorFlow check"
    )
    args = parser.parse_args(argv)
    checks = run_checks(tensorflow=not args.no_tensorflow)
    for check in checks:
        print(check.line())
    failed = [c for c in checks if not c.ok]
    passed = tr("{passed} of {total} checks passed.").format(
        passed=len(checks) - len(failed), total=len(checks)
    )
    verdict = tr("Fix the lines marked FAIL.") if failed else tr("Ready for the course.")
    print(tr("\n{passed} {verdict}").format(passed=passed, verdict=verdict))
    return 1 if failed else 0
