"""The course's one spectral front end: STFT, decibels, log-magnitude, mel, and back to sound.

Every spectrum in the course is computed here, the same way:

- :func:`stft` and :func:`power_spectrogram`: the short-time Fourier
  transform with a periodic Hann window, the same numbers as ``librosa.stft``
  (zero padding of ``n_fft // 2`` on both sides when ``center``).
- :func:`power_to_db`: decibels with a floor, as ``librosa.power_to_db``.
- :func:`log_magnitude` and :func:`to_audio`: a clip as a natural-log
  magnitude spectrogram (plus its phase) and back, with the stored phase
  (``librosa.istft``) or with Griffin-Lim (``librosa.griffinlim`` through
  :mod:`course_utils.compat`). The one floor of a log-magnitude is :data:`EPS`.
- :func:`mel_filterbank` and :func:`mel_spectrogram`: Slaney-style mel
  filters, the same matrix as ``librosa.filters.mel``.

The STFT and the mel filters are NumPy because librosa's own load its numba
compiler (about 140 MB and seconds of import), which a notebook that also
holds TensorFlow cannot spare; tests/test_spectral.py checks both against
librosa. The inverse STFT and Griffin-Lim use librosa.

One framing path: :func:`stft` here and ``audio.frame_signal`` both cut frames with NumPy's
``sliding_window_view(x, frame_length)[::hop_length]``, not ``librosa.util.frame`` (same
rows). Measured on 10 s at 22050 Hz, frames of 256 every 64, in a fresh process (CPU time;
issue #19): NumPy's first call 1.6-1.9 ms and +5 MB resident; librosa's first call
870-1050 ms and +167 MB, because it loads numba (its import itself is lazy, 0 s); later
calls 0.23 ms for both.

Spectrograms follow librosa's layout ``(frequencies, frames)``.

Used in: 07_going_further_codecs, 08_denoising, 11_synthesis.
"""

from __future__ import annotations

import functools

import numpy as np

from .audio import check_signal
from .checks import positive_int, sample_rate
from .errors import SettingError, SignalError

__all__ = [
    "EPS",
    "NEPER_TO_DB",
    "stft",
    "power_spectrogram",
    "power_to_db",
    "log_magnitude",
    "to_audio",
    "mel_filterbank",
    "mel_spectrogram",
]

#: Added to magnitudes before the natural logarithm, so silence maps to log(1e-4) = -9.2, not -inf.
EPS = 1e-4
#: Converts a difference of natural-log magnitudes to decibels: 20 / ln(10).
NEPER_TO_DB = 20.0 / np.log(10.0)


def _sizes(n_fft, hop_length) -> tuple[int, int]:
    return (
        positive_int(n_fft, "n_fft", "n_fft=512"),
        positive_int(hop_length, "hop_length", "hop_length=128"),
    )


def stft(clip, n_fft: int = 512, hop_length: int | None = None, center: bool = True) -> np.ndarray:
    """The short-time Fourier transform of a 1-D signal, shape ``(1 + n_fft // 2, frames)``.

    A periodic Hann window of ``n_fft`` samples every ``hop_length`` samples
    (default ``n_fft // 4``). With ``center`` the clip is zero-padded by
    ``n_fft // 2`` on both sides, so frame ``t`` is centred on sample
    ``t * hop_length``; without it the first frame starts at sample 0 and
    the clip must be at least ``n_fft`` long. The same numbers as
    ``librosa.stft(y=clip, n_fft=n_fft, hop_length=hop_length, center=center)``.
    A float32 clip gives complex64 (computed in float32), anything else complex128.

    Used in: 08_denoising.
    """
    n_fft = positive_int(n_fft, "n_fft", "n_fft=512")
    hop_length = (
        n_fft // 4
        if hop_length is None
        else positive_int(hop_length, "hop_length", "hop_length=128")
    )
    return _stft(check_signal(clip, name="clip"), n_fft, hop_length, center)


def _stft(x: np.ndarray, n_fft: int, hop_length: int, center: bool = True) -> np.ndarray:
    """:func:`stft` of a checked 1-D clip with checked sizes: the private helpers' way in."""
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    x = x.astype(dtype, copy=False)
    if center:
        x = np.pad(x, (n_fft // 2, n_fft // 2))
        if len(x) < n_fft:
            x = np.pad(x, (0, n_fft - len(x)))
    elif len(x) < n_fft:
        raise SignalError(
            f"The clip has {len(x)} samples, shorter than one window (n_fft={n_fft}). "
            "Pass a smaller n_fft, a longer clip, or center=True."
        )
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop_length]
    window = (0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n_fft) / n_fft)).astype(dtype)
    return np.fft.rfft(frames * window, axis=1).T


def power_spectrogram(
    clip, n_fft: int = 512, hop_length: int | None = None, center: bool = True
) -> np.ndarray:
    """``|STFT|**2`` of a clip (:func:`stft`), shape ``(1 + n_fft // 2, frames)``.

    Used in: no notebook.
    """
    spectrum = stft(clip, n_fft=n_fft, hop_length=hop_length, center=center)
    return spectrum.real**2 + spectrum.imag**2


def _power(x: np.ndarray, n_fft: int, hop_length: int, center: bool = True) -> np.ndarray:
    """:func:`power_spectrogram` of a checked clip with checked sizes (no check repeated)."""
    spectrum = _stft(x, n_fft, hop_length, center)
    return spectrum.real**2 + spectrum.imag**2


def power_to_db(
    power, *, ref: float = 1.0, amin: float = 1e-10, top_db: float | None = 80.0
) -> np.ndarray:
    """Decibels of a power spectrum with a floor, as ``librosa.power_to_db``.

    ``10 log10(max(power, amin)) - 10 log10(max(ref, amin))``, then raised
    to ``top_db`` below the result's own maximum (``top_db=None``: no such
    floor). ``amin`` keeps zeros finite; ``top_db`` makes near-silent bins,
    which nobody hears, stop mattering. float32 in, float32 out.

    Used in: no notebook.
    """
    power = np.asarray(power)
    if power.dtype.kind not in "fiu":
        raise SignalError(f"power must hold real numbers (|STFT|**2); got dtype {power.dtype}.")
    if not amin > 0:
        raise SettingError(f"amin must be positive (the smallest power kept); got {amin!r}.")
    if top_db is not None and not top_db >= 0:
        raise SettingError(f"top_db must be >= 0 dB (or None for no floor); got {top_db!r}.")
    decibels = 10.0 * np.log10(np.maximum(power, float(amin)))
    if ref != 1.0:
        decibels = decibels - 10.0 * np.log10(max(float(ref), float(amin)))
    if top_db is not None:
        decibels = np.maximum(decibels, decibels.max() - float(top_db))
    return decibels


def log_magnitude(clip, n_fft: int = 1024, hop_length: int = 256, eps: float = EPS):
    """Split a clip into its natural-log magnitude spectrogram and its phase.

    ``log_mag = log(|STFT| + eps)`` and ``phase = angle(STFT)``, both of
    shape ``(1 + n_fft // 2, frames)``, from :func:`stft` (Hann window,
    centred frames). An autoencoder learns ``log_mag``; the phase is what it
    throws away. :func:`to_audio` goes back.

    Returns
    -------
    (log_mag, phase) : two float32 arrays of the same shape

    Used in: 07_going_further_codecs, 11_synthesis.
    """
    n_fft, hop_length = _sizes(n_fft, hop_length)
    x = check_signal(clip, name="clip").astype(np.float32)
    if len(x) < n_fft // 2 + 1:
        raise SignalError(
            f"The clip has {len(x)} samples, too short for n_fft={n_fft}. "
            "Use a smaller n_fft or a longer clip."
        )
    spectrum = stft(x, n_fft=n_fft, hop_length=hop_length)
    log_mag = np.log(np.abs(spectrum) + eps).astype(np.float32)
    return log_mag, np.angle(spectrum).astype(np.float32)


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
    """Turn a natural-log magnitude spectrogram back into a waveform.

    With ``phase`` (angles in radians, or unit complex numbers, of the same
    shape) this is the inverse STFT (``librosa.istft``): the clip comes back
    exactly. Without it, Griffin-Lim (``librosa.griffinlim`` through
    :func:`course_utils.compat.griffinlim`) searches for a phase that agrees
    with the magnitude, starting from a random phase seeded by ``seed``
    (``n_iter`` iterations): the result sounds like the clip but its
    waveform is not the clip's. The magnitude is ``exp(log_mag) - eps``, the
    inverse of :func:`log_magnitude`.

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

    Used in: 07_going_further_codecs, 11_synthesis.
    """
    import librosa

    from . import compat

    log_mag = np.asarray(log_mag, dtype=np.float64)
    if log_mag.ndim != 2 or log_mag.shape[0] < 2:
        raise SignalError(
            f"log_mag must be 2-D (frequencies, frames); got shape {log_mag.shape}. "
            "If it holds frames as rows (frames, frequencies), pass log_mag.T."
        )
    check_signal(log_mag.ravel(), name="log_mag")
    hop_length = positive_int(hop_length, "hop_length", "hop_length=256")
    n_fft = (
        2 * (log_mag.shape[0] - 1) if n_fft is None else positive_int(n_fft, "n_fft", "n_fft=1024")
    )
    if n_fft // 2 + 1 != log_mag.shape[0]:
        raise SignalError(
            f"log_mag has {log_mag.shape[0]} frequency rows but n_fft={n_fft} gives "
            f"{n_fft // 2 + 1}. Pass the n_fft used for the analysis, or leave it out."
        )
    magnitude = np.maximum(np.exp(log_mag) - eps, 0.0)
    if phase is None:
        audio = compat.griffinlim(
            magnitude,
            seed=seed,
            n_iter=positive_int(n_iter, "n_iter", "n_iter=32"),
            hop_length=hop_length,
            n_fft=n_fft,
            length=length,
        )
    else:
        phase = np.asarray(phase)
        if phase.shape != log_mag.shape:
            raise SignalError(
                f"phase has shape {phase.shape} but log_mag has {log_mag.shape}; "
                "use the phase returned with this very spectrogram by log_magnitude()."
            )
        unit = (
            phase / np.maximum(np.abs(phase), 1e-12)
            if np.iscomplexobj(phase)
            else np.exp(1j * phase)
        )
        audio = librosa.istft(
            stft_matrix=magnitude * unit, hop_length=hop_length, n_fft=n_fft, length=length
        )
    return np.asarray(audio, dtype=np.float32)


def _hz_to_mel(hz):
    """Slaney's mel scale (librosa's default): linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / (200.0 / 3)
    logarithmic = 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(hz >= 1000.0, logarithmic, linear)


def _mel_to_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    linear = mel * (200.0 / 3)
    logarithmic = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0))
    return np.where(mel >= 15.0, logarithmic, linear)


def mel_filterbank(
    sr: int, n_fft: int, n_mels: int = 40, fmin: float = 0.0, fmax: float | None = None
) -> np.ndarray:
    """Triangular mel filters, shape ``(n_mels, 1 + n_fft // 2)``: the same matrix as ``librosa.filters.mel``.

    Slaney's mel scale and area normalisation, librosa's defaults. The result
    is cached: treat it as read-only.

    Used in: no notebook.
    """
    sr = sample_rate(sr)
    n_fft = positive_int(n_fft, "n_fft", "n_fft=256")
    n_mels = positive_int(n_mels, "n_mels", "n_mels=40")
    return _mel_filterbank(sr, n_fft, n_mels, *_frequency_range(sr, fmin, fmax))


def _frequency_range(sr: int, fmin, fmax) -> tuple[float, float]:
    """``(fmin, fmax)`` as floats, ``fmax=None`` meaning ``sr / 2``; a checked ``sr`` is trusted."""
    fmax = sr / 2.0 if fmax is None else float(fmax)
    if not 0.0 <= fmin < fmax <= sr / 2.0:
        raise SettingError(
            f"Need 0 <= fmin < fmax <= sr / 2 = {sr / 2}; got fmin={fmin}, fmax={fmax}."
        )
    return float(fmin), fmax


@functools.lru_cache(maxsize=16)
def _mel_filterbank(sr: int, n_fft: int, n_mels: int, fmin: float, fmax: float) -> np.ndarray:
    """:func:`mel_filterbank` for checked settings (cached, read-only)."""
    bin_frequencies = np.fft.rfftfreq(n_fft, d=1.0 / sr)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - bin_frequencies[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    weights = weights.astype(np.float32)
    weights.flags.writeable = False
    return weights


def mel_spectrogram(
    clip,
    sr: int,
    n_fft: int,
    hop_length: int,
    n_mels: int = 40,
    fmin: float = 0.0,
    fmax: float | None = None,
    power=None,
) -> np.ndarray:
    """Mel power spectrogram, shape ``(n_mels, frames)``: :func:`mel_filterbank` times :func:`power_spectrogram`.

    The same numbers as ``librosa.feature.melspectrogram`` with these
    settings. ``power`` may pass a precomputed (e.g. frequency-warped) power
    spectrogram of the clip instead of computing it.

    Used in: no notebook.
    """
    sr = sample_rate(sr)
    n_fft = positive_int(n_fft, "n_fft", "n_fft=256")
    n_mels = positive_int(n_mels, "n_mels", "n_mels=40")
    fmin, fmax = _frequency_range(sr, fmin, fmax)
    if power is None:
        hop_length = positive_int(hop_length, "hop_length", "hop_length=64")
        power = _power(check_signal(clip, name="clip"), n_fft, hop_length)
    return _mel_filterbank(sr, n_fft, n_mels, fmin, fmax) @ power
