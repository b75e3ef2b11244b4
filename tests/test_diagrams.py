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
