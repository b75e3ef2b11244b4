"""Lesson 02's exercises with the arguments the notebook passes: the whole real orchestra split."""

from __future__ import annotations

import numpy as np

from course_utils import data
from course_utils.exercises import lesson02


def _split():
    music, _ = data.load_real_clip("orchestra")
    return data.split_in_time(music)


def test_q2_accepts_float32_arithmetic_on_the_whole_training_part(capsys):
    train, held_out = _split()
    x = held_out[:5]
    assert train.dtype == np.float32
    assert lesson02.q2.check((x - np.mean(train)) / np.std(train), train=train, x=x)
    assert not lesson02.q2.check(x / np.std(train), train=train, x=x)
    assert "Subtract the training mean" in capsys.readouterr().out


def test_q3_names_every_slip_a_number_could_come_from(capsys):
    _, held_out = _split()
    args = {"n_samples": len(held_out), "frame_length": 256, "hop_length": 128}
    assert lesson02.q3.check(lesson02._q3_solution(**args), **args)
    assert not lesson02.q3.check(args["n_samples"] // args["hop_length"], **args)
    message = capsys.readouterr().out
    assert "one frame per hop" in message and "zero padding" in message, message
