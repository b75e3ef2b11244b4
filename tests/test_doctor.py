"""`python -m course_utils doctor` passes here and fails, with a fix, when something is wrong."""

from __future__ import annotations

import subprocess
import sys

from course_utils import doctor


def test_doctor_passes_on_this_machine():
    result = subprocess.run(
        [sys.executable, "-m", "course_utils", "doctor"],
        capture_output=True,
        text=True,
        timeout=120,
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
    check = doctor._check_package("librosa", ">=0.10,<2")
    assert not check.ok and "pip install" in check.fix and "FAIL" in check.line()
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "2.0.1")
    assert not doctor._check_package("librosa", ">=0.10,<2").ok
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "1.0.0")
    assert doctor._check_package("librosa", ">=0.10,<2").ok

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    check = doctor._check_package("pooch", ">=1.7")
    assert not check.ok and check.detail == "not installed"


def test_requirements_come_from_the_installed_metadata_which_is_pyproject():
    """No copy of pyproject's dependencies: the doctor reads the installed package's metadata."""
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    from packaging.requirements import Requirement

    pyproject = tomllib.loads(
        (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    )
    expected = {}
    for text in pyproject["project"]["dependencies"]:
        requirement = Requirement(text)
        if not requirement.name.startswith("tensorflow"):
            expected[requirement.name] = str(requirement.specifier)
    assert doctor.requirements() == expected
    assert "librosa" in expected and "pytest" not in doctor.requirements()
    assert not hasattr(doctor, "REQUIREMENTS")


def test_doctor_says_when_the_course_package_is_not_installed(monkeypatch):
    import importlib.metadata

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "requires", missing)
    (check,) = doctor._check_packages()
    assert not check.ok and "pip install --no-deps -e ." in check.fix


def test_unknown_command_exits_2():
    result = subprocess.run(
        [sys.executable, "-m", "course_utils", "cure"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "usage" in result.stderr


# --- hardening (issue #12, item 2): the doctor tells the truth about data/ -------------------

import hashlib  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

HEADER = "path,kind,label,speaker,take,note,dynamic,duration_s,sample_rate,source,licence,attribution,sha256\n"


@pytest.fixture
def small_data(tmp_path, monkeypatch):
    """A data/ folder of two clips and a correct manifest, selected by COURSE_DATA_DIR."""
    import soundfile

    folder = tmp_path / "data"
    (folder / "music").mkdir(parents=True)
    lines = [HEADER]
    for name in ("a.wav", "b.wav"):
        path = folder / "music" / name
        soundfile.write(path, np.zeros(80, dtype=np.float32), 8000)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"music/{name},music,x,,,,,0.01,8000,test,CC0-1.0,none,{digest}\n")
    (folder / "manifest.csv").write_text("".join(lines))
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    return folder


def run_doctor(capsys):
    status = doctor.main(["--no-tensorflow"])
    out = capsys.readouterr().out
    data_lines = [line for line in out.splitlines() if "] data:" in line]
    return status, out, data_lines


def test_doctor_passes_on_a_good_small_data_folder(small_data):
    check = doctor._check_data()
    assert check.ok and check.detail == "2 bundled files match their SHA-256"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty|no header"),
        (b"\x00\x01garbage\xff\xfe not a table\n", "UTF-8"),
        (b"just some words\nand more words\n", "columns"),
        (HEADER.encode(), "lists no files"),
        (HEADER.encode() + b"music/a.wav,music,x,,,,,0.01,8000,t,CC0,n,not-a-hash\n", "sha256"),
    ],
    ids=["empty", "not-utf8", "garbage", "header-only", "bad-hash"],
)
def test_an_unusable_manifest_fails_with_one_line_and_exit_1(small_data, capsys, content, expected):
    import re

    (small_data / "manifest.csv").write_bytes(content)
    status, out, data_lines = run_doctor(capsys)
    assert status == 1, out
    assert len(data_lines) == 1 and data_lines[0].startswith("[FAIL] data:"), out
    assert re.search(expected, data_lines[0]), data_lines[0]
    assert "Ready for the course" not in out and "Traceback" not in out


def test_a_missing_listed_file_fails(small_data, capsys):
    (small_data / "music" / "b.wav").unlink()
    status, out, data_lines = run_doctor(capsys)
    assert status == 1
    assert "missing music/b.wav" in data_lines[0], out


def test_an_audio_file_the_manifest_does_not_list_fails(small_data, capsys):
    (small_data / "music" / "stray.WAV").write_bytes((small_data / "music" / "a.wav").read_bytes())
    (small_data / "music" / "notes.txt").write_text("not audio: ignored")
    status, out, data_lines = run_doctor(capsys)
    assert status == 1, out
    assert "music/stray.WAV" in data_lines[0] and "not listed" in data_lines[0], out
    assert "notes.txt" not in out


# --- Hardening II (#24): the doctor tells the truth ------------------------------------------------


def _add_row(folder, line):
    with open(folder / "manifest.csv", "a", encoding="utf-8") as handle:
        handle.write(line)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("where", ["../outside.wav", "ABSOLUTE", "music/../../outside.wav"])
def test_a_manifest_row_outside_data_fails_and_loaders_refuse_it(small_data, capsys, where):
    from course_utils import data
    from course_utils.errors import DatasetLayoutError

    outside = small_data.parent / "outside.wav"
    outside.write_bytes((small_data / "music" / "a.wav").read_bytes())
    row_path = str(outside) if where == "ABSOLUTE" else where
    _add_row(small_data, f"{row_path},real_speech,leak,,,,,0.01,8000,t,CC0,n,{_digest(outside)}\n")
    status, out, data_lines = run_doctor(capsys)
    assert status == 1 and "outside" in data_lines[0] and "data/" in data_lines[0], out
    with pytest.raises(DatasetLayoutError, match="outside"):
        data.load_real_clip("leak")


def test_duplicate_rows_and_missing_columns_fail(small_data, capsys):
    lines = (small_data / "manifest.csv").read_text().splitlines(keepends=True)
    (small_data / "manifest.csv").write_text("".join(lines + [lines[1]]))
    status, out, data_lines = run_doctor(capsys)
    assert status == 1 and "music/a.wav" in data_lines[0] and "twice" in data_lines[0], out
    # Without the kind and label columns the loaders cannot find anything.
    (small_data / "manifest.csv").write_text(
        "path,sha256\n"
        + "".join(f"music/{n},{_digest(small_data / 'music' / n)}\n" for n in ("a.wav", "b.wav"))
    )
    status, out, data_lines = run_doctor(capsys)
    assert status == 1 and "columns" in data_lines[0] and "kind" in data_lines[0], out


def test_weights_are_in_the_manifest_and_checked(small_data, capsys):
    from course_utils import data

    bundled = [row["path"] for row in data.load_manifest()]
    weights = small_data / "weights"
    weights.mkdir()
    (weights / "w.npz").write_bytes(b"weights")
    status, out, data_lines = run_doctor(capsys)
    assert status == 1 and "weights/w.npz" in data_lines[0] and "not listed" in data_lines[0], out
    _add_row(small_data, f"weights/w.npz,weights,w,,,,,,,t,CC0,n,{_digest(weights / 'w.npz')}\n")
    assert doctor._check_data().ok
    (weights / "w.npz").write_bytes(b"corrupted")
    status, out, data_lines = run_doctor(capsys)
    assert status == 1 and "weights/w.npz differs" in data_lines[0], out
    assert bundled  # (the small folder's rows)


def test_the_course_manifest_lists_its_trained_weights():
    from pathlib import Path

    import course_utils

    folder = Path(course_utils.__file__).resolve().parent.parent / "data"
    with open(folder / "manifest.csv", encoding="utf-8") as handle:
        listed = {line.split(",")[0] for line in handle}
    shipped = {p.relative_to(folder).as_posix() for p in (folder / "weights").iterdir()}
    assert shipped and shipped <= listed, shipped - listed


def test_a_trimmed_manifest_of_the_bundled_data_fails(small_data, capsys, monkeypatch, tmp_path):
    from course_utils import data

    record = tmp_path / "data_manifest.sha256"
    monkeypatch.setattr(data, "_bundled_folder", lambda: small_data)
    monkeypatch.setattr(data, "_MANIFEST_RECORD", record)
    data.record_manifest()
    assert doctor._check_data().ok
    lines = (small_data / "manifest.csv").read_text().splitlines(keepends=True)
    (small_data / "manifest.csv").write_text("".join(lines[:2]))  # one row left ...
    (small_data / "music" / "b.wav").unlink()  # ... and the file it listed deleted
    status, out, data_lines = run_doctor(capsys)
    assert (
        status == 1 and "differs from the one this version of the course ships" in data_lines[0]
    ), out
