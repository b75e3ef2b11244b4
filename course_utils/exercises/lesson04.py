"""Exercises for 04_training: full-batch memory, early stopping, steps and epochs.

Used in: 04_training.
"""

from __future__ import annotations

import math

import numpy as np

from ._core import Exercise, Incorrect

__all__ = ["q1", "q2", "q3"]


def _is_number(answer) -> bool:
    return isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool)


# --- q1: what the article's full batch holds in memory -----------------------------------------


def _q1_context():
    return {"seconds": 30.0, "sample_rate": 22050, "hidden_size": 100}


def _q1_solution(seconds, sample_rate, hidden_size):
    samples = seconds * sample_rate
    bytes_per_float = 4  # float32
    return samples * hidden_size * bytes_per_float / 1e6  # megabytes


def _q1_check(answer, seconds, sample_rate, hidden_size):
    if not _is_number(answer):
        raise Incorrect("Return one number: megabytes (1 MB = 1e6 bytes).")
    expected = _q1_solution(seconds, sample_rate, hidden_size)
    if math.isclose(answer, expected, rel_tol=1e-3):
        return
    samples = seconds * sample_rate
    if math.isclose(answer, samples * hidden_size / 1e6, rel_tol=1e-3):
        raise Incorrect("That counts floats, not bytes: a float32 takes 4 bytes.")
    if math.isclose(answer, samples * 4 / 1e6, rel_tol=1e-3):
        raise Incorrect(
            f"That is the clip itself. The hidden layer holds {hidden_size} floats for *every* sample."
        )
    if math.isclose(answer, samples * hidden_size * 32 / 1e6, rel_tol=1e-3):
        raise Incorrect("That counts bits: a float32 is 32 bits but 4 bytes.")
    if math.isclose(answer, samples * hidden_size * 4 / 2**20, rel_tol=1e-3):
        raise Incorrect("That is MiB (2**20 bytes); the course uses MB = 1e6 bytes.")
    raise Incorrect(f"Expected about {expected:.0f} MB: samples x hidden_size x 4 bytes / 1e6.")


q1 = Exercise(
    "Exercise 1: the memory of one activation",
    _q1_check,
    "The article's batch is every sample of the clip, and the hidden layer turns each sample "
    "into `hidden_size` float32 numbers of 4 bytes each.",
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: ctx["seconds"] * ctx["sample_rate"] * ctx["hidden_size"] / 1e6, "not bytes"),
        (lambda ctx: ctx["seconds"] * ctx["sample_rate"] * 4 / 1e6, "the clip itself"),
        (lambda ctx: ctx["seconds"] * ctx["sample_rate"] * ctx["hidden_size"] * 32 / 1e6, "counts bits"),
        (lambda ctx: ctx["seconds"] * ctx["sample_rate"] * ctx["hidden_size"] * 4 / 2**20, "MiB"),
    ],
)


# --- q2: when does early stopping stop? ---------------------------------------------------------


def _q2_context():
    return {
        "val_losses": [0.90, 0.61, 0.48, 0.44, 0.45, 0.43, 0.46, 0.47, 0.45, 0.49, 0.52, 0.41],
        "patience": 3,
    }


def _q2_solution(val_losses, patience):
    best_epoch, best = 1, val_losses[0]
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best_epoch, best = epoch, loss
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch  # stops here and restores the best epoch's weights
    return len(val_losses), best_epoch


def _q2_check(answer, val_losses, patience):
    if not isinstance(answer, tuple) or len(answer) != 2 or not all(_is_number(a) for a in answer):
        raise Incorrect("Return a pair of epoch numbers, counting from 1: `(last_epoch_run, restored_epoch)`.")
    expected = _q2_solution(val_losses, patience)
    if tuple(int(a) for a in answer) == expected:
        return
    stop, best = (int(a) for a in answer)
    if (stop, best) == tuple(e - 1 for e in expected):
        raise Incorrect("Count epochs from 1, as Keras' progress bar does (`Epoch 1/...`).")
    if stop == expected[0] and best == stop:
        raise Incorrect("With restore_best_weights=True the model keeps the weights of the *best* epoch, not the last one run.")
    if best == int(np.argmin(val_losses)) + 1 and best != expected[1]:
        raise Incorrect(
            "Training never reaches that epoch: early stopping ends it first. Find the first "
            f"run of {patience} epochs without a new best."
        )
    if stop == expected[0] + 1 or stop == expected[0] - 1:
        raise Incorrect(
            f"Off by one: training stops at the end of the {patience}th epoch in a row without a "
            "new best (strictly lower) validation loss."
        )
    raise Incorrect(f"Walk through the list: keep the best so far, and stop after {patience} epochs without beating it.")


q2 = Exercise(
    "Exercise 2: when does early stopping stop?",
    _q2_check,
    "Go through the validation losses in order, remembering the best so far and its epoch. "
    "`patience` epochs in a row without a lower loss end training.",
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: tuple(e - 1 for e in _q2_solution(**ctx)), "from 1"),
        (lambda ctx: (_q2_solution(**ctx)[0], _q2_solution(**ctx)[0]), "best"),
        (lambda ctx: (len(ctx["val_losses"]), int(np.argmin(ctx["val_losses"])) + 1), "never reaches"),
        (lambda ctx: (_q2_solution(**ctx)[0] + 1, _q2_solution(**ctx)[1]), "Off by one"),
        (7, "pair"),
    ],
)
# --- q3: steps, not epochs ----------------------------------------------------------------------


def _q3_context():
    return {"steps": 3000, "n_examples": 1000, "batch_size": 64}


def _q3_solution(steps, n_examples, batch_size):
    steps_per_epoch = math.ceil(n_examples / batch_size)  # the last, smaller batch is a step too
    return math.ceil(steps / steps_per_epoch)


def _q3_check(answer, steps, n_examples, batch_size):
    if not _is_number(answer) or int(answer) != answer:
        raise Incorrect("Return a whole number of epochs (Keras' `epochs=` takes an int).")
    answer = int(answer)
    expected = _q3_solution(steps, n_examples, batch_size)
    if answer == expected:
        return
    if answer == steps:
        raise Incorrect(
            f"That treats one epoch as one step. One epoch is a pass over all {n_examples} examples, "
            f"in batches of {batch_size}: several steps."
        )
    if answer == math.ceil(steps / (n_examples // batch_size)) or answer == steps // (n_examples // batch_size):
        raise Incorrect(
            "The last, smaller batch of an epoch is an optimizer step too: steps per epoch is "
            "ceil(n_examples / batch_size), not n_examples // batch_size."
        )
    if answer == steps // math.ceil(n_examples / batch_size):
        raise Incorrect("Round up, not down: the answer must give *at least* the requested steps.")
    raise Incorrect(f"Expected {expected}: steps per epoch = ceil(n_examples / batch_size); epochs = ceil(steps / that).")


q3 = Exercise(
    "Exercise 3: how many epochs make 3000 steps?",
    _q3_check,
    "First the steps per epoch: `math.ceil(n_examples / batch_size)`. Then enough epochs to reach "
    "`steps`, rounding up. Compare with `course_utils.training.epochs_for_steps`.",
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: ctx["steps"], "one epoch as one step"),
        (lambda ctx: math.ceil(ctx["steps"] / (ctx["n_examples"] // ctx["batch_size"])), "smaller batch"),
        (lambda ctx: ctx["steps"] // math.ceil(ctx["n_examples"] / ctx["batch_size"]), "Round up"),
        (2.5, "whole number"),
    ],
)
