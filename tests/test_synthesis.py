"""Synthesis helpers: interpolation, nearest-frame distances, the VAE, rendering a code as sound."""

from __future__ import annotations

import numpy as np
import pytest

import course_utils

course_utils.setup_notebook(seed=0, style=False)

from course_utils.errors import SettingError, SignalError  # noqa: E402
from course_utils.synthesis import (  # noqa: E402
    VAE,
    build_vae,
    interpolate_codes,
    nearest_frame_distance,
    render_latent,
)

SR = 8000


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
    with pytest.raises(SettingError, match="at least 2"):
        interpolate_codes(np.zeros(3), np.ones(3), 1)
    with pytest.raises(SettingError, match="spherical"):
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
    assert logs["loss"][0] == pytest.approx(
        logs["reconstruction_loss"][0] + logs["kl_loss"][0], rel=1e-4
    )
    assert logs["kl_loss"][0] >= 0
    assert vae.predict(frames[:4], verbose=0).shape == (4, 32)
    codes, decoded = vae.sample(6, seed=1)
    assert codes.shape == (6, 3) and decoded.shape == (6, 32)
    with pytest.raises(SettingError, match="smaller"):
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
    loud, _ = render_latent(
        lambda c: np.full((len(c), 129), 60.0), np.zeros(3), sr=SR, hop_length=64
    )
    assert np.all(np.isfinite(loud))
