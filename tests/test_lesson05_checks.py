"""The check after lesson 05's convolutional autoencoder cell (exercise 5, the learner's
``build_conv_autoencoder``): the skeleton fails, the solution passes, and each typical mistake
gets its own message in the learner's terms (issue #23 item 3).

``tests/test_exercises.py`` runs every listed wrong answer against a fragment of its message;
here the messages are read whole, and the student edition's skeleton is checked as a learner
would pass it.
"""

from __future__ import annotations

import pytest

from course_utils.exercises import lesson05

CONTEXT = {"hop": 64, "code_size": 8}


def _shown(capsys) -> str:
    return capsys.readouterr().out


def test_the_skeleton_is_not_answered_and_its_empty_function_says_what_is_missing(capsys):
    def build_conv_autoencoder(hop=256, code_size=32, hidden=256, seed=None):
        """The student edition's skeleton: the region is `...`."""
        ...

    assert not lesson05.q5.check(..., **CONTEXT)
    assert _shown(capsys).startswith("Not answered yet")
    assert not lesson05.q5.check(build_conv_autoencoder, **CONTEXT)
    assert "Your function returns None" in _shown(capsys)


def test_the_solution_passes_and_the_last_hint_points_to_it(capsys):
    assert lesson05.q5.check(lesson05.q5.solve(), **CONTEXT)
    assert _shown(capsys).startswith("Correct")
    assert "solution()" in lesson05.q5.hints[-1]


@pytest.mark.parametrize(
    "mistake, message",
    [
        (
            dict(frame=1),
            "Your encoder uses frames of 64 samples that start every 64 samples: they do not overlap.",
        ),
        (
            dict(stride=2),
            "Your encoder uses frames of 128 samples that start every 128 samples: they do not overlap.",
        ),
        (dict(transpose=False), "Your decoder has no Conv1DTranspose"),
        (
            dict(expand=False),
            "the one-step Conv1D back to `hidden` ReLU channels is missing, or created but never "
            "applied to the code",
        ),
        (dict(output_activation="sigmoid"), "Your output layer uses sigmoid; it must be linear"),
        (dict(code_activation="relu"), "Your code layer uses relu; it must be linear"),
        (dict(output_channels=8), "Your decoder outputs 8 numbers per sample; the sound has 1"),
        (dict(nan=True), "Your autoencoder's output holds NaN or infinite values"),
        (dict(shared=False), "autoencoder(x) differs from decoder(encoder(x))"),
        (dict(returns="none"), "Your function returns None"),
        (dict(returns="builder"), "Your function returns a function, not models"),
    ],
)
def test_each_mistake_has_its_message(mistake, message, capsys):
    assert not lesson05.q5.check(lesson05._q5_mistaken(**mistake), **CONTEXT)
    shown = _shown(capsys)
    assert shown.startswith("Not yet") and message in shown, shown


def test_frames_of_the_right_length_started_too_often_are_named(capsys):
    import keras

    solution = lesson05.q5.solve()

    def build_conv_autoencoder(hop=256, code_size=32, hidden=256, seed=None):
        autoencoder, encoder, decoder = solution(hop, code_size, hidden, seed)
        sound = keras.Input(shape=(None, 1))
        x = keras.layers.Conv1D(hidden, kernel_size=2 * hop, strides=hop // 2)(sound)
        encoder = keras.Model(sound, keras.layers.Conv1D(code_size, kernel_size=1)(x))
        return autoencoder, encoder, decoder

    assert not lesson05.q5.check(build_conv_autoencoder, **CONTEXT)
    assert "Your encoder starts a frame every 32 samples; with hop=64" in _shown(capsys)


def test_the_models_instead_of_the_function_are_refused_with_a_reason(capsys):
    assert not lesson05.q5.check(lesson05.q5.solve()(**CONTEXT), **CONTEXT)
    assert "pass the function itself" in _shown(capsys)


def test_the_check_speaks_chinese(chinese, capsys):
    assert not lesson05.q5.check(lesson05._q5_mistaken(output_channels=8), **CONTEXT)
    shown = _shown(capsys)
    assert "你的解码器每个采样输出 8 个数" in shown, shown


# --- exercises 1 and 2: the learner writes the function, and the library's shortcut is refused --


def test_the_split_and_the_snr_pass_when_written_by_hand(capsys):
    for exercise in (lesson05.q1, lesson05.q2):
        assert exercise.check(exercise.solve())
        assert _shown(capsys).startswith("Correct")
        assert "solution()" in exercise.hints[-1]


def test_the_librarys_split_is_refused_with_a_reason(capsys):
    from course_utils import data

    def split_for_evaluation(signal):
        return data.split_in_time(signal)

    assert not lesson05.q1.check(split_for_evaluation)
    assert "Your function calls `data.split_in_time`, which does the split for you" in _shown(
        capsys
    )


def test_the_librarys_snr_is_refused_even_under_another_name(capsys):
    from course_utils import metrics

    score = metrics.snr_db  # the call below does not name snr_db: the patched module refuses it

    def snr_by_hand(reference, estimate):
        return getattr(metrics, "snr" + "_db")(reference, estimate)

    assert score is metrics.snr_db
    assert not lesson05.q2.check(snr_by_hand)
    assert "Your function calls `metrics.snr_db`" in _shown(capsys)
    assert metrics.snr_db is score, "the check puts the library's function back"


def test_a_comment_naming_the_library_function_is_not_a_shortcut(capsys):
    import numpy as np

    def snr_by_hand(reference, estimate):
        # compare with metrics.snr_db(reference, estimate) afterwards
        return 10 * np.log10(np.sum(reference**2) / np.sum((reference - estimate) ** 2))

    assert lesson05.q2.check(snr_by_hand)
    assert _shown(capsys).startswith("Correct")


def test_a_split_that_is_wrong_only_when_the_length_has_a_remainder_is_caught(capsys):
    def split_for_evaluation(signal):
        cut = 3 * len(signal) // 4 + (len(signal) % 4 > 0)  # rounds up
        return signal[:cut], signal[cut:]

    assert not lesson05.q1.check(split_for_evaluation)
    assert "three quarters" in _shown(capsys)
