"""course_utils.diagrams: pictures drawn from the model's own layers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from course_utils import diagrams
from course_utils.errors import SettingError, SignalError


@pytest.fixture(scope="module")
def models(notebook_session):
    from course_utils import models

    return models


def test_layer_sizes_of_the_canonical_model(models):
    autoencoder, _, _ = models.build_dense_autoencoder(256, 32, hidden_sizes=(256,))
    assert diagrams.layer_sizes(autoencoder) == [
        ("input", 256, ""),
        ("encoder_0", 256, "relu"),
        ("code", 32, "linear"),
        ("decoder_0", 256, "relu"),
        ("reconstruction", 256, "linear"),
    ]


def test_layer_sizes_of_a_built_subclassed_model(models):
    article = models.ArticleAutoencoder(1, 100, 1)
    with pytest.raises(SignalError, match="Call it once"):
        diagrams.layer_sizes(article)
    article(np.zeros((1, 1), dtype=np.float32))
    assert [(w, a) for _, w, a in diagrams.layer_sizes(article)] == [
        (1, ""),
        (100, "relu"),
        (1, "sigmoid"),
    ]


def texts(ax):
    return [text.get_text() for text in ax.texts]


def test_draw_autoencoder_labels_every_layer_with_its_width(models):
    autoencoder, _, _ = models.build_dense_autoencoder(64, 8, hidden_sizes=(32, 16))
    ax = diagrams.draw_autoencoder(autoencoder)
    labels = texts(ax)
    assert [label for label in labels if label.isdigit()] == [
        "64",
        "32",
        "16",
        "8",
        "16",
        "32",
        "64",
    ]
    assert {"input", "code", "output", "encoder", "decoder"} <= set(labels)
    bars = [patch for patch in ax.patches if isinstance(patch, Rectangle)]
    assert len(bars) == 7  # one bar per layer, the input included
    assert (
        f"{autoencoder.count_params():,} parameters" in ax.get_title()
        and "ratio 8" in ax.get_title()
    )
    heights = [bar.get_height() for bar in bars]
    assert heights[3] == min(heights) and heights[0] == max(
        heights
    )  # the code is the narrowest bar
    plt.close("all")


def test_draw_autoencoder_finds_the_code_of_the_articles_model(models):
    article = models.ArticleAutoencoder(1, 100, 1)
    article(np.zeros((1, 1), dtype=np.float32))
    ax = diagrams.draw_autoencoder(article)
    assert "code, relu" in texts(ax) and "output, sigmoid" in texts(ax)
    assert "ratio 0.01" in ax.get_title()
    with pytest.raises(SignalError, match="No layer named"):
        diagrams.draw_autoencoder(article, code_layer="bottleneck")
    plt.close("all")


def test_draw_dense_layer_draws_one_line_per_weight():
    ax = diagrams.draw_dense_layer(4, 3)
    assert len(ax.lines) == 12
    assert "15 parameters" in ax.get_title()
    for bad in (0, 13, 2.5, True):
        with pytest.raises(SettingError, match="n_inputs"):
            diagrams.draw_dense_layer(bad, 3)
    plt.close("all")


# --- models a learner may write: the diagram draws the model data passes through, or says why not


def _article_like(call_decoder=True, decoder_first=False):
    import keras

    class Autoencoder(keras.Model):
        def __init__(self):
            super().__init__(name="learners_autoencoder")
            if decoder_first:  # created in the other order: Keras lists decoder first
                self.decoder = keras.layers.Dense(1, activation="sigmoid")
                self.encoder = keras.layers.Dense(100, activation="relu")
            else:
                self.encoder = keras.layers.Dense(100, activation="relu")
                self.decoder = keras.layers.Dense(1, activation="sigmoid")

        def call(self, inputs):
            encoded = self.encoder(inputs)
            return self.decoder(encoded) if call_decoder else encoded

    return Autoencoder()


def test_a_decoder_never_called_is_named_not_drawn_as_ratio_1(models):
    import warnings

    model = _article_like(call_decoder=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras's build() warning, the only sign so far
        model(np.zeros((1, 1), dtype=np.float32))
    with pytest.raises(SignalError, match=r"never calls self\.decoder \(Dense\(1\)\)") as raised:
        diagrams.draw_autoencoder(model)
    assert "self.decoder(self.encoder(inputs))" in str(raised.value)
    with pytest.raises(SignalError, match="never calls"):
        diagrams.layer_sizes(model)
    plt.close("all")


def test_rows_follow_the_call_order_not_the_creation_order(models):
    model = _article_like(decoder_first=True)
    model(np.zeros((1, 1), dtype=np.float32))
    assert [layer.units for layer in model.layers] == [1, 100]  # as created
    assert [(w, a) for _, w, a in diagrams.layer_sizes(model)] == [
        (1, ""),
        (100, "relu"),
        (1, "sigmoid"),
    ]
    title = diagrams.draw_autoencoder(model).get_title()
    assert title.endswith("input 1 / code 100 = ratio 0.01"), title
    plt.close("all")


def test_the_code_is_the_narrowest_layer_of_a_sequential_model(models):
    import keras

    model = keras.Sequential(
        [
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(4),
            keras.layers.Dense(16),
        ],
        name="funnel",
    )
    with pytest.raises(SignalError, match="Call it once"):
        diagrams.draw_autoencoder(model)  # not built yet
    model(np.zeros((1, 16), dtype=np.float32))
    title = diagrams.draw_autoencoder(model).get_title()
    assert title == f"funnel: {model.count_params():,} parameters, input 16 / code 4 = ratio 4"
    plt.close("all")


def test_a_model_with_one_dense_layer_has_no_code(models):
    import keras

    frames = keras.Input(shape=(8,))
    encoded = keras.layers.Dense(4, name="encoder")(frames)
    keras.layers.Dense(8, name="decoder")  # created, never connected: not part of the model
    model = keras.Model(frames, encoded, name="half")
    with pytest.raises(SignalError, match="one Dense layer \\('encoder'\\)"):
        diagrams.draw_autoencoder(model)
    plt.close("all")


def test_branches_are_refused_not_drawn_as_a_chain(models):
    import keras

    frames = keras.Input(shape=(8,))
    left = keras.layers.Dense(4, name="left")(frames)
    right = keras.layers.Dense(4, name="right")(frames)
    joined = keras.layers.Dense(8, name="out")(keras.layers.Concatenate()([left, right]))
    with pytest.raises(SignalError, match="takes 8 numbers but 'left' before it gives 4"):
        diagrams.layer_sizes(keras.Model(frames, joined))
