"""Three ways to train an autoencoder, from the article's to the one to use.

1. :func:`article_training_loop`: the article's loop, unchanged: the whole
   clip as one batch, eager ``GradientTape``, a fixed number of epochs. Every
   step holds every activation of the clip in memory.
2. :func:`train_minibatch`: the same update in a compiled ``tf.function``
   step over shuffled mini-batches from ``tf.data``; memory stays flat as the
   clip grows.
3. :func:`fit_autoencoder`: Keras ``model.fit`` with a validation set, early
   stopping and a progress bar, sized in optimizer *steps*.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 03_building_the_autoencoder, 04_training, 05_evaluating, 06_troubleshooting,
07_compression, 07_going_further_codecs, 11_synthesis, 12_efficiency_and_scale, benchmarks/codec.py,
benchmarks/codes.py, benchmarks/trainers.py, scripts/make_weights.py.
"""

from __future__ import annotations

import math
import numbers

import keras
import numpy as np
import tensorflow as tf

from .checks import positive_int
from .errors import SettingError, SignalError
from .settings import BATCH

__all__ = [
    "article_training_loop",
    "make_frame_dataset",
    "make_train_step",
    "gradient_step",
    "train_minibatch",
    "fit_autoencoder",
    "epochs_for_steps",
    "gradient_norms",
]


#: Training data beyond this magnitude is refused: its squared errors overflow float32.
MAX_TRAINING_MAGNITUDE = 1e8


def _as_training_array(x, name: str = "training data") -> np.ndarray:
    from .audio import check_signal

    x = np.asarray(x)
    if x.ndim != 2:
        hint = (
            " Reshape a 1-D signal with x.reshape(-1, 1) (the article) or frame it."
            if x.ndim == 1
            else ""
        )
        raise SignalError(f"{name} must be 2-D (examples, features); got shape {x.shape}.{hint}")
    if len(x) == 0:
        raise SignalError(f"{name} has no examples.")
    check_signal(x.ravel(), name=name)
    peak = float(np.max(np.abs(x)))
    if peak > MAX_TRAINING_MAGNITUDE:
        raise SignalError(
            f"{name} holds values as large as {peak:.3g}; squared errors of that size overflow "
            "float32 and training ends in inf or NaN. The course's networks expect values of "
            "order 1: standardize first (fit_standardizer), or divide by the peak."
        )
    return x.astype(np.float32)


def _diverged(value: float, where: str, learning_rate, data: np.ndarray) -> SignalError:
    """The error when the loss became NaN or Inf, naming the likely cause: constant data or the learning rate."""
    rate = f"{learning_rate:g}" if isinstance(learning_rate, numbers.Real) else "a schedule"
    if data.size and float(np.ptp(data)) == 0.0:
        cause = (
            f"Every value of the data is {float(data.flat[0]):g}: constant data hold nothing to learn, "
            "and standardizing them divides by 0. Check that the frames come from the audio you meant "
            "(not silence or a constant)."
        )
    else:
        smaller = (
            f", e.g. to {learning_rate / 10:g}" if isinstance(learning_rate, numbers.Real) else ""
        )
        cause = (
            f"The likely cause is the learning_rate ({rate}): lower it{smaller}; and check that the "
            "data are standardized (fit_standardizer)."
        )
    return SignalError(
        f"Training diverged: the loss became {value} at {where} (learning_rate={rate}). {cause}"
    )


class _StopOnNonFinite(keras.callbacks.Callback):
    """Raise the course's error as soon as ``model.fit`` reports a NaN or infinite loss."""

    def __init__(self, learning_rate, data):
        super().__init__()
        self.learning_rate, self.data = learning_rate, data

    def on_epoch_end(self, epoch, logs=None):  # per epoch: a batch hook would slow every step down
        value = float((logs or {}).get("loss", 0.0))
        if not math.isfinite(value):
            raise _diverged(value, f"epoch {epoch + 1}", self.learning_rate, self.data)


def _check_learning_rate(learning_rate):
    """A positive finite number, or a Keras learning-rate schedule."""
    if isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        return learning_rate
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, numbers.Real)
        or not math.isfinite(learning_rate)
        or learning_rate <= 0
    ):
        raise SettingError(
            f"learning_rate must be a positive finite number; got {learning_rate!r}. "
            "Adam's usual value is 1e-3; try 1e-4 to 1e-2."
        )
    return float(learning_rate)


def _check_fits(model, inputs: np.ndarray, targets: np.ndarray, name: str) -> None:
    """The model takes rows of ``inputs`` and returns rows shaped like ``targets``, checked on one example.

    Without this, a model of another width either fails deep inside Keras or,
    worse, trains anyway because the loss broadcasts ``(n, 1)`` against ``(n, 3)``.
    """
    from .models import check_model_input

    check_model_input(model, inputs[:1], name=name)
    output_dim = getattr(model, "output_dim", None)
    if isinstance(output_dim, (int, np.integer)) and output_dim != targets.shape[1]:
        raise SignalError(
            f"The model's output has {output_dim} values per row but the targets have "
            f"{targets.shape[1]}, so the loss would broadcast one against the other and train "
            f"on nonsense. Build it with output_dim={targets.shape[1]}."
        )
    output_shape = tuple(model(tf.constant(inputs[:1]), training=False).shape)
    if output_shape[1:] != targets.shape[1:]:
        raise SignalError(
            f"The model turns a row of {inputs.shape[1]} values into output of shape "
            f"{output_shape[1:]}, but the targets' rows have shape {targets.shape[1:]}; the loss "
            "would broadcast one against the other. Make the output layer as wide as the targets."
        )


def article_training_loop(
    model, data, epochs: int = 1000, learning_rate: float = 0.001, log_every: int | None = 100
) -> list[float]:
    """Train exactly as the article does: full batch, eager GradientTape, fixed epochs.

    Returns the loss after each epoch, and prints ``epoch N: loss x`` every
    ``log_every`` epochs (``None``: never), as keras.io's training loops report
    progress. Kept for comparison; prefer :func:`train_minibatch` or
    :func:`fit_autoencoder`. Lesson 03 writes the same loop in a ``#@save`` cell
    (``tests/test_harvest.py`` checks they give the same losses and lines); this
    one also checks, unlike the article: ``epochs``, ``learning_rate`` and
    ``log_every``, the data, and that the model's input and output have the
    data's width. A loss that becomes NaN or Inf stops training with an error
    that says what to change.

    Used in: 03_building_the_autoencoder, 04_training, 12_efficiency_and_scale,
    benchmarks/trainers.py.
    """
    epochs = positive_int(epochs, "epochs", "epochs=100")
    learning_rate = _check_learning_rate(learning_rate)
    if log_every is not None:
        log_every = positive_int(log_every, "log_every", "log_every=100, or None to print nothing")
    array = _as_training_array(data)
    _check_fits(model, array, array, name="data")
    data = tf.constant(array)
    loss_function = keras.losses.MeanSquaredError()
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    losses = []
    for epoch in range(1, epochs + 1):
        with tf.GradientTape() as tape:
            encoded = model(data)
            if epoch == 1 and tuple(encoded.shape) != tuple(data.shape):
                raise SignalError(
                    f"The model returns output of shape {tuple(encoded.shape)} for data of shape "
                    f"{tuple(data.shape)}; the loss would broadcast one against the other. Make "
                    "the output layer as wide as the data."
                )
            loss = loss_function(data, encoded)
        value = float(loss)
        if not math.isfinite(value):
            raise _diverged(value, f"epoch {epoch}", learning_rate, array)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(value)
        if log_every and epoch % log_every == 0:
            print(f"epoch {epoch}: loss {value:.4f}")
    return losses


def make_frame_dataset(
    frames, batch_size: int = BATCH, shuffle: bool = True, seed: int = 0, targets=None
):
    """A ``tf.data.Dataset`` of ``(input, target)`` mini-batches (target = input by default).

    Shuffled with a fixed seed, reshuffled every epoch, batched, prefetched.

    Used in: 06_troubleshooting, 12_efficiency_and_scale.
    """
    batch_size = positive_int(batch_size, "batch_size", "batch_size=64")
    frames = _as_training_array(frames, "frames")
    targets = frames if targets is None else _as_training_array(targets, "targets")
    if len(targets) != len(frames):
        raise SignalError(f"{len(frames)} inputs but {len(targets)} targets; they must pair up.")
    dataset = tf.data.Dataset.from_tensor_slices((frames, targets))
    if shuffle:
        dataset = dataset.shuffle(len(frames), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def make_train_step(model, optimizer, loss_function):
    """One compiled optimizer step: ``step(x, y)`` updates ``model`` and returns the loss.

    The loss includes the model's weight penalties (``kernel_regularizer``),
    as ``model.fit`` does. Wrapped in ``tf.function``, so TensorFlow traces it
    once and then runs it as a graph, without Python's per-operation overhead.

    Used in: no notebook.
    """

    @tf.function
    def train_step(x, y):
        return gradient_step(model, optimizer, loss_function, x, y)

    return train_step


def gradient_step(model, optimizer, loss_function, x, y):
    """One optimizer step on ``(x, y)``, not compiled; returns the loss.

    The body every compiled step of the package shares (:func:`make_train_step`,
    :class:`course_utils.seeds.SeedRunner`). The loss includes the model's
    weight penalties (``kernel_regularizer``), as ``model.fit`` adds them.

    Used in: no notebook.
    """
    with tf.GradientTape() as tape:
        loss = loss_function(y, model(x, training=True))
        if model.losses:
            loss = loss + tf.add_n(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


def train_minibatch(
    model,
    frames,
    steps: int,
    batch_size: int = BATCH,
    learning_rate: float = 1e-3,
    validation=None,
    eval_every: int = 100,
    seed: int = 0,
    optimizer=None,
    loss="mse",
) -> dict:
    """Train with a compiled ``tf.function`` step on shuffled mini-batches.

    Returns a history dict: ``step`` (the optimizer step of each record),
    ``loss`` (mean training loss since the previous record, including any
    weight penalty such as L2) and, when ``validation`` frames are given,
    ``val_loss`` (the loss alone, without penalty, in inference mode).

    ``optimizer`` (a Keras optimizer object or name; default
    ``Adam(learning_rate)``) and ``loss`` (a Keras loss name or object;
    default ``"mse"``) let notebooks compare choices with the same loop.
    A loss that becomes NaN or infinite stops training with an error naming
    the likely cause (constant data, or the learning rate).

    Used in: 06_troubleshooting, benchmarks/trainers.py.
    """
    steps = positive_int(steps, "steps", "steps=2000")
    eval_every = positive_int(eval_every, "eval_every", "eval_every=100")
    batch_size = positive_int(batch_size, "batch_size", "batch_size=64")
    if optimizer is None or isinstance(optimizer, str):
        learning_rate = _check_learning_rate(learning_rate)
    array = _as_training_array(frames, "frames")
    _check_fits(model, array, array, "frames")
    if validation is not None:
        from .models import check_model_input

        validation = _as_training_array(validation, "validation")
        check_model_input(model, validation, name="validation")
    dataset = make_frame_dataset(array, batch_size=batch_size, seed=seed).repeat()
    loss_object = keras.losses.get(loss)

    def loss_function(y_true, y_pred):  # names give per-example losses; average them
        return tf.reduce_mean(loss_object(y_true, y_pred))

    if optimizer is None:
        optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    elif isinstance(optimizer, str):
        optimizer = keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": learning_rate}}
        )
    val = None if validation is None else tf.constant(validation)  # checked above, once

    train_step = make_train_step(model, optimizer, loss_function)

    history = {"step": [], "loss": []}
    if val is not None:
        history["val_loss"] = []
    running = []
    for step, (x, y) in enumerate(dataset.take(steps), start=1):
        running.append(float(train_step(x, y)))
        if not math.isfinite(running[-1]):
            raise _diverged(running[-1], f"step {step}", learning_rate, array)
        if step % eval_every == 0 or step == steps:
            history["step"].append(step)
            history["loss"].append(float(np.mean(running)))
            running = []
            if val is not None:
                history["val_loss"].append(float(loss_function(val, model(val, training=False))))
    return history


def epochs_for_steps(steps: int, n_examples: int, batch_size: int) -> int:
    """How many epochs give at least ``steps`` optimizer steps.

    One epoch is ``ceil(n_examples / batch_size)`` steps: 10 epochs on 100
    frames and 10 epochs on 100,000 frames are very different amounts of training.

    Used in: 04_training, 11_synthesis.
    """
    steps_per_epoch = math.ceil(n_examples / batch_size)
    return max(1, math.ceil(steps / steps_per_epoch))


def fit_autoencoder(
    model,
    train_frames,
    validation_frames=None,
    steps: int = 2000,
    batch_size: int = BATCH,
    learning_rate: float = 1e-3,
    patience: int | None = None,
    verbose: int = 0,
    callbacks=(),
    seed: int = 0,
    progress: bool | None = None,
):
    """Compile and train with ``model.fit``, sized in optimizer steps.

    Adam and MSE; with ``validation_frames`` and ``patience``, early stopping
    on the validation loss restores the best weights. A loss that becomes NaN
    or infinite stops training with an error naming the likely cause. Returns the Keras
    ``History``; ``history.history["step"]`` holds the step count at the
    end of each epoch. ``progress``: show a line that moves while it trains
    (:class:`course_utils.monitor.TrainingProgress`); ``None``, the default,
    shows it in a notebook and not elsewhere, ``False`` never.

    Used in: 03_building_the_autoencoder, 04_training, 05_evaluating, 07_compression,
    07_going_further_codecs, 11_synthesis, 12_efficiency_and_scale, benchmarks/codec.py,
    benchmarks/codes.py, scripts/make_weights.py.
    """
    steps = positive_int(steps, "steps", "steps=2000")
    batch_size = positive_int(batch_size, "batch_size", "batch_size=64")
    learning_rate = _check_learning_rate(learning_rate)
    train_frames = _as_training_array(train_frames, "train_frames")
    validation = None
    if validation_frames is not None:
        validation_frames = _as_training_array(validation_frames, "validation_frames")
        validation = (validation_frames, validation_frames)
    _check_fits(model, train_frames, train_frames, "train_frames")  # the width, checked once
    if validation is not None:
        _check_fits(model, validation_frames, validation_frames, "validation_frames")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    epochs = epochs_for_steps(steps, len(train_frames), batch_size)
    callback_list = list(callbacks) + [_StopOnNonFinite(learning_rate, train_frames)]
    if patience is not None and validation is not None:
        callback_list.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=patience, restore_best_weights=True
            )
        )
    if progress or (progress is None and not verbose):  # verbose: Keras's own bar instead
        from .monitor import TrainingProgress

        bar = TrainingProgress(epochs * math.ceil(len(train_frames) / batch_size), show=progress)
        if bar.show:
            callback_list.append(bar)
    dataset = make_frame_dataset(train_frames, batch_size=batch_size, seed=seed)
    history = model.fit(
        dataset,
        validation_data=validation,
        epochs=epochs,
        verbose=verbose,
        callbacks=callback_list,
        shuffle=False,  # tf.data already shuffles, with a seed
    )
    steps_per_epoch = math.ceil(len(train_frames) / batch_size)
    history.history["step"] = [
        steps_per_epoch * (i + 1) for i in range(len(history.history["loss"]))
    ]
    return history


def gradient_norms(model, frames, targets=None, loss="mse", training: bool = True) -> dict:
    """The norm of the loss gradient for every layer's weight matrix, on one batch.

    Returns ``{layer name: norm}`` from the input side to the output side.
    Gradients that shrink layer after layer towards the input are
    *vanishing*; gradients that grow are *exploding*. ``training=True`` runs
    dropout and batch normalization as they run during training.

    Used in: 06_troubleshooting.
    """
    from .diagrams import _leaves  # the package's one walk over a model's layers

    x = tf.constant(_as_training_array(frames, "frames"))
    y = x if targets is None else tf.constant(_as_training_array(targets, "targets"))
    kernels = [
        (layer.name, layer.kernel)
        for layer in _leaves(model)
        if getattr(layer, "kernel", None) is not None and layer.trainable
    ]
    if not kernels:
        raise SignalError(f"Model '{model.name}' has no layers with a weight matrix (kernel).")
    loss_object = keras.losses.get(loss)
    with tf.GradientTape() as tape:
        value = tf.reduce_mean(loss_object(y, model(x, training=training)))
    grads = tape.gradient(value, [kernel for _, kernel in kernels])
    return {name: float(tf.norm(grad)) for (name, _), grad in zip(kernels, grads)}
