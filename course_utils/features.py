"""Features of a spoken word: a fixed-size log-mel patch, its cepstrum, MFCC statistics.

A classifier needs one fixed-size vector per clip, but spoken digits last
from a quarter of a second to a second, are loud or soft, and come from
different voices and microphones. This module turns each clip into such a
vector; :mod:`course_utils.recognition` scores how well a classifier reads
the digit from it.

- :func:`log_mel_patch`: a fixed-size log-mel "image" of the spoken word:
  the silence around it is cut off, its duration is stretched to
  ``n_frames`` frames, and its loudness and the colouring of the microphone
  are removed by per-clip normalisation (cepstral mean and variance
  normalisation, CMVN). :func:`log_mel_patches` does many clips at once.
- :func:`cepstral_patches`: a DCT over the mel axis of CMVN'd patches that
  keeps only the smooth spectral envelope (the vocal tract's shape) and
  drops the fine ripple of the pitch harmonics (who speaks).
- :func:`mfcc_statistics`: the classic baseline, the mean and standard
  deviation of each MFCC over time; :func:`mfcc_table` for many clips.

The spectra come from :mod:`course_utils.spectral` (NumPy, no numba), so a
notebook that also holds TensorFlow stays under 1.2 GB.

Used in: 10_recognition.
"""

from __future__ import annotations

import numpy as np

from .audio import check_signal
from .checks import positive_int, sample_rate
from .errors import SettingError, SignalError, SilentSignalError
from .spectral import _frequency_range, _mel_filterbank, _power, power_to_db

__all__ = [
    "patch_settings",
    "log_mel_patch",
    "log_mel_patches",
    "cepstral_patches",
    "mfcc_statistics",
    "mfcc_table",
]

#: Below this peak amplitude a clip counts as silent (about -120 dBFS).
SILENCE_PEAK = 1e-6


def patch_settings(sr: int) -> dict:
    """The STFT sizes used for a sample rate: 32 ms windows every 8 ms.

    Returns ``{"n_fft": ..., "hop_length": ...}`` (256 and 64 at 8 kHz),
    so features of clips at different rates describe the same durations.

    Used in: no notebook.
    """
    return _patch_settings(sample_rate(sr))


def _patch_settings(sr: int) -> dict:
    n_fft = int(2 ** np.ceil(np.log2(0.032 * sr)))
    return {"n_fft": n_fft, "hop_length": n_fft // 4}


def _mel_power(
    clip: np.ndarray, sr: int, n_mels: int, fmin: float, fmax: float, warp: float = 1.0
) -> np.ndarray:
    """Mel power spectrogram (n_mels, frames) with the course's window sizes.

    Everything was checked by the public function that called it: a checked clip, ``sr``,
    ``n_mels`` and the frequency range (:func:`_frequency_range`). Nothing is checked again.
    """
    settings = _patch_settings(sr)
    if len(clip) < settings["n_fft"]:
        clip = np.pad(clip, (0, settings["n_fft"] - len(clip)))
    power = _power(clip, settings["n_fft"], settings["hop_length"])
    if warp != 1.0:
        power = _warp_frequency(power, warp)
    return _mel_filterbank(sr, settings["n_fft"], n_mels, fmin, fmax) @ power


def _one_blas_thread():
    """Run small linear algebra on one thread.

    The matrices here are small (thousands of rows, at most 1280 columns).
    With two BLAS threads on a busy 2-core machine, OpenBLAS threads wait
    for each other and a logistic regression fit takes seconds instead of
    tens of milliseconds; one thread is as fast on an idle machine and
    gives the same numbers every run.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _check_clip(clip, name: str) -> np.ndarray:
    clip = check_signal(clip, name=name).astype(np.float32)
    peak = float(np.max(np.abs(clip)))
    if peak < SILENCE_PEAK:
        raise SilentSignalError(
            f"{name} is silent (peak amplitude {peak:.1e}): there is no word in it to describe. "
            "Check the file (is it the right one? was the microphone muted?) and leave it out."
        )
    return clip


def _for_every_clip(function, clips, sr: int, **kwargs) -> np.ndarray:
    """``function(clip, sr, **kwargs)`` of every clip, stacked; an error names the clip."""
    rows = []
    with _one_blas_thread():
        for index, clip in enumerate(clips):
            try:
                rows.append(function(clip, sr, **kwargs))
            except SignalError as error:
                raise type(error)(f"clip {index}: {error}") from None
    if not rows:
        raise SignalError("No clips were given.")
    return np.stack(rows)


def _resize_time(image: np.ndarray, n_frames: int) -> np.ndarray:
    """Linear interpolation of a (bands, frames) image to ``n_frames`` frames."""
    length = image.shape[1]
    if length == 1:
        return np.repeat(image, n_frames, axis=1)
    position = np.linspace(0.0, length - 1.0, n_frames)
    left = np.minimum(np.floor(position).astype(int), length - 2)
    weight = position - left
    return image[:, left] * (1.0 - weight) + image[:, left + 1] * weight


def _warp_frequency(power: np.ndarray, warp: float) -> np.ndarray:
    """Stretch a (bins, frames) power spectrogram along frequency by ``warp``.

    ``warp > 1`` moves every component up (a shorter vocal tract), ``< 1``
    down; what is pushed past the top is lost, what is pulled from beyond it
    is left at zero.
    """
    bins = np.arange(power.shape[0], dtype=np.float64)
    source = bins / warp
    left = np.clip(np.floor(source).astype(int), 0, power.shape[0] - 1)
    right = np.minimum(left + 1, power.shape[0] - 1)
    weight = np.clip(source - left, 0.0, 1.0)[:, None]
    warped = power[left] * (1.0 - weight) + power[right] * weight
    warped[source > power.shape[0] - 1] = 0.0
    return warped


def log_mel_patch(
    clip,
    sr: int,
    n_mels: int = 40,
    n_frames: int = 32,
    top_db: float = 35.0,
    floor_db: float = 60.0,
    normalize: str = "cmvn",
    warp: float = 1.0,
    fmin: float = 100.0,
    fmax: float | None = None,
) -> np.ndarray:
    """A fixed-size log-mel picture of one spoken word, shape ``(n_mels, n_frames)``.

    Steps, each for a reason:

    1. Mel power spectrogram (32 ms windows every 8 ms, see :func:`patch_settings`).
    2. Keep the frames from the first to the last one within ``top_db`` dB
       of the loudest: the silence before and after the word carries no
       information, and its length differs from file to file.
    3. Stretch or squeeze those frames to ``n_frames`` (linear
       interpolation): "seven" said slowly and said fast become the same
       size, and the word is centred in the patch.
    4. Decibels, with everything more than ``floor_db`` below the peak
       raised to that floor, so that a noisy recording and a perfectly
       clean one have the same floor.
    5. Per-clip normalisation. ``"cmvn"`` subtracts each mel band's mean
       over time and divides by the patch's standard deviation: a
       microphone or a room that colours every frame the same way adds a
       constant to each band in decibels, and this removes it, together
       with the loudness. ``"global"`` removes only the overall mean
       (loudness) and scale; ``"none"`` keeps decibels.

    The mel bands span ``fmin`` to ``fmax`` (default ``sr / 2``); the default
    ``fmin`` of 100 Hz leaves out mains hum and the lowest voice pitch,
    neither of which tells digits apart. ``warp`` stretches the frequency
    axis before the mel filters (a vocal-tract-length perturbation;
    1.0 = none), used for augmentation.

    A silent clip raises :class:`~course_utils.errors.SilentSignalError`;
    a clip shorter than one window is zero-padded. The result is float32
    and always finite.

    Used in: 10_recognition.
    """
    settings = _log_mel_settings(
        sr, n_mels, n_frames, top_db, floor_db, normalize, warp, fmin, fmax
    )
    return _log_mel_patch(clip, **settings)


def _log_mel_settings(
    sr,
    n_mels=40,
    n_frames=32,
    top_db=35.0,
    floor_db=60.0,
    normalize="cmvn",
    warp=1.0,
    fmin=100.0,
    fmax=None,
) -> dict:
    """:func:`log_mel_patch`'s settings, checked once per call chain: ``_log_mel_patch``'s keywords."""
    sr = sample_rate(sr)
    if normalize not in ("cmvn", "global", "none"):
        raise SettingError(f"normalize must be 'cmvn', 'global' or 'none'; got {normalize!r}.")
    for label, value in (("n_mels", n_mels), ("n_frames", n_frames)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
            raise SettingError(f"{label} must be a whole number of at least 2; got {value!r}.")
    if not 0.5 <= warp <= 2.0:
        raise SettingError(
            f"warp={warp} is not a plausible frequency stretch; use 0.5 to 2 (1 = none)."
        )
    fmin, fmax = _frequency_range(sr, fmin, fmax)
    return dict(
        sr=sr,
        n_mels=int(n_mels),
        n_frames=int(n_frames),
        top_db=top_db,
        floor_db=floor_db,
        normalize=normalize,
        warp=warp,
        fmin=fmin,
        fmax=fmax,
    )


def _log_mel_patch(
    clip, sr, n_mels, n_frames, top_db, floor_db, normalize, warp, fmin, fmax
) -> np.ndarray:
    """:func:`log_mel_patch` with checked settings: only the clip (a signal) is checked here."""
    clip = _check_clip(clip, "the clip")
    mel = _mel_power(clip, sr, n_mels, fmin, fmax, warp)
    energy = mel.sum(axis=0)
    energy_db = power_to_db(energy, amin=1e-20, top_db=None)
    active = np.flatnonzero(energy_db > energy_db.max() - top_db)
    mel = mel[:, active[0] : active[-1] + 1]
    decibels = power_to_db(mel, amin=1e-20, top_db=floor_db)
    patch = _resize_time(decibels, n_frames)
    if normalize == "cmvn":
        patch = patch - patch.mean(axis=1, keepdims=True)
    elif normalize == "global":
        patch = patch - patch.mean()
    if normalize != "none":
        patch = patch / max(float(patch.std()), 1e-3)
    return patch.astype(np.float32)


def log_mel_patches(clips, sr: int, **kwargs) -> np.ndarray:
    """:func:`log_mel_patch` of every clip, stacked: shape ``(n_clips, n_mels, n_frames)``.

    Keyword arguments go to :func:`log_mel_patch`. An error names the clip.

    Used in: 10_recognition.
    """
    settings = _log_mel_settings(sr, **kwargs)
    return _for_every_clip(_log_mel_patch, clips, settings.pop("sr"), **settings)


def cepstral_patches(patches, n_ceps: int = 13) -> np.ndarray:
    """Cepstrally smoothed patches: a DCT over the mel axis, keeping coefficients 1 to ``n_ceps - 1``.

    ``patches`` has shape ``(n, n_mels, n_frames)`` (from :func:`log_mel_patches`);
    the result has shape ``(n, n_ceps - 1, n_frames)``. In every frame the
    40 log-mel values are replaced by their first cepstral coefficients
    (``scipy.fft.dct``, type II, ``norm="ortho"``), the MFCCs of the patch:

    - coefficient 0, the frame's mean level, is dropped (CMVN already
      removed the loudness; what is left is mostly which frames are louder);
    - coefficients from ``n_ceps`` up are dropped: they describe the fast
      ripple across the mel bands, mostly the harmonics of the voice's
      pitch. Pitch says *who* speaks, not *which* digit; the smooth
      envelope (the formants) that the low coefficients keep says which.

    Used in: 10_recognition.
    """
    import scipy.fft

    patches = np.asarray(patches, dtype=np.float32)
    if patches.ndim != 3:
        raise SignalError(
            f"patches must have shape (n, n_mels, n_frames); got shape {patches.shape}."
        )
    if (
        isinstance(n_ceps, bool)
        or not isinstance(n_ceps, (int, np.integer))
        or not 2 <= n_ceps <= patches.shape[1]
    ):
        raise SettingError(
            f"n_ceps must be a whole number from 2 to the number of mel bands ({patches.shape[1]}); got {n_ceps!r}."
        )
    return scipy.fft.dct(patches, type=2, axis=1, norm="ortho")[:, 1:n_ceps].astype(np.float32)


def mfcc_statistics(clip, sr: int, n_mfcc: int = 20, n_mels: int = 40) -> np.ndarray:
    """The classic baseline: mean and standard deviation of each MFCC over the clip.

    Returns ``2 * n_mfcc`` numbers (the means, then the standard deviations),
    computed over the whole clip with the same windows as :func:`log_mel_patch`.
    The order of sounds in the word is lost: only their average and spread
    remain. A silent clip raises :class:`~course_utils.errors.SilentSignalError`.

    Used in: no notebook.
    """

    return _mfcc_statistics(clip, **_mfcc_settings(sr, n_mfcc, n_mels))


def _mfcc_settings(sr, n_mfcc=20, n_mels=40) -> dict:
    """:func:`mfcc_statistics`' settings, checked once per call chain."""
    sr = sample_rate(sr)
    return dict(
        sr=sr,
        n_mfcc=positive_int(n_mfcc, "n_mfcc", "n_mfcc=20"),
        n_mels=positive_int(n_mels, "n_mels", "n_mels=40"),
    )


def _mfcc_statistics(clip, sr: int, n_mfcc: int, n_mels: int) -> np.ndarray:
    """:func:`mfcc_statistics` with checked settings: only the clip (a signal) is checked here."""
    import scipy.fft

    clip = _check_clip(clip, "the clip")
    mel = _mel_power(clip, sr, n_mels, *_frequency_range(sr, 0.0, None)).astype(np.float64)
    # librosa.feature.mfcc: decibels (80 dB range below the peak), then a DCT over the bands.
    decibels = power_to_db(mel, amin=1e-10, top_db=80.0)
    mfcc = scipy.fft.dct(decibels, type=2, axis=0, norm="ortho")[:n_mfcc]
    return np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)]).astype(np.float32)


def mfcc_table(clips, sr: int, **kwargs) -> np.ndarray:
    """:func:`mfcc_statistics` of every clip, one row per clip.

    Used in: 10_recognition.
    """
    settings = _mfcc_settings(sr, **kwargs)
    return _for_every_clip(_mfcc_statistics, clips, settings.pop("sr"), **settings)
