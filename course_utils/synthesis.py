"""New sounds from a decoder: interpolation, a VAE, how far generated spectra are from the data.

An autoencoder trained on log-magnitude spectrogram frames can *decode* any
code into a spectrum, including codes no recording ever produced. Turning
that spectrum into sound needs a phase, which the model never saw: the
spectra and Griffin-Lim are :mod:`course_utils.spectral`'s
(:func:`~course_utils.spectral.log_magnitude`, :func:`~course_utils.spectral.to_audio`).

- :func:`interpolate_codes` walks from one code to another (linear or spherical).
- :class:`VAE` and :func:`build_vae`: a small variational autoencoder whose
  codes are pushed towards N(0, I), so that codes drawn from N(0, I) decode
  to something like the data.
- :func:`nearest_frame_distance` measures how far decoded spectra are from
  the nearest training spectrum, in dB.
- :func:`render_latent` turns a code into sound; the slider explorer on top
  of it is :func:`course_utils.widgets.latent_explorer`, the spectrogram plot
  :func:`course_utils.plotting.plot_log_magnitude`.

Spectrograms follow librosa's layout ``(frequencies, frames)``; models take
frames as rows, ``(frames, frequencies)``: transpose with ``.T``.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 11_synthesis.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from .audio import check_signal
from .checks import positive_int
from .errors import SettingError, SignalError
from .settings import HIDDEN
from .spectral import NEPER_TO_DB, to_audio

__all__ = [
    "interpolate_codes",
    "nearest_frame_distance",
    "Sampling",
    "VAE",
    "build_vae",
    "render_latent",
]

#: render_latent turns down spectrograms louder than e^10 (a full-scale sine peaks near e^5.5).
MAX_LOG_MAGNITUDE = 10.0


def interpolate_codes(code_a, code_b, steps: int, method: str = "linear") -> np.ndarray:
    """Codes on the way from ``code_a`` to ``code_b``, endpoints included.

    ``method="linear"`` gives ``(1 - t) a + t b`` for ``steps`` evenly spaced
    ``t`` in [0, 1]. ``method="spherical"`` (slerp) follows the arc between
    the two directions instead, interpolating the length too; in a VAE, whose
    prior puts codes on a shell of radius about sqrt(latent_dim), the midpoint
    then stays on that shell instead of cutting through the thin middle.
    Codes may be vectors ``(latent,)`` or time-aligned trajectories
    ``(frames, latent)``; slerp acts on each row.

    Returns
    -------
    array of shape (steps, *code_a.shape); ``[0]`` is ``code_a`` and ``[-1]`` is ``code_b``.

    Used in: 11_synthesis.
    """
    a = np.asarray(code_a, dtype=np.float64)
    b = np.asarray(code_b, dtype=np.float64)
    if a.shape != b.shape:
        raise SignalError(
            f"code_a has shape {a.shape} but code_b has {b.shape}. Encode both with the same "
            "encoder; for trajectories, give both notes the same number of frames first."
        )
    if a.ndim not in (1, 2) or a.size == 0:
        raise SignalError(
            f"codes must be 1-D (latent,) or 2-D (frames, latent); got shape {a.shape}."
        )
    steps = positive_int(steps, "steps", "steps=5")
    if steps < 2:
        raise SettingError("steps must be at least 2: the two endpoints.")
    t = np.linspace(0.0, 1.0, steps).reshape((steps,) + (1,) * a.ndim)
    if method == "linear":
        path = (1.0 - t) * a + t * b
    elif method == "spherical":
        norm_a = np.linalg.norm(a, axis=-1, keepdims=True)
        norm_b = np.linalg.norm(b, axis=-1, keepdims=True)
        unit_a = a / np.maximum(norm_a, 1e-12)
        unit_b = b / np.maximum(norm_b, 1e-12)
        omega = np.arccos(np.clip(np.sum(unit_a * unit_b, axis=-1, keepdims=True), -1.0, 1.0))
        sin_omega = np.sin(omega)
        safe = sin_omega > 1e-6
        weight_a = np.where(
            safe, np.sin((1.0 - t) * omega) / np.where(safe, sin_omega, 1.0), 1.0 - t
        )
        weight_b = np.where(safe, np.sin(t * omega) / np.where(safe, sin_omega, 1.0), t)
        direction = weight_a * unit_a + weight_b * unit_b
        direction /= np.maximum(np.linalg.norm(direction, axis=-1, keepdims=True), 1e-12)
        path = direction * ((1.0 - t) * norm_a + t * norm_b)
    else:
        raise SettingError(f"method must be 'linear' or 'spherical'; got {method!r}.")
    path[0], path[-1] = a, b
    return path.astype(np.result_type(np.asarray(code_a).dtype, np.float32))


def nearest_frame_distance(frames, reference_frames, chunk: int = 256) -> np.ndarray:
    """For each frame, the RMS distance in dB to the nearest reference frame.

    Both inputs hold natural-log magnitude spectra as rows ``(n, frequencies)``
    (as from :func:`log_magnitude`, transposed). The distance of a decoded
    frame to the nearest *training* frame tells whether a generated sound is
    near the data (a few dB) or somewhere no recording ever went.

    Used in: 11_synthesis.
    """
    frames = np.atleast_2d(np.asarray(frames, dtype=np.float64))
    reference = np.atleast_2d(np.asarray(reference_frames, dtype=np.float64))
    if frames.ndim != 2 or reference.ndim != 2 or frames.shape[1] != reference.shape[1]:
        raise SignalError(
            f"frames {frames.shape} and reference_frames {reference.shape} must both be "
            "(n, frequencies) with the same number of frequencies."
        )
    check_signal(frames.ravel(), name="frames")
    check_signal(reference.ravel(), name="reference_frames")
    ref_sq = np.sum(reference**2, axis=1)
    best = np.empty(len(frames))
    for start in range(0, len(frames), chunk):
        block = frames[start : start + chunk]
        squared = np.sum(block**2, axis=1)[:, None] - 2.0 * block @ reference.T + ref_sq[None, :]
        best[start : start + chunk] = np.sqrt(
            np.maximum(squared.min(axis=1), 0.0) / frames.shape[1]
        )
    return NEPER_TO_DB * best


# --- the variational autoencoder -----------------------------------------------------------------


def _reparameterize(z_mean, z_log_var, seed_generator):
    """One code per row drawn from ``N(z_mean, exp(z_log_var))``: the reparameterization trick.

    ``z = z_mean + exp(z_log_var / 2) * epsilon`` with ``epsilon ~ N(0, I)`` drawn by
    ``keras.random.normal`` from ``seed_generator`` (a ``keras.random.SeedGenerator``), so
    each training step draws new noise, reproducibly, and gradients reach both heads.

    The VAE's default; lesson 11's learner writes the same function.
    """
    epsilon = keras.random.normal(shape=ops.shape(z_mean), seed=seed_generator)
    return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def _kl_divergence(z_mean, z_log_var):
    """``KL(N(z_mean, exp(z_log_var)) || N(0, I))``, summed over the latent dimensions, mean over the batch.

    The VAE's default; lesson 11's learner writes the same function.
    """
    kl = -0.5 * (1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
    return ops.mean(ops.sum(kl, axis=-1))


class Sampling(keras.layers.Layer):
    """Draws ``z = mean + exp(log_var / 2) * epsilon`` with a seeded ``epsilon ~ N(0, I)``.

    ``function(z_mean, z_log_var, seed_generator)`` does the drawing (by default
    ``_reparameterize``); the layer holds the seed generator, so the draws are
    reproducible and change from step to step.

    Used in: no notebook.
    """

    def __init__(self, seed: int = 0, function=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.function = function or _reparameterize

    def call(self, inputs):
        z_mean, z_log_var = inputs
        return self.function(z_mean, z_log_var, self.seed_generator)


class VAE(keras.Model):
    """A variational autoencoder with a custom ``train_step``: reconstruction + beta * KL.

    ``encoder`` maps a batch of frames to ``[z_mean, z_log_var]``; ``decoder``
    maps codes to frames. The loss of a frame is half its summed squared
    error (a Gaussian likelihood with unit variance, so both terms are in
    nats) plus ``beta`` times ``KL(N(z_mean, exp(z_log_var)) || N(0, I))``.
    Calling the model decodes ``z_mean`` without sampling, so
    ``vae.predict(x)`` reconstructs. ``fit`` reports ``loss``,
    ``reconstruction_loss`` and ``kl_loss``, each the mean over the epoch
    (``keras.metrics.Mean``), as in the keras.io "Variational AutoEncoder" example.
    ``reparameterize`` and ``kl_divergence`` replace the course's own
    (``_reparameterize``, ``_kl_divergence``; lesson 11's learner writes both).

    Used in: no notebook.
    """

    def __init__(
        self,
        encoder,
        decoder,
        beta: float = 1.0,
        seed: int = 0,
        reparameterize=None,
        kl_divergence=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.sampling = Sampling(seed=seed, function=reparameterize, name="sampling")
        self.kl_divergence = kl_divergence or _kl_divergence
        self.total_loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    @property
    def latent_dim(self) -> int:
        return int(self.decoder.input_shape[-1])

    def call(self, inputs, training=False):
        z_mean, _ = self.encoder(inputs, training=training)
        return self.decoder(z_mean, training=training)

    def elbo_terms(self, data, training):
        z_mean, z_log_var = self.encoder(data, training=training)
        z = self.sampling([z_mean, z_log_var])
        reconstruction = self.decoder(z, training=training)
        reconstruction_loss = ops.mean(0.5 * ops.sum(ops.square(data - reconstruction), axis=-1))
        kl_loss = self.kl_divergence(z_mean, z_log_var)
        return reconstruction_loss + self.beta * kl_loss, reconstruction_loss, kl_loss

    def _update_trackers(self, total, reconstruction, kl):
        self.total_loss_tracker.update_state(total)
        self.reconstruction_loss_tracker.update_state(reconstruction)
        self.kl_loss_tracker.update_state(kl)
        return {metric.name: metric.result() for metric in self.metrics}

    @staticmethod
    def _frames_of(data):
        # fit(x) passes x; a tf.data pipeline of (input, target) pairs passes a tuple.
        return data[0] if isinstance(data, (tuple, list)) else data

    def train_step(self, data):
        data = self._frames_of(data)
        with tf.GradientTape() as tape:
            total, reconstruction, kl = self.elbo_terms(data, training=True)
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return self._update_trackers(total, reconstruction, kl)

    def test_step(self, data):
        return self._update_trackers(*self.elbo_terms(self._frames_of(data), training=False))

    def encode(self, frames):
        """``(z_mean, z_log_var)`` of a batch of frames, as NumPy arrays."""
        z_mean, z_log_var = self.encoder(np.asarray(frames, dtype=np.float32), training=False)
        return np.asarray(z_mean), np.asarray(z_log_var)

    def decode(self, codes):
        """The frames decoded from a batch of codes, as a NumPy array."""
        return np.asarray(self.decoder(np.asarray(codes, dtype=np.float32), training=False))

    def sample(self, n: int, seed: int = 0, scale: float = 1.0):
        """Decode ``n`` codes drawn from ``N(0, scale**2 I)``; returns ``(codes, frames)``."""
        codes = scale * np.random.default_rng(seed).standard_normal((n, self.latent_dim))
        return codes.astype(np.float32), self.decode(codes)


def build_vae(
    frame_length: int,
    latent_dim: int,
    hidden_sizes=(HIDDEN,),
    beta: float = 1.0,
    seed: int = 0,
    name: str = "vae",
    reparameterize=None,
    kl_divergence=None,
):
    """Build a dense variational autoencoder for frames of ``frame_length`` values.

    The encoder (functional API) maps a frame through ReLU layers to two
    Dense heads, ``z_mean`` and ``z_log_var``, each ``latent_dim`` wide; the
    decoder mirrors it with a linear output. The returned :class:`VAE`
    (``vae.encoder``, ``vae.decoder``) trains with ``vae.compile(optimizer=...)``
    and ``vae.fit(frames, ...)``; no loss is passed to ``compile``. ``reparameterize``
    and ``kl_divergence`` (functions of ``keras.ops``) replace the course's own, as in :class:`VAE`.

    Used in: 11_synthesis.
    """
    frame_length = positive_int(frame_length, "frame_length", "frame_length=513")
    latent_dim = positive_int(latent_dim, "latent_dim", "latent_dim=8")
    if latent_dim >= frame_length:
        raise SettingError(
            f"latent_dim={latent_dim} is not smaller than frame_length={frame_length}; "
            "choose a code smaller than the frame."
        )
    inputs = keras.Input(shape=(frame_length,), name="frame")
    x = inputs
    for index, width in enumerate(hidden_sizes):
        x = keras.layers.Dense(width, activation="relu", name=f"encoder_{index}")(x)
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(x)
    encoder = keras.Model(inputs, [z_mean, z_log_var], name="encoder")

    code = keras.Input(shape=(latent_dim,), name="code")
    y = code
    for index, width in enumerate(reversed(hidden_sizes)):
        y = keras.layers.Dense(width, activation="relu", name=f"decoder_{index}")(y)
    output = keras.layers.Dense(frame_length, name="reconstruction")(y)
    decoder = keras.Model(code, output, name="decoder")
    return VAE(
        encoder,
        decoder,
        beta=beta,
        seed=seed,
        name=name,
        reparameterize=reparameterize,
        kl_divergence=kl_divergence,
    )


# --- from codes to sound ------------------------------------------------------------------------


def _decode(decoder, codes) -> np.ndarray:
    codes = np.asarray(codes, dtype=np.float32)
    out = decoder(codes)
    return np.asarray(out, dtype=np.float64)


def render_latent(
    decoder,
    code,
    *,
    sr: int,
    n_frames: int = 43,
    hop_length: int = 256,
    postprocess=None,
    n_iter: int = 32,
    seed: int = 0,
    fade: float = 0.02,
):
    """Decode a code into a sound; returns ``(audio, log_mag)``.

    ``code`` is one code ``(latent,)``, held for ``n_frames`` frames (a steady
    note), or a trajectory ``(frames, latent)``, one code per frame. The
    decoder's rows pass through ``postprocess`` (e.g. a fitted
    ``StandardScaler().inverse_transform``) to become natural-log magnitude
    frames; Griffin-Lim (``n_iter``, ``seed``) gives the waveform, faded in
    and out over ``fade`` seconds to avoid clicks. A spectrogram louder than
    ``e**10`` (only codes far off the data do that) is turned down as a whole
    before Griffin-Lim; the returned ``log_mag`` is the decoder's, unchanged.
    ``decoder`` is a Keras model or any callable from a batch of codes to a
    batch of frames.

    Used in: 11_synthesis.
    """
    code = np.asarray(code, dtype=np.float32)
    if code.ndim == 1:
        rows = _decode(decoder, code[None, :])
        rows = np.repeat(rows, positive_int(n_frames, "n_frames", "n_frames=43"), axis=0)
    elif code.ndim == 2:
        rows = _decode(decoder, code)
    else:
        raise SignalError(f"code must be (latent,) or (frames, latent); got shape {code.shape}.")
    if postprocess is not None:
        rows = np.asarray(postprocess(rows), dtype=np.float64)
    if not np.all(np.isfinite(rows)):
        raise SignalError(
            "The decoder returned NaN or Inf for this code; the model may have diverged."
        )
    log_mag = rows.T
    # A code far from the data can decode to magnitudes of e^40 and more, which overflow
    # float32 audio: turn such a spectrogram down as a whole (its shape, so its sound, is kept).
    too_loud = max(float(log_mag.max()) - MAX_LOG_MAGNITUDE, 0.0)
    audio = to_audio(log_mag - too_loud, hop_length=hop_length, n_iter=n_iter, seed=seed)
    ramp = min(len(audio) // 2, int(fade * sr))
    if ramp > 0:
        shape = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, ramp))
        audio[:ramp] *= shape
        audio[-ramp:] *= shape[::-1]
    return audio.astype(np.float32), log_mag.astype(np.float32)
