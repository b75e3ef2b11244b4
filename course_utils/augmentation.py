"""Augmentation of spoken digits: seeded changes of voice, microphone, room, noise and timing.

Training on such variations makes features and classifiers less sensitive
to *who* speaks and *how* it was recorded.

- :func:`augment_clip`: a random but seeded change of the recording (speed
  and pitch, microphone colour, room, noise, loudness, timing);
- :func:`augmented_patches`: several changed versions of every training
  clip as log-mel patches (:func:`course_utils.features.log_mel_patch`),
  with a vocal-tract-length-like frequency warp of each patch.

Used in: 10_recognition.
"""

from __future__ import annotations

import numpy as np

from .checks import positive_int
from .errors import SettingError, SignalError
from .features import _check_clip, _one_blas_thread, log_mel_patch

__all__ = ["augment_clip", "augmented_patches"]


def _as_generator(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise SettingError(f"rng must be a numpy Generator or a seed (int); got {type(rng).__name__}.")


def augment_clip(
    clip,
    sr: int,
    rng,
    speed=(0.9, 1.1),
    gain_db=(-10.0, 10.0),
    snr_db=(30.0, 50.0),
    tilt=(-0.5, 0.8),
    reverb_probability: float = 0.3,
    shift_seconds: float = 0.1,
) -> np.ndarray:
    """A randomly changed copy of a recording, as another voice, microphone and room might give.

    Every change is drawn from ``rng`` (a ``np.random.Generator`` or a seed),
    so the same seed gives the same copy:

    - **speed and pitch**: resampled by a factor drawn from ``speed`` (1.1 =
      10 % faster and higher), which also moves the formants, like a
      shorter or longer vocal tract;
    - **microphone colour**: a first-order filter ``y[n] = x[n] - a x[n-1]``
      with ``a`` drawn from ``tilt`` (positive: brighter, negative: duller);
    - **room**: with probability ``reverb_probability``, a short synthetic
      reverberation (decaying noise, 0.05-0.3 s), mixed with the dry sound;
    - **noise**: white or brown noise at a signal-to-noise ratio drawn from
      ``snr_db``;
    - **timing**: up to ``shift_seconds`` of silence added before and after;
    - **loudness**: a gain drawn from ``gain_db``, then clipped to [-1, 1].

    Pass ``None`` (or ``0`` for the probability and shift) to switch a change off.
    The defaults are mild on purpose: on clean test voices, strong noise in
    training costs accuracy (10_recognition measures it).

    Used in: 10_recognition.
    """
    import scipy.signal

    rng = _as_generator(rng)
    y = _check_clip(clip, "the clip").astype(np.float64)
    if speed is not None:
        factor = rng.uniform(*speed)
        y = scipy.signal.resample(y, int(round(len(y) / factor)))
    if tilt is not None:
        a = rng.uniform(*tilt)
        y = scipy.signal.lfilter([1.0, -a], [1.0], y)
    if reverb_probability and rng.uniform() < reverb_probability:
        rt60 = rng.uniform(0.05, 0.3)
        length = int(rt60 * sr)
        t = np.arange(length) / sr
        response = rng.standard_normal(length) * np.exp(-6.9 * t / rt60)
        response[0] = 0.0
        response *= rng.uniform(0.1, 0.5) / np.sqrt(np.sum(response**2))
        response[0] = 1.0
        y = scipy.signal.fftconvolve(y, response)[: len(y) + length // 2]
    if shift_seconds:
        before, after = rng.integers(0, int(shift_seconds * sr) + 1, size=2)
        y = np.pad(y, (before, after))
    if snr_db is not None:
        snr = rng.uniform(*snr_db)
        noise = rng.standard_normal(len(y))
        if rng.uniform() < 0.5:
            noise = np.cumsum(noise)  # brown noise: most energy at low frequencies (hum, wind)
            noise = scipy.signal.lfilter([1.0, -1.0], [1.0, -0.98], noise)
        # Signal power of the loud part only, so silence padding does not lower the SNR.
        loud = y[np.abs(y) > 0.1 * np.max(np.abs(y))]
        signal_power = float(np.mean(loud**2))
        noise *= np.sqrt(signal_power / (10 ** (snr / 10)) / max(float(np.mean(noise**2)), 1e-20))
        y = y + noise
    if gain_db is not None:
        y = y * 10 ** (rng.uniform(*gain_db) / 20)
        peak = np.max(np.abs(y))
        if peak > 1.0:
            y = y / peak * rng.uniform(0.5, 1.0)
    return y.astype(np.float32)


def augmented_patches(clips, sr: int, copies: int = 2, seed: int = 0, warp=(0.9, 1.1), **kwargs):
    """Several augmented log-mel patches of every clip, for training.

    Each copy is :func:`augment_clip` followed by :func:`log_mel_patch` with a
    frequency ``warp`` drawn from the given range. Returns ``(patches, source)``:
    ``patches`` has shape ``(len(clips) * copies, n_mels, n_frames)`` and
    ``source[i]`` is the index of the clip patch ``i`` came from (to select
    training clips, or to copy their labels: ``labels[source]``). The same
    ``seed`` gives the same patches; clip ``i``'s copies depend only on
    ``seed`` and ``i``, not on the other clips.

    Keyword arguments go to :func:`log_mel_patch`.

    Used in: 10_recognition.
    """
    copies = positive_int(copies, "copies", "copies=3")
    patches, source = [], []
    with _one_blas_thread():
        for index, clip in enumerate(clips):
            rng = np.random.default_rng([seed, index])
            for _ in range(copies):
                changed = augment_clip(clip, sr, rng)
                stretch = 1.0 if warp is None else rng.uniform(*warp)
                patches.append(log_mel_patch(changed, sr, warp=stretch, **kwargs))
                source.append(index)
    if not patches:
        raise SignalError("No clips were given.")
    return np.stack(patches), np.array(source)
