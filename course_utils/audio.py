"""Loading audio and cutting it into frames.

An autoencoder needs fixed-size input vectors. For audio these are *frames*:
blocks of ``frame_length`` samples taken every ``hop_length`` samples.
:func:`frame_signal` cuts a signal into frames and :func:`overlap_add` puts
frames back together; for frames cut from one signal the round trip is exact.

Used in: 01_loading_audio, 02_standardizing, 03_building_the_autoencoder and
every later notebook.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .errors import (
    AudioFileError,
    AudioFileNotFoundError,
    SignalError,
    SilentSignalError,
)

__all__ = [
    "load_audio",
    "check_signal",
    "frame_signal",
    "overlap_add",
    "fit_standardizer",
]


def _describe_readable_formats() -> str:
    import soundfile

    return ", ".join(sorted(soundfile.available_formats()))


def load_audio(
    path: str | os.PathLike,
    sr: int | None = None,
    mono: bool = True,
    offset: float = 0.0,
    duration: float | None = None,
) -> tuple[np.ndarray, int]:
    """Load an audio file as float32 samples in [-1, 1].

    Parameters
    ----------
    path : str or Path
        A file that libsndfile can read (WAV, FLAC, OGG, MP3, ...).
    sr : int or None
        Resample to this rate. ``None`` keeps the file's own rate (unlike
        ``librosa.load``, whose default silently resamples to 22050 Hz).
    mono : bool
        Average the channels. With ``mono=False`` a stereo file comes back
        with shape ``(channels, samples)``, as in librosa.
    offset, duration : float
        Start time and length in seconds, as in ``librosa.load``.

    Returns
    -------
    (samples, sample_rate) : (np.ndarray of float32, int)

    Raises
    ------
    AudioFileNotFoundError, AudioFileError, SignalError
        With a message that names the file and says what to do.

    Used in: 01_loading_audio, 02_standardizing and later notebooks.
    """
    import librosa
    import soundfile

    path = Path(path)
    if not path.exists():
        raise AudioFileNotFoundError(
            f"No audio file at '{path}'. Check the spelling and the folder "
            f"(the current folder is '{Path.cwd()}'); the course's own clips are listed "
            "by course_utils.data.load_manifest()."
        )
    if path.is_dir():
        raise AudioFileError(
            f"'{path}' is a folder, not an audio file. Pass one file inside it, "
            "or use course_utils.data.load_spoken_digits(root=...) for a folder of digits."
        )
    if path.stat().st_size == 0:
        raise AudioFileError(
            f"'{path}' is empty (0 bytes). The download or copy probably failed; "
            "fetch or copy the file again."
        )
    try:
        info = soundfile.info(str(path))
    except Exception as error:  # libsndfile raises a bare RuntimeError/LibsndfileError
        raise AudioFileError(
            f"'{path}' could not be read as audio ({error}). It may be a text file or "
            "a format libsndfile does not know. Convert it to WAV or FLAC, e.g. with "
            f"`sox input output.wav`. Readable formats: {_describe_readable_formats()}."
        ) from None
    if info.frames == 0:
        raise AudioFileError(
            f"'{path}' is a valid {info.format} file but holds no samples. Record or export it again."
        )
    if offset < 0 or (duration is not None and duration <= 0):
        raise SignalError(
            f"offset must be >= 0 and duration > 0 seconds; got offset={offset}, duration={duration}."
        )
    if offset >= info.duration:
        raise SignalError(
            f"offset={offset} s is past the end of '{path}', which lasts {info.duration:.3f} s."
        )
    # Read with soundfile and check before librosa sees the samples: librosa
    # rejects NaN with a less helpful message deep inside its own checks.
    start = int(round(offset * info.samplerate))
    count = -1 if duration is None else int(round(duration * info.samplerate))
    samples, sample_rate = soundfile.read(
        str(path), start=start, frames=count, dtype="float32", always_2d=True
    )
    samples = check_signal(samples.T, name=str(path), allow_channels=True)
    samples = samples.mean(axis=0) if mono else (samples[0] if samples.shape[0] == 1 else samples)
    if sr is not None and sr != sample_rate:
        samples = librosa.resample(y=samples, orig_sr=sample_rate, target_sr=sr).astype(np.float32)
        sample_rate = sr
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    return samples, int(sample_rate)


def check_signal(x, name: str = "signal", allow_channels: bool = False) -> np.ndarray:
    """Return ``x`` as a float array after checking it is a usable signal.

    A usable signal is 1-D (or 2-D ``(channels, samples)`` when
    ``allow_channels``), not empty, and holds only finite numbers.

    Used in: 02_standardizing and, through the metrics and framing, all notebooks.
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise SignalError(f"{name} must hold real numbers; got dtype {x.dtype}.")
    allowed = (1, 2) if allow_channels else (1,)
    if x.ndim not in allowed:
        hint = (
            " It looks like stereo or a batch: pass mono=True to load_audio, or pick one row."
            if x.ndim == 2
            else ""
        )
        raise SignalError(
            f"{name} must be a 1-D array of samples; got shape {x.shape}.{hint}"
        )
    if x.size == 0:
        raise SignalError(f"{name} is empty (0 samples). Check the file and the offset/duration.")
    finite = np.isfinite(x)
    if not finite.all():
        bad = int(x.size - finite.sum())
        first = int(np.flatnonzero(~finite.ravel())[0])
        raise SignalError(
            f"{name} contains {bad} NaN or Inf value(s), the first at index {first}. "
            "Training on them would turn every weight into NaN. Replace them, e.g. "
            "np.nan_to_num(x), or cut that part out."
        )
    return x


def fit_standardizer(train_signal, name: str = "training signal"):
    """Fit scikit-learn's ``StandardScaler`` to the samples of one signal.

    This is the article's ``scaler.fit(data.reshape(-1, 1))`` with the checks
    it lacks: the signal must be finite and must not be silent. (On silence
    ``StandardScaler`` quietly sets the scale to 1 and "standardizes" nothing.)
    Fit it on training audio only and reuse it, unchanged, on held-out audio.

    Used in: 02_standardizing, 03_building_the_autoencoder, 04_training.
    """
    from sklearn.preprocessing import StandardScaler

    x = check_signal(train_signal, name=name)
    std = float(np.std(x))
    if std < 1e-8:
        raise SilentSignalError(
            f"{name} is silent (standard deviation {std:.1e}), so it cannot be standardized: "
            "the scale would be a division by zero. Trim the silence "
            "(librosa.effects.trim) or choose a clip with sound in it."
        )
    return StandardScaler().fit(x.reshape(-1, 1))


def _check_frame_settings(frame_length, hop_length) -> tuple[int, int]:
    for label, value in (("frame_length", frame_length), ("hop_length", hop_length)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise SignalError(f"{label} must be a positive whole number of samples; got {value!r}.")
    if hop_length > frame_length:
        raise SignalError(
            f"hop_length={hop_length} is larger than frame_length={frame_length}, so samples "
            "between frames would be lost and could never be put back. Use hop_length <= frame_length."
        )
    return int(frame_length), int(hop_length)


def frame_signal(x, frame_length: int, hop_length: int, pad: bool = False) -> np.ndarray:
    """Cut a 1-D signal into frames of ``frame_length`` samples every ``hop_length``.

    Returns an array of shape ``(n_frames, frame_length)``: one frame per row,
    the layout Keras expects for a batch of vectors. Without ``pad`` the
    samples after the last whole frame are dropped; with ``pad=True`` the
    signal is padded with zeros so every sample lands in a frame.

    Used in: 02_standardizing, 03_building_the_autoencoder and later notebooks.
    """
    import librosa

    frame_length, hop_length = _check_frame_settings(frame_length, hop_length)
    x = check_signal(x)
    if pad:
        n_frames = max(1, int(np.ceil(max(len(x) - frame_length, 0) / hop_length)) + 1)
        needed = (n_frames - 1) * hop_length + frame_length
        x = np.pad(x, (0, needed - len(x)))
    if len(x) < frame_length:
        raise SignalError(
            f"The clip has {len(x)} samples, shorter than one frame of {frame_length}. "
            "Use a shorter frame_length, a longer clip, or frame_signal(..., pad=True)."
        )
    frames = librosa.util.frame(x, frame_length=frame_length, hop_length=hop_length, axis=0)
    return np.ascontiguousarray(frames)


def overlap_add(frames, hop_length: int, window=None, length: int | None = None) -> np.ndarray:
    """Put frames back into one signal by (weighted) overlap-add.

    Overlapping samples are averaged, weighted by ``window`` (``None`` for
    equal weights, a name such as ``"hann"``, or an array). For frames cut
    from one signal by :func:`frame_signal` the result is that signal, exactly,
    for any hop and window; for frames a model produced, averaging the
    overlaps smooths the seams between frames.

    Parameters
    ----------
    frames : array of shape (n_frames, frame_length)
    hop_length : int
    window : None, str or array of length frame_length
    length : int, optional
        Trim or zero-pad the result to this many samples.

    Used in: 03_building_the_autoencoder, 05_evaluating, 07_compression.
    """
    frames = np.asarray(frames)
    if frames.ndim != 2:
        raise SignalError(
            f"frames must be 2-D (n_frames, frame_length); got shape {frames.shape}. "
            "If a model returned (n_frames, frame_length, 1), use frames[..., 0]."
        )
    n_frames, frame_length = frames.shape
    if n_frames == 0:
        raise SignalError("frames is empty: there are no frames to put together.")
    frame_length, hop_length = _check_frame_settings(frame_length, hop_length)
    check_signal(frames.ravel(), name="frames")
    if window is None:
        weights = np.ones(frame_length)
    elif isinstance(window, str):
        import scipy.signal

        weights = scipy.signal.get_window(window, frame_length, fftbins=True)
    else:
        weights = np.asarray(window, dtype=float)
        if weights.shape != (frame_length,):
            raise SignalError(
                f"window has shape {weights.shape}, but frames are {frame_length} samples long."
            )
    total = (n_frames - 1) * hop_length + frame_length
    weighted_sum = np.zeros(total)
    weight_sum = np.zeros(total)
    plain_sum = np.zeros(total)
    count = np.zeros(total)
    for index, frame in enumerate(frames):
        start = index * hop_length
        weighted_sum[start : start + frame_length] += weights * frame
        weight_sum[start : start + frame_length] += weights
        plain_sum[start : start + frame_length] += frame
        count[start : start + frame_length] += 1
    # Where the window gives every overlapping frame zero weight (the edges of
    # a Hann window), fall back to the plain average so no sample is lost.
    usable = weight_sum > 1e-8 * weights.max(initial=1.0)
    signal = np.where(usable, weighted_sum / np.where(usable, weight_sum, 1.0), plain_sum / count)
    signal = signal.astype(frames.dtype if np.issubdtype(frames.dtype, np.floating) else np.float64)
    if length is not None:
        signal = signal[:length] if length <= total else np.pad(signal, (0, length - total))
    return signal
