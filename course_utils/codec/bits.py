"""Bits of a code: uniform quantization, exact bit counts, bit packing, a quantized round trip.

Part of :mod:`course_utils.codec`. The quantization ranges are side
information the decoder needs, so they are counted.

Used in: 07_compression, 07_going_further_codecs, benchmarks/codec.py.
"""

from __future__ import annotations

import numpy as np

from ..audio import check_signal
from ..errors import SettingError, SignalError

__all__ = [
    "quantize",
    "dequantize",
    "bitstream_bits",
    "kbps",
    "pack_bits",
    "unpack_bits",
    "quantized_roundtrip",
]

_MAX_BITS = 16


def _check_bits(bits) -> int:
    if (
        isinstance(bits, bool)
        or not isinstance(bits, (int, np.integer))
        or not 1 <= bits <= _MAX_BITS
    ):
        raise SettingError(
            f"bits must be a whole number from 1 to {_MAX_BITS}; got {bits!r}. "
            "8 bits give 256 levels per code number, 4 bits give 16."
        )
    return int(bits)


def _check_codes(codes, name: str = "codes") -> np.ndarray:
    codes = np.asarray(codes)
    if codes.ndim != 2:
        hint = " Use codes.reshape(-1, 1) for a single column." if codes.ndim == 1 else ""
        raise SignalError(
            f"{name} must be 2-D (n_frames, code_size); got shape {codes.shape}.{hint}"
        )
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

    Used in: 07_compression, 07_going_further_codecs.
    """
    bits = _check_bits(bits)
    codes = _check_codes(codes).astype(np.float64)
    if codes.size and float(np.max(np.abs(codes))) > 1e30:
        raise SignalError(
            f"codes hold values as large as {float(np.max(np.abs(codes))):.3g}, too large to quantize into "
            "float32 ranges; an encoder's codes are of order 1 to 1000. Check the encoder's input "
            "(standardized?) and output."
        )
    low = codes.min(axis=0).astype(np.float32)
    high = codes.max(axis=0).astype(np.float32)
    # Rounding to float32 may move a range inward; move it outward instead so
    # every code stays inside its range.
    low = np.where(
        low.astype(np.float64) > codes.min(axis=0), np.nextafter(low, np.float32(-np.inf)), low
    )
    high = np.where(
        high.astype(np.float64) < codes.max(axis=0), np.nextafter(high, np.float32(np.inf)), high
    )
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

    Used in: 07_compression, 07_going_further_codecs.
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


def bitstream_bits(
    n_frames: int, code_size: int, bits: int, side_floats: int = 0, float_bits: int = 32
) -> int:
    """Bits needed to send ``n_frames`` codes of ``code_size`` numbers at ``bits`` bits each.

    ``n_frames * code_size * bits + side_floats * float_bits``. Side
    information (here the quantizer's ranges: ``ranges.size`` float32
    numbers) is part of the stream: without it the decoder cannot decode.
    The decoder's weights are not counted: they are shipped once, like the
    tables inside an MP3 decoder, not with every clip.

    Used in: 07_compression.
    """
    for label, value in (
        ("n_frames", n_frames),
        ("code_size", code_size),
        ("side_floats", side_floats),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise SettingError(f"{label} must be a whole number >= 0; got {value!r}.")
    bits = _check_bits(bits)
    return int(n_frames) * int(code_size) * bits + int(side_floats) * int(float_bits)


def kbps(total_bits: float, duration_s: float) -> float:
    """Bitrate in kilobits per second: ``total_bits / duration_s / 1000``.

    For reference: CD audio is 1411 kbps, 8 kHz 16-bit speech 128 kbps,
    a good MP3 128 kbps, Opus speech 16 to 24 kbps.

    Used in: 07_compression, 07_going_further_codecs, benchmarks/codec.py.
    """
    from ..checks import is_number

    if not is_number(duration_s) or not np.isfinite(float(duration_s)) or duration_s <= 0:
        raise SettingError(
            f"duration_s must be a positive finite number; got {duration_s!r}. Use len(signal) / sample_rate."
        )
    if not is_number(total_bits) or not np.isfinite(float(total_bits)) or total_bits < 0:
        raise SettingError(f"total_bits must be a finite number >= 0; got {total_bits!r}.")
    return float(total_bits) / float(duration_s) / 1000.0


def pack_bits(integers, bits: int) -> np.ndarray:
    """Pack ``bits``-bit integers tightly into bytes: ``ceil(size * bits / 8)`` uint8 values.

    Storing 4-bit levels in uint8 would spend 8 bits on each; packing makes
    the stored size match :func:`bitstream_bits`. Keep the shape to unpack.

    Used in: 07_going_further_codecs.
    """
    bits = _check_bits(bits)
    values = np.asarray(integers).ravel()
    if values.dtype.kind not in "biuf" or (
        values.dtype.kind == "f" and not np.all(np.isfinite(values) & (values == np.round(values)))
    ):
        raise SignalError(
            f"pack_bits packs whole numbers (quantization levels); got {values.dtype} values"
            + (" with NaN, Inf or fractions" if values.dtype.kind == "f" else "")
            + ". Pass quantize()'s integers."
        )
    if values.size and (values.min() < 0 or values.max() >= 2**bits):
        raise SignalError(f"values must lie in 0..{2**bits - 1} to fit in {bits} bits.")
    return np.packbits(_to_bits(values, bits))


def _to_bits(values, bits: int) -> np.ndarray:
    """The bits of each value, most significant first, one uint8 (0 or 1) per bit, flat.

    The course's one bit packer: :func:`pack_bits` and ``capstone.pack_stream`` both use it.
    """
    shifts = np.arange(int(bits) - 1, -1, -1, dtype=np.uint32)
    return (
        ((np.asarray(values).astype(np.uint32).ravel()[:, None] >> shifts) & 1)
        .astype(np.uint8)
        .ravel()
    )


def _from_bits(bit_array, bits: int) -> np.ndarray:
    """Undo :func:`_to_bits`: uint32 values from ``bits`` bits each, most significant first."""
    bit_matrix = np.asarray(bit_array).reshape(-1, int(bits)).astype(np.uint32)
    return bit_matrix @ (1 << np.arange(int(bits) - 1, -1, -1, dtype=np.uint32))


def unpack_bits(packed, bits: int, shape) -> np.ndarray:
    """Undo :func:`pack_bits`: the integers, with ``shape``.

    Used in: 07_going_further_codecs.
    """
    bits = _check_bits(bits)
    dims = np.atleast_1d(np.asarray(shape, dtype=object))
    if dims.ndim != 1 or not all(
        isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in dims
    ):
        raise SignalError(
            f"shape must be whole numbers >= 0, the shape pack_bits was given; got {shape!r}."
        )
    shape = tuple(int(s) for s in dims)
    count = int(np.prod(shape, dtype=object)) * bits
    raw = np.asarray(packed)
    if raw.dtype.kind not in "iu" or (raw.size and (raw.min() < 0 or raw.max() > 255)):
        raise SignalError(
            f"packed must be bytes (whole numbers 0..255), what pack_bits returned; got {raw.dtype} values"
            + (f" from {raw.min()} to {raw.max()}" if raw.size and raw.dtype.kind in "iuf" else "")
            + "."
        )
    packed = raw.astype(np.uint8)
    if packed.size * 8 < count:
        raise SignalError(
            f"{packed.size} bytes hold {packed.size * 8} bits, fewer than the {count} that "
            f"shape {shape} at {bits} bits needs."
        )
    values = _from_bits(np.unpackbits(packed, count=count), bits)
    return values.astype(_integer_dtype(bits)).reshape(shape)


def quantized_roundtrip(encode, decode, frames, bits: int):
    """Encode frames, quantize the codes to ``bits`` bits, dequantize, decode.

    ``encode`` maps frames ``(n, frame_length)`` to codes ``(n, code_size)``
    and ``decode`` maps codes back (e.g. a PCA codec's methods, or
    ``lambda f: encoder.predict(f, verbose=0)``). Returns
    ``(decoded_frames, total_bits)``, where ``total_bits`` counts the codes
    and the float32 ranges (side information).

    Used in: 07_going_further_codecs, benchmarks/codec.py.
    """
    codes = _check_codes(np.asarray(encode(frames)), name="encoded frames")
    integers, ranges = quantize(codes, bits)
    decoded = np.asarray(decode(dequantize(integers, ranges, bits)))
    total = bitstream_bits(codes.shape[0], codes.shape[1], bits, side_floats=ranges.size)
    return decoded, total
