"""Timings that survive a busy machine: medians after a warm-up, two candidates in alternation.

- :func:`median_seconds` and :func:`time_ratio`: any piece of work; ``time_ratio(...,
  clock="cpu")`` compares the process's CPU time, which other programs on the machine
  do not inflate;
- :class:`StepTimer`: every training step of ``model.fit``;
- :func:`train_step_function` and :func:`time_train_step`: one compiled
  Adam + MSE training step.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 12_efficiency_and_scale.
"""

from __future__ import annotations

import statistics
import time

import keras
import numpy as np
import tensorflow as tf

from ..checks import positive_int
from ..errors import SettingError, SignalError
from ..settings import BATCH
from ..training import make_train_step

__all__ = ["median_seconds", "time_ratio", "StepTimer", "train_step_function", "time_train_step"]


def median_seconds(function, repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``function()`` over ``repeats`` runs, after ``warmup`` runs.

    The median ignores the odd slow run caused by another program on a
    shared machine; the warm-up pays one-off costs (tracing, allocation).

    Used in: course_utils internals (time_train_step times its steps with it).
    """
    repeats = positive_int(repeats, "repeats", "repeats=5")
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_ratio(
    reference, candidate, repeats: int = 7, warmup: int = 1, clock: str = "wall"
) -> float:
    """How many times longer ``candidate()`` takes than ``reference()``.

    Each round times one call of each, back to back. With ``clock="wall"`` the
    median of the per-round ratios of wall time is returned: a burst of load from
    another program slows both calls of a round alike, but a busy machine still
    moves it. With ``clock="cpu"`` each call is timed by this process's CPU time
    (``time.process_time``: the work of its own threads, not the time it waited
    for a core), and the ratio of the two *shortest* times is returned: waiting
    adds no CPU time and contention only ever adds some, so the shortest is the
    closest to the work itself. Use ``"cpu"`` for an assert that must hold on a
    shared machine. Below 1 means the candidate is faster.

    Used in: 12_efficiency_and_scale.
    """
    repeats = positive_int(repeats, "repeats", "repeats=5")
    if clock not in ("wall", "cpu"):
        raise SettingError(f"clock must be 'wall' or 'cpu'; got {clock!r}.")
    now = time.perf_counter if clock == "wall" else time.process_time
    for _ in range(warmup):
        reference()
        candidate()
    reference_times, candidate_times = [], []
    for _ in range(repeats):
        started = now()
        reference()
        middle = now()
        candidate()
        reference_times.append(max(middle - started, 1e-9))
        candidate_times.append(now() - middle)
    if clock == "cpu":
        return min(candidate_times) / min(reference_times)
    return statistics.median(c / r for c, r in zip(candidate_times, reference_times))


class StepTimer(keras.callbacks.Callback):
    """A Keras callback that times every training step of ``model.fit``.

    ``timer.seconds`` lists the wall time of each step; ``timer.median``
    is their median, skipping the first ``skip`` steps (tracing, warm-up).

    Used in: 12_efficiency_and_scale.
    """

    def __init__(self, skip: int = 5):
        super().__init__()
        self.skip = skip
        self.seconds = []
        self._started = None

    def on_train_batch_begin(self, batch, logs=None):
        self._started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.seconds.append(time.perf_counter() - self._started)

    @property
    def median(self) -> float:
        timed = self.seconds[self.skip :] or self.seconds
        if not timed:
            raise SignalError(
                "No training step was timed: pass the StepTimer to model.fit(callbacks=[...])."
            )
        return statistics.median(timed)


def train_step_function(model, frames, batch_size: int = BATCH, learning_rate: float = 1e-3):
    """A zero-argument callable that runs one compiled Adam + MSE step on a fixed batch.

    For timing: pass it to :func:`median_seconds` or :func:`time_ratio`. Each
    call trains ``model`` a little and waits for the step to finish.

    Used in: 12_efficiency_and_scale.
    """
    frames = np.asarray(frames, dtype=np.float32)
    if frames.ndim != 2 or len(frames) < batch_size:
        raise SignalError(
            f"frames must be 2-D with at least batch_size={batch_size} rows; got shape {frames.shape}."
        )
    batch = tf.constant(frames[:batch_size])
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    loss_function = keras.losses.MeanSquaredError()

    step = make_train_step(model, optimizer, loss_function)
    return lambda: step(batch, batch).numpy()


def time_train_step(
    model, frames, steps: int = 20, batch_size: int = BATCH, learning_rate: float = 1e-3
) -> float:
    """Median seconds of one compiled Adam + MSE training step on a batch of ``frames``.

    Trains ``model`` a little (``steps`` + 2 warm-up steps on the same batch).

    Used in: 12_efficiency_and_scale.
    """
    step = train_step_function(model, frames, batch_size=batch_size, learning_rate=learning_rate)
    return median_seconds(step, repeats=steps, warmup=2)
