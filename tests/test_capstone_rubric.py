"""The capstone's starting point beats the PCA baseline on held-out speech, the rubric credits a
measured autoencoder attempt, and no lesson loads the scored reader."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from course_utils import capstone, data
from course_utils.errors import SettingError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def held_out_reader():
    samples, sr = data.load_reader(data.HELD_OUT_READER)
    return samples, sr


@pytest.fixture(scope="module")
def reference():
    return capstone.reference_codec()


def _lesson_sources():
    for path in sorted((ROOT / "notebooks").glob("**/[0-9][0-9]_*.ipynb")):
        if path.stem.startswith("13_"):
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        yield path, "\n".join("".join(cell["source"]) for cell in cells)


def _scored_reader_mentions(text: str) -> list[str]:
    """Every mention of the capstone's scored reader in ``text``: clip name, loader, speaker, file."""
    row = capstone._clip_row(capstone.HIDDEN_CLIP)
    speaker = re.match(r"(\d+)-", row["source"]).group(1)  # the LibriSpeech speaker id, 3436
    forbidden = re.compile(
        rf"{re.escape(capstone.HIDDEN_CLIP)}|HIDDEN_CLIP|_hidden_speech|\b{speaker}\b|"
        rf"{re.escape(Path(row['path']).name)}"
    )
    return forbidden.findall(text)


def test_no_lesson_loads_plays_or_names_the_scored_reader():
    lessons = list(_lesson_sources())
    assert len(lessons) >= 2 * 13, [p.name for p, _ in lessons]  # 00-12, both languages
    found = {str(p.relative_to(ROOT)): _scored_reader_mentions(text) for p, text in lessons}
    assert not {p: hits for p, hits in found.items() if hits}


@pytest.mark.parametrize(
    "line",
    [
        'speech, _ = data.load_real_clip("speech_male")',
        "x, sr = capstone._hidden_speech()",
        "print(capstone.HIDDEN_CLIP)",
        "LibriSpeech speaker 3436 reads",
        'soundfile.read("data/real/clips/speech_male.wav")',
    ],
)
def test_the_check_finds_every_way_to_reach_the_scored_reader(line):
    assert _scored_reader_mentions(line)
    assert not _scored_reader_mentions(
        "data.load_reader(data.HELD_OUT_READER)  # reader 78, 14.4 s"
    )


def test_the_held_out_reader_is_neither_scored_nor_trained_on():
    from course_utils import denoising

    assert data.HELD_OUT_READER in denoising.TEST_READERS  # the denoiser never trains on him
    record = json.loads((data.data_dir() / "weights" / "lapped_speech.json").read_text())
    assert record["training_audio"] == f"{capstone.TRAINING_CLIP} (16 kHz)"
    assert data.HELD_OUT_READER in record["held_out"]
    assert capstone.HIDDEN_CLIP not in json.dumps(record)


def test_the_autoencoder_reference_beats_the_baseline_on_held_out_speech(
    held_out_reader, reference
):
    samples, sr = held_out_reader
    baseline = capstone.baseline_codec()
    base = capstone.evaluate_codec(
        baseline.compress, baseline.decompress, samples, sr, budget_kbps=None
    )
    pca = capstone.pca_transform_codec()
    linear = capstone.evaluate_codec(pca.compress, pca.decompress, samples, sr)
    lapped_score = capstone.evaluate_codec(reference.compress, reference.decompress, samples, sr)
    # Measured on reader 78: baseline 4.5 dB (7.66 kbps), PCA + LZMA 14.2, lapped + LZMA 20.7 (7.82).
    assert lapped_score.kbps <= capstone.BUDGET_KBPS
    assert lapped_score.snr_db > base.snr_db + 12.0, (lapped_score, base)
    assert lapped_score.snr_db > linear.snr_db + 5.0, (lapped_score, linear)
    assert lapped_score.lsd_db < min(base.lsd_db, linear.lsd_db)


def test_the_lapped_codec_survives_pickling_and_rejects_other_models(held_out_reader, reference):
    import pickle

    samples, _ = held_out_reader
    stream = reference.compress(samples[:32000])
    copy = pickle.loads(pickle.dumps(reference))
    assert np.array_equal(copy.decompress(stream), reference.decompress(stream))
    with pytest.raises(SettingError, match="LappedAutoencoder"):
        capstone.LappedCodec(model="lapped_speech.npz")


def _fine_tuned_codec():
    codec = capstone.reference_codec()
    codec.model.gains.assign(codec.model.gains.numpy() * 1.01)  # a stand-in for fine-tuning
    return codec


@pytest.fixture(scope="module")
def scores(reference):
    baseline = capstone.baseline_codec()
    fine_tuned = _fine_tuned_codec()
    return {
        "baseline": capstone.score_codec(baseline.compress, baseline.decompress),
        "reference": capstone.score_codec(reference.compress, reference.decompress),
        "fine-tuned": capstone.score_codec(fine_tuned.compress, fine_tuned.decompress),
    }


def test_no_full_marks_without_a_measured_autoencoder_attempt(scores, held_out_reader):
    samples, _ = held_out_reader
    baseline, reference = scores["baseline"], scores["reference"]
    # The reference itself, resubmitted, with no attempt of one's own.
    points = capstone.rubric_points(reference, baseline, reference)
    assert points["legal codec"] == 20 and points["beats the baseline"] == 15
    assert points["autoencoder attempt"] == 0 and points["improves on the reference"] == 0
    hand_graded = sum(p for p, _ in capstone.RUBRIC.values()) - sum(
        capstone.RUBRIC[part][0] for part in points if points[part] is not None
    )
    assert sum(capstone.RUBRIC[p][0] for p in capstone.RUBRIC) == 100
    assert sum(v for v in points.values() if v) + hand_graded < 100
    # The baseline resubmitted beats nothing.
    assert capstone.rubric_points(baseline, baseline, reference)["beats the baseline"] == 0

    fine_tuned = _fine_tuned_codec()
    attempt = capstone.measure_autoencoder_attempt(
        fine_tuned.model, fine_tuned.compress, fine_tuned.decompress, samples[: 5 * 16000]
    )
    assert attempt.margin_db > 10, attempt
    points = capstone.rubric_points(scores["fine-tuned"], baseline, reference, attempt)
    assert points["autoencoder attempt"] == 20, points


def test_the_rubric_refuses_what_it_did_not_measure(scores, held_out_reader, reference):
    samples, _ = held_out_reader
    baseline, ref = scores["baseline"], scores["reference"]
    forged = capstone.CodecScore(7.9, 39.0, 1.0, 1000, 1.0, capstone.HIDDEN_CLIP)
    with pytest.raises(SettingError, match="score_codec"):
        capstone.rubric_points(forged, baseline, ref)
    fake_attempt = capstone.AutoencoderAttempt("Mine", 10, 7.9, 30.0, 2.0, 5.0)
    with pytest.raises(SettingError, match="measure_autoencoder_attempt"):
        capstone.rubric_points(ref, baseline, ref, fake_attempt)
    # The course's model unchanged is the reference, not an attempt.
    with pytest.raises(SettingError, match="unchanged"):
        capstone.measure_autoencoder_attempt(
            reference.model, reference.compress, reference.decompress, samples[:32000]
        )
    # A PCA codec with an autoencoder beside it, unused: refused.
    unused = _fine_tuned_codec().model
    pca = capstone.pca_transform_codec()
    with pytest.raises(SettingError, match="does not use"):
        capstone.measure_autoencoder_attempt(unused, pca.compress, pca.decompress, samples[:32000])
    with pytest.raises(SettingError, match="Keras model"):
        capstone.measure_autoencoder_attempt(pca, pca.compress, pca.decompress, samples[:32000])
