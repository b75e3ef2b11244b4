"""course_utils.capstone: the scorer refuses bad codecs, the baseline's score, the reference beats it."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import capstone
from course_utils.errors import CourseError, SettingError, SignalError
from course_utils.settings import SPEECH_RATE


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
    assert sr == hidden_sr == SPEECH_RATE
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
    with pytest.raises(SettingError, match="bits"):
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
        evaluate(
            lambda x: (x * 32767).astype(np.int16).tobytes(),
            lambda data: np.frombuffer(data, np.int16) / 32767,
        )
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
    score = capstone.evaluate_codec(
        lambda x: x.astype(np.float32).tobytes(),
        lambda data: np.frombuffer(data, np.float32),
        samples,
        sr=sr,
        budget_kbps=None,
    )
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
    # Measured: 7.83 kbps, SNR 18.1 dB, log-spectral distance 10.2 dB, about 15 s on 2 idle
    # cores (two fresh processes import TensorFlow).
    assert score.kbps <= capstone.BUDGET_KBPS, score
    assert 17.0 < score.snr_db < 19.5 and score.snr_db > baseline_score.snr_db + 10.0, score
    assert score.lsd_db < baseline_score.lsd_db, (score, baseline_score)
    assert elapsed < 120, elapsed
    linear = capstone.pca_transform_codec()  # PCA with the same entropy coding: 11.8 dB
    linear_score = capstone.score_codec(linear.compress, linear.decompress)
    assert baseline_score.snr_db + 4.0 < linear_score.snr_db < score.snr_db - 4.0, linear_score


def test_transform_codec_checks_its_settings():
    with pytest.raises(SettingError, match="encode must be a function"):
        capstone.TransformCodec("pca.encode", lambda c: c)
    with pytest.raises(SettingError, match="target_kbps"):
        capstone.TransformCodec(lambda f: f, lambda c: c, target_kbps=-1)
    with pytest.raises(SignalError, match="TransformCodec"):
        capstone.TransformCodec(lambda f: f, lambda c: c).decompress(b"XXXX" + bytes(20))


# -- Hardening II (#24): the score cannot be faked --------------------------------------------------
@pytest.fixture(scope="module")
def short_recording(tmp_path_factory, short_speech):
    """2 s of the training speech as a WAV file: an instructor's recording the scorer is pointed at."""
    import soundfile

    samples, sr = short_speech
    path = tmp_path_factory.mktemp("recordings") / "instructor_clip.wav"
    soundfile.write(path, samples, sr, subtype="PCM_16")
    return path


def test_outputs_of_the_wrong_length_dtype_or_kind_are_refused(short_speech, baseline):
    samples, sr = short_speech

    def evaluate(decompress):
        return capstone.evaluate_codec(baseline.compress, decompress, samples, sr=sr)

    with pytest.raises(SettingError, match="exactly the clip's samples"):
        evaluate(lambda data: np.concatenate([baseline.decompress(data), np.zeros(10, np.float32)]))
    with pytest.raises(SettingError, match="complex"):
        evaluate(lambda data: baseline.decompress(data).astype(np.complex64))
    with pytest.raises(SettingError, match="True/False"):
        evaluate(lambda data: baseline.decompress(data) > 0)
    with pytest.raises(SettingError, match="integers"):
        evaluate(lambda data: (baseline.decompress(data) * 32767).astype(np.int16))
    with pytest.raises(SettingError, match="1-D NumPy array of floats"):
        evaluate(lambda data: None)
    with pytest.raises(SettingError, match="dtype <U1"):
        evaluate(lambda data: ["a"] * len(samples))


def test_an_impossible_score_within_the_budget_is_refused(short_speech):
    samples, sr = short_speech
    # The decoder knows the clip without the bytes: SNR inf at 0.04 kbps.
    with pytest.raises(SettingError, match="impossible"):
        capstone.evaluate_codec(lambda x: b"\x00" * 10, lambda data: samples.copy(), samples, sr=sr)
    # ... and a near-copy (60 dB) is as impossible as a perfect one.
    noisy = samples + 1e-3 * np.std(samples) * np.random.default_rng(0).normal(size=len(samples))
    with pytest.raises(SettingError, match="impossible"):
        capstone.evaluate_codec(
            lambda x: b"\x00" * 10, lambda data: noisy.astype(np.float32), samples, sr=sr
        )


@pytest.mark.slow
def test_cheat_a_ticket_remembered_by_compress_does_not_score(short_recording):
    memory = {}

    def compress(samples):
        memory["clip"] = samples.copy()
        return b"\x01"

    def decompress(data):
        return memory["clip"]

    with pytest.raises(SettingError, match="share only the bytes"):
        capstone.score_codec(compress, decompress, audio=short_recording, time_limit=60)


@pytest.mark.slow
def test_cheat_a_decoder_that_loads_the_scored_reader_from_data_does_not_score(baseline):
    def decompress(data):
        return capstone._hidden_speech()[0]  # the honest mistake and the easy cheat: load the clip

    with pytest.raises(SettingError, match="tried to open .*manifest.csv"):
        capstone.score_codec(baseline.compress, decompress, time_limit=60)


@pytest.mark.slow
def test_cheat_a_decoder_that_reads_the_recording_through_a_link_or_soundfile_does_not_score(
    baseline, short_recording, tmp_path
):
    link = tmp_path / "not_the_recording.wav"
    link.symlink_to(short_recording)

    def decompress_soundfile(data):
        import soundfile

        return soundfile.read(str(link), dtype="float32")[0]

    def decompress_numpy(data):
        raw = np.fromfile(str(link), dtype=np.int16)[22:]
        return (raw / 32768).astype(np.float32)

    for decompress in (decompress_soundfile, decompress_numpy):
        with pytest.raises(SettingError, match="tried to open .*not_the_recording.wav"):
            capstone.score_codec(
                baseline.compress, decompress, audio=short_recording, time_limit=60
            )


@pytest.mark.slow
def test_cheat_a_file_written_by_compress_cannot_be_read_by_decompress(short_recording, tmp_path):
    stash = str(tmp_path / "stash.npy")

    def compress(samples):
        np.save(stash, samples)
        return b"\x01" * 100

    def decompress(data):
        return np.load(stash)

    with pytest.raises(SettingError, match="tried to open .*stash.npy"):
        capstone.score_codec(compress, decompress, audio=short_recording, time_limit=60)


@pytest.mark.slow
def test_cheat_replacing_the_metrics_in_the_learners_process_changes_nothing(
    short_recording, monkeypatch
):
    from course_utils import metrics

    monkeypatch.setattr(metrics, "snr_db", lambda reference, estimate: 99.0)
    monkeypatch.setattr(capstone, "_measure", lambda *args, **kwargs: {"snr_db": 99.0})

    def compress(samples):
        return b"\x01" * 100

    def decompress(data):
        return np.random.default_rng(0).normal(scale=0.01, size=32000).astype(np.float32)

    score = capstone.score_codec(compress, decompress, audio=short_recording, time_limit=60)
    assert score.snr_db < 1.0 and score.clip == "instructor_clip.wav", score


@pytest.mark.slow
def test_isolated_decoder_outputs_hangs_and_programs_are_refused(short_recording, baseline):
    def complex_output(data):
        return baseline.decompress(data).astype(np.complex128)

    def endless(data):
        while True:
            pass

    def shell(data):
        import subprocess

        subprocess.run(["cat", str(short_recording)], check=False)
        return baseline.decompress(data)

    def leaves(data):
        import os

        os._exit(0)

    cases = [
        (complex_output, 60, "complex"),
        (endless, 3, "decompress.. did not finish within the time limit of 3 s"),
        (shell, 60, "run a program on"),
        (leaves, 60, "without an answer"),
    ]
    for decompress, time_limit, message in cases:
        with pytest.raises(SettingError, match=message):
            capstone.score_codec(
                baseline.compress, decompress, audio=short_recording, time_limit=time_limit
            )


@pytest.mark.slow
def test_instructors_score_a_codec_file_on_their_own_recording(short_recording, tmp_path, capsys):
    codec_file = tmp_path / "learner_codec.py"
    codec_file.write_text(
        "import numpy as np\n"
        "def compress(samples):\n"
        "    return (np.asarray(samples)[::64] * 127).astype(np.int8).tobytes()\n"
        "def decompress(data):\n"
        "    coarse = np.frombuffer(data, np.int8).astype(np.float32) / 127\n"
        "    return np.repeat(coarse, 64)[:32000]\n",
        encoding="utf-8",
    )
    score = capstone.score_codec_file(codec_file, audio=short_recording)
    assert score.clip == "instructor_clip.wav" and score.kbps == pytest.approx(2.0, rel=0.01), score
    assert capstone.main([str(codec_file), str(short_recording)]) == 0
    assert "instructor_clip.wav: 2.00 kbps" in capsys.readouterr().out
    with pytest.raises(SettingError, match="not a Python file"):
        capstone.score_codec_file(tmp_path)


# -- Hardening II (#24): bounded decoding -----------------------------------------------------------
def _peak_mb(function, *args):
    import tracemalloc

    tracemalloc.start()
    try:
        function(*args)
    finally:
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return peak


def test_unpack_stream_checks_the_header_against_the_input_and_a_cap():
    import struct

    hostile = struct.pack("<4sIIHH", b"SAC1", 4_000_000_000, 4_000_000_000, 60000, 256) + bytes(
        9
    )  # 25 bytes
    with pytest.raises(SignalError, match="truncated|damaged"):
        capstone.unpack_stream(hostile)
    assert _peak_mb(lambda: pytest.raises(SignalError, capstone.unpack_stream, hostile)) < 50
    good = capstone.pack_stream(
        np.random.default_rng(0).normal(size=(40, 5)), 4, n_samples=10240, frame_length=256
    )
    for cut in (len(good) - 1, 20, 17):
        with pytest.raises(SignalError, match="truncated|damaged"):
            capstone.unpack_stream(good[:cut])
    with pytest.raises(SignalError, match="max_samples"):
        capstone.unpack_stream(good, max_samples=1000)
    assert capstone.unpack_stream(good, max_samples=10240)[1] == 10240
    # All-zero bits: a few bytes could claim billions of frames.
    zero_bits = bytearray(capstone.pack_stream(np.ones((2, 1)), 0, n_samples=512, frame_length=256))
    struct.pack_into("<I", zero_bits, 8, 4_000_000_000)
    with pytest.raises(SignalError, match="max_samples"):
        capstone.unpack_stream(bytes(zero_bits))


def test_transform_codec_decompress_is_bounded_and_says_what_is_wrong():
    import lzma
    import struct

    codec = capstone.TransformCodec(
        lambda f: f[:, :8], lambda c: np.repeat(c, 32, axis=1), frame_length=256
    )
    # 15 KB that inflates to 100 MB of zeros.
    bomb = lzma.compress(bytes(100_000_000), format=lzma.FORMAT_RAW, filters=capstone._LZMA_FILTERS)
    hostile = struct.pack("<4sIIHf", b"SAT1", 256 * 1000, 1000, 8, 0.1) + bomb
    assert len(hostile) < 40_000
    with pytest.raises(SignalError, match="damaged|truncated"):
        codec.decompress(hostile)
    assert _peak_mb(lambda: pytest.raises(SignalError, codec.decompress, hostile)) < 50
    for junk in (
        b"",
        b"SAT1",
        b"SAT1" + bytes(10),
        struct.pack("<4sIIHf", b"SAT1", 10, 1, 8, float("nan")),
        struct.pack("<4sIIHf", b"SAT1", 256, 1, 8, 0.1) + b"not lzma at all",
    ):
        with pytest.raises(SignalError):
            codec.decompress(junk)
    huge = struct.pack("<4sIIHf", b"SAT1", 4_000_000_000, 4_000_000_000, 8, 0.1) + bomb[:100]
    with pytest.raises(SignalError, match="max_samples"):
        codec.decompress(huge)
    samples = np.random.default_rng(0).normal(scale=0.1, size=4096).astype(np.float32)
    assert codec.decompress(codec.compress(samples)).shape == samples.shape
