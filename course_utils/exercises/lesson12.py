"""Exercises for 12_efficiency_and_scale: FLOPs by hand, a pruning mask, the global batch, 4-bit
weights (open).

Used in: 12_efficiency_and_scale.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..checks import is_whole_number
from ..i18n import N_, tr
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3", "q4"]


# --- q1: FLOPs per frame by hand ------------------------------------------------------------------


def _q1_context():
    return {"frame_length": 128, "code_size": 16, "hidden_sizes": (64,)}


def _q1_solution(frame_length, code_size, hidden_sizes):
    sizes = [frame_length, *hidden_sizes, code_size]
    widths = sizes + sizes[-2::-1]  # the encoder, then the decoder mirrors it
    return sum(2 * n * m + m for n, m in zip(widths[:-1], widths[1:]))


def _q1_check(answer, frame_length, code_size, hidden_sizes):
    if not is_whole_number(answer):
        raise Incorrect(tr("Give one whole number: the FLOPs to reconstruct one frame."))
    answer = int(answer)
    expected = _q1_solution(frame_length, code_size, hidden_sizes)
    if answer == expected:
        return
    sizes = [frame_length, *hidden_sizes, code_size]
    widths = sizes + sizes[-2::-1]
    pairs = list(zip(widths[:-1], widths[1:]))
    weights = sum(n * m for n, m in pairs)
    biases = sum(m for _, m in pairs)
    encoder = sum(2 * n * m + m for n, m in zip(sizes[:-1], sizes[1:]))
    if answer == weights + biases:
        raise Incorrect(
            tr("That is the number of parameters; a FLOP count charges a weight more than once.")
        )
    if answer == weights:
        raise Incorrect(
            tr("That counts one multiply per weight, but neither the adds nor the biases.")
        )
    if answer == 2 * weights:
        raise Incorrect(tr("Almost: the biases are not counted."))
    if answer == encoder:
        raise Incorrect(
            tr("That is the encoder alone; reconstructing a frame runs the decoder too.")
        )
    raise Incorrect(tr("That is not the FLOP count of this autoencoder's layers."))


q1 = Exercise(
    N_("Exercise 1: FLOPs per frame by hand"),
    _q1_check,
    [
        N_(
            "List the Dense layers of the whole autoencoder, encoder and decoder, with the number of "
            "values going into and out of each: `input -> hidden... -> code -> ...hidden -> input`."
        ),
        N_(
            "In a Dense layer from `n` to `m` values each of the `n * m` weights costs a multiply and an "
            "add, and each of the `m` biases one add."
        ),
        N_("Sum `2*n*m + m` over the layers. Check with `efficiency.dense_autoencoder_cost`."),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: 2 * 128 * 64 + 2 * 64 * 16 + 2 * 16 * 64 + 2 * 64 * 128, "bias"),
        (lambda ctx: 128 * 64 + 64 * 16 + 16 * 64 + 64 * 128, "one multiply"),
        (
            lambda ctx: (128 * 64 + 64) + (64 * 16 + 16) + (16 * 64 + 64) + (64 * 128 + 128),
            "parameters",
        ),
        (lambda ctx: (2 * 128 * 64 + 64) + (2 * 64 * 16 + 16), "decoder"),
        ("lots", "whole number"),
        (12345, "not the FLOP count"),
    ],
    solution_name="flops_per_frame",
)


# --- q2: a magnitude-pruning mask ---------------------------------------------------------------


def _q2_context():
    weights = np.array(
        [[0.30, -0.02, 0.11, -0.45], [0.05, -0.20, 0.01, 0.60], [-0.07, 0.25, -0.33, 0.09]]
    )
    return {"weights": weights, "sparsity": 0.5}


def _q2_solution(weights, sparsity):
    n_zero = int(round(sparsity * weights.size))
    smallest_first = np.argsort(np.abs(weights), axis=None, kind="stable")
    mask = np.ones(weights.size)
    mask[smallest_first[:n_zero]] = 0.0
    return mask.reshape(weights.shape)


def _q2_check(answer, weights, sparsity):
    answer = np.asarray(answer)
    if answer.shape != weights.shape:
        raise Incorrect(
            tr("The mask must have the weights' shape {shape}; got {shape2}.").format(
                shape=weights.shape, shape2=answer.shape
            )
        )
    if not np.all(np.isin(answer, (0, 1))):
        raise Incorrect(
            tr("A mask holds only 0 (pruned) and 1 (kept); multiply it with the weights to prune.")
        )
    expected = _q2_solution(weights, sparsity)
    if np.array_equal(answer, expected):
        return
    n_zero = int(round(sparsity * weights.size))
    if np.sum(answer == 0) != n_zero:
        zeroed = int(np.sum(answer == 0))
        raise Incorrect(
            tr(
                "The mask zeroes {zeroed} of {size} weights, a sparsity of "
                "{fraction:.2f}, not {sparsity}."
            ).format(
                zeroed=zeroed,
                size=weights.size,
                fraction=zeroed / weights.size,
                sparsity=sparsity,
            )
        )
    if np.all(np.abs(weights[answer == 0]) >= np.abs(weights[answer == 1]).max()):
        raise Incorrect(tr("That prunes the *largest* weights, the ones that matter most."))
    raise Incorrect(
        tr(
            "Those are not the smallest weights by magnitude: a weight such as -0.45 is big, "
            "whatever its sign."
        )
    )


q2 = Exercise(
    N_("Exercise 2: a magnitude-pruning mask"),
    _q2_check,
    [
        N_(
            "Magnitude pruning zeroes the weights closest to 0, whatever their sign. The mask has a 0 "
            "where a weight is pruned and a 1 where it is kept."
        ),
        N_(
            "How many to zero: `round(sparsity * weights.size)`. Rank the weights by `np.abs(weights)`."
        ),
        N_(
            "`np.argsort(np.abs(weights), axis=None)` lists the positions smallest first; put 0 at the "
            "first n of them in a flat mask of ones, then reshape it."
        ),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: (ctx["weights"] >= np.median(ctx["weights"])).astype(float), "magnitude"),
        (
            lambda ctx: (np.abs(ctx["weights"]) <= np.median(np.abs(ctx["weights"]))).astype(float),
            "largest",
        ),
        (lambda ctx: (np.abs(ctx["weights"]) > 0.2).astype(float), "zeroes"),
        (lambda ctx: ctx["weights"] * _q2_solution(**ctx), "only 0"),
        (lambda ctx: np.ones(4), "shape"),
    ],
    solution_name="pruning_mask",
)


# --- q3: the global batch and the steps of an epoch ----------------------------------------------


def _q3_context():
    return {"per_replica_batch": 64, "workers": 4, "devices_per_worker": 2, "n_frames": 100_000}


def _q3_solution(per_replica_batch, workers, devices_per_worker, n_frames):
    global_batch = per_replica_batch * workers * devices_per_worker
    return global_batch, math.ceil(n_frames / global_batch)


def _q3_check(answer, per_replica_batch, workers, devices_per_worker, n_frames):
    if (
        not isinstance(answer, tuple)
        or len(answer) != 2
        or not all(is_whole_number(a) for a in answer)
    ):
        raise Incorrect(tr("Give a pair of whole numbers: `(global_batch, steps_per_epoch)`."))
    global_batch, steps = (int(a) for a in answer)
    expected_batch, expected_steps = _q3_solution(
        per_replica_batch, workers, devices_per_worker, n_frames
    )
    if global_batch == per_replica_batch:
        raise Incorrect(
            tr(
                "That is one replica's batch. Every replica of every worker takes its own batch in "
                "each step."
            )
        )
    if global_batch == per_replica_batch * workers:
        raise Incorrect(
            tr("Each worker has several devices, and each device is a replica: count them all.")
        )
    if global_batch != expected_batch:
        raise Incorrect(tr("That is not the global batch: count every replica of every worker."))
    if steps == math.ceil(n_frames / per_replica_batch):
        raise Incorrect(
            tr(
                "One step consumes a whole *global* batch, so an epoch needs fewer steps than on one "
                "device."
            )
        )
    if steps == n_frames // expected_batch and n_frames % expected_batch:
        raise Incorrect(tr("That drops the last, partial batch, which is a step too: round up."))
    if steps != expected_steps:
        raise Incorrect(
            tr(
                "The global batch is right, but that is not the number of steps one epoch takes with "
                "it."
            )
        )


q3 = Exercise(
    N_("Exercise 3: the global batch on a cluster"),
    _q3_check,
    [
        N_(
            "In synchronous data-parallel training every replica takes its own batch in each step; the "
            "step's global batch is all of them together."
        ),
        N_("Replicas = workers x devices per worker."),
        N_(
            "Global batch = per-replica batch x replicas; steps per epoch = "
            "`math.ceil(n_frames / global_batch)`."
        ),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        ((64, 1563), "one replica's batch"),
        ((256, 391), "several devices"),
        ((512, 1563), "fewer steps"),
        ((512, 195), "round up"),
        ((500, 200), "not the global batch"),
        ((512, 100), "not the number of steps"),
        (512, "pair"),
    ],
    solution_name="global_batch_and_steps",
)


# --- q4 (open): 4-bit weights -----------------------------------------------------------------

#: 4-bit signed integers, symmetric: -7 ... 7.
Q4_LEVELS = 7
#: Test-SNR loss (dB) against float32 that passes. Seeds 0-2 of the course's model: one scale per
#: kernel from its largest weight loses 1.8-2.0 dB, truncating instead of rounding 2.8-3.0 dB;
#: one scale per output unit 1.1-1.4 dB.
Q4_MAX_LOSS_DB = 1.6


@functools.lru_cache(maxsize=1)
def _q4_trained():
    """The course's model (seed 0, STEPS steps on the orchestra's first 75 %) and its test frames."""
    import keras

    from .. import audio, data, models, training
    from ..settings import CODE, FRAME, HIDDEN, HOP, STEPS

    music, _ = data.load_real_clip("orchestra")
    train_raw, test_raw = data.split_in_time(music)
    scaler = audio.fit_standardizer(train_raw)
    train_audio, test_audio = (
        scaler.transform(x.reshape(-1, 1)).ravel().astype(np.float32) for x in (train_raw, test_raw)
    )
    train_frames = audio.frame_signal(train_audio, frame_length=FRAME, hop_length=HOP)
    test_frames = audio.frame_signal(test_audio, frame_length=FRAME, hop_length=FRAME, pad=True)
    keras.utils.set_random_seed(0)
    model, _, _ = models.build_dense_autoencoder(FRAME, CODE, hidden_sizes=(HIDDEN,))
    training.fit_autoencoder(model, train_frames, steps=STEPS, seed=0, progress=False)
    return model, test_frames


def _q4_context():
    _q4_trained()  # trained once, before a check's time limit starts
    return {}


def _q4_solution():
    def quantize_kernel(kernel):
        # One scale per output unit (column): each column's largest weight becomes +-7.
        scale = np.abs(kernel).max(axis=0, keepdims=True) / 7
        scale = np.where(scale > 0, scale, 1.0)  # a column of zeros stays zero
        q = np.clip(np.round(kernel / scale), -7, 7).astype(np.int8)
        return q, scale

    return quantize_kernel


def _q4_dequantized(answer, kernel):
    """The learner's (q, scale) for one kernel, checked, as float weights."""
    result = answer(np.array(kernel))
    if not isinstance(result, tuple) or len(result) != 2:
        raise Incorrect(
            tr(
                "Return a pair `(q, scale)`: the integer levels and the scale that turns them back "
                "into weights (`q * scale`)."
            )
        )
    q, scale = (np.asarray(part) for part in result)
    n_in, n_out = kernel.shape
    if q.shape != kernel.shape:
        raise Incorrect(
            tr("`q` must have the kernel's shape {shape}; yours has {shape2}.").format(
                shape=kernel.shape, shape2=q.shape
            )
        )
    if q.dtype.kind not in "iu":
        raise Incorrect(
            tr(
                "`q` holds {dtype} values; stored weights are integers. Round, then convert with "
                "`.astype(np.int8)` (4-bit values fit in an int8)."
            ).format(dtype=q.dtype)
        )
    if np.abs(q.astype(np.int64)).max() > Q4_LEVELS:
        raise Incorrect(
            tr(
                "`q` reaches {largest}; 4 bits hold -7 ... 7. Choose the scale so "
                "that the weights you keep fit, and `np.clip` the rest."
            ).format(largest=int(np.abs(q.astype(np.int64)).max()))
        )
    if scale.dtype.kind not in "fiu" or scale.shape not in {
        (),
        (1,),
        (1, 1),
        (n_out,),
        (1, n_out),
        (n_in, 1),
    }:
        raise Incorrect(
            tr(
                "`scale` has shape {shape}. Give one number for the kernel, or one per output unit "
                "(shape (1, {n_out})) or per input (shape ({n_in}, 1)); a scale per weight would "
                "store a float for every weight, no smaller than float32."
            ).format(shape=scale.shape, n_out=n_out, n_in=n_in)
        )
    if not np.all(np.isfinite(scale)):
        raise Incorrect(
            tr("`scale` holds NaN or infinite values: did a column of zeros divide by 0?")
        )
    if np.count_nonzero(q) < 0.05 * q.size:
        raise Incorrect(
            tr(
                "{percent:.0f} % of `q` is 0: the weights were rounded without a scale. "
                "Divide by a scale first, so the largest weights reach about 7."
            ).format(percent=100 * np.mean(q == 0))
        )
    return q.astype(np.float64) * scale.astype(np.float64)


def _q4_check(answer, model=None, test_frames=None):
    import keras

    from ..metrics import snr_db

    if not callable(answer):
        raise Incorrect(
            tr("Give your function itself (`answer = quantize_kernel`), not what it returns.")
        )
    if model is None or test_frames is None:
        model, test_frames = _q4_trained()
    quantized = keras.models.clone_model(model)
    quantized.set_weights(model.get_weights())
    truncates = True
    for weight in quantized.weights:
        if not weight.path.endswith("kernel"):
            continue
        kernel = np.asarray(weight)
        restored = _q4_dequantized(answer, kernel)
        weight.assign(restored.astype(np.float32))
        steps = np.abs(restored - kernel)
        truncates &= bool(np.all(np.abs(restored) <= np.abs(kernel) * (1 + 1e-5) + 1e-9)) and bool(
            np.any(steps > 0)
        )

    def snr(m):
        return snr_db(test_frames, np.asarray(m(test_frames, training=False)))

    loss = snr(model) - snr(quantized)
    if loss >= Q4_MAX_LOSS_DB:
        detail = (
            tr(
                " Every weight moved towards 0: that truncates. Round to the nearest level "
                "(`np.round`)."
            )
            if truncates
            else tr(
                " Which weights set your scale? A few large ones can leave most weights on only "
                "two or three levels."
            )
        )
        raise Incorrect(
            tr(
                "With your 4-bit kernels the test SNR is {loss:.2f} dB below float32's; not yet "
                "under {Q4_MAX_LOSS_DB} dB.{detail}"
            ).format(loss=loss, Q4_MAX_LOSS_DB=Q4_MAX_LOSS_DB, detail=detail)
        )


def _q4_one_scale(kernel):
    scale = np.abs(kernel).max() / 7
    return np.round(kernel / scale).astype(np.int8), scale


def _q4_truncating(kernel):
    scale = np.abs(kernel).max(axis=0, keepdims=True) / 7
    return np.trunc(kernel / scale).astype(np.int8), scale


q4 = Exercise(
    N_("Exercise 4 (open): 4-bit weights"),
    _q4_check,
    [
        N_(
            "Section 5 stored each weight as an 8-bit integer and a float scale. With 4 bits only the "
            "levels -7 ... 7 remain, so how you choose the scale decides which weights keep their detail."
        ),
        N_(
            "`q = round(kernel / scale)`, clipped to -7 ... 7 and stored as `np.int8`; the weights come "
            "back as `q * scale`. Try one scale for the whole kernel first, and measure."
        ),
        N_(
            "Each output unit (column of the kernel) has its own range of weights. A scale per column "
            "(`keepdims=True` keeps it a row that broadcasts). `exercises.q4.solution()` shows one way."
        ),
    ],
    _q4_solution,
    context=_q4_context,
    wrong_answers=[
        (lambda ctx: _q4_one_scale, "not yet under"),
        (lambda ctx: _q4_truncating, "truncates"),
        (lambda ctx: lambda k: (np.round(k).astype(np.int8), 1.0), "without a scale"),
        (
            lambda ctx: lambda k: (np.round(k / (np.abs(k).max() / 7)), np.abs(k).max() / 7),
            "integers",
        ),
        (
            lambda ctx: (
                lambda k: (
                    np.round(k / (np.abs(k).max() / 127)).astype(np.int8),
                    np.abs(k).max() / 127,
                )
            ),
            "-7 ... 7",
        ),
        (lambda ctx: lambda k: (np.ones(k.shape, np.int8), k), "scale per weight"),
        (lambda ctx: lambda k: np.round(k * 7), "pair"),
        (np.zeros(3), "function itself"),
    ],
    solution_name="solution",
)
