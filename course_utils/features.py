"""Features for recognising spoken digits, and honest ways to score them.

A classifier needs one fixed-size vector per clip, but spoken digits last
from a quarter of a second to a second, are loud or soft, and come from
different voices and microphones. This module turns each clip into such a
vector and measures how well a linear classifier reads the digit from it.

- :func:`log_mel_patch`: a fixed-size log-mel "image" of the spoken word:
  the silence around it is cut off, its duration is stretched to
  ``n_frames`` frames, and its loudness and the colouring of the microphone
  are removed by per-clip normalisation (cepstral mean and variance
  normalisation, CMVN). :func:`log_mel_patches` does many clips at once.
- :func:`mfcc_statistics`: the classic baseline, the mean and standard
  deviation of each MFCC over time; :func:`mfcc_table` for many clips.
- :func:`augment_clip`: a random but seeded change of the recording (speed
  and pitch, microphone colour, room, noise, loudness, timing), and
  :func:`augmented_patches` to make several versions of every training clip,
  with a vocal-tract-length-like frequency warp of each patch. Training on
  such variations makes features and classifiers less sensitive to *who*
  speaks and *how* it was recorded.
- :func:`cepstral_patches`: a DCT over the mel axis of CMVN'd patches that
  keeps only the smooth spectral envelope (the vocal tract's shape) and
  drops the fine ripple of the pitch harmonics (who speaks).
- :func:`train_patch_autoencoder`, :func:`encode_patches` and
  :class:`AutoencoderFeatures`: a dense autoencoder on log-mel patches whose
  code is used as the feature vector, trained inside each evaluation split
  on training speakers only.
- :func:`make_classifier`, :func:`evaluate_split`, :func:`evaluate_standard_split`
  and :func:`evaluate_leave_one_speaker_out`: logistic regression or an
  RBF support vector machine on the standardised features, scored on FSDD's standard split (every voice is known) and with
  one speaker held out at a time (a voice never heard before).
- :func:`compare_features` and :func:`format_results`: the whole comparison
  in one call (``scripts/recognition_on_folder.py``).
- :func:`power_spectrogram` and :func:`mel_filterbank`: the same numbers as
  ``librosa.stft`` and ``librosa.filters.mel``, in NumPy, because librosa's
  own load its numba compiler (about 140 MB) and a notebook that also holds
  TensorFlow must stay under 1.2 GB.

Nothing here imports TensorFlow at import time; only the autoencoder
functions do, when called.

Used in: 08_recognition, benchmarks.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from .audio import check_signal
from .errors import SignalError, SilentSignalError

__all__ = [
    "patch_settings",
    "mel_filterbank",
    "power_spectrogram",
    "log_mel_patch",
    "log_mel_patches",
    "cepstral_patches",
    "mfcc_statistics",
    "mfcc_table",
    "augment_clip",
    "augmented_patches",
    "make_classifier",
    "RecognitionScore",
    "evaluate_split",
    "evaluate_standard_split",
    "evaluate_leave_one_speaker_out",
    "train_patch_autoencoder",
    "encode_patches",
    "AutoencoderFeatures",
    "compare_features",
    "format_results",
]

#: Below this peak amplitude a clip counts as silent (about -120 dBFS).
SILENCE_PEAK = 1e-6


def patch_settings(sr: int) -> dict:
    """The STFT sizes used for a sample rate: 32 ms windows every 8 ms.

    Returns ``{"n_fft": ..., "hop_length": ...}`` (256 and 64 at 8 kHz),
    so features of clips at different rates describe the same durations.

    Used in: 08_recognition, benchmarks.
    """
    if isinstance(sr, bool) or not isinstance(sr, (int, np.integer)) or sr <= 0:
        raise SignalError(f"sr must be a positive whole number of samples per second; got {sr!r}.")
    n_fft = int(2 ** np.ceil(np.log2(0.032 * sr)))
    return {"n_fft": n_fft, "hop_length": n_fft // 4}


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


@functools.lru_cache(maxsize=16)
def mel_filterbank(sr: int, n_fft: int, n_mels: int = 40, fmin: float = 0.0, fmax: float | None = None) -> np.ndarray:
    """Triangular mel filters, shape ``(n_mels, 1 + n_fft // 2)``: the same matrix as ``librosa.filters.mel``.

    Slaney's mel scale and area normalisation, librosa's defaults. It is
    written out here (and tested against librosa) because calling librosa's
    own loads its numba compiler, about 140 MB of memory, which a notebook
    that also holds TensorFlow cannot spare. The result is cached: treat it
    as read-only.

    Used in: 08_recognition, benchmarks.
    """
    fmax = sr / 2.0 if fmax is None else float(fmax)
    if not 0.0 <= fmin < fmax <= sr / 2.0:
        raise SignalError(f"Need 0 <= fmin < fmax <= sr / 2 = {sr / 2}; got fmin={fmin}, fmax={fmax}.")
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


def power_spectrogram(clip, n_fft: int, hop_length: int) -> np.ndarray:
    """``|STFT|**2`` with a periodic Hann window, frames centred on multiples of ``hop_length``.

    Shape ``(1 + n_fft // 2, frames)``; the same numbers as
    ``np.abs(librosa.stft(y=clip, n_fft=n_fft, hop_length=hop_length)) ** 2``
    (the clip is zero-padded by ``n_fft // 2`` on both sides), computed with
    NumPy alone for the reason given in :func:`mel_filterbank`.

    Used in: 08_recognition, benchmarks.
    """
    clip = np.asarray(clip, dtype=np.float32)
    padded = np.pad(clip, (n_fft // 2, n_fft // 2))
    if len(padded) < n_fft:
        padded = np.pad(padded, (0, n_fft - len(padded)))
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop_length]
    window = (0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n_fft) / n_fft)).astype(np.float32)
    spectrum = np.fft.rfft(frames * window, axis=1)
    return (spectrum.real**2 + spectrum.imag**2).T.astype(np.float32)


def _mel_power(clip: np.ndarray, sr: int, n_mels: int, fmin: float, fmax, warp: float = 1.0) -> np.ndarray:
    """Mel power spectrogram (n_mels, frames) with the course's window sizes."""
    settings = patch_settings(sr)
    if len(clip) < settings["n_fft"]:
        clip = np.pad(clip, (0, settings["n_fft"] - len(clip)))
    power = power_spectrogram(clip, **settings)
    if warp != 1.0:
        power = _warp_frequency(power, warp)
    return mel_filterbank(int(sr), settings["n_fft"], int(n_mels), float(fmin), fmax) @ power


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

    Used in: 08_recognition, benchmarks.
    """
    clip = _check_clip(clip, "the clip")
    if normalize not in ("cmvn", "global", "none"):
        raise SignalError(f"normalize must be 'cmvn', 'global' or 'none'; got {normalize!r}.")
    for label, value in (("n_mels", n_mels), ("n_frames", n_frames)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
            raise SignalError(f"{label} must be a whole number of at least 2; got {value!r}.")
    if not 0.5 <= warp <= 2.0:
        raise SignalError(f"warp={warp} is not a plausible frequency stretch; use 0.5 to 2 (1 = none).")
    mel = _mel_power(clip, sr, n_mels, fmin, fmax, warp)
    energy = mel.sum(axis=0)
    energy_db = 10.0 * np.log10(np.maximum(energy, 1e-20))
    active = np.flatnonzero(energy_db > energy_db.max() - top_db)
    mel = mel[:, active[0] : active[-1] + 1]
    decibels = 10.0 * np.log10(np.maximum(mel, 1e-20))
    decibels = np.maximum(decibels, decibels.max() - floor_db)
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

    Used in: 08_recognition, benchmarks.
    """
    patches = []
    with _one_blas_thread():
        for index, clip in enumerate(clips):
            try:
                patches.append(log_mel_patch(clip, sr, **kwargs))
            except SignalError as error:
                raise type(error)(f"clip {index}: {error}") from None
    if not patches:
        raise SignalError("No clips were given.")
    return np.stack(patches)


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

    Used in: 08_recognition, benchmarks.
    """
    import scipy.fft

    patches = np.asarray(patches, dtype=np.float32)
    if patches.ndim != 3:
        raise SignalError(f"patches must have shape (n, n_mels, n_frames); got shape {patches.shape}.")
    if isinstance(n_ceps, bool) or not isinstance(n_ceps, (int, np.integer)) or not 2 <= n_ceps <= patches.shape[1]:
        raise SignalError(
            f"n_ceps must be a whole number from 2 to the number of mel bands ({patches.shape[1]}); got {n_ceps!r}."
        )
    return scipy.fft.dct(patches, type=2, axis=1, norm="ortho")[:, 1:n_ceps].astype(np.float32)


def mfcc_statistics(clip, sr: int, n_mfcc: int = 20, n_mels: int = 40) -> np.ndarray:
    """The classic baseline: mean and standard deviation of each MFCC over the clip.

    Returns ``2 * n_mfcc`` numbers (the means, then the standard deviations),
    computed over the whole clip with the same windows as :func:`log_mel_patch`.
    The order of sounds in the word is lost: only their average and spread
    remain. A silent clip raises :class:`~course_utils.errors.SilentSignalError`.

    Used in: 08_recognition, benchmarks.
    """
    import scipy.fft

    clip = _check_clip(clip, "the clip")
    mel = _mel_power(clip, sr, n_mels, fmin=0.0, fmax=None).astype(np.float64)
    # librosa.feature.mfcc: decibels (80 dB range below the peak), then a DCT over the bands.
    decibels = 10.0 * np.log10(np.maximum(mel, 1e-10))
    decibels = np.maximum(decibels, decibels.max() - 80.0)
    mfcc = scipy.fft.dct(decibels, type=2, axis=0, norm="ortho")[:n_mfcc]
    return np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)]).astype(np.float32)


def mfcc_table(clips, sr: int, **kwargs) -> np.ndarray:
    """:func:`mfcc_statistics` of every clip, one row per clip.

    Used in: 08_recognition, benchmarks.
    """
    rows = []
    with _one_blas_thread():
        for index, clip in enumerate(clips):
            try:
                rows.append(mfcc_statistics(clip, sr, **kwargs))
            except SignalError as error:
                raise type(error)(f"clip {index}: {error}") from None
    if not rows:
        raise SignalError("No clips were given.")
    return np.stack(rows)


def _as_generator(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise SignalError(f"rng must be a numpy Generator or a seed (int); got {type(rng).__name__}.")


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
    training costs accuracy (08_recognition measures it).

    Used in: 08_recognition, benchmarks.
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

    Used in: 08_recognition, benchmarks.
    """
    if isinstance(copies, bool) or not isinstance(copies, (int, np.integer)) or copies < 1:
        raise SignalError(f"copies must be a whole number of at least 1; got {copies!r}.")
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


# --- classifiers and scores -------------------------------------------------------------------


def make_classifier(C: float | None = None, pca: int | None = None, max_iter: int = 3000, seed: int = 0,
                    kind: str = "logistic"):
    """A classifier on standardised features, as a scikit-learn ``Pipeline``.

    ``kind="logistic"`` (the default): logistic regression, a linear
    classifier (``C`` defaults to 1). ``kind="svm"``: a support vector
    machine with an RBF kernel (``SVC(C=C, gamma="scale")``, ``C`` defaults
    to 10), which can draw curved boundaries between the digits, e.g. one
    region per way of saying a digit.

    With ``pca=k``, the features are first reduced to their ``k`` principal
    components; because PCA is a step of the pipeline it is fitted on the
    training clips of each split only.

    Used in: 08_recognition, benchmarks.
    """
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    if kind == "logistic":
        model = LogisticRegression(C=1.0 if C is None else C, max_iter=max_iter)
    elif kind == "svm":
        model = SVC(C=10.0 if C is None else C, gamma="scale")
    else:
        raise SignalError(f"kind must be 'logistic' or 'svm'; got {kind!r}.")
    steps = []
    if pca is not None:
        steps.append(PCA(n_components=pca, random_state=seed))
    steps += [StandardScaler(), model]
    return make_pipeline(*steps)


@dataclass
class RecognitionScore:
    """Accuracy of a recogniser, overall and per speaker, with every prediction.

    ``accuracy`` is the mean of ``per_speaker`` (each speaker counts the same);
    ``y_true``, ``y_pred`` and ``speakers`` are the test clips' labels,
    predictions and speakers, e.g. for a confusion matrix.

    Used in: 08_recognition, benchmarks.
    """

    accuracy: float
    per_speaker: dict
    y_true: np.ndarray = field(repr=False)
    y_pred: np.ndarray = field(repr=False)
    speakers: np.ndarray = field(repr=False)

    @property
    def worst_speaker(self) -> str:
        """The speaker with the lowest accuracy."""
        return min(self.per_speaker, key=self.per_speaker.get)


def _fold_data(features, digits, train, test):
    if callable(features):
        result = features(train, test)
        if not (isinstance(result, tuple) and len(result) == 3):
            raise SignalError(
                "A features function must return (X_train, y_train, X_test) for the "
                "given (train_indices, test_indices)."
            )
        x_train, y_train, x_test = result
    else:
        features = np.asarray(features)
        if len(features) != len(digits):
            raise SignalError(
                f"features has {len(features)} rows but there are {len(digits)} clips: "
                "one row per clip, in the order of digits.audio."
            )
        x_train, y_train, x_test = features[train], digits.labels[train], features[test]
    x_train = np.asarray(x_train).reshape(len(x_train), -1)
    x_test = np.asarray(x_test).reshape(len(x_test), -1)
    for name, x in (("training features", x_train), ("test features", x_test)):
        if not np.all(np.isfinite(x)):
            raise SignalError(f"The {name} contain NaN or Inf; check how they were computed.")
    return x_train, np.asarray(y_train), x_test


def _score(y_true, y_pred, speakers) -> RecognitionScore:
    per_speaker = {
        str(s): float(np.mean(y_pred[speakers == s] == y_true[speakers == s]))
        for s in sorted(set(speakers.tolist()))
    }
    return RecognitionScore(
        accuracy=float(np.mean(list(per_speaker.values()))),
        per_speaker=per_speaker,
        y_true=np.asarray(y_true),
        y_pred=np.asarray(y_pred),
        speakers=np.asarray(speakers),
    )


def evaluate_split(features, digits, train, test, classifier=None) -> RecognitionScore:
    """Train a classifier on the clips ``train`` and score it on the clips ``test``.

    ``features`` is either an array with one row per clip (any shape per
    row; it is flattened), or a function ``features(train_indices,
    test_indices) -> (X_train, y_train, X_test)`` for features that must
    be fitted on the training clips (an autoencoder), that add augmented
    training rows, or that change the test clips. The test labels are
    ``digits.labels[test]``. ``classifier`` defaults to :func:`make_classifier`;
    it is cloned, so the one passed in is left untouched.

    Used in: 08_recognition, benchmarks.
    """
    from sklearn.base import clone

    train, test = np.asarray(train), np.asarray(test)
    x_train, y_train, x_test = _fold_data(features, digits, train, test)
    if len(x_test) != len(test):
        raise SignalError(f"{len(x_test)} rows of test features for {len(test)} test clips; they must pair up.")
    model = clone(classifier if classifier is not None else make_classifier())
    with _one_blas_thread():
        predictions = model.fit(x_train, y_train).predict(x_test)
    return _score(digits.labels[test], predictions, digits.speakers[test])


def evaluate_standard_split(features, digits, classifier=None, test_takes=range(5)) -> RecognitionScore:
    """Train on takes 5 and later of every voice, test on takes 0-4 (FSDD's standard split).

    ``features`` and ``classifier`` as in :func:`evaluate_split`. Every
    test voice also has training clips: this measures how well the
    recogniser knows *these* voices.

    Used in: 08_recognition, benchmarks.
    """
    from .data import standard_split

    train, test = standard_split(digits, test_takes=test_takes)
    return evaluate_split(features, digits, train, test, classifier)


def evaluate_leave_one_speaker_out(features, digits, classifier=None) -> RecognitionScore:
    """Hold out each speaker in turn; train on the others, test on the held-out voice.

    ``features`` and ``classifier`` as in :func:`evaluate_split`. The
    result's ``per_speaker`` gives the accuracy on each held-out speaker
    and ``accuracy`` their mean: how well the recogniser would do for a
    new person.

    Used in: 08_recognition, benchmarks.
    """
    from .data import leave_one_speaker_out

    scores = [evaluate_split(features, digits, train, test, classifier)
              for _, train, test in leave_one_speaker_out(digits)]
    return _score(*(np.concatenate([getattr(score, name) for score in scores])
                    for name in ("y_true", "y_pred", "speakers")))


# --- the autoencoder --------------------------------------------------------------------------


def train_patch_autoencoder(
    patches,
    code_size: int = 64,
    hidden_sizes=(256,),
    steps: int = 300,
    batch_size: int = 64,
    learning_rate: float = 2e-3,
    seed: int = 0,
):
    """Train a dense autoencoder on log-mel patches; return its encoder.

    ``patches`` has shape ``(n, n_mels, n_frames)`` and is flattened inside:
    ``n_mels * n_frames -> hidden_sizes -> code_size -> ... -> n_mels * n_frames``
    (:func:`course_utils.models.build_dense_autoencoder`), trained with Adam
    on the mean squared error for ``steps`` optimizer steps of ``batch_size``
    patches, in shuffled passes over the data. No labels are used.

    The loop is the compiled ``GradientTape`` step of 04_training, fed with
    NumPy batches: unlike ``model.fit`` on a ``tf.data`` pipeline it keeps no
    second copy of the training set in TensorFlow, which matters when a
    notebook trains several autoencoders on thousands of patches.

    Returns the Keras encoder (flattened patch -> code); see :func:`encode_patches`.
    The final training loss is in ``encoder.final_loss``.

    Used in: 08_recognition, benchmarks.
    """
    import keras
    import tensorflow as tf

    from .models import build_dense_autoencoder
    from .training import make_train_step

    x = np.ascontiguousarray(np.asarray(patches, dtype=np.float32).reshape(len(patches), -1))
    if len(x) == 0 or not np.isfinite(x).all():
        raise SignalError("The training patches are empty or contain NaN/Inf.")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise SignalError(f"steps must be a positive whole number of optimizer steps; got {steps!r}.")
    keras.utils.set_random_seed(seed)
    autoencoder, encoder, _ = build_dense_autoencoder(x.shape[1], code_size, hidden_sizes=hidden_sizes)
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    loss_function = keras.losses.MeanSquaredError()

    step = make_train_step(autoencoder, optimizer, loss_function)

    def train_step(batch):
        return step(batch, batch)

    rng = np.random.default_rng(seed)
    batch_size = min(int(batch_size), len(x))
    order, position, loss = rng.permutation(len(x)), 0, None
    for _ in range(steps):
        if position + batch_size > len(order):
            order, position = rng.permutation(len(x)), 0
        loss = train_step(tf.constant(x[order[position : position + batch_size]]))
        position += batch_size
    encoder.final_loss = float(loss)
    return encoder


def encode_patches(encoder, patches, batch_size: int = 1024) -> np.ndarray:
    """The codes of ``patches`` (shape ``(n, n_mels, n_frames)``) under a trained encoder.

    Used in: 08_recognition, benchmarks.
    """
    x = np.asarray(patches, dtype=np.float32).reshape(len(patches), -1)
    chunks = [np.asarray(encoder(x[start : start + batch_size], training=False))
              for start in range(0, len(x), batch_size)]
    return np.concatenate(chunks) if chunks else np.zeros((0, encoder.output_shape[-1]), np.float32)


class AutoencoderFeatures:
    """Autoencoder codes as features, with the autoencoder trained on the training clips of each split.

    An instance is a *features function* for :func:`evaluate_standard_split`
    and :func:`evaluate_leave_one_speaker_out`: called with
    ``(train_indices, test_indices)`` it trains an autoencoder on the
    training clips' patches (plus their augmented copies), encodes, and
    returns ``(codes_train, labels_train, codes_test)``. The autoencoder
    uses no labels, but it must still not see the test clips: an
    autoencoder that has heard the held-out voice has adapted to it, and
    the score would flatter it.

    Training one autoencoder per held-out speaker is the cleanest, and the
    most expensive. With ``speaker_groups=k`` the speakers are dealt into
    ``k`` groups and one autoencoder is trained per group, on the clips of
    every speaker *outside* that group; a held-out speaker is encoded by the
    autoencoder of its group, which has never heard it. (The classifier on
    top is still trained on every other speaker.) ``speaker_groups=None``
    trains one autoencoder per split. When the test clips' speakers also
    have training clips (the standard split), the autoencoder is trained on
    exactly the training clips.

    Parameters
    ----------
    digits : SpokenDigits
    patches : array (n_clips, n_mels, n_frames)
        One clean patch per clip, e.g. from :func:`log_mel_patches`.
    augmented, source : optional
        From :func:`augmented_patches`: extra training patches and the clip
        each came from. They join the autoencoder's and the classifier's
        training data when their clip is a training clip.
    speaker_groups : int or None
    extra_patches : optional array (n_extra, n_mels, n_frames)
        Patches of *other* recordings (e.g. the synthetic voices of
        ``data.load_synthetic_digits()``), never tested on. They join every
        autoencoder's training data, unlabelled.
    extra_labels : optional array (n_extra,)
        Their digits. When given, the extra patches' codes also join the
        classifier's training rows: extra training speakers.
        :meth:`without_extra_labels` gives a features function that shares
        the trained autoencoders but leaves them out of the classifier.
    **autoencoder_kwargs
        Passed to :func:`train_patch_autoencoder` (``code_size``, ``steps``, ...).

    After use, ``encoders`` maps each trained autoencoder's name to its
    encoder and ``seconds`` to its training time.

    Used in: 08_recognition, benchmarks.
    """

    def __init__(self, digits, patches, augmented=None, source=None, speaker_groups: int | None = 3,
                 extra_patches=None, extra_labels=None, **autoencoder_kwargs):
        patches = np.asarray(patches, dtype=np.float32)
        if len(patches) != len(digits):
            raise SignalError(
                f"patches has {len(patches)} rows but there are {len(digits)} clips: one patch per clip."
            )
        if (augmented is None) != (source is None):
            raise SignalError("Pass both augmented and source (as returned by augmented_patches), or neither.")
        self.digits = digits
        self.patches = patches
        self.augmented = None if augmented is None else np.asarray(augmented, dtype=np.float32)
        self.source = None if source is None else np.asarray(source)
        self.extra_patches = None if extra_patches is None else np.asarray(extra_patches, dtype=np.float32)
        self.extra_labels = None if extra_labels is None else np.asarray(extra_labels)
        if self.extra_labels is not None and (self.extra_patches is None
                                              or len(self.extra_labels) != len(self.extra_patches)):
            raise SignalError("extra_labels needs extra_patches, one label per extra patch.")
        if self.extra_patches is not None and self.extra_patches.shape[1:] != patches.shape[1:]:
            raise SignalError(
                f"extra_patches have shape {self.extra_patches.shape[1:]} per patch, the clips' patches "
                f"{patches.shape[1:]}: make both the same way."
            )
        speakers = sorted(set(digits.speakers.tolist()))
        if speaker_groups is None or speaker_groups >= len(speakers):
            self.groups = [[s] for s in speakers]
        else:
            self.groups = [speakers[g::speaker_groups] for g in range(speaker_groups)]
        self.autoencoder_kwargs = autoencoder_kwargs
        self.encoders = {}
        self.seconds = {}

    def __repr__(self) -> str:
        extra = "" if self.extra_patches is None else (
            f", {len(self.extra_patches)} extra patches" + (" (labelled)" if self.extra_labels is not None else ""))
        return (f"AutoencoderFeatures({len(self.patches)} clips{extra}, groups={self.groups}, "
                f"trained={list(self.encoders)})")

    def without_extra_labels(self) -> AutoencoderFeatures:
        """The same features function, sharing the trained autoencoders, without the extra classifier rows.

        The autoencoders still learn from the extra patches (unlabelled);
        only the classifier no longer gets them as training speakers. Use it
        to measure what the extra speakers add.
        """
        import copy

        twin = copy.copy(self)  # shallow: encoders and seconds are the same dicts
        twin.extra_labels = None
        return twin

    def _training_rows(self, clip_indices):
        x, y = [self.patches[clip_indices]], [self.digits.labels[clip_indices]]
        if self.augmented is not None:
            keep = np.isin(self.source, clip_indices)
            x.append(self.augmented[keep])
            y.append(self.digits.labels[self.source[keep]])
        return np.concatenate(x), np.concatenate(y)

    def _encoder(self, name, clip_indices):
        import time

        if name not in self.encoders:
            x, _ = self._training_rows(clip_indices)
            if self.extra_patches is not None:
                x = np.concatenate([x, self.extra_patches])
            started = time.perf_counter()
            self.encoders[name] = train_patch_autoencoder(x, **self.autoencoder_kwargs)
            self.seconds[name] = time.perf_counter() - started
        return self.encoders[name]

    def __call__(self, train, test):
        train, test = np.asarray(train), np.asarray(test)
        speakers = self.digits.speakers
        test_speakers = set(speakers[test].tolist())
        if test_speakers & set(speakers[train].tolist()):
            # Standard split: the same voices on both sides; train on exactly the training clips.
            name = f"split of {len(train)} training clips"
            encoder = self._encoder(name, train)
        else:
            group = next((g for g in self.groups if test_speakers <= set(g)), None)
            if group is None:
                name = "without " + ", ".join(sorted(test_speakers))
                allowed = np.flatnonzero(~np.isin(speakers, sorted(test_speakers)))
            else:
                name = "without " + ", ".join(group)
                allowed = np.flatnonzero(~np.isin(speakers, group))
            encoder = self._encoder(name, allowed)
        x_train, y_train = self._training_rows(train)
        if self.extra_labels is not None:
            x_train = np.concatenate([x_train, self.extra_patches])
            y_train = np.concatenate([y_train, self.extra_labels])
        return encode_patches(encoder, x_train), y_train, encode_patches(encoder, self.patches[test])


# --- the whole comparison, for scripts ------------------------------------------------------------


def compare_features(digits, code_size: int = 128, steps: int = 400, speaker_groups: int | None = None,
                     copies: int = 2, seed: int = 0, verbose: bool = False, extra=None,
                     classifier: str = "svm", n_ceps: int | None = 13, hidden_sizes=(256,)) -> dict:
    """The comparison of 08_recognition in one call: every feature, both splits.

    Returns ``{name: (standard_split_score, leave_one_speaker_out_score)}``
    (:class:`RecognitionScore` objects) for three features, all read by the
    same classifier (``make_classifier(kind=classifier)``, an RBF SVM by
    default):

    - MFCC statistics (:func:`mfcc_table`), the training-free baseline, on
      the clips alone;
    - PCA-``code_size`` of the patches;
    - the autoencoder code (``code_size`` numbers, :class:`AutoencoderFeatures`,
      trained inside each split, one per held-out speaker by default).

    The patches are CMVN log-mel patches, cepstrally smoothed with
    :func:`cepstral_patches` (``n_ceps=None``: not smoothed); PCA and the
    autoencoder are trained with ``copies`` augmented copies of every
    training clip. ``extra`` (a ``SpokenDigits``, e.g. the synthetic voices
    of ``data.load_synthetic_digits()``) adds other speakers, never tested
    on, to the training data of PCA, the autoencoder and their classifiers;
    their sample rate must be that of ``digits``.

    Trains TensorFlow models: call ``course_utils.setup_notebook()`` first.
    ``scripts/recognition_on_folder.py`` runs it on any folder of digits.

    Used in: 08_recognition, benchmarks.
    """
    import time

    def say(text):
        if verbose:
            print(text, flush=True)

    sr = digits.sample_rate
    if extra is not None and extra.sample_rate != sr:
        raise SignalError(f"extra digits are at {extra.sample_rate} Hz, the digits at {sr} Hz; load both at one rate.")

    def smooth(x):
        return x if n_ceps is None else cepstral_patches(x, n_ceps)

    results = {}
    started = time.perf_counter()
    mfcc = mfcc_table(digits.audio, sr)
    patches = smooth(log_mel_patches(digits.audio, sr))
    augmented, source = augmented_patches(digits.audio, sr, copies=copies, seed=seed)
    augmented = smooth(augmented)
    extra_patches = None if extra is None else smooth(log_mel_patches(extra.audio, sr))
    extra_labels = None if extra is None else extra.labels
    say(f"features of {len(digits)} clips in {time.perf_counter() - started:.1f} s")

    def with_augmentation(train, test):
        keep = np.isin(source, train)
        x = [patches[train], augmented[keep]]
        y = [digits.labels[train], digits.labels[source[keep]]]
        if extra is not None:
            x.append(extra_patches)
            y.append(extra_labels)
        return np.concatenate(x), np.concatenate(y), patches[test]

    autoencoder = AutoencoderFeatures(digits, patches, augmented, source, speaker_groups=speaker_groups,
                                      extra_patches=extra_patches, extra_labels=extra_labels,
                                      code_size=code_size, hidden_sizes=hidden_sizes, steps=steps, seed=seed)
    for name, chosen, model in [
        ("MFCC mean+std", mfcc, make_classifier(kind=classifier)),
        (f"PCA-{code_size} of patches", with_augmentation, make_classifier(pca=code_size, kind=classifier, seed=seed)),
        (f"autoencoder code ({code_size})", autoencoder, make_classifier(kind=classifier)),
    ]:
        started = time.perf_counter()
        results[name] = (evaluate_standard_split(chosen, digits, model),
                         evaluate_leave_one_speaker_out(chosen, digits, model))
        say(f"{name}: {time.perf_counter() - started:.1f} s")
    return results


def format_results(results: dict) -> str:
    """A plain-text table of ``{name: (standard_score, loso_score)}``, one row per feature.

    Used in: 08_recognition, benchmarks.
    """
    width = max([len("features")] + [len(name) for name in results])
    lines = [f"{'features':{width}s} {'standard split':>15s} {'one speaker out':>16s} {'worst voice':>18s}"]
    for name, (standard, loso) in results.items():
        worst = f"{loso.worst_speaker} {loso.per_speaker[loso.worst_speaker]:.0%}"
        lines.append(f"{name:{width}s} {standard.accuracy:>15.1%} {loso.accuracy:>16.1%} {worst:>18s}")
    return "\n".join(lines)
