"""The checks after lesson 08's learner-written cells (issue #23 item 3): the skeleton fails with a
reason, the solution passes, the last hint points to solution(), each typical mistake gets its own
message in the learner's terms, and calling the course's own function is refused with a reason.

``tests/test_exercises.py`` runs every listed wrong answer against a fragment of its message; here
the messages are read whole.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import lesson08

QUICK = [lesson08.q1, lesson08.q2, lesson08.q3, lesson08.q4]


def _shown(capsys) -> str:
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def contexts():
    return {exercise.name: exercise.context() for exercise in QUICK}


@pytest.mark.parametrize("exercise", QUICK, ids=["q1", "q2", "q3", "q4"])
def test_the_solution_passes_and_the_last_hint_points_to_it(exercise, contexts, capsys):
    context = contexts[exercise.name]
    assert exercise.check(exercise.solve(**context), **context)
    assert _shown(capsys).startswith("Correct")
    assert "solution()" in exercise.hints[-1]
    assert "solution()" in lesson08.q5.hints[-1]


def test_the_skeletons_fail_and_say_why(contexts, capsys):
    def mix(speech, noise, snr_db):
        """The student edition's skeleton: a body of `...`."""
        ...

    def build_mask_model(input_width, bins, hidden=256): ...

    for exercise in QUICK:
        assert not exercise.check(..., **contexts[exercise.name])
        assert _shown(capsys).startswith("Not answered yet")
    assert not lesson08.q1.check(mix, **contexts[lesson08.q1.name])
    assert "Your mix returns None" in _shown(capsys)
    assert not lesson08.q4.check(build_mask_model)
    assert "Your build_mask_model returns None" in _shown(capsys)


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("amplitude by a power ratio", "twice the SNR asked: 10^(SNR/10) is a ratio of powers"),
        ("20 under the root", "half the SNR asked: 10^(SNR/20) is a ratio of amplitudes"),
        ("sign", "the opposite sign"),
        ("no square root", "take the square root of the power ratio"),
        ("speech power ignored", "your gain ignores how loud the speech is"),
        ("whole noise power", "you measured the power of the whole noise clip"),
        ("not cut", "Your mix adds two arrays of different lengths"),
        ("scaled speech", "is not a scaled copy of the noise"),
        ("tuple", "Your mix returns a tuple of 2 values"),
        ("integers", "Your mixture's samples are of type int64"),
        ("course", "Your mix calls `denoising.mix_at_snr`, the course's own version"),
    ],
)
def test_each_mixing_mistake_has_its_message(mistake, message, contexts, capsys):
    assert not lesson08.q1.check(lesson08._wrong_mix(mistake), **contexts[lesson08.q1.name])
    assert message in _shown(capsys)


def test_the_refused_function_is_back_after_the_check(contexts, capsys):
    from course_utils import denoising

    original = denoising.mix_at_snr
    lesson08.q1.check(lesson08._wrong_mix("course"), **contexts[lesson08.q1.name])
    assert denoising.mix_at_snr is original
    assert "Asked for -5 dB" not in _shown(capsys)


def test_a_mixer_returning_nan_is_not_correct(contexts, capsys):
    assert not lesson08.q1.check(
        lambda s, n, snr: np.full(len(s), np.nan), **contexts[lesson08.q1.name]
    )
    assert "NaN" in _shown(capsys)


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("plain SNR", "That is the plain SNR"),
        ("upside down", "where it should have the opposite sign"),
        ("20 log10", "twice what it should be: 20 log10 is for a ratio of amplitudes"),
        ("norms", "half what it should be"),
        ("natural log", "the base-10 logarithm"),
        ("per sample", "SI-SDR is one number for the whole clip"),
        ("estimate's energy", "changes when the estimate is only made quieter"),
        ("integers", "in int16 the squares and products overflow"),
        ("course", "Your si_sdr calls `denoising.si_sdr`"),
    ],
)
def test_each_si_sdr_mistake_has_its_message(mistake, message, contexts, capsys):
    assert not lesson08.q2.check(lesson08._wrong_si_sdr(mistake), **contexts[lesson08.q2.name])
    assert message in _shown(capsys)


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("0", "multiplies `Y` by a ratio of powers"),
        ("1", "Your spectral subtraction has no floor"),
        ("2", "subtracts magnitudes"),
        ("3", "Your spectral subtraction inverts a magnitude alone"),
        ("4", "does not use the lesson's STFT (512-sample Hann windows every 128 samples)"),
        ("5", "does not use the lesson's STFT"),
        ("wiener: 0", "uses |Y|²/N as the speech-to-noise ratio"),
        ("wiener: 1", "Your Wiener gain has no floor"),
        ("wiener: 2", "Your Wiener gain is ξ itself"),
        ("wiener: 3", "takes a square root of ξ / (1 + ξ)"),
        ("wiener: 5", "Your Wiener gain does not use the lesson's STFT"),
        ("swapped", "computes the other method"),
        ("identity", "returns the noisy clip unchanged"),
        ("spectrum", "a spectrum, not a clip"),
        ("no length", "give back a clip as long as the input"),
        ("unguarded", "starts with digital silence"),
        ("course", "write the gain yourself"),
    ],
)
def test_each_enhancer_mistake_has_its_message(mistake, message, contexts, capsys):
    assert not lesson08.q3.check(lesson08._wrong_enhancers(mistake), **contexts[lesson08.q3.name])
    assert message in _shown(capsys)


@pytest.mark.parametrize(
    "mistake, message",
    [
        ("linear mask", "(its last layer's activation: linear). A mask is a gain between 0 and 1"),
        ("relu mask", "its last layer's activation: relu"),
        ("output width", "For 64 rows your model gives shape (64, 128); the mask has one gain"),
        ("input width", "Your model takes (257,) numbers per row"),
        ("no hidden", "Your model has 0 hidden layers"),
        ("linear hidden", "has no activation: linear layers in a row are one linear map"),
        ("fixed width", "Asked for hidden=32, your model's hidden layers have (256, 256) units"),
        ("unused layer", "creates the layer `dense"),
        ("course", "Your build_mask_model calls `denoising.build_mask_model`"),
    ],
)
def test_each_mask_model_mistake_has_its_message(mistake, message, capsys):
    assert not lesson08.q4.check(lesson08._wrong_mask_model(mistake))
    assert message in _shown(capsys)


def test_the_trained_model_check_refuses_the_untrained_and_the_shipped_model(capsys):
    from course_utils import denoising

    assert not lesson08.q5.check(denoising.build_mask_model(seed=0))
    assert "has not been trained" in _shown(capsys)
    assert not lesson08.q5.check(denoising.load_denoiser()[0])
    assert "That is the course's shipped model" in _shown(capsys)


def test_the_checks_speak_chinese(contexts, chinese, capsys):
    assert not lesson08.q4.check(lesson08._wrong_mask_model("no hidden"))
    shown = _shown(capsys)
    assert "隐藏层" in shown, shown
