"""Features for spoken digits: shapes, robustness, augmentation and the scoring helpers."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import features
from course_utils.data import SpokenDigits
from course_utils.errors import SignalError, SilentSignalError

SR = 8000


def word(seconds=0.5, sr=SR, seed=0, f0=140.0):
    """A word-like test sound: a voiced vowel glide with silence around it and a little noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    envelope = np.sin(np.pi * t / t[-1]) ** 2
    formant = 600 + 1200 * t / t[-1]
    voiced = sum(np.sin(2 * np.pi * k * f0 * t) / k * np.exp(-((k * f0 - formant) / 400) ** 2) for k in range(1, 25))
    silence = np.zeros(int(0.1 * sr))
    clip = np.concatenate([silence, 0.5 * envelope * voiced, silence])
    return (clip + 1e-3 * rng.standard_normal(len(clip))).astype(np.float32)


# --- log-mel patches and MFCC statistics ----------------------------------------------------------


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
    with pytest.raises(SignalError, match="normalize"):
        features.log_mel_patch(word(), SR, normalize="zscore")
    with pytest.raises(SignalError, match="warp"):
        features.log_mel_patch(word(), SR, warp=3.0)
    with pytest.raises(SignalError, match="sr"):
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
    on_grid = np.concatenate([np.zeros(47 * hop, dtype=np.float32), clip, np.zeros(8 * hop, dtype=np.float32)])
    np.testing.assert_allclose(features.log_mel_patch(on_grid, SR), patch, atol=1e-3)
    off_grid = np.concatenate([np.zeros(3001, dtype=np.float32), clip, np.zeros(500, dtype=np.float32)])
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


def test_spectrogram_mel_filters_and_mfcc_match_librosa():
    import librosa

    clip = word(seconds=0.37, seed=3)
    for n_fft, hop in [(256, 64), (512, 128)]:
        ours = features.power_spectrogram(clip, n_fft, hop)
        theirs = np.abs(librosa.stft(y=clip, n_fft=n_fft, hop_length=hop)) ** 2
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6 * theirs.max())
    for sr, n_fft, n_mels, fmin, fmax in [(8000, 256, 40, 100.0, None), (22050, 1024, 64, 0.0, 8000.0)]:
        np.testing.assert_allclose(
            features.mel_filterbank(sr, n_fft, n_mels, fmin, fmax),
            librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax),
            atol=1e-7,
        )
    mfcc = librosa.feature.mfcc(y=clip, sr=SR, n_mfcc=20, n_mels=40, n_fft=256, hop_length=64)
    expected = np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)])
    np.testing.assert_allclose(features.mfcc_statistics(clip, SR), expected, atol=1e-3)


def test_mel_filterbank_rejects_impossible_ranges():
    with pytest.raises(SignalError, match="fmin"):
        features.mel_filterbank(8000, 256, 40, 5000.0, None)


# --- augmentation ---------------------------------------------------------------------------------


def test_augmentation_is_deterministic_given_a_seed_and_changes_the_signal():
    clip = word()
    first = features.augment_clip(clip, SR, np.random.default_rng(7))
    again = features.augment_clip(clip, SR, np.random.default_rng(7))
    other = features.augment_clip(clip, SR, 8)
    np.testing.assert_array_equal(first, again)
    assert first.dtype == np.float32 and np.isfinite(first).all() and np.abs(first).max() <= 1.0
    assert len(first) != len(clip) or not np.allclose(first, clip)
    assert len(first) != len(other) or not np.allclose(first, other)


def test_augmentation_can_be_switched_off_piece_by_piece():
    clip = word()
    same = features.augment_clip(clip, SR, 0, speed=None, gain_db=None, snr_db=None, tilt=None,
                                 reverb_probability=0, shift_seconds=0)
    np.testing.assert_allclose(same, clip, atol=1e-6)
    noisy = features.augment_clip(clip, SR, 0, speed=None, gain_db=None, snr_db=(10.0, 10.0), tilt=None,
                                  reverb_probability=0, shift_seconds=0)
    loud = np.abs(clip) > 0.1 * np.abs(clip).max()
    snr = 10 * np.log10(np.mean(clip[loud] ** 2) / np.mean((noisy - clip) ** 2))
    assert 8.0 < snr < 12.0


def test_augmentation_rejects_a_bad_rng():
    with pytest.raises(SignalError, match="Generator"):
        features.augment_clip(word(), SR, rng="seed")


def test_augmented_patches_shapes_sources_and_determinism():
    clips = [word(seed=1), word(seconds=0.3, seed=2, f0=200.0)]
    patches, source = features.augmented_patches(clips, SR, copies=3, seed=5)
    again, _ = features.augmented_patches(clips, SR, copies=3, seed=5)
    alone, _ = features.augmented_patches(clips[:1], SR, copies=3, seed=5)
    assert patches.shape == (6, 40, 32) and np.isfinite(patches).all()
    np.testing.assert_array_equal(source, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(patches, again)
    np.testing.assert_array_equal(patches[:3], alone)  # a clip's copies do not depend on the others
    assert not np.allclose(patches[0], patches[1])
    with pytest.raises(SignalError, match="copies"):
        features.augmented_patches(clips, SR, copies=0)


# --- scoring ----------------------------------------------------------------------------------------


def toy_digits(speakers=("ann", "bob", "cho"), takes=range(7)):
    labels, who, take_numbers = [], [], []
    for speaker in speakers:
        for digit in range(10):
            for take in takes:
                labels.append(digit)
                who.append(speaker)
                take_numbers.append(take)
    n = len(labels)
    return SpokenDigits(
        audio=[np.zeros(10, dtype=np.float32)] * n,
        labels=np.array(labels),
        speakers=np.array(who),
        takes=np.array(take_numbers),
        sample_rate=SR,
        paths=[None] * n,
    )


def test_perfectly_separable_features_score_one():
    digits = toy_digits()
    rng = np.random.default_rng(0)
    separable = np.eye(10)[digits.labels] * 5 + 0.1 * rng.standard_normal((len(digits), 10))
    standard = features.evaluate_standard_split(separable, digits)
    loso = features.evaluate_leave_one_speaker_out(separable, digits)
    assert standard.accuracy == 1.0 and loso.accuracy == 1.0
    assert set(loso.per_speaker) == {"ann", "bob", "cho"}
    assert len(loso.y_true) == len(digits) and len(standard.y_true) == 3 * 10 * 5


def test_accuracies_are_in_range_and_noise_is_near_chance():
    digits = toy_digits()
    noise = np.random.default_rng(1).standard_normal((len(digits), 3, 4))  # rows of any shape
    for score in (features.evaluate_standard_split(noise, digits),
                  features.evaluate_leave_one_speaker_out(noise, digits)):
        assert 0.0 <= score.accuracy <= 1.0
        assert all(0.0 <= a <= 1.0 for a in score.per_speaker.values())
        assert score.accuracy < 0.4
        assert score.worst_speaker in score.per_speaker


def test_features_function_sees_only_the_split_it_is_given():
    digits = toy_digits()
    seen = []

    def only_training_speakers(train, test):
        seen.append((set(digits.speakers[train]), set(digits.speakers[test])))
        onehot = np.eye(10)
        return onehot[digits.labels[train]], digits.labels[train], onehot[digits.labels[test]]

    score = features.evaluate_leave_one_speaker_out(only_training_speakers, digits)
    assert score.accuracy == 1.0
    assert all(not (train & test) for train, test in seen) and len(seen) == 3


def test_scoring_errors_say_what_is_wrong():
    digits = toy_digits()
    with pytest.raises(SignalError, match="one row per clip"):
        features.evaluate_standard_split(np.zeros((5, 3)), digits)
    with pytest.raises(SignalError, match="X_train, y_train, X_test"):
        features.evaluate_standard_split(lambda train, test: np.zeros(3), digits)
    bad = np.zeros((len(digits), 2))
    bad[0, 0] = np.nan
    with pytest.raises(SignalError, match="NaN"):
        features.evaluate_standard_split(bad, digits)


def test_pca_classifier_fits_pca_inside_the_pipeline():
    pipeline = features.make_classifier(pca=5)
    assert [name for name, _ in pipeline.steps] == ["pca", "standardscaler", "logisticregression"]


@pytest.mark.slow
def test_autoencoder_features_never_train_on_the_held_out_speaker():
    digits = toy_digits(speakers=("ann", "bob", "cho", "dev"), takes=range(6))
    rng = np.random.default_rng(0)
    patches = (np.eye(10)[digits.labels][:, :, None] * np.ones((1, 1, 4)) * 3
               + 0.1 * rng.standard_normal((len(digits), 10, 4))).astype(np.float32)
    trained_on = []

    class Recording(features.AutoencoderFeatures):
        def _training_rows(self, clip_indices):
            trained_on.append(set(self.digits.speakers[clip_indices].tolist()))
            return super()._training_rows(clip_indices)

    autoencoder = Recording(digits, patches, speaker_groups=2, code_size=4, hidden_sizes=(8,), steps=5)
    loso = features.evaluate_leave_one_speaker_out(autoencoder, digits)
    assert len(autoencoder.encoders) == 2  # one per group, not one per speaker
    for group in autoencoder.groups:
        assert f"without {', '.join(group)}" in autoencoder.encoders
    assert 0.0 <= loso.accuracy <= 1.0
    standard = features.evaluate_standard_split(autoencoder, digits)
    assert len(autoencoder.encoders) == 3 and 0.0 <= standard.accuracy <= 1.0
    codes = features.encode_patches(next(iter(autoencoder.encoders.values())), patches)
    assert codes.shape == (len(digits), 4) and np.isfinite(codes).all()


# --- cepstral smoothing, the SVM, extra (synthetic) speakers ---------------------------------------


def test_cepstral_patches_keep_the_envelope_and_drop_the_pitch_ripple():
    import scipy.fft

    bands = np.arange(40)
    envelope = np.exp(-(((bands - 12) / 6.0) ** 2))[:, None] * np.ones((1, 32))   # a formant: smooth
    ripple = np.where(bands % 2 == 0, 1.0, -1.0)[:, None] * np.ones((1, 32))      # harmonics: fast
    smooth = features.cepstral_patches(np.stack([envelope, ripple]).astype(np.float32))
    assert smooth.shape == (2, 12, 32) and smooth.dtype == np.float32
    assert np.allclose(smooth[0], scipy.fft.dct(envelope, type=2, axis=0, norm="ortho")[1:13], atol=1e-5)
    assert np.sum(smooth[0] ** 2) > 0.3 * np.sum((envelope - envelope.mean(0)) ** 2)
    assert np.sum(smooth[1] ** 2) < 0.02 * np.sum(ripple**2)  # kept: under 1 % of it
    assert features.cepstral_patches(np.zeros((3, 40, 8)), n_ceps=5).shape == (3, 4, 8)


def test_cepstral_patches_reject_bad_input():
    with pytest.raises(SignalError, match="n_mels, n_frames"):
        features.cepstral_patches(np.zeros((40, 32)))
    for n_ceps in (1, 41, 2.5, True):
        with pytest.raises(SignalError, match="n_ceps"):
            features.cepstral_patches(np.zeros((2, 40, 32)), n_ceps=n_ceps)


def test_svm_classifier_draws_curved_boundaries_where_logistic_regression_cannot():
    from sklearn.svm import SVC

    pipeline = features.make_classifier(kind="svm")
    assert [name for name, _ in pipeline.steps] == ["standardscaler", "svc"]
    assert pipeline.steps[-1][1].C == 10.0 and pipeline.steps[-1][1].gamma == "scale"
    assert isinstance(features.make_classifier(C=2.0, pca=3, kind="svm").steps[-1][1], SVC)
    assert features.make_classifier(C=0.5).steps[-1][1].C == 0.5
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (400, 2))
    y = (np.hypot(*x.T) < 0.6).astype(int)  # a disc inside a square: no straight line separates it
    svm = features.make_classifier(kind="svm").fit(x[:300], y[:300]).score(x[300:], y[300:])
    logistic = features.make_classifier().fit(x[:300], y[:300]).score(x[300:], y[300:])
    assert svm > 0.9 and svm > logistic + 0.15
    with pytest.raises(SignalError, match="kind"):
        features.make_classifier(kind="forest")


@pytest.mark.slow
def test_extra_patches_train_the_autoencoder_and_extra_labels_the_classifier():
    digits = toy_digits(speakers=("ann", "bob", "cho"), takes=range(6))
    rng = np.random.default_rng(0)
    patches = rng.standard_normal((len(digits), 6, 4)).astype(np.float32)
    extra = rng.standard_normal((7, 6, 4)).astype(np.float32)
    extra_labels = np.arange(7) % 10
    sizes = []

    def recording_trainer(x, **kwargs):
        sizes.append(len(x))
        return real_trainer(x, **kwargs)

    real_trainer = features.train_patch_autoencoder
    features.train_patch_autoencoder = recording_trainer
    try:
        labelled = features.AutoencoderFeatures(digits, patches, speaker_groups=None, extra_patches=extra,
                                                extra_labels=extra_labels, code_size=3, hidden_sizes=(8,), steps=3)
        train, test = np.flatnonzero(digits.speakers != "ann"), np.flatnonzero(digits.speakers == "ann")
        x_train, y_train, x_test = labelled(train, test)
        assert sizes == [len(train) + len(extra)]  # the autoencoder learnt from the extra patches too
        assert len(x_train) == len(train) + len(extra) and np.array_equal(y_train[len(train):], extra_labels)
        assert len(x_test) == len(test)
        plain = labelled.without_extra_labels()
        x_plain, y_plain, _ = plain(train, test)
        assert sizes == [len(train) + len(extra)]  # shares the trained autoencoder: no new training
        assert len(x_plain) == len(train) and np.array_equal(y_plain, digits.labels[train])
        assert np.allclose(x_plain, x_train[: len(train)])
        assert labelled.extra_labels is not None and "labelled" in repr(labelled)
    finally:
        features.train_patch_autoencoder = real_trainer
    with pytest.raises(SignalError, match="extra_labels"):
        features.AutoencoderFeatures(digits, patches, extra_labels=extra_labels)
    with pytest.raises(SignalError, match="extra_patches have shape"):
        features.AutoencoderFeatures(digits, patches, extra_patches=np.zeros((2, 5, 4)))
