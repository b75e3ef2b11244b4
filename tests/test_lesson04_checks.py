"""The check after lesson 04's training loop (section 5): the skeleton fails, the solution passes,
and each typical mistake gets its own message in the learner's terms (issue #23 item 3)."""

from __future__ import annotations

import pytest

from course_utils.exercises import lesson04


def test_the_skeleton_fails_and_the_solution_passes(capsys):
    def train(model, frames, steps, batch_size=64, learning_rate=1e-3, seed=0):
        """The student edition's skeleton: a body of `...`."""
        ...

    assert not lesson04.train_loop.check(...)
    assert capsys.readouterr().out.startswith("Not answered yet")
    assert not lesson04.train_loop.check(train)
    assert "Your `train` returns None" in capsys.readouterr().out
    assert lesson04.train_loop.check(lesson04.train_loop.solve())
    assert capsys.readouterr().out.startswith("Correct")
    assert "solution()" in lesson04.train_loop.hints[-1]


@pytest.mark.parametrize(
    "mistake, message",
    [
        (dict(apply=False), "the model's weights have not changed"),
        (dict(record="last"), "For steps=6 your `train` returned 1 losses"),
        (dict(tape="outside"), "must run inside `with tf.GradientTape() as tape:`"),
        (dict(loss="mae"), "Your first loss is the mean absolute error"),
        (dict(fixed_rate=0.001), "differ from Adam's steps at learning_rate=0.01"),
        (dict(shuffle=False), "not the MSE of the model on the first batch of `make_dataset"),
    ],
)
def test_each_loop_mistake_has_its_message(mistake, message, capsys):
    assert not lesson04.train_loop.check(lesson04._wrong_train(**mistake))
    assert message in capsys.readouterr().out
