"""New sounds from a decoder: spectrograms and phase, interpolation, a VAE, a latent explorer.

An autoencoder trained on log-magnitude spectrogram frames can *decode* any
code into a spectrum, including codes no recording ever produced. Turning
that spectrum into sound needs a phase, which the model never saw:

- :func:`log_magnitude` splits a clip into a log-magnitude spectrogram and
  its phase; :func:`to_audio` goes back, with the stored phase (exact) or with
  Griffin-Lim (a plausible phase, not the original one).
- :func:`interpolate_codes` walks from one code to another (linear or spherical).
- :class:`VAE` and :func:`build_vae`: a small variational autoencoder whose
  codes are pushed towards N(0, I), so that codes drawn from N(0, I) decode
  to something like the data.
- :func:`nearest_frame_distance` measures how far decoded spectra are from
  the nearest training spectrum, in dB.
- :func:`render_latent` turns a code into sound and :func:`latent_explorer`
  puts sliders on a few latent dimensions, to see and hear what they do.

Spectrograms follow librosa's layout ``(frequencies, frames)``; models take
frames as rows, ``(frames, frequencies)``: transpose with ``.T``.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 09_synthesis
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from . import compat
from .audio import check_signal
from .errors import SignalError

__all__ = [
    "log_magnitude",
    "to_audio",
    "interpolate_codes",
    "nearest_frame_distance",
    "plot_log_magnitude",
    "Sampling",
    "VAE",
    "build_vae",
    "render_latent",
    "latent_explorer",
]

#: Added to magnitudes before the logarithm, so silence maps to log(1e-4) = -9.2, not -inf.
EPS = 1e-4
#: render_latent turns down spectrograms louder than e^10 (a full-scale sine peaks near e^5.5).
MAX_LOG_MAGNITUDE = 10.0
#: Converts a difference of natural-log magnitudes to decibels: 20 / ln(10).
NEPER_TO_DB = 20.0 / np.log(10.0)


def _positive_int(value, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise SignalError(f"{label} must be a positive whole number; got {value!r}.")
    return int(value)


def log_magnitude(clip, n_fft: int = 1024, hop_length: int = 256, eps: float = EPS):
    """Split a clip into its log-magnitude spectrogram and its phase.

    ``log_mag = log(|STFT| + eps)`` (natural log) and ``phase = angle(STFT)``,
    both of shape ``(1 + n_fft // 2, frames)``, from ``librosa.stft`` with a
    Hann window and centred frames. An autoencoder learns ``log_mag``; the
    phase is what it throws away.

    Returns
    -------
    (log_mag, phase) : two float32 arrays of the same shape

    Used in: 09_synthesis
    """
    import librosa

    n_fft = _positive_int(n_fft, "n_fft")
    hop_length = _positive_int(hop_length, "hop_length")
    x = check_signal(clip, name="clip").astype(np.float32)
    if len(x) < n_fft // 2 + 1:
        raise SignalError(
            f"The clip has {len(x)} samples, too short for n_fft={n_fft}. "
            "Use a smaller n_fft or a longer clip."
        )
    stft = librosa.stft(y=x, n_fft=n_fft, hop_length=hop_length)
    log_mag = np.log(np.abs(stft) + eps).astype(np.float32)
    return log_mag, np.angle(stft).astype(np.float32)


def to_audio(
    log_mag,
    phase=None,
    *,
    hop_length: int = 256,
    n_fft: int | None = None,
    length: int | None = None,
    n_iter: int = 32,
    seed: int = 0,
    eps: float = EPS,
) -> np.ndarray:
    """Turn a log-magnitude spectrogram back into a waveform.

    With ``phase`` (angles in radians, or unit complex numbers, of the same
    shape) this is the inverse STFT: the clip comes back exactly. Without it,
    ``librosa.griffinlim`` searches for a phase that agrees with the magnitude,
    starting from a random phase seeded by ``seed`` (``n_iter`` iterations):
    the result sounds like the clip but its waveform is not the clip's.

    Parameters
    ----------
    log_mag : array of shape (1 + n_fft // 2, frames)
        As from :func:`log_magnitude` or a decoder (transposed to librosa's layout).
    phase : array or None
    hop_length, n_fft : int
        As used for the analysis; ``n_fft`` defaults to ``2 * (bins - 1)``.
    length : int, optional
        Samples of the output (pass the original clip's length).
    n_iter, seed : int
        Griffin-Lim's iterations and the seed of its random starting phase.

    Used in: 09_synthesis
    """
    import librosa

    log_mag = np.asarray(log_mag, dtype=np.float64)
    if log_mag.ndim != 2 or log_mag.shape[0] < 2:
        raise SignalError(
            f"log_mag must be 2-D (frequencies, frames); got shape {log_mag.shape}. "
            "If it holds frames as rows (frames, frequencies), pass log_mag.T."
        )
    check_signal(log_mag.ravel(), name="log_mag")
    hop_length = _positive_int(hop_length, "hop_length")
    n_fft = 2 * (log_mag.shape[0] - 1) if n_fft is None else _positive_int(n_fft, "n_fft")
    if n_fft // 2 + 1 != log_mag.shape[0]:
        raise SignalError(
            f"log_mag has {log_mag.shape[0]} frequency rows but n_fft={n_fft} gives "
            f"{n_fft // 2 + 1}. Pass the n_fft used for the analysis, or leave it out."
        )
    magnitude = np.maximum(np.exp(log_mag) - eps, 0.0)
    if phase is None:
        audio = compat.griffinlim(
            magnitude, seed=seed, n_iter=_positive_int(n_iter, "n_iter"), hop_length=hop_length,
            n_fft=n_fft, length=length,
        )
    else:
        phase = np.asarray(phase)
        if phase.shape != log_mag.shape:
            raise SignalError(
                f"phase has shape {phase.shape} but log_mag has {log_mag.shape}; "
                "use the phase returned with this very spectrogram by log_magnitude()."
            )
        unit = phase / np.maximum(np.abs(phase), 1e-12) if np.iscomplexobj(phase) else np.exp(1j * phase)
        audio = librosa.istft(stft_matrix=magnitude * unit, hop_length=hop_length, n_fft=n_fft, length=length)
    return np.asarray(audio, dtype=np.float32)


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

    Used in: 09_synthesis
    """
    a = np.asarray(code_a, dtype=np.float64)
    b = np.asarray(code_b, dtype=np.float64)
    if a.shape != b.shape:
        raise SignalError(
            f"code_a has shape {a.shape} but code_b has {b.shape}. Encode both with the same "
            "encoder; for trajectories, give both notes the same number of frames first."
        )
    if a.ndim not in (1, 2) or a.size == 0:
        raise SignalError(f"codes must be 1-D (latent,) or 2-D (frames, latent); got shape {a.shape}.")
    steps = _positive_int(steps, "steps")
    if steps < 2:
        raise SignalError("steps must be at least 2: the two endpoints.")
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
        weight_a = np.where(safe, np.sin((1.0 - t) * omega) / np.where(safe, sin_omega, 1.0), 1.0 - t)
        weight_b = np.where(safe, np.sin(t * omega) / np.where(safe, sin_omega, 1.0), t)
        direction = weight_a * unit_a + weight_b * unit_b
        direction /= np.maximum(np.linalg.norm(direction, axis=-1, keepdims=True), 1e-12)
        path = direction * ((1.0 - t) * norm_a + t * norm_b)
    else:
        raise SignalError(f"method must be 'linear' or 'spherical'; got {method!r}.")
    path[0], path[-1] = a, b
    return path.astype(np.result_type(np.asarray(code_a).dtype, np.float32))


def nearest_frame_distance(frames, reference_frames, chunk: int = 256) -> np.ndarray:
    """For each frame, the RMS distance in dB to the nearest reference frame.

    Both inputs hold natural-log magnitude spectra as rows ``(n, frequencies)``
    (as from :func:`log_magnitude`, transposed). The distance of a decoded
    frame to the nearest *training* frame tells whether a generated sound is
    near the data (a few dB) or somewhere no recording ever went.

    Used in: 09_synthesis
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
        best[start : start + chunk] = np.sqrt(np.maximum(squared.min(axis=1), 0.0) / frames.shape[1])
    return NEPER_TO_DB * best


def plot_log_magnitude(log_mag, sr: int, hop_length: int = 256, ax=None, title: str | None = None,
                       y_axis: str = "log", vmin: float | None = None, vmax: float | None = None):
    """Draw a natural-log magnitude spectrogram ``(frequencies, frames)`` in dB.

    Used in: 09_synthesis
    """
    import librosa.display
    import matplotlib.pyplot as plt

    log_mag = np.asarray(log_mag)
    if log_mag.ndim != 2:
        raise SignalError(f"log_mag must be 2-D (frequencies, frames); got shape {log_mag.shape}.")
    if ax is None:
        _, ax = plt.subplots()
    decibels = NEPER_TO_DB * log_mag
    if vmax is None:
        vmax = float(decibels.max())
    if vmin is None:
        vmin = vmax - 80.0
    librosa.display.specshow(
        data=decibels, sr=sr, hop_length=hop_length, x_axis="time", y_axis=y_axis, ax=ax,
        vmin=vmin, vmax=vmax, cmap="magma",
    )
    ax.set(title=title)
    return ax


# --- the variational autoencoder -----------------------------------------------------------------


class Sampling(keras.layers.Layer):
    """Draws ``z = mean + exp(log_var / 2) * epsilon`` with a seeded ``epsilon ~ N(0, I)``.

    Used in: 09_synthesis
    """

    def __init__(self, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(shape=ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


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

    Used in: 09_synthesis
    """

    def __init__(self, encoder, decoder, beta: float = 1.0, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.sampling = Sampling(seed=seed, name="sampling")
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
        kl = -0.5 * (1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
        kl_loss = ops.mean(ops.sum(kl, axis=-1))
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


def build_vae(input_size: int, latent_dim: int, hidden_sizes=(256,), beta: float = 1.0,
              seed: int = 0, name: str = "vae"):
    """Build a dense variational autoencoder for frames of ``input_size`` values.

    The encoder (functional API) maps a frame through ReLU layers to two
    Dense heads, ``z_mean`` and ``z_log_var``, each ``latent_dim`` wide; the
    decoder mirrors it with a linear output. The returned :class:`VAE`
    (``vae.encoder``, ``vae.decoder``) trains with ``vae.compile(optimizer=...)``
    and ``vae.fit(frames, ...)``; no loss is passed to ``compile``.

    Used in: 09_synthesis
    """
    input_size = _positive_int(input_size, "input_size")
    latent_dim = _positive_int(latent_dim, "latent_dim")
    if latent_dim >= input_size:
        raise SignalError(
            f"latent_dim={latent_dim} is not smaller than input_size={input_size}; "
            "choose a code smaller than the frame."
        )
    inputs = keras.Input(shape=(input_size,), name="frame")
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
    output = keras.layers.Dense(input_size, name="reconstruction")(y)
    decoder = keras.Model(code, output, name="decoder")
    return VAE(encoder, decoder, beta=beta, seed=seed, name=name)


# --- from codes to sound, and the explorer -------------------------------------------------------


def _decode(decoder, codes) -> np.ndarray:
    codes = np.asarray(codes, dtype=np.float32)
    out = decoder(codes)
    return np.asarray(out, dtype=np.float64)


def render_latent(decoder, code, *, sr: int, n_frames: int = 43, hop_length: int = 256,
                  postprocess=None, n_iter: int = 32, seed: int = 0, fade: float = 0.02):
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

    Used in: 09_synthesis
    """
    code = np.asarray(code, dtype=np.float32)
    if code.ndim == 1:
        rows = _decode(decoder, code[None, :])
        rows = np.repeat(rows, _positive_int(n_frames, "n_frames"), axis=0)
    elif code.ndim == 2:
        rows = _decode(decoder, code)
    else:
        raise SignalError(f"code must be (latent,) or (frames, latent); got shape {code.shape}.")
    if postprocess is not None:
        rows = np.asarray(postprocess(rows), dtype=np.float64)
    if not np.all(np.isfinite(rows)):
        raise SignalError("The decoder returned NaN or Inf for this code; the model may have diverged.")
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


def latent_explorer(decoder, latent_dim: int, *, sr: int, dims=None, n_sliders: int = 4,
                    value_range: float = 3.0, step: float = 0.5, base_code=None, peak: float = 0.5,
                    **render_options):
    """Sliders on a few latent dimensions; see the decoded spectrogram and hear it.

    ``dims`` lists the dimensions that get a slider (by default the first
    ``n_sliders``); every other dimension stays at ``base_code`` (zeros by default: the
    centre of a VAE's prior). Each slider reports its value only on release
    (``continuous_update=False``) and every rendering is cached, so dragging
    does not start a storm of Griffin-Lim runs. The sound is scaled to a peak
    of ``peak`` for the player (the level is shown, not hidden: see the title).

    Parameters
    ----------
    decoder : keras.Model or callable
        Batch of codes -> batch of frames.
    latent_dim : int
        Width of the code.
    dims : sequence of int, optional
        The latent dimensions to put on sliders, e.g. the ones a VAE uses most.
    sr : int
        Sample rate for the player and the time axis.
    render_options
        Passed to :func:`render_latent` (``n_frames``, ``hop_length``,
        ``postprocess``, ``n_iter``, ``seed``).

    Returns
    -------
    ipywidgets.VBox
        With attributes ``sliders`` (the FloatSliders, in the order of ``dims``), ``output``,
        ``code()`` (the current code), ``render(values)`` (the audio for a
        list of slider values, without a browser) and ``audio`` (the sound
        now shown).

    Used in: 09_synthesis
    """
    import ipywidgets as widgets
    from matplotlib.figure import Figure

    from .plotting import audio_player, plot_spectrogram
    from .widgets import _html_output, _png_output

    latent_dim = _positive_int(latent_dim, "latent_dim")
    if dims is None:
        dims = list(range(min(_positive_int(n_sliders, "n_sliders"), latent_dim)))
    dims = [int(d) for d in dims]
    if not dims or len(set(dims)) != len(dims) or not all(0 <= d < latent_dim for d in dims):
        raise SignalError(f"dims must list distinct latent dimensions in 0..{latent_dim - 1}; got {dims}.")
    n_sliders = len(dims)
    base = np.zeros(latent_dim, np.float32) if base_code is None else np.asarray(base_code, np.float32)
    if base.shape != (latent_dim,):
        raise SignalError(f"base_code must have shape ({latent_dim},); got {base.shape}.")
    hop_length = render_options.get("hop_length", 256)
    sliders = [
        widgets.FloatSlider(
            value=float(np.clip(base[d], -value_range, value_range)), min=-value_range, max=value_range,
            step=step, description=f"z[{d}]", continuous_update=False,
        )
        for d in dims
    ]
    output = widgets.Output()
    cache = {}

    def code_for(values):
        values = [float(v) for v in values]
        if len(values) != n_sliders:
            raise SignalError(f"Give {n_sliders} slider values; got {len(values)}.")
        code = base.copy()
        code[dims] = values
        return code

    def render(values):
        key = tuple(round(float(v), 6) for v in values)
        if key not in cache:
            audio, log_mag = render_latent(decoder, code_for(values), sr=sr, **render_options)
            level = float(np.max(np.abs(audio)))
            shown = audio * (peak / level) if level > 0 else audio
            cache[key] = (shown.astype(np.float32), log_mag, level)
        return cache[key]

    def redraw(_change=None):
        values = [s.value for s in sliders]
        audio, log_mag, level = render(values)
        figure = Figure(figsize=(10, 3), dpi=80)
        ax_spectrum, ax_sound = figure.subplots(1, 2)
        frequencies = np.linspace(0.0, sr / 2, log_mag.shape[0])
        ax_spectrum.plot(frequencies[1:], NEPER_TO_DB * log_mag[1:, log_mag.shape[1] // 2])
        ax_spectrum.set(xscale="log", xlabel="frequency (Hz)", ylabel="dB", title="decoded spectrum")
        n_fft = 2 * (log_mag.shape[0] - 1)
        plot_spectrogram(audio, sr, ax=ax_sound, colorbar=False, n_fft=n_fft, hop_length=hop_length,
                         title=f"the sound (Griffin-Lim; peak {level:.2f} before scaling)")
        figure.suptitle(", ".join(f"z[{d}] = {v:+.1f}" for d, v in zip(dims, values)))
        figure.tight_layout()
        player = audio_player(audio, sr)._repr_html_()
        output.outputs = (_png_output(figure), _html_output(f"<div>decoded sound {player}</div>"))
        box.audio = audio

    box = widgets.VBox([widgets.HBox(sliders[:2]), widgets.HBox(sliders[2:]), output])
    box.sliders, box.output = sliders, output
    box.code = lambda: code_for([s.value for s in sliders])
    box.render = lambda values: render(values)[0]
    for slider in sliders:
        slider.observe(redraw, names="value")
    redraw()
    return box
