"""The checks after lesson 03's ``#@save`` cells: the skeleton fails, the solution passes, and each
typical mistake gets its own message in the learner's terms (issue #23 item 3).

``tests/test_exercises.py`` runs every listed wrong answer against a fragment of its message; here
the messages are read whole for the mistakes a beginner makes most, and the skeletons (what the
student edition leaves: bodies of ``...``) are checked as a learner would pass them.
"""

from __future__ import annotations

import pytest

from course_utils.exercises import lesson03


def _shown(capsys) -> str:
    return capsys.readouterr().out


def test_the_skeleton_class_fails_and_says_what_is_missing(capsys):
    import keras

    class ArticleAutoencoder(keras.Model):  # the student edition's skeleton, run as it is
        def __init__(
            self, input_dim, hidden_dim, output_dim, output_activation="sigmoid", **kwargs
        ): ...

        def call(self, inputs): ...

    assert not lesson03.article.check(...)
    assert _shown(capsys).startswith("Not answered yet")
    assert not lesson03.article.check(ArticleAutoencoder)
    assert "never calls `super().__init__(**kwargs)`" in _shown(capsys)


def test_the_skeleton_loop_and_builder_fail(capsys):
    def article_training_loop(model, data, epochs=1000, learning_rate=0.001, log_every=100):
        """The article's loop."""
        ...

    def build_dense_autoencoder(frame_length, code_size, hidden_sizes=(256,)):
        """frame -> ... -> frame."""
        ...

    assert not lesson03.loop.check(article_training_loop)
    assert "Your loop returns None" in _shown(capsys)
    assert not lesson03.builder.check(build_dense_autoencoder)
    assert "should return three Keras models" in _shown(capsys)


@pytest.mark.parametrize("exercise", [lesson03.article, lesson03.loop, lesson03.builder])
def test_the_solution_passes_and_the_last_hint_points_to_it(exercise, capsys):
    assert exercise.check(exercise.solve())
    assert _shown(capsys).startswith("Correct")
    assert "solution()" in exercise.hints[-1]


def test_the_decoder_width_is_named_in_the_learners_terms(capsys):
    assert not lesson03.article.check(lesson03._wrong_article(decoder_width="hidden"))
    assert "Your decoder outputs 7 numbers per row; each row of the data has 1 (output_dim)." in (
        _shown(capsys)
    )


@pytest.mark.parametrize(
    "mistake, message",
    [
        (
            dict(skip_encoder=True),
            "`self.encoder` is created in `__init__` but `call` never uses it",
        ),
        (dict(encoder_activation="tanh"), "Your encoder's activation is tanh"),
        (dict(fixed_output=True), "Asked for output_activation=None, your decoder uses sigmoid"),
        (dict(init="no kwargs"), "is called 'mistaken"),
    ],
)
def test_each_model_mistake_has_its_message(mistake, message, capsys):
    assert not lesson03.article.check(lesson03._wrong_article(**mistake))
    assert message in _shown(capsys)


@pytest.mark.parametrize(
    "mistake, message",
    [
        (dict(apply=False), "After 5 epochs the model's weights have not changed"),
        (dict(record="last"), "For epochs=5 your loop returned 1 losses"),
        (dict(tape="outside"), "must run inside `with tf.GradientTape() as tape:`"),
        (dict(loss="mae"), "Your first loss is not the mean squared error"),
        (dict(fixed_rate=0.001), "differ from Adam's steps at learning_rate=0.02"),
        (dict(log="never"), "trains correctly but prints nothing"),
        (dict(log="each"), "printed 5 lines in 5 epochs with log_every=2"),
    ],
)
def test_each_loop_mistake_has_its_message(mistake, message, capsys):
    assert not lesson03.loop.check(lesson03._wrong_loop(**mistake))
    assert message in _shown(capsys)


def test_a_loop_returning_nan_is_not_correct(capsys):
    def article_training_loop(model, data, epochs=1000, learning_rate=0.001, log_every=100):
        lesson03._loop_solution()(model, data, epochs=epochs, learning_rate=learning_rate)
        return [float("nan")] * epochs

    assert not lesson03.loop.check(article_training_loop)
    assert "NaN" in _shown(capsys)


def test_a_loop_without_log_every_is_told_to_keep_the_lessons_first_line(capsys):
    def article_training_loop(model, data, epochs=1000, learning_rate=0.001):
        return lesson03._loop_solution()(model, data, epochs=epochs, learning_rate=learning_rate)

    assert not lesson03.loop.check(article_training_loop)
    assert "no `log_every` parameter" in _shown(capsys)


def test_a_loop_counting_epochs_from_0_still_passes(capsys):
    """Printing at epochs 0, 2 and 4 (a 0-based count) is a fair way to report progress."""

    def article_training_loop(model, data, epochs=1000, learning_rate=0.001, log_every=100):
        losses = lesson03._loop_solution()(
            model, data, epochs=epochs, learning_rate=learning_rate, log_every=None
        )
        for epoch in range(0, epochs, log_every):
            print(f"epoch {epoch}: loss {losses[epoch]:.4f}")
        return losses

    assert lesson03.loop.check(article_training_loop)
    assert _shown(capsys).startswith("Correct")


@pytest.mark.parametrize(
    "mistake, message",
    [
        (dict(output_activation="sigmoid"), "Your output layer uses sigmoid; it must be linear"),
        (dict(code_activation="relu"), "Your code layer uses relu"),
        (dict(first_only=True), "your encoder's hidden layers have widths (32,)"),
        (dict(decoder_same_order=True), "your decoder's hidden layers have widths (32, 16)"),
        (dict(fresh_autoencoder=True), "autoencoder(x) differs from decoder(encoder(x))"),
        (dict(wide_output=True), "your decoder outputs 8 numbers; each frame has 64"),
    ],
)
def test_each_builder_mistake_has_its_message(mistake, message, capsys):
    assert not lesson03.builder.check(lesson03._wrong_builder_of(**mistake))
    assert message in _shown(capsys)


def test_the_model_check_speaks_chinese(chinese, capsys):
    assert not lesson03.article.check(lesson03._wrong_article(decoder_width="hidden"))
    shown = _shown(capsys)
    assert "你的解码器每行输出 7 个数" in shown, shown


def test_the_checked_model_is_compared_with_numbers_not_only_shapes(capsys):
    import keras
    from keras import layers

    class Swapped(keras.Model):  # right layers, right shapes, but call adds the input back
        def __init__(
            self, input_dim, hidden_dim, output_dim, output_activation="sigmoid", **kwargs
        ):
            super().__init__(**kwargs)
            self.input_dim, self.hidden_dim, self.output_dim = input_dim, hidden_dim, output_dim
            self.encoder = layers.Dense(hidden_dim, activation="relu")
            self.decoder = layers.Dense(output_dim, activation=output_activation)

        def call(self, inputs):
            return self.decoder(self.encoder(inputs)) + inputs

    assert not lesson03.article.check(Swapped)
    assert "is not decoder(encoder(inputs))" in _shown(capsys)
