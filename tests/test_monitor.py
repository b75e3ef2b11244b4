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
    return rng.normal(size=(N_FRAMES, WIDTH)).astype("float32"), rng.normal(
        size=(16, WIDTH)
    ).astype("float32")


def tiny_fit(frames, monitor, epochs=EPOCHS):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(WIDTH,))
    code = keras.layers.Dense(4, activation="tanh")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(WIDTH)(code))
    model.compile(optimizer="adam", loss="mse")
    train, validation = frames
    return model.fit(
        train,
        train,
        validation_data=(validation, validation),
        batch_size=BATCH,
        epochs=epochs,
        verbose=0,
        shuffle=False,
        callbacks=[monitor],
    )


def assert_last_picture_is_the_history(monitor, history):
    assert monitor.drawn["loss"] == history.history["loss"]
    assert monitor.drawn["val_loss"] == history.history["val_loss"]
    assert monitor.drawn["step"] == [
        STEPS_PER_EPOCH * (i + 1) for i in range(len(history.history["loss"]))
    ]
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
    history = fit_autoencoder(
        autoencoder, train, validation, steps=24, batch_size=BATCH, callbacks=[monitor]
    )
    assert monitor.drawn["val_loss"] == history.history["val_loss"]
    assert monitor.drawn["loss"] == history.history["loss"]


def test_outside_jupyter_it_prints_nothing(frames, capsys):
    monitor = LiveTrainingMonitor(min_interval=0)
    tiny_fit(frames, monitor, epochs=1)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "kwargs",
    [
        {"every": 0},
        {"every": 2.5},
        {"every": True},
        {"min_interval": -1},
        {"min_interval": float("nan")},
    ],
)
def test_impossible_settings_are_refused_with_a_clear_message(kwargs):
    with pytest.raises(SettingError, match="every|min_interval") as error:
        LiveTrainingMonitor(**kwargs)
    assert isinstance(error.value, ValueError)


def test_training_progress_moves_and_ends_on_a_line_that_depends_only_on_the_run(
    notebook_session, capsys
):
    import numpy as np

    from course_utils.models import build_dense_autoencoder
    from course_utils.monitor import TrainingProgress
    from course_utils.training import fit_autoencoder

    frames = np.random.default_rng(0).normal(size=(256, 16)).astype("float32")
    lines = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        model, _, _ = build_dense_autoencoder(16, 4, hidden_sizes=(8,))
        bar = TrainingProgress(40, min_interval=0.0, show=False)
        fit_autoencoder(
            model, frames, frames[:64], steps=40, batch_size=32, callbacks=[bar], progress=False
        )
        assert (
            bar.step == 40 and bar.updates == 1 + 40 + 1
        )  # the start, every step (no throttle), the end
        assert (
            bar.line.startswith("trained [" + "#" * 24 + "] 40/40 steps, loss ")
            and "validation loss" in bar.line
        )
        lines.append(bar.line)
    assert lines[0] == lines[1], "the final line must be the same on every run (nbval compares it)"
    half = TrainingProgress(40, show=False)
    half.step = 20
    assert half.text(0.5) == "training [" + "#" * 12 + "." * 12 + "] 20/40 steps, loss 0.5"
    # Outside a notebook, progress=True prints the end-of-training line only.
    model, _, _ = build_dense_autoencoder(16, 4, hidden_sizes=(8,))
    fit_autoencoder(model, frames, steps=16, batch_size=32, progress=True)
    assert capsys.readouterr().out.startswith("trained [")
    fit_autoencoder(
        model, frames, steps=16, batch_size=32
    )  # the default: nothing outside a notebook
    assert capsys.readouterr().out == ""


def test_training_progress_refuses_a_bad_total():
    from course_utils.errors import SettingError
    from course_utils.monitor import TrainingProgress

    with pytest.raises(SettingError, match="positive whole number"):
        TrainingProgress(0)


@pytest.mark.slow
def test_training_progress_leaves_the_output_nbval_sees():
    """In a kernel the moving line is a display that starts and ends empty (nbval ignores display
    updates and compares the first state with the notebook's last), then one printed line."""
    import nbformat
    from nbclient import NotebookClient

    code = """
import course_utils
course_utils.setup_notebook(seed=0, style=False)
import numpy as np
from course_utils.models import build_dense_autoencoder
from course_utils.training import fit_autoencoder
model, _, _ = build_dense_autoencoder(16, 4, hidden_sizes=(8,))
frames = np.random.default_rng(0).normal(size=(256, 16)).astype("float32")
history = fit_autoencoder(model, frames, steps=40, batch_size=32)
"""
    # A whole cell's count, as lessons 06 and 12 show it: kept, and leaving nothing behind.
    counted = """
from course_utils import monitor
with monitor.progress(total=3, label="cross-validating", unit="trainings", min_interval=0) as bar:
    for _ in range(3):
        bar.update()
"""
    silent = """
for seed in monitor.progress([0, 1, 2], unit="seeds", leave=False, min_interval=0):
    pass
"""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(cell) for cell in (code, counted, silent)]
    )
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = [
        o
        for o in notebook.cells[0].outputs
        if not (o.output_type == "stream" and "Notebook ready" in o.text)
    ]
    empty = {"text/plain": "", "text/html": ""}
    assert [o.output_type for o in outputs] == ["display_data", "stream"], outputs
    assert outputs[0].data == empty
    assert outputs[1].text.startswith("trained [" + "#" * 24 + "] 40/40 steps, loss ")
    counted_outputs = notebook.cells[1].outputs
    assert [o.output_type for o in counted_outputs] == ["display_data", "stream"], counted_outputs
    assert counted_outputs[0].data == empty
    assert counted_outputs[1].text == "trained [" + "#" * 24 + "] 3/3 trainings\n"
    silent_outputs = notebook.cells[2].outputs
    assert [o.output_type for o in silent_outputs] == ["display_data"], silent_outputs
    assert silent_outputs[0].data == empty


def test_progress_counts_an_iterable_and_ends_on_a_line_that_depends_only_on_the_count():
    from course_utils.monitor import progress

    bar = progress(range(4), label="measuring", done_label="measured", unit="clips", show=False)
    assert list(bar) == [0, 1, 2, 3]
    assert bar.count == 4 and bar.finished
    assert bar.line == "measured [" + "#" * 24 + "] 4/4 clips"
    partial = progress(total=4, show=False)
    with partial:
        partial.update(2, loss=0.25)
        assert partial.bar.text(partial.loss) == (
            "training [" + "#" * 12 + "." * 12 + "] 2/4 runs, loss 0.25"
        )
    assert partial.line == "trained [" + "#" * 12 + "." * 12 + "] 2/4 runs, loss 0.25"


def test_progress_prints_its_end_line_outside_a_notebook_only_when_asked(capsys):
    from course_utils.monitor import progress

    for _ in progress([1, 2], show=True):
        pass
    assert capsys.readouterr().out == "trained [" + "#" * 24 + "] 2/2 runs\n"
    for _ in progress([1, 2], show=True, leave=False):
        pass
    for _ in progress([1, 2]):  # the default: nothing outside a notebook
        pass
    assert capsys.readouterr().out == ""


def test_progress_stops_where_an_error_stops_the_work():
    from course_utils.monitor import progress

    with pytest.raises(RuntimeError, match="the second run failed"):
        with progress(total=3, show=False) as bar:
            bar.update()
            raise RuntimeError("the second run failed")
    assert bar.count == 1 and not bar.finished
    assert bar.line.startswith("training [")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(iterable=(n for n in range(3))), "cannot count this iterable.*total="),
        (dict(total=0), "total must be a positive whole number of runs"),
        (dict(total=2.5), "total must be a positive whole number"),
        (dict(total=True), "total must be a positive whole number"),
        (dict(iterable=[]), "total must be a positive whole number"),
    ],
)
def test_progress_refuses_what_it_cannot_count(kwargs, message):
    from course_utils.monitor import progress

    with pytest.raises(SettingError, match=message):
        progress(**kwargs)


def test_progress_without_items_is_counted_by_hand():
    from course_utils.monitor import progress

    with pytest.raises(SettingError, match="call update"):
        list(progress(total=2, show=False))
