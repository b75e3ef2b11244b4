"""Exercises for 03_building_the_autoencoder: the sigmoid floor, parameters, compression, a builder.

q3 is open: the learner writes a model builder; the checker builds it at small
sizes, inspects the layers, trains it briefly on small data and measures it.

Used in: 03_building_the_autoencoder.
"""

from __future__ import annotations

import numpy as np

from ..checks import is_close, is_number, is_whole_number
from ..i18n import N_, tr
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3", "q4"]


# --- q1: the sigmoid floor by hand --------------------------------------------------------------


def _q1_context():
    rng = np.random.default_rng(3)
    # Heavy-tailed like music: some samples far above 1, about half below 0.
    return {"targets": (rng.standard_t(df=4, size=400) / np.sqrt(2.0)).astype(np.float32)}


def _q1_solution(targets):
    targets = np.asarray(targets, dtype=np.float64)
    closest = np.clip(targets, 0.0, 1.0)  # the best a sigmoid can do for each target
    return float(np.mean((targets - closest) ** 2))


def _q1_check(answer, targets):
    if not is_number(answer):
        raise Incorrect(
            tr("Give one number: the lowest mean squared error a sigmoid output can reach.")
        )
    t = np.asarray(targets, dtype=np.float64)
    expected = _q1_solution(t)
    if is_close(answer, expected):
        return
    if is_close(answer, float(np.mean(np.minimum(t, 0.0) ** 2))):
        raise Incorrect(
            tr(
                "You counted the negative samples but not those above 1: a sigmoid cannot reach them "
                "either."
            )
        )
    if is_close(answer, float(np.mean(t[t < 0] ** 2))):
        raise Incorrect(
            tr(
                "That averages over the negative samples only. The loss is a mean over *all* "
                "samples, including the ones a sigmoid can reach exactly."
            )
        )
    if is_close(answer, float(np.mean((t - 1.0 / (1.0 + np.exp(-t))) ** 2))):
        raise Incorrect(
            tr(
                "That is the error of one particular model, sigmoid(target). The floor is the best "
                "that *any* sigmoid output could do, target by target."
            )
        )
    if float(answer) < 0:
        raise Incorrect(tr("A mean of squares cannot be negative."))
    if float(answer) < expected:
        raise Incorrect(tr("Too low: no sigmoid output can get that close to these targets."))
    raise Incorrect(tr("Too high: a sigmoid output can do better than that on these targets."))


q1 = Exercise(
    N_("Exercise 1: the sigmoid floor by hand"),
    _q1_check,
    [
        N_(
            "Take one target at a time. For t = -0.7, t = 0.4 and t = 2.3, which output between 0 "
            "and 1 is closest to t?"
        ),
        N_(
            "NumPy has one function that moves every value of an array to the nearest point of an "
            "interval. Apply it to `targets`."
        ),
        N_(
            "The floor is a mean squared error: between `targets` and that nearest reachable value, "
            "averaged over all samples."
        ),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: float(np.mean(np.minimum(ctx["targets"], 0.0) ** 2)), "above 1"),
        (lambda ctx: float(np.mean(ctx["targets"][ctx["targets"] < 0] ** 2)), "*all*"),
        (
            lambda ctx: float(np.mean((ctx["targets"] - 1 / (1 + np.exp(-ctx["targets"]))) ** 2)),
            "*any*",
        ),
        (lambda ctx: 2 * _q1_solution(**ctx), "Too high"),
        (1e-4, "Too low"),
        ("0.5", "one number"),
    ],
)


# --- q2: count the parameters of a dense autoencoder --------------------------------------------


def _q2_context():
    return {"frame_length": 128, "hidden_size": 64, "code_size": 16}


def _q2_solution(frame_length, hidden_size, code_size):
    def dense(inputs, outputs):
        return inputs * outputs + outputs  # weights + one bias per output

    encoder = dense(frame_length, hidden_size) + dense(hidden_size, code_size)
    decoder = dense(code_size, hidden_size) + dense(hidden_size, frame_length)
    return encoder + decoder


def _q2_check(answer, frame_length, hidden_size, code_size):
    if not is_whole_number(answer):
        raise Incorrect(tr("Give one whole number: the count of weights and biases."))
    answer = int(answer)
    expected = _q2_solution(frame_length, hidden_size, code_size)
    if answer == expected:
        return
    f, h, c = frame_length, hidden_size, code_size
    if answer == f * h + h * c + c * h + h * f:
        raise Incorrect(tr("You counted the weights but not the biases."))
    encoder = f * h + h + h * c + c
    if answer == encoder:
        raise Incorrect(tr("That is the encoder alone; the decoder has parameters of its own."))
    if answer == 2 * encoder:
        raise Incorrect(
            tr(
                "The two halves mirror each other but are not the same size: look at the biases of "
                "each half's layers."
            )
        )
    raise Incorrect(tr("Not that count: check which layers you included and what each one holds."))


q2 = Exercise(
    N_("Exercise 2: count the parameters"),
    _q2_check,
    [
        N_(
            "List the layers with their sizes first: frame -> hidden -> code, then code -> hidden -> frame."
        ),
        N_(
            "The Dense picture in section 2 counts one layer: one weight per line, one bias per output."
        ),
        N_(
            "Check your count against a model: `build_dense_autoencoder(...)` then `.count_params()`."
        ),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (
            lambda ctx: (
                2 * ctx["frame_length"] * ctx["hidden_size"]
                + 2 * ctx["hidden_size"] * ctx["code_size"]
            ),
            "biases",
        ),
        (
            lambda ctx: (
                ctx["frame_length"] * ctx["hidden_size"]
                + ctx["hidden_size"]
                + ctx["hidden_size"] * ctx["code_size"]
                + ctx["code_size"]
            ),
            "encoder alone",
        ),
        (
            lambda ctx: (
                2
                * (
                    ctx["frame_length"] * ctx["hidden_size"]
                    + ctx["hidden_size"]
                    + ctx["hidden_size"] * ctx["code_size"]
                    + ctx["code_size"]
                )
            ),
            "mirror",
        ),
        (12345, "which layers"),
        (1.5, "whole number"),
    ],
)


# --- q4: compression ratio with a float32 code --------------------------------------------------


def _q4_context():
    return {"frame_length": 256, "code_size": 32, "input_bits": 16, "code_bits": 32}


def _q4_solution(frame_length, code_size, input_bits, code_bits):
    from course_utils.metrics import compression_ratio

    return compression_ratio(frame_length, code_size, input_bits=input_bits, code_bits=code_bits)


def _q4_check(answer, frame_length, code_size, input_bits, code_bits):
    if not is_number(answer):
        raise Incorrect(
            tr("Give one number: how many times smaller the code is than the frame, in bits.")
        )
    expected = _q4_solution(frame_length, code_size, input_bits, code_bits)
    if is_close(answer, expected):
        return
    if is_close(answer, frame_length / code_size):
        raise Incorrect(
            tr("That counts numbers, not bits: a code value and an input sample differ in size.")
        )
    if is_close(answer, 1.0 / expected):
        raise Incorrect(tr("The ratio is upside down: the larger side goes on top."))
    raise Incorrect(tr("Not that ratio: check the sizes you used for the frame and for the code."))


q4 = Exercise(
    N_("Exercise 4: compression ratio with a float32 code"),
    _q4_check,
    [
        N_(
            "How many bits does one frame of 16-bit audio take? And its code, 32 numbers of 32 bits?"
        ),
        N_("The ratio compares those two bit counts; it is above 1 when the code is smaller."),
        N_("`course_utils.metrics.compression_ratio` takes both bit depths, if you want to check."),
    ],
    _q4_solution,
    context=_q4_context,
    wrong_answers=[
        (lambda ctx: ctx["frame_length"] / ctx["code_size"], "not bits"),
        (lambda ctx: 1.0 / _q4_solution(**ctx), "upside down"),
        (16, "check the sizes"),
        ("4", "one number"),
    ],
)


# --- q3 (open): write a funnel-shaped builder ----------------------------------------------------

#: The small sizes q3's checker builds the learner's model at: (frame_length, code_size) -> hidden widths.
Q3_CASES = {(64, 8): (32, 16), (48, 4): (24, 12, 6)}


def _q3_solution():
    from course_utils.models import build_dense_autoencoder

    def build_funnel_autoencoder(frame_length, code_size):
        widths = []
        width = frame_length // 2
        while width > code_size:  # halve until the next width would reach the code
            widths.append(width)
            width //= 2
        return build_dense_autoencoder(frame_length, code_size, hidden_sizes=tuple(widths))

    return build_funnel_autoencoder


def _q3_frames(frame_length, n=256, rank=3, seed=0):
    """Small frames that a code of a few numbers can hold: sums of ``rank`` fixed waves."""
    rng = np.random.default_rng(seed)
    t = np.arange(frame_length)
    waves = np.stack([np.sin(2 * np.pi * (k + 1) * t / frame_length + k) for k in range(rank)])
    return (rng.normal(size=(n, rank)) @ waves).astype(np.float32)


def _dense_widths(model):
    from course_utils.diagrams import layer_sizes

    return [width for _, width, _ in layer_sizes(model)]


def _q3_check(answer):
    import keras

    from course_utils.training import train_minibatch

    if not callable(answer):
        raise Incorrect(
            tr("Pass your function itself, `build_funnel_autoencoder`, without calling it.")
        )
    for (frame_length, code_size), hidden in Q3_CASES.items():
        keras.utils.set_random_seed(0)
        try:
            built = answer(frame_length, code_size)
        except Exception as problem:  # the learner's code may fail in any way; say where
            raise Incorrect(
                tr(
                    "Calling it with frame_length={frame_length}, code_size={code_size} raised "
                    "{kind}: {problem}"
                ).format(
                    frame_length=frame_length,
                    code_size=code_size,
                    kind=type(problem).__name__,
                    problem=problem,
                )
            ) from None
        if not (
            isinstance(built, tuple)
            and len(built) == 3
            and all(isinstance(part, keras.Model) for part in built)
        ):
            raise Incorrect(
                tr(
                    "Return three Keras models, (autoencoder, encoder, decoder), as "
                    "build_dense_autoencoder does."
                )
            )
        autoencoder, encoder, decoder = built
        if tuple(encoder.output_shape) != (None, code_size):
            raise Incorrect(
                tr(
                    "For frame_length={frame_length}, code_size={code_size} the encoder outputs shape "
                    "{output_shape}; the code should be code_size numbers per frame."
                ).format(
                    frame_length=frame_length,
                    code_size=code_size,
                    output_shape=encoder.output_shape,
                )
            )
        if tuple(autoencoder.output_shape) != (None, frame_length):
            raise Incorrect(
                tr(
                    "The autoencoder's output has shape {output_shape}; it should rebuild whole frames."
                ).format(output_shape=autoencoder.output_shape)
            )
        widths = _dense_widths(autoencoder)
        encoder_widths = tuple(widths[1 : len(widths) // 2])
        if encoder_widths != hidden:
            raise Incorrect(
                tr(
                    "For frame_length={frame_length}, code_size={code_size} your encoder's hidden layers "
                    "are {encoder_widths}. Each should be half as wide as the layer before it, and none "
                    "as narrow as the code."
                ).format(
                    frame_length=frame_length, code_size=code_size, encoder_widths=encoder_widths
                )
            )
        if tuple(widths[len(widths) // 2 + 1 : -1]) != hidden[::-1]:
            raise Incorrect(
                tr(
                    "The decoder's hidden layers are {widths}; they should mirror the encoder's."
                ).format(widths=tuple(widths[len(widths) // 2 + 1 : -1]))
            )

    frame_length, code_size = next(iter(Q3_CASES))  # train the first case's model briefly
    keras.utils.set_random_seed(0)
    autoencoder, encoder, decoder = answer(frame_length, code_size)
    frames = _q3_frames(frame_length)
    through = np.asarray(autoencoder(frames[:8]))
    chained = np.asarray(decoder(encoder(frames[:8])))
    if not np.allclose(through, chained, atol=1e-5):
        raise Incorrect(
            tr(
                "autoencoder(x) differs from decoder(encoder(x)): the three models must share the "
                "same layers."
            )
        )
    train_minibatch(
        autoencoder, frames, steps=200, batch_size=64, learning_rate=3e-3, eval_every=200, seed=0
    )
    rebuilt = np.asarray(decoder(encoder(frames)))
    if rebuilt.min() >= 0 and frames.min() < 0:
        raise Incorrect(
            tr(
                "After training, the reconstructions are never negative, but half of the samples are."
            )
        )
    error = float(np.mean((rebuilt - frames) ** 2) / np.mean(frames**2))
    if error > 0.2:
        raise Incorrect(
            tr(
                "Trained for 200 steps on small frames that a code of {code_size} can hold, the "
                "model still loses {error:.0%} of their power. Look at each layer's activation."
            ).format(code_size=code_size, error=error)
        )


def _wrong_builder(hidden_of, output_activation=None, shared=True, code_activation=None):
    """A builder with a typical mistake, for the tests."""

    def build(frame_length, code_size):
        from course_utils.models import build_dense_autoencoder

        hidden = hidden_of(frame_length, code_size)
        made = build_dense_autoencoder(
            frame_length,
            code_size,
            hidden_sizes=hidden,
            output_activation=output_activation,
            code_activation=code_activation,
        )
        if shared:
            return made
        fresh = build_dense_autoencoder(frame_length, code_size, hidden_sizes=hidden)
        return made[0], fresh[1], fresh[2]

    return build


def _funnel(frame_length, code_size):
    return Q3_CASES[(frame_length, code_size)]


q3 = Exercise(
    N_("Exercise 3: a funnel-shaped autoencoder"),
    _q3_check,
    [
        N_(
            "Your `build_dense_autoencoder` already takes any list of hidden widths. What changes "
            "here is only that list."
        ),
        N_(
            "Compute the widths first, in a loop, and print them for frame_length=256, code_size=32 "
            "before you build anything."
        ),
        N_("Check where your loop stops: the last hidden layer must still be wider than the code."),
    ],
    _q3_solution,
    wrong_answers=[
        (lambda ctx: _wrong_builder(lambda f, c: (f // 2,)), "half as wide"),
        (lambda ctx: _wrong_builder(lambda f, c: _funnel(f, c) + (c,)), "none as narrow"),
        (lambda ctx: _wrong_builder(_funnel, output_activation="sigmoid"), "never negative"),
        (lambda ctx: _wrong_builder(_funnel, shared=False), "share"),
        (lambda ctx: lambda f, c: _wrong_builder(_funnel)(f, c)[0], "three Keras models"),
        (lambda ctx: _q3_solution()(64, 8), "without calling it"),
    ],
)
