"""`python -m course_utils doctor` passes here and fails, with a fix, when something is wrong."""

from __future__ import annotations

import subprocess
import sys

from course_utils import doctor


def test_doctor_passes_on_this_machine():
    result = subprocess.run(
        [sys.executable, "-m", "course_utils", "doctor"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ready for the course" in result.stdout
    assert "tensorflow" in result.stdout and "CPU" in result.stdout


def test_doctor_fails_with_a_fix_on_corrupted_data(tmp_path, monkeypatch):
    import shutil

    from course_utils import data

    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    first = copy / data.load_manifest()[0]["path"]
    first.write_bytes(b"corrupted")
    monkeypatch.setenv("COURSE_DATA_DIR", str(copy))
    assert doctor.main(["--no-tensorflow"]) == 1


def test_package_check_flags_old_and_missing_versions(monkeypatch):
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.9.0")
    check = doctor.check_package("librosa", "0.10", "2")
    assert not check.ok and "pip install" in check.fix and "FAIL" in check.line()

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    check = doctor.check_package("pooch", "1.7", None)
    assert not check.ok and check.detail == "not installed"


def test_unknown_command_exits_2():
    result = subprocess.run([sys.executable, "-m", "course_utils", "cure"], capture_output=True, text=True)
    assert result.returncode == 2 and "usage" in result.stderr
