"""Loading, checking, framing and overlap-add, including every bad input a learner meets."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils.audio import check_signal, fit_standardizer, frame_signal, load_audio, overlap_add
from course_utils.errors import (
    AudioFileError,
    AudioFileNotFoundError,
    SettingError,
    SignalError,
    SilentSignalError,
)


def test_load_audio_keeps_native_rate_and_float32(wav_file, tone):
    samples, sr = load_audio(wav_file)
    assert sr == tone[1]
    assert samples.dtype == np.float32
    np.testing.assert_allclose(samples, tone[0], atol=1 / 2**15)


def test_load_audio_resamples_offset_and_duration(wav_file):
    samples, sr = load_audio(wav_file, sr=16000, offset=0.25, duration=0.5)
    assert sr == 16000
    assert len(samples) == 8000


def test_stereo_is_averaged_or_kept(tmp_path):
    left = np.full(800, 0.5, dtype=np.float32)
    right = np.full(800, -0.25, dtype=np.float32)
    path = tmp_path / "stereo.wav"
    soundfile.write(path, np.stack([left, right], axis=1), 8000, subtype="FLOAT")
    mono, _ = load_audio(path)
    np.testing.assert_allclose(mono, 0.125, atol=1e-6)
    both, _ = load_audio(path, mono=False)
    assert both.shape == (2, 800)


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(AudioFileNotFoundError, match="nope.wav"):
        load_audio(tmp_path / "nope.wav")


def test_directory_is_rejected(tmp_path):
    with pytest.raises(AudioFileError, match="is a folder"):
        load_audio(tmp_path)


def test_zero_length_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioFileError, match="empty"):
        load_audio(path)


def test_text_file_named_wav(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("this is not audio\n" * 20)
    with pytest.raises(AudioFileError, match="could not be read as audio.*Convert it"):
        load_audio(path)


def test_unsupported_format(tmp_path):
    path = tmp_path / "clip.xyz"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(AudioFileError, match="Readable formats"):
        load_audio(path)


def test_header_without_samples(tmp_path):
    path = tmp_path / "nothing.wav"
    soundfile.write(path, np.zeros(0, dtype=np.float32), 8000)
    with pytest.raises(AudioFileError, match="no samples"):
        load_audio(path)


def test_nan_in_file_is_caught(tmp_path):
    samples = np.zeros(800, dtype=np.float32)
    samples[10] = np.nan
    path = tmp_path / "nan.wav"
    soundfile.write(path, samples, 8000, subtype="FLOAT")
    with pytest.raises(SignalError, match="NaN or Inf.*index 10"):
        load_audio(path)


def test_offset_past_end(wav_file):
    with pytest.raises(SettingError, match="past the end"):
        load_audio(wav_file, offset=5.0)


@pytest.mark.parametrize("bad", [np.array([1.0, np.inf]), np.array([np.nan])])
def test_check_signal_rejects_non_finite(bad):
    with pytest.raises(SignalError, match="NaN or Inf"):
        check_signal(bad)


def test_check_signal_rejects_stereo_shape():
    with pytest.raises(SignalError, match="stereo"):
        check_signal(np.zeros((2, 100)))


def test_check_signal_rejects_empty():
    with pytest.raises(SignalError, match="empty"):
        check_signal(np.zeros(0))


def test_fit_standardizer_refuses_silence():
    with pytest.raises(SilentSignalError, match="silent"):
        fit_standardizer(np.zeros(1000))


def test_fit_standardizer_matches_article_scaler():
    from sklearn.preprocessing import StandardScaler

    x = np.random.default_rng(0).normal(2.0, 3.0, 5000)
    ours = fit_standardizer(x)
    article = StandardScaler().fit(x.reshape(-1, 1))
    np.testing.assert_allclose(ours.mean_, article.mean_)
    np.testing.assert_allclose(ours.scale_, article.scale_)


def test_frame_signal_shape_and_content():
    x = np.arange(10, dtype=np.float32)
    frames = frame_signal(x, frame_length=4, hop_length=2)
    assert frames.shape == (4, 4)
    np.testing.assert_array_equal(frames[1], [2, 3, 4, 5])


def test_frame_signal_pad_covers_every_sample():
    x = np.arange(10, dtype=np.float32)
    frames = frame_signal(x, frame_length=4, hop_length=4, pad=True)
    assert frames.shape == (3, 4)
    np.testing.assert_array_equal(frames.ravel()[:10], x)


def test_clip_shorter_than_one_frame():
    with pytest.raises(SignalError, match="shorter than one frame of 256.*pad=True"):
        frame_signal(np.ones(100), frame_length=256, hop_length=128)


@pytest.mark.parametrize(
    ("frame_length", "hop_length"), [(0, 1), (4, 0), (-3, 1), (4, -1), (4.5, 2)]
)
def test_frame_settings_must_be_positive_integers(frame_length, hop_length):
    with pytest.raises(SettingError, match="positive whole number"):
        frame_signal(np.ones(100), frame_length=frame_length, hop_length=hop_length)


def test_hop_larger_than_frame_is_rejected():
    with pytest.raises(SettingError, match="larger than frame_length"):
        frame_signal(np.ones(100), frame_length=4, hop_length=8)


def test_overlap_add_wrong_shape():
    with pytest.raises(SignalError, match=r"frames\[\.\.\., 0\]"):
        overlap_add(np.ones((3, 4, 1)), hop_length=2)


def test_overlap_add_averages_disagreeing_frames():
    frames = np.array([[1.0, 1.0], [3.0, 3.0]])
    np.testing.assert_allclose(overlap_add(frames, hop_length=1), [1.0, 2.0, 3.0])


def test_overlap_add_length_trims_and_pads():
    frames = np.ones((2, 4))
    assert len(overlap_add(frames, hop_length=4, length=6)) == 6
    padded = overlap_add(frames, hop_length=4, length=10)
    np.testing.assert_array_equal(padded[8:], 0.0)


@settings(max_examples=60, deadline=None)
@given(
    signal=arrays(np.float64, st.integers(16, 400), elements=st.floats(-1, 1, width=32)),
    frame_length=st.integers(1, 16),
    hop_fraction=st.floats(0.05, 1.0),
    window=st.sampled_from([None, "hann", "hamming"]),
)
def test_framing_round_trip_is_exact(signal, frame_length, hop_fraction, window):
    hop_length = max(1, int(frame_length * hop_fraction))
    frames = frame_signal(signal, frame_length=frame_length, hop_length=hop_length)
    rebuilt = overlap_add(frames, hop_length=hop_length, window=window)
    covered = (len(frames) - 1) * hop_length + frame_length
    assert len(rebuilt) == covered
    np.testing.assert_allclose(rebuilt, signal[:covered], atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    signal=arrays(np.float64, st.integers(1, 300), elements=st.floats(-1, 1, width=32)),
    frame_length=st.integers(1, 32),
    hop_fraction=st.floats(0.05, 1.0),
)
def test_padded_framing_round_trip_recovers_whole_signal(signal, frame_length, hop_fraction):
    hop_length = max(1, int(frame_length * hop_fraction))
    frames = frame_signal(signal, frame_length=frame_length, hop_length=hop_length, pad=True)
    rebuilt = overlap_add(frames, hop_length=hop_length, length=len(signal))
    np.testing.assert_allclose(rebuilt, signal, atol=1e-12)


# --- hardening (issue #12, items 4 and 5) ---------------------------------------------------

import warnings  # noqa: E402

from course_utils.errors import CourseWarning  # noqa: E402


@pytest.mark.parametrize("sr", [0, -8000, 16000.5, True, "16000", np.nan, float("inf"), [8000]])
def test_load_audio_sr_must_be_a_positive_whole_number(wav_file, sr):
    with pytest.raises(SettingError, match="sr must be a positive whole number"):
        load_audio(wav_file, sr=sr)


def test_load_audio_accepts_whole_number_rates_of_any_type(wav_file):
    for sr in (16000, np.int64(16000), 16000.0):
        samples, rate = load_audio(wav_file, sr=sr)
        assert rate == 16000 and type(rate) is int and len(samples) == 16000


@pytest.mark.parametrize(
    ("offset", "duration"),
    [
        (np.nan, None),
        (0.0, np.nan),
        (float("inf"), None),
        (0.0, float("inf")),
        ("0", None),
        (0.0, "1"),
        (True, None),
    ],
)
def test_load_audio_offset_and_duration_must_be_finite_numbers(wav_file, offset, duration):
    with pytest.raises(SettingError, match="offset|duration"):
        load_audio(wav_file, offset=offset, duration=duration)


def test_a_truncated_wav_loads_with_a_warning_that_says_how_much_is_missing(tmp_path, wav_file):
    whole = wav_file.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole[: len(whole) - 4000])  # 2000 of 8000 PCM_16 samples are missing
    with pytest.warns(CourseWarning, match="cut.wav") as caught:
        samples, sr = load_audio(cut)
    message = str(caught[0].message)
    assert "truncated" in message and "2000 samples" in message and "0.250 s" in message
    assert len(samples) == 6000 and sr == 8000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_audio(wav_file)  # a whole file: no warning


def test_a_float_file_beyond_full_scale_warns(tmp_path):
    path = tmp_path / "loud.wav"
    soundfile.write(path, np.array([0.0, 1.5, -2.0, 0.5], dtype=np.float32), 8000, subtype="FLOAT")
    with pytest.warns(CourseWarning, match=r"loud.wav.*2\.0") as caught:
        samples, _ = load_audio(path)
    assert "[-1, 1]" in str(caught[0].message)
    assert samples.max() == 1.5  # loaded as it is: the warning says how to scale it
    quiet = tmp_path / "quiet.wav"
    soundfile.write(quiet, np.array([0.0, 1.0, -1.0], dtype=np.float32), 8000, subtype="FLOAT")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_audio(quiet)


def test_load_audio_paths_as_bytes_and_empty(wav_file):
    samples, sr = load_audio(bytes(wav_file))
    assert sr == 8000 and len(samples) == 8000
    for empty in ("", b"", "   "):
        with pytest.raises(AudioFileError, match="empty"):
            load_audio(empty)
    with pytest.raises(AudioFileError, match="path"):
        load_audio(None)


def test_frame_signal_checks_the_size_before_allocating():
    x = np.zeros(1000, dtype=np.float32)
    with pytest.raises(SignalError, match="max_bytes") as caught:
        frame_signal(x, 10**9, 10**9, pad=True)
    assert "GB" in str(caught.value)
    with pytest.raises(SignalError, match="max_bytes"):
        frame_signal(np.zeros(100_000, dtype=np.float32), 4096, 1, max_bytes=10**8)
    assert frame_signal(x, 4000, 4000, pad=True, max_bytes=16_000).shape == (1, 4000)


def test_overlap_add_refuses_an_unusable_window():
    frames = np.ones((4, 8))
    for window in (
        np.full(8, np.nan),
        np.zeros(8),
        np.r_[np.ones(7), -1.0],
        np.r_[np.ones(7), np.inf],
    ):
        with pytest.raises(SignalError, match="window"):
            overlap_add(frames, 4, window=window)


@pytest.mark.parametrize("length", [-5, 0, 2.5, True, "20"])
def test_overlap_add_length_must_be_a_positive_whole_number(length):
    with pytest.raises(SettingError, match="length"):
        overlap_add(np.ones((4, 8)), 4, length=length)


def test_overlap_add_checks_the_padded_size():
    with pytest.raises(SignalError, match="max_bytes"):
        overlap_add(np.ones((4, 8)), 4, length=10**12)


def test_frame_signal_gives_librosas_frames_without_loading_numba():
    """One framing path (NumPy's sliding windows, as spectral.stft): the same rows as
    librosa.util.frame, and no numba (about 1 s and 167 MB on first use, issue #19)."""
    import subprocess
    import sys

    import librosa

    x = np.random.default_rng(0).standard_normal(1000).astype(np.float32)
    for frame_length, hop_length in ((256, 64), (100, 100), (7, 3)):
        expected = librosa.util.frame(x, frame_length=frame_length, hop_length=hop_length, axis=0)
        np.testing.assert_array_equal(frame_signal(x, frame_length, hop_length), expected)
    probe = (
        "import sys, numpy as np\nfrom course_utils.audio import frame_signal\n"
        "frame_signal(np.ones(1000, np.float32), 256, 64)\nprint('numba' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "False", result.stderr


def test_a_fifo_or_device_is_not_called_an_empty_file(tmp_path):
    import os

    from course_utils.audio import load_audio
    from course_utils.errors import AudioFileError

    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/null"):
        with pytest.raises(AudioFileError, match="not a regular file") as caught:
            load_audio(path)
        assert "empty" not in str(caught.value)
