"""The one spectral front end: agreement with librosa, round trips, floors, and clear errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from course_utils import spectral
from course_utils.errors import SettingError, SignalError
from course_utils.metrics import log_spectral_distance, snr_db
from course_utils.spectral import log_magnitude, to_audio

SR = 8000


@pytest.fixture
def chord():
    """Half a second of two partials with an onset, at 8 kHz."""
    t = np.arange(SR // 2) / SR
    x = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 550 * t + 1.0)
    return (x * np.minimum(1.0, 20 * t)).astype(np.float32)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "n_fft, hop, center", [(256, 64, True), (512, 128, True), (512, None, False), (1024, 256, True)]
)
def test_stft_matches_librosa(chord, dtype, n_fft, hop, center):
    import librosa

    clip = chord.astype(dtype)
    ours = spectral.stft(clip, n_fft=n_fft, hop_length=hop, center=center)
    theirs = librosa.stft(y=clip, n_fft=n_fft, hop_length=hop or n_fft // 4, center=center)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5 * np.abs(theirs).max())
    power = spectral.power_spectrogram(clip, n_fft=n_fft, hop_length=hop, center=center)
    np.testing.assert_allclose(
        power, np.abs(theirs) ** 2, rtol=1e-3, atol=1e-6 * np.abs(theirs).max() ** 2
    )


@pytest.mark.filterwarnings("ignore:n_fft=256 is too large")
def test_stft_of_a_clip_shorter_than_a_window_is_padded_like_librosa():
    import librosa

    clip = np.random.default_rng(0).normal(size=50).astype(np.float32)
    np.testing.assert_allclose(
        spectral.stft(clip, n_fft=256, hop_length=64),
        librosa.stft(y=clip, n_fft=256, hop_length=64),
        atol=1e-5,
    )


@pytest.mark.parametrize(
    "sr, n_fft, n_mels, fmin, fmax",
    [(8000, 256, 40, 100.0, None), (22050, 1024, 64, 0.0, 8000.0), (16000, 512, 80, 0.0, None)],
)
def test_numpy_mel_matches_librosa(chord, sr, n_fft, n_mels, fmin, fmax):
    import librosa

    np.testing.assert_allclose(
        spectral.mel_filterbank(sr, n_fft, n_mels, fmin, fmax),
        librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax),
        atol=1e-7,
    )
    ours = spectral.mel_spectrogram(
        chord, sr, n_fft=n_fft, hop_length=n_fft // 4, n_mels=n_mels, fmin=fmin, fmax=fmax
    )
    theirs = librosa.feature.melspectrogram(
        y=chord, sr=sr, n_fft=n_fft, hop_length=n_fft // 4, n_mels=n_mels, fmin=fmin, fmax=fmax
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-3, atol=1e-6 * theirs.max())


@pytest.mark.parametrize(
    "ref, amin, top_db", [(1.0, 1e-10, 80.0), (3.0, 1e-5, None), (0.5, 1e-20, 35.0)]
)
def test_power_to_db_matches_librosa(chord, ref, amin, top_db):
    import librosa

    power = spectral.power_spectrogram(chord, n_fft=256, hop_length=64)
    np.testing.assert_allclose(
        spectral.power_to_db(power, ref=ref, amin=amin, top_db=top_db),
        librosa.power_to_db(S=power, ref=ref, amin=amin, top_db=top_db),
        atol=1e-4,
    )
    assert spectral.power_to_db(power).dtype == np.float32


def test_log_spectral_distance_is_the_same_as_with_librosas_stft(chord):
    import librosa

    noisy = chord + 0.05 * np.random.default_rng(1).normal(size=len(chord)).astype(np.float32)
    x, y = chord.astype(np.float64), noisy.astype(np.float64)
    ref = np.abs(librosa.stft(y=x, n_fft=512, hop_length=128, center=False))
    est = np.abs(librosa.stft(y=y, n_fft=512, hop_length=128, center=False))
    assert log_spectral_distance(chord, noisy) == pytest.approx(
        log_spectral_distance(ref, est), rel=1e-6
    )


def test_the_numpy_front_end_does_not_load_numba():
    """Why the STFT and mel are NumPy: librosa's load numba (about 140 MB) into a notebook that holds TensorFlow."""
    code = (
        "import sys, numpy as np\n"
        "from course_utils import features, metrics, spectral\n"
        "x = np.random.default_rng(0).normal(size=4000).astype(np.float32)\n"
        "spectral.log_magnitude(x); features.log_mel_patch(x, 8000); features.mfcc_statistics(x, 8000)\n"
        "metrics.log_spectral_distance(x, 0.5 * x)\n"
        "print('numba' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False", result.stdout + result.stderr


def test_log_magnitude_uses_the_one_floor_and_to_audio_undoes_it(chord):
    silence = np.zeros(2048, dtype=np.float32)
    log_mag, _ = log_magnitude(silence, n_fft=256, hop_length=64)
    assert np.allclose(log_mag, np.log(spectral.EPS))
    log_mag, _ = log_magnitude(chord, n_fft=256, hop_length=64)
    magnitude = np.abs(spectral.stft(chord, n_fft=256, hop_length=64))
    np.testing.assert_allclose(np.exp(log_mag) - spectral.EPS, magnitude, rtol=1e-4, atol=1e-6)


def test_stored_phase_gives_the_clip_back(chord):
    log_mag, phase = log_magnitude(chord, n_fft=256, hop_length=64)
    assert log_mag.shape == phase.shape == (129, 1 + len(chord) // 64)
    assert np.all(np.abs(phase) <= np.pi + 1e-6)
    back = to_audio(log_mag, phase, hop_length=64, length=len(chord))
    assert back.shape == chord.shape
    assert snr_db(chord, back) > 40
    # Unit complex numbers work as well as angles.
    again = to_audio(log_mag, np.exp(1j * phase), hop_length=64, length=len(chord))
    assert snr_db(chord, again) > 40


def test_griffin_lim_keeps_the_magnitude_not_the_waveform(chord):
    log_mag, _ = log_magnitude(chord, n_fft=256, hop_length=64)
    estimate = to_audio(log_mag, hop_length=64, length=len(chord), n_iter=32, seed=0)
    assert estimate.shape == chord.shape and estimate.dtype == np.float32
    assert np.all(np.isfinite(estimate))
    assert log_spectral_distance(chord, estimate, n_fft=256) < 3.0
    assert snr_db(chord, estimate) < 10  # a different waveform
    # Seeded: the same seed gives the same sound, another seed another one.
    np.testing.assert_array_equal(
        estimate, to_audio(log_mag, hop_length=64, length=len(chord), seed=0)
    )
    assert not np.allclose(estimate, to_audio(log_mag, hop_length=64, length=len(chord), seed=1))


def test_to_audio_rejects_mismatches(chord):
    log_mag, phase = log_magnitude(chord, n_fft=256, hop_length=64)
    with pytest.raises(SignalError, match="log_mag.T"):
        to_audio(log_mag[:, 0])
    with pytest.raises(SignalError, match="n_fft"):
        to_audio(log_mag, n_fft=512)
    with pytest.raises(SignalError, match="phase"):
        to_audio(log_mag, phase[:, :-1])
    with pytest.raises(SignalError, match="too short"):
        log_magnitude(chord[:50], n_fft=256)


def test_griffinlim_compat_is_seeded_and_warns_nothing_on_this_librosa():
    import warnings

    import librosa

    from course_utils import compat

    rng = np.random.default_rng(0)
    magnitude = np.abs(
        librosa.stft(y=rng.normal(size=4000).astype(np.float32), n_fft=256, hop_length=64)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a renamed-argument FutureWarning would fail here
        first = compat.griffinlim(magnitude, seed=3, n_iter=4, hop_length=64, n_fft=256)
        second = compat.griffinlim(magnitude, seed=3, n_iter=4, hop_length=64, n_fft=256)
    other = compat.griffinlim(magnitude, seed=4, n_iter=4, hop_length=64, n_fft=256)
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, other)
    expected = "rng" if compat.librosa_major_version() >= 1 else "random_state"
    assert compat._griffinlim_seed_name() == expected


def test_bad_input_gets_a_course_error(chord):
    with pytest.raises(SettingError, match="n_fft"):
        spectral.stft(chord, n_fft=0)
    with pytest.raises(SettingError, match="hop_length"):
        spectral.stft(chord, n_fft=256, hop_length=2.5)
    with pytest.raises(SignalError, match="1-D"):
        spectral.stft(np.stack([chord, chord]))
    with pytest.raises(SignalError, match="real numbers"):
        spectral.stft(chord.astype(np.complex64))
    with pytest.raises(SignalError, match="NaN"):
        spectral.stft(np.array([0.0, np.nan, 1.0]))
    with pytest.raises(SignalError, match="shorter than one window"):
        spectral.stft(chord[:100], n_fft=256, center=False)
    with pytest.raises(SignalError, match="real numbers"):
        spectral.power_to_db(spectral.stft(chord))
    with pytest.raises(SettingError, match="top_db"):
        spectral.power_to_db(np.ones(4), top_db=-10)
    with pytest.raises(SettingError, match="amin"):
        spectral.power_to_db(np.ones(4), amin=0)
    with pytest.raises(SettingError, match="fmin"):
        spectral.mel_filterbank(8000, 256, 40, 5000.0, None)
    with pytest.raises(SettingError, match="n_mels"):
        spectral.mel_filterbank(8000, 256, 0)
