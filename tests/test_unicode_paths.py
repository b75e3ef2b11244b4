"""File names with Chinese characters load everywhere the course takes a path (issue #14 item 6).

A Chinese learner names a recording `语音_数字.wav` and keeps it in `我的录音/`: reading,
writing, the codec's files, saved weights, WAV chunks streamed by tf.data, spoken-digit
folders and downloads all take such paths, and errors name them as they are.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from course_utils import codec, data
from course_utils.audio import load_audio
from course_utils.errors import AudioFileNotFoundError, CompressedFileError

NAME = "语音_数字.wav"
SR = 8000


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "我的录音"
    path.mkdir()
    return path


def tone(seconds: float = 0.5, frequency: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def test_load_audio_reads_a_chinese_file_name_in_a_chinese_folder(folder):
    soundfile.write(folder / NAME, tone(), SR, subtype="PCM_16")
    for path in (folder / NAME, str(folder / NAME)):
        samples, sr = load_audio(path)
        assert sr == SR and len(samples) == SR // 2
        np.testing.assert_allclose(samples, tone(), atol=1e-4)


def test_a_missing_chinese_file_is_named_as_it_is(folder):
    with pytest.raises(AudioFileNotFoundError) as error:
        load_audio(folder / "不存在的录音.wav")
    assert "不存在的录音.wav" in str(error.value)


def test_the_codec_file_round_trips_under_a_chinese_name(folder):
    packed = codec.pack_bits(np.arange(40) % 64, bits=6)
    metadata = {
        "sample_rate": SR,
        "n_samples": 1000,
        "frame_length": 256,
        "hop_length": 256,
        "bits": 6,
    }
    path = codec.save_compressed(folder / "压缩_语音", codes=packed, **metadata)
    assert path.name == "压缩_语音.npz" and path.exists()
    loaded = codec.load_compressed(folder / "压缩_语音.npz")
    assert int(loaded["sample_rate"]) == SR and np.array_equal(loaded["codes"], packed)
    (folder / "坏文件.npz").write_bytes(b"not a zip")
    with pytest.raises(CompressedFileError, match="我的录音/坏文件.npz"):
        codec.load_compressed(folder / "坏文件.npz")
    with pytest.raises(
        CompressedFileError, match="压缩_语音.npz' already exists"
    ):  # never overwritten
        codec.save_compressed(path, codes=packed, **metadata)


def test_weights_save_and_load_under_a_chinese_name(folder):
    from course_utils.sparse import (
        build_ksparse_autoencoder,
        load_ksparse_autoencoder,
        save_ksparse_weights,
    )

    frames = np.random.default_rng(0).normal(size=(64, 32)).astype(np.float32)
    model = build_ksparse_autoencoder(frames, m=8)
    path = save_ksparse_weights(model, folder / "权重.npz", steps=0)
    loaded = load_ksparse_autoencoder(path)
    np.testing.assert_allclose(
        np.asarray(loaded(frames[:3])), np.asarray(model(frames[:3])), atol=1e-6
    )


def test_wav_chunks_stream_from_a_chinese_folder(folder):
    from course_utils import efficiency

    paths = efficiency.write_wav_chunks(tone(2.0), SR, folder / "分段", seconds=0.5, prefix="片段")
    assert len(paths) == 4 and all("片段" in path.name for path in paths)
    batch = next(
        iter(efficiency.wav_frame_dataset(folder / "分段", frame_length=100, batch_size=8, seed=0))
    )
    frames = batch[0].numpy() if isinstance(batch, tuple) else batch.numpy()
    assert frames.shape == (8, 100) and np.isfinite(frames).all()


def test_spoken_digits_load_from_a_chinese_folder_with_chinese_speakers(folder):
    for digit in (0, 1):
        for speaker in ("张伟", "李娜"):
            for take in (0, 1):
                soundfile.write(
                    folder / f"{digit}_{speaker}_{take}.wav", tone(0.3, 300 + 100 * digit), SR
                )
    digits = data.load_spoken_digits(folder)
    assert len(digits) == 8 and set(digits.speakers.tolist()) == {"张伟", "李娜"}
    assert sorted(set(digits.labels.tolist())) == [0, 1]
