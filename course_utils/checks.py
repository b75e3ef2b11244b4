"""Argument and answer checks, written once for the package and the exercises.

Two kinds of check live here: predicates (``is_number``, ``is_whole_number``)
that exercise checkers use to say "give one number", and validators that raise
the course's own errors with the problem and the fix.

One rule for whole numbers everywhere (:func:`is_whole_number`): ``8``,
``np.int64(8)`` and ``8.0`` are the whole number 8; ``8.5``, ``True``, ``"8"``,
NaN and infinity are not. One error class per kind of value: a *setting* (steps,
batch size, a size, a sample rate, frame and hop lengths: :func:`positive_int`,
:func:`sample_rate`, :func:`frame_settings`) that is wrong raises
:class:`~course_utils.errors.SettingError`; a *signal* or array of numbers
(:func:`as_float_array`) raises :class:`~course_utils.errors.SignalError`. A value
is checked once per call chain, by the public function that receives it; the
private helpers it calls trust it.

Used in: course_utils internals and every lesson's exercises (course_utils.exercises).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .errors import SettingError, SignalError

__all__ = [
    "is_number",
    "is_whole_number",
    "is_close",
    "positive_int",
    "as_float_array",
    "plain_name",
    "positive_seconds",
    "sample_rate",
    "frame_settings",
]


def is_number(value) -> bool:
    """True for a real number (Python or NumPy), False for bools, strings, arrays and None.

    >>> is_number(0.5), is_number(np.float32(2)), is_number(True), is_number("0.5")
    (True, True, False, False)

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def is_whole_number(value) -> bool:
    """True for an int-like value, including a float such as ``8.0``; False for bools.

    >>> is_whole_number(8), is_whole_number(8.0), is_whole_number(8.5), is_whole_number(True)
    (True, True, False, False)

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    return is_number(value) and math.isfinite(float(value)) and float(value) == int(value)


def is_close(answer, expected, rel: float = 1e-6, abs_tol: float = 0.0) -> bool:
    """``answer`` is a number within ``rel`` (relative, floored at 1) or ``abs_tol`` of ``expected``.

    >>> is_close(0.1 + 0.2, 0.3), is_close(0.31, 0.3), is_close("0.3", 0.3)
    (True, False, False)

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    if not is_number(answer) or not math.isfinite(float(answer)):
        return False
    gap = abs(float(answer) - float(expected))
    return gap <= max(rel * max(1.0, abs(float(expected))), abs_tol)


def positive_int(value, name: str, example: str) -> int:
    """``value`` as an ``int`` when it is a positive whole number, else a :class:`SettingError`.

    Whole-number floats count (``3.0`` gives 3), by :func:`is_whole_number`'s rule.
    ``example`` is shown in the message, e.g. ``"steps=2000"``.

    >>> positive_int(np.int64(3), "steps", "steps=2000"), positive_int(3.0, "steps", "steps=2000")
    (3, 3)

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    if not is_whole_number(value) or value <= 0:
        raise SettingError(
            f"{name} must be a positive whole number; got {value!r}. For example {example}."
        )
    return int(value)


def sample_rate(sr, allow_none: bool = False) -> int | None:
    """``sr`` as an ``int`` of Hz (16000, np.int64(16000) and 16000.0 all give 16000), else a :class:`SettingError`.

    With ``allow_none``, ``None`` (keep the file's own rate) passes as ``None``.

    >>> sample_rate(16000.0), sample_rate(None, allow_none=True)
    (16000, None)

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    if sr is None and allow_none:
        return None
    if not is_whole_number(sr) or sr <= 0:
        keep = ", or None to keep the file's own rate" if allow_none else ""
        raise SettingError(
            f"sr must be a positive whole number of samples per second{keep}; got {sr!r}. "
            "For example sr=8000 or sr=22050."
        )
    return int(sr)


def frame_settings(frame_length, hop_length) -> tuple[int, int]:
    """``(frame_length, hop_length)`` as ints: positive whole numbers of samples, hop <= frame; else a :class:`SettingError`.

    >>> frame_settings(256, 64.0)
    (256, 64)

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    checked = []
    for label, value in (("frame_length", frame_length), ("hop_length", hop_length)):
        if not is_whole_number(value) or value <= 0:
            raise SettingError(
                f"{label} must be a positive whole number of samples; got {value!r}."
            )
        checked.append(int(value))
    frame_length, hop_length = checked
    if hop_length > frame_length:
        raise SettingError(
            f"hop_length={hop_length} is larger than frame_length={frame_length}, so samples "
            "between frames would be lost and could never be put back. Use hop_length <= frame_length."
        )
    return frame_length, hop_length


def as_float_array(value, name: str, ndim: int | None = None) -> np.ndarray:
    """``value`` as a finite float32 array (of ``ndim`` dimensions if given), else a :class:`SignalError`.

    >>> as_float_array([[1, 2]], "frames", ndim=2).dtype
    dtype('float32')

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError) as problem:
        raise SignalError(
            f"{name} must be an array of numbers; got {type(value).__name__} ({problem})."
        ) from None
    if ndim is not None and array.ndim != ndim:
        raise SignalError(f"{name} must have {ndim} dimension(s); got shape {array.shape}.")
    if array.size and not np.all(np.isfinite(array)):
        raise SignalError(
            f"{name} contains NaN or infinite values; remove or replace them first (np.nan_to_num)."
        )
    return array


def plain_name(value, name: str, example: str) -> str:
    """``value`` when it is a file name without a folder (no ``/``, ``\\``, ``..``), else a :class:`SettingError`.

    A name with a path separator would write outside the folder the caller chose.

    >>> plain_name("chunk", "prefix", 'prefix="chunk"')
    'chunk'

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    if (
        not isinstance(value, str)
        or not value.strip()
        or "/" in value
        or "\\" in value
        or value in (".", "..")
        or "\0" in value
    ):
        raise SettingError(
            f"{name} must be a plain file name, without a folder; got {value!r}. For example {example} "
            "(choose the folder with the folder argument)."
        )
    return value


def positive_seconds(value, name: str, example: str) -> float:
    """``value`` as a float when it is a finite positive number of seconds, else a :class:`SettingError`.

    >>> positive_seconds(2, "seconds", "seconds=2.0")
    2.0

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    if not is_number(value) or not math.isfinite(float(value)) or float(value) <= 0:
        raise SettingError(
            f"{name} must be a positive number of seconds; got {value!r}. For example {example}."
        )
    return float(value)
