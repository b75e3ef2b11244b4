"""Autoencoder models: the article's, and ones with a real bottleneck.

- :class:`ArticleAutoencoder` reproduces the article's model exactly: a
  subclassed ``keras.Model`` with ``Dense(100, relu)`` and a sigmoid output.
  Applied to ``data.reshape(-1, 1)``, its input is *one sample*, so the
  "code" is 100 times wider than the input and nothing is compressed.
- :func:`build_dense_autoencoder` (functional API) maps a frame of many
  samples through a narrow code and back, with a linear output that can
  produce negative values: the course's canonical model.

``ArticleAutoencoder`` and ``build_dense_autoencoder`` are harvested from
lesson 03, where the learner writes them in cells marked ``#@save``;
``tests/test_harvest.py`` checks that the two stay the same model.

Importing this module imports TensorFlow: call ``setup_notebook()`` first.

Used in: 03_building_the_autoencoder, 04_training, 05_evaluating, 06_troubleshooting,
07_compression, 07_going_further_codecs, 10_recognition, 11_synthesis, 12_efficiency_and_scale,
benchmarks/codec.py, benchmarks/codes.py, benchmarks/trainers.py, scripts/make_weights.py.
"""

from __future__ import annotations

import keras
import numpy as np

from .errors import SettingError, SignalError
from .settings import HIDDEN

__all__ = [
    "ArticleAutoencoder",
    "build_dense_autoencoder",
    "build_pca_residual_autoencoder",
    "sigmoid_loss_floor",
    "check_model_input",
]


class ArticleAutoencoder(keras.Model):
    """The article's autoencoder, line for line (``input_shape`` aside).

    ``Dense(hidden_dim, relu)`` then ``Dense(output_dim, sigmoid)``. The
    article also passes ``input_shape`` to the first layer, which Keras 3
    ignores with a warning, so it is left out here. Lesson 03 writes this
    class in a ``#@save`` cell; ``tests/test_harvest.py`` checks both agree.

    ``output_activation`` (not in the article) swaps the sigmoid for another
    activation; ``None`` gives a linear output, which shows that the same
    model then learns to copy its input.

    Used in: 03_building_the_autoencoder, 04_training, 12_efficiency_and_scale,
    benchmarks/trainers.py.
    """

    def __init__(
        self,
        input_dim: int,
        hidden_dim: int,
        output_dim: int,
        output_activation: str | None = "sigmoid",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.hidden_dim = hidden_dim
        self.output_dim = output_dim
        self.encoder = keras.layers.Dense(hidden_dim, activation="relu")
        self.decoder = keras.layers.Dense(output_dim, activation=output_activation)

    def call(self, inputs):
        encoded = self.encoder(inputs)
        decoded = self.decoder(encoded)
        return decoded


def build_dense_autoencoder(
    frame_length: int,
    code_size: int,
    hidden_sizes=(HIDDEN,),
    activation: str = "relu",
    output_activation: str | None = None,
    code_activation: str | None = None,
    dropout: float = 0.0,
    l2: float = 0.0,
    batch_norm: bool = False,
    kernel_initializer: str = "he_uniform",
    name: str = "autoencoder",
):
    """Build a dense autoencoder with the functional API: the course's canonical model.

    ``frame_length -> hidden_sizes -> code_size -> reversed(hidden_sizes) -> frame_length``,
    ``activation`` (ReLU) in the hidden layers, a linear code and a linear
    output. With the defaults it is exactly the builder the learner writes in
    lesson 03 (``tests/test_harvest.py``); the options (dropout, L2 weight
    penalty, batch normalization, other activations) serve lesson 06 and the
    applications. Works for waveform frames (``frame_length`` samples) and for
    spectrogram frames (``frame_length`` frequency bins) alike.

    Returns ``(autoencoder, encoder, decoder)``: three ``keras.Model``
    objects sharing the same layers, so after training the autoencoder,
    ``encoder.predict`` gives codes and ``decoder.predict`` turns codes back
    into frames.

    Used in: 03_building_the_autoencoder, 04_training, 05_evaluating, 06_troubleshooting,
    07_compression, 07_going_further_codecs, 10_recognition, 11_synthesis, 12_efficiency_and_scale,
    benchmarks/codes.py, scripts/make_weights.py.
    """
    from .checks import is_number, positive_int

    frame_length = positive_int(frame_length, "frame_length", "frame_length=256")
    code_size = positive_int(code_size, "code_size", "code_size=32")
    if not is_number(l2) or not np.isfinite(float(l2)) or l2 < 0:
        raise SettingError(
            f"l2 must be a finite number >= 0 (the weight penalty; 0 for none); got {l2!r}. For example l2=1e-4."
        )
    if code_size >= frame_length:
        raise SettingError(
            f"code_size={code_size} is not smaller than frame_length={frame_length}: the model "
            "could copy its input and would compress nothing. Choose a smaller code."
        )
    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None

    def dense_block(x, width, block_name):
        if not batch_norm:  # the plain case: one Dense layer with its activation, as in lesson 03
            x = keras.layers.Dense(
                width,
                activation=activation,
                kernel_initializer=kernel_initializer,
                kernel_regularizer=regularizer,
                name=block_name,
            )(x)
        else:  # Dense (no bias: batch normalization has its own shift), normalize, then activate
            x = keras.layers.Dense(
                width,
                kernel_initializer=kernel_initializer,
                kernel_regularizer=regularizer,
                use_bias=False,
                name=block_name,
            )(x)
            x = keras.layers.BatchNormalization(name=f"{block_name}_bn")(x)
            x = keras.layers.Activation(activation, name=f"{block_name}_{activation}")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"{block_name}_dropout")(x)
        return x

    inputs = keras.Input(shape=(frame_length,), name="frame")
    x = inputs
    for index, width in enumerate(hidden_sizes):
        x = dense_block(x, width, f"encoder_{index}")
    code = keras.layers.Dense(code_size, activation=code_activation, name="code")(x)
    encoder = keras.Model(inputs, code, name="encoder")

    code_input = keras.Input(shape=(code_size,), name="code_in")
    y = code_input
    for index, width in enumerate(reversed(hidden_sizes)):
        y = dense_block(y, width, f"decoder_{index}")
    output = keras.layers.Dense(frame_length, activation=output_activation, name="reconstruction")(
        y
    )
    decoder = keras.Model(code_input, output, name="decoder")

    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    return autoencoder, encoder, decoder


def sigmoid_loss_floor(targets) -> float:
    """The lowest MSE any model with a sigmoid output can reach on ``targets``.

    A sigmoid outputs values in (0, 1). The closest it can get to a target
    ``t`` is ``t`` itself when ``0 <= t <= 1``, 0 when ``t < 0`` and 1 when
    ``t > 1``. The floor is the mean squared distance that remains. For
    standardized audio, about half the samples are negative, so the floor is
    large.

    Used in: 03_building_the_autoencoder, benchmarks/trainers.py.
    """
    targets = np.asarray(targets, dtype=np.float64)
    closest = np.clip(targets, 0.0, 1.0)
    return float(np.mean((targets - closest) ** 2))


def _expected_input(model) -> tuple[int, int | None] | None:
    """``(ndim, width)`` a model takes, or None when it cannot be known before a call.

    Functional and Sequential models declare ``input_shape``; the course's
    subclassed models know their width (``ArticleAutoencoder.input_dim``);
    another built subclassed model is read from its first weight matrix.
    """
    try:
        shape = model.input_shape
    except (AttributeError, ValueError, RuntimeError):
        shape = None
    if isinstance(shape, tuple) and shape and not isinstance(shape[0], (tuple, list)):
        return len(shape), shape[-1]
    for attribute in ("input_dim",):
        width = getattr(model, attribute, None)
        if isinstance(width, (int, np.integer)) and not isinstance(width, bool):
            return 2, int(width)
    if getattr(model, "built", False):
        for layer in getattr(model, "_flatten_layers", lambda: [])():
            kernel = getattr(layer, "kernel", None)
            if kernel is not None and len(kernel.shape) == 2:
                return 2, int(kernel.shape[0])
    return None


def check_model_input(model, x, name: str = "input") -> np.ndarray:
    """Check an array fits a model's input before Keras sees it.

    Keras reports a wrong shape from deep inside TensorFlow (or, for a
    subclassed model called for the first time, quietly builds it for the
    wrong width); this says which dimension is wrong and how to fix it.
    Works for functional models, for :class:`ArticleAutoencoder` and for any
    built subclassed model. Every trainer in :mod:`course_utils.training`
    calls it before training. Returns ``x`` as float32.

    Used in: 03_building_the_autoencoder.
    """
    from .audio import check_signal

    x = np.asarray(x)
    expected = _expected_input(model)
    if expected is not None:
        expected_ndim, expected_width = expected
        if x.ndim != expected_ndim:
            hint = (
                " Use frame_signal(x, frame_length, hop_length) to turn a 1-D signal into frames."
                if x.ndim == 1
                else ""
            )
            raise SignalError(
                f"{name} has shape {x.shape}, but the model expects {expected_ndim}-D input "
                f"of shape (batch, {expected_width}).{hint}"
            )
        if expected_width is not None and x.shape[-1] != expected_width:
            raise SignalError(
                f"{name} rows have {x.shape[-1]} values, but the model was built for "
                f"{expected_width}. Frame the audio with frame_length={expected_width}, "
                "or build the model for the frame length you use."
            )
    check_signal(x.ravel(), name=name)
    return x.astype(np.float32)


def build_pca_residual_autoencoder(
    pca_codec, hidden_size: int = 512, activation: str = "gelu", scale: float | None = None
):
    """An autoencoder that starts as PCA and learns only what PCA cannot.

    The code is a linear path, initialized to PCA's projection, plus a
    nonlinear correction (a hidden layer whose output weights start at zero);
    the decoder likewise is PCA's inverse plus a nonlinear correction. Before
    training, the model *is* the PCA codec, so training can only move it from
    the best linear answer towards a better nonlinear one. This is how the
    course's best autoencoder beats PCA at the same code size.

    Parameters
    ----------
    pca_codec : course_utils.baselines.PCACodec
        A fitted codec; its code size and frame length define the model.
    hidden_size : int
        Width of the hidden layer of each correction.
    activation : str
        Activation of the hidden layers.
    scale : float, optional
        Typical amplitude of the frames (their standard deviation). The
        hidden layers see frames divided by it, so they train well whatever
        the loudness. Default: from the PCA's mean explained variance.

    Returns ``(autoencoder, encoder, decoder)``, sharing layers, on raw frames.

    Used in: benchmarks/codec.py, benchmarks/codes.py.
    """
    pca = getattr(pca_codec, "pca", None)
    if pca is None:
        raise SignalError("The PCA codec is not fitted: call codec.fit(training_audio) first.")
    components = pca.components_.T.astype(np.float32)  # (frame_length, code_size)
    mean = pca.mean_.astype(np.float32)
    frame_length, code_size = components.shape
    if scale is None:
        scale = float(np.sqrt(np.sum(pca.explained_variance_) / frame_length)) or 1.0

    frames = keras.Input(shape=(frame_length,), name="frame")
    linear_code = keras.layers.Dense(code_size, name="pca_projection")(frames)
    hidden = keras.layers.Dense(hidden_size, activation=activation, name="encoder_hidden")(
        keras.layers.Rescaling(1.0 / scale, name="encoder_scale")(frames)
    )
    correction = keras.layers.Dense(
        code_size, kernel_initializer="zeros", name="encoder_correction"
    )(hidden)
    code = keras.layers.Add(name="code")(
        [linear_code, keras.layers.Rescaling(scale, name="code_scale")(correction)]
    )
    encoder = keras.Model(frames, code, name="encoder")

    code_input = keras.Input(shape=(code_size,), name="code_in")
    linear_frame = keras.layers.Dense(frame_length, name="pca_inverse")(code_input)
    hidden = keras.layers.Dense(hidden_size, activation=activation, name="decoder_hidden")(
        keras.layers.Rescaling(1.0 / scale, name="decoder_scale")(code_input)
    )
    correction = keras.layers.Dense(
        frame_length, kernel_initializer="zeros", name="decoder_correction"
    )(hidden)
    reconstruction = keras.layers.Add(name="reconstruction")(
        [linear_frame, keras.layers.Rescaling(scale, name="output_scale")(correction)]
    )
    decoder = keras.Model(code_input, reconstruction, name="decoder")

    encoder.get_layer("pca_projection").set_weights([components, -(mean @ components)])
    decoder.get_layer("pca_inverse").set_weights([components.T, mean])
    autoencoder = keras.Model(frames, decoder(encoder(frames)), name="pca_residual_autoencoder")
    return autoencoder, encoder, decoder
