"""Argument and answer checks, written once for the package and the exercises.

Two kinds of check live here: predicates (``is_number``, ``is_whole_number``)
that exercise checkers use to say "give one number", and validators
(``positive_int``, ``as_float_array``) that raise the course's own
:class:`~course_utils.errors.SignalError` with the problem and the fix.

Used in: course_utils internals and every lesson's exercises (course_utils.exercises).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .errors import SettingError, SignalError

__all__ = ["is_number", "is_whole_number", "is_close", "positive_int", "as_float_array", "plain_name",
           "positive_seconds"]


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
    """``value`` as an ``int`` when it is a positive whole number, else a :class:`SignalError`.

    ``example`` is shown in the message, e.g. ``"steps=2000"``.

    >>> positive_int(np.int64(3), "steps", "steps=2000")
    3

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise SignalError(f"{name} must be a positive whole number; got {value!r}. For example {example}.")
    return int(value)


def as_float_array(value, name: str, ndim: int | None = None) -> np.ndarray:
    """``value`` as a finite float32 array (of ``ndim`` dimensions if given), else a :class:`SignalError`.

    >>> as_float_array([[1, 2]], "frames", ndim=2).dtype
    dtype('float32')

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError) as problem:
        raise SignalError(f"{name} must be an array of numbers; got {type(value).__name__} ({problem}).") from None
    if ndim is not None and array.ndim != ndim:
        raise SignalError(f"{name} must have {ndim} dimension(s); got shape {array.shape}.")
    if array.size and not np.all(np.isfinite(array)):
        raise SignalError(f"{name} contains NaN or infinite values; remove or replace them first (np.nan_to_num).")
    return array


def plain_name(value, name: str, example: str) -> str:
    """``value`` when it is a file name without a folder (no ``/``, ``\\``, ``..``), else a :class:`SettingError`.

    A name with a path separator would write outside the folder the caller chose.

    >>> plain_name("chunk", "prefix", 'prefix="chunk"')
    'chunk'

    Used in: course_utils internals (the exercises' checkers and argument checks).
    """
    if (not isinstance(value, str) or not value.strip() or "/" in value or "\\" in value or value in (".", "..")
            or "\0" in value):
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
        raise SettingError(f"{name} must be a positive number of seconds; got {value!r}. For example {example}.")
    return float(value)
