"""Exercises for 02_standardizing: train-only scaling, the scaler by hand, counting frames.

Used in: 02_standardizing.
"""

from __future__ import annotations

import numpy as np

from ..checks import is_whole_number
from ..i18n import N_, tr
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]


def _scaled(fit_on, apply_to):
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(np.asarray(fit_on).reshape(-1, 1))
    return scaler.transform(np.asarray(apply_to).reshape(-1, 1)).ravel()


# --- q1: fit on the training part, apply to the held-out part -----------------------------------


def _orchestra_split():
    from course_utils.data import load_real_clip, split_in_time

    music, _ = load_real_clip("orchestra")  # the course's real music, as in the notebook
    return split_in_time(music)


def _q1_context():
    train, held_out = _orchestra_split()  # its quieter last quarter has other statistics
    return {"train": train, "held_out": held_out}


def _q1_solution(train, held_out):
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler()
    scaler.fit(train.reshape(-1, 1))  # statistics of the training part only
    return scaler.transform(held_out.reshape(-1, 1))


def _q1_check(answer, train, held_out):
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(tr("Give the transformed held-out samples as an array.")) from None
    if answer.shape not in {(len(held_out),), (len(held_out), 1)}:
        raise Incorrect(
            tr(
                "Your answer has shape {shape}; it needs one value per held-out sample "
                "({len_held_out} of them)."
            ).format(shape=answer.shape, len_held_out=len(held_out))
        )
    answer = answer.ravel()
    expected = _scaled(train, held_out)
    if np.allclose(answer, expected, atol=1e-5):
        return
    if np.allclose(answer, _scaled(held_out, held_out), atol=1e-5):
        raise Incorrect(
            tr(
                "The scaler was fitted on the held-out part: its mean is exactly 0 and its std "
                "exactly 1, which the training part's statistics would not give."
            )
        )
    if np.allclose(answer, _scaled(np.concatenate([train, held_out]), held_out), atol=1e-5):
        raise Incorrect(
            tr(
                "The scaler saw training *and* held-out samples: the held-out statistics leaked into "
                "the preprocessing."
            )
        )
    if np.allclose(answer, held_out, atol=1e-6):
        raise Incorrect(tr("These are the held-out samples unchanged: nothing was scaled."))
    raise Incorrect(
        tr(
            "Your values have mean {answer_mean:.3f} and std {answer_std:.3f}, which is not what "
            "the training part's statistics give the held-out part."
        ).format(answer_mean=answer.mean(), answer_std=answer.std())
    )


q1 = Exercise(
    N_("Exercise 1: standardize held-out audio with training statistics"),
    _q1_check,
    [
        N_(
            "A scaler learns two numbers (a mean and a std) in `fit` and uses them in `transform`. "
            "Which part of the audio may it learn them from?"
        ),
        N_(
            "Only from the training part: the held-out part stands for sound the model has never met. "
            "`StandardScaler` wants one column, so reshape with `.reshape(-1, 1)`."
        ),
        N_(
            "`fit` on the training samples, then `transform` the held-out samples; never `fit` or "
            "`fit_transform` on `held_out`."
        ),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: _scaled(ctx["held_out"], ctx["held_out"]), "fitted on the held-out"),
        (
            lambda ctx: _scaled(np.concatenate([ctx["train"], ctx["held_out"]]), ctx["held_out"]),
            "leaked",
        ),
        (lambda ctx: ctx["held_out"], "unchanged"),
        (lambda ctx: _scaled(ctx["train"], ctx["train"]), "one value per held-out sample"),
    ],
    solution_name="standardize_held_out",
)


# --- q2: the scaler by hand ---------------------------------------------------------------------


def _q2_context():
    # A small real piece: 200 training samples from 1 s into the orchestra, and the first
    # held-out samples. (With so few samples, np.std's ddof=0 and ddof=1 clearly differ.)
    train, held_out = _orchestra_split()
    return {"train": train[22050:22250].astype(np.float64), "x": held_out[:5]}


def _q2_solution(train, x):
    mean = np.mean(train)
    std = np.std(train)  # the population std (ddof=0), as StandardScaler uses
    return (x - mean) / std


def _q2_check(answer, train, x):
    try:
        answer = np.asarray(answer, dtype=float).ravel()
    except (TypeError, ValueError):
        raise Incorrect(tr("Give an array with one standardized value per value of x.")) from None
    if answer.shape != np.shape(x):
        raise Incorrect(
            tr("Give {len_x} values, one per value of x; got {size}.").format(
                len_x=len(x), size=answer.size
            )
        )
    train = np.asarray(train, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)

    def close(a, b):  # to about five significant digits, so float32 arithmetic is fine
        return np.allclose(a, b, rtol=1e-5, atol=1e-6)

    expected = _scaled(train, x)
    if close(answer, expected):
        return
    if close(answer, (x - np.mean(train)) / np.std(train, ddof=1)):
        raise Incorrect(
            tr(
                "That divides by the sample std (ddof=1); StandardScaler uses another std. (With a "
                "million samples the two hardly differ; with 200 they do.)"
            )
        )
    if close(answer, x / np.std(train)):
        raise Incorrect(tr("The training mean was not subtracted."))
    if close(answer, x - np.mean(train) / np.std(train)):
        raise Incorrect(tr("Brackets: as written, only the mean is divided by the std."))
    if close(answer, (x - np.mean(x)) / np.std(x)):
        raise Incorrect(
            tr("Those are the statistics of x itself; standardizing uses the training part's.")
        )
    raise Incorrect(tr("Those are not the standardized values of x."))


q2 = Exercise(
    N_("Exercise 2: StandardScaler by hand"),
    _q2_check,
    [
        N_(
            "Standardizing shifts the values so that the training part has mean 0, then scales them so "
            "that it has std 1."
        ),
        N_(
            "Both numbers come from `train` (`np.mean`, `np.std`) and are applied to `x`. Mind which "
            "std StandardScaler uses: see `ddof` in `help(np.std)`."
        ),
        N_(
            "`(x - mean) / std`, with the population std (`ddof=0`, NumPy's default). Compare with "
            "`StandardScaler().fit(train.reshape(-1, 1)).transform(x.reshape(-1, 1))`."
        ),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: (ctx["x"] - np.mean(ctx["train"])) / np.std(ctx["train"], ddof=1), "ddof=1"),
        (lambda ctx: ctx["x"] / np.std(ctx["train"]), "mean was not subtracted"),
        (lambda ctx: ctx["x"] - np.mean(ctx["train"]) / np.std(ctx["train"]), "Brackets"),
        (lambda ctx: (ctx["x"] - np.mean(ctx["x"])) / np.std(ctx["x"]), "statistics of x itself"),
        (lambda ctx: ctx["x"][:2], "one per value"),
    ],
    solution_name="standardize_by_hand",
)


# --- q3: how many frames? -----------------------------------------------------------------------


def _q3_context():
    _, held_out = _orchestra_split()
    return {"n_samples": len(held_out), "frame_length": 256, "hop_length": 128}


def _q3_solution(n_samples, frame_length, hop_length):
    return 1 + (n_samples - frame_length) // hop_length


def _padded_count(n_samples, frame_length, hop_length):
    from course_utils.audio import frame_signal

    return frame_signal(np.zeros(n_samples), frame_length, hop_length, pad=True).shape[0]


def _q3_check(answer, n_samples, frame_length, hop_length):
    from course_utils.audio import frame_signal

    if not is_whole_number(answer):
        raise Incorrect(tr("Give one whole number of frames."))
    expected = frame_signal(np.zeros(n_samples), frame_length, hop_length).shape[0]
    if answer == expected:
        return
    # Several mistakes can give the same number (with hop = frame / 2, counting one frame per
    # hop and padding often agree): say everything the answer could come from.
    problems = []
    if answer == (n_samples - frame_length) // hop_length:
        problems.append(tr("Off by one: the count misses the frame that starts at sample 0."))
    if answer == n_samples // hop_length:
        problems.append(
            tr(
                "That counts one frame per hop to the very end, but the last of those frames would run "
                "past the end of the signal."
            )
        )
    if answer == n_samples // frame_length:
        problems.append(
            tr(
                "That counts frames that do not overlap; here a new frame starts every hop_length samples."
            )
        )
    if answer == _padded_count(n_samples, frame_length, hop_length):
        problems.append(
            tr(
                "That is the count with zero padding (pad=True), which adds a partly empty last frame; "
                "without padding only whole frames count."
            )
        )
    if problems:
        raise Incorrect(tr(" Or: ").join(problems))
    raise Incorrect(tr("That is not the number of whole frames that fit in the signal."))


q3 = Exercise(
    N_("Exercise 3: count the frames"),
    _q3_check,
    [
        N_(
            "Frames start at samples 0, hop, 2 hop, 3 hop, ...; each needs `frame_length` samples from "
            "where it starts."
        ),
        N_(
            "The frame that starts at `k * hop_length` ends at `k * hop_length + frame_length`, which "
            "must be at most `n_samples`. What is the largest such k?"
        ),
        N_(
            "Count k = 0 too. Check your count with "
            "`audio.frame_signal(np.zeros(n_samples), frame_length, hop_length).shape[0]`."
        ),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: (ctx["n_samples"] - ctx["frame_length"]) // ctx["hop_length"], "Off by one"),
        (lambda ctx: ctx["n_samples"] // ctx["hop_length"], "one frame per hop"),
        (lambda ctx: ctx["n_samples"] // ctx["frame_length"], "do not overlap"),
        (lambda ctx: _padded_count(**ctx), "zero padding"),
        (7.5, "whole number"),
    ],
    solution_name="count_frames",
)
