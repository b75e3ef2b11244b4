"""Cost, memory and size of an autoencoder, measured: FLOPs, streaming, int8, pruning.

The article's FAQ answers "how do I make it cheaper?" with a list (smaller
layers, low precision, parallelism, quantization, sparsity, external
storage) and no numbers. These helpers make each item measurable:

- :func:`dense_autoencoder_cost` and :func:`count_dense_flops`: parameters
  and floating-point operations per frame, counted by hand and from a model.
- :func:`median_seconds`, :func:`time_ratio`, :class:`StepTimer`,
  :func:`train_step_function` and :func:`time_train_step`:
  timings that survive a busy machine (medians after a warm-up; two
  candidates timed in alternation).
- :func:`write_wav_chunks` and :func:`wav_frame_dataset`: audio on disk read
  lazily by ``tf.data`` (``tf.audio.decode_wav``), framed, shuffled in a
  bounded buffer and batched, so memory does not grow with the data.
- :func:`to_tflite`, :class:`TFLiteModel` and :func:`keras_int8_copy`: int8
  weight quantization with the TensorFlow Lite (LiteRT) converter and with
  Keras 3's own ``model.quantize("int8")``.
- :func:`train_with_strategy`: a training loop written for ``tf.distribute``
  (``strategy.run``, a distributed dataset, the loss averaged over the global
  batch) that runs unchanged on one device or on a cluster.
- :class:`PruningMask`, :func:`prune` and :func:`strip_pruning`: magnitude
  pruning that stays applied while training (a Keras constraint the
  optimizer applies after every update).
- :func:`kernel_sparsity`, :func:`weights_nbytes` and :func:`compressed_nbytes`:
  what a model costs to store.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 10_efficiency_and_scale.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from .errors import AudioFileError, AudioFileNotFoundError, DatasetLayoutError, SignalError
from .training import make_train_step

__all__ = [
    "dense_autoencoder_cost",
    "count_dense_flops",
    "median_seconds",
    "time_ratio",
    "StepTimer",
    "train_step_function",
    "time_train_step",
    "write_wav_chunks",
    "wav_frame_dataset",
    "to_tflite",
    "TFLiteModel",
    "keras_int8_copy",
    "train_with_strategy",
    "PruningMask",
    "magnitude_masks",
    "prune",
    "strip_pruning",
    "kernel_sparsity",
    "weights_nbytes",
    "compressed_nbytes",
]


# --- compute cost -------------------------------------------------------------------------------


def _dense_cost(fan_in: int, fan_out: int) -> tuple[int, int]:
    # A multiply and an add per weight, then one add per bias.
    return fan_in * fan_out + fan_out, 2 * fan_in * fan_out + fan_out


def dense_autoencoder_cost(input_size: int, code_size: int, hidden_sizes=(512,)) -> dict:
    """Parameters and FLOPs per frame of the dense autoencoder, counted by hand.

    The model is ``input -> hidden... -> code -> ...hidden -> input``
    (:func:`course_utils.models.build_dense_autoencoder`). A ``Dense`` layer
    from ``n`` to ``m`` values has ``n*m + m`` parameters and costs
    ``2*n*m + m`` floating-point operations (FLOPs) per frame: one multiply
    and one add per weight, one add per bias. Activations (a ReLU is one
    comparison per value) are left out: they are a small share.

    Returns ``{"params": ..., "flops": ...}``; training costs about three
    times the FLOPs of a prediction (forward, and two products backward).

    Used in: 10_efficiency_and_scale.
    """
    sizes = [int(input_size), *(int(h) for h in hidden_sizes), int(code_size)]
    for value in sizes:
        if value <= 0:
            raise SignalError(f"Layer sizes must be positive whole numbers; got {sizes}.")
    widths = sizes + sizes[-2::-1]  # encoder, then the mirror image
    params = flops = 0
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        p, f = _dense_cost(fan_in, fan_out)
        params, flops = params + p, flops + f
    return {"params": params, "flops": flops}


def _dense_layers(model):
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            if layer.built:
                yield layer
        elif hasattr(layer, "layers"):  # a nested model (encoder, decoder)
            yield from _dense_layers(layer)


def count_dense_flops(model) -> int:
    """FLOPs per example of every ``Dense`` layer of a built Keras model.

    Same rule as :func:`dense_autoencoder_cost` (``2*n*m + m`` per layer),
    read from the layers' kernels, so the two can check each other.

    Used in: 10_efficiency_and_scale.
    """
    total = 0
    for layer in _dense_layers(model):
        fan_in, fan_out = (int(d) for d in layer.kernel.shape)
        total += _dense_cost(fan_in, fan_out)[1]
    if total == 0:
        raise SignalError(f"'{model.name}' has no built Dense layers; call it on data (or build it) first.")
    return total


# --- timing -------------------------------------------------------------------------------------


def median_seconds(function, repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``function()`` over ``repeats`` runs, after ``warmup`` runs.

    The median ignores the odd slow run caused by another program on a
    shared machine; the warm-up pays one-off costs (tracing, allocation).

    Used in: 10_efficiency_and_scale.
    """
    if repeats < 1:
        raise SignalError(f"repeats must be at least 1; got {repeats}.")
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_ratio(reference, candidate, repeats: int = 7, warmup: int = 1) -> float:
    """How many times longer ``candidate()`` takes than ``reference()`` (median over rounds).

    Each round times one call of each, back to back, so a burst of load from
    another program slows both alike; the median of the per-round ratios is
    returned. Below 1 means the candidate is faster.

    Used in: 10_efficiency_and_scale.
    """
    if repeats < 1:
        raise SignalError(f"repeats must be at least 1; got {repeats}.")
    for _ in range(warmup):
        reference()
        candidate()
    ratios = []
    for _ in range(repeats):
        started = time.perf_counter()
        reference()
        middle = time.perf_counter()
        candidate()
        ratios.append((time.perf_counter() - middle) / max(middle - started, 1e-9))
    return statistics.median(ratios)


class StepTimer(keras.callbacks.Callback):
    """A Keras callback that times every training step of ``model.fit``.

    ``timer.seconds`` lists the wall time of each step; ``timer.median``
    is their median, skipping the first ``skip`` steps (tracing, warm-up).

    Used in: 10_efficiency_and_scale.
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
            raise SignalError("No training step was timed: pass the StepTimer to model.fit(callbacks=[...]).")
        return statistics.median(timed)


def train_step_function(model, frames, batch_size: int = 64, learning_rate: float = 1e-3):
    """A zero-argument callable that runs one compiled Adam + MSE step on a fixed batch.

    For timing: pass it to :func:`median_seconds` or :func:`time_ratio`. Each
    call trains ``model`` a little and waits for the step to finish.

    Used in: 10_efficiency_and_scale.
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


def time_train_step(model, frames, steps: int = 20, batch_size: int = 64, learning_rate: float = 1e-3) -> float:
    """Median seconds of one compiled Adam + MSE training step on a batch of ``frames``.

    Trains ``model`` a little (``steps`` + 2 warm-up steps on the same batch).

    Used in: 10_efficiency_and_scale.
    """
    step = train_step_function(model, frames, batch_size=batch_size, learning_rate=learning_rate)
    return median_seconds(step, repeats=steps, warmup=2)


# --- streaming audio from disk ------------------------------------------------------------------


def write_wav_chunks(signal, sr: int, folder, seconds: float = 2.0, prefix: str = "chunk") -> list[Path]:
    """Cut a signal into ``seconds``-long 16-bit WAV files in ``folder``; return their paths.

    The last, shorter piece is kept. Samples are clipped to [-1, 1] first.

    Used in: 10_efficiency_and_scale.
    """
    import soundfile

    from .audio import check_signal

    x = check_signal(signal)
    if seconds <= 0:
        raise SignalError(f"seconds must be positive; got {seconds}.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    step = max(1, int(round(seconds * sr)))
    paths = []
    for index, start in enumerate(range(0, len(x), step)):
        path = folder / f"{prefix}_{index:04d}.wav"
        soundfile.write(path, np.clip(x[start : start + step], -1.0, 1.0), sr, subtype="PCM_16")
        paths.append(path)
    return paths


def _wav_files(source) -> list[str]:
    if isinstance(source, (str, os.PathLike)) and Path(source).is_file():
        source = [source]
    if isinstance(source, (str, os.PathLike)):
        folder = Path(source)
        if not folder.is_dir():
            raise AudioFileNotFoundError(
                f"No folder or file at '{folder}'. Pass a folder of .wav files, one .wav file "
                "or a list of paths."
            )
        files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
        if not files:
            raise DatasetLayoutError(
                f"The folder '{folder}' is empty: there is no audio to stream. "
                "Write WAV files into it first (e.g. with write_wav_chunks)."
            )
    else:
        files = [Path(p) for p in source]
        if not files:
            raise DatasetLayoutError("The list of files is empty: there is no audio to stream.")
    for path in files:
        if not path.is_file():
            raise AudioFileNotFoundError(f"No file at '{path}'. Check the path or remove it from the list.")
        with open(path, "rb") as handle:  # 12 bytes of header; the samples are read later, lazily
            header = handle.read(12)
        if path.suffix.lower() != ".wav" or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            raise AudioFileError(
                f"'{path}' is not a WAV file (tf.audio.decode_wav reads only RIFF/WAVE). "
                "Convert it, e.g. `sox input.flac output.wav`, or move it out of the folder."
            )
    return [str(p) for p in files]


def wav_frame_dataset(
    source,
    frame_length: int,
    hop_length: int | None = None,
    batch_size: int = 64,
    shuffle_buffer: int = 2048,
    seed: int = 0,
    mean: float = 0.0,
    scale: float = 1.0,
    files_at_once: int = 2,
):
    """Stream ``(frames, frames)`` batches from WAV files on disk with ``tf.data``.

    ``source`` is a folder, one file or a list of paths to 16-bit (or 32-bit
    float) mono WAV files. The pipeline reads each file only when it needs it
    (``tf.io.read_file`` + ``tf.audio.decode_wav``, which decodes the whole
    file: keep files short, e.g. with :func:`write_wav_chunks`), ``files_at_once``
    files at a time, cuts it into frames of ``frame_length`` samples every
    ``hop_length`` (default: no overlap; a file shorter than one frame gives
    none), standardizes with ``(x - mean) / scale``, shuffles in a buffer of
    ``shuffle_buffer`` frames and batches. Memory holds a few files and the
    buffer, whatever the total length of the audio.

    Every file is checked up front (it exists, and its first 12 bytes say
    RIFF/WAVE); the samples are not read until the dataset is iterated.

    Used in: 10_efficiency_and_scale.
    """
    from .audio import _check_frame_settings

    hop_length = frame_length if hop_length is None else hop_length
    frame_length, hop_length = _check_frame_settings(frame_length, hop_length)
    if scale <= 0:
        raise SignalError(f"scale must be positive (a standard deviation); got {scale}.")
    files = _wav_files(source)

    def frames_of(path):
        audio, _ = tf.audio.decode_wav(tf.io.read_file(path), desired_channels=1)
        samples = (audio[:, 0] - mean) / scale
        return tf.data.Dataset.from_tensor_slices(
            tf.signal.frame(samples, frame_length, hop_length, pad_end=False)
        )

    dataset = tf.data.Dataset.from_tensor_slices(files)
    dataset = dataset.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.interleave(frames_of, cycle_length=max(1, files_at_once), block_length=16)
    if shuffle_buffer > 1:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).map(lambda x: (x, x)).prefetch(1)


# --- int8 quantization --------------------------------------------------------------------------


def to_tflite(model, int8: bool = True) -> bytes:
    """Convert a Keras model to a TensorFlow Lite (LiteRT) flatbuffer; return its bytes.

    The model is exported as a SavedModel (``model.export``) and converted
    with ``tf.lite.TFLiteConverter.from_saved_model``. With ``int8`` the
    converter's default optimization stores weights as 8-bit integers with a
    scale per output channel ("dynamic-range quantization"); activations stay
    float.

    Used in: 10_efficiency_and_scale.
    """
    with tempfile.TemporaryDirectory() as folder:
        model.export(folder, format="tf_saved_model", verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(folder)
        if int8:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        return converter.convert()


@contextlib.contextmanager
def _quiet_native_stderr():
    # The TFLite runtime prints "INFO: Created TensorFlow Lite XNNPACK delegate" from C++,
    # straight to file descriptor 2, where Python's warnings filters cannot reach it.
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class TFLiteModel:
    """Run a TensorFlow Lite flatbuffer like a Keras model: ``tflite_model(x)``.

    Uses the ``ai_edge_litert`` interpreter when that package is installed,
    else ``tf.lite.Interpreter`` (deprecated in favour of LiteRT, still in
    TensorFlow 2.21; its warning is silenced here). The input is resized to
    each batch's shape.

    Used in: 10_efficiency_and_scale.
    """

    def __init__(self, flatbuffer: bytes, num_threads: int = 2):
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError:
            Interpreter = tf.lite.Interpreter
        with warnings.catch_warnings(), _quiet_native_stderr():
            warnings.simplefilter("ignore")
            self.interpreter = Interpreter(model_content=flatbuffer, num_threads=num_threads)
            self.interpreter.allocate_tensors()
        self.nbytes = len(flatbuffer)
        self._input = self.interpreter.get_input_details()[0]
        self._output = self.interpreter.get_output_details()[0]
        self._shape = None

    def __call__(self, x) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.float32)
        if self._shape != x.shape:
            self.interpreter.resize_tensor_input(self._input["index"], list(x.shape))
            with _quiet_native_stderr():
                self.interpreter.allocate_tensors()
            self._shape = x.shape
        self.interpreter.set_tensor(self._input["index"], x)
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self._output["index"]).copy()


def keras_int8_copy(model):
    """A copy of ``model`` with Keras 3's int8 weight quantization (``model.quantize("int8")``).

    ``Dense`` kernels become int8 with a float scale per output; layers
    without a ``quantize`` method (inputs, activations) are left as they are
    (Keras warns about each; the warnings are silenced here). The original
    model is not changed.

    Used in: 10_efficiency_and_scale.
    """
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copy.quantize("int8")
    return copy


# --- distribution -------------------------------------------------------------------------------


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

    Used in: 10_efficiency_and_scale.
    """
    frames = np.asarray(frames, dtype=np.float32)
    if steps <= 0:
        raise SignalError(f"steps must be positive; got {steps}.")
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


# --- pruning ------------------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="course_utils")
class PruningMask(keras.constraints.Constraint):
    """A constraint that multiplies a weight by a 0/1 mask after every optimizer update.

    Keras applies ``variable.constraint`` right after ``apply_gradients``, in
    ``model.fit`` and in custom loops alike, so pruned weights stay zero. The
    mask lives in a (non-trainable) TensorFlow variable: :meth:`update` changes
    it in place, so an already compiled training step uses the new mask
    without being traced again.

    Used in: 10_efficiency_and_scale.
    """

    def __init__(self, mask):
        self.mask = tf.Variable(np.asarray(mask, dtype=np.float32), trainable=False, name="pruning_mask")

    def update(self, mask):
        self.mask.assign(np.asarray(mask, dtype=np.float32))

    def __call__(self, w):
        return w * keras.ops.cast(self.mask, w.dtype)

    def get_config(self):
        return {"mask": self.mask.numpy().tolist()}


def magnitude_masks(model, sparsity: float) -> dict:
    """0/1 masks that zero the ``sparsity`` fraction of smallest-magnitude weights of each Dense kernel.

    Returns ``{variable.path: mask}``. Each kernel loses exactly
    ``round(sparsity * size)`` weights; biases are kept (they are few).

    Used in: 10_efficiency_and_scale.
    """
    if not 0.0 <= sparsity < 1.0:
        raise SignalError(f"sparsity is the fraction of weights set to zero, in [0, 1); got {sparsity}.")
    masks = {}
    for layer in _dense_layers(model):
        weights = np.abs(layer.kernel.numpy()).ravel()
        n_zero = int(round(sparsity * weights.size))
        mask = np.ones(weights.size, dtype=np.float32)
        mask[np.argsort(weights, kind="stable")[:n_zero]] = 0.0
        masks[layer.kernel.path] = mask.reshape(layer.kernel.shape)
    if not masks:
        raise SignalError(f"'{model.name}' has no built Dense layers to prune.")
    return masks


def prune(model, sparsity: float) -> dict:
    """Magnitude-prune every Dense kernel of ``model`` in place and keep it pruned while training.

    Zeroes the smallest weights (:func:`magnitude_masks`) and attaches a
    :class:`PruningMask` constraint to each kernel, so later training cannot
    revive them. Call it before the training step is first traced (before the
    first ``fit`` after ``compile``). Called again with a higher sparsity, it
    updates the masks in place, so pruning can proceed in stages without
    recompiling. Returns the masks. :func:`strip_pruning` removes the constraints.

    Used in: 10_efficiency_and_scale.
    """
    masks = magnitude_masks(model, sparsity)
    for layer in _dense_layers(model):
        mask = masks[layer.kernel.path]
        layer.kernel.assign(layer.kernel.numpy() * mask)
        if isinstance(layer.kernel.constraint, PruningMask):
            layer.kernel.constraint.update(mask)
        else:
            layer.kernel.constraint = PruningMask(mask)
    return masks


def strip_pruning(model):
    """Remove the :class:`PruningMask` constraints (the zeros stay); return the model.

    Used in: 10_efficiency_and_scale.
    """
    for layer in _dense_layers(model):
        if isinstance(layer.kernel.constraint, PruningMask):
            layer.kernel.constraint = None
    return model


def kernel_sparsity(model) -> float:
    """Fraction of the Dense kernels' weights that are exactly zero.

    Used in: 10_efficiency_and_scale.
    """
    kernels = [layer.kernel.numpy() for layer in _dense_layers(model)]
    if not kernels:
        raise SignalError(f"'{model.name}' has no built Dense layers.")
    return float(sum(int(np.sum(k == 0)) for k in kernels) / sum(k.size for k in kernels))


# --- storage ------------------------------------------------------------------------------------


def weights_nbytes(model) -> int:
    """Bytes of every weight of ``model`` as stored in memory (int8 kernels count 1 byte each).

    Used in: 10_efficiency_and_scale.
    """
    return int(sum(np.asarray(v.numpy()).nbytes for v in model.weights))


def compressed_nbytes(model) -> int:
    """Bytes of the model's weights in a ``np.savez_compressed`` archive (zip deflate).

    Zeros compress well, so this is where pruning saves space.

    Used in: 10_efficiency_and_scale.
    """
    buffer = io.BytesIO()
    arrays = {f"w{i}": np.asarray(v.numpy()) for i, v in enumerate(model.weights)}
    np.savez_compressed(buffer, **arrays)
    return buffer.getbuffer().nbytes

