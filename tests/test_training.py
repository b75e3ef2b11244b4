"""course_utils.training: the article's loop, the mini-batch trainer, fit, gradient norms, clear errors.

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


@pytest.fixture(scope="module")
def training(notebook_session):
    from course_utils import training

    return training


def low_rank_frames(n=256, width=16, rank=4, seed=0):
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((rank, width))
    return (rng.standard_normal((n, rank)) @ basis).astype(np.float32)


@pytest.fixture
def small_model(models):
    def build(**options):
        import keras

        keras.utils.set_random_seed(0)
        return models.build_dense_autoencoder(16, 4, hidden_sizes=(32,), **options)[0]

    return build


# --- the article's loop -----------------------------------------------------------------------


def test_article_loop_ends_near_the_sigmoid_floor(models, training, capsys):
    data = np.random.default_rng(0).normal(size=(2000, 1)).astype(np.float32)
    floor = models.sigmoid_loss_floor(data)
    losses = training.article_training_loop(
        models.ArticleAutoencoder(1, 100, 1), data, epochs=300, learning_rate=0.01
    )
    # It reports every 100 epochs (the default log_every), each line the loss it returns.
    assert capsys.readouterr().out.splitlines() == [
        f"epoch {epoch}: loss {losses[epoch - 1]:.4f}" for epoch in (100, 200, 300)
    ]
    assert losses[-1] < losses[0]
    assert losses[-1] >= floor - 1e-6
    assert losses[-1] < floor * 1.05


@pytest.mark.parametrize("epochs", [-5, 0, 2.5, True, "3"])
def test_article_loop_epochs_must_be_a_positive_whole_number(models, training, epochs):
    with pytest.raises(SettingError, match="epochs"):
        training.article_training_loop(
            models.ArticleAutoencoder(1, 4, 1), np.zeros((8, 1)), epochs=epochs
        )


@pytest.mark.parametrize("log_every", [0, -1, 2.5, "10"])
def test_article_loop_log_every_must_be_a_positive_whole_number_or_none(
    models, training, log_every
):
    with pytest.raises(SettingError, match="log_every must be a positive whole number.*or None"):
        training.article_training_loop(
            models.ArticleAutoencoder(1, 4, 1), np.zeros((8, 1)), epochs=2, log_every=log_every
        )


@pytest.mark.parametrize("learning_rate", [np.nan, np.inf, 0.0, -0.01, "0.01"])
def test_learning_rate_must_be_a_positive_finite_number(models, training, learning_rate):
    data = np.random.default_rng(0).normal(size=(8, 4)).astype(np.float32)
    with pytest.raises(SettingError, match="learning_rate"):
        training.article_training_loop(
            models.ArticleAutoencoder(4, 4, 4), data, epochs=2, learning_rate=learning_rate
        )
    model, _, _ = models.build_dense_autoencoder(4, 2, hidden_sizes=(4,))
    with pytest.raises(SettingError, match="learning_rate"):
        training.train_minibatch(model, data, steps=2, learning_rate=learning_rate)
    with pytest.raises(SettingError, match="learning_rate"):
        training.fit_autoencoder(model, data, steps=2, learning_rate=learning_rate)


def test_huge_training_data_is_refused_before_it_trains_to_inf(models, training):
    with pytest.raises(SignalError, match="standardize"):
        training.article_training_loop(
            models.ArticleAutoencoder(1, 4, 1), np.full((8, 1), 1e30), epochs=2
        )


def test_a_loss_that_becomes_nan_stops_the_article_loop_with_a_clear_error(models, training):
    data = np.random.default_rng(1).normal(size=(64, 1)).astype(np.float32) * 1e6
    model = models.ArticleAutoencoder(1, 100, 1, output_activation=None)
    with pytest.raises(SignalError, match="diverged.*learning_rate"):
        training.article_training_loop(model, data, epochs=50, learning_rate=1e30)


def test_article_model_refuses_data_of_another_width_instead_of_broadcasting(models, training):
    data = np.random.default_rng(2).normal(size=(16, 3)).astype(np.float32)
    with pytest.raises(SignalError, match="3 values.*1"):
        training.article_training_loop(models.ArticleAutoencoder(1, 4, 1), data, epochs=2)
    with pytest.raises(SignalError, match="output"):
        training.article_training_loop(models.ArticleAutoencoder(3, 4, 1), data, epochs=2)
    assert (
        len(training.article_training_loop(models.ArticleAutoencoder(3, 4, 3), data, epochs=2)) == 2
    )


# --- mini-batches, fit, datasets --------------------------------------------------------------


def test_trainers_reject_bad_data(models, training):
    model, _, _ = models.build_dense_autoencoder(16, 4)
    with pytest.raises(SignalError, match="reshape"):
        training.article_training_loop(model, np.zeros(16), epochs=1)
    with pytest.raises(SignalError, match="NaN"):
        training.train_minibatch(model, np.full((8, 16), np.inf), steps=1)
    with pytest.raises(SettingError, match="steps"):
        training.train_minibatch(model, np.zeros((8, 16)), steps=0)
    with pytest.raises(SignalError, match="100 values, but the model was built for 64"):
        training.fit_autoencoder(
            models.build_dense_autoencoder(64, 8)[0], np.zeros((10, 100)), steps=1
        )


def test_minibatch_training_lowers_validation_loss(models, training):
    frames = low_rank_frames(512, 32)  # rank-4 data: a code of 4 suffices
    model, _, _ = models.build_dense_autoencoder(32, 4, hidden_sizes=(64,))
    history = training.train_minibatch(
        model, frames[:400], steps=300, validation=frames[400:], eval_every=100
    )
    assert history["step"] == [100, 200, 300]
    assert history["val_loss"][-1] < 0.5 * history["val_loss"][0]


def test_minibatch_settings_and_widths_get_course_errors(models, training):
    frames = low_rank_frames(32, 16, seed=3)
    model, _, _ = models.build_dense_autoencoder(16, 4, hidden_sizes=(8,))
    with pytest.raises(SettingError, match="batch_size"):
        training.train_minibatch(model, frames, steps=2, batch_size=0)
    with pytest.raises(SettingError, match="batch_size"):
        training.fit_autoencoder(model, frames, steps=2, batch_size=0)
    with pytest.raises(SettingError, match="eval_every"):
        training.train_minibatch(model, frames, steps=2, eval_every=0)
    with pytest.raises(SettingError, match="steps"):
        training.train_minibatch(model, frames, steps=2.5)
    with pytest.raises(SignalError, match="frame_length=16"):
        training.train_minibatch(model, frames[:, :10], steps=2)
    with pytest.raises(SignalError, match="16"):
        training.train_minibatch(model, frames, steps=2, validation=frames[:, :10])
    with pytest.raises(SettingError, match="batch_size"):
        training.make_frame_dataset(frames, batch_size=-1)


def test_default_optimizer_and_loss_are_adam_and_mse(training, small_model):
    x = low_rank_frames()
    history = training.train_minibatch(small_model(), x, steps=50, validation=x[:32], eval_every=25)
    assert history["step"] == [25, 50]
    assert history["val_loss"][-1] < history["val_loss"][0]


def test_optimizer_by_name_object_and_loss_by_name(training, small_model):
    import keras

    x = low_rank_frames()
    by_name = training.train_minibatch(
        small_model(), x, steps=30, optimizer="sgd", learning_rate=0.01, eval_every=30
    )
    by_object = training.train_minibatch(
        small_model(), x, steps=30, optimizer=keras.optimizers.SGD(0.01), eval_every=30
    )
    assert by_name["loss"] == pytest.approx(by_object["loss"], rel=1e-5)
    adam = training.train_minibatch(small_model(), x, steps=30, eval_every=30)
    assert adam["loss"] != pytest.approx(by_name["loss"], rel=1e-3)
    mae = training.train_minibatch(
        small_model(), x, steps=30, loss="mae", validation=x[:32], eval_every=30
    )
    model = small_model()
    start_mae = float(np.mean(np.abs(x[:32] - np.asarray(model(x[:32])))))
    assert 0 < mae["val_loss"][0] < start_mae  # the validation loss is an MAE, and it fell


def test_weight_penalty_is_part_of_the_training_loss(training, small_model):
    x = low_rank_frames()
    plain = training.train_minibatch(small_model(), x, steps=20, eval_every=20, validation=x[:32])
    penalized = training.train_minibatch(
        small_model(l2=1.0), x, steps=20, eval_every=20, validation=x[:32]
    )
    # the penalty (sum of squared weights, large at l2=1) is added to the training loss only
    assert penalized["loss"][0] > plain["loss"][0] + 1.0
    assert penalized["val_loss"][0] < penalized["loss"][0]


def test_fit_counts_steps_and_stops_early(models, training):
    frames = np.random.default_rng(3).normal(size=(100, 16)).astype(np.float32)
    model, _, _ = models.build_dense_autoencoder(16, 2, hidden_sizes=(8,))
    history = training.fit_autoencoder(
        model, frames[:64], frames[64:], steps=400, batch_size=32, patience=2
    )
    assert history.history["step"][0] == 2
    assert len(history.history["loss"]) <= training.epochs_for_steps(400, 64, 32) == 200


def test_fit_is_deterministic_for_a_seed(models, training):
    import keras

    frames = low_rank_frames(128, 16, seed=5)
    losses = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        model, _, _ = models.build_dense_autoencoder(16, 4, hidden_sizes=(8,))
        losses.append(
            training.fit_autoencoder(model, frames, steps=8, batch_size=32, seed=0).history["loss"]
        )
    assert losses[0] == losses[1]


def test_epochs_for_steps(training):
    assert training.epochs_for_steps(100, n_examples=100, batch_size=100) == 100
    assert training.epochs_for_steps(100, n_examples=10_000, batch_size=100) == 1


def test_dataset_pairs_inputs_with_targets(training):
    frames = np.arange(12, dtype=np.float32).reshape(6, 2)
    x, y = next(iter(training.make_frame_dataset(frames, batch_size=6, shuffle=False)))
    np.testing.assert_array_equal(x.numpy(), y.numpy())
    with pytest.raises(SignalError, match="pair up"):
        training.make_frame_dataset(frames, targets=frames[:3])


# --- gradient norms ---------------------------------------------------------------------------


def test_gradient_norms_vanish_in_a_deep_sigmoid_stack_but_not_with_relu(models, training):
    import keras

    x = low_rank_frames(64)
    keras.utils.set_random_seed(0)
    sigmoid = models.build_dense_autoencoder(
        16, 4, hidden_sizes=(32,) * 5, activation="sigmoid", kernel_initializer="glorot_uniform"
    )[0]
    keras.utils.set_random_seed(0)
    relu = models.build_dense_autoencoder(16, 4, hidden_sizes=(32,) * 5)[0]
    sig_norms = list(training.gradient_norms(sigmoid, x).values())
    relu_norms = list(training.gradient_norms(relu, x).values())
    assert len(sig_norms) == len(relu_norms) == 12  # 5 + code + 5 + output, input side first
    assert sig_norms[0] / sig_norms[-1] < 1e-3
    assert relu_norms[0] / relu_norms[-1] > 1e-2
    assert all(value > 0 for value in relu_norms)


def test_gradient_norms_needs_weights(training):
    import keras

    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Activation("relu")(inputs))
    with pytest.raises(SignalError, match="kernel"):
        training.gradient_norms(model, np.ones((2, 4)))


# --- Hardening II (#24): no silent NaN ------------------------------------------------------------


def test_minibatch_and_fit_stop_on_a_nan_loss_naming_the_learning_rate(training, small_model):
    frames = low_rank_frames() * 1e4
    with pytest.raises(SignalError, match="diverged.*step.*learning_rate"):
        training.train_minibatch(small_model(), frames, steps=60, learning_rate=1e30, eval_every=10)
    with pytest.raises(SignalError, match="diverged.*learning_rate"):
        training.fit_autoencoder(small_model(), frames, steps=60, learning_rate=1e30)


def test_a_nan_loss_on_constant_frames_names_the_constant_data(training, small_model):
    constant = np.full((256, 16), 3e4, dtype=np.float32)
    with pytest.raises(SignalError, match="constant"):
        training.train_minibatch(
            small_model(), constant, steps=60, learning_rate=1e30, eval_every=10
        )


def test_a_standardizer_fitted_on_huge_values_is_refused(notebook_session):
    from course_utils.audio import fit_standardizer

    with pytest.raises(SignalError, match="too large|not finite"):
        fit_standardizer(np.array([1e300, -1e300, 5e299, 0.0]))
