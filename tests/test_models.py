"""course_utils.models: the article's model, the canonical bottleneck builder, clear shape errors.

TensorFlow is imported inside the fixtures and tests, after conftest's ``notebook_session``
(setup_notebook), never while pytest collects.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.errors import SettingError, SignalError


@pytest.fixture(scope="module")
def models(notebook_session):
    from course_utils import models

    return models


def test_article_model_shapes_and_sigmoid_range(models):
    model = models.ArticleAutoencoder(input_dim=1, hidden_dim=100, output_dim=1)
    x = np.linspace(-3, 3, 50, dtype=np.float32).reshape(-1, 1)
    y = model(x).numpy()
    assert y.shape == (50, 1)
    assert np.all((y > 0) & (y < 1))
    assert model.count_params() == (1 * 100 + 100) + (100 * 1 + 1)


def test_default_output_is_still_the_articles_sigmoid(models):
    model = models.ArticleAutoencoder(1, 100, 1)
    y = model(np.array([[-50.0], [50.0]], dtype=np.float32)).numpy()
    assert np.all((y >= 0) & (y <= 1))
    assert model.decoder.activation.__name__ == "sigmoid"


def test_linear_output_can_be_negative_and_has_the_same_parameters(models):
    linear = models.ArticleAutoencoder(1, 100, 1, output_activation=None)
    x = np.linspace(-100, 100, 41, dtype=np.float32).reshape(
        -1, 1
    )  # far out, a linear output grows
    outputs = linear(x).numpy()
    assert linear.decoder.activation.__name__ == "linear"
    assert outputs.min() < 0 or outputs.max() > 1  # a sigmoid could do neither
    assert linear.count_params() == 301


def test_sigmoid_floor_known_value(models):
    assert models.sigmoid_loss_floor([-1.0, 0.5, 2.0]) == pytest.approx((1.0 + 0.0 + 1.0) / 3)


def test_canonical_model_has_the_course_sizes(models):
    autoencoder, encoder, decoder = models.build_dense_autoencoder(
        256, 32
    )  # HIDDEN = 256 by default
    expected = (256 * 256 + 256) + (256 * 32 + 32) + (32 * 256 + 256) + (256 * 256 + 256)
    assert autoencoder.count_params() == expected == 148_256
    assert [layer.name for layer in encoder.layers[1:]] == ["encoder_0", "code"]
    assert [layer.activation.__name__ for layer in decoder.layers[1:]] == ["relu", "linear"]


def test_encoder_and_decoder_share_the_autoencoders_layers(models):
    autoencoder, encoder, decoder = models.build_dense_autoencoder(64, 8, hidden_sizes=(32, 16))
    frames = np.random.default_rng(1).normal(size=(5, 64)).astype(np.float32)
    assert encoder.predict(frames, verbose=0).shape == (5, 8)
    np.testing.assert_allclose(
        decoder.predict(encoder.predict(frames, verbose=0), verbose=0),
        autoencoder.predict(frames, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )
    assert [layer.units for layer in decoder.layers[1:]] == [16, 32, 64]


def test_builder_options_add_the_layers_they_name(models):
    plain, _, _ = models.build_dense_autoencoder(32, 4, hidden_sizes=(16,))
    normed, encoder, _ = models.build_dense_autoencoder(
        32, 4, hidden_sizes=(16,), batch_norm=True, dropout=0.2
    )
    names = [layer.name for layer in encoder.layers]
    assert names == [
        "frame",
        "encoder_0",
        "encoder_0_bn",
        "encoder_0_relu",
        "encoder_0_dropout",
        "code",
    ]
    assert encoder.get_layer("encoder_0").use_bias is False  # batch normalization has its own shift
    assert len(normed.trainable_weights) > len(plain.trainable_weights)
    penalized, _, _ = models.build_dense_autoencoder(32, 4, hidden_sizes=(16,), l2=0.1)
    penalized(np.ones((2, 32), dtype=np.float32))
    assert len(penalized.losses) == 2  # one weight penalty per hidden layer


def test_code_must_be_smaller_than_input(models):
    with pytest.raises(SettingError, match="compress nothing"):
        models.build_dense_autoencoder(32, 64)


def test_wrong_input_shape_gets_a_clear_error(models):
    model, _, _ = models.build_dense_autoencoder(64, 8)
    with pytest.raises(SignalError, match="frame_signal"):
        models.check_model_input(model, np.zeros(640))
    with pytest.raises(SignalError, match="frame_length=64"):
        models.check_model_input(model, np.zeros((10, 100)))
    with pytest.raises(SignalError, match="NaN"):
        models.check_model_input(model, np.full((2, 64), np.nan))
    good = models.check_model_input(model, np.zeros((3, 64), dtype=np.float64))
    assert good.dtype == np.float32 and good.shape == (3, 64)


def test_check_model_input_works_for_subclassed_models(models):
    import keras

    article = models.ArticleAutoencoder(1, 100, 1)
    assert models.check_model_input(article, np.zeros((5, 1))).shape == (5, 1)
    with pytest.raises(SignalError, match="built for 1"):
        models.check_model_input(article, np.zeros((5, 4)))

    class Tiny(keras.Model):  # no declared width: read from its first weight matrix once built
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(3)

        def call(self, inputs):
            return self.dense(inputs)

    tiny = Tiny()
    tiny(np.zeros((1, 64), dtype=np.float32))
    with pytest.raises(SignalError, match="built for 64"):
        models.check_model_input(tiny, np.zeros((5, 10)))


def test_pca_residual_autoencoder_starts_as_pca_and_improves_on_nonlinear_data(models):
    from course_utils.baselines import PCACodec
    from course_utils.training import fit_autoencoder

    rng = np.random.default_rng(4)
    # Frames on a curved (nonlinear) 2-D manifold in 32 dimensions.
    t = rng.uniform(-1, 1, size=(3000, 2))
    basis = rng.normal(size=(5, 32))
    features = np.column_stack(
        [t[:, 0], t[:, 1], t[:, 0] ** 2, t[:, 0] * t[:, 1], np.sin(3 * t[:, 1])]
    )
    frames = (features @ basis).astype(np.float32)
    train, test = frames[:2500], frames[2500:]
    codec = PCACodec(code_size=2, frame_length=32).fit(train)
    model, encoder, decoder = models.build_pca_residual_autoencoder(codec, hidden_size=64)
    pca_error = np.mean((codec.reconstruct_frames(test) - test) ** 2)
    start_error = np.mean((model.predict(test, verbose=0) - test) ** 2)
    assert start_error == pytest.approx(pca_error, rel=1e-4)
    np.testing.assert_allclose(
        encoder.predict(test, verbose=0), codec.encode(test), rtol=1e-3, atol=1e-3
    )
    fit_autoencoder(model, train, steps=600, batch_size=64, learning_rate=1e-3)
    trained_error = np.mean((model.predict(test, verbose=0) - test) ** 2)
    assert trained_error < 0.7 * pca_error


def test_pca_residual_autoencoder_needs_a_fitted_codec(models):
    from course_utils.baselines import PCACodec

    with pytest.raises(SignalError, match="not fitted"):
        models.build_pca_residual_autoencoder(PCACodec(code_size=4, frame_length=16))


def test_dense_autoencoder_sizes_and_l2_get_course_errors(models):
    from course_utils.errors import CourseError

    for options in (
        {"code_size": 0},
        {"code_size": -3},
        {"code_size": 2.5},
        {"code_size": "8"},
        {"code_size": 8, "l2": -0.1},
        {"code_size": 8, "l2": float("nan")},
    ):
        with pytest.raises(CourseError):
            models.build_dense_autoencoder(64, **options)
