"""Reference codecs at a known bit rate: bit depth (linear or mu-law), downsampling, MP3 and Opus.

Part of :mod:`course_utils.codec`. MP3 and Opus go through libsndfile; their
bit rate is *measured* from the encoded bytes.

Used in: 07_compression, 07_going_further_codecs, benchmarks/codec.py.
"""

from __future__ import annotations

import io

import numpy as np

from ..audio import check_signal
from ..errors import SettingError, SignalError
from .bits import _check_bits, kbps

__all__ = [
    "OPUS_SAMPLE_RATES",
    "REFERENCE_METHODS",
    "bit_depth_codec",
    "downsample_codec",
    "lossy_codec",
    "lossy_codec_available",
    "rate_at_value",
    "reference_codec_sweep",
    "value_at_rate",
]

#: The sample rates libopus accepts; other rates are resampled to the next one up.
OPUS_SAMPLE_RATES = (8000, 12000, 16000, 24000, 48000)

#: The codecs :func:`reference_codec_sweep` runs, in its order.
REFERENCE_METHODS = ("mu-law", "downsampling", "MP3", "Opus")


def bit_depth_codec(x, bits: int, mu_law: bool = False) -> tuple[np.ndarray, int]:
    """Store every sample with ``bits`` bits, linearly or on a mu-law scale.

    Linear: round ``x`` to one of ``2**bits`` evenly spaced levels in [-1, 1].
    Mu-law (``librosa.mu_compress`` / ``mu_expand`` with ``mu = 2**bits - 1``):
    levels are dense near zero and sparse near full scale, as in telephone
    audio (8-bit mu-law at 8 kHz is the 64 kbps G.711 codec). Samples are
    clipped to [-1, 1]. Returns ``(reconstruction, bits_per_sample)``; the
    bitrate is ``sample_rate * bits`` bits per second.

    Used in: course_utils internals (reference_codec_sweep).
    """
    import librosa

    bits = _check_bits(bits)
    x = np.clip(check_signal(x).astype(np.float64), -1.0, 1.0)
    if mu_law:
        mu = 2**bits - 1
        levels = librosa.mu_compress(x, mu=mu, quantize=True)
        y = librosa.mu_expand(levels, mu=mu, quantize=True)
    else:
        half = 2 ** (bits - 1)
        y = np.clip(np.rint(x * half), -half, half - 1) / half
    return np.asarray(y, dtype=np.float32), bits


def downsample_codec(
    x, sr: int, target_sr: int, bits: int = 16, mu_law: bool = False
) -> tuple[np.ndarray, float]:
    """Resample to ``target_sr``, store ``bits`` bits per sample, resample back to ``sr``.

    Everything above ``target_sr / 2`` is lost (the anti-aliasing filter of
    ``librosa.resample`` removes it). Returns ``(reconstruction, kbps)`` with
    ``kbps = target_sr * bits / 1000``; the reconstruction has ``len(x)`` samples.

    Used in: course_utils internals (reference_codec_sweep).
    """
    import librosa

    x = check_signal(x).astype(np.float32)
    if not 0 < target_sr <= sr:
        raise SettingError(f"target_sr must be between 1 and sr={sr}; got {target_sr}.")
    low = librosa.resample(y=x, orig_sr=sr, target_sr=target_sr)
    if bits < 16 or mu_law:
        low, _ = bit_depth_codec(low, bits, mu_law=mu_law)
    back = librosa.resample(y=np.asarray(low, dtype=np.float32), orig_sr=target_sr, target_sr=sr)
    back = back[: len(x)] if len(back) >= len(x) else np.pad(back, (0, len(x) - len(back)))
    return back.astype(np.float32), target_sr * _check_bits(bits) / 1000.0


_LOSSY_FORMATS = {"mp3": ("MP3", "MPEG_LAYER_III"), "opus": ("OGG", "OPUS")}


def lossy_codec_available(codec: str) -> bool:
    """Whether this soundfile can write ``codec`` (``"mp3"`` or ``"opus"``) at a chosen quality.

    Needs libsndfile 1.1 or newer (in the soundfile wheels since 0.12) for the
    formats, and soundfile 0.13 or newer for ``compression_level``.

    Used in: benchmarks/codec.py.
    """
    import inspect

    import soundfile

    container, subtype = _LOSSY_FORMATS[codec.lower()]
    has_format = (
        container in soundfile.available_formats()
        and subtype in soundfile.available_subtypes(container)
    )
    return has_format and "compression_level" in inspect.signature(soundfile.write).parameters


def _align(reference, decoded) -> np.ndarray:
    """Cut ``decoded`` to ``len(reference)``, skipping an encoder delay if it is longer."""
    n = len(reference)
    extra = len(decoded) - n
    if extra <= 0:
        return np.pad(decoded, (0, -extra))
    # LAME's constant-bitrate files carry no gapless-playback tag here, so the
    # decoder keeps the encoder delay (1105 samples at the start). Find it.
    import scipy.signal

    probe = reference[: min(n, 1 << 15)]
    scores = scipy.signal.correlate(
        decoded[: len(probe) + extra], probe, mode="valid", method="fft"
    )
    lag = int(np.argmax(scores[: extra + 1]))
    return decoded[lag : lag + n]


def lossy_codec(
    x, sr: int, codec: str = "mp3", compression_level: float = 0.5
) -> tuple[np.ndarray, float]:
    """Encode with a real perceptual codec (MP3 or Opus), decode, and *measure* the bitrate.

    Parameters
    ----------
    x : 1-D signal in [-1, 1]
    sr : int
        Its sample rate. Opus accepts only 8, 12, 16, 24 and 48 kHz: other
        rates are resampled to the next accepted rate up (22050 to 24000 Hz)
        and back after decoding, which costs nothing in bits.
    codec : "mp3" or "opus"
    compression_level : float in [0, 1)
        libsndfile's quality knob (soundfile >= 0.13): 0 is the highest
        bitrate, values near 1 the lowest. MP3 uses constant bitrate
        (``bitrate_mode="CONSTANT"``), so the level picks one of the standard
        MP3 bitrates; Opus maps it to a target bitrate (about 6 to 256 kbps).

    Returns
    -------
    (reconstruction, kbps)
        ``len(x)`` samples at ``sr``; kbps from the encoded file's byte count
        (container headers included) and the clip's duration.

    Used in: benchmarks/codec.py.
    """
    import librosa
    import soundfile

    from ..checks import is_number, positive_int

    if not isinstance(codec, str) or codec.lower() not in _LOSSY_FORMATS:
        raise SettingError(f"codec must be 'mp3' or 'opus'; got {codec!r}.")
    codec = codec.lower()
    if not is_number(compression_level) or not 0.0 <= float(compression_level) < 1.0:
        raise SettingError(
            f"compression_level must be a number in [0, 1); got {compression_level!r}."
        )
    sr = positive_int(sr, "sr", "sr=22050")
    if not lossy_codec_available(codec):
        raise SignalError(
            f"This soundfile ({soundfile.__version__}, libsndfile {soundfile.__libsndfile_version__}) "
            f"cannot write {codec.upper()} at a chosen bitrate. Install soundfile >= 0.13 from a "
            "wheel (pip install -U soundfile), whose libsndfile writes MP3 and Opus."
        )
    x = np.clip(check_signal(x).astype(np.float32), -1.0, 1.0)
    container, subtype = _LOSSY_FORMATS[codec]
    rate = sr
    signal = x
    if codec == "opus" and sr not in OPUS_SAMPLE_RATES:
        rate = min((r for r in OPUS_SAMPLE_RATES if r >= sr), default=48000)
        signal = librosa.resample(y=x, orig_sr=sr, target_sr=rate)
    options = {"bitrate_mode": "CONSTANT"} if codec == "mp3" else {}
    buffer = io.BytesIO()
    soundfile.write(
        buffer,
        signal,
        rate,
        format=container,
        subtype=subtype,
        compression_level=float(compression_level),
        **options,
    )
    n_bytes = buffer.tell()
    buffer.seek(0)
    decoded, _ = soundfile.read(buffer, dtype="float32")
    if decoded.ndim > 1:
        decoded = decoded.mean(axis=1)
    decoded = _align(signal, decoded)
    if rate != sr:
        decoded = librosa.resample(y=decoded, orig_sr=rate, target_sr=sr)
        decoded = (
            decoded[: len(x)]
            if len(decoded) >= len(x)
            else np.pad(decoded, (0, len(x) - len(decoded)))
        )
    return decoded.astype(np.float32), kbps(8 * n_bytes, len(x) / sr)


def reference_codec_sweep(
    x, sr: int, opus_targets_kbps=(8, 12, 16, 24, 32, 48, 64), methods=REFERENCE_METHODS
):
    """The reference codecs across their bit rates: yields ``(method, setting, decoded, kbps)``.

    Mu-law at 2, 3, 4, 6 and 8 bits a sample; downsampling (8-bit mu-law) to 1, 2, 4 and
    8 kHz where that is below ``sr``; MP3 at each constant bit rate that 12 compression
    levels from 0.3 to 0.99 reach (its standard rates repeat: each is kept once); Opus aimed
    at each of ``opus_targets_kbps`` (libsndfile maps the level linearly onto about 6 to
    256 kbps). The rates are those measured (:func:`lossy_codec`), not the targets.
    ``methods`` picks some of :data:`REFERENCE_METHODS` (e.g. ``("MP3", "Opus")``); the
    others are not run.

    Used in: 07_compression, 07_going_further_codecs.
    """
    if isinstance(methods, str) or not methods or not set(methods) <= set(REFERENCE_METHODS):
        raise SettingError(
            f"methods must be some of {REFERENCE_METHODS}, e.g. methods=('MP3', 'Opus'); "
            f"got {methods!r}."
        )
    return _sweep(x, sr, opus_targets_kbps, methods)  # checked now, run when iterated


def _sweep(x, sr, opus_targets_kbps, methods):
    """The generator behind :func:`reference_codec_sweep`."""
    if "mu-law" in methods:
        for bits in (2, 3, 4, 6, 8):
            decoded, bits_per_sample = bit_depth_codec(x, bits, mu_law=True)
            yield "mu-law", f"{bits} bits", decoded, sr * bits_per_sample / 1000
    for low_sr in (1000, 2000, 4000, 8000) if "downsampling" in methods else ():
        if low_sr < sr:
            decoded, rate = downsample_codec(x, sr, low_sr, bits=8, mu_law=True)
            yield "downsampling", f"{low_sr} Hz", decoded, rate
    seen = set()
    for level in np.linspace(0.3, 0.99, 12) if "MP3" in methods else ():
        decoded, rate = lossy_codec(x, sr, "mp3", compression_level=float(level))
        if round(rate) not in seen:
            seen.add(round(rate))
            yield "MP3", f"level {level:.2f}", decoded, rate
    for target in opus_targets_kbps if "Opus" in methods else ():
        level = min(0.99, 1 - (target - 6) / 250)
        decoded, rate = lossy_codec(x, sr, "opus", compression_level=level)
        yield "Opus", f"level {level:.3f}", decoded, rate


def value_at_rate(points, measure: str, target_kbps: float) -> float:
    """A rate-distortion curve's ``measure`` at ``target_kbps``, interpolated in log-kbps.

    ``points``: dicts with ``"kbps"`` and ``measure``, sorted by rate. NaN where the curve
    does not reach the rate (no extrapolation: a codec is judged only where it was run).

    Used in: 07_compression.
    """
    rates = _log_rates(points)
    target = np.log(target_kbps)
    if not rates[0] - 1e-9 <= target <= rates[-1] + 1e-9:
        return float("nan")
    return float(np.interp(target, rates, [point[measure] for point in points]))


def _log_rates(points) -> np.ndarray:
    """The curve's rates in log-kbps, after checking it has points, lowest rate first."""
    if not points:
        raise SignalError("The curve has no points: run the codec at some bit rates first.")
    rates = np.log([point["kbps"] for point in points])
    if np.any(np.diff(rates) < 0):
        raise SignalError("The points must be sorted by their kbps, lowest first.")
    return rates


def rate_at_value(points, measure: str, target: float) -> float:
    """The lowest bit rate at which a rate-distortion curve's ``measure`` reaches ``target``.

    The inverse of :func:`value_at_rate`: the first place where the curve, starting from its
    lowest rate, crosses ``target`` (an LSD falling to it, an SNR rising to it), interpolated
    in log-kbps. ``points``: dicts with ``"kbps"`` and ``measure``, sorted by rate. NaN where
    the curve never crosses the target, or already starts there (it might have reached it
    below the rates that were run: no extrapolation).

    Used in: 07_going_further_codecs.
    """
    rates = _log_rates(points)
    gaps = np.array([point[measure] for point in points], dtype=np.float64) - target
    side = np.sign(gaps[0])  # the side of the target the curve starts on
    for i in range(len(gaps) - 1):
        if side and gaps[i + 1] * side <= 0:  # the first point on (or past) the target
            fraction = gaps[i] / (gaps[i] - gaps[i + 1])
            return float(np.exp(rates[i] + fraction * (rates[i + 1] - rates[i])))
    return float("nan")
