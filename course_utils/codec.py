"""An honest audio codec: quantize a code, count every bit, store it, compare with real codecs.

An autoencoder only *compresses* once its code is turned into a finite number
of bits. This module does that step and the bookkeeping around it:

- :func:`quantize` / :func:`dequantize`: uniform ``bits``-bit quantization of
  each code dimension between its minimum and maximum. The ranges are *side
  information*: the decoder needs them, so they are counted.
- :func:`bitstream_bits` and :func:`kbps`: the bit count, side information
  included, and the bitrate in kilobits per second.
- :func:`pack_bits` / :func:`unpack_bits`: store ``bits``-bit integers in
  exactly ``ceil(n * bits / 8)`` bytes, so the file matches the count.
- :func:`save_compressed` / :func:`load_compressed`: a NumPy archive
  (``.npz``, read with ``allow_pickle=False``) holding the code and the
  metadata a decoder needs, checked when it is read back.
- :func:`quantized_roundtrip`: encode frames, quantize, dequantize, decode.
- Baselines at a known bitrate: :func:`bit_depth_codec` (linear or mu-law),
  :func:`downsample_codec`, and :func:`lossy_codec` for MP3 and Opus through
  libsndfile, whose bitrate is *measured* from the encoded bytes.

This module does not import TensorFlow.

Used in: 07_compression, 10_efficiency_and_scale.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .audio import check_signal
from .errors import CompressedFileError, CompressedFileNotFoundError, SignalError

__all__ = [
    "FORMAT_VERSION",
    "REQUIRED_METADATA",
    "MAX_UNPACKED_BYTES",
    "OPUS_SAMPLE_RATES",
    "quantize",
    "dequantize",
    "bitstream_bits",
    "kbps",
    "pack_bits",
    "unpack_bits",
    "save_compressed",
    "load_compressed",
    "quantized_roundtrip",
    "bit_depth_codec",
    "downsample_codec",
    "lossy_codec",
    "lossy_codec_available",
]

#: Version of the archive layout written by :func:`save_compressed`.
FORMAT_VERSION = 1

#: Metadata every compressed archive must hold (small integer arrays).
REQUIRED_METADATA = ("sample_rate", "n_samples", "frame_length", "hop_length", "bits")

#: The sample rates libopus accepts; other rates are resampled to the next one up.
OPUS_SAMPLE_RATES = (8000, 12000, 16000, 24000, 48000)

_MAX_BITS = 16
_RESERVED = "format_version"


def _check_bits(bits) -> int:
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)) or not 1 <= bits <= _MAX_BITS:
        raise SignalError(
            f"bits must be a whole number from 1 to {_MAX_BITS}; got {bits!r}. "
            "8 bits give 256 levels per code number, 4 bits give 16."
        )
    return int(bits)


def _check_codes(codes, name: str = "codes") -> np.ndarray:
    codes = np.asarray(codes)
    if codes.ndim != 2:
        hint = " Use codes.reshape(-1, 1) for a single column." if codes.ndim == 1 else ""
        raise SignalError(f"{name} must be 2-D (n_frames, code_size); got shape {codes.shape}.{hint}")
    if codes.shape[0] == 0:
        raise SignalError(f"{name} has no frames.")
    check_signal(codes.ravel(), name=name)
    return codes


def _integer_dtype(bits: int):
    return np.uint8 if bits <= 8 else np.uint16


def quantize(codes, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Quantize each code dimension uniformly to ``bits`` bits between its min and max.

    Parameters
    ----------
    codes : array of shape (n_frames, code_size)
        The encoder's output for every frame of a clip.
    bits : int
        Bits per code number, 1 to 16 (``2**bits`` levels).

    Returns
    -------
    integers : array of shape (n_frames, code_size), uint8 (bits <= 8) or uint16
        The level of every code number, from 0 to ``2**bits - 1``.
    ranges : float32 array of shape (2, code_size)
        Row 0 holds each dimension's minimum, row 1 its maximum. This is side
        information: ``2 * code_size`` float32 numbers the decoder needs.

    The ranges are rounded outward to float32, so :func:`dequantize` is off
    by at most half a step, ``(max - min) / (2**bits - 1) / 2``, everywhere.

    Used in: 07_compression, benchmarks.
    """
    bits = _check_bits(bits)
    codes = _check_codes(codes).astype(np.float64)
    low = codes.min(axis=0).astype(np.float32)
    high = codes.max(axis=0).astype(np.float32)
    # Rounding to float32 may move a range inward; move it outward instead so
    # every code stays inside its range.
    low = np.where(low.astype(np.float64) > codes.min(axis=0), np.nextafter(low, np.float32(-np.inf)), low)
    high = np.where(high.astype(np.float64) < codes.max(axis=0), np.nextafter(high, np.float32(np.inf)), high)
    ranges = np.stack([low, high]).astype(np.float32)
    levels = 2**bits - 1
    step = (ranges[1].astype(np.float64) - ranges[0]) / levels
    safe_step = np.where(step > 0, step, 1.0)
    integers = np.rint((codes - ranges[0]) / safe_step)
    integers = np.where(step > 0, np.clip(integers, 0, levels), 0)
    return integers.astype(_integer_dtype(bits)), ranges


def dequantize(integers, ranges, bits: int, dtype=np.float32) -> np.ndarray:
    """Turn the integers from :func:`quantize` back into code values.

    ``value = min + level * (max - min) / (2**bits - 1)``, per dimension.
    Returns an array of ``dtype`` (float32 by default, what a Keras decoder takes).

    Used in: 07_compression, benchmarks.
    """
    bits = _check_bits(bits)
    integers = np.asarray(integers)
    ranges = np.asarray(ranges, dtype=np.float64)
    if integers.ndim != 2 or ranges.shape != (2, integers.shape[1]):
        raise SignalError(
            f"integers must be (n_frames, code_size) and ranges (2, code_size); got "
            f"{integers.shape} and {ranges.shape}. Pass what quantize() returned, unchanged."
        )
    if integers.size and (integers.min() < 0 or integers.max() > 2**bits - 1):
        raise SignalError(
            f"integers run from {integers.min()} to {integers.max()}, outside 0..{2**bits - 1} "
            f"for bits={bits}. Use the same bits as in quantize()."
        )
    step = (ranges[1] - ranges[0]) / (2**bits - 1)
    return (ranges[0] + integers.astype(np.float64) * step).astype(dtype)


def bitstream_bits(n_frames: int, code_size: int, bits: int, side_floats: int = 0, float_bits: int = 32) -> int:
    """Bits needed to send ``n_frames`` codes of ``code_size`` numbers at ``bits`` bits each.

    ``n_frames * code_size * bits + side_floats * float_bits``. Side
    information (here the quantizer's ranges: ``ranges.size`` float32
    numbers) is part of the stream: without it the decoder cannot decode.
    The decoder's weights are not counted: they are shipped once, like the
    tables inside an MP3 decoder, not with every clip.

    Used in: 07_compression, benchmarks.
    """
    for label, value in (("n_frames", n_frames), ("code_size", code_size), ("side_floats", side_floats)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise SignalError(f"{label} must be a whole number >= 0; got {value!r}.")
    bits = _check_bits(bits)
    return int(n_frames) * int(code_size) * bits + int(side_floats) * int(float_bits)


def kbps(total_bits: float, duration_s: float) -> float:
    """Bitrate in kilobits per second: ``total_bits / duration_s / 1000``.

    For reference: CD audio is 1411 kbps, 8 kHz 16-bit speech 128 kbps,
    a good MP3 128 kbps, Opus speech 16 to 24 kbps.

    Used in: 07_compression, benchmarks.
    """
    if duration_s <= 0:
        raise SignalError(f"duration_s must be positive; got {duration_s}. Use len(signal) / sample_rate.")
    if total_bits < 0:
        raise SignalError(f"total_bits must be >= 0; got {total_bits}.")
    return float(total_bits) / float(duration_s) / 1000.0


def pack_bits(integers, bits: int) -> np.ndarray:
    """Pack ``bits``-bit integers tightly into bytes: ``ceil(size * bits / 8)`` uint8 values.

    Storing 4-bit levels in uint8 would spend 8 bits on each; packing makes
    the stored size match :func:`bitstream_bits`. Keep the shape to unpack.

    Used in: 07_compression.
    """
    bits = _check_bits(bits)
    values = np.asarray(integers).ravel()
    if values.size and (values.min() < 0 or values.max() >= 2**bits):
        raise SignalError(f"values must lie in 0..{2**bits - 1} to fit in {bits} bits.")
    shifts = np.arange(bits - 1, -1, -1, dtype=np.uint32)
    bit_matrix = ((values.astype(np.uint32)[:, None] >> shifts) & 1).astype(np.uint8)
    return np.packbits(bit_matrix.ravel())


def unpack_bits(packed, bits: int, shape) -> np.ndarray:
    """Undo :func:`pack_bits`: the integers, with ``shape``.

    Used in: 07_compression.
    """
    bits = _check_bits(bits)
    shape = tuple(int(s) for s in np.atleast_1d(shape))
    count = int(np.prod(shape)) * bits
    packed = np.asarray(packed, dtype=np.uint8)
    if packed.size * 8 < count:
        raise SignalError(
            f"{packed.size} bytes hold {packed.size * 8} bits, fewer than the {count} that "
            f"shape {shape} at {bits} bits needs."
        )
    bit_matrix = np.unpackbits(packed, count=count).reshape(-1, bits).astype(np.uint32)
    values = bit_matrix @ (1 << np.arange(bits - 1, -1, -1, dtype=np.uint32))
    return values.astype(_integer_dtype(bits)).reshape(shape)


#: Default cap on the unpacked size of an archive read by :func:`load_compressed` (64 MiB).
MAX_UNPACKED_BYTES = 64 * 2**20

_POSITIVE_METADATA = ("sample_rate", "frame_length", "hop_length", "bits")


def _check_metadata(arrays: dict, where: str) -> None:
    """Every required metadata entry must be one whole number; rates and sizes positive."""
    for key in REQUIRED_METADATA:
        value = np.asarray(arrays[key])
        ok = value.ndim == 0 and value.dtype.kind in "iuf" and bool(np.isfinite(value))
        ok = ok and float(value) == int(value)
        low = 1 if key in _POSITIVE_METADATA else 0
        if not ok or int(value) < low:
            raise CompressedFileError(
                f"{where}'{key}' must be one whole number >= {low}; got {arrays[key]!r}. "
                + ("Pass the clip's sample rate in Hz, e.g. sample_rate=8000." if key == "sample_rate"
                   else "Pass the value the decoder needs, as a Python int.")
            )


def save_compressed(path, *, overwrite: bool = False, **arrays) -> Path:
    """Write a compressed clip as a NumPy archive (``np.savez_compressed``).

    Pass the code (e.g. ``codes=pack_bits(...)``, ``ranges=...``) and the
    metadata a decoder needs, every one of :data:`REQUIRED_METADATA`:
    ``sample_rate``, ``n_samples``, ``frame_length``, ``hop_length`` and
    ``bits`` (whole numbers; they become small arrays). ``format_version`` is added.
    Object arrays (anything that would need pickle) are refused: the file
    is read back with ``allow_pickle=False``, so loading it never runs code.
    Arrays holding NaN or Inf are refused too: no decoder could use them.

    An existing file is never replaced unless ``overwrite=True``; the archive
    is written to a temporary file beside ``path`` and moved into place only
    when complete, so a failed write leaves the old file as it was.

    The file is a zip archive: its size is the bit count plus a few hundred
    bytes of zip headers and array headers (and deflate may shrink the
    payload a little). Report both numbers.

    Returns the path written (``.npz`` is appended if missing, as NumPy does).

    Used in: 07_compression.
    """
    import os
    import uuid

    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    if _RESERVED in arrays:
        raise CompressedFileError(f"'{_RESERVED}' is written by save_compressed itself; do not pass it.")
    missing = [key for key in REQUIRED_METADATA if key not in arrays]
    if missing:
        raise CompressedFileError(
            f"save_compressed needs the metadata {missing} as keyword arguments "
            f"(all of {list(REQUIRED_METADATA)}), so a decoder can rebuild the audio."
        )
    stored = {}
    for key, value in arrays.items():
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise CompressedFileError(
                f"'{key}' has dtype {array.dtype}; only numeric arrays can be stored. Object and "
                "string arrays would need pickle, which load_compressed refuses (allow_pickle=False) "
                "because unpickling a file can run arbitrary code."
            )
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            bad = int(array.size - np.count_nonzero(np.isfinite(array)))
            raise CompressedFileError(
                f"'{key}' holds {bad} NaN or Inf value(s); a decoder could not use them. Check the "
                "encoder's output (e.g. np.isfinite(codes).all()) before quantizing and saving."
            )
        stored[key] = array
    _check_metadata(arrays, "")
    stored[_RESERVED] = np.asarray(FORMAT_VERSION, dtype=np.int64)
    if path.is_dir():
        raise CompressedFileError(f"'{path}' is a folder; pass the name of a file inside it, e.g. '{path / 'clip.npz'}'.")
    if path.exists() and not overwrite:
        raise CompressedFileError(
            f"'{path}' already exists, and save_compressed does not replace files. Choose another "
            "name, delete the old file, or pass overwrite=True to replace it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique temporary name beside the target (same file system, so the move is atomic),
    # created with the usual permissions.
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        with open(temporary, "xb") as stream:
            np.savez_compressed(stream, **stored)
        if not overwrite and path.exists():  # appeared while writing: still not ours to replace
            raise CompressedFileError(
                f"'{path}' appeared while it was being written; it was left alone. "
                "Pass overwrite=True to replace it."
            )
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _not_a_codec_file(path, what: str) -> CompressedFileError:
    return CompressedFileError(
        f"'{path}' is not a course codec file: {what}. load_compressed reads the .npz archives "
        "that codec.save_compressed writes; check the path, or write the file with save_compressed."
    )


def _check_unpacked_size(path: Path, max_bytes: int) -> None:
    """Refuse an archive whose entries would unpack to more than ``max_bytes``, before reading them.

    Both the sizes the zip directory declares and the shapes in each ``.npy``
    header are checked: NumPy allocates what the header says.
    """
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        declared = sum(info.file_size for info in infos)
        from_headers = 0
        for info in infos:
            with archive.open(info) as member:
                try:
                    version = np.lib.format.read_magic(member)
                    if version == (1, 0):
                        shape, _, dtype = np.lib.format.read_array_header_1_0(member)
                    elif version == (2, 0):
                        shape, _, dtype = np.lib.format.read_array_header_2_0(member)
                    else:
                        raise ValueError(f"unsupported .npy version {version}")
                except ValueError as error:
                    raise _not_a_codec_file(path, f"its entry '{info.filename}' is not a NumPy array ({error})") from None
            from_headers += int(np.prod(shape, dtype=object)) * max(dtype.itemsize, 1)
    size = max(declared, from_headers)
    if size > max_bytes:
        raise CompressedFileError(
            f"'{path}' would unpack to {size / 1e6:,.1f} MB ({path.stat().st_size / 1e3:,.1f} KB on "
            f"disk), more than max_bytes={max_bytes:,} allows. A compressed clip is small; this file "
            "is probably not one (or is a 'zip bomb'). If you trust it, pass a larger max_bytes."
        )


def load_compressed(path, *, max_bytes: int = MAX_UNPACKED_BYTES) -> dict:
    """Read an archive written by :func:`save_compressed`, checking it first.

    Uses ``np.load(..., allow_pickle=False)``: a file holding object arrays
    is rejected rather than unpickled. Before anything is unpacked, the sizes
    its zip directory and array headers declare are added up: more than
    ``max_bytes`` (default :data:`MAX_UNPACKED_BYTES`, 64 MiB) is refused, so a
    small hostile file cannot fill the memory. Returns a dict of arrays.

    Raises
    ------
    CompressedFileNotFoundError
        No file at ``path``.
    CompressedFileError
        The file is not a course codec file (text, a single ``.npy`` array),
        is truncated or corrupted, would unpack to more than ``max_bytes``,
        needs pickle, has another or a malformed ``format_version``, or lacks metadata.

    Used in: 07_compression.
    """
    path = Path(path)
    if not path.is_file():
        raise CompressedFileNotFoundError(
            f"No compressed file at '{path}' (the current folder is '{Path.cwd()}'). "
            "Write it first with save_compressed(path, ...), or check the spelling."
        )
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, np.integer)) or max_bytes <= 0:
        raise CompressedFileError(f"max_bytes must be a positive whole number of bytes; got {max_bytes!r}.")
    with open(path, "rb") as stream:
        magic = stream.read(6)
    if magic.startswith(b"\x93NUMPY"):
        raise CompressedFileError(
            f"'{path}' holds a single NumPy array, not an archive from save_compressed."
        )
    if not magic.startswith(_ZIP_MAGIC):
        raise _not_a_codec_file(path, "it is not a zip archive (it may be a text file renamed to .npz)")
    try:
        _check_unpacked_size(path, int(max_bytes))
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except CompressedFileError:
        raise
    except ValueError as error:
        if "pickle" in str(error):
            raise CompressedFileError(
                f"'{path}' contains object arrays, which can only be read by unpickling, and "
                "unpickling a file can run arbitrary code. It was not written by save_compressed; "
                "re-create it with numeric arrays only."
            ) from None
        raise CompressedFileError(f"'{path}' is not a readable NumPy archive ({error}).") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, NotImplementedError) as error:
        raise CompressedFileError(
            f"'{path}' is corrupted or truncated ({type(error).__name__}: {error}). "
            "Write it again with save_compressed."
        ) from None
    if _RESERVED not in arrays:
        raise CompressedFileError(
            f"'{path}' has no '{_RESERVED}' entry, so it was not written by save_compressed."
        )
    stored_version = arrays.pop(_RESERVED)
    if stored_version.ndim != 0 or stored_version.dtype.kind not in "iu":
        raise CompressedFileError(
            f"'{path}' has a {_RESERVED} of dtype {stored_version.dtype} and shape "
            f"{stored_version.shape}; save_compressed writes one whole number. The file was not "
            "written by save_compressed, or was altered."
        )
    version = int(stored_version)
    if version != FORMAT_VERSION:
        raise CompressedFileError(
            f"'{path}' uses format version {version}; this course_utils reads version "
            f"{FORMAT_VERSION}. Re-encode the audio with this version's save_compressed."
        )
    missing = [key for key in REQUIRED_METADATA if key not in arrays]
    if missing:
        raise CompressedFileError(f"'{path}' lacks the metadata {missing}; it cannot be decoded.")
    _check_metadata(arrays, f"'{path}' is damaged: ")
    return arrays


def quantized_roundtrip(encode, decode, frames, bits: int):
    """Encode frames, quantize the codes to ``bits`` bits, dequantize, decode.

    ``encode`` maps frames ``(n, frame_length)`` to codes ``(n, code_size)``
    and ``decode`` maps codes back (e.g. a PCA codec's methods, or
    ``lambda f: encoder.predict(f, verbose=0)``). Returns
    ``(decoded_frames, total_bits)``, where ``total_bits`` counts the codes
    and the float32 ranges (side information).

    Used in: 07_compression, benchmarks.
    """
    codes = _check_codes(np.asarray(encode(frames)), name="encoded frames")
    integers, ranges = quantize(codes, bits)
    decoded = np.asarray(decode(dequantize(integers, ranges, bits)))
    total = bitstream_bits(codes.shape[0], codes.shape[1], bits, side_floats=ranges.size)
    return decoded, total


def bit_depth_codec(x, bits: int, mu_law: bool = False) -> tuple[np.ndarray, int]:
    """Store every sample with ``bits`` bits, linearly or on a mu-law scale.

    Linear: round ``x`` to one of ``2**bits`` evenly spaced levels in [-1, 1].
    Mu-law (``librosa.mu_compress`` / ``mu_expand`` with ``mu = 2**bits - 1``):
    levels are dense near zero and sparse near full scale, as in telephone
    audio (8-bit mu-law at 8 kHz is the 64 kbps G.711 codec). Samples are
    clipped to [-1, 1]. Returns ``(reconstruction, bits_per_sample)``; the
    bitrate is ``sample_rate * bits`` bits per second.

    Used in: 07_compression.
    """
    import librosa

    bits = _check_bits(bits)
    x = np.clip(check_signal(x).astype(np.float64), -1.0, 1.0)
    if mu_law:
        mu = 2**bits - 1
        levels = librosa.mu_compress(x, mu=mu, quantize=True)
        y = librosa.mu_expand(levels, mu=mu, quantize=True)
    else:
        half = 2 ** (bits - 1)
        y = np.clip(np.rint(x * half), -half, half - 1) / half
    return np.asarray(y, dtype=np.float32), bits


def downsample_codec(x, sr: int, target_sr: int, bits: int = 16, mu_law: bool = False) -> tuple[np.ndarray, float]:
    """Resample to ``target_sr``, store ``bits`` bits per sample, resample back to ``sr``.

    Everything above ``target_sr / 2`` is lost (the anti-aliasing filter of
    ``librosa.resample`` removes it). Returns ``(reconstruction, kbps)`` with
    ``kbps = target_sr * bits / 1000``; the reconstruction has ``len(x)`` samples.

    Used in: 07_compression.
    """
    import librosa

    x = check_signal(x).astype(np.float32)
    if not 0 < target_sr <= sr:
        raise SignalError(f"target_sr must be between 1 and sr={sr}; got {target_sr}.")
    low = librosa.resample(y=x, orig_sr=sr, target_sr=target_sr)
    if bits < 16 or mu_law:
        low, _ = bit_depth_codec(low, bits, mu_law=mu_law)
    back = librosa.resample(y=np.asarray(low, dtype=np.float32), orig_sr=target_sr, target_sr=sr)
    back = back[: len(x)] if len(back) >= len(x) else np.pad(back, (0, len(x) - len(back)))
    return back.astype(np.float32), target_sr * _check_bits(bits) / 1000.0


_LOSSY_FORMATS = {"mp3": ("MP3", "MPEG_LAYER_III"), "opus": ("OGG", "OPUS")}


def lossy_codec_available(codec: str) -> bool:
    """Whether this soundfile can write ``codec`` (``"mp3"`` or ``"opus"``) at a chosen quality.

    Needs libsndfile 1.1 or newer (in the soundfile wheels since 0.12) for the
    formats, and soundfile 0.13 or newer for ``compression_level``.

    Used in: 07_compression.
    """
    import inspect

    import soundfile

    container, subtype = _LOSSY_FORMATS[codec.lower()]
    has_format = container in soundfile.available_formats() and subtype in soundfile.available_subtypes(container)
    return has_format and "compression_level" in inspect.signature(soundfile.write).parameters


def _align(reference, decoded) -> np.ndarray:
    """Cut ``decoded`` to ``len(reference)``, skipping an encoder delay if it is longer."""
    n = len(reference)
    extra = len(decoded) - n
    if extra <= 0:
        return np.pad(decoded, (0, -extra))
    # LAME's constant-bitrate files carry no gapless-playback tag here, so the
    # decoder keeps the encoder delay (1105 samples at the start). Find it.
    import scipy.signal

    probe = reference[: min(n, 1 << 15)]
    scores = scipy.signal.correlate(decoded[: len(probe) + extra], probe, mode="valid", method="fft")
    lag = int(np.argmax(scores[: extra + 1]))
    return decoded[lag : lag + n]


def lossy_codec(x, sr: int, codec: str = "mp3", compression_level: float = 0.5) -> tuple[np.ndarray, float]:
    """Encode with a real perceptual codec (MP3 or Opus), decode, and *measure* the bitrate.

    Parameters
    ----------
    x : 1-D signal in [-1, 1]
    sr : int
        Its sample rate. Opus accepts only 8, 12, 16, 24 and 48 kHz: other
        rates are resampled to the next accepted rate up (22050 to 24000 Hz)
        and back after decoding, which costs nothing in bits.
    codec : "mp3" or "opus"
    compression_level : float in [0, 1)
        libsndfile's quality knob (soundfile >= 0.13): 0 is the highest
        bitrate, values near 1 the lowest. MP3 uses constant bitrate
        (``bitrate_mode="CONSTANT"``), so the level picks one of the standard
        MP3 bitrates; Opus maps it to a target bitrate (about 6 to 256 kbps).

    Returns
    -------
    (reconstruction, kbps)
        ``len(x)`` samples at ``sr``; kbps from the encoded file's byte count
        (container headers included) and the clip's duration.

    Used in: 07_compression.
    """
    import librosa
    import soundfile

    codec = codec.lower()
    if codec not in _LOSSY_FORMATS:
        raise SignalError(f"codec must be 'mp3' or 'opus'; got {codec!r}.")
    if not 0.0 <= compression_level < 1.0:
        raise SignalError(f"compression_level must be in [0, 1); got {compression_level}.")
    if not lossy_codec_available(codec):
        raise SignalError(
            f"This soundfile ({soundfile.__version__}, libsndfile {soundfile.__libsndfile_version__}) "
            f"cannot write {codec.upper()} at a chosen bitrate. Install soundfile >= 0.13 from a "
            "wheel (pip install -U soundfile), whose libsndfile writes MP3 and Opus."
        )
    x = np.clip(check_signal(x).astype(np.float32), -1.0, 1.0)
    container, subtype = _LOSSY_FORMATS[codec]
    rate = sr
    signal = x
    if codec == "opus" and sr not in OPUS_SAMPLE_RATES:
        rate = min((r for r in OPUS_SAMPLE_RATES if r >= sr), default=48000)
        signal = librosa.resample(y=x, orig_sr=sr, target_sr=rate)
    options = {"bitrate_mode": "CONSTANT"} if codec == "mp3" else {}
    buffer = io.BytesIO()
    soundfile.write(
        buffer, signal, rate, format=container, subtype=subtype,
        compression_level=float(compression_level), **options,
    )
    n_bytes = buffer.tell()
    buffer.seek(0)
    decoded, _ = soundfile.read(buffer, dtype="float32")
    if decoded.ndim > 1:
        decoded = decoded.mean(axis=1)
    decoded = _align(signal, decoded)
    if rate != sr:
        decoded = librosa.resample(y=decoded, orig_sr=rate, target_sr=sr)
        decoded = decoded[: len(x)] if len(decoded) >= len(x) else np.pad(decoded, (0, len(x) - len(decoded)))
    return decoded.astype(np.float32), kbps(8 * n_bytes, len(x) / sr)
