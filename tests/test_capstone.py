"""course_utils.capstone: the scorer refuses bad codecs, the baseline's score, the reference beats it."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import capstone
from course_utils.errors import CourseError, SettingError, SignalError


@pytest.fixture(scope="module")
def baseline():
    return capstone.baseline_codec()


@pytest.fixture(scope="module")
def baseline_score(baseline):
    return capstone.score_codec(baseline.compress, baseline.decompress)


@pytest.fixture(scope="module")
def short_speech():
    samples, sr = capstone.training_speech(duration=2.0)
    return samples, sr


def test_the_hidden_clip_is_another_reader_than_the_training_clip():
    training, sr = capstone.training_speech()
    hidden, hidden_sr = capstone._hidden_speech()
    assert sr == hidden_sr == capstone.SAMPLE_RATE
    assert capstone.HIDDEN_CLIP != capstone.TRAINING_CLIP
    assert 13 < len(training) / sr < 15 and 16 < len(hidden) / sr < 18


def test_pack_stream_round_trip_counts_every_byte():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(50, 6)).astype(np.float32)
    bits = [8, 6, 4, 3, 1, 0]
    data = capstone.pack_stream(codes, bits, n_samples=12345, frame_length=256)
    level_bits = 50 * sum(bits)
    assert len(data) == 16 + 6 + 2 * 6 * 4 + -(-level_bits // 8)
    restored, n_samples, frame_length = capstone.unpack_stream(data)
    assert (n_samples, frame_length) == (12345, 256) and restored.shape == codes.shape
    for j, b in enumerate(bits):
        if b == 0:
            assert np.allclose(restored[:, j], codes[:, j].mean(), atol=1e-5)
        else:
            step = (codes[:, j].max() - codes[:, j].min()) / (2**b - 1)
            assert np.max(np.abs(restored[:, j] - codes[:, j])) <= step / 2 + 1e-5
    with pytest.raises(SignalError, match="bits"):
        capstone.pack_stream(codes, [4, 4], 100, 256)
    with pytest.raises(SignalError, match="pack_stream"):
        capstone.unpack_stream(b"not a stream at all")


def test_scorer_rejects_bad_codecs(short_speech, baseline):
    samples, sr = short_speech

    def evaluate(compress, decompress, **kwargs):
        return capstone.evaluate_codec(compress, decompress, samples, sr=sr, **kwargs)

    with pytest.raises(SettingError, match="must be a function"):
        evaluate(baseline.compress(samples), baseline.decompress)
    with pytest.raises(SettingError, match="must return bytes"):
        evaluate(lambda x: x.astype(np.float32), lambda data: data)
    with pytest.raises(SettingError, match="no bytes"):
        evaluate(lambda x: b"", baseline.decompress)
    with pytest.raises(SettingError, match="whole clip"):
        evaluate(baseline.compress, lambda data: baseline.decompress(data)[:-100])
    with pytest.raises(SettingError, match="1-D"):
        evaluate(baseline.compress, lambda data: baseline.decompress(data).reshape(1, -1))
    with pytest.raises(SignalError, match="NaN"):
        evaluate(baseline.compress, lambda data: np.full(len(samples), np.nan))
    with pytest.raises(SettingError, match="over the 8 kbps budget"):
        evaluate(lambda x: (x * 32767).astype(np.int16).tobytes(),
                 lambda data: np.frombuffer(data, np.int16) / 32767)
    with pytest.raises(SignalError, match="1-D signal"):
        capstone.evaluate_codec(baseline.compress, baseline.decompress, samples[:100], sr=sr)
    # Every refusal is a course error, so `except CourseError` catches them all.
    assert issubclass(SettingError, CourseError)


def test_a_decoder_that_remembers_the_clip_instead_of_reading_the_bytes_is_caught(short_speech):
    samples, sr = short_speech
    memory = {}

    def compress(x):
        memory["last"] = x.copy()
        return b"\x00" * 100

    def decompress(data):
        return memory["last"]

    score = capstone.evaluate_codec(compress, decompress, samples, sr=sr)
    assert score.snr_db < 1.0, score  # it decoded the decoy, not the clip


def test_uncompressed_audio_is_perfect_without_a_budget(short_speech):
    samples, sr = short_speech
    score = capstone.evaluate_codec(lambda x: x.astype(np.float32).tobytes(),
                                    lambda data: np.frombuffer(data, np.float32), samples, sr=sr,
                                    budget_kbps=None)
    assert score.snr_db == float("inf") and score.kbps == pytest.approx(512.0, rel=1e-3)


def test_baseline_score_is_in_its_measured_range(baseline_score):
    # Measured: 7.64 kbps, SNR 5.40 dB, log-spectral distance 15.3 dB on the hidden reader.
    assert baseline_score.clip == "speech_male"
    assert 7.4 < baseline_score.kbps <= capstone.BUDGET_KBPS, baseline_score
    assert 4.5 < baseline_score.snr_db < 6.5, baseline_score
    assert 12.0 < baseline_score.lsd_db < 19.0, baseline_score


def test_reference_solution_beats_the_baseline_within_the_budget(baseline_score):
    import time

    started = time.perf_counter()
    reference = capstone.reference_codec()
    score = capstone.score_codec(reference.compress, reference.decompress)
    elapsed = time.perf_counter() - started
    # Measured: 7.84 kbps, SNR 11.8 dB, log-spectral distance 13.9 dB, about 6 s.
    assert score.kbps <= capstone.BUDGET_KBPS, score
    assert score.snr_db > baseline_score.snr_db + 4.0, (score, baseline_score)
    assert score.lsd_db < baseline_score.lsd_db, (score, baseline_score)
    assert elapsed < 60, elapsed


def test_transform_codec_checks_its_settings():
    with pytest.raises(SettingError, match="encode must be a function"):
        capstone.TransformCodec("pca.encode", lambda c: c)
    with pytest.raises(SettingError, match="target_kbps"):
        capstone.TransformCodec(lambda f: f, lambda c: c, target_kbps=-1)
    with pytest.raises(SignalError, match="TransformCodec"):
        capstone.TransformCodec(lambda f: f, lambda c: c).decompress(b"XXXX" + bytes(20))
