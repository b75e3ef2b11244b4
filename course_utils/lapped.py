"""Lapped (convolutional) autoencoders: frames that overlap by half, windowed, coded, overlap-added back.

A dense frame model cuts the sound into blocks and codes each block on its own:
shift the sound by a few samples and every block, and its code, changes. A
convolutional autoencoder slides the same encoder over the sound instead: a
``Conv1D`` with ``kernel_size = 2 * hop`` and ``strides = hop`` reads frames that
overlap by half, and a ``Conv1DTranspose`` with the same sizes writes its frames
back overlapping by half and adds them (overlap-add). Every sample is covered by
two frames; ``hop`` new samples per frame cost one code.

Two models share that skeleton:

- :func:`build_conv_autoencoder`: ``Conv1D`` encoder with stride, a dense code
  of ``code_size`` numbers per hop, ``Conv1DTranspose`` decoder; trained from a
  random start (the learner writes it in lesson 05).
- :class:`LappedAutoencoder`: the same skeleton started as the MDCT (the
  modified discrete cosine transform, sine window, inside AAC, Vorbis and
  Opus), with a sparse bottleneck: per frame the ``m`` largest of ``hop``
  coefficients, sent as values *and* positions (``2 m`` numbers). What can be
  trained without overfitting is trained: the analysis and synthesis windows,
  a gain per frequency bin, and a small non-linear refinement of the decoded
  coefficients (zero at the start, so the untrained model is exactly the MDCT).

``scripts/make_weights.py`` trains the course's lapped model once and writes
``data/weights/``; :func:`load_lapped_autoencoder` checks the file's SHA-256.

Used in: 05_evaluating, 05_going_further_transform_coding, 07_compression, 13_capstone,
benchmarks/codes.py, scripts/make_weights.py, scripts/measure_lapped.py.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from .checks import positive_int
from .errors import SettingError, SignalError
from .settings import CODE, FRAME, HIDDEN

__all__ = [
    "mdct_basis",
    "sine_window",
    "build_conv_autoencoder",
    "LappedAutoencoder",
    "build_lapped_autoencoder",
    "train_lapped",
    "lapped_reconstruct",
    "lapped_quantized_roundtrip",
    "position_bits",
    "prior_code_bits",
    "value_bits",
    "widest_code_within",
    "save_lapped_weights",
    "load_lapped_autoencoder",
]


def sine_window(hop: int) -> np.ndarray:
    """The sine window of ``2 * hop`` samples: its squares at half-overlap sum to one (Princen-Bradley).

    Used in: no notebook.
    """
    n = np.arange(2 * int(hop))
    return np.sin(np.pi * (n + 0.5) / (2 * int(hop))).astype(np.float32)


def mdct_basis(hop: int) -> np.ndarray:
    """The MDCT's ``(2 * hop, hop)`` cosine basis, scaled so that analysis and synthesis with it
    (and a Princen-Bradley window) reconstruct the signal exactly (time-domain alias cancellation).

    Used in: no notebook.
    """
    hop = int(hop)
    if hop < 2:
        raise SettingError(f"hop must be at least 2 samples; got {hop}.")
    n = np.arange(2 * hop)[:, None]
    k = np.arange(hop)[None, :]
    return (np.sqrt(2.0 / hop) * np.cos(np.pi / hop * (n + 0.5 + hop / 2) * (k + 0.5))).astype(
        np.float32
    )


def _as_batch(signal) -> np.ndarray:
    x = np.asarray(signal, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] == 0:
        raise SignalError(
            f"Expected a signal (n_samples,) or a batch (n, n_samples); got shape {x.shape}."
        )
    if not np.isfinite(x).all():
        raise SignalError(
            "The signal contains NaN or Inf; check it with course_utils.audio.check_signal."
        )
    return x


def _padded(x: np.ndarray, hop: int) -> np.ndarray:
    """Pad ``hop`` zeros in front and enough behind that every sample lies in two frames."""
    n = x.shape[1]
    frames = -(-n // hop) + 1
    total = (frames + 1) * hop
    return np.pad(x, ((0, 0), (hop, total - n - hop)))


def build_conv_autoencoder(
    hop: int = FRAME, code_size: int = CODE, hidden: int = HIDDEN, seed: int | None = None
):
    """A convolutional autoencoder from a random start: ``Conv1D`` with stride, ``Conv1DTranspose`` back.

    The encoder reads frames of ``2 * hop`` samples every ``hop`` samples (half
    overlap) into ``hidden`` channels, a ReLU, then ``code_size`` numbers per
    hop; the decoder mirrors it and overlap-adds frames of ``2 * hop``. Input
    and output: ``(batch, samples, 1)`` with ``samples`` a multiple of ``hop``.

    Returns ``(autoencoder, encoder, decoder)``.

    Used in: 05_evaluating, benchmarks/codes.py.
    """
    if code_size >= hop:
        raise SettingError(
            f"code_size={code_size} must be smaller than hop={hop}, or nothing is compressed."
        )
    if seed is not None:
        keras.utils.set_random_seed(seed)
    sound = keras.Input(shape=(None, 1), name="sound")
    x = keras.layers.Conv1D(
        hidden, kernel_size=2 * hop, strides=hop, activation="relu", name="analysis"
    )(sound)
    code = keras.layers.Conv1D(code_size, kernel_size=1, name="code")(x)
    encoder = keras.Model(sound, code, name="encoder")

    code_in = keras.Input(shape=(None, code_size), name="code_in")
    y = keras.layers.Conv1D(hidden, kernel_size=1, activation="relu", name="expand")(code_in)
    out = keras.layers.Conv1DTranspose(1, kernel_size=2 * hop, strides=hop, name="synthesis")(y)
    decoder = keras.Model(code_in, out, name="decoder")
    autoencoder = keras.Model(sound, decoder(encoder(sound)), name="conv_autoencoder")
    return autoencoder, encoder, decoder


class LappedAutoencoder(keras.Model):
    """MDCT-started lapped autoencoder with a top-``m`` sparse code per hop.

    Trainable: ``analysis_window`` and ``synthesis_window`` (``2 * hop``),
    ``gains`` (one per coefficient, applied by the decoder), and the refinement
    (two small 1-D convolutions over time on the decoded coefficients, the
    last one starting at zero). At the start the model is the fixed MDCT.

    ``encode(x)`` returns the sparse coefficients ``(batch, frames, hop)``
    with all but ``m`` per frame zero (the code: their values and positions);
    ``decode(c)`` turns them back into sound; calling the model does both on
    ``(batch, samples)`` with ``samples`` already padded (use
    :func:`lapped_reconstruct` on a plain signal).

    Used in: no notebook.
    """

    def __init__(
        self, hop: int = FRAME, m: int = CODE // 2, refine: int = 8, l2: float = 1e-5, **kwargs
    ):
        super().__init__(**kwargs)
        if not 0 < m < hop:
            raise SettingError(f"m must be between 1 and hop - 1; got m={m}, hop={hop}.")
        self.hop, self.m, self.refine_width, self.l2 = int(hop), int(m), int(refine), float(l2)
        window = keras.initializers.Constant(sine_window(hop))
        self.analysis_window = self.add_weight(
            shape=(2 * hop,), initializer=window, name="analysis_window"
        )
        self.synthesis_window = self.add_weight(
            shape=(2 * hop,), initializer=window, name="synthesis_window"
        )
        self.gains = self.add_weight(shape=(hop,), initializer="ones", name="gains")
        self.basis = tf.constant(mdct_basis(hop))
        if self.refine_width:
            # Fills in the dropped coefficients from the kept ones around them (3 frames x 5 bins),
            # the same small filters at every frequency; the last layer starts at zero.
            regularizer = keras.regularizers.L2(self.l2)
            self.refine_in = keras.layers.Conv2D(
                self.refine_width,
                (3, 5),
                padding="same",
                activation="relu",
                kernel_regularizer=regularizer,
                name="refine_in",
            )
            self.refine_out = keras.layers.Conv2D(
                1,
                (3, 5),
                padding="same",
                kernel_initializer="zeros",
                use_bias=False,
                kernel_regularizer=regularizer,
                name="refine_out",
            )

    def analyse(self, x):
        """Every windowed MDCT coefficient of ``x`` (batch, padded samples): ``(batch, frames, hop)``."""
        x = tf.convert_to_tensor(x, tf.float32)[..., None]
        kernel = (self.analysis_window[:, None] * self.basis)[:, None, :]  # (2 hop, 1, hop)
        return tf.nn.conv1d(x, kernel, stride=self.hop, padding="VALID")

    def encode(self, x):
        coefficients = self.analyse(x)
        magnitude = tf.abs(coefficients)
        threshold = tf.math.top_k(magnitude, k=self.m).values[..., -1:]
        return tf.where(magnitude >= threshold, coefficients, tf.zeros_like(coefficients))

    def decode(self, coefficients, kept=None):
        coefficients = tf.convert_to_tensor(coefficients, tf.float32)
        if kept is None:  # the positions: where the code is not zero
            kept = tf.cast(tf.not_equal(coefficients, 0.0), tf.float32)
        kept = tf.convert_to_tensor(kept, tf.float32)
        decoded = coefficients * self.gains
        if self.refine_width:
            # Scale-free: each frame's coefficients relative to their RMS, the output scaled back.
            # The epsilon inside the root: a silent frame (digital zeros) has a finite gradient.
            rms = tf.sqrt(tf.reduce_mean(tf.square(coefficients), axis=-1, keepdims=True) + 1e-16)
            planes = tf.stack([coefficients / rms, kept], axis=-1)  # (batch, frames, hop, 2)
            fill = self.refine_out(self.refine_in(planes))[..., 0] * rms
            decoded = decoded + (1.0 - kept) * fill
        kernel = (self.synthesis_window[:, None] * self.basis)[:, None, :]
        frames = tf.shape(decoded)[1]
        shape = tf.stack([tf.shape(decoded)[0], (frames + 1) * self.hop, 1])
        return tf.nn.conv1d_transpose(decoded, kernel, shape, strides=self.hop, padding="VALID")[
            ..., 0
        ]

    def call(self, x):
        return self.decode(self.encode(x))


def build_lapped_autoencoder(
    hop: int = FRAME, m: int = CODE // 2, refine: int = 8, l2: float = 1e-5, seed: int | None = None
) -> LappedAutoencoder:
    """The lapped autoencoder at its MDCT start (sine windows, unit gains, refinement zero).

    ``seed`` seeds the refinement's first layer (its output layer starts at zero, so
    the model's output does not depend on it before training).

    Used in: 05_going_further_transform_coding, 13_capstone, benchmarks/codes.py,
    scripts/make_weights.py, scripts/measure_lapped.py.
    """
    if seed is not None:
        keras.utils.set_random_seed(seed)
    model = LappedAutoencoder(hop, m, refine, l2)
    model(np.zeros((1, 4 * hop), np.float32))
    return model


def lapped_reconstruct(model, signal, batch_seconds_samples: int = 1 << 16) -> np.ndarray:
    """Code ``signal`` (1-D) with a lapped model (:class:`LappedAutoencoder` or a conv autoencoder)
    and return the decoded signal, trimmed to the input's length.

    Used in: 05_evaluating, 05_going_further_transform_coding, benchmarks/codes.py,
    scripts/make_weights.py, scripts/measure_lapped.py.
    """
    x = _as_batch(signal)
    if x.shape[0] != 1:
        raise SignalError("lapped_reconstruct codes one signal at a time; pass a 1-D array.")
    hop = int(
        getattr(model, "hop", 0) or model.get_layer("encoder").get_layer("analysis").strides[0]
    )
    padded = _padded(x, hop)
    if isinstance(model, LappedAutoencoder):
        y = model(padded).numpy()
    else:
        y = model(padded[..., None], training=False).numpy()[..., 0]
    return y[0, hop : hop + x.shape[1]].astype(np.float32)


def _analysed(model, signal) -> np.ndarray:
    """Every windowed coefficient of the padded signal, ``(frames, hop)``."""
    return model.analyse(_padded(_as_batch(signal), model.hop)).numpy()[0]


def _top(coefficients: np.ndarray, m: int):
    """The ``m`` largest coefficients per frame: ``(positions, values, shape)``, each ``(frames, m)``."""
    positions = np.argsort(-np.abs(coefficients), axis=1, kind="stable")[:, :m]
    return positions, np.take_along_axis(coefficients, positions, axis=1), coefficients.shape


def _sparse_code(model, signal):
    """The padded signal's kept coefficients: ``(positions, values)``, each ``(frames, m)``, largest first."""
    return _top(_analysed(model, signal), model.m)


def lapped_quantized_roundtrip(model, signal, bits: int = 8):
    """Code ``signal`` with a :class:`LappedAutoencoder`, quantize the kept values to ``bits`` bits,
    decode; returns ``(decoded signal, total bits)``.

    Per frame of ``hop`` new samples: ``m`` values at ``bits`` bits (ranked by size, each rank
    with its own range as side information, :func:`course_utils.codec.quantize`) and ``m``
    positions at ``log2(hop)`` bits each (8 for 256).

    Used in: 07_compression, scripts/measure_lapped.py.
    """
    from .codec import bitstream_bits, dequantize, quantize

    if not isinstance(model, LappedAutoencoder):
        raise SignalError(
            "lapped_quantized_roundtrip needs a LappedAutoencoder (a sparse code of values and positions)."
        )
    x = _as_batch(signal)
    positions, values, shape = _sparse_code(model, x[0])
    integers, ranges = quantize(values, bits)
    restored, kept = np.zeros(shape, np.float32), np.zeros(shape, np.float32)
    np.put_along_axis(restored, positions, dequantize(integers, ranges, bits), axis=1)
    np.put_along_axis(kept, positions, 1.0, axis=1)
    decoded = model.decode(restored[None], kept[None]).numpy()[
        0, model.hop : model.hop + x.shape[1]
    ]
    total = bitstream_bits(len(values), model.m, bits, side_floats=ranges.size)
    total += len(values) * model.m * int(np.ceil(np.log2(model.hop)))
    return decoded.astype(np.float32), int(total)


def position_bits(model, train_signal, test_signal) -> tuple[float, float]:
    """Bits per frame for the positions of ``test_signal``'s code: ``(fixed, modelled)``.

    Fixed: ``m * log2(hop)``. Modelled: each coefficient's chance of being kept,
    counted on ``train_signal`` (a learned prior, as in learned compression), and
    the ideal code length of the test frames' kept/dropped pattern under it,
    ``-log2 p`` per kept and ``-log2 (1 - p)`` per dropped coefficient (a range
    coder stores it in a few 32-bit words more per clip: ``tests/test_lapped.py`` codes
    lesson 07's music with constriction's).

    Used in: 07_compression.
    """
    return _position_bits(_analysed(model, train_signal), _analysed(model, test_signal), model.m)


def _position_prior(train_coefficients, test_coefficients, m: int):
    """``(p, kept)``: each coefficient's chance of being among the ``m`` kept, counted on the
    training frames, and the test frames' kept/dropped pattern (frames, coefficients)."""
    train_positions, _, shape = _top(train_coefficients, m)
    counts = np.zeros(shape[1]) + 0.5  # add-one-half: no coefficient is impossible
    np.add.at(counts, train_positions.ravel(), 1.0)
    p = counts / (len(train_positions) + 1.0)
    test_positions, _, test_shape = _top(test_coefficients, m)
    kept = np.zeros(test_shape, bool)
    np.put_along_axis(kept, test_positions, True, axis=1)
    return p, kept


def _position_bits(train_coefficients, test_coefficients, m: int) -> tuple[float, float]:
    p, kept = _position_prior(train_coefficients, test_coefficients, m)
    bits = -(np.log2(p) * kept + np.log2(1 - p) * ~kept).sum(axis=1)
    return float(m * np.log2(len(p))), float(bits.mean())


def prior_code_bits(train_symbols, test_symbols, n_symbols: int, smoothing: float = 0.5) -> float:
    """Mean bits per row of ``test_symbols`` under a prior counted on ``train_symbols``.

    Parameters
    ----------
    train_symbols, test_symbols : integer arrays of shape (rows, columns)
        Symbols from 0 to ``n_symbols - 1``, e.g. the quantized levels of a sparse
        code's values, one column per rank; both need the same number of columns.
    n_symbols : int
        How many symbols each column can take (``2**bits`` levels).
    smoothing : float
        Added to every count (Laplace smoothing; 0.5 is the Krichevsky-Trofimov
        estimate), so a symbol never seen in training still costs a finite number of bits.

    Returns
    -------
    float
        Each column's probability of each symbol is its smoothed frequency in
        ``train_symbols``; a test symbol costs its ideal code length ``-log2 p`` (a
        range coder gets within a few words of the sum per clip). The sum over
        a row's columns, averaged over rows.

    Used in: no notebook.
    """
    n_symbols = positive_int(n_symbols, "n_symbols (how many symbols a column can take)", "256")
    if not (np.isfinite(smoothing) and smoothing > 0):
        raise SettingError(
            f"smoothing must be a positive number (0.5 or 1); got {smoothing!r}: with 0 a symbol "
            "unseen in training would cost infinitely many bits."
        )
    arrays = []
    for name, symbols in (("train_symbols", train_symbols), ("test_symbols", test_symbols)):
        symbols = np.asarray(symbols)
        if symbols.ndim != 2 or symbols.shape[0] == 0:
            raise SignalError(
                f"{name} must be 2-D (rows, columns) with rows; got shape {symbols.shape}."
            )
        if not np.issubdtype(symbols.dtype, np.integer):
            raise SignalError(
                f"{name} must hold whole numbers (quantized levels); got dtype {symbols.dtype}. "
                "Quantize first (codec.quantize)."
            )
        if symbols.min() < 0 or symbols.max() >= n_symbols:
            raise SignalError(
                f"{name} holds symbols from {symbols.min()} to {symbols.max()}, outside 0 to "
                f"{n_symbols - 1}; raise n_symbols or check the quantizer's bits."
            )
        arrays.append(symbols.astype(np.int64))
    train, test = arrays
    if train.shape[1] != test.shape[1]:
        raise SignalError(
            f"train_symbols has {train.shape[1]} columns and test_symbols {test.shape[1]}; "
            "each column has its own prior, so they must match."
        )
    log_p = np.log2(_symbol_probabilities(train, n_symbols, smoothing))
    bits = -log_p[np.arange(test.shape[1]), test].sum(axis=1)
    return float(bits.mean())


def _symbol_probabilities(train, n_symbols: int, smoothing: float = 0.5) -> np.ndarray:
    """(columns, n_symbols): each column's smoothed symbol frequencies in ``train``."""
    counts = np.full((train.shape[1], n_symbols), float(smoothing))
    np.add.at(counts, (np.broadcast_to(np.arange(train.shape[1]), train.shape), train), 1.0)
    return counts / counts.sum(axis=1, keepdims=True)


def value_bits(model, train_signal, test_signal, bits: int = 8) -> tuple[float, float]:
    """Bits per frame for the kept values of ``test_signal``'s code: ``(fixed, modelled)``.

    The values are quantized as :func:`lapped_quantized_roundtrip` does (ranked by
    size, each rank with its own range from the test clip, ``bits`` bits). Fixed:
    ``m * bits``. Modelled: the training audio's values, put on the same levels
    (the ranges are side information the decoder has), give each rank a
    distribution over the levels, and the test levels cost their ideal code length
    under it (:func:`prior_code_bits`): the learned prior of the values.

    Used in: 07_compression.
    """
    if not isinstance(model, LappedAutoencoder):
        raise SignalError(
            "value_bits needs a LappedAutoencoder (a sparse code of values and positions)."
        )
    return _value_bits(_analysed(model, train_signal), _analysed(model, test_signal), model.m, bits)


def _value_levels(train_coefficients, test_coefficients, m: int, bits: int):
    """``(train_levels, test_levels)``: the kept values of both, ranked by size, on the test
    clip's ``bits``-bit levels (one range per rank), as whole numbers."""
    from .codec import quantize

    _, test_values, _ = _top(test_coefficients, m)
    test_levels, ranges = quantize(test_values, bits)
    _, train_values, _ = _top(train_coefficients, m)
    levels = 2**bits - 1
    step = (ranges[1].astype(np.float64) - ranges[0]) / levels
    train_levels = np.rint((train_values - ranges[0]) / np.where(step > 0, step, 1.0))
    train_levels = np.where(step > 0, np.clip(train_levels, 0, levels), 0).astype(np.int64)
    return train_levels, test_levels.astype(np.int64)


def _value_bits(train_coefficients, test_coefficients, m: int, bits: int) -> tuple[float, float]:
    train_levels, test_levels = _value_levels(train_coefficients, test_coefficients, m, bits)
    return float(m * bits), prior_code_bits(train_levels, test_levels, 2**bits)


def widest_code_within(model, train_signal, test_signal, bits: int, frame_bits: float):
    """The same model keeping as many coefficients per frame as fit in ``frame_bits``
    when positions and values are coded with their learned priors.

    The priors are counted on ``train_signal`` (:func:`position_bits`,
    :func:`value_bits`); a frame's cost is its positions' and values' ideal code
    lengths on ``test_signal`` plus its share of the values' ranges (``2 m`` float32
    numbers a clip). Returns a copy of ``model`` (same windows, gains and
    refinement) with the largest such ``m``: what the bits a prior saves buy, at
    equal bits. Quantize and decode it with :func:`lapped_quantized_roundtrip`.

    Used in: 07_compression, scripts/measure_lapped.py.
    """
    if not isinstance(model, LappedAutoencoder):
        raise SignalError(
            "widest_code_within needs a LappedAutoencoder (a sparse code of values and positions)."
        )
    if not (np.isfinite(frame_bits) and frame_bits > 0):
        raise SettingError(
            f"frame_bits must be a positive number of bits a frame; got {frame_bits!r}. "
            "For example model.m * (8 + bits), what the uniform code spends."
        )
    train, test = _analysed(model, train_signal), _analysed(model, test_signal)
    best = None
    for m in range(1, model.hop):
        cost = (
            _position_bits(train, test, m)[1]
            + _value_bits(train, test, m, bits)[1]
            + 2 * m * 32 / len(test)
        )
        if cost > frame_bits:
            break
        best = m
    if best is None:
        raise SettingError(
            f"Not even one coefficient a frame fits in frame_bits={frame_bits:g}; give more bits."
        )
    wider = LappedAutoencoder(model.hop, best, model.refine_width, model.l2)
    wider(np.zeros((1, 4 * model.hop), np.float32))
    wider.set_weights(model.get_weights())
    return wider


def _crops(signals, hop: int, length: int, batch_size: int, rng) -> np.ndarray:
    """``batch_size`` random crops of ``length`` samples from the signals (chosen by their length)."""
    sizes = np.array([len(s) for s in signals], float)
    which = rng.choice(len(signals), size=batch_size, p=sizes / sizes.sum())
    batch = np.empty((batch_size, length), np.float32)
    for row, index in enumerate(which):
        start = rng.integers(0, len(signals[index]) - length + 1)
        batch[row] = signals[index][start : start + length]
    return batch


def train_lapped(
    model,
    signals,
    steps: int = 1000,
    batch_size: int = 16,
    crop_hops: int = 16,
    learning_rate: float = 1e-3,
    seed: int = 0,
    progress: bool | None = None,
) -> float:
    """Adam on the waveform's squared error relative to its variance, on random crops; returns the last loss.

    ``signals``: one training signal or a list of them (e.g. all the bundled
    music but the held-out part). Works for :class:`LappedAutoencoder` and
    for :func:`build_conv_autoencoder`'s models. The loss compares the crop's
    middle (every sample covered by two frames) with the output. ``progress``:
    a line that moves while it trains (:class:`course_utils.monitor.TrainingProgress`);
    ``None``, the default, shows it only in a notebook.

    Used in: 05_evaluating, 13_capstone, benchmarks/codes.py, scripts/make_weights.py,
    scripts/measure_lapped.py.
    """
    steps = positive_int(steps, "steps (optimizer steps)", "steps=2000")
    signals = [
        np.asarray(s, np.float32).ravel()
        for s in ([signals] if np.ndim(signals[0]) == 0 else signals)
    ]
    lapped = isinstance(model, LappedAutoencoder)
    hop = model.hop if lapped else model.get_layer("encoder").get_layer("analysis").strides[0]
    length = (crop_hops + 1) * hop
    if min(len(s) for s in signals) < length:
        raise SignalError(
            f"Every training signal needs at least {length} samples (crop_hops + 1 hops)."
        )
    variance = float(np.mean([np.var(s) for s in signals]))
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, int(steps), alpha=0.05)
    optimizer = keras.optimizers.Adam(schedule)

    @tf.function
    def step(batch):
        with tf.GradientTape() as tape:
            out = model(batch) if lapped else model(batch[..., None], training=True)[..., 0]
            error = out[:, hop:-hop] - batch[:, hop:-hop]
            loss = tf.reduce_mean(tf.square(error)) / variance
            total = loss + (tf.add_n(model.losses) if model.losses else 0.0)
        grads = tape.gradient(total, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    from .monitor import progress as progress_line

    with progress_line(total=int(steps), unit="steps", show=progress) as bar:
        for _ in range(int(steps)):
            loss = step(tf.constant(_crops(signals, hop, length, batch_size, rng)))
            bar.update(loss=loss)  # read only when the line is redrawn
    return float(loss)


def save_lapped_weights(model, path, overwrite: bool = False, **metadata) -> Path:
    """Write a :class:`LappedAutoencoder`'s weights to ``path`` (.npz) and a ``.json`` with their SHA-256.

    An existing file is replaced only with ``overwrite=True`` (:func:`course_utils.data.save_weights`).

    Used in: scripts/make_weights.py.
    """
    from .data import save_weights

    arrays = {f"w{index}": w.numpy() for index, w in enumerate(model.weights)}
    record = {
        "hop": model.hop,
        "m": model.m,
        "refine": model.refine_width,
        "l2": model.l2,
        **metadata,
    }
    return save_weights(path, arrays, record, overwrite=overwrite)


def load_lapped_autoencoder(path) -> LappedAutoencoder:
    """The lapped autoencoder saved at ``path``, after checking its SHA-256 against the ``.json``.

    Used in: 05_evaluating, 05_going_further_transform_coding, 07_compression, 13_capstone.
    """
    from .data import load_weights

    stored, record = load_weights(path)
    model = build_lapped_autoencoder(
        int(record["hop"]), int(record["m"]), int(record["refine"]), float(record["l2"])
    )
    for index, weight in enumerate(model.weights):
        weight.assign(stored[f"w{index}"])
    model.training_record = record
    return model
