"""How good is a reconstruction? Numbers that answer it.

- :func:`mse`: mean squared error, the loss the article trains with.
- :func:`snr_db`: signal-to-noise ratio of a waveform reconstruction in dB
  (higher is better; +10 dB means ten times less error energy).
- :func:`log_spectral_distance`: distance between log power spectra in dB
  (lower is better). Use it when the phase is not kept (Griffin-Lim), where
  waveform SNR is meaningless.
- :func:`compression_ratio`: bits in, bits out.

Used in: 03_building_the_autoencoder, 04_training, 05_evaluating, 05_going_further_transform_coding,
06_troubleshooting, 07_compression, 07_going_further_codecs, 11_synthesis, 12_efficiency_and_scale,
benchmarks/codec.py, benchmarks/codes.py, scripts/make_weights.py, scripts/measure_lapped.py.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .audio import check_signal
from .errors import SettingError, SignalError, SilentSignalError
from .spectral import power_to_db, stft

__all__ = ["mse", "snr_db", "log_spectral_distance", "compression_ratio"]


def _real_array(x, name: str) -> np.ndarray:
    """``x`` as a float64 array, refusing complex, text and other non-real data *before* the cast."""
    array = np.asarray(x)
    if array.dtype.kind not in "iuf":
        hint = (
            " For an STFT, compare magnitudes: np.abs(stft)."
            if array.dtype.kind == "c"
            else " Pass arrays of samples (or magnitudes)."
        )
        raise SignalError(f"{name} must hold real numbers; got dtype {array.dtype}.{hint}")
    return array.astype(np.float64)


def _pair(reference, estimate):
    reference = _real_array(reference, "reference")
    estimate = _real_array(estimate, "estimate")
    if reference.shape != estimate.shape:
        raise SignalError(
            f"reference has shape {reference.shape} but estimate has shape {estimate.shape}. "
            "Compare signals of the same length: trim both, e.g. estimate[:len(reference)], "
            "or pass length=len(reference) to overlap_add."
        )
    if reference.ndim > 2:
        raise SignalError(f"expected 1-D signals (or 2-D frames); got shape {reference.shape}.")
    check_signal(reference.ravel(), name="reference")
    check_signal(estimate.ravel(), name="estimate")
    return reference, estimate


def _rescaled(reference, estimate):
    """Both arrays divided by their common peak when it is so large or small that squares would
    overflow or underflow (SNR and LSD do not change under a common scale); else unchanged."""
    peak = max(float(np.max(np.abs(reference))), float(np.max(np.abs(estimate))))
    if peak == 0.0 or 1e-100 <= peak <= 1e100:
        return reference, estimate
    return reference / peak, estimate / peak


def mse(reference, estimate) -> float:
    """Mean squared error between two arrays of the same shape.

    Used in: 05_evaluating, 06_troubleshooting.
    """
    reference, estimate = _pair(reference, estimate)
    with np.errstate(over="ignore"):
        value = float(np.mean((reference - estimate) ** 2))
    if not math.isfinite(value):
        peak = max(float(np.max(np.abs(reference))), float(np.max(np.abs(estimate))))
        with np.errstate(over="ignore"):
            value = float(
                np.float64(peak) ** 2 * np.mean((reference / peak - estimate / peak) ** 2)
            )
        if not math.isfinite(value):
            raise SignalError(
                f"The mean squared error is too large to represent as a float64 (values reach "
                f"{peak:.3g}). Scale both arrays down by the same factor first, e.g. divide by "
                "np.max(np.abs(reference))."
            )
    return value


def snr_db(reference, estimate) -> float:
    """Signal-to-noise ratio in dB: ``10 log10(sum(ref**2) / sum((ref - est)**2))``.

    0 dB means the error is as loud as the signal (outputting silence scores
    0 dB); 20 dB means the error carries 1 % of the signal's energy. A perfect
    reconstruction returns ``inf``.

    Used in: 03_building_the_autoencoder, 04_training, 05_evaluating,
    05_going_further_transform_coding, 06_troubleshooting, 07_compression, 07_going_further_codecs,
    11_synthesis, 12_efficiency_and_scale, benchmarks/codec.py, benchmarks/codes.py,
    scripts/make_weights.py, scripts/measure_lapped.py.
    """
    reference, estimate = _rescaled(*_pair(reference, estimate))
    signal_energy = float(np.sum(reference**2))
    if signal_energy == 0.0:
        raise SilentSignalError(
            "The reference is silent, so the SNR is undefined (0 / error). "
            "Measure on a part of the clip that has sound in it."
        )
    error_energy = float(np.sum((reference - estimate) ** 2))
    if error_energy == 0.0:
        return float("inf")
    return float(10.0 * np.log10(signal_energy / error_energy))


def log_spectral_distance(
    reference,
    estimate,
    n_fft: int = 512,
    hop_length: int | None = None,
    floor_db: float = -80.0,
) -> float:
    """Log-spectral distance in dB between two sounds (lower is better).

    For every STFT frame it takes the root-mean-square difference of the two
    log power spectra over frequency, then averages over frames. Powers are
    floored ``floor_db`` below the reference's peak, so near-silent bins, which
    a listener cannot hear, do not dominate.

    ``reference`` and ``estimate`` are either two 1-D waveforms of the same
    length (their STFT is :func:`course_utils.spectral.stft`, uncentred, a hop of
    ``n_fft // 4`` by default), or two magnitude spectrograms of the same shape
    ``(frequencies, frames)``, as from ``np.abs(librosa.stft(...))``. A
    complex STFT is refused: pass its magnitude. ``floor_db`` must be a
    negative number of dB.

    Used in: 05_evaluating, 07_compression, 07_going_further_codecs, 11_synthesis,
    benchmarks/codec.py.
    """
    if (
        isinstance(floor_db, bool)
        or not isinstance(floor_db, numbers.Real)
        or not math.isfinite(floor_db)
        or floor_db >= 0
    ):
        raise SettingError(
            f"floor_db must be a negative number of dB (how far below the reference's peak "
            f"powers are floored); got {floor_db!r}. The default is -80."
        )
    reference, estimate = _rescaled(*_pair(reference, estimate))
    if reference.ndim == 1:
        if len(reference) < n_fft:
            raise SignalError(
                f"The signals have {len(reference)} samples, shorter than n_fft={n_fft}. "
                "Pass a smaller n_fft or a longer clip."
            )
        reference = np.abs(stft(reference, n_fft=n_fft, hop_length=hop_length, center=False))
        estimate = np.abs(stft(estimate, n_fft=n_fft, hop_length=hop_length, center=False))
    if np.any(reference < 0) or np.any(estimate < 0):
        raise SignalError(
            "2-D inputs are read as magnitude spectrograms and must be >= 0; "
            "pass np.abs(stft) rather than the complex STFT or a log spectrogram."
        )
    peak_power = float(np.max(reference**2))
    if peak_power == 0.0:
        raise SilentSignalError("The reference is silent; the log-spectral distance is undefined.")
    floor = peak_power * 10.0 ** (floor_db / 10.0)
    log_ref = power_to_db(reference**2, amin=floor, top_db=None)
    log_est = power_to_db(estimate**2, amin=floor, top_db=None)
    per_frame = np.sqrt(np.mean((log_ref - log_est) ** 2, axis=0))
    return float(np.mean(per_frame))


def compression_ratio(
    frame_length: int,
    code_size: int,
    input_bits: int = 16,
    code_bits: int = 16,
    side_bits: int = 0,
) -> float:
    """How many times fewer bits the code needs than the input.

    ``(frame_length * input_bits) / (code_size * code_bits + side_bits)``. With
    the defaults, a 256-sample frame coded by 32 numbers gives 8.0. Count every
    bit the decoder needs, including side information (ranges, scales).

    Used in: 03_building_the_autoencoder, 05_evaluating.
    """
    values = {}
    for label, value in (
        ("frame_length", frame_length),
        ("code_size", code_size),
        ("input_bits", input_bits),
        ("code_bits", code_bits),
        ("side_bits", side_bits),
    ):
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        number = (
            isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
        )
        low_ok = number and (value >= 0 if label == "side_bits" else value > 0)
        if not low_ok:
            need = "a number >= 0" if label == "side_bits" else "a positive number"
            raise SettingError(
                f"{label} must be {need} (one count, not text or an array); got {value!r}. "
                "For example compression_ratio(256, 32) for a 256-sample frame and a code of 32 numbers."
            )
        values[label] = int(value) if isinstance(value, numbers.Integral) else float(value)
    numerator = values["frame_length"] * values["input_bits"]
    denominator = values["code_size"] * values["code_bits"] + values["side_bits"]
    try:
        ratio = numerator / denominator
    except OverflowError:
        ratio = math.inf
    if not math.isfinite(ratio):
        raise SignalError(
            "The bit counts are too large to divide as floats (about 10^"
            f"{math.log10(numerator):.0f} / 10^{math.log10(denominator):.0f}). "
            "Pass sizes in a smaller unit, e.g. kilobits."
        )
    return float(ratio)
