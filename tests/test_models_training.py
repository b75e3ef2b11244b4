"""Models and trainers: the article's model faithfully, bottlenecks, and clear shape errors."""

from __future__ import annotations

import numpy as np
import pytest

import course_utils

course_utils.setup_notebook(seed=0, style=False)

from course_utils.errors import SignalError  # noqa: E402
from course_utils.models import (  # noqa: E402
    ArticleAutoencoder,
    FrameAutoencoder,
    build_dense_autoencoder,
    check_model_input,
    sigmoid_loss_floor,
)
from course_utils.training import (  # noqa: E402
    article_training_loop,
    epochs_for_steps,
    fit_autoencoder,
    make_frame_dataset,
    train_minibatch,
)


def test_article_model_shapes_and_sigmoid_range():
    model = ArticleAutoencoder(input_dim=1, hidden_dim=100, output_dim=1)
    x = np.linspace(-3, 3, 50, dtype=np.float32).reshape(-1, 1)
    y = model(x).numpy()
    assert y.shape == (50, 1)
    assert np.all((y > 0) & (y < 1))
    assert model.count_params() == (1 * 100 + 100) + (100 * 1 + 1)


def test_article_loop_ends_near_the_sigmoid_floor():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(2000, 1)).astype(np.float32)
    floor = sigmoid_loss_floor(data)
    model = ArticleAutoencoder(1, 100, 1)
    losses = article_training_loop(model, data, epochs=300, learning_rate=0.01)
    assert losses[-1] < losses[0]
    assert losses[-1] >= floor - 1e-6
    assert losses[-1] < floor * 1.05


def test_sigmoid_floor_known_value():
    assert sigmoid_loss_floor([-1.0, 0.5, 2.0]) == pytest.approx((1.0 + 0.0 + 1.0) / 3)


def test_functional_and_subclassed_models_share_the_architecture():
    autoencoder, encoder, decoder = build_dense_autoencoder(256, 32, hidden_sizes=(512,))
    subclassed = FrameAutoencoder(256, 32, hidden_sizes=(512,))
    subclassed(np.zeros((1, 256), dtype=np.float32))
    expected = (256 * 512 + 512) + (512 * 32 + 32) + (32 * 512 + 512) + (512 * 256 + 256)
    assert autoencoder.count_params() == subclassed.count_params() == expected
    frames = np.random.default_rng(1).normal(size=(5, 256)).astype(np.float32)
    assert encoder.predict(frames, verbose=0).shape == (5, 32)
    np.testing.assert_allclose(
        decoder.predict(encoder.predict(frames, verbose=0), verbose=0),
        autoencoder.predict(frames, verbose=0), rtol=1e-5, atol=1e-5,
    )


@pytest.mark.parametrize("builder", [build_dense_autoencoder, FrameAutoencoder])
def test_code_must_be_smaller_than_input(builder):
    with pytest.raises(SignalError, match="compress"):
        builder(32, 64)


def test_wrong_input_shape_gets_a_clear_error():
    model, _, _ = build_dense_autoencoder(64, 8)
    with pytest.raises(SignalError, match="frame_signal"):
        check_model_input(model, np.zeros(640))
    with pytest.raises(SignalError, match="frame_length=64"):
        check_model_input(model, np.zeros((10, 100)))
    with pytest.raises(SignalError, match="NaN"):
        check_model_input(model, np.full((2, 64), np.nan))
    with pytest.raises(SignalError, match="input_size=100"):
        fit_autoencoder(model, np.zeros((10, 100)), steps=1)


def test_trainers_reject_bad_data():
    model, _, _ = build_dense_autoencoder(16, 4)
    with pytest.raises(SignalError, match="reshape"):
        article_training_loop(model, np.zeros(16), epochs=1)
    with pytest.raises(SignalError, match="NaN"):
        train_minibatch(model, np.full((8, 16), np.inf), steps=1)
    with pytest.raises(SignalError, match="steps"):
        train_minibatch(model, np.zeros((8, 16)), steps=0)


def test_minibatch_training_lowers_validation_loss():
    rng = np.random.default_rng(2)
    basis = rng.normal(size=(4, 32))
    frames = (rng.normal(size=(512, 4)) @ basis).astype(np.float32)  # rank-4 data: a code of 4 suffices
    model, _, _ = build_dense_autoencoder(32, 4, hidden_sizes=(64,))
    history = train_minibatch(model, frames[:400], steps=300, validation=frames[400:], eval_every=100)
    assert history["step"] == [100, 200, 300]
    assert history["val_loss"][-1] < 0.5 * history["val_loss"][0]


def test_fit_counts_steps_and_stops_early():
    frames = np.random.default_rng(3).normal(size=(100, 16)).astype(np.float32)
    model, _, _ = build_dense_autoencoder(16, 2, hidden_sizes=(8,))
    history = fit_autoencoder(model, frames[:64], frames[64:], steps=400, batch_size=32, patience=2)
    assert history.history["step"][0] == 2
    assert len(history.history["loss"]) <= epochs_for_steps(400, 64, 32) == 200


def test_epochs_for_steps():
    assert epochs_for_steps(100, n_examples=100, batch_size=100) == 100
    assert epochs_for_steps(100, n_examples=10_000, batch_size=100) == 1


def test_dataset_pairs_inputs_with_targets():
    frames = np.arange(12, dtype=np.float32).reshape(6, 2)
    x, y = next(iter(make_frame_dataset(frames, batch_size=6, shuffle=False)))
    np.testing.assert_array_equal(x.numpy(), y.numpy())
    with pytest.raises(SignalError, match="pair up"):
        make_frame_dataset(frames, targets=frames[:3])


def test_pca_residual_autoencoder_starts_as_pca_and_improves_on_nonlinear_data():
    from course_utils.baselines import PCACodec
    from course_utils.models import build_pca_residual_autoencoder

    rng = np.random.default_rng(4)
    # Frames on a curved (nonlinear) 2-D manifold in 32 dimensions.
    t = rng.uniform(-1, 1, size=(3000, 2))
    basis = rng.normal(size=(5, 32))
    features = np.column_stack([t[:, 0], t[:, 1], t[:, 0] ** 2, t[:, 0] * t[:, 1], np.sin(3 * t[:, 1])])
    frames = (features @ basis).astype(np.float32)
    train, test = frames[:2500], frames[2500:]
    codec = PCACodec(code_size=2, frame_length=32).fit(train)
    model, encoder, decoder = build_pca_residual_autoencoder(codec, hidden_size=64)
    pca_error = np.mean((codec.reconstruct_frames(test) - test) ** 2)
    start_error = np.mean((model.predict(test, verbose=0) - test) ** 2)
    assert start_error == pytest.approx(pca_error, rel=1e-4)
    np.testing.assert_allclose(encoder.predict(test, verbose=0), codec.encode(test), rtol=1e-3, atol=1e-3)
    fit_autoencoder(model, train, steps=600, batch_size=64, learning_rate=1e-3)
    trained_error = np.mean((model.predict(test, verbose=0) - test) ** 2)
    assert trained_error < 0.7 * pca_error


def test_pca_residual_autoencoder_needs_a_fitted_codec():
    from course_utils.baselines import PCACodec
    from course_utils.models import build_pca_residual_autoencoder

    with pytest.raises(SignalError, match="not fitted"):
        build_pca_residual_autoencoder(PCACodec(code_size=4, frame_length=16))


# --- hardening (issue #12, item 8) ----------------------------------------------------------


@pytest.mark.parametrize("epochs", [-5, 0, 2.5, True, "3"])
def test_article_loop_epochs_must_be_a_positive_whole_number(epochs):
    with pytest.raises(SignalError, match="epochs"):
        article_training_loop(ArticleAutoencoder(1, 4, 1), np.zeros((8, 1)), epochs=epochs)


@pytest.mark.parametrize("learning_rate", [np.nan, np.inf, 0.0, -0.01, "0.01"])
def test_learning_rate_must_be_a_positive_finite_number(learning_rate):
    data = np.random.default_rng(0).normal(size=(8, 4)).astype(np.float32)
    with pytest.raises(SignalError, match="learning_rate"):
        article_training_loop(ArticleAutoencoder(4, 4, 4), data, epochs=2, learning_rate=learning_rate)
    model, _, _ = build_dense_autoencoder(4, 2, hidden_sizes=(4,))
    with pytest.raises(SignalError, match="learning_rate"):
        train_minibatch(model, data, steps=2, learning_rate=learning_rate)
    with pytest.raises(SignalError, match="learning_rate"):
        fit_autoencoder(model, data, steps=2, learning_rate=learning_rate)


def test_huge_training_data_is_refused_before_it_trains_to_inf():
    data = np.full((8, 1), 1e30)
    with pytest.raises(SignalError, match="standardize"):
        article_training_loop(ArticleAutoencoder(1, 4, 1), data, epochs=2)


def test_a_loss_that_becomes_nan_stops_the_article_loop_with_a_clear_error():
    data = np.random.default_rng(1).normal(size=(64, 1)).astype(np.float32) * 1e6
    model = ArticleAutoencoder(1, 100, 1, output_activation=None)
    with pytest.raises(SignalError, match="diverged.*learning_rate"):
        article_training_loop(model, data, epochs=50, learning_rate=1e30)


def test_article_model_refuses_data_of_another_width_instead_of_broadcasting():
    data = np.random.default_rng(2).normal(size=(16, 3)).astype(np.float32)
    with pytest.raises(SignalError, match="3 values.*1"):
        article_training_loop(ArticleAutoencoder(1, 4, 1), data, epochs=2)
    with pytest.raises(SignalError, match="output"):
        article_training_loop(ArticleAutoencoder(3, 4, 1), data, epochs=2)
    assert len(article_training_loop(ArticleAutoencoder(3, 4, 3), data, epochs=2)) == 2


def test_minibatch_settings_and_widths_get_course_errors():
    frames = np.random.default_rng(3).normal(size=(32, 16)).astype(np.float32)
    model, _, _ = build_dense_autoencoder(16, 4, hidden_sizes=(8,))
    with pytest.raises(SignalError, match="batch_size"):
        train_minibatch(model, frames, steps=2, batch_size=0)
    with pytest.raises(SignalError, match="batch_size"):
        fit_autoencoder(model, frames, steps=2, batch_size=0)
    with pytest.raises(SignalError, match="eval_every"):
        train_minibatch(model, frames, steps=2, eval_every=0)
    with pytest.raises(SignalError, match="steps"):
        train_minibatch(model, frames, steps=2.5)
    with pytest.raises(SignalError, match="frame_length=16"):
        train_minibatch(model, frames[:, :10], steps=2)
    with pytest.raises(SignalError, match="16"):
        train_minibatch(model, frames, steps=2, validation=frames[:, :10])
    subclassed = FrameAutoencoder(16, 4, hidden_sizes=(8,))
    with pytest.raises(SignalError, match="frame_length=16"):
        train_minibatch(subclassed, frames[:, :10], steps=2)
    with pytest.raises(SignalError, match="frame_length=16"):
        fit_autoencoder(subclassed, frames[:, :10], steps=2)


def test_check_model_input_works_for_the_course_subclassed_models():
    for model in (ArticleAutoencoder(1, 100, 1), FrameAutoencoder(64, 8, hidden_sizes=(16,))):
        width = 1 if isinstance(model, ArticleAutoencoder) else 64
        good = check_model_input(model, np.zeros((5, width)))
        assert good.dtype == np.float32 and good.shape == (5, width)
        with pytest.raises(SignalError, match=f"built for {width}"):
            check_model_input(model, np.zeros((5, width + 3)))
        with pytest.raises(SignalError, match="NaN"):
            check_model_input(model, np.full((2, width), np.nan))
    built = FrameAutoencoder(64, 8, hidden_sizes=(16,))
    built(np.zeros((1, 64), dtype=np.float32))
    with pytest.raises(SignalError, match="built for 64"):
        check_model_input(built, np.zeros((5, 10)))
