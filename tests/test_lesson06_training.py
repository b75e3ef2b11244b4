"""train_minibatch's optimizer, loss and weight penalty options, and gradient_norms."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import course_utils

if "tensorflow" not in sys.modules:  # quiet and deterministic TensorFlow, set before its import
    course_utils.setup_notebook(seed=0, style=False)

import keras  # noqa: E402

from course_utils.errors import SignalError  # noqa: E402
from course_utils.models import build_dense_autoencoder  # noqa: E402
from course_utils.training import gradient_norms, train_minibatch  # noqa: E402


def frames(n=256, width=16, seed=0):
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((4, width))
    return (rng.standard_normal((n, 4)) @ basis).astype(np.float32)


def small_model(**options):
    keras.utils.set_random_seed(0)
    return build_dense_autoencoder(16, 4, hidden_sizes=(32,), **options)[0]


def test_default_optimizer_and_loss_are_adam_and_mse():
    x = frames()
    history = train_minibatch(small_model(), x, steps=50, validation=x[:32], eval_every=25)
    assert history["step"] == [25, 50]
    assert history["val_loss"][-1] < history["val_loss"][0]


def test_optimizer_by_name_object_and_loss_by_name():
    x = frames()
    by_name = train_minibatch(small_model(), x, steps=30, optimizer="sgd", learning_rate=0.01, eval_every=30)
    by_object = train_minibatch(small_model(), x, steps=30, optimizer=keras.optimizers.SGD(0.01), eval_every=30)
    assert by_name["loss"] == pytest.approx(by_object["loss"], rel=1e-5)
    adam = train_minibatch(small_model(), x, steps=30, eval_every=30)
    assert adam["loss"] != pytest.approx(by_name["loss"], rel=1e-3)
    mae = train_minibatch(small_model(), x, steps=30, loss="mae", validation=x[:32], eval_every=30)
    model = small_model()
    start_mae = float(np.mean(np.abs(x[:32] - np.asarray(model(x[:32])))))
    assert 0 < mae["val_loss"][0] < start_mae  # the validation loss is an MAE, and it fell


def test_weight_penalty_is_part_of_the_training_loss():
    x = frames()
    plain = train_minibatch(small_model(), x, steps=20, eval_every=20, validation=x[:32])
    penalized = train_minibatch(small_model(l2=1.0), x, steps=20, eval_every=20, validation=x[:32])
    # the penalty (sum of squared weights, large at l2=1) is added to the training loss only
    assert penalized["loss"][0] > plain["loss"][0] + 1.0
    assert penalized["val_loss"][0] < penalized["loss"][0]


def test_gradient_norms_vanish_in_a_deep_sigmoid_stack_but_not_with_relu():
    x = frames(64)
    keras.utils.set_random_seed(0)
    sigmoid = build_dense_autoencoder(16, 4, hidden_sizes=(32,) * 5, activation="sigmoid",
                                      kernel_initializer="glorot_uniform")[0]
    keras.utils.set_random_seed(0)
    relu = build_dense_autoencoder(16, 4, hidden_sizes=(32,) * 5)[0]
    sig_norms = list(gradient_norms(sigmoid, x).values())
    relu_norms = list(gradient_norms(relu, x).values())
    assert len(sig_norms) == len(relu_norms) == 12  # 5 + code + 5 + output, input side first
    assert sig_norms[0] / sig_norms[-1] < 1e-3
    assert relu_norms[0] / relu_norms[-1] > 1e-2
    assert all(value > 0 for value in relu_norms)


def test_gradient_norms_needs_weights():
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Activation("relu")(inputs))
    with pytest.raises(SignalError, match="kernel"):
        gradient_norms(model, np.ones((2, 4)))
