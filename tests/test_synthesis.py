"""Synthesis helpers: spectrogram round trips, Griffin-Lim, interpolation, the VAE, the explorer."""

from __future__ import annotations

import numpy as np
import pytest

import course_utils

course_utils.setup_notebook(seed=0, style=False)

from course_utils.errors import SignalError  # noqa: E402
from course_utils.metrics import log_spectral_distance, snr_db  # noqa: E402
from course_utils.synthesis import (  # noqa: E402
    VAE,
    build_vae,
    interpolate_codes,
    latent_explorer,
    log_magnitude,
    nearest_frame_distance,
    render_latent,
    to_audio,
)

SR = 8000


@pytest.fixture
def chord():
    """Half a second of two partials with an onset, at 8 kHz."""
    t = np.arange(SR // 2) / SR
    x = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 550 * t + 1.0)
    return (x * np.minimum(1.0, 20 * t)).astype(np.float32)


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
    np.testing.assert_array_equal(estimate, to_audio(log_mag, hop_length=64, length=len(chord), seed=0))
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


@pytest.mark.parametrize("method", ["linear", "spherical"])
@pytest.mark.parametrize("shape", [(6,), (10, 6)])
def test_interpolation_endpoints_and_shape(method, shape):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=shape).astype(np.float32), rng.normal(size=shape).astype(np.float32)
    path = interpolate_codes(a, b, steps=7, method=method)
    assert path.shape == (7, *shape)
    np.testing.assert_array_equal(path[0], a)
    np.testing.assert_array_equal(path[-1], b)
    assert np.all(np.isfinite(path))


def test_linear_midpoint_and_spherical_norm():
    a, b = np.array([3.0, 0.0]), np.array([0.0, 3.0])
    np.testing.assert_allclose(interpolate_codes(a, b, 3)[1], [1.5, 1.5])
    arc = interpolate_codes(a, b, 5, method="spherical")
    np.testing.assert_allclose(np.linalg.norm(arc, axis=1), 3.0)  # stays on the circle
    # Parallel codes fall back to a straight line instead of dividing by sin(0).
    np.testing.assert_allclose(interpolate_codes(a, 2 * a, 3, method="spherical")[1], 1.5 * a)


def test_interpolation_rejects_bad_input():
    with pytest.raises(SignalError, match="same"):
        interpolate_codes(np.zeros(3), np.zeros(4), 5)
    with pytest.raises(SignalError, match="at least 2"):
        interpolate_codes(np.zeros(3), np.ones(3), 1)
    with pytest.raises(SignalError, match="spherical"):
        interpolate_codes(np.zeros(3), np.ones(3), 3, method="cubic")


def test_nearest_frame_distance_in_db():
    reference = np.zeros((5, 4))
    reference[2] = 1.0
    frames = np.array([[1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5]])
    distances = nearest_frame_distance(frames, reference)
    np.testing.assert_allclose(distances, [0.0, 0.5 * 20 / np.log(10)])
    with pytest.raises(SignalError, match="frequencies"):
        nearest_frame_distance(np.zeros((2, 3)), reference)


def test_vae_trains_one_step_and_encodes_mean_and_log_variance():
    vae = build_vae(32, latent_dim=3, hidden_sizes=(16,), seed=0)
    assert isinstance(vae, VAE)
    frames = np.random.default_rng(0).normal(size=(64, 32)).astype(np.float32)
    z_mean, z_log_var = vae.encode(frames[:5])
    assert z_mean.shape == z_log_var.shape == (5, 3)
    import keras

    vae.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3))
    history = vae.fit(frames, epochs=1, batch_size=64, verbose=0)
    for name in ("loss", "reconstruction_loss", "kl_loss"):
        assert np.isfinite(history.history[name][0]), history.history
    logs = history.history
    assert logs["loss"][0] == pytest.approx(logs["reconstruction_loss"][0] + logs["kl_loss"][0], rel=1e-4)
    assert logs["kl_loss"][0] >= 0
    assert vae.predict(frames[:4], verbose=0).shape == (4, 32)
    codes, decoded = vae.sample(6, seed=1)
    assert codes.shape == (6, 3) and decoded.shape == (6, 32)
    with pytest.raises(SignalError, match="smaller"):
        build_vae(8, latent_dim=8)


def _toy_decoder(codes):
    """A decoder by hand: code[0] moves a bump of energy up the spectrum."""
    codes = np.asarray(codes)
    bins = np.arange(129)
    centre = 40 + 10 * codes[:, :1]
    return -6.0 + 5.0 * np.exp(-((bins[None, :] - centre) ** 2) / 20.0)


def test_render_latent_holds_one_code_or_follows_a_trajectory():
    audio, log_mag = render_latent(_toy_decoder, np.zeros(3), sr=SR, n_frames=20, hop_length=64)
    assert log_mag.shape == (129, 20)
    assert audio.ndim == 1 and np.all(np.isfinite(audio)) and np.abs(audio).max() > 0
    trajectory = np.linspace(-1, 1, 12)[:, None] * np.ones((12, 3))
    _, log_mag = render_latent(_toy_decoder, trajectory, sr=SR, hop_length=64)
    assert log_mag.shape == (129, 12)
    # A code that decodes to absurd levels is turned down, not turned into Inf.
    loud, _ = render_latent(lambda c: np.full((len(c), 129), 60.0), np.zeros(3), sr=SR, hop_length=64)
    assert np.all(np.isfinite(loud))


def test_explorer_builds_and_a_slider_changes_the_sound():
    pytest.importorskip("ipywidgets")
    explorer = latent_explorer(_toy_decoder, 3, sr=SR, n_sliders=2, n_frames=16, hop_length=64)
    assert len(explorer.sliders) == 2
    assert all(s.continuous_update is False for s in explorer.sliders)
    first = explorer.audio.copy()
    assert any("image/png" in o["data"] for o in explorer.output.outputs)
    explorer.sliders[0].value = 2.0
    assert explorer.code()[0] == pytest.approx(2.0)
    assert explorer.audio.shape == first.shape and not np.allclose(explorer.audio, first)
    # Rendering without a browser, and from the cache.
    np.testing.assert_array_equal(explorer.render([0.0, 0.0]), first)
    moved = explorer.render([-2.0, 0.0])
    assert log_spectral_distance(first, moved, n_fft=256) > 1.0


def test_explorer_dims_and_bad_input():
    pytest.importorskip("ipywidgets")
    explorer = latent_explorer(_toy_decoder, 3, sr=SR, dims=[2, 0], n_frames=8, hop_length=64)
    assert [s.description for s in explorer.sliders] == ["z[2]", "z[0]"]
    explorer.sliders[1].value = 1.5
    np.testing.assert_allclose(explorer.code(), [1.5, 0.0, 0.0])
    with pytest.raises(SignalError, match="dims"):
        latent_explorer(_toy_decoder, 3, sr=SR, dims=[0, 3])
    with pytest.raises(SignalError, match="base_code"):
        latent_explorer(_toy_decoder, 3, sr=SR, base_code=np.zeros(4))
    with pytest.raises(SignalError, match="slider values"):
        explorer.render([1.0])


def test_griffinlim_compat_is_seeded_and_warns_nothing_on_this_librosa():
    import warnings

    import librosa

    from course_utils import compat

    rng = np.random.default_rng(0)
    magnitude = np.abs(librosa.stft(y=rng.normal(size=4000).astype(np.float32), n_fft=256, hop_length=64))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a renamed-argument FutureWarning would fail here
        first = compat.griffinlim(magnitude, seed=3, n_iter=4, hop_length=64, n_fft=256)
        second = compat.griffinlim(magnitude, seed=3, n_iter=4, hop_length=64, n_fft=256)
    other = compat.griffinlim(magnitude, seed=4, n_iter=4, hop_length=64, n_fft=256)
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, other)
    expected = "rng" if compat.librosa_major_version() >= 1 else "random_state"
    assert compat._griffinlim_seed_name() == expected
