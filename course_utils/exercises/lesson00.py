"""Warm-up exercises for 00_welcome: read two facts off a real recording, the solo trumpet.

Used in: 00_welcome.
"""

from __future__ import annotations

import numpy as np

from ._core import Exercise, Incorrect

__all__ = ["q1", "q2"]


def _is_number(answer) -> bool:
    return isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool)


def _trumpet_context():
    from course_utils.data import data_path

    return {"path": str(data_path("real", "clips", "trumpet.wav"))}


def _file_facts(path):
    import soundfile

    info = soundfile.info(str(path))
    return int(info.samplerate), int(info.frames)


# --- q1: the sample rate ------------------------------------------------------------------------


def _q1_solution(path):
    from course_utils.audio import load_audio

    samples, sample_rate = load_audio(path)
    return sample_rate


def _q1_check(answer, path):
    sample_rate, n_samples = _file_facts(path)
    if not _is_number(answer):
        raise Incorrect("Answer with one number, in samples per second (Hz), e.g. `answer = 8000`.")
    if answer == sample_rate:
        return
    if answer == n_samples:
        raise Incorrect(
            "That is the number of samples, `len(samples)`. The sample rate is the second value "
            "load_audio returns: `samples, sample_rate = load_audio(path)`."
        )
    if answer == 44100:
        raise Incorrect("44100 Hz is the CD rate, a common guess; this file uses another rate. Load it and look.")
    if abs(answer - sample_rate / 1000) < 1e-9:
        raise Incorrect(f"That is in kHz. Give it in Hz (samples per second): {answer} kHz = ? Hz.")
    raise Incorrect("Not the rate stored in the file. `samples, sample_rate = load_audio(path)` gives it.")


q1 = Exercise(
    "Warm-up 1: the sample rate",
    _q1_check,
    "`samples, sample_rate = course_utils.audio.load_audio(path)` returns the samples and the rate "
    "stored in the file, in samples per second (Hz).",
    _q1_solution,
    context=_trumpet_context,
    wrong_answers=[
        (lambda ctx: _file_facts(ctx["path"])[1], "number of samples"),
        (44100, "CD rate"),
        (lambda ctx: _file_facts(ctx["path"])[0] / 1000, "kHz"),
        ("22050 Hz", "one number"),
    ],
)


# --- q2: the duration ---------------------------------------------------------------------------


def _q2_solution(path):
    from course_utils.audio import load_audio

    samples, sample_rate = load_audio(path)
    return len(samples) / sample_rate


def _q2_check(answer, path):
    sample_rate, n_samples = _file_facts(path)
    seconds = n_samples / sample_rate
    if not _is_number(answer):
        raise Incorrect("Answer with one number of seconds, e.g. `answer = 12.5`.")
    if abs(answer - seconds) < 0.01:
        return
    if answer == n_samples:
        raise Incorrect("That is a number of samples. Divide it by the sample rate to get seconds.")
    if abs(answer - seconds / 60) < 0.01:
        raise Incorrect("That is in minutes; the question asks for seconds.")
    if abs(answer - n_samples / 1000) < 0.01:
        raise Incorrect(
            "You divided by 1000, as if there were 1000 samples per second. Divide by the file's sample rate."
        )
    raise Incorrect("Not the file's length. Seconds = number of samples / sample rate.")


q2 = Exercise(
    "Warm-up 2: how many seconds?",
    _q2_check,
    "A clip of `len(samples)` samples taken `sample_rate` times per second lasts "
    "`len(samples) / sample_rate` seconds.",
    _q2_solution,
    context=_trumpet_context,
    wrong_answers=[
        (lambda ctx: _file_facts(ctx["path"])[1], "number of samples"),
        (lambda ctx: _q2_solution(**ctx) / 60, "minutes"),
        (lambda ctx: _file_facts(ctx["path"])[1] / 1000, "divided by 1000"),
        ("about 5 s", "one number"),
    ],
)
