"""course_utils.anomaly and the benchmark part on tiny generated machine folders."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from course_utils import anomaly
from course_utils.errors import AudioFileError, DatasetLayoutError, SettingError, SilentSignalError

SR = 16000


def hum(rng, seconds=1.0, fault=False, channels=1):
    """A machine: a 120 Hz hum with harmonics in noise; the faulty one adds a 3 kHz whine."""
    t = np.arange(int(seconds * SR)) / SR
    x = sum(0.05 / k * np.sin(2 * np.pi * 120 * k * t + rng.uniform(0, 6)) for k in range(1, 5))
    x = x + 0.01 * rng.normal(size=t.size)
    if fault:
        x = x + 0.03 * np.sin(2 * np.pi * rng.uniform(2800, 3200) * t)
    x = x.astype(np.float32)
    return np.stack([x, 0.5 * x], axis=1) if channels == 2 else x


def make_folder(root, n_normal=6, n_abnormal=4, formats=("wav",)):
    rng = np.random.default_rng(0)
    for state, n in (("normal", n_normal), ("abnormal", n_abnormal)):
        (root / state).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            fmt = formats[i % len(formats)]
            soundfile.write(
                root / state / f"{i:03d}.{fmt}",
                hum(rng, fault=state == "abnormal", channels=1 + i % 2),
                SR,
            )
    return root


def test_loads_any_format_first_channel(tmp_path):
    folder = make_folder(tmp_path / "m", formats=("wav", "flac", "ogg"))
    sounds = anomaly.load_machine_sounds(folder)
    assert len(sounds.normal) == 6 and len(sounds.abnormal) == 4 and sounds.sr == SR
    assert all(clip.ndim == 1 and len(clip) == SR for clip in sounds.normal + sounds.abnormal)


def test_resamples_to_one_rate(tmp_path):
    folder = make_folder(tmp_path / "m")
    soundfile.write(
        folder / "normal" / "zz.wav", np.repeat(hum(np.random.default_rng(1)), 2)[: SR * 2], 2 * SR
    )
    sounds = anomaly.load_machine_sounds(folder, sr=8000)
    assert sounds.sr == 8000 and all(abs(len(c) - 8000) <= 1 for c in sounds.normal)


def test_missing_class_is_a_clear_error(tmp_path):
    folder = make_folder(tmp_path / "m")
    for path in (folder / "abnormal").iterdir():
        path.unlink()
    with pytest.raises(DatasetLayoutError, match="abnormal.*both"):
        anomaly.load_machine_sounds(folder)
    with pytest.raises(DatasetLayoutError, match="not a folder"):
        anomaly.load_machine_sounds(tmp_path / "nowhere")


def test_too_few_normal_clips(tmp_path):
    with pytest.raises(DatasetLayoutError, match="at least 4"):
        anomaly.load_machine_sounds(make_folder(tmp_path / "m", n_normal=3))


def test_unreadable_and_silent_files_are_named(tmp_path):
    folder = make_folder(tmp_path / "m")
    (folder / "normal" / "broken.wav").write_text("not audio")
    with pytest.raises(AudioFileError, match="broken.wav"):
        anomaly.load_machine_sounds(folder)
    (folder / "normal" / "broken.wav").unlink()
    soundfile.write(folder / "abnormal" / "quiet.wav", np.zeros(SR, dtype=np.float32), SR)
    with pytest.raises(SilentSignalError, match="quiet.wav"):
        anomaly.load_machine_sounds(folder)


def test_features_and_context():
    clip = hum(np.random.default_rng(0))
    mel = anomaly.log_mel_frames(clip, SR)
    assert mel.shape == (1 + SR // anomaly.MEL_HOP, anomaly.N_MELS)
    stacked = anomaly.stack_context(mel, 5)
    assert stacked.shape == (len(mel) - 4, 5 * anomaly.N_MELS)
    assert np.array_equal(stacked[3, : anomaly.N_MELS], mel[3]) and np.array_equal(
        stacked[3, -anomaly.N_MELS :], mel[7]
    )
    with pytest.raises(SettingError, match="shorter than the context"):
        anomaly.stack_context(mel[:3], 5)


def test_split_is_by_clip_and_seeded():
    train, test = anomaly.split_normal(20, seed=3)
    assert len(train) == 14 and len(test) == 6 and not set(train) & set(test)
    assert sorted(np.r_[train, test]) == list(range(20))
    assert np.array_equal(anomaly.split_normal(20, seed=3)[0], train)
    assert not np.array_equal(anomaly.split_normal(20, seed=4)[0], train)


def test_pooling():
    scores = np.arange(1.0, 11.0)
    assert anomaly.pool(scores, "mean") == 5.5 and anomaly.pool(scores, "max") == 10
    assert anomaly.pool(scores, 0.2) == 9.5
    with pytest.raises(SettingError, match="fraction"):
        anomaly.pool(scores, "median")


def test_auc_and_partial_auc():
    assert anomaly.auc([0, 1, 2], [3, 4]) == 1.0 and anomaly.auc([3, 4], [0, 1, 2]) == 0.0
    assert anomaly.partial_auc([0, 1, 2], [3, 4]) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    normal, abnormal = rng.normal(size=4000), rng.normal(size=4000)
    assert anomaly.auc(normal, abnormal) == pytest.approx(0.5, abs=0.02)
    assert anomaly.partial_auc(normal, abnormal) == pytest.approx(
        0.5, abs=0.02
    )  # standardized: chance is 0.5
    assert anomaly.partial_auc(normal, abnormal + 0.5) < anomaly.auc(
        normal, abnormal + 0.5
    )  # the strict corner
    low, high = anomaly.bootstrap_interval(normal[:20], abnormal[:20] + 1.0, n=300)
    assert low < anomaly.auc(normal[:20], abnormal[:20] + 1.0) < high


def test_gaussian_flags_the_shifted_clips():
    rng = np.random.default_rng(0)
    train = rng.normal(size=(30, 8))
    scores = anomaly.gaussian_scores(
        train, np.r_[rng.normal(size=(10, 8)), rng.normal(size=(10, 8)) + 2]
    )
    assert anomaly.auc(scores[:10], scores[10:]) > 0.95


def test_detectors_hear_the_whine(tmp_path):
    sounds = anomaly.load_machine_sounds(make_folder(tmp_path / "m", n_normal=6, n_abnormal=4))
    results = anomaly.evaluate(sounds, seeds=[0], epochs=5, n_train=3, also_pool=("max", 0.5))
    table = anomaly.summarize(results)
    assert set(table) == {
        "autoencoder",
        "autoencoder, max pooling",
        "autoencoder, top 50% pooling",
        "autoencoder, untrained",
        "autoencoder + Gaussian on band errors",
        "PCA",
        "Gaussian",
    }
    by = {r.method: np.r_[r.normal_scores, r.abnormal_scores] for r in results}
    mean = by["autoencoder"]  # the same frame errors, pooled three ways
    assert np.all(by["autoencoder, max pooling"] >= by["autoencoder, top 50% pooling"])
    assert np.all(by["autoencoder, top 50% pooling"] >= mean - 1e-6)
    assert np.any(by["autoencoder, max pooling"] > mean)
    with pytest.raises(SettingError):
        anomaly.evaluate(sounds, seeds=[0], epochs=1, n_train=3, also_pool=("median",))
    assert table["PCA"]["auc"] == 1.0 and table["Gaussian"]["auc"] == 1.0


def test_later_splits_score_as_with_a_model_of_their_own(tmp_path):
    # evaluate trains one model, given each later split's starting weights and a fresh optimizer:
    # split 1 must come out as when it is the first (a model built for it alone)
    sounds = anomaly.load_machine_sounds(make_folder(tmp_path / "m", n_normal=6, n_abnormal=4))
    methods = ("autoencoder", "autoencoder, untrained", "autoencoder + Gaussian on band errors")
    both = anomaly.evaluate(sounds, seeds=[0, 1], epochs=3, n_train=3, methods=methods)
    alone = anomaly.evaluate(sounds, seeds=[1], epochs=3, n_train=3, methods=methods)
    later = [r for r in both if r.seed == 1]
    assert [r.method for r in later] == [r.method for r in alone]
    for a, b in zip(later, alone):
        np.testing.assert_allclose(a.normal_scores, b.normal_scores, rtol=1e-5)
        np.testing.assert_allclose(a.abnormal_scores, b.abnormal_scores, rtol=1e-5)
    first = [r for r in both if r.seed == 0 and r.method == "autoencoder"][0]
    assert not np.allclose(first.normal_scores, later[0].normal_scores)  # the splits differ


def test_training_and_evaluation_show_their_progress_only_where_asked(tmp_path, capsys):
    """#23 item 5: lesson 09 trains for 5 s and evaluates five splits for 19 s; lines count them."""
    import keras

    keras.utils.set_random_seed(0)
    model = anomaly.build_anomaly_autoencoder(12, code_size=2, hidden=8, depth=1)
    x = np.random.default_rng(0).normal(size=(50, 12)).astype(np.float32)
    losses = anomaly.train_autoencoder(model, x, epochs=2, batch_size=25, progress=True)
    # Outside a notebook only the end line is printed: 2 epochs of 2 batches, the last loss.
    assert capsys.readouterr().out == f"trained [{'#' * 24}] 4/4 steps, loss {losses[-1]:.4g}\n"
    sounds = anomaly.load_machine_sounds(make_folder(tmp_path / "m", n_normal=6, n_abnormal=4))
    anomaly.evaluate(sounds, seeds=[0, 1], epochs=1, n_train=3, methods=("PCA",), progress=True)
    assert capsys.readouterr().out == f"trained [{'#' * 24}] 2/2 splits\n"
    anomaly.train_autoencoder(model, x, epochs=1)  # the default: shown in a notebook only
    anomaly.evaluate(sounds, seeds=[0], epochs=1, n_train=3, methods=("PCA",))
    assert capsys.readouterr().out == ""


def test_frame_errors_in_batches_match_one_call():
    import keras

    keras.utils.set_random_seed(0)
    model = anomaly.build_anomaly_autoencoder(12, code_size=2, hidden=8, depth=1)
    x = np.random.default_rng(0).normal(size=(50, 12)).astype(np.float32)
    whole = ((np.asarray(model(x, training=False)) - x) ** 2).mean(axis=1)
    np.testing.assert_allclose(anomaly.frame_errors(model, x, batch_size=7), whole, rtol=1e-5)
    assert anomaly.frame_errors(model, x, per_band=True, batch_size=7).shape == (50, 12)
    assert anomaly.frame_errors(model, x[:0]).shape == (0,)


def test_benchmark_part_on_a_folder(tmp_path):
    from benchmarks.anomaly import run

    result = run(quick=True, machine_dir=str(make_folder(tmp_path / "m", n_normal=6, n_abnormal=4)))
    columns = [
        "method",
        "kind",
        "auc",
        "pauc",
        "auc_low",
        "auc_high",
        "n_train",
        "n_test_normal",
        "n_test_abnormal",
    ]
    assert all(list(row) == columns for row in result["rows"])
    assert {row["kind"] for row in result["rows"]} == {"autoencoder", "baseline"}
    assert all(
        row["n_train"] == 3 and row["n_test_normal"] == 3 and row["n_test_abnormal"] == 4
        for row in result["rows"]
    )
    assert len(result["targets"]) == 2


def test_benchmark_command_line_writes_the_rows(tmp_path):
    import json

    from benchmarks.__main__ import main

    folder = make_folder(tmp_path / "m")
    assert (
        main(
            [
                "--quick",
                "--only",
                "anomaly",
                "--machine-dir",
                str(folder),
                "--json",
                str(tmp_path / "r.json"),
            ]
        )
        == 0
    )
    rows = json.loads((tmp_path / "r.json").read_text())["parts"]["anomaly"]["rows"]
    assert len(rows) == 4
