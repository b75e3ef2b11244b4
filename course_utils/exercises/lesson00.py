"""Warm-up exercises for 00_welcome: read two facts off a real recording, the solo trumpet.

Used in: 00_welcome.
"""

from __future__ import annotations

from ..checks import is_close, is_number
from ..i18n import N_, tr
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2"]


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
    if not is_number(answer):
        raise Incorrect(tr("Give one number, in samples per second (Hz), e.g. `answer = 1000`."))
    if answer == sample_rate:
        return
    if answer == n_samples:
        raise Incorrect(
            tr("That is how many samples the whole file holds, not how many it holds per second.")
        )
    if answer == 44100:
        raise Incorrect(
            tr("44100 Hz is the CD rate, a common guess, but not the rate of this file.")
        )
    if is_close(answer * 1000, sample_rate):
        raise Incorrect(
            tr("That looks like the rate in kHz; the question asks for Hz (samples per second).")
        )
    raise Incorrect(tr("That is not the rate stored in this file."))


q1 = Exercise(
    N_("Warm-up 1: the sample rate"),
    _q1_check,
    [
        N_("The file itself stores how many samples it holds per second: you need not guess it."),
        N_(
            "`course_utils.audio.load_audio(path)` returns two things, the samples and one more value. "
            "Unpack both."
        ),
        N_(
            "`samples, sample_rate = load_audio(path)`: the second value is the rate, in samples per second (Hz)."
        ),
    ],
    _q1_solution,
    context=_trumpet_context,
    wrong_answers=[
        (lambda ctx: _file_facts(ctx["path"])[1], "how many samples the whole file"),
        (44100, "CD rate"),
        (lambda ctx: _file_facts(ctx["path"])[0] / 1000, "kHz"),
        ("22050 Hz", "one number"),
    ],
    solution_name="sample_rate_of",
)


# --- q2: the duration ---------------------------------------------------------------------------


def _q2_solution(path):
    from course_utils.audio import load_audio

    samples, sample_rate = load_audio(path)
    return len(samples) / sample_rate


def _q2_check(answer, path):
    sample_rate, n_samples = _file_facts(path)
    seconds = n_samples / sample_rate
    if not is_number(answer):
        raise Incorrect(tr("Give one number of seconds, e.g. `answer = 1.5`."))
    if is_close(answer, seconds, abs_tol=0.01):
        return
    if answer == n_samples:
        raise Incorrect(tr("That is a number of samples, not of seconds."))
    if is_close(answer, seconds / 60, abs_tol=0.01):
        raise Incorrect(tr("That is in minutes; the question asks for seconds."))
    if is_close(answer, n_samples / 1000, abs_tol=0.01):
        raise Incorrect(
            tr(
                "You divided by 1000, as if the file held 1000 samples per second; this file has its "
                "own rate."
            )
        )
    raise Incorrect(tr("That is not how long this file lasts."))


q2 = Exercise(
    N_("Warm-up 2: how many seconds?"),
    _q2_check,
    [
        N_(
            "A clip's length in seconds follows from two facts: how many samples it has, and how many "
            "it plays per second."
        ),
        N_("`load_audio` gives both: `len(samples)` and `sample_rate`."),
        N_("Seconds = number of samples / samples per second."),
    ],
    _q2_solution,
    context=_trumpet_context,
    wrong_answers=[
        (lambda ctx: _file_facts(ctx["path"])[1], "number of samples"),
        (lambda ctx: _q2_solution(**ctx) / 60, "minutes"),
        (lambda ctx: _file_facts(ctx["path"])[1] / 1000, "divided by 1000"),
        ("about 5 s", "one number"),
    ],
    solution_name="duration_in_seconds",
)
