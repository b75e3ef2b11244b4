"""Audio on disk read lazily by ``tf.data``, so memory does not grow with the data.

:func:`write_wav_chunks` cuts a signal into short WAV files;
:func:`wav_frame_dataset` reads them with ``tf.audio.decode_wav``, frames,
shuffles in a bounded buffer and batches.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 12_efficiency_and_scale.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import tensorflow as tf

from ..checks import frame_settings
from ..errors import (
    AudioFileError,
    AudioFileNotFoundError,
    DatasetLayoutError,
    SettingError,
)
from ..settings import BATCH

__all__ = ["write_wav_chunks", "wav_frame_dataset"]


#: The most files write_wav_chunks writes in one call (a tiny ``seconds`` would fill a folder).
MAX_CHUNK_FILES = 10_000


def write_wav_chunks(
    signal, sr: int, folder, seconds: float = 2.0, prefix: str = "chunk", overwrite: bool = False
) -> list[Path]:
    """Cut a signal into ``seconds``-long 16-bit WAV files in ``folder``; return their paths.

    The files are ``{prefix}_0000.wav``, ``{prefix}_0001.wav``, ... The last,
    shorter piece is kept. Samples are clipped to [-1, 1] first. When the
    folder already holds chunks of this ``prefix``, nothing is written unless
    ``overwrite=True``, which first removes them all (so no stale chunk of an
    earlier, longer signal is left for :func:`wav_frame_dataset` to stream).

    Used in: 12_efficiency_and_scale.
    """
    import re

    import soundfile

    from ..audio import check_signal
    from ..checks import plain_name, positive_seconds, sample_rate
    from ..errors import OutputExistsError, SettingError

    prefix = plain_name(prefix, "prefix", 'prefix="chunk"')
    sr = sample_rate(sr)
    seconds = positive_seconds(seconds, "seconds", "seconds=2.0")
    x = check_signal(signal)
    step = int(round(seconds * sr))
    if step < 1 or -(-len(x) // step) > MAX_CHUNK_FILES:
        raise SettingError(
            f"seconds={seconds!r} cuts {len(x) / sr:.1f} s into pieces of {step} samples: "
            f"{'no samples per file' if step < 1 else f'{-(-len(x) // step)} files'}, more than the "
            f"{MAX_CHUNK_FILES} this helper writes. Choose chunks of about a second, e.g. seconds=2.0."
        )
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise SettingError(
            f"'{folder}' is a file, not a folder; pass a folder to write the chunks into."
        )
    pattern = re.compile(rf"{re.escape(prefix)}_\d{{4,}}\.wav")
    existing = (
        sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name)) if folder.is_dir() else []
    )
    if existing and not overwrite:
        raise OutputExistsError(
            f"'{folder}' already holds {len(existing)} chunk file(s) named {prefix}_NNNN.wav "
            f"({existing[0].name}, ...). Pass overwrite=True to replace them all, or choose another "
            "folder or prefix."
        )
    folder.mkdir(parents=True, exist_ok=True)
    for stale in existing:
        stale.unlink()
    paths = []
    for index, start in enumerate(range(0, len(x), step)):
        path = folder / f"{prefix}_{index:04d}.wav"
        soundfile.write(path, np.clip(x[start : start + step], -1.0, 1.0), sr, subtype="PCM_16")
        paths.append(path)
    return paths


def _wav_files(source) -> list[str]:
    if isinstance(source, (str, os.PathLike)) and Path(source).is_file():
        source = [source]
    if isinstance(source, (str, os.PathLike)):
        folder = Path(source)
        if not folder.is_dir():
            raise AudioFileNotFoundError(
                f"No folder or file at '{folder}'. Pass a folder of .wav files, one .wav file "
                "or a list of paths."
            )
        files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
        if not files:
            raise DatasetLayoutError(
                f"The folder '{folder}' is empty: there is no audio to stream. "
                "Write WAV files into it first (e.g. with write_wav_chunks)."
            )
    else:
        files = [Path(p) for p in source]
        if not files:
            raise DatasetLayoutError("The list of files is empty: there is no audio to stream.")
    for path in files:
        if not path.is_file():
            raise AudioFileNotFoundError(
                f"No file at '{path}'. Check the path or remove it from the list."
            )
        with open(path, "rb") as handle:  # 12 bytes of header; the samples are read later, lazily
            header = handle.read(12)
        if path.suffix.lower() != ".wav" or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            raise AudioFileError(
                f"'{path}' is not a WAV file (tf.audio.decode_wav reads only RIFF/WAVE). "
                "Convert it, e.g. `sox input.flac output.wav`, or move it out of the folder."
            )
        subtype = _wav_subtype(path)
        if subtype != "PCM_16":
            raise AudioFileError(
                f"'{path}' holds {subtype} samples; tf.audio.decode_wav streams only 16-bit PCM WAV. "
                "Rewrite it as 16-bit (write_wav_chunks does, or soundfile.write(..., subtype='PCM_16'))."
            )
    return [str(p) for p in files]


def _wav_subtype(path: Path) -> str:
    """The WAV's sample format from its header alone (no samples are read)."""
    import soundfile

    try:
        return soundfile.info(str(path)).subtype
    except (RuntimeError, soundfile.LibsndfileError) as error:
        raise AudioFileError(f"'{path}' is not a readable WAV file ({error}).") from None


def wav_frame_dataset(
    source,
    frame_length: int,
    hop_length: int | None = None,
    batch_size: int = BATCH,
    shuffle_buffer: int = 2048,
    seed: int = 0,
    mean: float = 0.0,
    scale: float = 1.0,
    files_at_once: int = 2,
):
    """Stream ``(frames, frames)`` batches from WAV files on disk with ``tf.data``.

    ``source`` is a folder, one file or a list of paths to 16-bit PCM mono
    WAV files (the only kind ``tf.audio.decode_wav`` decodes; others are refused). The pipeline reads each file only when it needs it
    (``tf.io.read_file`` + ``tf.audio.decode_wav``, which decodes the whole
    file: keep files short, e.g. with :func:`write_wav_chunks`), ``files_at_once``
    files at a time, cuts it into frames of ``frame_length`` samples every
    ``hop_length`` (default: no overlap; a file shorter than one frame gives
    none), standardizes with ``(x - mean) / scale``, shuffles in a buffer of
    ``shuffle_buffer`` frames and batches. Memory holds a few files and the
    buffer, whatever the total length of the audio.

    Every file is checked up front (it exists, and its first 12 bytes say
    RIFF/WAVE); the samples are not read until the dataset is iterated.

    Used in: 12_efficiency_and_scale.
    """

    hop_length = frame_length if hop_length is None else hop_length
    frame_length, hop_length = frame_settings(frame_length, hop_length)
    from ..checks import is_number

    if not is_number(scale) or not math.isfinite(float(scale)) or float(scale) <= 0:
        raise SettingError(
            f"scale must be a positive finite number (a standard deviation); got {scale!r}."
        )
    if not is_number(mean) or not math.isfinite(float(mean)):
        raise SettingError(f"mean must be a finite number (the training mean); got {mean!r}.")
    mean, scale = float(mean), float(scale)
    files = _wav_files(source)

    def frames_of(path):
        audio, _ = tf.audio.decode_wav(tf.io.read_file(path), desired_channels=1)
        samples = (audio[:, 0] - mean) / scale
        return tf.data.Dataset.from_tensor_slices(
            tf.signal.frame(samples, frame_length, hop_length, pad_end=False)
        )

    dataset = tf.data.Dataset.from_tensor_slices(files)
    dataset = dataset.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.interleave(frames_of, cycle_length=max(1, files_at_once), block_length=16)
    if shuffle_buffer > 1:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).map(lambda x: (x, x)).prefetch(1)
