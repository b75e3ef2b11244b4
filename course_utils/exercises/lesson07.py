"""Exercises for 07_compression: counting bits, a uniform quantizer, and spending a bit budget.

Used in: 07_compression.
"""

from __future__ import annotations

import numpy as np

from ..checks import is_close, is_number
from ..i18n import N_, tr
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]


# --- q1: count the bits ---------------------------------------------------------------------------


def _q1_context():
    return {"n_frames": 150, "code_size": 24, "bits": 5, "duration_s": 3.0}


def _q1_solution(n_frames, code_size, bits, duration_s):
    code_bits = n_frames * code_size * bits
    side_bits = 2 * code_size * 32  # a float32 minimum and maximum per code dimension
    return (code_bits + side_bits) / duration_s / 1000


def _q1_check(answer, n_frames, code_size, bits, duration_s):
    if not is_number(answer):
        raise Incorrect(tr("Give one number: the bit rate in kilobits per second."))
    expected = _q1_solution(n_frames, code_size, bits, duration_s)

    def close(a, b):
        return is_close(a, b, rel=1e-3)

    if close(answer, expected):
        return
    code_only = n_frames * code_size * bits / duration_s / 1000
    half_side = (n_frames * code_size * bits + code_size * 32) / duration_s / 1000
    if close(answer, code_only):
        raise Incorrect(
            tr(
                "That counts the code but not the side information: the decoder also needs to know "
                "the range of each code dimension."
            )
        )
    if close(answer, half_side):
        raise Incorrect(
            tr(
                "Each code dimension has two side numbers, a minimum and a maximum; that counts one."
            )
        )
    if close(answer, expected / 8):
        raise Incorrect(tr("That is kilobytes per second; kbps counts bits."))
    if close(answer, expected * 1000):
        raise Incorrect(tr("That is bits per second, not kilobits per second."))
    raise Incorrect(tr("That is not the total bit rate of this code and its side information."))


q1 = Exercise(
    N_("Exercise 1: count every bit"),
    _q1_check,
    [
        N_(
            "Count every bit the decoder receives: the code numbers of every frame, and the side "
            "information that says how to read them."
        ),
        N_(
            "Code bits: frames x numbers per frame x bits per number. Side bits: the quantizer's range "
            "(a float32 minimum and maximum, 32 bits each) for each code dimension."
        ),
        N_("kbps = all bits / duration in seconds / 1000."),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (
            lambda ctx: ctx["n_frames"] * ctx["code_size"] * ctx["bits"] / ctx["duration_s"] / 1000,
            "side information",
        ),
        (lambda ctx: _q1_solution(**ctx) / 8, "kilobytes"),
        (lambda ctx: _q1_solution(**ctx) * 1000, "bits per second"),
        (
            lambda ctx: (
                (ctx["n_frames"] * ctx["code_size"] * ctx["bits"] + ctx["code_size"] * 32)
                / ctx["duration_s"]
                / 1000
            ),
            "two side numbers",
        ),
        ("6.5 kbps", "one number"),
    ],
    solution_name="bit_rate_kbps",
)


# --- q2: a uniform quantizer --------------------------------------------------------------------


def _q2_context():
    rng = np.random.default_rng(7)
    codes = rng.standard_normal((400, 3)) * np.array([5.0, 0.2, 1.0]) + np.array([0.0, 3.0, -1.0])
    return {"codes": codes, "bits": 4}


def _q2_solution(codes, bits):
    def quantize_and_restore(codes, bits):
        low, high = codes.min(axis=0), codes.max(axis=0)
        step = (high - low) / (2**bits - 1)
        step = np.where(step > 0, step, 1.0)  # a constant column needs no levels
        levels = np.round((codes - low) / step)
        return low + levels * step

    return quantize_and_restore


def _q2_check(answer, codes, bits):
    if not callable(answer):
        raise Incorrect(tr("Give the function `quantize_and_restore` itself, not its result."))
    codes = np.asarray(codes, dtype=np.float64)
    try:
        restored = np.asarray(answer(codes.copy(), bits), dtype=np.float64)
    except Exception as error:  # show the learner's own error, briefly
        raise Incorrect(
            tr("Your function raised {kind}: {error}").format(
                kind=type(error).__name__, error=error
            )
        ) from None
    if restored.shape != codes.shape:
        raise Incorrect(
            tr(
                "The restored codes have shape {shape}; they need the input's shape, {shape2}."
            ).format(shape=restored.shape, shape2=codes.shape)
        )
    step = (codes.max(axis=0) - codes.min(axis=0)) / (2**bits - 1)
    for column in range(codes.shape[1]):
        distinct = len(np.unique(np.round(restored[:, column], 9)))
        if distinct > 2**bits:
            raise Incorrect(
                tr(
                    "Column {column} takes {distinct} different values, more than the {levels} levels "
                    "that {bits} bits can name."
                ).format(column=column, distinct=distinct, levels=2**bits, bits=bits)
            )
    error = np.abs(restored - codes) / step
    if error.max() > 0.5 + 1e-6:
        worst = int(np.argmax(error.max(axis=0)))
        if error[:, worst].max() < 1.0 + 1e-6 and np.all(restored <= codes + 1e-9):
            raise Incorrect(
                tr("Values are always rounded down (floor), so some end almost a whole step off.")
            )
        raise Incorrect(
            tr(
                "In column {worst} a value is off by {off:.2f} steps, more than the half "
                "step a uniform quantizer with each dimension's own range allows."
            ).format(worst=worst, off=error[:, worst].max())
        )


q2 = Exercise(
    N_("Exercise 2: a uniform quantizer"),
    _q2_check,
    [
        N_(
            "Quantizing maps each value to one of `2**bits` evenly spaced levels between a low and a high "
            "value; restoring maps the level back to a value."
        ),
        N_(
            "Give each code dimension (column, `axis=0`) its own low and high: one range for all columns "
            "would waste levels on the narrow ones."
        ),
        N_(
            "`step = (high - low) / (2**bits - 1)`; the level is the nearest whole number of steps above "
            "`low` (`np.round`); the restored value is `low + level * step`."
        ),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (
            lambda ctx: (
                lambda c, b: (
                    c.min()
                    + np.round((c - c.min()) / ((c.max() - c.min()) / (2**b - 1)))
                    * ((c.max() - c.min()) / (2**b - 1))
                )
            ),
            "each dimension's own",
        ),
        (
            lambda ctx: (
                lambda c, b: (
                    c.min(0)
                    + np.floor((c - c.min(0)) / ((c.max(0) - c.min(0)) / (2**b - 1)))
                    * ((c.max(0) - c.min(0)) / (2**b - 1))
                )
            ),
            "floor",
        ),
        (lambda ctx: lambda c, b: np.round(c, 2), "levels"),
        (lambda ctx: lambda c, b: c[:, :2], "the input's shape"),
        (lambda ctx: _q2_solution(**ctx)(ctx["codes"], ctx["bits"]), "not its result"),
    ],
    solution_name="make_quantizer",
)


# --- q3: spend a bit budget ------------------------------------------------------------------------


def _q3_context():
    rng = np.random.default_rng(3)
    t = np.arange(24_000)
    amplitudes = (1.0, 0.7, 0.5, 0.35, 0.25, 0.18, 0.12, 0.08)
    frequencies = (0.031, 0.177, 0.52, 0.09, 0.33, 0.71, 1.3, 2.1)  # radians per sample
    signal = sum(a * np.sin(f * t + i) for i, (a, f) in enumerate(zip(amplitudes, frequencies)))
    frames = (signal + 0.05 * rng.standard_normal(len(t))).reshape(-1, 64)
    return {"train_frames": frames[:300], "test_frames": frames[300:], "budget": 48}


def _splits(budget, frame_length):
    return [
        (budget // bits, bits)
        for bits in range(1, 17)
        if budget % bits == 0 and budget // bits < frame_length
    ]


_SCORES_CACHE: dict = {}


def _split_scores(train_frames, test_frames, budget) -> dict:
    """SNR on the test frames of every (code_size, bits) split of the budget, PCA codes quantized."""
    import hashlib

    from ..codec import dequantize, quantize

    train_frames = np.asarray(train_frames, dtype=np.float64)
    test_frames = np.asarray(test_frames, dtype=np.float64)
    key = (hashlib.sha1(train_frames.tobytes() + test_frames.tobytes()).hexdigest(), budget)
    if key not in _SCORES_CACHE:
        # PCA by one SVD of the centred training frames: the first k rows of vt are the
        # components of PCA(n_components=k), so one decomposition serves every split.
        mean = train_frames.mean(axis=0)
        _, _, vt = np.linalg.svd(train_frames - mean, full_matrices=False)
        scores = {}
        for code_size, bits in _splits(budget, train_frames.shape[1]):
            basis = vt[:code_size]
            integers, ranges = quantize((test_frames - mean) @ basis.T, bits)
            restored = dequantize(integers, ranges, bits, dtype=np.float64) @ basis + mean
            error = np.sum((test_frames - restored) ** 2)
            scores[(code_size, bits)] = float(10 * np.log10(np.sum(test_frames**2) / error))
        _SCORES_CACHE.clear()  # keep one entry: the notebook's or the test's frames
        _SCORES_CACHE[key] = scores
    return _SCORES_CACHE[key]


def _q3_solution(train_frames, test_frames, budget):
    from sklearn.decomposition import PCA

    from course_utils import codec

    snr = {}
    for bits in range(1, 17):
        code_size = budget // bits
        if budget % bits or code_size >= train_frames.shape[1]:
            continue
        pca = PCA(n_components=code_size, svd_solver="full").fit(train_frames)
        integers, ranges = codec.quantize(pca.transform(test_frames), bits)
        restored = pca.inverse_transform(codec.dequantize(integers, ranges, bits, dtype=np.float64))
        snr[(code_size, bits)] = 10 * np.log10(
            np.sum(test_frames**2) / np.sum((test_frames - restored) ** 2)
        )
    return max(snr, key=snr.get)


def _q3_check(answer, train_frames, test_frames, budget):
    try:
        code_size, bits = (int(v) for v in answer)
    except (TypeError, ValueError):
        raise Incorrect(tr("Give a pair of whole numbers, `(code_size, bits)`.")) from None
    if code_size * bits != budget:
        raise Incorrect(
            tr(
                "{code_size} numbers x {bits} bits = {code_size_bits} bits, not the budget of "
                "{budget} per frame."
            ).format(code_size=code_size, bits=bits, code_size_bits=code_size * bits, budget=budget)
        )
    if (code_size, bits) not in _splits(budget, np.shape(train_frames)[1]):
        raise Incorrect(
            tr(
                "Choose bits from 1 to 16 and a code smaller than the frame ({frame_length})."
            ).format(frame_length=np.shape(train_frames)[1])
        )
    scores = _split_scores(train_frames, test_frames, budget)
    best = max(scores, key=scores.get)
    if (code_size, bits) == best:
        return
    reason = (
        tr("too few numbers: the code leaves out components that carry real energy")
        if code_size < best[0]
        else tr(
            "too few bits per number: the quantization noise of every extra number costs more "
            "than it brings"
        )
    )
    raise Incorrect(
        tr(
            "({code_size}, {bits}) gives {score:.1f} dB on the test frames, and "
            "another split of the budget does better. This split has {reason}."
        ).format(
            code_size=code_size,
            bits=bits,
            score=scores[code_size, bits],
            reason=reason,
        )
    )


q3 = Exercise(
    N_("Exercise 3: spend a bit budget"),
    _q3_check,
    [
        N_(
            "The budget is fixed: more numbers per frame leaves fewer bits for each. Neither extreme wins."
        ),
        N_(
            "List every split (`bits` from 1 to 16 that divides the budget, `code_size = budget // bits`) "
            "and score each one on the test frames."
        ),
        N_(
            "For each split: `PCA(n_components=code_size)` fitted on the training frames, "
            "`codec.quantize` the test codes with `bits`, restore, measure the SNR; keep the best pair."
        ),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        ((48, 1), "too few bits"),
        ((2, 24), "bits from 1 to 16"),
        ((3, 16), "too few numbers"),
        ((6, 8), "too few numbers"),
        ((10, 5), "not the budget"),
        ("12x4", "pair"),
    ],
    solution_name="best_split",
)
