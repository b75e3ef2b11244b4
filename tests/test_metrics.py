"""The metrics: known values, invariances and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils.errors import SettingError, SignalError, SilentSignalError
from course_utils.metrics import compression_ratio, log_spectral_distance, mse, snr_db

finite_signals = arrays(np.float64, st.integers(8, 200), elements=st.floats(-1, 1, width=32))


def test_mse_known_value():
    assert mse([0.0, 0.0], [1.0, 3.0]) == pytest.approx(5.0)


def test_snr_known_values():
    x = np.ones(100)
    assert snr_db(x, x * 0.9) == pytest.approx(20.0)  # error energy 1 % of the signal
    assert snr_db(x, np.zeros(100)) == pytest.approx(0.0)
    assert snr_db(x, x) == float("inf")


def test_snr_of_silent_reference_is_an_error():
    with pytest.raises(SilentSignalError, match="silent"):
        snr_db(np.zeros(10), np.ones(10))


def test_shape_mismatch_says_how_to_fix():
    with pytest.raises(SignalError, match="same length"):
        mse(np.ones(10), np.ones(11))


def test_nan_estimate_is_an_error_not_a_nan():
    estimate = np.ones(10)
    estimate[3] = np.nan
    with pytest.raises(SignalError, match="NaN"):
        snr_db(np.ones(10), estimate)


@settings(max_examples=50, deadline=None)
@given(signal=finite_signals, gain=st.floats(0.01, 100))
def test_snr_is_scale_invariant(signal, gain):
    if np.sum(signal**2) < 1e-6:
        return
    estimate = signal * 0.8 + 0.01
    assert snr_db(signal * gain, estimate * gain) == pytest.approx(
        snr_db(signal, estimate), abs=1e-6
    )


@settings(max_examples=50, deadline=None)
@given(reference=finite_signals, data=st.data())
def test_mse_is_symmetric_and_non_negative(reference, data):
    estimate = data.draw(arrays(np.float64, reference.shape, elements=st.floats(-1, 1, width=32)))
    assert mse(reference, estimate) >= 0
    assert mse(reference, estimate) == pytest.approx(mse(estimate, reference))


def test_lsd_zero_for_identical_and_grows_with_distortion():
    rng = np.random.default_rng(0)
    x = rng.normal(size=4000)
    assert log_spectral_distance(x, x) == pytest.approx(0.0, abs=1e-9)
    slight = log_spectral_distance(x, x + 0.01 * rng.normal(size=4000))
    strong = log_spectral_distance(x, x + 0.5 * rng.normal(size=4000))
    assert 0 < slight < strong


def test_lsd_ignores_gain_only_through_log_difference():
    x = np.random.default_rng(1).normal(size=4000)
    # Doubling amplitude is +6.02 dB in every bin.
    assert log_spectral_distance(x, 2 * x) == pytest.approx(20 * np.log10(2), rel=1e-6)


def test_lsd_is_blind_to_phase_where_snr_is_not():
    import librosa

    rng = np.random.default_rng(2)
    x = rng.normal(size=8192)
    stft = librosa.stft(y=x, n_fft=512, hop_length=128)
    random_phase = np.exp(2j * np.pi * rng.random(stft.shape))
    scrambled = librosa.istft(
        stft_matrix=np.abs(stft) * random_phase, hop_length=128, length=len(x)
    )
    magnitude_ref = np.abs(stft)
    magnitude_est = np.abs(librosa.stft(y=scrambled, n_fft=512, hop_length=128))
    assert snr_db(x, scrambled) < 1.0
    assert log_spectral_distance(magnitude_ref, magnitude_ref) == 0.0
    assert log_spectral_distance(magnitude_ref, magnitude_est) < log_spectral_distance(
        x, np.zeros_like(x) + 1e-3
    )


def test_lsd_rejects_complex_or_negative_spectrogram():
    with pytest.raises(SignalError, match="magnitude"):
        log_spectral_distance(-np.ones((5, 5)), np.ones((5, 5)))


def test_lsd_short_signal():
    with pytest.raises(SignalError, match="shorter than n_fft"):
        log_spectral_distance(np.ones(100), np.ones(100), n_fft=512)


def test_compression_ratio():
    assert compression_ratio(256, 32) == 8.0
    assert compression_ratio(256, 32, code_bits=8) == 16.0
    assert compression_ratio(256, 32, code_bits=8, side_bits=256) < 16.0
    with pytest.raises(SettingError, match="code_size"):
        compression_ratio(256, 0)


# --- hardening (issue #12, item 6) ----------------------------------------------------------


def test_complex_signals_are_refused_before_any_cast():
    x = np.exp(2j * np.pi * np.arange(64) / 8)
    for metric in (mse, snr_db):
        with pytest.raises(SignalError, match="real numbers.*np.abs"):
            metric(x, x * 0.5)
    stft = np.exp(1j * np.random.default_rng(0).uniform(0, 6, size=(33, 10)))
    with pytest.raises(SignalError, match="real numbers.*np.abs"):
        log_spectral_distance(stft, stft * 1j)


def test_text_is_refused():
    with pytest.raises(SignalError, match="real numbers"):
        snr_db(["a", "b"], ["a", "b"])


@pytest.mark.parametrize("floor_db", [10.0, 0.0, np.nan, -np.inf, "-80", True])
def test_lsd_floor_must_be_a_negative_number(floor_db):
    x = np.random.default_rng(1).normal(size=2048)
    with pytest.raises(SettingError, match="floor_db"):
        log_spectral_distance(x, 0.5 * x, floor_db=floor_db)


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e300])
def test_metrics_do_not_overflow_or_underflow_at_extreme_scales(scale):
    rng = np.random.default_rng(2)
    x = rng.normal(size=2048)
    y = x + 0.1 * rng.normal(size=2048)
    assert snr_db(scale * x, scale * y) == pytest.approx(snr_db(x, y), rel=1e-9)
    assert log_spectral_distance(scale * x, scale * y) == pytest.approx(
        log_spectral_distance(x, y), rel=1e-6
    )


def test_an_mse_too_large_for_float64_is_an_error_not_inf():
    with pytest.raises(SignalError, match="too large"):
        mse(np.full(4, 1e200), np.full(4, -1e200))
    assert mse(np.full(4, 1e100), np.zeros(4)) == pytest.approx(1e200)


@pytest.mark.parametrize(
    "arguments",
    [
        ("256", 32),
        (256, "32"),
        (np.array([256, 512]), 32),
        (256, 32, np.nan),
        (256, 32, 16, [16]),
        (256, 32, 16, 16, np.nan),
        (256, 32, 16, 16, "8"),
        (np.inf, 32),
        (True, 32),
        (None, 32),
    ],
)
def test_compression_ratio_refuses_what_is_not_a_number(arguments):
    with pytest.raises(SettingError, match="must be"):
        compression_ratio(*arguments)


def test_compression_ratio_of_huge_counts_is_exact_or_refused():
    assert compression_ratio(10**200, 10**199) == pytest.approx(10.0)
    assert compression_ratio(1e200, 1e199, 16, 16) == pytest.approx(10.0)
    with pytest.raises(SignalError, match="too large"):
        compression_ratio(1e300, 1, 1e300, 1)
    assert compression_ratio(np.int64(256), np.float32(32)) == 8.0
