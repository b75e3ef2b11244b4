"""The k-sparse autoencoder: a code of the few values that matter in each frame, and where they are.

A dense code (PCA, or an autoencoder with a 32-number bottleneck) spends its
numbers on the same 32 directions for every frame. On real music the
directions that matter change from frame to frame, and on audio the model
has not heard they differ from the training audio's. A k-sparse autoencoder
(Makhzani and Frey 2013) keeps, for each frame, the ``m`` largest of its
``frame_length`` coefficients and sends their values *and* their positions:
``2 m`` numbers. With ``m = 16`` that is a code of 32 numbers per 256-sample
frame, ratio 8, the same count as a 32-number dense code; at 8 bits per number
(a position 0-255 needs exactly 8) the same bits too.

The model is tied: one square matrix of atoms, starting as the DCT basis (the
transform inside MP3 and AAC), and the mean frame. Encoding is a projection
and a top-``m`` choice (not differentiable in the choice, differentiable in
the kept values), decoding a sum of ``m`` atoms. Training moves the atoms
toward the training audio; most of the gain over PCA comes from the sparse,
frame-dependent code itself, which the untrained DCT start already has.

``scripts/make_weights.py`` (``make weights``) trains the course's model once
and writes ``data/weights/``; :func:`load_ksparse_autoencoder` checks the file
against its SHA-256 before using it.

Used in: 05_going_further_transform_coding, 07_compression, benchmarks/codec.py,
benchmarks/codes.py, scripts/make_weights.py.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from .checks import positive_int
from .errors import SettingError, SignalError
from .settings import FRAME

__all__ = [
    "KSparseAutoencoder",
    "build_ksparse_autoencoder",
    "train_ksparse_autoencoder",
    "ksparse_quantized_roundtrip",
    "save_ksparse_weights",
    "load_ksparse_autoencoder",
]

POSITION_BITS = 8  # enough for positions 0-255 in a 256-sample frame


class KSparseAutoencoder(keras.Model):
    """Tied k-sparse autoencoder: ``frame_length`` atoms, ``m`` of them kept per frame.

    ``encode(frames)`` returns ``(values, positions)``, each ``(n, m)``;
    ``decode(values, positions)`` returns frames; calling the model does both.

    Used in: no notebook.
    """

    def __init__(self, frame_length: int = FRAME, m: int = 16, **kwargs):
        super().__init__(**kwargs)
        if not 0 < m < frame_length:
            raise SettingError(
                f"m must be between 1 and frame_length - 1; got m={m}, frame_length={frame_length}."
            )
        self.frame_length, self.m = int(frame_length), int(m)
        self.atoms = self.add_weight(
            shape=(frame_length, frame_length), initializer="zeros", name="atoms"
        )
        self.mean = self.add_weight(shape=(frame_length,), initializer="zeros", name="mean")

    def encode(self, frames):
        coefficients = tf.matmul(tf.convert_to_tensor(frames, tf.float32) - self.mean, self.atoms)
        _, positions = tf.math.top_k(tf.abs(coefficients), k=self.m)
        return tf.gather(coefficients, positions, batch_dims=1), positions

    def decode(self, values, positions):
        chosen = tf.gather(tf.transpose(self.atoms), positions)  # (n, m, frame_length)
        return tf.einsum("nm,nmf->nf", tf.convert_to_tensor(values, tf.float32), chosen) + self.mean

    def call(self, frames):
        return self.decode(*self.encode(frames))


def _check_frames(frames, frame_length: int) -> np.ndarray:
    frames = np.asarray(frames, dtype=np.float32)
    if frames.ndim != 2 or frames.shape[1] != frame_length or len(frames) == 0:
        raise SignalError(
            f"frames must have shape (n, {frame_length}) with n > 0; got {frames.shape}."
        )
    if not np.isfinite(frames).all():
        raise SignalError(
            "frames contain NaN or Inf; check the audio with course_utils.audio.check_signal."
        )
    return frames


def build_ksparse_autoencoder(train_frames, m: int = 16) -> KSparseAutoencoder:
    """A k-sparse autoencoder starting as the orthonormal DCT, centred on the training frames' mean.

    Used in: 05_going_further_transform_coding, 07_compression, benchmarks/codec.py,
    benchmarks/codes.py, scripts/make_weights.py.
    """
    from scipy.fft import dct

    train_frames = np.asarray(train_frames, dtype=np.float32)
    frame_length = train_frames.shape[-1] if train_frames.ndim == 2 else 0
    train_frames = _check_frames(train_frames, frame_length)
    model = KSparseAutoencoder(frame_length, m)
    model(train_frames[:1])
    model.atoms.assign(dct(np.eye(frame_length), norm="ortho", axis=1).astype(np.float32))
    model.mean.assign(train_frames.mean(axis=0))
    return model


def train_ksparse_autoencoder(
    model,
    train_frames,
    steps: int = 2000,
    batch_size: int = 128,
    learning_rate: float = 1e-4,
    seed: int = 0,
) -> float:
    """Adam on the mean squared error (relative to the frames' variance), cosine-decayed; returns the last loss.

    Used in: 05_going_further_transform_coding, benchmarks/codec.py, benchmarks/codes.py,
    scripts/make_weights.py.
    """
    from .training import make_train_step

    frames = _check_frames(train_frames, model.frame_length)
    steps = positive_int(steps, "steps (optimizer steps)", "steps=2000")
    keras.utils.set_random_seed(seed)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, int(steps), alpha=0.02)
    variance = float(frames.var())
    step = make_train_step(
        model,
        keras.optimizers.Adam(schedule),
        lambda y, estimate: tf.reduce_mean(tf.square(estimate - y)) / variance,
    )
    rng = np.random.default_rng(seed)
    batch_size = min(int(batch_size), len(frames))
    order, position, loss = rng.permutation(len(frames)), 0, None
    for _ in range(int(steps)):
        if position + batch_size > len(order):
            order, position = rng.permutation(len(frames)), 0
        batch = tf.constant(frames[order[position : position + batch_size]])
        loss = step(batch, batch)
        position += batch_size
    return float(loss)


def ksparse_quantized_roundtrip(model, frames, bits: int = 8):
    """Encode, quantize the values to ``bits`` bits (positions take 8), decode; ``(decoded, total_bits)``.

    The values are quantized like any code (:func:`course_utils.codec.quantize`,
    with its ranges as side information); each position costs
    ``POSITION_BITS``. At ``bits=8`` a frame costs as much as a 32-number
    dense code at 8 bits.

    Used in: 07_compression, benchmarks/codec.py.
    """
    from .codec import bitstream_bits, dequantize, quantize

    frames = _check_frames(frames, model.frame_length)
    values, positions = model.encode(frames)
    integers, ranges = quantize(np.asarray(values), bits)
    decoded = np.asarray(model.decode(dequantize(integers, ranges, bits), positions))
    total = bitstream_bits(len(frames), model.m, bits, side_floats=ranges.size)
    total += len(frames) * model.m * POSITION_BITS
    return decoded, total


def save_ksparse_weights(model, path, overwrite: bool = False, **metadata) -> Path:
    """Write the atoms and mean to ``path`` (.npz) and a ``.json`` beside it with their SHA-256.

    ``metadata`` (how the model was trained) goes into the ``.json``. An
    existing ``.npz`` or ``.json`` is replaced only with ``overwrite=True``; the
    record holds the SHA-256 of exactly the bytes written
    (:func:`course_utils.data.save_weights`).

    Used in: scripts/make_weights.py.
    """
    from .data import save_weights

    arrays = {"atoms": model.atoms.numpy(), "mean": model.mean.numpy()}
    record = {"frame_length": model.frame_length, "m": model.m, **metadata}
    return save_weights(path, arrays, record, overwrite=overwrite)


def load_ksparse_autoencoder(path) -> KSparseAutoencoder:
    """The k-sparse autoencoder saved at ``path``, after checking its SHA-256 against the ``.json``.

    Used in: 05_going_further_transform_coding.
    """
    from .data import load_weights

    stored, record = load_weights(path)
    atoms, mean = stored["atoms"], stored["mean"]
    model = KSparseAutoencoder(int(record["frame_length"]), int(record["m"]))
    model(np.zeros((1, model.frame_length), np.float32))
    model.atoms.assign(atoms)
    model.mean.assign(mean)
    model.training_record = record
    return model
