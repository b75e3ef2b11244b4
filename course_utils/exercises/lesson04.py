"""Exercises for 04_training: full-batch memory, steps and epochs, early stopping (read and written).

``train_loop`` checks the mini-batch training loop the learner writes in section 5.

Used in: 04_training.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..checks import is_close, is_number, is_whole_number
from ..i18n import N_, tr
from ..settings import BATCH
from ._core import Exercise, Incorrect, _mistaken_training

__all__ = ["q1", "q2", "q3", "q4", "train_loop"]


# --- q1: what the article's full batch holds in memory -----------------------------------------


def _q1_context():
    return {"seconds": 30.0, "sample_rate": 22050, "hidden_size": 100}


def _q1_solution(seconds, sample_rate, hidden_size):
    samples = seconds * sample_rate  # the article's batch: every sample of the clip
    bytes_per_float = 4  # float32
    return samples * hidden_size * bytes_per_float / 1e6  # megabytes


def _q1_check(answer, seconds, sample_rate, hidden_size):
    if not is_number(answer):
        raise Incorrect(tr("Give one number, in megabytes."))
    if is_close(answer, _q1_solution(seconds, sample_rate, hidden_size), rel=1e-3):
        return
    samples = seconds * sample_rate
    if is_close(answer, samples * hidden_size / 1e6, rel=1e-3):
        raise Incorrect(tr("Your number counts values, but the question asks for bytes."))
    if is_close(answer, samples * 4 / 1e6, rel=1e-3):
        raise Incorrect(
            tr(
                "That is the size of the clip alone; the question is about the hidden layer's output."
            )
        )
    if is_close(answer, samples * hidden_size * 32 / 1e6, rel=1e-3):
        raise Incorrect(tr("That counts bits, not bytes."))
    if is_close(answer, samples * hidden_size * 4 / 2**20, rel=1e-3):
        raise Incorrect(tr("That is in MiB (2**20 bytes); the course's MB is 10**6 bytes."))
    raise Incorrect(tr("That is not the size of the hidden layer's output in one full batch."))


q1 = Exercise(
    N_("Exercise 1: the memory of one activation"),
    _q1_check,
    [
        N_(
            "In one full batch, how many rows does the hidden layer's output have, and how many numbers "
            "are in each row?"
        ),
        N_("Each of those numbers is a float32. How many bytes does one take?"),
        N_("Multiply the three, then convert bytes to MB (1 MB = 10⁶ bytes)."),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (
            lambda ctx: ctx["seconds"] * ctx["sample_rate"] * ctx["hidden_size"] / 1e6,
            "asks for bytes",
        ),
        (lambda ctx: ctx["seconds"] * ctx["sample_rate"] * 4 / 1e6, "clip alone"),
        (
            lambda ctx: ctx["seconds"] * ctx["sample_rate"] * ctx["hidden_size"] * 32 / 1e6,
            "counts bits",
        ),
        (lambda ctx: ctx["seconds"] * ctx["sample_rate"] * ctx["hidden_size"] * 4 / 2**20, "MiB"),
        (12.5, "in one full batch"),
        ("88", "one number"),
    ],
)


# --- q2: steps, not epochs ----------------------------------------------------------------------


def _q2_context():
    return {"steps": 3000, "n_examples": 1000, "batch_size": 64}


def _q2_solution(steps, n_examples, batch_size):
    steps_per_epoch = math.ceil(n_examples / batch_size)  # the last, smaller batch is a step too
    return math.ceil(steps / steps_per_epoch)  # round up: never fewer steps than asked


def _q2_check(answer, steps, n_examples, batch_size):
    if not is_whole_number(answer):
        raise Incorrect(tr("Give a whole number of epochs (Keras' `epochs=` takes an int)."))
    answer = int(answer)
    if answer == _q2_solution(steps, n_examples, batch_size):
        return
    if answer == steps:
        raise Incorrect(
            tr("That treats one epoch as one optimizer step; here an epoch holds several steps.")
        )
    full_batches = n_examples // batch_size
    if answer in (math.ceil(steps / full_batches), steps // full_batches):
        raise Incorrect(
            tr("Your count of steps per epoch misses the last, smaller batch of each epoch.")
        )
    if answer * math.ceil(n_examples / batch_size) < steps:
        raise Incorrect(
            tr("With {answer} epochs, training falls short of the {steps} steps asked for.").format(
                answer=answer, steps=steps
            )
        )
    raise Incorrect(tr("That is not the number of epochs that gives at least those steps."))


q2 = Exercise(
    N_("Exercise 2: how many epochs make 3000 steps?"),
    _q2_check,
    [
        N_(
            "First: how many optimizer steps does one pass over the 1000 frames take, in batches of 64? "
            "Look closely at the last batch."
        ),
        N_(
            "Then: how many such passes reach *at least* 3000 steps? Round in the direction that never "
            "falls short."
        ),
        N_(
            "`math.ceil` does both roundings; `course_utils.training.epochs_for_steps` answers the same "
            "question, so you can compare."
        ),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (lambda ctx: ctx["steps"], "one optimizer step"),
        (
            lambda ctx: math.ceil(ctx["steps"] / (ctx["n_examples"] // ctx["batch_size"])),
            "smaller batch",
        ),
        (
            lambda ctx: ctx["steps"] // math.ceil(ctx["n_examples"] / ctx["batch_size"]),
            "falls short",
        ),
        (2.5, "whole number"),
        (1000, "at least those steps"),
    ],
)


# --- q3: when does early stopping stop? ---------------------------------------------------------


def _q3_context():
    return {
        "val_losses": [0.90, 0.61, 0.48, 0.44, 0.45, 0.43, 0.46, 0.47, 0.45, 0.49, 0.52, 0.41],
        "patience": 3,
    }


def _q3_solution(val_losses, patience):
    best_epoch, best = 1, val_losses[0]
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best_epoch, best = epoch, loss
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch  # stops here and restores the best epoch's weights
    return len(val_losses), best_epoch


def _q3_check(answer, val_losses, patience):
    if (
        not isinstance(answer, tuple)
        or len(answer) != 2
        or not all(is_whole_number(a) for a in answer)
    ):
        raise Incorrect(
            tr("Give a pair of epoch numbers, counting from 1: `(last_epoch_run, restored_epoch)`.")
        )
    expected = _q3_solution(val_losses, patience)
    stop, best = (int(a) for a in answer)
    if (stop, best) == expected:
        return
    if (stop, best) == tuple(e - 1 for e in expected):
        raise Incorrect(tr("Count epochs from 1, as Keras' progress bar does (`Epoch 1/...`)."))
    if stop == expected[0] and best == stop:
        raise Incorrect(
            tr(
                "With `restore_best_weights=True` the model does not keep the weights of the last "
                "epoch it ran."
            )
        )
    if best > expected[0]:
        raise Incorrect(
            tr("Training never reaches the epoch you restored: early stopping ends it first.")
        )
    if abs(stop - expected[0]) == 1:
        raise Incorrect(tr("Your stopping epoch is one off."))
    raise Incorrect(tr("Those are not the epochs early stopping gives for these losses."))


q3 = Exercise(
    N_("Exercise 3: when does early stopping stop?"),
    _q3_check,
    [
        N_("Walk through the list in order, keeping the best (lowest) loss so far and its epoch."),
        N_(
            "Count the epochs since the last *strictly* lower loss; training stops at the end of the "
            "epoch where that count reaches `patience`."
        ),
        N_(
            "The restored weights are those of the best epoch seen before the stop, not of the best "
            "value in the whole list."
        ),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        (lambda ctx: tuple(e - 1 for e in _q3_solution(**ctx)), "from 1"),
        (lambda ctx: (_q3_solution(**ctx)[0], _q3_solution(**ctx)[0]), "last epoch"),
        (
            lambda ctx: (len(ctx["val_losses"]), int(np.argmin(ctx["val_losses"])) + 1),
            "never reaches",
        ),
        (lambda ctx: (_q3_solution(**ctx)[0] + 1, _q3_solution(**ctx)[1]), "one off"),
        (7, "pair"),
    ],
)


# --- q4: add early stopping to a training loop (open: the learner writes the function) ----------

#: The checker's small problem: 8 training frames and 64 validation frames of 32 samples, a
#: 32 -> 32 -> 8 -> 32 -> 32 model, 5 Adam steps (learning rate 3e-3) per epoch. Measured: the
#: validation loss falls for 4 epochs, then rises as the model memorises its 8 frames.
_Q4_SIZES = {"frame": 32, "hidden": 32, "code": 8, "n_train": 8, "n_val": 64, "steps_per_epoch": 5}


def _q4_problem(seed: int = 0):
    """A tiny autoencoder, a ``train_epoch(model)`` that records what it did, and validation frames."""
    import keras
    import tensorflow as tf

    from ..models import build_dense_autoencoder

    sizes = _Q4_SIZES
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((3, sizes["frame"]))

    def frames(n):  # a little structure (3 directions) under as much noise
        return (
            rng.standard_normal((n, 3)) @ basis / 2 + rng.standard_normal((n, sizes["frame"]))
        ).astype(np.float32)

    train, val = tf.constant(frames(sizes["n_train"])), frames(sizes["n_val"])
    keras.utils.set_random_seed(seed)
    model, _, _ = build_dense_autoencoder(
        sizes["frame"], sizes["code"], hidden_sizes=(sizes["hidden"],)
    )
    optimizer = keras.optimizers.Adam(learning_rate=3e-3)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(train - model(train, training=True)))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    record = {"weights": [], "val_losses": []}

    def train_epoch(trained_model):
        if trained_model is not model:
            raise Incorrect(tr("Pass `train_epoch` the model your function was given."))
        for _ in range(sizes["steps_per_epoch"]):
            step()
        record["weights"].append([w.copy() for w in model.get_weights()])
        record["val_losses"].append(_mse(model, val))

    return model, train_epoch, val, record


def _mse(model, frames) -> float:
    output = np.asarray(model(frames, training=False), dtype=np.float64)
    return float(np.mean((frames.astype(np.float64) - output) ** 2))


def _same_weights(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def _q4_context():
    return {"patience": 3, "max_epochs": 30}


def _q4_solution(**_context):
    def fit_with_early_stopping(model, train_epoch, val_frames, patience, max_epochs):
        val_losses, best_weights, waited = [], None, 0
        for _ in range(max_epochs):
            train_epoch(model)  # one pass over the training frames
            output = model(val_frames, training=False).numpy()
            val_losses.append(float(np.mean((val_frames - output) ** 2)))
            if val_losses[-1] < min(val_losses[:-1], default=np.inf):  # a new best
                best_weights, waited = model.get_weights(), 0  # get_weights() copies
            else:
                waited += 1
                if waited >= patience:
                    break
        model.set_weights(best_weights)
        return val_losses

    return fit_with_early_stopping


def _q4_check(answer, patience=3, max_epochs=30):
    if not callable(answer):
        raise Incorrect(
            tr("Give the function itself, `fit_with_early_stopping`, without calling it.")
        )
    model, train_epoch, val_frames, record = _q4_problem()
    try:
        returned = answer(model, train_epoch, val_frames, patience=patience, max_epochs=max_epochs)
    except Incorrect:
        raise
    except Exception as problem:  # the learner's code failed: say where, in one line
        raise Incorrect(
            tr("Your function raised {kind}: {problem}").format(
                kind=type(problem).__name__, problem=problem
            )
        ) from None
    ran = len(record["val_losses"])
    if ran == 0:
        raise Incorrect(
            tr(
                "Your function trained no epoch: write its body (call `train_epoch(model)` once per "
                "epoch), then run the cell again."
            )
        )
    try:
        losses = [float(v) for v in returned]
    except (TypeError, ValueError):
        raise Incorrect(tr("Return the list of validation losses, one number per epoch.")) from None
    if len(losses) != ran:
        raise Incorrect(
            tr(
                "Your function trained {ran} epochs but returned {len_losses} validation losses; "
                "return one per epoch."
            ).format(ran=ran, len_losses=len(losses))
        )
    measured = record["val_losses"]
    if not all(is_close(mine, theirs, rel=1e-3) for mine, theirs in zip(losses, measured)):
        raise Incorrect(
            tr(
                "Your validation losses differ from the model's mean squared error on `val_frames` "
                "after each epoch."
            )
        )
    best = int(np.argmin(measured)) + 1
    expected_stop = min(best + patience, max_epochs)
    if ran == max_epochs and expected_stop < max_epochs:
        raise Incorrect(
            tr(
                "Training ran all {max_epochs} epochs: it did not stop, although the validation loss "
                "stopped improving at epoch {best}."
            ).format(max_epochs=max_epochs, best=best)
        )
    if ran != expected_stop:
        raise Incorrect(
            tr(
                "Your loop stopped {ran_best} epochs after its best epoch, but `patience` is "
                "{patience}."
            ).format(ran_best=ran - best, patience=patience)
        )
    final = model.get_weights()
    if _same_weights(final, record["weights"][best - 1]):
        return
    if _same_weights(final, record["weights"][-1]):
        raise Incorrect(
            tr(
                "The model ends with the weights of the last epoch it ran, not those of its best "
                "epoch."
            )
        )
    raise Incorrect(tr("The model ends with weights that match none of its epochs."))


def _q4_no_stopping(ctx):
    def fit_with_early_stopping(model, train_epoch, val_frames, patience, max_epochs):
        losses = []
        for _ in range(max_epochs):
            train_epoch(model)
            losses.append(_mse(model, val_frames))
        return losses

    return fit_with_early_stopping


def _q4_no_restore(keep_references: bool):
    def wrong(ctx):
        def fit_with_early_stopping(model, train_epoch, val_frames, patience, max_epochs):
            losses, best, waited = [], None, 0
            for _ in range(max_epochs):
                train_epoch(model)
                losses.append(_mse(model, val_frames))
                if losses[-1] <= min(losses):
                    best = model.weights if keep_references else None  # references, not copies
                    waited = 0
                else:
                    waited += 1
                    if waited >= patience:
                        break
            if best is not None:
                model.set_weights([w.numpy() for w in best])
            return losses

        return fit_with_early_stopping

    return wrong


def _q4_one_late(ctx):
    def fit_with_early_stopping(model, train_epoch, val_frames, patience, max_epochs):
        losses, best, waited = [], None, 0
        for _ in range(max_epochs):
            train_epoch(model)
            losses.append(_mse(model, val_frames))
            if losses[-1] <= min(losses):
                best, waited = model.get_weights(), 0
            else:
                waited += 1
                if waited > patience:  # one epoch too many
                    break
        model.set_weights(best)
        return losses

    return fit_with_early_stopping


def _q4_stub(ctx):
    def fit_with_early_stopping(model, train_epoch, val_frames, patience, max_epochs):
        val_losses = []
        return val_losses

    return fit_with_early_stopping


q4 = Exercise(
    N_("Exercise 4: add early stopping"),
    _q4_check,
    [
        N_(
            "After each call to `train_epoch(model)`, measure the model's mean squared error on "
            "`val_frames` (with `training=False`) and append it to the list you return."
        ),
        N_(
            "Remember the best loss so far, the weights that gave it, and how many epochs have passed "
            "without a strictly lower loss. What should happen when that count reaches `patience`?"
        ),
        N_(
            "`model.get_weights()` returns copies of the weights, `model.set_weights(...)` puts them "
            "back; `model.weights` would only be references to weights that keep changing."
        ),
    ],
    _q4_solution,
    context=_q4_context,
    wrong_answers=[
        (_q4_no_stopping, "did not stop"),
        (_q4_no_restore(keep_references=False), "last epoch"),
        (_q4_no_restore(keep_references=True), "last epoch"),
        (_q4_one_late, "after its best epoch"),
        (_q4_stub, "trained no epoch"),
        ("fit_with_early_stopping", "function itself"),
    ],
)


# --- train_loop: the learner's mini-batch training loop (section 5) ------------------------------


def _train_solution():
    import keras
    import tensorflow as tf

    def make_dataset(frames, batch_size, seed):
        dataset = tf.data.Dataset.from_tensor_slices(frames)
        dataset = dataset.shuffle(len(frames), seed=seed).repeat()
        return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)

    def train(model, frames, steps, batch_size=BATCH, learning_rate=1e-3, seed=0):
        optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
        loss_fn = keras.losses.MeanSquaredError()

        @tf.function
        def train_step(x):
            with tf.GradientTape() as tape:
                loss = loss_fn(x, model(x, training=True))  # the target is the input
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        losses = []
        for x in make_dataset(frames, batch_size, seed).take(steps):
            losses.append(float(train_step(x)))
        return losses

    return train


#: The small run the check makes: frames, a model, and arguments the learner must pass on.
TRAIN_CASE = {"frame_length": 16, "code_size": 4, "hidden": 8, "rows": 40, "steps": 6,
              "batch_size": 8, "learning_rate": 0.01, "seed": 3}  # fmt: skip


def _train_model():
    import keras

    from course_utils.models import build_dense_autoencoder

    keras.utils.set_random_seed(0)
    case = TRAIN_CASE
    model, _, _ = build_dense_autoencoder(
        case["frame_length"], case["code_size"], hidden_sizes=(case["hidden"],)
    )
    return model


def _train_frames():
    case = TRAIN_CASE
    rng = np.random.default_rng(0)
    return rng.normal(size=(case["rows"], case["frame_length"])).astype(np.float32)


@functools.lru_cache(maxsize=1)
def _train_reference():
    """The course loop's losses on the check's small run, and the first batch's MSE and MAE.

    Computed once: TensorFlow's graph and data pipeline are not interrupted by the check's
    time limit, so only the learner's own call runs under it after the first check.
    """
    import tensorflow as tf

    case = TRAIN_CASE
    frames = _train_frames()
    arguments = {key: case[key] for key in ("steps", "batch_size", "learning_rate", "seed")}
    wanted = tuple(_train_solution()(_train_model(), frames, **arguments))
    first_batch = next(
        iter(
            tf.data.Dataset.from_tensor_slices(frames)
            .shuffle(len(frames), seed=case["seed"])
            .batch(case["batch_size"])
        )
    ).numpy()
    start = np.asarray(_train_model()(first_batch))
    first_mse = float(np.mean((start - first_batch) ** 2))
    first_mae = float(np.mean(np.abs(start - first_batch)))
    return wanted, first_mse, first_mae


def _train_check(answer):
    if not callable(answer) or hasattr(answer, "layers"):
        raise Incorrect(tr("Pass your function itself, `train`, without calling it."))
    case = TRAIN_CASE
    frames = _train_frames()
    arguments = {key: case[key] for key in ("steps", "batch_size", "learning_rate", "seed")}
    wanted, first_mse, first_mae = _train_reference()
    model = _train_model()
    before = [np.array(w) for w in model.get_weights()]
    try:
        losses = answer(model, frames, **arguments)
    except Incorrect:
        raise
    except ValueError as problem:
        if "No gradients" in str(problem):
            raise Incorrect(
                tr(
                    "No gradients reached the optimizer: the forward pass (the model on the batch "
                    "and the loss) must run inside `with tf.GradientTape() as tape:`, so that the "
                    "tape records it."
                )
            ) from None
        raise
    if losses is None:
        raise Incorrect(
            tr("Your `train` returns None: collect the loss of every step in a list and return it.")
        )
    try:
        losses = [float(value) for value in losses]
    except (TypeError, ValueError):
        raise Incorrect(
            tr("Your `train` should return a list of numbers, one loss per step.")
        ) from None
    if all(np.array_equal(old, new) for old, new in zip(before, model.get_weights())):
        raise Incorrect(
            tr(
                "After training, the model's weights have not changed: `train_step` computes the "
                "gradients but never applies them (`optimizer.apply_gradients`)."
            )
        )
    if len(losses) != case["steps"]:
        raise Incorrect(
            tr(
                "For steps={steps} your `train` returned {count} losses; it should make exactly "
                "`steps` optimizer steps (`.take(steps)` on the dataset) and record each one's loss."
            ).format(steps=case["steps"], count=len(losses))
        )
    if not all(np.isfinite(losses)):
        raise Incorrect(tr("Your losses hold NaN or infinite values."))
    if np.isclose(losses[0], first_mae, rtol=1e-4) and not np.isclose(first_mae, first_mse):
        raise Incorrect(
            tr(
                "Your first loss is the mean absolute error; the course trains on the mean squared "
                "error, `keras.losses.MeanSquaredError()`."
            )
        )
    if not np.isclose(losses[0], first_mse, rtol=1e-4):
        raise Incorrect(
            tr(
                "Your first loss is not the MSE of the model on the first batch of "
                "`make_dataset(frames, batch_size, seed)`: take the batches from `make_dataset`, "
                "with the arguments `train` receives, and use each batch as its own target."
            )
        )
    if not np.allclose(losses, wanted, rtol=1e-3):
        raise Incorrect(
            tr(
                "Your first loss is right, the later ones differ from Adam's steps at "
                "learning_rate={learning_rate}: create one `keras.optimizers.Adam` with the given "
                "`learning_rate`, before the loop, and apply every step with it."
            ).format(learning_rate=case["learning_rate"])
        )


def _wrong_train(apply=True, record="each", tape="inside", loss="mse", fixed_rate=None,
                 returns=True, shuffle=True):  # fmt: skip
    """A `train` with one typical mistake, for the tests (eager, without tf.function)."""
    import tensorflow as tf

    def train(model, frames, steps, batch_size=BATCH, learning_rate=1e-3, seed=0):
        dataset = tf.data.Dataset.from_tensor_slices(frames)
        if shuffle:
            dataset = dataset.shuffle(len(frames), seed=seed)
        return _mistaken_training(
            model, dataset.repeat().batch(batch_size).take(steps), loss,
            learning_rate if fixed_rate is None else fixed_rate, training=True,
            apply=apply, record=record, tape=tape, returns=returns,
        )  # fmt: skip

    return train


train_loop = Exercise(
    N_("Your training loop"),
    _train_check,
    [
        N_(
            "Before the loop: one Adam optimizer with the given `learning_rate` and one MSE loss "
            "function. They must exist once, not once per step."
        ),
        N_(
            "`train_step(x)`: inside a `tf.GradientTape()` block, run the model on `x` and compute "
            "the loss against `x` itself; then get the gradients for `model.trainable_variables` "
            "from the tape and apply them with the optimizer; return the loss."
        ),
        N_(
            "The loop: `make_dataset(frames, batch_size, seed).take(steps)` gives exactly `steps` "
            "batches; call `train_step` on each and append its loss as a Python float."
        ),
        N_("Still stuck? `exercises.train_loop.solution()` shows the course's loop."),
    ],
    _train_solution,
    solution_name="make_train",
    wrong_answers=[
        (lambda ctx: _wrong_train(apply=False), "never applies them"),
        (lambda ctx: _wrong_train(record="last"), "returned 1 losses"),
        (lambda ctx: _wrong_train(tape="outside"), "GradientTape"),
        (lambda ctx: _wrong_train(loss="mae"), "mean absolute error"),
        (lambda ctx: _wrong_train(fixed_rate=0.001), "learning_rate=0.01"),
        (lambda ctx: _wrong_train(shuffle=False), "make_dataset(frames, batch_size, seed)"),
        (lambda ctx: _wrong_train(returns=False), "returns None"),
        (
            lambda ctx: _train_solution()(_train_model(), _train_frames(), steps=2),
            "without calling",
        ),
    ],
)
