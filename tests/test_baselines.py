"""PCA baseline: exact where it must be, optimal among linear codes, and clear about bad input."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.baselines import PCACodec, reconstruct_signal
from course_utils.errors import SettingError, SignalError
from course_utils.metrics import snr_db


def low_rank_signal(n_frames=200, frame_length=32, rank=4, seed=0):
    """A signal whose non-overlapping frames lie in a rank-``rank`` subspace."""
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((rank, frame_length))
    frames = rng.standard_normal((n_frames, rank)) @ basis
    return frames.ravel().astype(np.float32)


def test_pca_recovers_a_low_rank_signal_exactly():
    x = low_rank_signal(rank=4)
    codec = PCACodec(code_size=4, frame_length=32).fit(x)
    assert codec.explained_variance == pytest.approx(1.0, abs=1e-6)
    assert snr_db(x, codec.reconstruct(x)) > 60


def test_too_small_a_code_loses_information():
    x = low_rank_signal(rank=8)
    assert snr_db(x, PCACodec(2, 32).fit(x).reconstruct(x)) < 15


def test_quality_grows_with_code_size_on_held_out_noise_like_audio():
    rng = np.random.default_rng(1)
    t = np.arange(40_000)
    x = np.sin(0.03 * t) + 0.5 * np.sin(0.11 * t) + 0.1 * rng.standard_normal(len(t))
    train, test = x[:30_000], x[30_000:]
    snrs = [snr_db(test, PCACodec(k, 64).fit(train).reconstruct(test)) for k in (2, 4, 16)]
    assert snrs[0] < snrs[1] < snrs[2]


def test_pca_beats_a_random_linear_code_of_the_same_size():
    rng = np.random.default_rng(2)
    frames = rng.standard_normal((500, 16)) * np.linspace(3, 0.1, 16)
    codec = PCACodec(4, 16).fit(frames)
    pca_error = np.mean((frames - codec.reconstruct_frames(frames)) ** 2)
    basis, _ = np.linalg.qr(rng.standard_normal((16, 4)))
    centred = frames - frames.mean(axis=0)
    random_error = np.mean((centred - centred @ basis @ basis.T) ** 2)
    assert pca_error < random_error


def test_encode_decode_shapes_and_length_preserved():
    x = low_rank_signal(n_frames=50, frame_length=32)
    codec = PCACodec(8, 32).fit(x)
    frames = x[: 10 * 32].reshape(10, 32)
    assert codec.encode(frames).shape == (10, 8)
    assert codec.decode(codec.encode(frames)).shape == (10, 32)
    odd = x[:1000]  # not a whole number of frames: padded, then trimmed back
    assert codec.reconstruct(odd).shape == odd.shape


def test_reconstruct_signal_identity_and_overlap():
    x = np.random.default_rng(3).standard_normal(1000).astype(np.float32)
    np.testing.assert_allclose(reconstruct_signal(lambda f: f, x, 64), x, atol=1e-6)
    np.testing.assert_allclose(reconstruct_signal(lambda f: f, x, 64, hop_length=16), x, atol=1e-6)
    halved = reconstruct_signal(lambda f: 0.5 * f, x, 64)
    np.testing.assert_allclose(halved, 0.5 * x, atol=1e-6)


def test_reconstruct_signal_accepts_keras_like_trailing_axis():
    x = np.arange(256, dtype=np.float32)
    np.testing.assert_allclose(reconstruct_signal(lambda f: f[..., None], x, 32), x)


def test_reconstruct_signal_rejects_a_wrong_shape():
    with pytest.raises(SignalError, match="same length"):
        reconstruct_signal(lambda f: f[:, :10], np.ones(256), 32)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"code_size": 32, "frame_length": 32}, "not smaller"),
        ({"code_size": 0, "frame_length": 32}, "positive"),
        ({"code_size": 2.5, "frame_length": 32}, "positive"),
    ],
)
def test_bad_settings(kwargs, message):
    with pytest.raises(SettingError, match=message):
        PCACodec(**kwargs)


def test_unfitted_and_bad_input_messages():
    codec = PCACodec(4, 32)
    with pytest.raises(SignalError, match="fit"):
        codec.encode(np.ones((3, 32)))
    with pytest.raises(SignalError, match="at least as many frames"):
        codec.fit(np.ones(64))
    codec.fit(low_rank_signal())
    with pytest.raises(SignalError, match=r"\(n_frames, 32\)"):
        codec.encode(np.ones((3, 31)))
    with pytest.raises(SignalError, match=r"\(n, 4\)"):
        codec.decode(np.ones((3, 5)))
    bad = np.ones((3, 32))
    bad[1, 2] = np.nan
    with pytest.raises(SignalError, match="NaN"):
        codec.encode(bad)


def test_a_pca_whose_fitted_statistics_are_not_finite_is_refused():
    from course_utils.baselines import PCACodec
    from course_utils.errors import SignalError

    huge = np.random.default_rng(0).normal(size=20000) * 1e200
    with pytest.raises(SignalError, match="not finite"):
        PCACodec(8, frame_length=64, hop_length=64).fit(huge)
