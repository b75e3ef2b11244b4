"""ArticleAutoencoder's output_activation option (added for 03_building_the_autoencoder)."""

from __future__ import annotations

import numpy as np

import course_utils

course_utils.setup_notebook(seed=0, style=False)

from course_utils.models import ArticleAutoencoder  # noqa: E402


def test_default_output_is_still_the_articles_sigmoid():
    model = ArticleAutoencoder(1, 100, 1)
    y = model(np.array([[-50.0], [50.0]], dtype=np.float32)).numpy()
    assert np.all((y >= 0) & (y <= 1))
    assert model.decoder.activation.__name__ == "sigmoid"


def test_linear_output_can_be_negative_and_has_the_same_parameters():
    linear = ArticleAutoencoder(1, 100, 1, output_activation=None)
    x = np.linspace(-3, 3, 41, dtype=np.float32).reshape(-1, 1)
    outputs = linear(x).numpy()
    assert linear.decoder.activation.__name__ == "linear"
    assert outputs.min() < 0 or outputs.max() > 1  # a sigmoid could do neither
    assert linear.count_params() == 301
