"""Exercises for 01_loading_audio: loading a part of a file, Nyquist, aliasing.

Used in: 01_loading_audio.
"""

from __future__ import annotations

from ..checks import is_close, is_number, is_whole_number
from ..i18n import N_, tr
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]


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
    if not is_number(answer):
        raise Incorrect(tr("Give one whole number: the number of samples in the part you loaded."))
    if answer == 2 * sr:
        return
    if is_close(answer, 2.0):
        raise Incorrect(
            tr(
                "That is the part's duration in seconds; the question asks how many *samples* it "
                "holds."
            )
        )
    if answer == info.frames:
        raise Incorrect(tr("That is the whole file: the part starts at 1 s and lasts 2 s."))
    if answer == 3 * sr:
        raise Incorrect(
            tr(
                "That is 3 s of samples: `duration` is how long the part lasts, not the time it ends."
            )
        )
    if answer in (2 * 8000, 2 * 16000, 2 * 22050, 2 * 44100, 2 * 48000):
        raise Incorrect(tr("That assumes a sample rate this file does not have."))
    if not is_whole_number(answer):
        raise Incorrect(tr("A number of samples is a whole number."))
    raise Incorrect(tr("That is not the number of samples in a 2-second part of this file."))


q1 = Exercise(
    N_("Exercise 1: two seconds, starting at one second"),
    _q1_check,
    [
        N_(
            "`audio.load_audio` can read a part of a file: look at its `offset` and `duration` "
            "parameters (`help(audio.load_audio)`)."
        ),
        N_(
            "Both are in seconds: where the part starts, and how long it lasts. Load the part, then "
            "count its samples with `len()`."
        ),
        N_(
            "A part of d seconds holds d x (the file's sample rate) samples: compare your `len(part)` with that."
        ),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (2.0, "duration in seconds"),
        (lambda ctx: __import__("soundfile").info(ctx["path"]).frames, "whole file"),
        (lambda ctx: 3 * __import__("soundfile").info(ctx["path"]).samplerate, "3 s"),
        ("44100 samples", "whole number"),
    ],
    solution_name="samples_in_part",
)


# --- q2: the Nyquist frequency ------------------------------------------------------------------


def _q2_context():
    import soundfile

    from course_utils.data import data_path

    # the real spoken digit of section 1 (Free Spoken Digit Dataset, 8000 Hz)
    return {
        "sample_rate": int(
            soundfile.info(str(data_path("real", "digits", "7_jackson_0.wav"))).samplerate
        )
    }


def _q2_solution(sample_rate):
    return sample_rate / 2


def _q2_check(answer, sample_rate):
    if not is_number(answer):
        raise Incorrect(tr("Give one number in Hz, e.g. `answer = 1234`."))
    if is_close(answer, sample_rate / 2):
        return
    if is_close(answer, sample_rate):
        raise Incorrect(
            tr(
                "That is the sample rate itself; the highest frequency its samples can represent is "
                "lower."
            )
        )
    if is_close(answer, 2 * sample_rate):
        raise Incorrect(
            tr(
                "You doubled the rate. The highest frequency a sampled signal can hold is below its "
                "sample rate, not above it."
            )
        )
    if is_close(answer * 1000, sample_rate / 2):
        raise Incorrect(tr("That is in kHz; answer in Hz."))
    raise Incorrect(
        tr(
            "That is not the highest frequency {sample_rate} samples per second can represent."
        ).format(sample_rate=sample_rate)
    )


q2 = Exercise(
    N_("Exercise 2: the Nyquist frequency"),
    _q2_check,
    [
        N_(
            "To show one cycle of a tone, the samples need at least one point on its way up and one on "
            "its way down."
        ),
        N_(
            "So each cycle needs more than two samples. How many cycles per second fit into "
            "`sample_rate` samples per second at two samples each?"
        ),
        N_("The Nyquist frequency is the sample rate divided by two."),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: ctx["sample_rate"], "sample rate itself"),
        (lambda ctx: 2 * ctx["sample_rate"], "doubled"),
        (lambda ctx: ctx["sample_rate"] / 2000, "kHz"),
        ("4 kHz", "one number"),
    ],
    solution_name="nyquist_frequency",
)


# --- q3: where does an alias land? --------------------------------------------------------------


def _q3_context():
    return {"frequency": 5000.0, "sample_rate": 8000}


def _q3_solution(frequency, sample_rate):
    # Sampling cannot tell f from f - k * sample_rate, nor from its mirror image:
    # fold the frequency into the range 0 ... sample_rate / 2.
    return abs(frequency - sample_rate * round(frequency / sample_rate))


def _q3_check(answer, frequency, sample_rate):
    if not is_number(answer):
        raise Incorrect(tr("Give one frequency in Hz."))
    expected = _q3_solution(frequency, sample_rate)
    if is_close(answer, expected, abs_tol=1e-6):
        return
    if is_close(answer, frequency, abs_tol=1e-6):
        raise Incorrect(
            tr(
                "{frequency:g} Hz is above the Nyquist frequency ({sample_rate_2:g} Hz): the samples "
                "cannot hold it, so it shows up at a lower frequency."
            ).format(frequency=frequency, sample_rate_2=sample_rate / 2)
        )
    if is_close(answer, -expected, abs_tol=1e-6) or is_close(
        answer, frequency - sample_rate, abs_tol=1e-6
    ):
        raise Incorrect(
            tr(
                "That is a negative frequency; it sounds like its positive mirror image, its "
                "absolute value."
            )
        )
    if is_close(answer, sample_rate / 2, abs_tol=1e-6):
        raise Incorrect(tr("That is the Nyquist frequency itself; the alias lands below it."))
    raise Incorrect(tr("That is not where this tone's alias lands."))


q3 = Exercise(
    N_("Exercise 3: where does the alias land?"),
    _q3_check,
    [
        N_(
            "Sampling at `sample_rate` cannot tell a tone from one `sample_rate` Hz higher or lower, "
            "nor from its mirror image (a negative frequency sounds like the positive one)."
        ),
        N_(
            "Shift the frequency by whole multiples of `sample_rate` until it lies between "
            "`-sample_rate / 2` and `sample_rate / 2`, then drop the sign."
        ),
        N_("In one line: `abs(frequency - sample_rate * round(frequency / sample_rate))`."),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (5000.0, "above the Nyquist"),
        (-3000.0, "absolute value"),
        (4000.0, "That is the Nyquist"),
        ("3 kHz", "one frequency"),
    ],
    solution_name="alias_frequency",
)
