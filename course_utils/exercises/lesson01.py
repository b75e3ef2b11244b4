"""Exercises for 01_loading_audio: loading a part of a file, Nyquist, aliasing.

Used in: 01_loading_audio.
"""

from __future__ import annotations

import numpy as np

from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]


def _is_number(answer) -> bool:
    return isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool)


# --- q1: load a part of a file ------------------------------------------------------------------


def _q1_context():
    from course_utils.data import data_path

    return {"path": str(data_path("real", "clips", "trumpet.wav"))}


def _q1_solution(path):
    from course_utils.audio import load_audio

    part, sample_rate = load_audio(path, offset=1.0, duration=2.0)
    return len(part)


def _q1_check(answer, path):
    import soundfile

    info = soundfile.info(str(path))
    sr = int(info.samplerate)
    if not _is_number(answer):
        raise Incorrect("Answer with one whole number: `len(part)` of the part you loaded.")
    if answer == 2 * sr:
        return
    if abs(answer - 2.0) < 1e-9:
        raise Incorrect("That is the duration in seconds. How many *samples* does that part hold?")
    if answer == info.frames:
        raise Incorrect("That is the whole file. Pass offset=1.0 and duration=2.0 to load only the part.")
    if answer == 3 * sr:
        raise Incorrect(
            "That is 3 s of samples: `duration` is the length of the part (2 s), not the time it ends."
        )
    if answer == 2 * 22050 or answer == 2 * 44100:
        raise Incorrect(f"That assumes another sample rate; this file's own rate is {sr} Hz.")
    raise Incorrect(f"Not the length of 2 s at {sr} Hz. Load with offset=1.0, duration=2.0 and take len().")


q1 = Exercise(
    "Exercise 1: two seconds, starting at one second",
    _q1_check,
    "`part, sr = course_utils.audio.load_audio(path, offset=1.0, duration=2.0)`, then `len(part)`. "
    "Check it against `2 * sr`.",
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (2.0, "duration in seconds"),
        (lambda ctx: __import__("soundfile").info(ctx["path"]).frames, "whole file"),
        (lambda ctx: 3 * __import__("soundfile").info(ctx["path"]).samplerate, "3 s"),
        ("44100 samples", "whole number"),
    ],
)


# --- q2: the Nyquist frequency ------------------------------------------------------------------


def _q2_context():
    import soundfile

    from course_utils.data import data_path

    # the real spoken digit of section 1 (Free Spoken Digit Dataset, 8000 Hz)
    return {"sample_rate": int(soundfile.info(str(data_path("real", "digits", "7_jackson_0.wav"))).samplerate)}


def _q2_solution(sample_rate):
    return sample_rate / 2


def _q2_check(answer, sample_rate):
    if not _is_number(answer):
        raise Incorrect("Answer with one number in Hz, e.g. `answer = 1234`.")
    expected = sample_rate / 2
    if abs(answer - expected) < 1e-9:
        return
    if abs(answer - sample_rate) < 1e-9:
        raise Incorrect(
            "That is the sample rate itself. A sampled signal can only represent frequencies up to "
            "*half* the number of samples per second."
        )
    if abs(answer - 2 * sample_rate) < 1e-9:
        raise Incorrect(
            "You doubled the rate. The Nyquist theorem works the other way round: to capture a "
            "frequency f you need more than 2 f samples per second, so the highest is rate / 2."
        )
    if abs(answer - sample_rate / 2000) < 1e-9:
        raise Incorrect("That is in kHz; answer in Hz.")
    raise Incorrect(f"Not the Nyquist frequency of {sample_rate} Hz. It is the sample rate divided by two.")


q2 = Exercise(
    "Exercise 2: the Nyquist frequency",
    _q2_check,
    "The highest frequency a sample rate can represent is half of it: `sample_rate / 2`.",
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: ctx["sample_rate"], "sample rate itself"),
        (lambda ctx: 2 * ctx["sample_rate"], "doubled"),
        (lambda ctx: ctx["sample_rate"] / 2000, "kHz"),
        ("4 kHz", "one number"),
    ],
)


# --- q3: where does an alias land? --------------------------------------------------------------


def _q3_context():
    return {"frequency": 5000.0, "sample_rate": 8000}


def _q3_solution(frequency, sample_rate):
    # Sampling cannot tell f from f - k * sample_rate, nor from its mirror image:
    # fold the frequency into the range 0 ... sample_rate / 2.
    return abs(frequency - sample_rate * round(frequency / sample_rate))


def _q3_check(answer, frequency, sample_rate):
    if not _is_number(answer):
        raise Incorrect("Answer with one frequency in Hz.")
    expected = _q3_solution(frequency, sample_rate)
    if abs(answer - expected) < 1e-6:
        return
    if abs(answer - frequency) < 1e-6:
        raise Incorrect(
            f"{frequency:g} Hz is above the Nyquist frequency ({sample_rate / 2:g} Hz), so the samples "
            "cannot hold it; it shows up at a lower frequency. Which one?"
        )
    if abs(answer + expected) < 1e-6 or abs(answer - (frequency - sample_rate)) < 1e-6:
        raise Incorrect("A negative frequency sounds like its positive mirror image: take the absolute value.")
    if abs(answer - sample_rate / 2) < 1e-6:
        raise Incorrect("That is the Nyquist frequency. The tone folds back *below* it, by as much as it was above.")
    raise Incorrect("Fold the frequency back: it lands as far below the Nyquist frequency as it was above it.")


q3 = Exercise(
    "Exercise 3: where does the alias land?",
    _q3_check,
    "A tone `d` Hz above the Nyquist frequency `sample_rate / 2` is heard `d` Hz *below* it. "
    "In general: `abs(frequency - sample_rate * round(frequency / sample_rate))`.",
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (5000.0, "above the Nyquist"),
        (-3000.0, "absolute value"),
        (4000.0, "That is the Nyquist"),
        ("3 kHz", "one frequency"),
    ],
)
