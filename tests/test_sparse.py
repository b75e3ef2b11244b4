"""The k-sparse autoencoder: its code, its training, its bit count and its checked weights."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from course_utils.errors import (
    AudioFileNotFoundError,
    DatasetLayoutError,
    SettingError,
    SignalError,
)
from course_utils.sparse import (
    build_ksparse_autoencoder,
    ksparse_quantized_roundtrip,
    load_ksparse_autoencoder,
    save_ksparse_weights,
    train_ksparse_autoencoder,
)


@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(0)
    t = np.arange(64)
    # Frames with a few strong tones each, different tones in different frames, plus noise.
    rows = [
        sum(np.sin(2 * np.pi * f * t / 64 + rng.uniform(0, 6)) for f in rng.integers(1, 30, 3))
        for _ in range(300)
    ]
    return (np.array(rows) + 0.05 * rng.normal(size=(300, 64))).astype(np.float32)


def test_code_is_m_values_and_m_positions_and_decodes_exactly_with_all_atoms(frames):
    model = build_ksparse_autoencoder(frames, m=8)
    values, positions = model.encode(frames[:5])
    assert values.shape == (5, 8) and positions.shape == (5, 8)
    assert np.all(np.asarray(positions) < 64)
    # The DCT start is orthonormal: keeping every coefficient would be lossless.
    full = build_ksparse_autoencoder(frames, m=63)
    assert np.max(np.abs(np.asarray(full(frames[:5])) - frames[:5])) < 0.2


def test_sparse_code_beats_a_fixed_subspace_of_the_same_size_when_frames_differ(frames):
    from sklearn.decomposition import PCA

    model = build_ksparse_autoencoder(frames[:200], m=8)
    pca = PCA(n_components=16).fit(frames[:200])
    test = frames[200:]
    sparse_error = np.mean((np.asarray(model(test)) - test) ** 2)
    pca_error = np.mean((pca.inverse_transform(pca.transform(test)) - test) ** 2)
    assert sparse_error < pca_error


def test_training_lowers_the_loss_and_is_seeded(frames):
    first = build_ksparse_autoencoder(frames, m=8)
    before = float(np.mean((np.asarray(first(frames)) - frames) ** 2))
    train_ksparse_autoencoder(first, frames, steps=60, batch_size=32, learning_rate=1e-3, seed=1)
    after = float(np.mean((np.asarray(first(frames)) - frames) ** 2))
    assert after < before
    second = build_ksparse_autoencoder(frames, m=8)
    train_ksparse_autoencoder(second, frames, steps=60, batch_size=32, learning_rate=1e-3, seed=1)
    np.testing.assert_allclose(first.atoms.numpy(), second.atoms.numpy(), atol=1e-6)


def test_bits_count_values_positions_and_ranges(frames):
    model = build_ksparse_autoencoder(frames, m=8)
    decoded, total = ksparse_quantized_roundtrip(model, frames[:10], bits=6)
    assert decoded.shape == (10, 64)
    assert total == 10 * 8 * 6 + 10 * 8 * 8 + 2 * 8 * 32
    with pytest.raises(SignalError, match="shape"):
        ksparse_quantized_roundtrip(model, frames[:, :32])


def test_bad_input_is_refused(frames):
    with pytest.raises(SignalError, match="NaN"):
        build_ksparse_autoencoder(np.full((4, 64), np.nan))
    with pytest.raises(SettingError, match="m must be"):
        build_ksparse_autoencoder(frames, m=64)
    model = build_ksparse_autoencoder(frames, m=8)
    with pytest.raises(SettingError, match="steps"):
        train_ksparse_autoencoder(model, frames, steps=0)


def test_weights_round_trip_and_a_changed_file_is_caught(frames, tmp_path):
    model = build_ksparse_autoencoder(frames, m=8)
    path = save_ksparse_weights(model, tmp_path / "w.npz", steps=0)
    assert json.loads(path.with_suffix(".json").read_text())["steps"] == 0
    loaded = load_ksparse_autoencoder(path)
    np.testing.assert_allclose(
        np.asarray(loaded(frames[:3])), np.asarray(model(frames[:3])), atol=1e-6
    )
    with pytest.raises(FileExistsError, match="overwrite"):
        save_ksparse_weights(model, path)
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(DatasetLayoutError, match="SHA-256"):
        load_ksparse_autoencoder(path)
    with pytest.raises(AudioFileNotFoundError, match="make weights"):
        load_ksparse_autoencoder(tmp_path / "absent.npz")


def test_committed_weights_load_and_beat_pca_on_the_held_out_orchestra():
    from course_utils.audio import frame_signal
    from course_utils.baselines import PCACodec, reconstruct_signal
    from course_utils.data import data_dir, load_real_clip, split_in_time
    from course_utils.metrics import snr_db

    model = load_ksparse_autoencoder(data_dir() / "weights" / "ksparse_music.npz")
    train, held_out = split_in_time(load_real_clip("orchestra")[0])
    pca = PCACodec(code_size=2 * model.m, frame_length=256, hop_length=32).fit(train)
    sparse_snr = snr_db(held_out, reconstruct_signal(lambda f: model(f).numpy(), held_out, 256))
    assert frame_signal(held_out, 256, 256).shape[1] == model.frame_length
    assert sparse_snr > snr_db(held_out, pca.reconstruct(held_out)) + 1.0


def test_lesson05_exercise_codec_is_the_dct_start_of_the_library_model(frames):
    """05's open exercise writes the k-sparse code by hand; it must agree with course_utils.sparse."""
    from course_utils.exercises.lesson05 import _build_codec

    encode, decode = _build_codec(frames[:200], code_size=16)
    codes = encode(frames[200:])
    assert codes.shape == (100, 16)
    by_hand = decode(codes.astype(np.float16).astype(np.float32))
    library = np.asarray(build_ksparse_autoencoder(frames[:200], m=8)(frames[200:]))
    assert np.max(np.abs(by_hand - library)) < 0.02 * np.max(np.abs(library))


def test_saving_weights_never_replaces_a_neighbour_or_records_another_files_hash(frames, tmp_path):
    from course_utils.errors import OutputExistsError, SettingError

    model = build_ksparse_autoencoder(frames, m=8)
    neighbour = tmp_path / "w.json"
    neighbour.write_text("my notes", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="w.json"):
        save_ksparse_weights(model, tmp_path / "w.npz", steps=0)
    assert neighbour.read_text(encoding="utf-8") == "my notes" and not (tmp_path / "w.npz").exists()
    # np.savez would write w.bin.npz and the record would hash an old w.bin: refused instead.
    (tmp_path / "w.bin").write_bytes(b"old")
    with pytest.raises(SettingError, match=".npz"):
        save_ksparse_weights(model, tmp_path / "w.bin", steps=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.bin", "w.json"]
    with pytest.raises(SettingError, match="folder"):
        save_ksparse_weights(model, tmp_path, steps=0)
    path = save_ksparse_weights(model, tmp_path / "w.npz", overwrite=True, steps=1)
    record = json.loads(neighbour.read_text(encoding="utf-8"))
    assert (
        record["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() and record["steps"] == 1
    )
