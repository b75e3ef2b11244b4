"""Exercises for 03_building_the_autoencoder: the sigmoid floor, parameters, compression, a builder.

q3 is open: the learner writes a model builder; the checker builds it at small
sizes, inspects the layers, trains it briefly on small data and measures it.
``article``, ``loop`` and ``builder`` check the lesson's ``#@save`` cells, which the learner
writes: ``ArticleAutoencoder``, ``article_training_loop`` and ``build_dense_autoencoder``.

Used in: 03_building_the_autoencoder.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import warnings

import numpy as np

from ..checks import is_close, is_number, is_whole_number
from ..i18n import N_, tr
from ..settings import HIDDEN
from ._core import Exercise, Incorrect, _mistaken_training

__all__ = ["q1", "q2", "q3", "q4", "article", "loop", "builder"]


# --- q1: the sigmoid floor by hand --------------------------------------------------------------


def _q1_context():
    rng = np.random.default_rng(3)
    # Heavy-tailed like music: some samples far above 1, about half below 0.
    return {"targets": (rng.standard_t(df=4, size=400) / np.sqrt(2.0)).astype(np.float32)}


def _q1_solution(targets):
    targets = np.asarray(targets, dtype=np.float64)
    closest = np.clip(targets, 0.0, 1.0)  # the best a sigmoid can do for each target
    return float(np.mean((targets - closest) ** 2))


def _q1_check(answer, targets):
    if not is_number(answer):
        raise Incorrect(
            tr("Give one number: the lowest mean squared error a sigmoid output can reach.")
        )
    t = np.asarray(targets, dtype=np.float64)
    expected = _q1_solution(t)
    if is_close(answer, expected):
        return
    if is_close(answer, float(np.mean(np.minimum(t, 0.0) ** 2))):
        raise Incorrect(
            tr(
                "You counted the negative samples but not those above 1: a sigmoid cannot reach them "
                "either."
            )
        )
    if is_close(answer, float(np.mean(t[t < 0] ** 2))):
        raise Incorrect(
            tr(
                "That averages over the negative samples only. The loss is a mean over *all* "
                "samples, including the ones a sigmoid can reach exactly."
            )
        )
    if is_close(answer, float(np.mean((t - 1.0 / (1.0 + np.exp(-t))) ** 2))):
        raise Incorrect(
            tr(
                "That is the error of one particular model, sigmoid(target). The floor is the best "
                "that *any* sigmoid output could do, target by target."
            )
        )
    if float(answer) < 0:
        raise Incorrect(tr("A mean of squares cannot be negative."))
    if float(answer) < expected:
        raise Incorrect(tr("Too low: no sigmoid output can get that close to these targets."))
    raise Incorrect(tr("Too high: a sigmoid output can do better than that on these targets."))


q1 = Exercise(
    N_("Exercise 1: the sigmoid floor by hand"),
    _q1_check,
    [
        N_(
            "Take one target at a time. For t = -0.7, t = 0.4 and t = 2.3, which output between 0 "
            "and 1 is closest to t?"
        ),
        N_(
            "NumPy has one function that moves every value of an array to the nearest point of an "
            "interval. Apply it to `targets`."
        ),
        N_(
            "The floor is a mean squared error: between `targets` and that nearest reachable value, "
            "averaged over all samples."
        ),
    ],
    _q1_solution,
    context=_q1_context,
    wrong_answers=[
        (lambda ctx: float(np.mean(np.minimum(ctx["targets"], 0.0) ** 2)), "above 1"),
        (lambda ctx: float(np.mean(ctx["targets"][ctx["targets"] < 0] ** 2)), "*all*"),
        (
            lambda ctx: float(np.mean((ctx["targets"] - 1 / (1 + np.exp(-ctx["targets"]))) ** 2)),
            "*any*",
        ),
        (lambda ctx: 2 * _q1_solution(**ctx), "Too high"),
        (1e-4, "Too low"),
        ("0.5", "one number"),
    ],
)


# --- q2: count the parameters of a dense autoencoder --------------------------------------------


def _q2_context():
    return {"frame_length": 128, "hidden_size": 64, "code_size": 16}


def _q2_solution(frame_length, hidden_size, code_size):
    def dense(inputs, outputs):
        return inputs * outputs + outputs  # weights + one bias per output

    encoder = dense(frame_length, hidden_size) + dense(hidden_size, code_size)
    decoder = dense(code_size, hidden_size) + dense(hidden_size, frame_length)
    return encoder + decoder


def _q2_check(answer, frame_length, hidden_size, code_size):
    if not is_whole_number(answer):
        raise Incorrect(tr("Give one whole number: the count of weights and biases."))
    answer = int(answer)
    expected = _q2_solution(frame_length, hidden_size, code_size)
    if answer == expected:
        return
    f, h, c = frame_length, hidden_size, code_size
    if answer == f * h + h * c + c * h + h * f:
        raise Incorrect(tr("You counted the weights but not the biases."))
    encoder = f * h + h + h * c + c
    if answer == encoder:
        raise Incorrect(tr("That is the encoder alone; the decoder has parameters of its own."))
    if answer == 2 * encoder:
        raise Incorrect(
            tr(
                "The two halves mirror each other but are not the same size: look at the biases of "
                "each half's layers."
            )
        )
    raise Incorrect(tr("Not that count: check which layers you included and what each one holds."))


q2 = Exercise(
    N_("Exercise 2: count the parameters"),
    _q2_check,
    [
        N_(
            "List the layers with their sizes first: frame -> hidden -> code, then code -> hidden -> frame."
        ),
        N_(
            "The Dense picture in section 2 counts one layer: one weight per line, one bias per output."
        ),
        N_(
            "Check your count against a model: `build_dense_autoencoder(...)` then `.count_params()`."
        ),
    ],
    _q2_solution,
    context=_q2_context,
    wrong_answers=[
        (
            lambda ctx: (
                2 * ctx["frame_length"] * ctx["hidden_size"]
                + 2 * ctx["hidden_size"] * ctx["code_size"]
            ),
            "biases",
        ),
        (
            lambda ctx: (
                ctx["frame_length"] * ctx["hidden_size"]
                + ctx["hidden_size"]
                + ctx["hidden_size"] * ctx["code_size"]
                + ctx["code_size"]
            ),
            "encoder alone",
        ),
        (
            lambda ctx: (
                2
                * (
                    ctx["frame_length"] * ctx["hidden_size"]
                    + ctx["hidden_size"]
                    + ctx["hidden_size"] * ctx["code_size"]
                    + ctx["code_size"]
                )
            ),
            "mirror",
        ),
        (12345, "which layers"),
        (1.5, "whole number"),
    ],
)


# --- q4: compression ratio with a float32 code --------------------------------------------------


def _q4_context():
    return {"frame_length": 256, "code_size": 32, "input_bits": 16, "code_bits": 32}


def _q4_solution(frame_length, code_size, input_bits, code_bits):
    from course_utils.metrics import compression_ratio

    return compression_ratio(frame_length, code_size, input_bits=input_bits, code_bits=code_bits)


def _q4_check(answer, frame_length, code_size, input_bits, code_bits):
    if not is_number(answer):
        raise Incorrect(
            tr("Give one number: how many times smaller the code is than the frame, in bits.")
        )
    expected = _q4_solution(frame_length, code_size, input_bits, code_bits)
    if is_close(answer, expected):
        return
    if is_close(answer, frame_length / code_size):
        raise Incorrect(
            tr("That counts numbers, not bits: a code value and an input sample differ in size.")
        )
    if is_close(answer, 1.0 / expected):
        raise Incorrect(tr("The ratio is upside down: the larger side goes on top."))
    raise Incorrect(tr("Not that ratio: check the sizes you used for the frame and for the code."))


q4 = Exercise(
    N_("Exercise 4: compression ratio with a float32 code"),
    _q4_check,
    [
        N_(
            "How many bits does one frame of 16-bit audio take? And its code, 32 numbers of 32 bits?"
        ),
        N_("The ratio compares those two bit counts; it is above 1 when the code is smaller."),
        N_("`course_utils.metrics.compression_ratio` takes both bit depths, if you want to check."),
    ],
    _q4_solution,
    context=_q4_context,
    wrong_answers=[
        (lambda ctx: ctx["frame_length"] / ctx["code_size"], "not bits"),
        (lambda ctx: 1.0 / _q4_solution(**ctx), "upside down"),
        (16, "check the sizes"),
        ("4", "one number"),
    ],
)


# --- q3 (open): write a funnel-shaped builder ----------------------------------------------------

#: The small sizes q3's checker builds the learner's model at: (frame_length, code_size) -> hidden widths.
Q3_CASES = {(64, 8): (32, 16), (48, 4): (24, 12, 6)}


def _q3_solution():
    from course_utils.models import build_dense_autoencoder

    def build_funnel_autoencoder(frame_length, code_size):
        widths = []
        width = frame_length // 2
        while width > code_size:  # halve until the next width would reach the code
            widths.append(width)
            width //= 2
        return build_dense_autoencoder(frame_length, code_size, hidden_sizes=tuple(widths))

    return build_funnel_autoencoder


def _q3_frames(frame_length, n=256, rank=3, seed=0):
    """Small frames that a code of a few numbers can hold: sums of ``rank`` fixed waves."""
    rng = np.random.default_rng(seed)
    t = np.arange(frame_length)
    waves = np.stack([np.sin(2 * np.pi * (k + 1) * t / frame_length + k) for k in range(rank)])
    return (rng.normal(size=(n, rank)) @ waves).astype(np.float32)


def _dense_widths(model):
    from course_utils.diagrams import layer_sizes

    return [width for _, width, _ in layer_sizes(model)]


def _q3_check(answer):
    import keras

    from course_utils.training import train_minibatch

    if not callable(answer):
        raise Incorrect(
            tr("Pass your function itself, `build_funnel_autoencoder`, without calling it.")
        )
    for (frame_length, code_size), hidden in Q3_CASES.items():
        keras.utils.set_random_seed(0)
        try:
            built = answer(frame_length, code_size)
        except Exception as problem:  # the learner's code may fail in any way; say where
            raise Incorrect(
                tr(
                    "Calling it with frame_length={frame_length}, code_size={code_size} raised "
                    "{kind}: {problem}"
                ).format(
                    frame_length=frame_length,
                    code_size=code_size,
                    kind=type(problem).__name__,
                    problem=problem,
                )
            ) from None
        if not (
            isinstance(built, tuple)
            and len(built) == 3
            and all(isinstance(part, keras.Model) for part in built)
        ):
            raise Incorrect(
                tr(
                    "Return three Keras models, (autoencoder, encoder, decoder), as "
                    "build_dense_autoencoder does."
                )
            )
        autoencoder, encoder, decoder = built
        if tuple(encoder.output_shape) != (None, code_size):
            raise Incorrect(
                tr(
                    "For frame_length={frame_length}, code_size={code_size} the encoder outputs shape "
                    "{output_shape}; the code should be code_size numbers per frame."
                ).format(
                    frame_length=frame_length,
                    code_size=code_size,
                    output_shape=encoder.output_shape,
                )
            )
        if tuple(autoencoder.output_shape) != (None, frame_length):
            raise Incorrect(
                tr(
                    "The autoencoder's output has shape {output_shape}; it should rebuild whole frames."
                ).format(output_shape=autoencoder.output_shape)
            )
        widths = _dense_widths(autoencoder)
        encoder_widths = tuple(widths[1 : len(widths) // 2])
        if encoder_widths != hidden:
            raise Incorrect(
                tr(
                    "For frame_length={frame_length}, code_size={code_size} your encoder's hidden layers "
                    "are {encoder_widths}. Each should be half as wide as the layer before it, and none "
                    "as narrow as the code."
                ).format(
                    frame_length=frame_length, code_size=code_size, encoder_widths=encoder_widths
                )
            )
        if tuple(widths[len(widths) // 2 + 1 : -1]) != hidden[::-1]:
            raise Incorrect(
                tr(
                    "The decoder's hidden layers are {widths}; they should mirror the encoder's."
                ).format(widths=tuple(widths[len(widths) // 2 + 1 : -1]))
            )

    frame_length, code_size = next(iter(Q3_CASES))  # train the first case's model briefly
    keras.utils.set_random_seed(0)
    autoencoder, encoder, decoder = answer(frame_length, code_size)
    frames = _q3_frames(frame_length)
    through = np.asarray(autoencoder(frames[:8]))
    chained = np.asarray(decoder(encoder(frames[:8])))
    if not np.allclose(through, chained, atol=1e-5):
        raise Incorrect(
            tr(
                "autoencoder(x) differs from decoder(encoder(x)): the three models must share the "
                "same layers."
            )
        )
    train_minibatch(
        autoencoder, frames, steps=200, batch_size=64, learning_rate=3e-3, eval_every=200, seed=0
    )
    rebuilt = np.asarray(decoder(encoder(frames)))
    if rebuilt.min() >= 0 and frames.min() < 0:
        raise Incorrect(
            tr(
                "After training, the reconstructions are never negative, but half of the samples are."
            )
        )
    error = float(np.mean((rebuilt - frames) ** 2) / np.mean(frames**2))
    if error > 0.2:
        raise Incorrect(
            tr(
                "Trained for 200 steps on small frames that a code of {code_size} can hold, the "
                "model still loses {error:.0%} of their power. Look at each layer's activation."
            ).format(code_size=code_size, error=error)
        )


def _wrong_builder(hidden_of, output_activation=None, shared=True, code_activation=None):
    """A builder with a typical mistake, for the tests."""

    def build(frame_length, code_size):
        from course_utils.models import build_dense_autoencoder

        hidden = hidden_of(frame_length, code_size)
        made = build_dense_autoencoder(
            frame_length,
            code_size,
            hidden_sizes=hidden,
            output_activation=output_activation,
            code_activation=code_activation,
        )
        if shared:
            return made
        fresh = build_dense_autoencoder(frame_length, code_size, hidden_sizes=hidden)
        return made[0], fresh[1], fresh[2]

    return build


def _funnel(frame_length, code_size):
    return Q3_CASES[(frame_length, code_size)]


q3 = Exercise(
    N_("Exercise 3: a funnel-shaped autoencoder"),
    _q3_check,
    [
        N_(
            "Your `build_dense_autoencoder` already takes any list of hidden widths. What changes "
            "here is only that list."
        ),
        N_(
            "Compute the widths first, in a loop, and print them for frame_length=256, code_size=32 "
            "before you build anything."
        ),
        N_("Check where your loop stops: the last hidden layer must still be wider than the code."),
    ],
    _q3_solution,
    wrong_answers=[
        (lambda ctx: _wrong_builder(lambda f, c: (f // 2,)), "half as wide"),
        (lambda ctx: _wrong_builder(lambda f, c: _funnel(f, c) + (c,)), "none as narrow"),
        (lambda ctx: _wrong_builder(_funnel, output_activation="sigmoid"), "never negative"),
        (lambda ctx: _wrong_builder(_funnel, shared=False), "share"),
        (lambda ctx: lambda f, c: _wrong_builder(_funnel)(f, c)[0], "three Keras models"),
        (lambda ctx: _q3_solution()(64, 8), "without calling it"),
    ],
)


# --- the #@save cells: the learner writes the article's model, its loop and the builder ----------
#
# Each check builds the learner's code at small sizes, compares it with the course's copy
# (course_utils.models / course_utils.training) and names what differs in the learner's terms.


def _raised(call_text, problem):
    return Incorrect(
        tr("{call} raised {kind}: {problem}").format(
            call=call_text, kind=type(problem).__name__, problem=problem
        )
    )


def _activation(layer):
    return getattr(getattr(layer, "activation", None), "__name__", "linear")


def _article_solution():
    import keras
    from keras import layers

    class ArticleAutoencoder(keras.Model):
        def __init__(
            self, input_dim, hidden_dim, output_dim, output_activation="sigmoid", **kwargs
        ):
            super().__init__(**kwargs)
            self.input_dim = input_dim
            self.hidden_dim = hidden_dim
            self.output_dim = output_dim
            self.encoder = layers.Dense(hidden_dim, activation="relu")
            self.decoder = layers.Dense(output_dim, activation=output_activation)

        def call(self, inputs):
            encoded = self.encoder(inputs)
            decoded = self.decoder(encoded)
            return decoded

    return ArticleAutoencoder


#: The sizes the model check builds: input_dim = output_dim = 1 as in the article, a small hidden layer.
ARTICLE_CASE = {"input_dim": 1, "hidden_dim": 7, "output_dim": 1}


def _build_article(answer, output_activation, **sizes):
    import keras

    keras.utils.set_random_seed(0)
    arguments = ", ".join(f"{key}={value}" for key, value in sizes.items())
    call_text = tr("`ArticleAutoencoder({arguments})`").format(arguments=arguments)
    try:
        model = answer(**sizes, output_activation=output_activation, name="checked_model")
    except TypeError as problem:
        if "name" in str(problem) or "keyword" in str(problem):
            raise Incorrect(
                tr(
                    "{call} does not accept Keras's own arguments such as name=: keep `**kwargs` "
                    "in the signature and pass it on, `super().__init__(**kwargs)`."
                ).format(call=call_text)
            ) from None
        raise _raised(call_text, problem) from None
    except Exception as problem:  # the learner's code may fail in any way; say where
        raise _raised(call_text, problem) from None
    try:
        name = model.name
    except AttributeError:
        raise Incorrect(
            tr(
                "Your model never calls `super().__init__(**kwargs)`: a keras.Model subclass must "
                "call it first in `__init__`, before creating its layers."
            )
        ) from None
    if name != "checked_model":
        raise Incorrect(
            tr(
                "Your model was created with name='checked_model' but is called '{name}': pass "
                "`**kwargs` on, `super().__init__(**kwargs)`, so that Keras gets its own arguments."
            ).format(name=name)
        )
    return model


def _article_check(answer):
    import keras

    if isinstance(answer, keras.Model):
        raise Incorrect(
            tr(
                "That is a model built from your class; pass the class itself, `ArticleAutoencoder`."
            )
        )
    if not (isinstance(answer, type) and issubclass(answer, keras.Model)):
        raise Incorrect(
            tr("Pass your class itself, `ArticleAutoencoder`: a subclass of `keras.Model`.")
        )
    sizes = ARTICLE_CASE
    x = np.linspace(-2.0, 2.0, 5, dtype=np.float32).reshape(-1, 1)
    for output_activation, expected in (("sigmoid", "sigmoid"), (None, "linear"), ("tanh", "tanh")):
        model = _build_article(answer, output_activation, **sizes)
        for attribute in ("encoder", "decoder"):
            if not isinstance(getattr(model, attribute, None), keras.layers.Dense):
                raise Incorrect(
                    tr(
                        "Your model has no Dense layer `self.{attribute}`: the lesson's next cells "
                        "read `self.encoder` and `self.decoder`."
                    ).format(attribute=attribute)
                )
        for attribute in ("input_dim", "hidden_dim", "output_dim"):
            if getattr(model, attribute, None) != sizes[attribute]:
                raise Incorrect(
                    tr(
                        "Keep the sizes on the model: `self.{attribute} = {attribute}` (the diagram "
                        "and the checks read them)."
                    ).format(attribute=attribute)
                )
        try:
            with warnings.catch_warnings():  # Keras warns about an unused layer; the check says it
                warnings.simplefilter("ignore")
                output = np.asarray(model(x))
        except Exception as problem:  # noqa: BLE001 - say whose code failed, in the learner's terms
            raise _raised(tr("Calling your model on 5 rows of 1 number"), problem) from None
        for attribute, role in (("encoder", tr("the hidden layer")), ("decoder", tr("the output"))):
            if not getattr(model, attribute).built:
                raise Incorrect(
                    tr(
                        "`self.{attribute}` is created in `__init__` but `call` never uses it: "
                        "{role} must be part of the computation."
                    ).format(attribute=attribute, role=role)
                )
        if output.ndim != 2 or output.shape[0] != len(x):
            raise Incorrect(
                tr(
                    "For 5 rows your model returns shape {shape}; it should return one row per "
                    "input row."
                ).format(shape=output.shape)
            )
        if output.shape[1] != sizes["output_dim"]:
            raise Incorrect(
                tr(
                    "Your decoder outputs {width} numbers per row; each row of the data has "
                    "{expected} (output_dim)."
                ).format(width=output.shape[1], expected=sizes["output_dim"])
            )
        if model.encoder.units != sizes["hidden_dim"]:
            raise Incorrect(
                tr("Your encoder has {units} units; it should have hidden_dim of them.").format(
                    units=model.encoder.units
                )
            )
        if _activation(model.encoder) != "relu":
            raise Incorrect(
                tr(
                    "Your encoder's activation is {activation}; the article's hidden layer uses relu."
                ).format(activation=_activation(model.encoder))
            )
        if _activation(model.decoder) != expected:
            if output_activation is None or _activation(model.decoder) == "sigmoid":
                raise Incorrect(
                    tr(
                        "Asked for output_activation={asked}, your decoder uses {activation}: pass "
                        "the argument `output_activation` to the decoder instead of a fixed "
                        "activation."
                    ).format(asked=repr(output_activation), activation=_activation(model.decoder))
                )
            raise Incorrect(
                tr("Asked for output_activation={asked}, your decoder uses {activation}.").format(
                    asked=repr(output_activation), activation=_activation(model.decoder)
                )
            )
        if not np.all(np.isfinite(output)):
            raise Incorrect(tr("Your model's output holds NaN or infinite values."))
        kernel_1, bias_1 = (np.asarray(w) for w in model.encoder.weights)
        kernel_2, bias_2 = (np.asarray(w) for w in model.decoder.weights)
        hidden = np.maximum(x @ kernel_1 + bias_1, 0.0)
        linear = keras.activations.get(expected)
        wanted = np.asarray(linear(hidden @ kernel_2 + bias_2))
        if not np.allclose(output, wanted, atol=1e-5):
            raise Incorrect(
                tr(
                    "Your model's output is not decoder(encoder(inputs)): in `call`, pass the inputs "
                    "through the encoder, then its result through the decoder."
                )
            )


def _wrong_article(
    decoder_width=None,
    skip_encoder=False,
    encoder_activation="relu",
    fixed_output=False,
    init="full",
):
    """An ArticleAutoencoder with one typical mistake, for the tests."""
    import keras
    from keras import layers

    class Mistaken(keras.Model):
        def __init__(
            self, input_dim, hidden_dim, output_dim, output_activation="sigmoid", **kwargs
        ):
            if init == "full":
                super().__init__(**kwargs)
            elif init == "no kwargs":
                super().__init__()
            self.input_dim, self.hidden_dim, self.output_dim = input_dim, hidden_dim, output_dim
            self.encoder = layers.Dense(hidden_dim, activation=encoder_activation)
            width = hidden_dim if decoder_width == "hidden" else output_dim
            activation = "sigmoid" if fixed_output else output_activation
            self.decoder = layers.Dense(width, activation=activation)

        def call(self, inputs):
            if skip_encoder:
                return self.decoder(inputs)
            return self.decoder(self.encoder(inputs))

    return Mistaken


article = Exercise(
    N_("Your ArticleAutoencoder"),
    _article_check,
    [
        N_(
            "`__init__` starts with `super().__init__(**kwargs)`, keeps the three sizes on `self`, "
            "then creates two Dense layers: their widths and activations are in the text above."
        ),
        N_(
            "`call` receives `inputs`: give them to the encoder, give what comes out to the "
            "decoder, return that."
        ),
        N_(
            "Check the decoder's width: it rebuilds the input, so it has as many units as a row of "
            "the data has numbers, and its activation is the argument, not a fixed name."
        ),
        N_("Still stuck? `exercises.article.solution()` shows the course's class."),
    ],
    _article_solution,
    solution_name="make_article_autoencoder",
    wrong_answers=[
        (lambda ctx: _wrong_article(decoder_width="hidden"), "outputs 7 numbers"),
        (lambda ctx: _wrong_article(skip_encoder=True), "never uses it"),
        (lambda ctx: _wrong_article(encoder_activation=None), "relu"),
        (lambda ctx: _wrong_article(fixed_output=True), "output_activation"),
        (lambda ctx: _wrong_article(init="none"), "super().__init__(**kwargs)"),
        (lambda ctx: _wrong_article(init="no kwargs"), "**kwargs"),
        (lambda ctx: _article_solution()(1, 7, 1), "the class itself"),
    ],
)


# --- article_training_loop ------------------------------------------------------------------------


def _loop_solution():
    import keras
    import tensorflow as tf

    def article_training_loop(model, data, epochs=1000, learning_rate=0.001, log_every=100):
        data = tf.constant(data, dtype="float32")
        loss_function = keras.losses.MeanSquaredError()
        optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
        losses = []
        for epoch in range(1, epochs + 1):
            with tf.GradientTape() as tape:
                reconstruction = model(data)
                loss = loss_function(data, reconstruction)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            losses.append(float(loss))
            if log_every and epoch % log_every == 0:
                print(f"epoch {epoch}: loss {losses[-1]:.4f}")
        return losses

    return article_training_loop


#: The small run the loop check makes: a course model, 5 epochs, a learning rate the learner must pass
#: on, and a report every 2 epochs.
LOOP_CASE = {
    "width": 2,
    "hidden_dim": 8,
    "rows": 32,
    "epochs": 5,
    "learning_rate": 0.02,
    "log_every": 2,
}


def _loop_model(seed=0):
    import keras

    from course_utils.models import ArticleAutoencoder

    keras.utils.set_random_seed(seed)
    width = LOOP_CASE["width"]
    model = ArticleAutoencoder(width, LOOP_CASE["hidden_dim"], width, output_activation=None)
    model(np.zeros((1, width), dtype=np.float32))
    return model


def _accepts(function, name: str) -> bool:
    """Whether ``function`` can be called with the keyword argument ``name``."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # no signature Python can read: let the call tell
        return True
    return any(p.name == name or p.kind is p.VAR_KEYWORD for p in parameters)


def _loop_check(answer):
    from course_utils.training import article_training_loop

    if not callable(answer):
        raise Incorrect(
            tr("Pass your function itself, `article_training_loop`, without calling it.")
        )
    data = np.random.default_rng(0).normal(size=(LOOP_CASE["rows"], LOOP_CASE["width"]))
    data = data.astype(np.float32)
    epochs, learning_rate = LOOP_CASE["epochs"], LOOP_CASE["learning_rate"]
    reference = _loop_model()
    before = [np.array(w) for w in reference.get_weights()]
    wanted = article_training_loop(reference, data, epochs=epochs, learning_rate=learning_rate)
    log_every = LOOP_CASE["log_every"]
    if not _accepts(answer, "log_every"):
        raise Incorrect(
            tr(
                "Your function has no `log_every` parameter: keep the lesson's first line, "
                "`def article_training_loop(model, data, epochs=1000, learning_rate=0.001, "
                "log_every=100):`."
            )
        )
    model = _loop_model()
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            losses = answer(
                model, data, epochs=epochs, learning_rate=learning_rate, log_every=log_every
            )
    except Incorrect:
        raise
    except ValueError as problem:
        if "No gradients" in str(problem):
            raise Incorrect(
                tr(
                    "No gradients reached the optimizer: the forward pass (`model(data)` and the "
                    "loss) must run inside `with tf.GradientTape() as tape:`, so that the tape "
                    "records it."
                )
            ) from None
        raise _raised(tr("Your loop"), problem) from None
    if losses is None:
        raise Incorrect(
            tr("Your loop returns None: collect one loss per epoch in a list and return it.")
        )
    try:
        losses = [float(value) for value in losses]
    except (TypeError, ValueError):
        raise Incorrect(
            tr("Your loop should return a list of numbers, one loss per epoch.")
        ) from None
    after = model.get_weights()
    if all(np.array_equal(old, new) for old, new in zip(before, after)):
        raise Incorrect(
            tr(
                "After {epochs} epochs the model's weights have not changed: the loop computes the "
                "gradients but never applies them (`optimizer.apply_gradients`)."
            ).format(epochs=epochs)
        )
    if len(losses) != epochs:
        raise Incorrect(
            tr(
                "For epochs={epochs} your loop returned {count} losses; append one per epoch, "
                "inside the loop."
            ).format(epochs=epochs, count=len(losses))
        )
    if not all(np.isfinite(losses)):
        raise Incorrect(tr("Your losses hold NaN or infinite values."))
    if not np.isclose(losses[0], wanted[0], rtol=1e-4):
        raise Incorrect(
            tr(
                "Your first loss is not the mean squared error between `data` and the model's "
                "output: use `keras.losses.MeanSquaredError()`, with the data as the target."
            )
        )
    if not np.allclose(losses, wanted, rtol=1e-4):
        raise Incorrect(
            tr(
                "Your first loss is right, the later ones differ from Adam's steps at "
                "learning_rate={learning_rate}: create one `keras.optimizers.Adam` with the given "
                "`learning_rate`, before the loop, and apply every step with it."
            ).format(learning_rate=learning_rate)
        )
    lines = [line for line in printed.getvalue().splitlines() if line.strip()]
    if not lines:
        raise Incorrect(
            tr(
                "Your loop trains correctly but prints nothing: every `log_every` epochs (here "
                "log_every={log_every}, so after epochs {shown}) print the epoch and its loss, so "
                "that you see the loop work."
            ).format(log_every=log_every, shown=", ".join(
                str(e) for e in range(log_every, epochs + 1, log_every)))
        )  # fmt: skip
    if len(lines) > epochs // log_every + 1:
        raise Incorrect(
            tr(
                "Your loop printed {count} lines in {epochs} epochs with log_every={log_every}: "
                "print only in the epochs that are a multiple of `log_every` (`epoch % log_every "
                "== 0`), not in every epoch."
            ).format(count=len(lines), epochs=epochs, log_every=log_every)
        )


def _wrong_loop(
    apply=True, record="each", tape="inside", loss="mse", fixed_rate=None, returns=True, log="right"
):
    """An article_training_loop with one typical mistake, for the tests."""
    import tensorflow as tf

    def article_training_loop(model, data, epochs=1000, learning_rate=0.001, log_every=100):
        data = tf.constant(data, dtype="float32")
        return _mistaken_training(
            model, [data] * epochs, loss,
            learning_rate if fixed_rate is None else fixed_rate,
            apply=apply, record=record, tape=tape, returns=returns,
            log_every={"right": log_every, "never": None, "each": 1}[log],
        )  # fmt: skip

    return article_training_loop


loop = Exercise(
    N_("Your article_training_loop"),
    _loop_check,
    [
        N_(
            "Before the loop: turn `data` into a float32 tensor, create the loss function, the "
            "optimizer and an empty list."
        ),
        N_(
            "In each epoch: inside a `tf.GradientTape()` block run the model on the data and "
            "compute the loss; outside it, ask the tape for the gradients of the loss with "
            "respect to `model.trainable_variables`."
        ),
        N_(
            "Then hand the gradients and the variables to the optimizer (`apply_gradients` takes "
            "pairs: `zip(...)`), and append the loss, as a Python float, to the list you return."
        ),
        N_(
            "To report progress, number the epochs from 1 (`range(1, epochs + 1)`) and print "
            "only when the epoch number divides evenly by `log_every`."
        ),
        N_("Still stuck? `exercises.loop.solution()` shows the course's loop."),
    ],
    _loop_solution,
    solution_name="make_article_training_loop",
    wrong_answers=[
        (lambda ctx: _wrong_loop(apply=False), "never applies them"),
        (lambda ctx: _wrong_loop(record="last"), "returned 1 losses"),
        (lambda ctx: _wrong_loop(tape="outside"), "GradientTape"),
        (lambda ctx: _wrong_loop(loss="mae"), "mean squared error"),
        (lambda ctx: _wrong_loop(fixed_rate=0.001), "learning_rate=0.02"),
        (lambda ctx: _wrong_loop(returns=False), "returns None"),
        (lambda ctx: _wrong_loop(log="never"), "prints nothing"),
        (lambda ctx: _wrong_loop(log="each"), "not in every epoch"),
        (
            lambda ctx: _loop_solution()(_loop_model(), np.zeros((4, 2)), epochs=1),
            "without calling",
        ),
    ],
)


# --- build_dense_autoencoder ----------------------------------------------------------------------


def _builder_solution():
    import keras
    from keras import layers

    from course_utils.settings import HIDDEN

    def build_dense_autoencoder(frame_length, code_size, hidden_sizes=(HIDDEN,)):
        frames = keras.Input(shape=(frame_length,), name="frame")
        x = frames
        for index, width in enumerate(hidden_sizes):
            x = layers.Dense(
                width, activation="relu", kernel_initializer="he_uniform", name=f"encoder_{index}"
            )(x)
        code = layers.Dense(code_size, name="code")(x)
        encoder = keras.Model(frames, code, name="encoder")

        codes = keras.Input(shape=(code_size,), name="code_in")
        y = codes
        for index, width in enumerate(reversed(hidden_sizes)):
            y = layers.Dense(
                width, activation="relu", kernel_initializer="he_uniform", name=f"decoder_{index}"
            )(y)
        reconstruction = layers.Dense(frame_length, name="reconstruction")(y)
        decoder = keras.Model(codes, reconstruction, name="decoder")

        autoencoder = keras.Model(frames, decoder(encoder(frames)), name="autoencoder")
        return autoencoder, encoder, decoder

    return build_dense_autoencoder


#: The sizes the builder check asks for: (frame_length, code_size, hidden_sizes).
BUILDER_CASES = ((64, 8, (32, 16)), (48, 6, (24,)))


def _builder_check(answer):
    import keras

    from course_utils.diagrams import _dense_layers

    if not callable(answer) or isinstance(answer, keras.Model):
        raise Incorrect(
            tr("Pass your function itself, `build_dense_autoencoder`, without calling it.")
        )
    for frame_length, code_size, hidden_sizes in BUILDER_CASES:
        call_text = tr(
            "`build_dense_autoencoder({frame_length}, {code_size}, hidden_sizes={hidden_sizes})`"
        ).format(frame_length=frame_length, code_size=code_size, hidden_sizes=hidden_sizes)
        keras.utils.set_random_seed(0)
        try:
            built = answer(frame_length, code_size, hidden_sizes=hidden_sizes)
        except Exception as problem:  # noqa: BLE001 - the learner's code may fail in any way
            raise _raised(call_text, problem) from None
        if not (
            isinstance(built, tuple)
            and len(built) == 3
            and all(isinstance(part, keras.Model) for part in built)
        ):
            raise Incorrect(
                tr(
                    "{call} should return three Keras models: (autoencoder, encoder, decoder)."
                ).format(call=call_text)
            )
        autoencoder, encoder, decoder = built
        if tuple(encoder.output_shape) != (None, code_size):
            raise Incorrect(
                tr(
                    "{call}: your encoder outputs shape {shape}; the code is code_size numbers per "
                    "frame."
                ).format(call=call_text, shape=encoder.output_shape)
            )
        if tuple(autoencoder.output_shape) != (None, frame_length):
            raise Incorrect(
                tr(
                    "{call}: your decoder outputs {width} numbers; each frame has {frame_length}."
                ).format(
                    call=call_text, width=autoencoder.output_shape[-1], frame_length=frame_length
                )
            )
        encoder_layers, decoder_layers = _dense_layers(encoder), _dense_layers(decoder)
        encoder_widths = tuple(int(layer.units) for layer in encoder_layers[:-1])
        decoder_widths = tuple(int(layer.units) for layer in decoder_layers[:-1])
        if encoder_widths != tuple(hidden_sizes):
            raise Incorrect(
                tr(
                    "{call}: your encoder's hidden layers have widths {widths}; there should be one "
                    "layer per entry of hidden_sizes, in order."
                ).format(call=call_text, widths=encoder_widths)
            )
        if decoder_widths != tuple(reversed(hidden_sizes)):
            raise Incorrect(
                tr(
                    "{call}: your decoder's hidden layers have widths {widths}; they should mirror "
                    "the encoder's, from the code back to the frame."
                ).format(call=call_text, widths=decoder_widths)
            )
        for layer in encoder_layers[:-1] + decoder_layers[:-1]:
            if _activation(layer) != "relu":
                raise Incorrect(
                    tr(
                        "The hidden layer {name} uses {activation}; the hidden layers use relu."
                    ).format(name=layer.name, activation=_activation(layer))
                )
            initializer = type(layer.kernel_initializer).__name__
            if initializer != "HeUniform":
                raise Incorrect(
                    tr(
                        "The hidden layer {name} starts its weights with {initializer}; the text asks "
                        "for he_uniform."
                    ).format(name=layer.name, initializer=initializer)
                )
        for layer, role in ((encoder_layers[-1], tr("code")), (decoder_layers[-1], tr("output"))):
            if _activation(layer) != "linear":
                raise Incorrect(
                    tr(
                        "Your {role} layer uses {activation}; it must be linear, or the {role} "
                        "could not take negative values."
                    ).format(role=role, activation=_activation(layer))
                )
        frames = np.random.default_rng(1).normal(size=(4, frame_length)).astype(np.float32)
        through = np.asarray(autoencoder(frames))
        chained = np.asarray(decoder(encoder(frames)))
        if not np.all(np.isfinite(through)):
            raise Incorrect(tr("Your autoencoder's output holds NaN or infinite values."))
        if not np.allclose(through, chained, atol=1e-5):
            raise Incorrect(
                tr(
                    "autoencoder(x) differs from decoder(encoder(x)): build the autoencoder from "
                    "the encoder and decoder you return, so that the three share their layers."
                )
            )


def _wrong_builder_of(**mistakes):
    """A build_dense_autoencoder with one typical mistake, for the tests."""

    def build_dense_autoencoder(frame_length, code_size, hidden_sizes=(HIDDEN,)):
        from course_utils.models import build_dense_autoencoder as course

        hidden = tuple(hidden_sizes)
        if mistakes.get("first_only"):
            hidden = hidden[:1]
        made = course(
            frame_length,
            code_size,
            hidden_sizes=hidden,
            output_activation=mistakes.get("output_activation"),
            code_activation=mistakes.get("code_activation"),
            activation=mistakes.get("activation", "relu"),
        )
        if mistakes.get("decoder_same_order"):
            mirror = course(frame_length, code_size, hidden_sizes=hidden[::-1])
            return made[0], made[1], mirror[2]
        if mistakes.get("fresh_autoencoder"):
            return course(frame_length, code_size, hidden_sizes=hidden)[0], made[1], made[2]
        if mistakes.get("wide_output"):
            wrong = course(frame_length, code_size, hidden_sizes=hidden)
            import keras

            frames = keras.Input(shape=(frame_length,))
            out = keras.layers.Dense(code_size)(wrong[0](frames))
            return keras.Model(frames, out), wrong[1], wrong[2]
        return made

    return build_dense_autoencoder


builder = Exercise(
    N_("Your build_dense_autoencoder"),
    _builder_check,
    [
        N_(
            "Start from `keras.Input(shape=(frame_length,))` and apply one Dense layer per entry "
            "of `hidden_sizes` in a loop, each to the previous layer's output; end the encoder "
            "with the code layer and wrap it: `keras.Model(inputs, code)`."
        ),
        N_(
            "The decoder starts from its own `keras.Input` of `code_size` numbers and goes through "
            "the same widths in reverse order (`reversed(hidden_sizes)`) to `frame_length` outputs."
        ),
        N_(
            "The autoencoder chains the two models you built: `decoder(encoder(frames))`, between "
            "the encoder's input and that result. Only the hidden layers have an activation."
        ),
        N_("Still stuck? `exercises.builder.solution()` shows the course's builder."),
    ],
    _builder_solution,
    solution_name="make_build_dense_autoencoder",
    wrong_answers=[
        (lambda ctx: _wrong_builder_of(output_activation="sigmoid"), "output layer uses sigmoid"),
        (lambda ctx: _wrong_builder_of(code_activation="relu"), "code layer uses relu"),
        (lambda ctx: _wrong_builder_of(first_only=True), "one layer per entry"),
        (lambda ctx: _wrong_builder_of(decoder_same_order=True), "mirror"),
        (lambda ctx: _wrong_builder_of(fresh_autoencoder=True), "share their layers"),
        (lambda ctx: _wrong_builder_of(activation="tanh"), "uses tanh"),
        (lambda ctx: _wrong_builder_of(wide_output=True), "outputs 8 numbers; each frame has 64"),
        (lambda ctx: _builder_solution()(64, 8), "without calling it"),
    ],
)
