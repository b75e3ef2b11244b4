"""Efficiency helpers: FLOP counts, timing, streaming WAV files, int8 quantization, pruning."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest
import soundfile

import course_utils

course_utils.setup_notebook(seed=0, style=False)

import keras  # noqa: E402

from course_utils import efficiency as eff  # noqa: E402
from course_utils.diagrams import _dense_layers  # noqa: E402
from course_utils.errors import (  # noqa: E402
    AudioFileError,
    AudioFileNotFoundError,
    DatasetLayoutError,
    SettingError,
    SignalError,
)
from course_utils.models import build_dense_autoencoder  # noqa: E402
from course_utils.profiling import measure_exact  # noqa: E402
from course_utils.training import fit_autoencoder  # noqa: E402


def small_model(frame_length=64, code_size=8, hidden=(32,), seed=0):
    keras.utils.set_random_seed(seed)
    return build_dense_autoencoder(frame_length, code_size, hidden_sizes=hidden)[0]


def frames(n=256, width=64, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(width)
    rows = [np.sin(2 * np.pi * rng.uniform(1, 6) * t / width + rng.uniform(0, 6)) for _ in range(n)]
    return (np.array(rows) + 0.05 * rng.standard_normal((n, width))).astype(np.float32)


# --- cost -----------------------------------------------------------------------------------


def test_flop_and_parameter_count_match_a_hand_count():
    # 4 -> 3 -> 2 -> 3 -> 4. Parameters: (12+3) + (6+2) + (6+3) + (12+4) = 48.
    # FLOPs (2*n*m + m): (24+3) + (12+2) + (12+3) + (24+4) = 84.
    cost = eff.dense_autoencoder_cost(4, 2, hidden_sizes=(3,))
    assert cost == {"params": 48, "flops": 84}
    model = small_model(4, 2, (3,))
    assert model.count_params() == 48
    assert eff.count_dense_flops(model) == 84


def test_flop_count_agrees_with_the_model_for_a_deeper_net():
    cost = eff.dense_autoencoder_cost(256, 32, hidden_sizes=(512, 128))
    model = small_model(256, 32, (512, 128))
    assert cost["params"] == model.count_params()
    assert cost["flops"] == eff.count_dense_flops(model)
    # Roughly two FLOPs per parameter (a multiply and an add per weight).
    assert 1.9 < cost["flops"] / cost["params"] < 2.0


def test_cost_rejects_bad_sizes_and_models_without_dense_layers():
    with pytest.raises(SettingError, match="positive"):
        eff.dense_autoencoder_cost(256, 0)
    inputs = keras.Input(shape=(4,))
    with pytest.raises(SignalError, match="no built Dense"):
        eff.count_dense_flops(keras.Model(inputs, keras.layers.Activation("relu")(inputs)))


# --- timing ---------------------------------------------------------------------------------


def test_time_ratio_sees_which_call_is_slower():
    # Sleeps five times apart: a loaded machine oversleeps by milliseconds, which moved a
    # 10 ms against 30 ms ratio out of its range (Python 3.13 run of make ci, under load).
    ratio = eff.time_ratio(lambda: time.sleep(0.02), lambda: time.sleep(0.1), repeats=3)
    assert 2.5 < ratio < 8.0, ratio
    assert eff.median_seconds(lambda: time.sleep(0.01), repeats=3) >= 0.0095
    with pytest.raises(SettingError):
        eff.median_seconds(lambda: None, repeats=0)


def test_cpu_time_ratio_counts_work_not_waiting():
    # Sleeping costs no CPU time, so by the CPU clock a sleep is not slower than a little work;
    # five times the arithmetic is several times the CPU time, whatever else the machine does.
    def work(n):
        return lambda: sum(i * i for i in range(n))

    assert eff.time_ratio(work(20_000), work(100_000), repeats=5, clock="cpu") > 3.0
    assert eff.time_ratio(work(100_000), lambda: time.sleep(0.05), repeats=3, clock="cpu") < 0.5
    with pytest.raises(SettingError, match="clock"):
        eff.time_ratio(work(10), work(10), clock="gpu")


def test_time_train_step_trains_and_returns_seconds():
    model = small_model()
    before = model.get_weights()[0].copy()
    seconds = eff.time_train_step(model, frames(128), steps=3, batch_size=32)
    assert 0 < seconds < 5
    assert not np.allclose(before, model.get_weights()[0])
    with pytest.raises(SignalError, match="batch_size"):
        eff.time_train_step(model, frames(10), batch_size=32)


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the kernel's peak record is Linux-only"
)
def test_measure_exact_sees_a_short_peak():
    def burst():
        block = np.ones(200_000_000 // 8)  # 200 MB, freed at once
        return float(block[0])

    run = measure_exact(burst)
    assert run.result == 1.0
    assert run.extra_mb > 150, run


# --- streaming from disk ---------------------------------------------------------------------


@pytest.fixture
def wav_folder(tmp_path):
    sr = 8000
    t = np.arange(int(2.5 * sr)) / sr
    signal = (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    paths = eff.write_wav_chunks(signal, sr, tmp_path / "chunks", seconds=1.0)
    return tmp_path / "chunks", paths, sr


def test_write_wav_chunks_cuts_the_signal_into_16_bit_files(wav_folder):
    folder, paths, sr = wav_folder
    assert [p.name for p in paths] == ["chunk_0000.wav", "chunk_0001.wav", "chunk_0002.wav"]
    lengths = [soundfile.info(p).frames for p in paths]
    assert lengths == [sr, sr, sr // 2]  # the short last piece is kept
    assert all(soundfile.info(p).subtype == "PCM_16" for p in paths)


def test_streaming_dataset_yields_standardized_frames_of_the_right_shape(wav_folder):
    folder, paths, sr = wav_folder
    dataset = eff.wav_frame_dataset(folder, frame_length=100, batch_size=16, mean=0.1, scale=0.5)
    spec = dataset.element_spec[0]
    assert spec.shape.as_list() == [None, 100] and spec.dtype.name == "float32"
    batches = list(dataset)
    x = np.concatenate([b[0].numpy() for b in batches])
    y = np.concatenate([b[1].numpy() for b in batches])
    assert np.array_equal(x, y)  # an autoencoder's target is its input
    assert len(x) == sum(soundfile.info(p).frames // 100 for p in paths)  # no overlap, no padding
    assert np.all(x <= (0.5 - 0.1) / 0.5 + 1e-3) and np.all(x >= (-0.5 - 0.1) / 0.5 - 1e-3)
    assert abs(np.mean(x) - (-0.1 / 0.5)) < 0.01
    hop = eff.wav_frame_dataset(
        paths, frame_length=100, hop_length=50, batch_size=1000, shuffle_buffer=1
    )
    assert sum(len(b[0]) for b in hop) == sum(
        (soundfile.info(p).frames - 100) // 50 + 1 for p in paths
    )


def test_streaming_dataset_is_seeded(wav_folder):
    folder, _, _ = wav_folder

    def first_batch():
        return next(iter(eff.wav_frame_dataset(folder, frame_length=80, batch_size=8, seed=3)))[
            0
        ].numpy()

    assert np.array_equal(first_batch(), first_batch())


def test_streaming_dataset_reads_files_only_when_it_needs_them(tmp_path):
    sr, n = 1000, 10_000  # 100 frames per file: the prefetched batches stay inside the first file
    paths = [tmp_path / f"f{i}.wav" for i in range(3)]
    for path in paths:
        soundfile.write(path, np.full(n, -0.25, dtype=np.float32), sr, subtype="PCM_16")
    dataset = eff.wav_frame_dataset(
        tmp_path, frame_length=100, batch_size=5, shuffle_buffer=1, files_at_once=1
    )
    # Building the dataset read no samples: change every file before iterating...
    for path in paths:
        soundfile.write(path, np.full(n, 0.25, dtype=np.float32), sr, subtype="PCM_16")
    iterator = iter(dataset)
    first = next(iterator)[0].numpy()
    assert np.allclose(first, 0.25, atol=1e-3)  # ...and the new samples come out.
    # After the first batch only one file has been read: change them all again.
    for path in paths:
        soundfile.write(path, np.full(n, 0.5, dtype=np.float32), sr, subtype="PCM_16")
    rest = np.concatenate([batch[0].numpy() for batch in iterator])
    values = np.round(rest.ravel(), 2)
    assert np.sum(values == 0.25) == 95 * 100  # the rest of the first file, decoded whole
    assert np.sum(values == 0.5) == 2 * 100 * 100  # the other two files, read later


def test_streaming_dataset_errors_name_the_problem(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DatasetLayoutError, match="empty"):
        eff.wav_frame_dataset(empty, frame_length=64)
    with pytest.raises(AudioFileNotFoundError, match="No folder or file"):
        eff.wav_frame_dataset(tmp_path / "missing", frame_length=64)
    mixed = tmp_path / "mixed"
    eff.write_wav_chunks(np.zeros(800, dtype=np.float32), 800, mixed, seconds=1.0)
    (mixed / "notes.txt").write_text("not audio")
    with pytest.raises(AudioFileError, match="notes.txt.*not a WAV"):
        eff.wav_frame_dataset(mixed, frame_length=64)
    fake = tmp_path / "fake.wav"
    fake.write_text("RIFF? no, plain text")
    with pytest.raises(AudioFileError, match="fake.wav"):
        eff.wav_frame_dataset([fake], frame_length=64)
    with pytest.raises(DatasetLayoutError, match="empty"):
        eff.wav_frame_dataset([], frame_length=64)
    (mixed / "notes.txt").unlink()
    with pytest.raises(SettingError, match="hop_length"):
        eff.wav_frame_dataset(mixed, frame_length=64, hop_length=128)
    one_file = eff.wav_frame_dataset(mixed / "chunk_0000.wav", frame_length=100, batch_size=100)
    assert sum(len(b[0]) for b in one_file) == 8


# --- quantization ----------------------------------------------------------------------------


def test_tflite_int8_keeps_shapes_and_stays_close():
    model = small_model(128, 16, (256,))
    x = frames(50, 128)
    expected = model.predict(x, verbose=0)
    int8 = eff.TFLiteModel(eff.to_tflite(model, int8=True))
    float32 = eff.TFLiteModel(eff.to_tflite(model, int8=False))
    for runner in (int8, float32):
        y = runner(x)
        assert y.shape == x.shape and y.dtype == np.float32 and np.all(np.isfinite(y))
        assert runner(x[:7]).shape == (7, 128)  # another batch size
    assert np.allclose(float32(x), expected, atol=1e-4)
    error = np.sqrt(np.mean((int8(x) - expected) ** 2)) / np.sqrt(np.mean(expected**2))
    assert 0 < error < 0.05, error  # int8 changes the result, a little
    assert int8.nbytes < 0.35 * float32.nbytes


@pytest.mark.slow
def test_keras_int8_copy_quantizes_a_copy():
    model = small_model(128, 16, (256,))
    x = frames(40, 128)
    expected = model.predict(x, verbose=0)
    quantized = eff.keras_int8_copy(model)
    y = quantized.predict(x, verbose=0)
    assert y.shape == x.shape and np.all(np.isfinite(y))
    assert np.sqrt(np.mean((y - expected) ** 2)) < 0.05 * np.sqrt(np.mean(expected**2))
    assert "int8" in {v.dtype for v in quantized.weights}
    assert "int8" not in {v.dtype for v in model.weights}  # the original is untouched
    assert np.array_equal(model.predict(x, verbose=0), expected)
    assert eff.weights_nbytes(quantized) < 0.35 * eff.weights_nbytes(model)


# --- pruning ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sparsity", [0.0, 0.5, 0.9])
def test_masks_give_the_requested_sparsity_and_remove_the_smallest_weights(sparsity):
    model = small_model()
    kernels = {layer.kernel.path: layer.kernel.numpy() for layer in _dense_layers(model)}
    masks = eff.magnitude_masks(model, sparsity)
    assert set(masks) == set(kernels)
    for path, mask in masks.items():
        weights = np.abs(kernels[path])
        assert mask.shape == weights.shape
        assert np.sum(mask == 0) == round(sparsity * weights.size)
        if 0 < sparsity:
            assert weights[mask == 0].max() <= weights[mask == 1].min()


@pytest.mark.slow
def test_pruned_weights_stay_zero_while_training():
    model = small_model()
    data = frames(256)
    masks = eff.prune(model, 0.8)
    assert abs(eff.kernel_sparsity(model) - 0.8) < 1e-3
    kept_before = {
        p: v.numpy()[masks[p] == 1].copy()
        for p, v in ((v.path, v) for v in model.weights)
        if p in masks
    }
    fit_autoencoder(model, data, steps=12, batch_size=32)
    for layer in _dense_layers(model):
        kernel = layer.kernel.numpy()
        mask = masks[layer.kernel.path]
        assert np.all(kernel[mask == 0] == 0)
        assert not np.allclose(kernel[mask == 1], kept_before[layer.kernel.path])  # the rest trains
    assert abs(eff.kernel_sparsity(model) - 0.8) < 1e-3
    eff.strip_pruning(model)
    assert all(layer.kernel.constraint is None for layer in _dense_layers(model))
    fit_autoencoder(model, data, steps=4, batch_size=32)
    assert eff.kernel_sparsity(model) < 0.5  # without the masks, zeros come back to life


def test_pruning_saves_space_only_once_compressed():
    dense, pruned = small_model(128, 16, (256,)), small_model(128, 16, (256,))
    eff.prune(pruned, 0.9)
    assert eff.weights_nbytes(pruned) == eff.weights_nbytes(dense)  # zeros still take 4 bytes each
    assert eff.compressed_nbytes(pruned) < 0.5 * eff.compressed_nbytes(dense)


def test_pruning_rejects_impossible_sparsity():
    model = small_model()
    for bad in (-0.1, 1.0, 1.5):
        with pytest.raises(SettingError, match="sparsity"):
            eff.magnitude_masks(model, bad)


# --- distribution ----------------------------------------------------------------------------


def test_training_under_a_mirrored_strategy_matches_plain_training():
    import tensorflow as tf

    data = frames(256)

    def build():
        keras.utils.set_random_seed(0)
        return small_model()

    plain_model, plain = eff.train_with_strategy(
        tf.distribute.get_strategy(), build, data, steps=6, per_replica_batch=32
    )
    strategy = tf.distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == 1  # one CPU: one replica
    mirrored_model, mirrored = eff.train_with_strategy(
        strategy, build, data, steps=6, per_replica_batch=32
    )
    assert len(plain) == 6 and plain[-1] < plain[0]
    assert np.allclose(plain, mirrored, rtol=1e-6)
    for a, b in zip(plain_model.get_weights(), mirrored_model.get_weights()):
        assert np.allclose(a, b, atol=1e-6)
    with pytest.raises(SignalError, match="global batch"):
        eff.train_with_strategy(strategy, build, data[:10], steps=2, per_replica_batch=32)


WORKER = """
import json, os, sys
import numpy as np
import course_utils
course_utils.setup_notebook(seed=0, style=False)
import tensorflow as tf
from course_utils import efficiency, models
if os.environ.get("TF_CONFIG"):
    strategy, per_replica = tf.distribute.MultiWorkerMirroredStrategy(), 16
else:
    strategy, per_replica = tf.distribute.get_strategy(), 32
frames = np.random.default_rng(0).standard_normal((512, 64)).astype("float32")
model, losses = efficiency.train_with_strategy(
    strategy, lambda: models.build_dense_autoencoder(64, 8, hidden_sizes=(32,))[0],
    frames, steps=8, per_replica_batch=per_replica)
print(json.dumps({"replicas": strategy.num_replicas_in_sync, "losses": losses,
                  "weights": float(sum(np.abs(w).sum() for w in model.get_weights()))}))
"""


@pytest.mark.slow
def test_two_workers_on_this_machine_train_like_one_device_with_the_global_batch(tmp_path):
    """The notebook's cluster recipe, run for real: two workers on 127.0.0.1, TF_CONFIG, MWMS."""
    import json
    import os
    import socket
    import subprocess

    ports = []
    for _ in range(2):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    script = tmp_path / "worker.py"
    script.write_text(WORKER)

    def start(index):
        env = dict(os.environ)
        env.pop("TF_CONFIG", None)
        if index is not None:
            env["TF_CONFIG"] = json.dumps(
                {"cluster": cluster, "task": {"type": "worker", "index": index}}
            )
        return subprocess.Popen(
            [sys.executable, str(script)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    workers = [start(0), start(1)]
    single = start(None)
    results = []
    for process in (*workers, single):
        try:
            out, err = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            for p in (*workers, single):
                p.kill()
            raise
        assert process.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    first, second, alone = results
    assert first["replicas"] == second["replicas"] == 2 and alone["replicas"] == 1
    # Two replicas of 16 frames = one device with 32: the same losses and the same weights.
    assert np.allclose(first["losses"], alone["losses"], rtol=1e-5)
    assert first["losses"] == second["losses"]
    assert np.isclose(first["weights"], alone["weights"], rtol=1e-5)


def test_pruning_in_stages_updates_the_masks_of_a_compiled_model():
    model = small_model()
    data = frames(256)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((data, data)).batch(32).repeat()
    for sparsity in (0.5, 0.8):
        masks = eff.prune(model, sparsity)
        model.fit(dataset, steps_per_epoch=5, epochs=1, verbose=0, shuffle=False)  # traced once
        for layer in _dense_layers(model):
            assert np.all(layer.kernel.numpy()[masks[layer.kernel.path] == 0] == 0)
        assert abs(eff.kernel_sparsity(model) - sparsity) < 1e-3


def test_step_timer_times_every_step_of_fit():
    model = small_model()
    timer = eff.StepTimer(skip=2)
    fit_autoencoder(model, frames(128), steps=8, batch_size=32, callbacks=[timer])
    assert len(timer.seconds) == 8 and all(t > 0 for t in timer.seconds)
    assert timer.median == pytest.approx(float(np.median(timer.seconds[2:])))
    with pytest.raises(SignalError, match="StepTimer"):
        _ = eff.StepTimer().median


# --- Hardening II (#24): nothing lost, nothing stale, nothing outside the folder -----------------


def test_write_wav_chunks_never_replaces_files_unless_asked_and_leaves_nothing_stale(tmp_path):
    from course_utils.errors import OutputExistsError

    folder = tmp_path / "chunks"
    long = np.full(3000, 0.25, dtype=np.float32)
    first = eff.write_wav_chunks(long, 1000, folder, seconds=1.0)
    before = [p.read_bytes() for p in first]
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        eff.write_wav_chunks(np.zeros(1000, dtype=np.float32), 1000, folder, seconds=1.0)
    assert [p.read_bytes() for p in first] == before  # nothing lost
    assert issubclass(OutputExistsError, FileExistsError)
    short = eff.write_wav_chunks(
        np.full(1000, -0.5, dtype=np.float32), 1000, folder, seconds=1.0, overwrite=True
    )
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in short] == ["chunk_0000.wav"]
    streamed = np.concatenate(
        [b[0].numpy() for b in eff.wav_frame_dataset(folder, frame_length=100)]
    )
    assert np.allclose(streamed, -0.5, atol=1e-3)  # no stale chunk is streamed


def test_write_wav_chunks_refuses_paths_in_the_prefix_and_absurd_settings(tmp_path):
    from course_utils.errors import CourseError

    signal = np.zeros(2000, dtype=np.float32)
    folder = tmp_path / "a" / "b"
    for prefix in ("../../x", "sub/x", "..", "", "x\\y"):
        with pytest.raises(SettingError, match="prefix"):
            eff.write_wav_chunks(signal, 1000, folder, prefix=prefix)
    for seconds in (1e-9, 0.0, -1.0, float("nan"), float("inf"), "2"):
        with pytest.raises(SettingError, match="seconds"):
            eff.write_wav_chunks(signal, 1000, folder, seconds=seconds)
    with pytest.raises(CourseError, match="sr"):
        eff.write_wav_chunks(signal, 1000.5, folder)
    a_file = tmp_path / "file.wav"
    a_file.write_bytes(b"keep me")
    with pytest.raises(CourseError, match="not a folder"):
        eff.write_wav_chunks(signal, 1000, a_file)
    assert a_file.read_bytes() == b"keep me"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["file.wav"]


def test_streaming_refuses_wavs_it_cannot_decode_and_non_finite_settings(tmp_path):
    signal = np.zeros(800, dtype=np.float32)
    for subtype in ("FLOAT", "PCM_U8", "PCM_24"):
        path = tmp_path / f"{subtype}.wav"
        soundfile.write(path, signal, 8000, subtype=subtype)
        with pytest.raises(AudioFileError, match="16-bit"):
            eff.wav_frame_dataset([path], frame_length=64)
    good = eff.write_wav_chunks(signal + 0.1, 8000, tmp_path / "ok", seconds=1.0)
    for settings in (
        {"scale": float("nan")},
        {"scale": float("inf")},
        {"mean": float("nan")},
        {"scale": 0.0},
        {"mean": "0"},
    ):
        with pytest.raises(SettingError, match="scale|mean"):
            eff.wav_frame_dataset(good, frame_length=64, **settings)
