"""Exercises for 12_efficiency_and_scale: FLOPs by hand, a pruning mask, the global batch.

Used in: 12_efficiency_and_scale.
"""

from __future__ import annotations

import math

import numpy as np

from ..checks import is_whole_number
from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]


# --- q1: FLOPs per frame by hand ------------------------------------------------------------------


def _q1_context():
    return {"frame_length": 128, "code_size": 16, "hidden_sizes": (64,)}


def _q1_solution(frame_length, code_size, hidden_sizes):
    sizes = [frame_length, *hidden_sizes, code_size]
    widths = sizes + sizes[-2::-1]  # the encoder, then the decoder mirrors it
    return sum(2 * n * m + m for n, m in zip(widths[:-1], widths[1:]))


def _q1_check(answer, frame_length, code_size, hidden_sizes):
    if not is_whole_number(answer):
        raise Incorrect("Give one whole number: the FLOPs to reconstruct one frame.")
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
            "That is the number of parameters; a FLOP count charges a weight more than once."
        )
    if answer == weights:
        raise Incorrect("That counts one multiply per weight, but neither the adds nor the biases.")
    if answer == 2 * weights:
        raise Incorrect("Almost: the biases are not counted.")
    if answer == encoder:
        raise Incorrect("That is the encoder alone; reconstructing a frame runs the decoder too.")
    raise Incorrect("That is not the FLOP count of this autoencoder's layers.")


q1 = Exercise(
    "Exercise 1: FLOPs per frame by hand",
    _q1_check,
    [
        "List the Dense layers of the whole autoencoder, encoder and decoder, with the number of "
        "values going into and out of each: `input -> hidden... -> code -> ...hidden -> input`.",
        "In a Dense layer from `n` to `m` values each of the `n * m` weights costs a multiply and an "
        "add, and each of the `m` biases one add.",
        "Sum `2*n*m + m` over the layers. Check with `efficiency.dense_autoencoder_cost`.",
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
            f"The mask must have the weights' shape {weights.shape}; got {answer.shape}."
        )
    if not np.all(np.isin(answer, (0, 1))):
        raise Incorrect(
            "A mask holds only 0 (pruned) and 1 (kept); multiply it with the weights to prune."
        )
    expected = _q2_solution(weights, sparsity)
    if np.array_equal(answer, expected):
        return
    n_zero = int(round(sparsity * weights.size))
    if np.sum(answer == 0) != n_zero:
        zeroed = int(np.sum(answer == 0))
        raise Incorrect(
            f"The mask zeroes {zeroed} of {weights.size} weights, a sparsity of "
            f"{zeroed / weights.size:.2f}, not {sparsity}."
        )
    if np.all(np.abs(weights[answer == 0]) >= np.abs(weights[answer == 1]).max()):
        raise Incorrect("That prunes the *largest* weights, the ones that matter most.")
    raise Incorrect(
        "Those are not the smallest weights by magnitude: a weight such as -0.45 is big, whatever its sign."
    )


q2 = Exercise(
    "Exercise 2: a magnitude-pruning mask",
    _q2_check,
    [
        "Magnitude pruning zeroes the weights closest to 0, whatever their sign. The mask has a 0 "
        "where a weight is pruned and a 1 where it is kept.",
        "How many to zero: `round(sparsity * weights.size)`. Rank the weights by `np.abs(weights)`.",
        "`np.argsort(np.abs(weights), axis=None)` lists the positions smallest first; put 0 at the "
        "first n of them in a flat mask of ones, then reshape it.",
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
        raise Incorrect("Give a pair of whole numbers: `(global_batch, steps_per_epoch)`.")
    global_batch, steps = (int(a) for a in answer)
    expected_batch, expected_steps = _q3_solution(
        per_replica_batch, workers, devices_per_worker, n_frames
    )
    if global_batch == per_replica_batch:
        raise Incorrect(
            "That is one replica's batch. Every replica of every worker takes its own batch in each step."
        )
    if global_batch == per_replica_batch * workers:
        raise Incorrect(
            "Each worker has several devices, and each device is a replica: count them all."
        )
    if global_batch != expected_batch:
        raise Incorrect("That is not the global batch: count every replica of every worker.")
    if steps == math.ceil(n_frames / per_replica_batch):
        raise Incorrect(
            "One step consumes a whole *global* batch, so an epoch needs fewer steps than on one device."
        )
    if steps == n_frames // expected_batch and n_frames % expected_batch:
        raise Incorrect("That drops the last, partial batch, which is a step too: round up.")
    if steps != expected_steps:
        raise Incorrect(
            "The global batch is right, but that is not the number of steps one epoch takes with it."
        )


q3 = Exercise(
    "Exercise 3: the global batch on a cluster",
    _q3_check,
    [
        "In synchronous data-parallel training every replica takes its own batch in each step; the "
        "step's global batch is all of them together.",
        "Replicas = workers x devices per worker.",
        "Global batch = per-replica batch x replicas; steps per epoch = "
        "`math.ceil(n_frames / global_batch)`.",
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
