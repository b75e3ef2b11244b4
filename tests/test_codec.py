"""The codec: quantization error bounds, honest bit counts, safe files, and real codecs."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import codec
from course_utils.errors import (
    CompressedFileError,
    CompressedFileNotFoundError,
    CourseError,
    SettingError,
    SignalError,
)
from course_utils.metrics import snr_db

METADATA = {
    "sample_rate": 8000,
    "n_samples": 1000,
    "frame_length": 256,
    "hop_length": 256,
    "bits": 6,
}


# --- quantization ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    codes=arrays(
        np.float64,
        st.tuples(st.integers(1, 20), st.integers(1, 6)),
        elements=st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False),
    ),
    bits=st.integers(1, 16),
)
def test_dequantized_codes_are_within_half_a_step(codes, bits):
    integers, ranges = codec.quantize(codes, bits)
    assert integers.shape == codes.shape
    assert ranges.shape == (2, codes.shape[1]) and ranges.dtype == np.float32
    assert integers.min() >= 0 and integers.max() <= 2**bits - 1
    decoded = codec.dequantize(integers, ranges, bits, dtype=np.float64)
    step = (ranges[1].astype(np.float64) - ranges[0]) / (2**bits - 1)
    error = np.abs(decoded - codes)
    # Half a step, plus float64 rounding of the arithmetic itself.
    assert np.all(error <= step / 2 + 1e-9 * (1 + np.abs(codes))), (error.max(), step)


def test_more_bits_give_smaller_errors_and_constant_columns_are_exact():
    rng = np.random.default_rng(0)
    codes = rng.standard_normal((500, 4))
    codes[:, 3] = 2.5  # a dimension that never changes
    errors = []
    for bits in (2, 4, 8):
        integers, ranges = codec.quantize(codes, bits)
        decoded = codec.dequantize(integers, ranges, bits, dtype=np.float64)
        errors.append(np.sqrt(np.mean((decoded - codes) ** 2)))
        np.testing.assert_allclose(decoded[:, 3], 2.5)
    assert errors[0] > 3 * errors[1] > 9 * errors[2]
    assert codec.quantize(codes, 8)[0].dtype == np.uint8
    assert codec.quantize(codes, 12)[0].dtype == np.uint16


@pytest.mark.parametrize("bits", [0, 17, 2.5, True])
def test_impossible_bit_depths_are_refused(bits):
    with pytest.raises(SettingError, match="bits must be"):
        codec.quantize(np.zeros((3, 2)), bits)


def test_quantize_explains_a_1d_code():
    with pytest.raises(SignalError, match="reshape"):
        codec.quantize(np.zeros(5), 4)


def test_dequantize_rejects_levels_from_other_bits():
    integers, ranges = codec.quantize(np.arange(12.0).reshape(6, 2), 8)
    with pytest.raises(SignalError, match="same bits"):
        codec.dequantize(integers, ranges, 4)


# --- bit counting ---------------------------------------------------------------------------


def test_bits_counted_include_side_information():
    codes = np.random.default_rng(1).standard_normal((100, 32))
    integers, ranges = codec.quantize(codes, 6)
    total = codec.bitstream_bits(100, 32, 6, side_floats=ranges.size)
    assert total == 100 * 32 * 6 + 2 * 32 * 32
    assert codec.bitstream_bits(100, 32, 6) == 100 * 32 * 6
    assert codec.bitstream_bits(10, 4, 8, side_floats=3, float_bits=16) == 10 * 4 * 8 + 3 * 16


def test_quantized_roundtrip_counts_the_same_bits():
    frames = np.random.default_rng(2).standard_normal((50, 16))
    decoded, total = codec.quantized_roundtrip(
        lambda f: f[:, :4], lambda c: np.repeat(c, 4, axis=1), frames, 5
    )
    assert decoded.shape == (50, 16)
    assert total == 50 * 4 * 5 + 8 * 32


def test_kbps_arithmetic():
    assert codec.kbps(128_000, 1.0) == pytest.approx(128.0)
    assert codec.kbps(8000 * 16 * 3, 3.0) == pytest.approx(128.0)
    # 86.13 frames/s of 32 numbers at 8 bits is about 22 kbps
    assert codec.kbps(codec.bitstream_bits(861, 32, 8), 10.0) == pytest.approx(22.04, abs=0.01)
    with pytest.raises(SettingError, match="duration_s"):
        codec.kbps(100, 0)


@settings(max_examples=40, deadline=None)
@given(
    bits=st.integers(1, 16),
    shape=st.tuples(st.integers(1, 30), st.integers(1, 7)),
    seed=st.integers(0, 99),
)
def test_pack_bits_is_exact_and_tight(bits, shape, seed):
    values = np.random.default_rng(seed).integers(0, 2**bits, size=shape)
    packed = codec.pack_bits(values, bits)
    assert packed.dtype == np.uint8
    assert packed.size == -(-values.size * bits // 8)  # ceil
    np.testing.assert_array_equal(codec.unpack_bits(packed, bits, shape), values)


# --- files ----------------------------------------------------------------------------------


def test_save_and_load_round_trip_is_exact(tmp_path):
    rng = np.random.default_rng(3)
    integers, ranges = codec.quantize(rng.standard_normal((40, 8)), 6)
    packed = codec.pack_bits(integers, 6)
    path = codec.save_compressed(
        tmp_path / "clip", codes=packed, shape=np.array(integers.shape), ranges=ranges, **METADATA
    )
    assert path.suffix == ".npz" and path.is_file()
    loaded = codec.load_compressed(path)
    assert "format_version" not in loaded
    np.testing.assert_array_equal(loaded["ranges"], ranges)
    assert loaded["ranges"].dtype == np.float32
    np.testing.assert_array_equal(
        codec.unpack_bits(loaded["codes"], int(loaded["bits"]), loaded["shape"]), integers
    )
    for key, value in METADATA.items():
        assert int(loaded[key]) == value
    # The file is the payload plus zip and array headers: bigger than the packed bytes, not much bigger.
    assert packed.nbytes < path.stat().st_size < packed.nbytes + 3000


def test_object_arrays_are_refused_when_saving_and_loading(tmp_path):
    with pytest.raises(CompressedFileError, match="pickle"):
        codec.save_compressed(
            tmp_path / "bad.npz", codes=np.array([{"a": 1}], dtype=object), **METADATA
        )
    # A file with an object array written by NumPy itself is not unpickled.
    path = tmp_path / "pickled.npz"
    np.savez(
        path, codes=np.array([{"a": 1}], dtype=object), format_version=np.asarray(1), **METADATA
    )
    with pytest.raises(CompressedFileError, match="pickle"):
        codec.load_compressed(path)


def test_missing_metadata_is_refused(tmp_path):
    with pytest.raises(CompressedFileError, match="sample_rate"):
        codec.save_compressed(tmp_path / "x.npz", codes=np.zeros(3))
    path = tmp_path / "partial.npz"
    np.savez(path, codes=np.zeros(3), format_version=np.asarray(1))
    with pytest.raises(CompressedFileError, match="lacks the metadata"):
        codec.load_compressed(path)


def test_missing_file_has_a_clear_error(tmp_path):
    with pytest.raises(CompressedFileNotFoundError, match="save_compressed"):
        codec.load_compressed(tmp_path / "nowhere.npz")
    with pytest.raises(FileNotFoundError):  # also a built-in FileNotFoundError
        codec.load_compressed(tmp_path / "nowhere.npz")


def test_truncated_and_foreign_files_have_clear_errors(tmp_path):
    path = codec.save_compressed(
        tmp_path / "clip.npz", codes=np.arange(1000, dtype=np.uint8), **METADATA
    )
    data = path.read_bytes()
    (tmp_path / "truncated.npz").write_bytes(data[: len(data) // 2])
    (tmp_path / "text.npz").write_text("not an archive")
    (tmp_path / "single.npy").write_bytes(b"")
    np.save(tmp_path / "single.npy", np.zeros(3))
    for name in ("truncated.npz", "text.npz", "single.npy"):
        with pytest.raises(CompressedFileError):
            codec.load_compressed(tmp_path / name)


def test_flipped_bytes_in_the_payload_are_detected(tmp_path):
    rng = np.random.default_rng(4)
    path = codec.save_compressed(
        tmp_path / "clip.npz", codes=rng.integers(0, 255, 5000, dtype=np.uint8), **METADATA
    )
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo("codes.npy")
    data = bytearray(path.read_bytes())
    middle = member.header_offset + 100 + member.compress_size // 2
    data[middle] ^= 0xFF
    data[middle + 1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CompressedFileError, match="corrupted"):
        codec.load_compressed(path)


def test_wrong_version_is_refused(tmp_path):
    path = tmp_path / "future.npz"
    np.savez(
        path, codes=np.zeros(3), format_version=np.asarray(codec.FORMAT_VERSION + 1), **METADATA
    )
    with pytest.raises(CompressedFileError, match="format version"):
        codec.load_compressed(path)


def test_errors_are_course_errors():
    assert issubclass(CompressedFileError, CourseError) and issubclass(
        CompressedFileError, ValueError
    )
    assert issubclass(CompressedFileNotFoundError, CourseError)


# --- baselines ------------------------------------------------------------------------------


def speechlike(sr=8000, seconds=2.0, seed=0):
    """A decaying harmonic tone with noise: peaky, like speech or music, not flat."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(sr * seconds)) / sr
    envelope = 0.5 * (1 + np.sin(2 * np.pi * 3 * t)) / 2
    x = sum(np.sin(2 * np.pi * 200 * k * t) / k for k in range(1, 6)) * envelope
    return (0.4 * x + 0.01 * rng.standard_normal(len(t))).astype(np.float32)


def test_mu_law_round_trip_and_why_it_exists():
    x = speechlike()
    y8, bits = codec.bit_depth_codec(x, 8, mu_law=True)
    assert bits == 8 and y8.shape == x.shape and y8.dtype == np.float32
    assert snr_db(x, y8) > 30
    # 2**bits levels at most, silence stays silence.
    assert len(np.unique(codec.bit_depth_codec(np.linspace(-1, 1, 5000), 4, mu_law=True)[0])) <= 16
    assert codec.bit_depth_codec(np.zeros(4), 8, mu_law=True)[0].tolist() == [0, 0, 0, 0]
    # On a quiet signal mu-law keeps much more than linear quantization at the same bits.
    quiet = 0.02 * x
    linear, _ = codec.bit_depth_codec(quiet, 6)
    mulaw, _ = codec.bit_depth_codec(quiet, 6, mu_law=True)
    assert snr_db(quiet, mulaw) > snr_db(quiet, linear) + 10


def test_downsampling_loses_the_top_band_and_counts_bits():
    sr = 8000
    t = np.arange(sr) / sr
    low, high = np.sin(2 * np.pi * 300 * t), np.sin(2 * np.pi * 3000 * t)
    y, rate = codec.downsample_codec((0.3 * (low + high)).astype(np.float32), sr, 4000)
    assert rate == pytest.approx(64.0) and y.shape == (sr,)
    spectrum = np.abs(np.fft.rfft(y[1000:-1000] * np.hanning(sr - 2000)))
    freqs = np.fft.rfftfreq(sr - 2000, 1 / sr)
    assert (
        spectrum[np.argmin(np.abs(freqs - 3000))] < 0.01 * spectrum[np.argmin(np.abs(freqs - 300))]
    )
    assert codec.downsample_codec(low.astype(np.float32), sr, 2000, bits=8, mu_law=True)[
        1
    ] == pytest.approx(16.0)


@pytest.mark.parametrize(
    ("name", "sr", "level", "low", "high"),
    [
        ("mp3", 8000, 0.5, 20, 48),
        ("mp3", 22050, 0.9, 14, 40),
        ("opus", 8000, 0.93, 12, 35),
        ("opus", 22050, 0.9, 20, 45),  # resampled to 24 kHz and back
    ],
)
def test_real_codecs_round_trip_with_a_measured_bitrate(name, sr, level, low, high):
    if not codec.lossy_codec_available(name):
        pytest.skip(
            f"this soundfile cannot write {name.upper()} (needs soundfile >= 0.13, libsndfile >= 1.1)"
        )
    x = speechlike(sr=sr, seconds=3.0)
    y, rate = codec.lossy_codec(x, sr, name, compression_level=level)
    assert y.shape == x.shape and y.dtype == np.float32
    assert low < rate < high, rate
    assert snr_db(x, y) > 3  # aligned in time: no encoder delay left over


def test_lower_compression_level_means_more_bits():
    if not codec.lossy_codec_available("opus"):
        pytest.skip("this soundfile cannot write Opus (needs soundfile >= 0.13, libsndfile >= 1.1)")
    x = speechlike(seconds=2.0)
    rates = [
        codec.lossy_codec(x, 8000, "opus", compression_level=level)[1] for level in (0.5, 0.8, 0.95)
    ]
    assert rates[0] > rates[1] > rates[2]


def test_lossy_codec_rejects_bad_settings():
    x = speechlike(seconds=0.5)
    with pytest.raises(SettingError, match="mp3"):
        codec.lossy_codec(x, 8000, "aac")
    with pytest.raises(SettingError, match="compression_level"):
        codec.lossy_codec(x, 8000, "mp3", compression_level=1.0)


# --- hardening (issue #12, items 1 and 7) ---------------------------------------------------


def test_save_compressed_never_replaces_a_file_unless_asked(tmp_path):
    path = tmp_path / "mine.npz"
    path.write_bytes(b"a learner's own file")
    with pytest.raises(CompressedFileError, match="already exists.*overwrite=True"):
        codec.save_compressed(path, codes=np.zeros(3, dtype=np.uint8), **METADATA)
    assert path.read_bytes() == b"a learner's own file"
    # ".npz" is appended as NumPy does, so the check applies to the name actually written.
    (tmp_path / "clip.npz").write_bytes(b"kept")
    with pytest.raises(CompressedFileError, match="already exists"):
        codec.save_compressed(tmp_path / "clip", codes=np.zeros(3, dtype=np.uint8), **METADATA)
    assert (tmp_path / "clip.npz").read_bytes() == b"kept"
    written = codec.save_compressed(
        path, overwrite=True, codes=np.arange(3, dtype=np.uint8), **METADATA
    )
    assert written == path
    np.testing.assert_array_equal(codec.load_compressed(path)["codes"], [0, 1, 2])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_save_compressed_refuses_a_folder_as_the_path(tmp_path):
    (tmp_path / "folder.npz").mkdir()
    with pytest.raises(CompressedFileError, match="folder"):
        codec.save_compressed(
            tmp_path / "folder.npz", overwrite=True, codes=np.zeros(3), **METADATA
        )


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_save_compressed_refuses_non_finite_codes(tmp_path, bad):
    with pytest.raises(CompressedFileError, match="NaN or Inf"):
        codec.save_compressed(tmp_path / "x.npz", codes=np.array([0.5, bad]), **METADATA)
    with pytest.raises(CompressedFileError, match="ranges"):
        codec.save_compressed(
            tmp_path / "x.npz", codes=np.zeros(2), ranges=np.array([[0.0], [bad]]), **METADATA
        )
    assert not (tmp_path / "x.npz").exists()


@pytest.mark.parametrize("rate", [0, -8000, 8000.5, np.nan, "8000", True, [8000, 8000]])
def test_save_compressed_refuses_an_impossible_sample_rate(tmp_path, rate):
    metadata = dict(METADATA, sample_rate=rate)
    with pytest.raises(CompressedFileError, match="sample_rate"):
        codec.save_compressed(tmp_path / "x.npz", codes=np.zeros(3), **metadata)
    assert not (tmp_path / "x.npz").exists()


def test_load_compressed_caps_the_unpacked_size(tmp_path):
    # 200 MB of zeros deflate to a file of about 200 KB: a "zip bomb" for a codec file.
    path = tmp_path / "bomb.npz"
    np.savez_compressed(
        path, codes=np.zeros(200_000_000, dtype=np.uint8), format_version=np.asarray(1), **METADATA
    )
    assert path.stat().st_size < 1_000_000
    with pytest.raises(CompressedFileError, match="max_bytes") as caught:
        codec.load_compressed(path)
    assert "200" in str(caught.value)
    loaded = codec.load_compressed(path, max_bytes=300_000_000)
    assert loaded["codes"].size == 200_000_000


def test_load_compressed_checks_the_array_headers_not_only_the_zip(tmp_path):
    # A .npy header that claims a huge shape, in a zip entry whose declared size is small.
    path = tmp_path / "liar.npz"
    np.savez(path, codes=np.zeros(4, dtype=np.uint8), format_version=np.asarray(1), **METADATA)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["codes.npy"] = members["codes.npy"].replace(b"(4,)", b"(10000000000,)")[
        : len(members["codes.npy"])
    ]
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with pytest.raises(CompressedFileError):
        codec.load_compressed(path)


@pytest.mark.parametrize(
    "version", [np.asarray(1.5), np.asarray("1"), np.asarray([1, 1]), np.asarray(True)]
)
def test_format_version_must_be_a_whole_number(tmp_path, version):
    path = tmp_path / "odd.npz"
    np.savez(path, codes=np.zeros(3), format_version=version, **METADATA)
    with pytest.raises(CompressedFileError, match="format_version"):
        codec.load_compressed(path)


def test_a_text_file_named_npz_is_not_a_codec_file(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("these are my notes, not audio\n")
    with pytest.raises(CompressedFileError, match="not a course codec file") as caught:
        codec.load_compressed(path)
    assert "pickle" not in str(caught.value)


# --- Hardening II (#24): bounded decoding ---------------------------------------------------------


def test_an_archive_with_the_zip_encrypted_flag_is_a_codec_error(tmp_path):
    path = codec.save_compressed(
        tmp_path / "clip.npz",
        codes=np.zeros(4, np.uint8),
        sample_rate=8000,
        n_samples=4,
        frame_length=4,
        hop_length=4,
        bits=8,
    )
    raw = bytearray(path.read_bytes())
    for signature, flag_offset in (
        (b"PK\x03\x04", 6),
        (b"PK\x01\x02", 8),
    ):  # local and central headers
        start = 0
        while (start := raw.find(signature, start)) >= 0:
            raw[start + flag_offset] |= 0x01  # "encrypted"
            start += 4
    path.write_bytes(bytes(raw))
    with pytest.raises(CompressedFileError, match="encrypted"):
        codec.load_compressed(path)


def test_the_smaller_holes_in_the_codec_get_course_errors(tmp_path):
    with pytest.raises(SignalError, match="whole numbers"):
        codec.pack_bits(np.array([np.nan, 1.0]), 4)
    with pytest.raises(SignalError, match="whole numbers"):
        codec.pack_bits(np.array([1.5, 1.0]), 4)
    assert codec.unpack_bits(codec.pack_bits(np.array([3.0, 1.0]), 4), 4, (2,)).tolist() == [3, 1]
    with pytest.raises(SignalError, match="bytes"):
        codec.unpack_bits(np.array([300, 2]), 4, (4,))
    with pytest.raises(SignalError, match="shape"):
        codec.unpack_bits(np.array([1, 2]), 4, (-4,))
    for bits, seconds in (
        (float("nan"), 1.0),
        (100, float("inf")),
        (100, float("nan")),
        (float("inf"), 1.0),
    ):
        with pytest.raises(SettingError, match="finite"):
            codec.kbps(bits, seconds)
    common = {
        "codes": np.zeros(3, np.uint8),
        "sample_rate": 8000,
        "frame_length": 4,
        "hop_length": 4,
    }
    with pytest.raises(CompressedFileError, match="bits"):
        codec.save_compressed(tmp_path / "a.npz", n_samples=3, bits=40, **common)
    with pytest.raises(CompressedFileError, match="n_samples"):
        codec.save_compressed(tmp_path / "b.npz", n_samples=10**15, bits=4, **common)
    with pytest.raises(CompressedFileError, match="folder"):
        codec.load_compressed(tmp_path)
    with pytest.raises(SignalError, match="too large"):
        codec.quantize(np.array([[1e308], [-1e308]]), 4)
    assert not list(tmp_path.iterdir())


def test_lossy_codec_settings_get_course_errors_not_type_errors():
    x = np.zeros(2205, dtype=np.float32)
    for kwargs in (
        {"codec": None},
        {"codec": 3},
        {"compression_level": "high"},
        {"compression_level": None},
    ):
        with pytest.raises(SettingError):
            codec.lossy_codec(x, 22050, **kwargs)
    for sr in (None, "22050", 22050.5):  # a setting, not a signal (#19)
        with pytest.raises(SettingError, match="sr"):
            codec.lossy_codec(x, sr)


def test_the_reference_sweep_runs_every_codec_below_the_signals_rate():
    if not (codec.lossy_codec_available("mp3") and codec.lossy_codec_available("opus")):
        pytest.skip(
            "this soundfile cannot write MP3 and Opus (needs soundfile >= 0.13, libsndfile >= 1.1)"
        )
    x = speechlike(sr=8000, seconds=1.0)
    sweep = list(codec.reference_codec_sweep(x, 8000, opus_targets_kbps=(8, 16)))
    methods = [method for method, *_ in sweep]
    assert methods.count("mu-law") == 5 and methods.count("Opus") == 2
    # downsampling only to rates below the signal's own: 1, 2 and 4 kHz, not 8 kHz
    assert [s for m, s, _, _ in sweep if m == "downsampling"] == ["1000 Hz", "2000 Hz", "4000 Hz"]
    mp3_rates = [round(rate) for m, _, _, rate in sweep if m == "MP3"]
    assert len(mp3_rates) == len(set(mp3_rates)) >= 2  # each constant MP3 rate once
    assert [rate for m, _, _, rate in sweep if m == "mu-law"] == [16.0, 24.0, 32.0, 48.0, 64.0]
    assert all(
        decoded.shape == x.shape and np.isfinite(decoded).all() for _, _, decoded, _ in sweep
    )


def test_the_reference_sweep_runs_only_the_methods_asked_for():
    x = speechlike(sr=8000, seconds=1.0)
    sweep = list(codec.reference_codec_sweep(x, 8000, methods=("downsampling",)))
    assert {method for method, *_ in sweep} == {"downsampling"} and len(sweep) == 3
    for methods in ("MP3", (), ("mp3",), ("MP3", "AAC"), None):
        with pytest.raises(SettingError, match="methods must be some of"):
            codec.reference_codec_sweep(x, 8000, methods=methods)  # at the call, not when iterated


def test_the_rate_at_which_a_curve_reaches_a_value_is_interpolated_in_log_kbps():
    lsd = [{"kbps": 4.0, "lsd": 12.0}, {"kbps": 16.0, "lsd": 8.0}, {"kbps": 64.0, "lsd": 4.0}]
    assert codec.rate_at_value(lsd, "lsd", 10.0) == pytest.approx(8.0)  # halfway in log-kbps
    assert codec.rate_at_value(lsd, "lsd", 8.0) == pytest.approx(16.0)
    assert codec.rate_at_value(lsd, "lsd", 5.0) == pytest.approx(16.0 * 4**0.75)
    snr = [{"kbps": 4.0, "snr": 2.0}, {"kbps": 16.0, "snr": 10.0}]  # a rising curve
    assert codec.rate_at_value(snr, "snr", 6.0) == pytest.approx(8.0)
    # the first crossing, not a later one: the curve falls to 9 dB, rises and falls again
    bumpy = lsd[:2] + [{"kbps": 32.0, "lsd": 11.0}, {"kbps": 64.0, "lsd": 4.0}]
    assert codec.rate_at_value(bumpy, "lsd", 9.0) < 16.0
    assert np.isnan(codec.rate_at_value(lsd, "lsd", 3.0))  # never reached
    assert np.isnan(
        codec.rate_at_value(lsd, "lsd", 12.0)
    )  # reached at the lowest rate run, or below
    assert np.isnan(codec.rate_at_value(lsd, "lsd", 13.0))
    assert codec.rate_at_value(lsd, "lsd", 4.0) == pytest.approx(64.0)
    with pytest.raises(SignalError, match="sorted"):
        codec.rate_at_value(lsd[::-1], "lsd", 10.0)
    with pytest.raises(SignalError, match="no points"):
        codec.rate_at_value([], "lsd", 10.0)


def test_a_curve_is_read_at_a_rate_in_log_kbps_and_never_extrapolated():
    points = [{"kbps": 4.0, "snr": 2.0}, {"kbps": 16.0, "snr": 10.0}]
    assert codec.value_at_rate(points, "snr", 8.0) == pytest.approx(6.0)  # halfway in log-kbps
    assert codec.value_at_rate(points, "snr", 16.0) == pytest.approx(10.0)
    assert np.isnan(codec.value_at_rate(points, "snr", 32.0))
    assert np.isnan(codec.value_at_rate(points, "snr", 2.0))
    with pytest.raises(SignalError, match="sorted"):
        codec.value_at_rate(points[::-1], "snr", 8.0)
    with pytest.raises(SignalError, match="no points"):
        codec.value_at_rate([], "snr", 8.0)
