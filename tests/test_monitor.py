"""LiveTrainingMonitor: redraws are bounded, and the last picture is the whole history."""

from __future__ import annotations

import base64
import math

import numpy as np
import pytest

from course_utils.errors import SettingError

keras = pytest.importorskip("keras")

from course_utils.monitor import LiveTrainingMonitor  # noqa: E402

N_FRAMES, WIDTH, BATCH, EPOCHS = 64, 16, 8, 5
STEPS_PER_EPOCH = N_FRAMES // BATCH


@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(0)
    return rng.normal(size=(N_FRAMES, WIDTH)).astype("float32"), rng.normal(size=(16, WIDTH)).astype("float32")


def tiny_fit(frames, monitor, epochs=EPOCHS):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(WIDTH,))
    code = keras.layers.Dense(4, activation="tanh")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(WIDTH)(code))
    model.compile(optimizer="adam", loss="mse")
    train, validation = frames
    return model.fit(train, train, validation_data=(validation, validation), batch_size=BATCH,
                     epochs=epochs, verbose=0, shuffle=False, callbacks=[monitor])


def assert_last_picture_is_the_history(monitor, history):
    assert monitor.drawn["loss"] == history.history["loss"]
    assert monitor.drawn["val_loss"] == history.history["val_loss"]
    assert monitor.drawn["step"] == [STEPS_PER_EPOCH * (i + 1) for i in range(len(history.history["loss"]))]
    assert monitor.drawn["batch_loss"] == []  # nothing left over from an unfinished epoch
    (output,) = monitor.widget.output.outputs
    assert base64.b64decode(output["data"]["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    status = monitor.widget.status.value
    assert f"epoch <b>{len(history.history['loss'])}/" in status
    assert f"{history.history['val_loss'][-1]:.4g}" in status


def test_redraws_every_n_batches_are_bounded_and_end_on_the_history(frames):
    monitor = LiveTrainingMonitor(every=5, min_interval=0, show=False)
    history = tiny_fit(frames, monitor)
    steps = STEPS_PER_EPOCH * EPOCHS
    assert monitor.step == steps
    # At most one redraw per 5 batches, one per epoch and one at the end.
    assert EPOCHS <= monitor.redraws <= math.ceil(steps / 5) + EPOCHS + 1
    assert_last_picture_is_the_history(monitor, history)


def test_the_time_throttle_prevents_a_redraw_storm(frames):
    # every=1 asks for a redraw after every batch; an hour-long min_interval refuses all
    # but the first, and the end of training draws what was skipped.
    monitor = LiveTrainingMonitor(every=1, min_interval=3600, show=False)
    history = tiny_fit(frames, monitor)
    assert monitor.redraws == 2
    assert monitor.skipped == STEPS_PER_EPOCH * EPOCHS + EPOCHS - 1
    assert_last_picture_is_the_history(monitor, history)


def test_per_epoch_mode_draws_once_per_epoch(frames):
    monitor = LiveTrainingMonitor(min_interval=0, show=False)
    history = tiny_fit(frames, monitor, epochs=3)
    assert monitor.redraws == 3 and monitor.skipped == 0
    assert monitor.drawn["loss"] == history.history["loss"]


def test_a_second_fit_starts_a_new_picture(frames):
    monitor = LiveTrainingMonitor(min_interval=0, show=False)
    tiny_fit(frames, monitor, epochs=2)
    history = tiny_fit(frames, monitor, epochs=1)
    assert monitor.redraws == 1 and monitor.drawn["loss"] == history.history["loss"]


def test_works_through_fit_autoencoder(frames):
    from course_utils.models import build_dense_autoencoder
    from course_utils.training import fit_autoencoder

    train, validation = frames
    monitor = LiveTrainingMonitor(every=10, min_interval=0, show=False)
    keras.utils.set_random_seed(0)
    autoencoder, _, _ = build_dense_autoencoder(WIDTH, 4, hidden_sizes=(8,))
    history = fit_autoencoder(autoencoder, train, validation, steps=24, batch_size=BATCH,
                              callbacks=[monitor])
    assert monitor.drawn["val_loss"] == history.history["val_loss"]
    assert monitor.drawn["loss"] == history.history["loss"]


def test_outside_jupyter_it_prints_nothing(frames, capsys):
    monitor = LiveTrainingMonitor(min_interval=0)
    tiny_fit(frames, monitor, epochs=1)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kwargs", [{"every": 0}, {"every": 2.5}, {"every": True}, {"min_interval": -1},
                                    {"min_interval": float("nan")}])
def test_impossible_settings_are_refused_with_a_clear_message(kwargs):
    with pytest.raises(SettingError, match="every|min_interval") as error:
        LiveTrainingMonitor(**kwargs)
    assert isinstance(error.value, ValueError)
