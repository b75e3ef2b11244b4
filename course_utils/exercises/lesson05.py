"""Exercises for 05_evaluating: held-out splits, SNR, and the PCA baseline.

Used in: 05_evaluating.
"""

from __future__ import annotations

import numpy as np

from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]


def _is_number(answer) -> bool:
    return isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool)


# --- q1: split in time ------------------------------------------------------------------------


def _q1_context():
    return {"signal": np.sin(np.arange(1000) * 0.05).astype(np.float32)}


def _q1_solution(signal):
    cut = int(0.75 * len(signal))
    return signal[:cut], signal[cut:]


def _q1_check(answer, signal):
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Incorrect("Return a pair: `(train, held_out)`, two 1-D arrays.")
    train, held_out = (np.asarray(part) for part in answer)
    cut = int(0.75 * len(signal))
    if len(train) == int(round(0.75 * len(signal))):  # data.split_in_time rounds; accept either
        cut = len(train)
    if train.ndim != 1 or held_out.ndim != 1:
        raise Incorrect("Both parts must be 1-D arrays of samples, not frames.")
    if len(train) + len(held_out) != len(signal):
        raise Incorrect(
            f"The two parts hold {len(train) + len(held_out)} samples but the signal has {len(signal)}: "
            "every sample belongs to exactly one part, none to both."
        )
    if len(train) == len(signal) - cut and np.array_equal(train, signal[cut:]):
        raise Incorrect("The parts are swapped: training gets the *first* 75 %, held-out the last 25 %.")
    if len(train) != cut:
        raise Incorrect(f"The training part should have int(0.75 * len(signal)) = {cut} samples; it has {len(train)}.")
    if not np.array_equal(train, signal[:cut]) or not np.array_equal(held_out, signal[cut:]):
        raise Incorrect(
            "The parts must be contiguous stretches in time: signal[:cut] and signal[cut:]. "
            "Shuffling samples (or frames) before splitting puts neighbours of every held-out "
            "sample into training, and the held-out score stops measuring anything new."
        )


q1 = Exercise(
    "Exercise 1: a held-out split in time",
    _q1_check,
    "Compute `cut = int(0.75 * len(signal))` and slice. Audio is a sequence: do not shuffle it.",
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: _q1_solution(ctx["signal"])[::-1], "swapped"),
        (lambda ctx: (ctx["signal"], ctx["signal"][750:]), "exactly one part"),
        (
            lambda ctx: tuple(np.split(np.random.default_rng(0).permutation(ctx["signal"]), [750])),
            "contiguous",
        ),
        (lambda ctx: (ctx["signal"][:500], ctx["signal"][500:]), "750"),
    ],
)


# --- q2: SNR by hand ----------------------------------------------------------------------------


def _q2_context():
    rng = np.random.default_rng(5)
    reference = rng.standard_normal(400)
    return {"reference": reference, "estimate": reference + 0.2 * rng.standard_normal(400)}


def _q2_solution(reference, estimate):
    error = reference - estimate
    return 10 * np.log10(np.sum(reference**2) / np.sum(error**2))


def _q2_check(answer, reference, estimate):
    if not _is_number(answer):
        raise Incorrect("Return one number: the SNR in dB.")
    expected = _q2_solution(reference, estimate)
    if abs(answer - expected) < 1e-6 * max(1.0, abs(expected)):
        return
    if abs(answer + expected) < 1e-6 * max(1.0, abs(expected)):
        raise Incorrect("The sign is flipped: signal energy goes on top, error energy below.")
    if abs(answer - 2 * expected) < 1e-6 * max(1.0, abs(expected)):
        raise Incorrect("That is 20 log10 of an energy ratio. Energies (sums of squares) take 10 log10.")
    ratio = np.sum(reference**2) / np.sum((reference - estimate) ** 2)
    if abs(answer - ratio) < 1e-6 * ratio:
        raise Incorrect("That is the plain energy ratio; convert it to decibels with 10 * log10(ratio).")
    raise Incorrect(f"Expected {expected:.2f} dB. Use sums of squares of the reference and of the error.")


q2 = Exercise(
    "Exercise 2: the SNR in decibels",
    _q2_check,
    "`10 * np.log10(np.sum(reference**2) / np.sum((reference - estimate)**2))`. "
    "Compare with `course_utils.metrics.snr_db`.",
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: -_q2_solution(**ctx), "sign"),
        (lambda ctx: 2 * _q2_solution(**ctx), "20 log10"),
        (lambda ctx: 10 ** (_q2_solution(**ctx) / 10), "plain energy ratio"),
        ("20 dB", "one number"),
    ],
)


# --- q3: the PCA baseline on held-out audio ---------------------------------------------------


def _q3_context():
    rng = np.random.default_rng(3)
    t = np.arange(12_000)
    signal = (
        np.sin(0.031 * t) + 0.6 * np.sin(0.173 * t + 0.002 * t) * np.exp(-((t % 3000) / 1500))
        + 0.05 * rng.standard_normal(len(t))
    )
    signal = signal.astype(np.float32)
    return {"train": signal[:9000], "held_out": signal[9000:], "code_size": 4, "frame_length": 64}


def _q3_solution(train, held_out, code_size, frame_length):
    from course_utils.baselines import PCACodec
    from course_utils.metrics import snr_db

    codec = PCACodec(code_size=code_size, frame_length=frame_length).fit(train)
    return snr_db(held_out, codec.reconstruct(held_out))


def _q3_check(answer, train, held_out, code_size, frame_length):
    from course_utils.baselines import PCACodec
    from course_utils.metrics import snr_db

    if not _is_number(answer):
        raise Incorrect("Return one number: the held-out SNR in dB.")
    expected = _q3_solution(train, held_out, code_size, frame_length)
    if abs(answer - expected) < 0.01:
        return
    on_train = snr_db(train, PCACodec(code_size, frame_length).fit(train).reconstruct(train))
    if abs(answer - on_train) < 0.01:
        raise Incorrect("That is the SNR on the training audio. Reconstruct and score `held_out`.")
    cheat = snr_db(held_out, PCACodec(code_size, frame_length).fit(held_out).reconstruct(held_out))
    if abs(answer - cheat) < 0.01:
        raise Incorrect("The codec was fitted on the held-out audio itself. Fit on `train` only.")
    raise Incorrect(f"Expected about {expected:.2f} dB: fit PCACodec on train, reconstruct held_out, snr_db.")


q3 = Exercise(
    "Exercise 3: the PCA baseline, scored honestly",
    _q3_check,
    "`PCACodec(code_size=..., frame_length=...).fit(train)`, then `codec.reconstruct(held_out)` "
    "and `snr_db(held_out, that)`.",
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (
            lambda ctx: _q3_solution(ctx["train"], ctx["train"], ctx["code_size"], ctx["frame_length"]),
            "training audio",
        ),
        (
            lambda ctx: _q3_solution(ctx["held_out"], ctx["held_out"], ctx["code_size"], ctx["frame_length"]),
            "fitted on the held-out",
        ),
        (0.0, "Expected about"),
    ],
)
