"""Features of spoken digits: log-mel patches, cepstral smoothing, MFCC statistics."""

from __future__ import annotations

import numpy as np
import pytest
from spoken_words import SR, word

from course_utils import features
from course_utils.errors import SettingError, SignalError, SilentSignalError


@pytest.mark.parametrize("length", [1, 10, 200, 4000, 60 * SR])
def test_patch_and_mfcc_have_fixed_shapes_and_are_finite_for_any_length(length):
    clip = np.resize(word(), length).astype(np.float32)
    clip[0] = 0.3  # never silent, even at length 1
    patch = features.log_mel_patch(clip, SR)
    stats = features.mfcc_statistics(clip, SR)
    assert patch.shape == (40, 32) and patch.dtype == np.float32 and np.isfinite(patch).all()
    assert stats.shape == (40,) and np.isfinite(stats).all()


def test_patch_size_follows_the_arguments():
    patch = features.log_mel_patch(word(), SR, n_mels=24, n_frames=20)
    assert patch.shape == (24, 20)
    assert features.mfcc_statistics(word(), SR, n_mfcc=13).shape == (26,)


@pytest.mark.parametrize("function", [features.log_mel_patch, features.mfcc_statistics])
def test_silence_is_a_clear_error_not_nan(function):
    with pytest.raises(SilentSignalError, match="silent"):
        function(np.zeros(4000, dtype=np.float32), SR)


def test_batch_error_names_the_clip():
    with pytest.raises(SilentSignalError, match="clip 1"):
        features.log_mel_patches([word(), np.zeros(800, dtype=np.float32)], SR)


def test_nan_and_bad_settings_are_rejected():
    clip = word()
    clip[10] = np.nan
    with pytest.raises(SignalError, match="NaN"):
        features.log_mel_patch(clip, SR)
    with pytest.raises(SettingError, match="normalize"):
        features.log_mel_patch(word(), SR, normalize="zscore")
    with pytest.raises(SettingError, match="warp"):
        features.log_mel_patch(word(), SR, warp=3.0)
    with pytest.raises(SettingError, match="sr"):
        features.patch_settings(0)


def test_cmvn_removes_loudness_and_microphone_colour():
    import scipy.signal

    clip = word()
    patch = features.log_mel_patch(clip, SR)
    quieter = features.log_mel_patch(0.05 * clip, SR)
    np.testing.assert_allclose(patch, quieter, atol=1e-3)
    # A fixed filter (a brighter microphone) adds a constant per band in dB; CMVN removes most of it.
    brighter = scipy.signal.lfilter([1.0, -0.9], [1.0], clip).astype(np.float32)
    change_cmvn = np.abs(features.log_mel_patch(brighter, SR) - patch).mean()
    raw, raw_bright = (features.log_mel_patch(x, SR, normalize="global") for x in (clip, brighter))
    assert change_cmvn < 0.6 * np.abs(raw_bright - raw).mean()


def test_patch_is_centred_on_the_word_whatever_the_silence_around_it():
    clip = word()
    patch = features.log_mel_patch(clip, SR)
    hop = features.patch_settings(SR)["hop_length"]
    on_grid = np.concatenate(
        [np.zeros(47 * hop, dtype=np.float32), clip, np.zeros(8 * hop, dtype=np.float32)]
    )
    np.testing.assert_allclose(features.log_mel_patch(on_grid, SR), patch, atol=1e-3)
    off_grid = np.concatenate(
        [np.zeros(3001, dtype=np.float32), clip, np.zeros(500, dtype=np.float32)]
    )
    assert np.abs(features.log_mel_patch(off_grid, SR) - patch).mean() < 0.1


def test_warp_moves_energy_up_the_frequency_axis():
    clip = word()
    plain = features.log_mel_patch(clip, SR, normalize="none")
    warped = features.log_mel_patch(clip, SR, normalize="none", warp=1.2)
    bands = np.arange(plain.shape[0])[:, None]

    def centroid(patch):
        weights = 10 ** (patch / 10)
        return float((bands * weights).sum() / weights.sum())

    assert centroid(warped) > centroid(plain) + 0.5


def test_mfcc_statistics_match_librosa():
    import librosa

    clip = word(seconds=0.37, seed=3)
    mfcc = librosa.feature.mfcc(y=clip, sr=SR, n_mfcc=20, n_mels=40, n_fft=256, hop_length=64)
    expected = np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)])
    np.testing.assert_allclose(features.mfcc_statistics(clip, SR), expected, atol=1e-3)


def test_cepstral_patches_keep_the_envelope_and_drop_the_pitch_ripple():
    import scipy.fft

    bands = np.arange(40)
    envelope = np.exp(-(((bands - 12) / 6.0) ** 2))[:, None] * np.ones((1, 32))  # a formant: smooth
    ripple = np.where(bands % 2 == 0, 1.0, -1.0)[:, None] * np.ones((1, 32))  # harmonics: fast
    smooth = features.cepstral_patches(np.stack([envelope, ripple]).astype(np.float32))
    assert smooth.shape == (2, 12, 32) and smooth.dtype == np.float32
    assert np.allclose(
        smooth[0], scipy.fft.dct(envelope, type=2, axis=0, norm="ortho")[1:13], atol=1e-5
    )
    assert np.sum(smooth[0] ** 2) > 0.3 * np.sum((envelope - envelope.mean(0)) ** 2)
    assert np.sum(smooth[1] ** 2) < 0.02 * np.sum(ripple**2)  # kept: under 1 % of it
    assert features.cepstral_patches(np.zeros((3, 40, 8)), n_ceps=5).shape == (3, 4, 8)


def test_cepstral_patches_reject_bad_input():
    with pytest.raises(SignalError, match="n_mels, n_frames"):
        features.cepstral_patches(np.zeros((40, 32)))
    for n_ceps in (1, 41, 2.5, True):
        with pytest.raises(SettingError, match="n_ceps"):
            features.cepstral_patches(np.zeros((2, 40, 32)), n_ceps=n_ceps)


def test_each_value_is_checked_once_per_call_chain(monkeypatch):
    """The public function a learner calls checks ``sr`` and the sizes once; the helpers below it
    (patch sizes, mel filters, the STFT) trust them, and each clip, a signal, is checked once (#19).
    Mutation: a helper that calls the public ``mel_spectrogram`` again makes the counts grow."""
    import collections

    from course_utils import spectral

    calls = collections.Counter()

    def counting(name, original):
        def counted(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)

        return counted

    for module in (features, spectral):
        for name in ("sample_rate", "positive_int", "check_signal"):
            monkeypatch.setattr(module, name, counting(name, getattr(module, name)))
    clips = [word(), word(), word()]
    features.log_mel_patches(clips, SR)
    assert calls == {"sample_rate": 1, "check_signal": 3}, calls
    calls.clear()
    features.mfcc_table(clips, SR)
    assert calls == {"sample_rate": 1, "positive_int": 2, "check_signal": 3}, (
        calls
    )  # n_mfcc, n_mels
    calls.clear()
    spectral.mel_spectrogram(clips[0], SR, n_fft=256, hop_length=64)
    assert calls == {"sample_rate": 1, "positive_int": 3, "check_signal": 1}, calls
