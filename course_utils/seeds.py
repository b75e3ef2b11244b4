"""Run a comparison over several seeds and report the mean and the spread.

One training run is one draw: another random initialization and another order of the
mini-batches move the result. A claim "A beats B" is only worth making when the gap
between the means is larger than the runs' own spread. This module:

- :class:`SeedRunner` trains one architecture from several seeds quickly: the
  training loop is traced once (``tf.function``) and each seed only re-initializes the
  weights and the optimizer, so three seeds cost little more than one;
- :func:`mean_and_spread`, :func:`verdict` and :func:`spread_table` summarize the runs.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 06_troubleshooting, 09_anomaly_detection.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from .checks import as_float_array, positive_int
from .errors import SignalError
from .settings import SEEDS
from .training import gradient_step

__all__ = ["SEEDS", "SeedRunner", "mean_and_spread", "verdict", "spread_table"]


def mean_and_spread(values) -> tuple[float, float]:
    """``(mean, spread)`` of the results of several runs; the spread is the sample standard deviation.

    >>> mean_and_spread([1.0, 2.0, 3.0])
    (2.0, 1.0)

    Used in: 06_troubleshooting.
    """
    array = np.asarray(values, dtype=float).ravel()
    if array.size < 2:
        raise SignalError(
            f"A spread needs at least two runs; got {array.size}. Run the comparison over several seeds, "
            "for example seeds=(0, 1, 2)."
        )
    if not np.all(np.isfinite(array)):
        raise SignalError(
            f"The runs contain NaN or infinite results ({array.tolist()}); check for a diverged run."
        )
    return float(array.mean()), float(array.std(ddof=1))


def verdict(a, b, names=("A", "B"), higher_is_better: bool = True) -> str:
    """Which of two settings is better over seeds, or ``"tie"``.

    ``a`` and ``b`` hold one result per seed. A setting wins only when the gap between
    the means is larger than the sum of the two spreads (the mean +- spread intervals do
    not overlap); otherwise the runs cannot tell them apart and the answer is ``"tie"``.

    >>> verdict([10.0, 10.2, 10.1], [8.0, 8.1, 7.9], names=("Adam", "SGD"))
    'Adam'
    >>> verdict([10.0, 11.0, 9.0], [10.5, 9.5, 10.2])
    'tie'

    Used in: 06_troubleshooting, 09_anomaly_detection.
    """
    (mean_a, spread_a), (mean_b, spread_b) = mean_and_spread(a), mean_and_spread(b)
    gap = (mean_a - mean_b) if higher_is_better else (mean_b - mean_a)
    if abs(gap) <= spread_a + spread_b:
        return "tie"
    return names[0] if gap > 0 else names[1]


def spread_table(results: dict, unit: str = "", digits: int = 2) -> str:
    """A printable table: one row per setting with its mean +- spread over seeds.

    ``results`` maps a setting's name to its results, one per seed.

    Used in: 06_troubleshooting.
    """
    if not results:
        raise SignalError(
            "spread_table needs at least one setting, e.g. {'good fit': [0.3, 0.31, 0.29]}."
        )
    width = max(len(str(name)) for name in results)
    lines = [
        f"{'setting':{width}s}  {'mean':>8s}   {'spread':>7s}  (over {len(next(iter(results.values())))} seeds)"
    ]
    for name, values in results.items():
        mean, spread = mean_and_spread(values)
        lines.append(
            f"{str(name):{width}s}  {mean:8.{digits}f} ± {spread:7.{digits}f} {unit}".rstrip()
        )
    return "\n".join(lines)


class SeedRunner:
    """Train one model architecture from several seeds, tracing the training loop only once.

    ``build()`` returns a fresh, untrained Keras model (e.g. ``lambda:
    models.build_dense_autoencoder(256, 32, hidden_sizes=(256,))[0]``). The runner
    builds it once and compiles one training loop for it (``tf.function``, mini-batches
    of ``batch_size``, the model's weight penalties added to the loss, as in
    ``training.train_minibatch``). :meth:`train` then, for each seed, copies freshly
    initialized weights into that model, resets the optimizer and trains: the same
    update as ``train_minibatch``, without paying the tracing again.

    ``optimizer`` is a function returning a Keras optimizer (default: Adam); its
    learning rate is set by :meth:`train`. ``loss`` is a Keras loss name (``"mse"``,
    ``"mae"``).

    The model returned by :meth:`train` is the runner's one model: the next call
    overwrites its weights. Measure what you need before training the next seed.

    Used in: 06_troubleshooting.
    """

    def __init__(self, build, loss: str = "mse", optimizer=None, batch_size: int = 32):
        self.build = build
        self.batch_size = positive_int(batch_size, "batch_size", "batch_size=32")
        keras.utils.set_random_seed(0)
        self.model = build()
        if not isinstance(self.model, keras.Model):
            raise SignalError(
                f"build() must return a keras.Model; it returned {type(self.model).__name__}."
            )
        self.optimizer = (optimizer or (lambda: keras.optimizers.Adam(learning_rate=1e-3)))()
        self.optimizer.build(self.model.trainable_variables)
        self._optimizer_start = [variable.numpy() for variable in self.optimizer.variables]
        loss_object = keras.losses.get(loss)
        self.loss_function = lambda y, y_hat: tf.reduce_mean(loss_object(y, y_hat))
        model, optimizer, loss_function = self.model, self.optimizer, self.loss_function

        @tf.function(reduce_retracing=True)
        def run_steps(batches):
            total = tf.constant(0.0)
            for index in tf.range(tf.shape(batches)[0]):
                x = batches[index]
                total += gradient_step(model, optimizer, loss_function, x, x)
            return total / tf.cast(tf.shape(batches)[0], tf.float32)

        self._run_steps = run_steps

    def _batches(self, frames: np.ndarray, steps: int, seed: int) -> np.ndarray:
        """The mini-batches of ``steps`` steps: shuffled epochs of ``frames``, reshuffled each epoch."""
        rng = np.random.default_rng(seed)
        needed = steps * self.batch_size
        epochs = -(-needed // len(frames))
        order = np.concatenate([rng.permutation(len(frames)) for _ in range(epochs)])[:needed]
        return frames[order].reshape(steps, self.batch_size, *frames.shape[1:])

    def train(
        self,
        frames,
        seed: int,
        steps: int,
        learning_rate: float = 1e-3,
        validation=None,
        eval_every: int | None = None,
    ):
        """Train from seed ``seed``; return ``(model, history)``.

        ``history`` holds ``step`` and ``loss`` (mean training loss since the previous
        record) and, with ``validation`` frames, ``val_loss`` (the loss alone, in
        inference mode). Records are taken every ``eval_every`` steps (default: once,
        at the end).
        """
        steps = positive_int(steps, "steps", "steps=300")
        eval_every = (
            steps if eval_every is None else positive_int(eval_every, "eval_every", "eval_every=50")
        )
        frames = as_float_array(frames, "frames", ndim=2)
        if len(frames) == 0:
            raise SignalError("frames is empty: give at least one training frame.")
        if validation is not None:
            validation = tf.constant(as_float_array(validation, "validation", ndim=2))
        keras.utils.set_random_seed(seed)
        self.model.set_weights(self.build().get_weights())
        for variable, start in zip(self.optimizer.variables, self._optimizer_start):
            variable.assign(start)
        self.optimizer.learning_rate = learning_rate
        batches = self._batches(frames, steps, seed)
        history = {"step": [], "loss": []}
        if validation is not None:
            history["val_loss"] = []
        for start in range(0, steps, eval_every):
            chunk = tf.constant(batches[start : start + eval_every])
            history["loss"].append(float(self._run_steps(chunk)))
            history["step"].append(min(start + eval_every, steps))
            if validation is not None:
                prediction = self.model(validation, training=False)
                history["val_loss"].append(float(self.loss_function(validation, prediction)))
        return self.model, history
