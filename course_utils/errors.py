"""Errors the course raises for bad input.

Every message names the problem (the file or the value) and says what to do,
so a learner never has to read a traceback from deep inside TensorFlow.
The classes subclass the built-in exceptions a Python programmer would
expect (``ValueError``, ``FileNotFoundError``), so ``except ValueError`` works.

Used in: 01_loading_audio, 02_standardizing, 03_building_the_autoencoder, 07_going_further_codecs,
benchmarks/codes.py, benchmarks/denoising.py, scripts/measure_lapped.py.
"""

from __future__ import annotations

__all__ = [
    "CourseError",
    "AudioFileError",
    "AudioFileNotFoundError",
    "SignalError",
    "SilentSignalError",
    "DatasetLayoutError",
    "SettingError",
    "CompressedFileError",
    "CompressedFileNotFoundError",
    "OutputExistsError",
    "CourseWarning",
]


class CourseError(Exception):
    """Base class of every error this package raises on purpose.

    Used in: 01_loading_audio.
    """


class AudioFileNotFoundError(CourseError, FileNotFoundError):
    """The audio file does not exist.

    Used in: course_utils internals (raised by audio, data, denoising, lapped, sparse and
    efficiency.streaming when a file or folder is missing).
    """


class AudioFileError(CourseError, ValueError):
    """The path exists but is not a readable audio file (empty, text, unsupported, a folder).

    Used in: benchmarks/denoising.py.
    """


class SignalError(CourseError, ValueError):
    """A signal or array has the wrong shape or holds NaN, Inf or values too large to use.

    Used in: 03_building_the_autoencoder, benchmarks/denoising.py.
    """


class SilentSignalError(SignalError):
    """A signal is silent (zero variance), so it cannot be standardized or used as a reference.

    Used in: 02_standardizing, benchmarks/denoising.py.
    """


class DatasetLayoutError(CourseError, ValueError):
    """A data folder or file is not as the course expects: layout, naming, or a changed checksum.

    Used in: benchmarks/codes.py, benchmarks/denoising.py, scripts/measure_lapped.py.
    """


class SettingError(CourseError, ValueError):
    """A setting has an impossible value: a size, a rate, a step count, an option of a course tool.

    Used in: course_utils internals (raised by the checks in course_utils.checks and by the tools).
    """


class CompressedFileNotFoundError(CourseError, FileNotFoundError):
    """A compressed-audio archive (``.npz`` from ``codec.save_compressed``) does not exist.

    Used in: course_utils internals (raised by codec.load_compressed).
    """


class CompressedFileError(CourseError, ValueError):
    """A compressed-audio archive is corrupted, needs pickle, has another version or lacks metadata.

    Used in: 07_going_further_codecs.
    """


class OutputExistsError(CourseError, FileExistsError):
    """A file a course tool would write already exists: it is replaced only with ``overwrite=True``.

    Used in: course_utils internals (raised by data.save_weights and efficiency.streaming).
    """


class CourseWarning(UserWarning):
    """Something usable but suspicious: a truncated file, samples beyond [-1, 1], a file moved aside.

    Used in: course_utils internals (warned by audio.load_audio and fetch.fetch_fsdd).
    """
