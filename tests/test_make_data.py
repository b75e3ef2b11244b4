"""scripts/make_data.py's real-recordings part, on a small source folder the test writes."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_data.py"


@pytest.fixture(scope="module")
def make_data():
    spec = importlib.util.spec_from_file_location("make_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_data"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("make_data", None)


def write_source(root: Path, make_data) -> Path:
    """A folder laid out like the shared real-data folder, with short noise clips."""
    rng = np.random.default_rng(0)
    (root / "clips").mkdir(parents=True)
    for clip in make_data.REAL_CLIPS:
        rate = 16000 if clip.kind == "real_speech" else 44100
        stereo = 0.2 * rng.normal(size=(int(1.5 * rate), 2))
        soundfile.write(root / "clips" / clip.source_file, stereo, rate, format="OGG", subtype="VORBIS")
        licence = "Public Domain https://example.org/pd" if clip.name == "whale" else (
            "CC-BY 4.0 https://creativecommons.org/licenses/by/4.0/")
        (root / "clips" / clip.source_file).with_suffix(".txt").write_text(
            f"{clip.name} by Someone\nFrom https://example.org/{clip.name}\n{licence}\n", encoding="utf-8")
    digits = root / "fsdd-4-speakers"
    digits.mkdir()
    for speaker in make_data.REAL_DIGIT_SPEAKERS:
        for digit in range(10):
            for take in range(make_data.REAL_DIGIT_TAKES + 2):
                soundfile.write(digits / f"{digit}_{speaker}_{take}.wav",
                                (0.3 * rng.normal(size=800)).astype(np.float32), 8000, subtype="PCM_16")
    return root


def test_real_only_bundles_clips_and_digits_and_keeps_synthetic_rows(tmp_path, make_data):
    source = write_source(tmp_path / "source", make_data)
    out = tmp_path / "data"
    (out / "music").mkdir(parents=True)
    soundfile.write(out / "music" / "excerpt.wav", np.zeros(2205, dtype=np.float32) + 0.1, 22050,
                    subtype="PCM_16")
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["path", "kind", "label", "sha256"])
        writer.writeheader()
        writer.writerow({"path": "music/excerpt.wav", "kind": "music", "label": "music", "sha256": "x"})

    assert make_data.main(["--out", str(out), "--real", str(source), "--real-only"]) == 0

    rows = list(csv.DictReader(open(out / "manifest.csv", encoding="utf-8")))
    kinds = {row["kind"] for row in rows}
    assert {"music", "real_digit", "real_music", "real_speech", "real_nature"} <= kinds
    digits = [row for row in rows if row["kind"] == "real_digit"]
    assert len(digits) == 4 * 10 * make_data.REAL_DIGIT_TAKES  # takes beyond 19 are left out
    assert (out / "real" / "digits" / "3_lucas_7.wav").read_bytes() == (
        source / "fsdd-4-speakers" / "3_lucas_7.wav").read_bytes()
    for row in rows:
        assert row["source"] and row["licence"] and row["attribution"]
    trumpet = next(row for row in rows if row["label"] == "trumpet")
    info = soundfile.info(str(out / trumpet["path"]))
    assert info.channels == 1 and info.samplerate == 22050
    assert next(row for row in rows if row["label"] == "whale")["licence"] == "public-domain"
    assert next(row for row in rows if row["label"] == "speech_male")["sample_rate"] == "16000"
    licence = (out / "LICENSE.md").read_text(encoding="utf-8")
    assert "trumpet by Someone" in licence and "CC BY-SA 4.0" in licence
    assert "real/digits/" in (out / "README.md").read_text(encoding="utf-8")


def test_missing_attribution_stops_the_script(tmp_path, make_data):
    source = write_source(tmp_path / "source", make_data)
    (source / "clips" / make_data.REAL_CLIPS[0].source_file).with_suffix(".txt").unlink()
    with pytest.raises(SystemExit, match="attribution"):
        make_data.bundle_real_clips(tmp_path / "out", source)


def test_unknown_licence_is_refused(make_data):
    assert make_data.spdx_licence("CC-BY 4.0") == "CC-BY-4.0"
    assert make_data.spdx_licence("Public Domain") == "public-domain"
    with pytest.raises(SystemExit, match="Unknown licence"):
        make_data.spdx_licence("All rights reserved")


def test_real_only_needs_real(make_data, tmp_path):
    with pytest.raises(SystemExit):
        make_data.main(["--out", str(tmp_path), "--real-only"])
