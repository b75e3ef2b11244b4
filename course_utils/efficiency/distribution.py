"""Training with ``tf.distribute``: one loop for one device or a cluster.

:func:`train_with_strategy` is written for ``strategy.run``: a distributed
dataset and the loss averaged over the global batch.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 12_efficiency_and_scale.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ..checks import positive_int
from ..errors import SignalError

__all__ = ["train_with_strategy"]


def train_with_strategy(
    strategy,
    build_model,
    frames,
    steps: int,
    per_replica_batch: int = 64,
    learning_rate: float = 1e-3,
    seed: int = 0,
):
    """Train an autoencoder with a ``tf.distribute`` strategy; return ``(model, losses)``.

    ``build_model()`` is called inside ``strategy.scope()``, so every
    variable (weights and Adam's moments) is mirrored on every replica. Each
    step feeds each replica ``per_replica_batch`` frames: the *global* batch
    is ``per_replica_batch * strategy.num_replicas_in_sync``. Each replica
    computes its gradients, the strategy sums them across replicas (an
    all-reduce) and every replica applies the same update, so the model stays
    identical everywhere. The loss is the mean squared error over the global
    batch (``tf.nn.compute_average_loss``), which makes the result the same
    as training on one device with the global batch.

    The dataset is shuffled once with ``seed`` (the same order every epoch),
    repeated and batched by the global batch, and sharded by element
    (``AutoShardPolicy.DATA``: every worker reads the same frames and keeps
    its share). With many files, ``FILE`` sharding gives each worker its own
    files instead.

    Works with ``tf.distribute.get_strategy()`` (no distribution),
    ``MirroredStrategy`` (the devices of one machine) and
    ``MultiWorkerMirroredStrategy`` (several machines, configured by the
    ``TF_CONFIG`` environment variable). Keras 3's ``model.fit`` does not run
    under ``MultiWorkerMirroredStrategy`` (keras-team/keras#20585); this loop does.

    Used in: 12_efficiency_and_scale.
    """
    frames = np.asarray(frames, dtype=np.float32)
    steps = positive_int(steps, "steps", "steps=100")
    global_batch = per_replica_batch * strategy.num_replicas_in_sync
    if frames.ndim != 2 or len(frames) < global_batch:
        raise SignalError(
            f"frames must be 2-D with at least one global batch ({global_batch} rows); got shape "
            f"{frames.shape}. Use more frames or a smaller per_replica_batch."
        )
    dataset = (
        tf.data.Dataset.from_tensor_slices(frames)
        .shuffle(len(frames), seed=seed, reshuffle_each_iteration=False)
        .repeat()
        .batch(global_batch, drop_remainder=True)
    )
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    dataset = dataset.with_options(options)

    with strategy.scope():
        model = build_model()
        optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    distributed = iter(strategy.experimental_distribute_dataset(dataset))

    def replica_step(x):
        with tf.GradientTape() as tape:
            per_frame = tf.reduce_mean(tf.square(x - model(x, training=True)), axis=-1)
            loss = tf.nn.compute_average_loss(per_frame, global_batch_size=global_batch)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    @tf.function
    def train_step(x):
        per_replica = strategy.run(replica_step, args=(x,))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    losses = [float(train_step(next(distributed))) for _ in range(steps)]
    return model, losses
