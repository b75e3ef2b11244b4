"""The check after lesson 07's codec cell, which the learner writes (issue #23 items 2-3): the
skeleton fails, the solution passes, and each typical mistake gets its own message in the
learner's terms. Exercise 3 is open: the learner's ``best_split`` runs on two budgets.

``tests/test_exercises.py`` runs every listed wrong answer against a fragment of its message; here
the messages are read whole, and the skeletons (what the student edition leaves: a body of ``...``)
are checked as a learner would pass them.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import lesson07


def _shown(capsys) -> str:
    return capsys.readouterr().out


def test_the_skeleton_fails_and_says_what_is_missing(capsys):
    def compress(encode, decode, frames, bits, seconds):
        """Code `frames` with `bits` bits per code number; return (decoded frames, kbps)."""
        ...

    assert not lesson07.compress.check(...)
    assert _shown(capsys).startswith("Not answered yet")
    assert not lesson07.compress.check(compress)
    assert "Your `compress` returns None" in _shown(capsys)


def test_the_solution_passes_and_the_last_hint_points_to_it(capsys):
    assert lesson07.compress.check(lesson07.compress.solve())
    assert _shown(capsys).startswith("Correct")
    assert "solution()" in lesson07.compress.hints[-1]
    assert "solution()" in lesson07.q3.hints[-1]


@pytest.mark.parametrize(
    "mistake, message",
    [
        (dict(quantize="none"), "nothing was quantized, so nothing was compressed"),
        (dict(quantize="levels"), "Your decoder was given the levels (whole numbers from 0"),
        (dict(bits_used=8), "Your code was quantized to 8 bits, but the call asked for 5"),
        (dict(quantize="floor"), "Your levels are rounded down (floor)"),
        (dict(quantize="one range"), "between one common minimum and maximum"),
        (dict(quantize="uint8"), "At bits=12 your levels wrap around: levels up to 4095"),
        (dict(decode_what="codes"), "Your decoded frames have 4 numbers each, the code's size"),
        (dict(rate="no side"), "counts the code but not the side information"),
        (dict(rate="per frame"), "That is kilobits per frame"),
        (dict(rate="bits per second"), "That is bits per second, not kilobits per second"),
        (dict(rate="float32"), "You counted 32 bits per code number"),
        (dict(rate="side per frame"), "You counted the ranges once per frame"),
        (dict(returns="audio only"), "Return two things, `(decoded, kbps)`"),
    ],
)
def test_each_codec_mistake_has_its_message(mistake, message, capsys):
    assert not lesson07.compress.check(lesson07._wrong_compress(**mistake))
    assert message in _shown(capsys)


def test_the_whole_codec_from_the_library_is_refused_with_a_reason(capsys):
    from course_utils import codec

    def compress(encode, decode, frames, bits, seconds):
        decoded, total_bits = codec.quantized_roundtrip(encode, decode, frames, bits)
        return decoded, codec.kbps(total_bits, seconds)

    assert not lesson07.compress.check(compress)
    assert "calls `codec.quantized_roundtrip`, which does the whole codec" in _shown(capsys)
    assert codec.quantized_roundtrip.__module__ == "course_utils.codec.bits"  # put back after


def test_a_codec_returning_nan_is_not_correct(capsys):
    solution = lesson07.compress.solve()

    def compress(encode, decode, frames, bits, seconds):
        decoded, rate = solution(encode, decode, frames, bits, seconds)
        return np.full_like(decoded, np.nan), rate

    assert not lesson07.compress.check(compress)
    assert "NaN" in _shown(capsys)


def test_a_function_that_returns_one_pair_for_every_budget_is_refused(capsys):
    context = lesson07.q3.context()
    right_here = lesson07.q3.solve(**context)(**context)
    assert not lesson07.q3.check(lesson07._fixed_split(right_here), **context)
    assert "On other frames, with a budget of 60 bits" in _shown(capsys)


def test_the_codec_check_speaks_chinese(chinese, capsys):
    assert not lesson07.compress.check(lesson07._wrong_compress(rate="per frame"))
    shown = _shown(capsys)
    assert "每帧" in shown, shown
