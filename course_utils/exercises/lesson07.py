"""Exercises for 07_compression: the learner's codec, counting bits, a quantizer, a bit budget.

``compress`` checks the lesson's central cell, which the learner writes: encode frames, quantize
the code, restore it, decode, and count every bit per second. q2 (a quantizer) and q3 (score
every split of a bit budget) are open: the checker runs the learner's function and measures it.

Used in: 07_compression, 07_going_further_codecs.
"""

from __future__ import annotations

import numpy as np

from ..checks import is_close, is_number
from ..i18n import N_, tr
from ._core import Exercise, Incorrect, _refusing

__all__ = ["compress", "q1", "q2", "q3"]


# --- compress: the lesson's codec, written by the learner ---------------------------------------

#: The small codes the check runs the learner's codec on: (frames, frame_length, code_size, bits, seconds).
COMPRESS_CASES = ((60, 16, 4, 5, 0.48), (40, 12, 3, 12, 0.24))


def _compress_solution():
    from course_utils import codec

    def compress(encode, decode, frames, bits, seconds):
        codes = encode(frames)
        integers, ranges = codec.quantize(codes, bits)  # each dimension's levels, min and max
        decoded = decode(codec.dequantize(integers, ranges, bits))
        n_frames, code_size = codes.shape
        total_bits = n_frames * code_size * bits + ranges.size * 32  # the code and its ranges
        return decoded, total_bits / seconds / 1000

    return compress


def _compress_codec(n_frames, frame_length, code_size, seed=0):
    """Frames and a small linear codec (PCA by one SVD): encode and decode, as a model's would be."""
    rng = np.random.default_rng(seed)
    t = np.arange(frame_length)
    waves = np.stack([np.sin(2 * np.pi * (k + 1) * t / frame_length + k) for k in range(code_size)])
    frames = (rng.normal(size=(n_frames, code_size)) * np.arange(code_size, 0, -1)) @ waves
    frames = (frames + 0.05 * rng.normal(size=frames.shape) + 0.3).astype(np.float32)
    mean = frames.mean(axis=0)
    _, _, vt = np.linalg.svd(frames - mean, full_matrices=False)
    basis = vt[:code_size].astype(np.float32)

    def encode(f):
        return ((np.asarray(f) - mean) @ basis.T).astype(np.float32)

    def decode(c):
        return (np.asarray(c, dtype=np.float32) @ basis + mean).astype(np.float32)

    return frames, encode, decode


def _quantized_by_hand(codes, bits, *, rounding=np.rint, per_dimension=True, dtype=None):
    """Codes through a hand-written quantizer, right or with one typical mistake."""
    codes = np.asarray(codes, dtype=np.float64)
    low = codes.min(axis=0) if per_dimension else codes.min()
    high = codes.max(axis=0) if per_dimension else codes.max()
    step = np.where(high > low, (high - low) / (2**bits - 1), 1.0)
    levels = rounding((codes - low) / step)
    if dtype is not None:
        levels = levels.astype(dtype)
    return (low + levels * step).astype(np.float32)


def _compress_check(answer):
    from course_utils import codec

    if not callable(answer):
        raise Incorrect(tr("Pass your function itself, `compress`, without calling it."))
    for n_frames, frame_length, code_size, bits, seconds in COMPRESS_CASES:
        frames, encode, decode = _compress_codec(n_frames, frame_length, code_size)
        with _refusing(
            "course_utils.codec:quantized_roundtrip",
            message=tr(
                "Your function calls `codec.quantized_roundtrip`, which does the whole codec for "
                "you. Write its steps yourself: encode, quantize, restore, decode, count the bits."
            ),
            function=answer,
        ):
            returned = answer(encode, decode, frames.copy(), bits, seconds)
        if returned is None:
            raise Incorrect(
                tr(
                    "Your `compress` returns None: return two things, the decoded frames and the rate "
                    "in kbps."
                )
            )
        if not (isinstance(returned, (tuple, list)) and len(returned) == 2):
            raise Incorrect(
                tr("Return two things, `(decoded, kbps)`: the decoded frames and the rate in kbps.")
            )
        decoded, rate = returned
        decoded = np.asarray(decoded, dtype=np.float64)
        if decoded.shape != frames.shape:
            if decoded.shape == (n_frames, code_size):
                raise Incorrect(
                    tr(
                        "Your decoded frames have {code_size} numbers each, the code's size; each "
                        "frame has {frame_length}: the restored code must go through `decode`."
                    ).format(code_size=code_size, frame_length=frame_length)
                )
            raise Incorrect(
                tr(
                    "Your decoded frames have shape {shape}; the frames you were given have shape "
                    "{wanted}."
                ).format(shape=decoded.shape, wanted=frames.shape)
            )
        codes = encode(frames)
        integers, ranges = codec.quantize(codes, bits)

        def same(values, decoded=decoded, decode=decode):
            return np.allclose(decoded, decode(values), rtol=0, atol=1e-4)

        if not same(codec.dequantize(integers, ranges, bits)):
            if same(codes):
                raise Incorrect(
                    tr(
                        "Your decoded frames are those of the code as the encoder gave it: nothing "
                        "was quantized, so nothing was compressed. Quantize the code to `bits` bits "
                        "and restore it before decoding."
                    )
                )
            if same(integers.astype(np.float32)):
                raise Incorrect(
                    tr(
                        "Your decoder was given the levels (whole numbers from 0 to 2**bits - 1), "
                        "not code values: turn the levels back into values (`codec.dequantize`) "
                        "before decoding."
                    )
                )
            for other in range(1, 17):
                if other != bits and same(codec.dequantize(*codec.quantize(codes, other), other)):
                    raise Incorrect(
                        tr(
                            "Your code was quantized to {other} bits, but the call asked for {bits}: "
                            "use the `bits` argument."
                        ).format(other=other, bits=bits)
                    )
            if same(_quantized_by_hand(codes, bits, rounding=np.floor)):
                raise Incorrect(
                    tr(
                        "Your levels are rounded down (floor), so some values end almost a whole "
                        "step off; round to the nearest level."
                    )
                )
            if same(_quantized_by_hand(codes, bits, per_dimension=False)):
                raise Incorrect(
                    tr(
                        "You quantized every code dimension between one common minimum and maximum; "
                        "each dimension needs its own range, or the narrow ones get only a few levels."
                    )
                )
            if bits > 8 and same(_quantized_by_hand(codes, bits, dtype=np.uint8)):
                raise Incorrect(
                    tr(
                        "At bits={bits} your levels wrap around: levels up to {top} do not fit in "
                        "uint8 (0 to 255). Keep them in a wider integer type."
                    ).format(bits=bits, top=2**bits - 1)
                )
            off = float(np.max(np.abs(decoded - decode(codec.dequantize(integers, ranges, bits)))))
            raise Incorrect(
                tr(
                    "Your decoded frames differ (by up to {off:.3g}) from the decoder's output for the "
                    "code quantized to `bits` bits between each dimension's minimum and maximum, "
                    "then restored."
                ).format(off=off)
            )
        if not is_number(rate):
            raise Incorrect(
                tr("The second thing you return should be one number, the rate in kbps.")
            )
        code_bits = n_frames * code_size * bits
        side_bits = 2 * code_size * 32
        expected = (code_bits + side_bits) / seconds / 1000

        def close(value, rate=rate):
            return is_close(rate, value, rel=1e-3)

        if close(expected):
            continue
        mistakes = (
            (
                code_bits / seconds / 1000,
                tr(
                    "Your rate counts the code but not the side information: the decoder also needs "
                    "each dimension's minimum and maximum (the ranges, float32)."
                ),
            ),
            (
                (code_bits + side_bits) / n_frames / 1000,
                tr(
                    "That is kilobits per frame. A rate is per second: divide by the clip's duration "
                    "(`seconds`), not by the number of frames."
                ),
            ),
            (
                (code_bits + side_bits) / 1000,
                tr("That is the clip's total in kilobits; a rate divides it by the duration."),
            ),
            (
                (code_bits + side_bits) / seconds,
                tr("That is bits per second, not kilobits per second."),
            ),
            (
                (code_bits + side_bits) / seconds / 8000,
                tr("That is kilobytes per second; kbps counts bits."),
            ),
            (
                (n_frames * code_size * 32 + side_bits) / seconds / 1000,
                tr(
                    "You counted 32 bits per code number, as if the code were not quantized: each "
                    "number now costs `bits` bits."
                ),
            ),
            (
                (code_bits + n_frames * side_bits) / seconds / 1000,
                tr("You counted the ranges once per frame; they are sent once for the whole clip."),
            ),
        )
        for value, message in mistakes:
            if close(value):
                raise Incorrect(message)
        raise Incorrect(
            tr(
                "Your rate, {rate:.4g} kbps, is not the bits of this code and its side information "
                "per second of audio."
            ).format(rate=float(rate))
        )


def _wrong_compress(
    quantize="right", bits_used=None, rate="right", decode_what="restored", returns="pair"
):
    """A learner's codec with one typical mistake, for the tests."""
    from course_utils import codec

    def compress(encode, decode, frames, bits, seconds):
        codes = encode(frames)
        b = bits_used or bits
        integers, ranges = codec.quantize(codes, b)
        restored = {
            "right": codec.dequantize(integers, ranges, b),
            "floor": _quantized_by_hand(codes, b, rounding=np.floor),
            "one range": _quantized_by_hand(codes, b, per_dimension=False),
            "uint8": _quantized_by_hand(codes, b, dtype=np.uint8),
            "none": codes,
            "levels": integers.astype(np.float32),
        }[quantize]
        decoded = {"restored": lambda: decode(restored), "codes": lambda: restored}[decode_what]()
        n, k = codes.shape
        total = n * k * b + ranges.size * 32
        kbps = {
            "right": total / seconds / 1000,
            "no side": n * k * b / seconds / 1000,
            "per frame": total / n / 1000,
            "bits per second": total / seconds,
            "float32": (n * k * 32 + ranges.size * 32) / seconds / 1000,
            "side per frame": (n * k * b + n * ranges.size * 32) / seconds / 1000,
        }[rate]
        if returns == "none":
            return None
        if returns == "audio only":
            return decoded
        return decoded, kbps

    return compress


compress = Exercise(
    N_("Your codec"),
    _compress_check,
    [
        N_(
            "Four steps: the encoder turns the frames into codes; section 2's quantizer turns the "
            "codes into levels and ranges and back into values; the decoder turns those into frames."
        ),
        N_(
            "Count what the decoder receives: `bits` bits for every number of every frame's code, "
            "and 32 bits for each number of the ranges. Divide by the duration, then by 1000."
        ),
        N_(
            "`codec.quantize(codes, bits)` returns `(integers, ranges)`; `codec.dequantize(integers, "
            "ranges, bits)` restores the values your `decode` takes. Return `(decoded, kbps)`."
        ),
        N_("Still stuck? `exercises.compress.solution()` shows the course's codec."),
    ],
    _compress_solution,
    solution_name="make_compress",
    wrong_answers=[
        (lambda ctx: _wrong_compress(quantize="none"), "nothing was quantized"),
        (lambda ctx: _wrong_compress(quantize="levels"), "not code values"),
        (lambda ctx: _wrong_compress(bits_used=8), "use the `bits` argument"),
        (lambda ctx: _wrong_compress(quantize="floor"), "rounded down (floor)"),
        (lambda ctx: _wrong_compress(quantize="one range"), "its own range"),
        (lambda ctx: _wrong_compress(quantize="uint8"), "wrap around"),
        (lambda ctx: _wrong_compress(decode_what="codes"), "must go through `decode`"),
        (lambda ctx: _wrong_compress(rate="no side"), "side information"),
        (lambda ctx: _wrong_compress(rate="per frame"), "kilobits per frame"),
        (lambda ctx: _wrong_compress(rate="bits per second"), "not kilobits per second"),
        (lambda ctx: _wrong_compress(rate="float32"), "32 bits per code number"),
        (lambda ctx: _wrong_compress(rate="side per frame"), "once per frame"),
        (lambda ctx: _wrong_compress(returns="none"), "returns None"),
        (lambda ctx: _wrong_compress(returns="audio only"), "Return two things"),
        ((np.zeros((4, 16)), 6.5), "Pass your function itself"),
    ],
)


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
    N_("Going further: the quantizer by hand"),
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
        if len(_SCORES_CACHE) > 1:
            _SCORES_CACHE.clear()  # keep two entries: the notebook's (or the test's) and the check's own
        _SCORES_CACHE[key] = scores
    return _SCORES_CACHE[key]


def _q3_solution(train_frames, test_frames, budget):
    from sklearn.decomposition import PCA

    from course_utils import codec

    def best_split(train_frames, test_frames, budget):
        snr = {}
        for bits in range(1, 17):
            code_size = budget // bits
            if budget % bits or code_size >= train_frames.shape[1]:
                continue
            pca = PCA(n_components=code_size, svd_solver="full").fit(train_frames)
            integers, ranges = codec.quantize(pca.transform(test_frames), bits)
            restored = pca.inverse_transform(codec.dequantize(integers, ranges, bits, np.float64))
            error = np.sum((test_frames - restored) ** 2)
            snr[(code_size, bits)] = 10 * np.log10(np.sum(test_frames**2) / error)
        return max(snr, key=snr.get)

    return best_split


#: A second budget the check gives the learner's function, on the exercise's own frames.
Q3_OTHER_BUDGET = 60


def _q3_judge(choice, train_frames, test_frames, budget, where):
    try:
        code_size, bits = (int(v) for v in choice)
    except (TypeError, ValueError):
        raise Incorrect(
            tr(
                "{where}Your function returned {choice!r}; return a pair `(code_size, bits)`."
            ).format(where=where, choice=choice)
        ) from None
    if code_size * bits != budget:
        raise Incorrect(
            tr(
                "{where}Your function chose {code_size} numbers x {bits} bits = {code_size_bits} bits, "
                "not the budget of {budget} per frame."
            ).format(
                where=where,
                code_size=code_size,
                bits=bits,
                code_size_bits=code_size * bits,
                budget=budget,
            )
        )
    if (code_size, bits) not in _splits(budget, np.shape(train_frames)[1]):
        raise Incorrect(
            tr(
                "{where}Choose bits from 1 to 16 and a code smaller than the frame ({frame_length})."
            ).format(where=where, frame_length=np.shape(train_frames)[1])
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
            "{where}({code_size}, {bits}) gives {score:.1f} dB on the test frames, and another split "
            "of the budget does better. This split has {reason}. Does your function score every "
            "split on the test frames and keep the highest SNR?"
        ).format(
            where=where,
            code_size=code_size,
            bits=bits,
            score=scores[code_size, bits],
            reason=reason,
        )
    )


def _q3_check(answer, train_frames, test_frames, budget):
    if not callable(answer):
        raise Incorrect(
            tr(
                "Pass your function itself, `best_split`, without calling it: the check runs it on "
                "these frames and on others."
            )
        )
    from ..features import _one_blas_thread

    train_frames = np.asarray(train_frames, dtype=np.float64)
    test_frames = np.asarray(test_frames, dtype=np.float64)
    other = _q3_context()
    with _one_blas_thread():  # eight small PCAs: seconds with two busy BLAS threads, 0.2 s with one
        chosen = answer(train_frames.copy(), test_frames.copy(), budget)
        _q3_judge(chosen, train_frames, test_frames, budget, "")
        other_choice = answer(other["train_frames"], other["test_frames"], Q3_OTHER_BUDGET)
        _q3_judge(
            other_choice,
            other["train_frames"],
            other["test_frames"],
            Q3_OTHER_BUDGET,
            tr("On other frames, with a budget of {budget} bits: ").format(budget=Q3_OTHER_BUDGET),
        )


def _fixed_split(pair):
    """A learner's function that answers one pair whatever it is given (a shortcut)."""

    def best_split(train_frames, test_frames, budget):
        return pair

    return best_split


def _extreme_split(most_numbers):
    """A learner's function that never scores: always the most numbers, or always the most bits."""

    def best_split(train_frames, test_frames, budget):
        splits = _splits(budget, np.shape(train_frames)[1])
        return max(splits) if most_numbers else min(splits)

    return best_split


q3 = Exercise(
    N_("Going further: spend a bit budget"),
    _q3_check,
    [
        N_(
            "The budget is fixed: more numbers per frame leaves fewer bits for each. Neither extreme "
            "wins, and which split does depends on the audio and the budget, so score them all."
        ),
        N_(
            "List every split (`bits` from 1 to 16 that divides the budget, `code_size = budget // bits`, "
            "smaller than the frame) and score each one on the test frames."
        ),
        N_(
            "For each split: `PCA(n_components=code_size)` fitted on the training frames, "
            "`codec.quantize` the test codes with `bits`, restore, measure the SNR; return the best pair."
        ),
        N_("Still stuck? `exercises.q3.solution()` shows a complete `best_split`."),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: _extreme_split(most_numbers=True), "too few bits"),
        (lambda ctx: _extreme_split(most_numbers=False), "too few numbers"),
        (lambda ctx: _fixed_split(_q3_solution(**ctx)(**ctx)), "On other frames"),
        (lambda ctx: _fixed_split((10, 5)), "not the budget"),
        (lambda ctx: _fixed_split("12x4"), "pair"),
        (lambda ctx: _q3_solution(**ctx)(**ctx), "without calling it"),
    ],
    solution_name="make_best_split",
)
