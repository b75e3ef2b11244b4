"""An honest audio codec: quantize a code, count every bit, store it, compare with real codecs.

An autoencoder only *compresses* once its code is turned into a finite number
of bits. This package does that step and the bookkeeping around it, one
module per concern (``bits``, ``files``, ``reference``); every name is also
available as ``codec.<name>``:

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
  libsndfile, whose bitrate is *measured* from the encoded bytes;
  :func:`reference_codec_sweep` runs them all across their bit rates, and
  :func:`value_at_rate` reads a rate-distortion curve at a given bit rate
  (:func:`rate_at_value`: the bit rate at which it reaches a given value).

This package does not import TensorFlow.

Used in: 07_compression, 07_going_further_codecs, benchmarks/codec.py.
"""

from __future__ import annotations

from .bits import (
    bitstream_bits,
    dequantize,
    kbps,
    pack_bits,
    quantize,
    quantized_roundtrip,
    unpack_bits,
)
from .files import (
    FORMAT_VERSION,
    MAX_UNPACKED_BYTES,
    REQUIRED_METADATA,
    load_compressed,
    save_compressed,
)
from .reference import (
    OPUS_SAMPLE_RATES,
    REFERENCE_METHODS,
    bit_depth_codec,
    downsample_codec,
    lossy_codec,
    lossy_codec_available,
    rate_at_value,
    reference_codec_sweep,
    value_at_rate,
)

__all__ = [
    "FORMAT_VERSION",
    "REQUIRED_METADATA",
    "MAX_UNPACKED_BYTES",
    "OPUS_SAMPLE_RATES",
    "REFERENCE_METHODS",
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
    "reference_codec_sweep",
    "value_at_rate",
    "rate_at_value",
]
