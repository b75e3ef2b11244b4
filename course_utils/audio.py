"""Loading audio and cutting it into frames.

An autoencoder needs fixed-size input vectors. For audio these are *frames*:
blocks of ``frame_length`` samples taken every ``hop_length`` samples.
:func:`frame_signal` cuts a signal into frames and :func:`overlap_add` puts
frames back together; for frames cut from one signal the round trip is exact.

Used in: 00_welcome, 01_loading_audio, 02_standardizing, 03_building_the_autoencoder, 04_training,
05_evaluating, 05_going_further_transform_coding, 06_troubleshooting, 07_compression,
07_going_further_codecs, 12_efficiency_and_scale, benchmarks/codec.py, benchmarks/codes.py,
benchmarks/trainers.py, scripts/make_weights.py, scripts/measure_lapped.py.
"""

from __future__ import annotations

import math
import numbers
import os
import warnings
from pathlib import Path

import numpy as np

from .checks import frame_settings
from .checks import sample_rate as _checked_rate  # load_audio has a sample_rate of its own
from .errors import (
    AudioFileError,
    AudioFileNotFoundError,
    CourseWarning,
    SettingError,
    SignalError,
    SilentSignalError,
)

__all__ = [
    "load_audio",
    "check_signal",
    "frame_signal",
    "overlap_add",
    "fit_standardizer",
    "MAX_FRAME_BYTES",
]

#: Default cap, in bytes, on the arrays :func:`frame_signal` and :func:`overlap_add` create (1 GiB).
MAX_FRAME_BYTES = 2**30


def _describe_readable_formats() -> str:
    import soundfile

    return ", ".join(sorted(soundfile.available_formats()))


def _as_path(path) -> Path:
    """``path`` as a Path: str, bytes or os.PathLike; an empty name is an error, not the current folder."""
    if isinstance(path, (str, bytes, os.PathLike)):
        text = os.fsdecode(path)
        if not text.strip():
            raise AudioFileError(
                f"The path is empty ({path!r}). Pass the name of an audio file, e.g. "
                "course_utils.data.data_path('music', 'excerpt.wav')."
            )
        return Path(text)
    raise AudioFileError(
        f"path must be a file name (str or pathlib.Path); got {type(path).__name__} {path!r}."
    )


def _check_seconds(value, name: str, allow_none: bool) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        fix = (
            " Use duration=None for the whole file."
            if allow_none
            else " Use offset=0 to start at the beginning."
        )
        raise SettingError(f"{name} must be a finite number of seconds; got {value!r}.{fix}")
    return float(value)


def _wav_data_sizes(path: Path) -> tuple[int, int] | None:
    """``(declared, present)`` bytes of a WAV file's data chunk, or None if not WAV (or unknown size)."""
    size = path.stat().st_size
    with open(path, "rb") as stream:
        head = stream.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
            return None
        order = "big" if head[:4] == b"RIFX" else "little"
        position = 12
        while position + 8 <= size:
            stream.seek(position)
            chunk = stream.read(8)
            length = int.from_bytes(chunk[4:8], order)
            if chunk[:4] == b"data":
                if length in (
                    0,
                    0xFFFFFFFF,
                ):  # written while streaming: the size was never filled in
                    return None
                return length, size - position - 8
            position += 8 + length + (length & 1)
    return None


def _warn_if_truncated(path: Path, info) -> None:
    sizes = _wav_data_sizes(path)
    if sizes is None or info.frames == 0:
        return
    declared, present = sizes
    if present >= declared:
        return
    bytes_per_frame = present / info.frames
    missing = int(round((declared - present) / bytes_per_frame))
    warnings.warn(
        f"'{path}' is truncated: its header promises {info.frames + missing} samples but the file "
        f"holds {info.frames}; {missing} samples ({missing / info.samplerate:.3f} s) are missing "
        "from the end. The download or copy was probably cut short: fetch or copy it again. "
        "The samples that are there were loaded.",
        CourseWarning,
        stacklevel=3,
    )


def _warn_if_beyond_full_scale(path: Path, info, samples: np.ndarray) -> None:
    peak = float(np.max(np.abs(samples)))
    if peak > 1.0:
        warnings.warn(
            f"'{path}' stores {info.subtype} samples reaching {peak:.2f}, beyond full scale [-1, 1], "
            "so they were loaded as they are. Scale them before playing, saving or comparing, "
            "e.g. samples / np.max(np.abs(samples)).",
            CourseWarning,
            stacklevel=3,
        )


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
        Resample to this rate, a positive whole number of Hz. ``None`` keeps
        the file's own rate (unlike ``librosa.load``, whose default silently
        resamples to 22050 Hz).
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

    Warns
    -----
    CourseWarning
        A WAV file holds fewer samples than its header says (truncated), or a
        floating-point file has samples beyond [-1, 1] (loaded as they are).

    Used in: 00_welcome, 01_loading_audio, benchmarks/codes.py, scripts/measure_lapped.py.
    """
    import librosa
    import soundfile

    path = _as_path(path)
    sr = _checked_rate(sr, allow_none=True)
    offset = _check_seconds(offset, "offset", allow_none=False)
    duration = _check_seconds(duration, "duration", allow_none=True)
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
    if not path.is_file():
        raise AudioFileError(
            f"'{path}' is not a regular file (a pipe, a device or a socket), so it cannot be read as "
            "audio. Save the audio to a file first, then load that file."
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
        raise SettingError(
            f"offset must be >= 0 and duration > 0 seconds; got offset={offset}, duration={duration}."
        )
    if offset >= info.duration:
        raise SettingError(
            f"offset={offset} s is past the end of '{path}', which lasts {info.duration:.3f} s."
        )
    # Read with soundfile and check before librosa sees the samples: librosa
    # rejects NaN with a less helpful message deep inside its own checks.
    start = int(round(offset * info.samplerate))
    count = -1 if duration is None else int(round(duration * info.samplerate))
    samples, sample_rate = soundfile.read(
        str(path), start=start, frames=count, dtype="float32", always_2d=True
    )
    _warn_if_truncated(path, info)
    samples = check_signal(samples.T, name=str(path), allow_channels=True)
    if info.subtype in ("FLOAT", "DOUBLE"):
        _warn_if_beyond_full_scale(path, info, samples)
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

    Used in: no notebook.
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
        raise SignalError(f"{name} must be a 1-D array of samples; got shape {x.shape}.{hint}")
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

    Used in: 02_standardizing, 03_building_the_autoencoder, 04_training, 05_evaluating,
    05_going_further_transform_coding, 06_troubleshooting, 07_compression, 07_going_further_codecs,
    12_efficiency_and_scale, benchmarks/trainers.py, scripts/make_weights.py.
    """
    from sklearn.preprocessing import StandardScaler

    x = check_signal(train_signal, name=name)
    with np.errstate(over="ignore", invalid="ignore"):
        std = float(np.std(x.astype(np.float64)))
    if not math.isfinite(std) or std > 1e150:
        raise SignalError(
            f"{name} holds values too large to standardize (peak {float(np.max(np.abs(x))):.3g}): its "
            "standard deviation is not finite. Audio samples lie in [-1, 1]; divide by the peak first."
        )
    if std < 1e-8:
        raise SilentSignalError(
            f"{name} is silent (standard deviation {std:.1e}), so it cannot be standardized: "
            "the scale would be a division by zero. Trim the silence "
            "(librosa.effects.trim) or choose a clip with sound in it."
        )
    scaler = StandardScaler().fit(x.reshape(-1, 1))
    if not (
        math.isfinite(std)
        and np.all(np.isfinite(scaler.mean_))
        and np.all(np.isfinite(scaler.scale_))
    ):
        raise SignalError(
            f"{name} holds values too large to standardize (peak {float(np.max(np.abs(x))):.3g}): its mean or "
            "standard deviation is not finite. Audio samples lie in [-1, 1]; divide by the peak first."
        )
    return scaler


def _check_bytes(needed: int, max_bytes, what: str, fix: str) -> None:
    if (
        isinstance(max_bytes, bool)
        or not isinstance(max_bytes, (int, np.integer))
        or max_bytes <= 0
    ):
        raise SettingError(
            f"max_bytes must be a positive whole number of bytes; got {max_bytes!r}."
        )
    if needed > max_bytes:
        raise SignalError(
            f"{what} would take {needed / 1e9:,.2f} GB of memory, more than max_bytes="
            f"{max_bytes:,} ({max_bytes / 1e9:.2f} GB). {fix} If you really want it, pass a larger max_bytes."
        )


def frame_signal(
    x, frame_length: int, hop_length: int, pad: bool = False, max_bytes: int = MAX_FRAME_BYTES
) -> np.ndarray:
    """Cut a 1-D signal into frames of ``frame_length`` samples every ``hop_length``.

    Returns an array of shape ``(n_frames, frame_length)``: one frame per row,
    the layout Keras expects for a batch of vectors. Without ``pad`` the
    samples after the last whole frame are dropped; with ``pad=True`` the
    signal is padded with zeros so every sample lands in a frame.

    The size of the result is checked before any memory is spent: more than
    ``max_bytes`` (default :data:`MAX_FRAME_BYTES`, 1 GiB) is an error.

    Used in: 02_standardizing, 03_building_the_autoencoder, 04_training, 05_evaluating,
    05_going_further_transform_coding, 06_troubleshooting, 07_compression, 07_going_further_codecs,
    12_efficiency_and_scale, benchmarks/codec.py, benchmarks/codes.py, scripts/make_weights.py.
    """
    frame_length, hop_length = frame_settings(frame_length, hop_length)
    x = check_signal(x)
    if pad:
        n_frames = max(1, -(-max(len(x) - frame_length, 0) // hop_length) + 1)
    elif len(x) < frame_length:
        raise SignalError(
            f"The clip has {len(x)} samples, shorter than one frame of {frame_length}. "
            "Use a shorter frame_length, a longer clip, or frame_signal(..., pad=True)."
        )
    else:
        n_frames = 1 + (len(x) - frame_length) // hop_length
    _check_bytes(
        n_frames * frame_length * x.dtype.itemsize,
        max_bytes,
        f"{n_frames:,} frames of {frame_length:,} samples",
        "Use a larger hop_length, a shorter frame_length or a shorter clip.",
    )
    if pad:
        needed = (n_frames - 1) * hop_length + frame_length
        x = np.pad(x, (0, needed - len(x)))
    # NumPy's windows, as spectral.stft frames: librosa.util.frame gives the same rows but loads
    # numba on first use (see course_utils.spectral's docstring for the measurement).
    frames = np.lib.stride_tricks.sliding_window_view(x, frame_length)[::hop_length]
    return np.ascontiguousarray(frames)


def overlap_add(
    frames,
    hop_length: int,
    window=None,
    length: int | None = None,
    max_bytes: int = MAX_FRAME_BYTES,
) -> np.ndarray:
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
        Weights: finite, not negative, and not all zero.
    length : int, optional
        Trim or zero-pad the result to this many samples (a positive whole number).
    max_bytes : int
        Cap on the memory the result and its work arrays take (default 1 GiB).

    Used in: 02_standardizing, 03_building_the_autoencoder, 04_training, 07_compression,
    07_going_further_codecs, benchmarks/codec.py.
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
    frame_length, hop_length = frame_settings(frame_length, hop_length)
    if length is not None and (
        isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length <= 0
    ):
        raise SettingError(
            f"length must be a positive whole number of samples, or None; got {length!r}. "
            "Pass length=len(original_signal)."
        )
    check_signal(frames.ravel(), name="frames")
    total = (n_frames - 1) * hop_length + frame_length
    _check_bytes(
        8 * (4 * total + max(int(length or 0) - total, 0)),
        max_bytes,
        f"Putting {n_frames:,} frames together"
        + (f" into {int(length):,} samples" if length else ""),
        "Check hop_length and length.",
    )
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
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or not np.any(weights > 0):
        raise SignalError(
            "window must hold finite weights >= 0, not all zero; got one with "
            f"{int(np.sum(~np.isfinite(weights)))} NaN/Inf, {int(np.sum(weights < 0))} negative and "
            f"{int(np.sum(weights > 0))} positive value(s). Use None (equal weights), a name such "
            "as 'hann', or scipy.signal.get_window('hann', frame_length)."
        )
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
