"""Exercises for 03_building_the_autoencoder: the sigmoid floor, parameter counts, compression.

Used in: 03_building_the_autoencoder.
"""

from __future__ import annotations

import numpy as np

from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]


def _is_number(answer) -> bool:
    return isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool)


def _close(a, b, rel: float = 1e-6) -> bool:
    return abs(float(a) - float(b)) <= rel * max(1.0, abs(float(b)))


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
    if not _is_number(answer):
        raise Incorrect("Return one number: the lowest mean squared error a sigmoid output can reach.")
    t = np.asarray(targets, dtype=np.float64)
    expected = _q1_solution(t)
    if _close(answer, expected):
        return
    negatives_only = float(np.mean(np.minimum(t, 0.0) ** 2))
    if _close(answer, negatives_only):
        raise Incorrect(
            "You counted the negative samples but forgot those above 1: a sigmoid cannot "
            "reach them either, the best it can do there is 1."
        )
    if _close(answer, float(np.mean(t[t < 0] ** 2))):
        raise Incorrect(
            "That averages over the negative samples only. The loss is a mean over *all* "
            "samples; the ones the sigmoid can reach contribute 0."
        )
    if _close(answer, float(np.mean((t - 1.0 / (1.0 + np.exp(-t))) ** 2))):
        raise Incorrect(
            "That is the error of sigmoid(target), one particular model. The floor is the "
            "best *any* sigmoid output can do: the closest value in [0, 1] to each target."
        )
    raise Incorrect(f"Expected about {expected:.4f}. Clip each target to [0, 1] and average the squared difference.")


q1 = Exercise(
    "Exercise 1: the sigmoid floor by hand",
    _q1_check,
    "For each target, what is the closest value a sigmoid can output? `np.clip(targets, 0, 1)`. "
    "The floor is the mean squared distance to it, over all samples.",
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: float(np.mean(np.minimum(ctx["targets"], 0.0) ** 2)), "above 1"),
        (lambda ctx: float(np.mean(ctx["targets"][ctx["targets"] < 0] ** 2)), "all"),
        (
            lambda ctx: float(np.mean((ctx["targets"] - 1 / (1 + np.exp(-ctx["targets"]))) ** 2)),
            "any* sigmoid",
        ),
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
    if not _is_number(answer) or int(answer) != answer:
        raise Incorrect("Return one whole number: the count of weights and biases.")
    answer = int(answer)
    expected = _q2_solution(frame_length, hidden_size, code_size)
    if answer == expected:
        return
    f, h, c = frame_length, hidden_size, code_size
    weights_only = f * h + h * c + c * h + h * f
    if answer == weights_only:
        raise Incorrect(f"You counted the weights but not the biases: every Dense layer adds one bias per output ({expected - weights_only} in all).")
    encoder = f * h + h + h * c + c
    if answer == encoder:
        raise Incorrect("That is the encoder alone. The decoder (code -> hidden -> frame) has its own weights.")
    if answer == 2 * encoder:
        raise Incorrect(
            "The two halves are mirror images but not the same size: the encoder's biases are "
            "hidden + code, the decoder's hidden + frame."
        )
    raise Incorrect(
        f"Expected {expected}. A Dense layer from n inputs to m outputs has n*m weights and m biases; "
        "add up the four layers."
    )


q2 = Exercise(
    "Exercise 2: count the parameters",
    _q2_check,
    "Four Dense layers: frame -> hidden -> code -> hidden -> frame. Each has `inputs * outputs` "
    "weights and `outputs` biases. Check with `build_dense_autoencoder(...)[0].count_params()`.",
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: 2 * ctx["frame_length"] * ctx["hidden_size"] + 2 * ctx["hidden_size"] * ctx["code_size"], "biases"),
        (
            lambda ctx: ctx["frame_length"] * ctx["hidden_size"] + ctx["hidden_size"]
            + ctx["hidden_size"] * ctx["code_size"] + ctx["code_size"],
            "encoder alone",
        ),
        (
            lambda ctx: 2 * (ctx["frame_length"] * ctx["hidden_size"] + ctx["hidden_size"]
                             + ctx["hidden_size"] * ctx["code_size"] + ctx["code_size"]),
            "mirror images",
        ),
        (1.5, "whole number"),
    ],
)


# --- q3: compression ratio with a float32 code --------------------------------------------------


def _q3_context():
    return {"frame_length": 256, "code_size": 32, "input_bits": 16, "code_bits": 32}


def _q3_solution(frame_length, code_size, input_bits, code_bits):
    from course_utils.metrics import compression_ratio

    return compression_ratio(frame_length, code_size, input_bits=input_bits, code_bits=code_bits)


def _q3_check(answer, frame_length, code_size, input_bits, code_bits):
    if not _is_number(answer):
        raise Incorrect("Return one number: bits in divided by bits out.")
    expected = _q3_solution(frame_length, code_size, input_bits, code_bits)
    if _close(answer, expected):
        return
    if _close(answer, frame_length / code_size):
        raise Incorrect(
            f"That counts numbers, not bits. Each input sample takes {input_bits} bits but each "
            f"code value, a float32, takes {code_bits}."
        )
    if _close(answer, 1.0 / expected):
        raise Incorrect("The ratio is upside down: bits of the input on top, bits of the code below.")
    raise Incorrect(
        f"Expected {expected:g}: (frame_length * input_bits) / (code_size * code_bits)."
    )


q3 = Exercise(
    "Exercise 3: compression ratio with a float32 code",
    _q3_check,
    "Count bits: the frame is `frame_length` samples of `input_bits`, the code `code_size` numbers "
    "of `code_bits`. `course_utils.metrics.compression_ratio` takes both bit depths.",
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: ctx["frame_length"] / ctx["code_size"], "not bits"),
        (lambda ctx: 1.0 / _q3_solution(**ctx), "upside down"),
        (16, "Expected"),
        ("4", "one number"),
    ],
)
