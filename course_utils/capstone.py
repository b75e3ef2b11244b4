"""The capstone (notebook 13): the best speech codec at 8 kbps or less, scored on a voice it never heard.

The task: build a codec, a pair of functions

- ``compress(samples) -> bytes``: 16 kHz mono speech (float samples in
  [-1, 1]) to the bytes of a file, and
- ``decompress(data) -> samples``: those bytes, and nothing else, back to audio,

that spends at most :data:`BUDGET_KBPS` (8 kbps: 16-bit PCM is 256 kbps) and
sounds as close to the original as possible. Learners train on the female
reader (``speech_female``, :func:`training_speech`) and tune on it and on a
second reader (``data.HELD_OUT_READER``); the score is measured on the
**male reader** (``speech_male``, 16.7 s of LibriSpeech speaker 3436), a
voice no notebook of the course loads, shows or plays: a codec that only
memorised one voice scores badly. :func:`score_codec` measures

- the bit rate from the byte count (headers, ranges, everything: ``8 *
  len(data) / seconds``),
- the SNR (dB, higher is better: the score that ranks) and the log-spectral
  distance (dB, lower is better) of the decoded speech,

and refuses a codec that breaks the rules with a course error that says why.
To catch a decoder that peeks at the original (kept in a variable by
``compress``), the scorer compresses a second, different clip between the
compression and the decompression of the hidden one.

The baseline to beat, :func:`baseline_codec`, is the course's PCA codec
(notebook 05) at the same rate: 256-sample frames, 30 principal components
(fitted on frames taken every 64 samples) at 4 bits each, uniform quantization between each component's minimum and
maximum (notebook 07), about 7.6 kbps. The reference, and the learner's
starting point, :func:`reference_codec`, is lesson 05's lapped autoencoder
with entropy coding and rate control (:class:`LappedCodec`); :func:`rubric_points`
scores the measured parts of the rubric, and credits an autoencoder attempt
only when :func:`measure_autoencoder_attempt` measured it. :func:`pack_stream` and
:func:`unpack_stream` turn quantized codes into bytes and back, with a
different number of bits per code dimension if you like.

This module imports TensorFlow only for :class:`LappedCodec` (and so :func:`reference_codec`).

Used in: 13_capstone.
"""

from __future__ import annotations

import lzma
import struct
import time
import weakref
from dataclasses import dataclass

import numpy as np

from . import codec as _codec
from .codec.bits import _from_bits, _to_bits  # the course's one bit packer
from .errors import SettingError, SignalError
from .settings import FRAME, HOP, SPEECH_RATE

__all__ = [
    "BUDGET_KBPS",
    "TRAINING_CLIP",
    "HIDDEN_CLIP",
    "CodecScore",
    "training_speech",
    "pack_stream",
    "unpack_stream",
    "PCABaselineCodec",
    "baseline_codec",
    "TransformCodec",
    "pca_transform_codec",
    "LAPPED_WEIGHTS",
    "LappedCodec",
    "reference_codec",
    "evaluate_codec",
    "score_codec",
    "score_codec_file",
    "MAX_PLAUSIBLE_SNR_DB",
    "MAX_STREAM_SAMPLES",
    "AutoencoderAttempt",
    "measure_autoencoder_attempt",
    "RUBRIC",
    "rubric_points",
]

#: The bit-rate budget of the capstone, in kilobits per second.
BUDGET_KBPS = 8.0
#: The clip learners train and tune on (shown and played in the notebook).
TRAINING_CLIP = "speech_female"
#: The clip the score is measured on (never shown in the notebook).
HIDDEN_CLIP = "speech_male"

_MAGIC = b"SAC1"
_HEADER = struct.Struct("<4sIIHH")  # magic, n_samples, n_frames, code_size, frame_length


@dataclass(frozen=True)
class CodecScore:
    """What :func:`score_codec` measured: the rate, the quality and the cost of a codec.

    Used in: no notebook.
    """

    kbps: float
    snr_db: float
    lsd_db: float
    n_bytes: int
    seconds: float
    clip: str

    def __str__(self) -> str:
        return (
            f"{self.clip}: {self.kbps:.2f} kbps ({self.n_bytes} bytes), SNR {self.snr_db:.2f} dB, "
            f"log-spectral distance {self.lsd_db:.2f} dB, coded in {self.seconds:.1f} s"
        )


def training_speech(duration: float | None = None) -> tuple[np.ndarray, int]:
    """The speech to build and tune a codec on: the female reader, ``(samples, 16000)``.

    Used in: 13_capstone.
    """
    from .data import load_real_clip

    samples, sr = load_real_clip(TRAINING_CLIP, duration=duration)
    return np.asarray(samples, dtype=np.float32), int(sr)


def _hidden_speech() -> tuple[np.ndarray, int]:
    from .data import load_real_clip

    samples, sr = load_real_clip(HIDDEN_CLIP)
    return np.asarray(samples, dtype=np.float32), int(sr)


# -- bytes -----------------------------------------------------------------------------------------
def _bits_per_column(bits, code_size: int) -> np.ndarray:
    column_bits = (
        np.broadcast_to(np.asarray(bits), (code_size,)) if np.ndim(bits) == 0 else np.asarray(bits)
    )
    if column_bits.shape != (code_size,) or not np.issubdtype(column_bits.dtype, np.integer):
        raise SettingError(
            f"bits must be one whole number or one per code dimension ({code_size}); got {bits!r}. "
            "For example bits=4 or bits=[6, 5, 4, 4, 3]."
        )
    if column_bits.min() < 0 or column_bits.max() > 16:
        raise SettingError(
            f"bits per code dimension must lie in 0..16; got {column_bits.tolist()}."
        )
    return column_bits.astype(np.uint8)


def pack_stream(codes, bits, n_samples: int, frame_length: int) -> bytes:
    """Quantize codes ``(n_frames, code_size)`` and pack them, with what a decoder needs, into bytes.

    Each code dimension ``j`` is quantized uniformly to ``bits[j]`` bits
    between its minimum and maximum (``codec.quantize``; 0 bits sends the
    dimension's mean, as a range). The bytes hold a 16-byte header
    (``n_samples``, ``n_frames``, ``code_size``, ``frame_length``), the bits of
    each dimension (one byte each), the ranges (float32) and the packed
    levels: everything :func:`unpack_stream` needs, and everything is counted.

    Used in: no notebook.
    """
    codes = np.asarray(codes, dtype=np.float64)
    if (
        codes.ndim != 2
        or codes.shape[0] == 0
        or codes.shape[1] == 0
        or not np.all(np.isfinite(codes))
    ):
        raise SignalError(
            f"codes must be a finite 2-D array (n_frames, code_size); got shape {codes.shape}. "
            "Pass the encoder's output for every frame of the clip."
        )
    n_frames, code_size = codes.shape
    column_bits = _bits_per_column(bits, code_size)
    parts = [
        _HEADER.pack(_MAGIC, int(n_samples), n_frames, code_size, int(frame_length)),
        column_bits.tobytes(),
    ]
    ranges = np.zeros((2, code_size), dtype=np.float32)
    packed = []
    for j in range(code_size):
        if column_bits[j] == 0:
            ranges[:, j] = codes[:, j].mean()
            continue
        integers, column_range = _codec.quantize(codes[:, j : j + 1], int(column_bits[j]))
        ranges[:, j] = column_range[:, 0]
        packed.append(integers[:, 0].astype(np.uint32) if column_bits[j] > 8 else integers[:, 0])
    if packed:
        levels = np.concatenate(
            [_to_bits(p, b) for p, b in zip(packed, column_bits[column_bits > 0])]
        )
        parts += [ranges.tobytes(), np.packbits(levels).tobytes()]
    else:
        parts += [ranges.tobytes()]
    return b"".join(parts)


#: The most samples a capstone stream may decode to unless ``max_samples`` says more (10 minutes at 16 kHz).
MAX_STREAM_SAMPLES = 600 * SPEECH_RATE


def _damaged(what: str) -> SignalError:
    return SignalError(
        f"These bytes are truncated or damaged: {what}. Pass exactly the bytes compress() returned."
    )


def _check_stream_size(n_samples: int, n_frames: int, frame_length: int, max_samples) -> None:
    if (
        isinstance(max_samples, bool)
        or not isinstance(max_samples, (int, np.integer))
        or max_samples <= 0
    ):
        raise SettingError(f"max_samples must be a positive whole number; got {max_samples!r}.")
    if n_frames * frame_length > max_samples + frame_length or n_samples > max_samples:
        raise SignalError(
            f"The header says {n_samples:,} samples in {n_frames:,} frames of {frame_length}: more than "
            f"max_samples={max_samples:,} ({max_samples / SPEECH_RATE:.0f} s at {SPEECH_RATE} Hz). "
            "These bytes are damaged, or the clip is longer: then pass a larger max_samples."
        )


def unpack_stream(
    data: bytes, max_samples: int = MAX_STREAM_SAMPLES
) -> tuple[np.ndarray, int, int]:
    """Undo :func:`pack_stream`: ``(codes, n_samples, frame_length)`` with codes dequantized.

    The header's sizes are checked against the length of ``data`` and
    against ``max_samples`` (default :data:`MAX_STREAM_SAMPLES`) before
    anything is allocated; damaged bytes raise a :class:`~course_utils.errors.SignalError`.

    Used in: no notebook.
    """
    if (
        not isinstance(data, (bytes, bytearray, memoryview))
        or len(data) < _HEADER.size
        or bytes(data[:4]) != _MAGIC
    ):
        raise SignalError(
            "These are not bytes written by capstone.pack_stream: pass what pack_stream returned."
        )
    data = bytes(data)
    magic, n_samples, n_frames, code_size, frame_length = _HEADER.unpack_from(data, 0)
    if n_frames == 0 or code_size == 0 or frame_length == 0 or n_samples > n_frames * frame_length:
        raise _damaged(
            f"a header of {n_frames} frames of {frame_length} samples, {code_size} numbers each, "
            f"for {n_samples} samples"
        )
    if len(data) < _HEADER.size + 9 * code_size:
        raise _damaged(
            f"{len(data)} bytes cannot hold the bits and ranges of {code_size} code dimensions"
        )
    offset = _HEADER.size
    column_bits = np.frombuffer(data, dtype=np.uint8, count=code_size, offset=offset)
    if column_bits.max() > 16:
        raise _damaged(f"a code dimension with {int(column_bits.max())} bits (at most 16)")
    level_bytes = -(-n_frames * int(column_bits.sum(dtype=np.int64)) // 8)
    if len(data) != _HEADER.size + 9 * code_size + level_bytes:
        raise _damaged(
            f"{len(data)} bytes where the header implies {_HEADER.size + 9 * code_size + level_bytes}"
        )
    _check_stream_size(n_samples, n_frames, frame_length, max_samples)
    offset += code_size
    ranges = np.frombuffer(data, dtype=np.float32, count=2 * code_size, offset=offset).reshape(
        2, code_size
    )
    offset += ranges.nbytes
    bit_array = np.unpackbits(np.frombuffer(data, dtype=np.uint8, offset=offset))
    codes = np.empty((n_frames, code_size), dtype=np.float32)
    position = 0
    for j in range(code_size):
        b = int(column_bits[j])
        if b == 0:
            codes[:, j] = ranges[0, j]
            continue
        integers = _from_bits(bit_array[position : position + n_frames * b], b)
        position += n_frames * b
        codes[:, j] = _codec.dequantize(integers[:, None], ranges[:, j : j + 1], b)[:, 0]
    return codes, int(n_samples), int(frame_length)


# -- the baseline ----------------------------------------------------------------------------------
class PCABaselineCodec:
    """The baseline to beat: PCA on non-overlapping frames, every component at the same bits.

    ``PCABaselineCodec(code_size=30, bits=4).fit(training_audio)`` then
    ``compress(samples) -> bytes`` and ``decompress(data) -> samples``.
    At 16 kHz, 256-sample frames, 30 components at 4 bits: 7.5 kbps of
    levels plus the header and ranges, about 7.6 kbps on the hidden clip.

    Used in: 13_capstone.
    """

    def __init__(self, code_size: int = 30, bits: int = 4, frame_length: int = FRAME):
        from .baselines import PCACodec

        self.bits = bits
        # Training frames overlap (hop 64): more examples, and a fast covariance PCA.
        self.pca = PCACodec(code_size=code_size, frame_length=frame_length, hop_length=HOP)
        self.frame_length = frame_length

    def fit(self, training_audio) -> PCABaselineCodec:
        self.pca.fit(training_audio)
        return self

    def compress(self, samples) -> bytes:
        from .audio import frame_signal

        samples = np.asarray(samples, dtype=np.float32)
        frames = frame_signal(
            samples, frame_length=self.frame_length, hop_length=self.frame_length, pad=True
        )
        return pack_stream(self.pca.encode(frames), self.bits, len(samples), self.frame_length)

    def decompress(self, data: bytes) -> np.ndarray:
        codes, n_samples, frame_length = unpack_stream(data)
        frames = self.pca.decode(codes)
        return frames.reshape(-1)[:n_samples].astype(np.float32)


def baseline_codec(code_size: int = 30, bits: int = 4) -> PCABaselineCodec:
    """The baseline, fitted on all of the training speech (:func:`training_speech`).

    Used in: 13_capstone.
    """
    samples, _ = training_speech()
    return PCABaselineCodec(code_size=code_size, bits=bits).fit(samples)


# -- the reference solution -----------------------------------------------------------------------
_LZMA_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": 6}]
_TRANSFORM_HEADER = struct.Struct("<4sIIHf")  # magic, n_samples, n_frames, code_size, step


class TransformCodec:
    """A transform codec with the two tools every real codec has: entropy coding and rate control.

    - ``encode`` maps frames ``(n, frame_length)`` to codes ``(n, k)``
      (``pca.encode``, or a trained encoder's ``predict``), ``decode`` back.
    - Every code number is rounded to a multiple of one ``step``: small
      numbers (most of them, in quiet frames) become 0, and the levels are
      stored as bytes compressed by LZMA (an entropy coder: frequent levels
      cost few bits, so a level costs what it tells, not a fixed 4 bits).
    - Rate control: ``compress`` searches the ``step`` (13 halvings of the
      interval) that spends at most ``target_kbps``, and stores it in the header.

    Used in: 13_capstone.
    """

    def __init__(
        self,
        encode,
        decode,
        frame_length: int = FRAME,
        sr: int = SPEECH_RATE,
        target_kbps: float = 0.98 * BUDGET_KBPS,
    ):
        _check_callable(encode, "encode", "TransformCodec(pca.encode, pca.decode)")
        _check_callable(decode, "decode", "TransformCodec(pca.encode, pca.decode)")
        if not (isinstance(target_kbps, (int, float)) and 0 < target_kbps):
            raise SettingError(
                f"target_kbps must be a positive number of kbps; got {target_kbps!r}."
            )
        self.encode, self.decode = encode, decode
        self.frame_length, self.sr, self.target_kbps = (
            int(frame_length),
            int(sr),
            float(target_kbps),
        )

    def _stream(self, codes: np.ndarray, step: float, n_samples: int) -> bytes:
        levels = np.clip(np.rint(codes / step), -127, 127).astype(np.int8)
        header = _TRANSFORM_HEADER.pack(b"SAT1", n_samples, codes.shape[0], codes.shape[1], step)
        return header + lzma.compress(
            levels.T.tobytes(), format=lzma.FORMAT_RAW, filters=_LZMA_FILTERS
        )

    def _analyse(self, samples: np.ndarray) -> np.ndarray:
        """The codes ``(n_frames, code_size)`` of the samples: non-overlapping frames, ``encode``."""
        from .audio import frame_signal

        frames = frame_signal(
            samples, frame_length=self.frame_length, hop_length=self.frame_length, pad=True
        )
        return np.asarray(self.encode(frames), dtype=np.float64)

    def _synthesise(self, codes: np.ndarray, n_samples: int) -> np.ndarray:
        """The samples back from dequantized codes: ``decode``, the frames end to end."""
        frames = np.asarray(self.decode(codes))
        return frames.reshape(-1)[:n_samples].astype(np.float32)

    def compress(self, samples) -> bytes:
        samples = np.asarray(samples, dtype=np.float32)
        codes = self._analyse(samples)
        budget_bytes = self.target_kbps * 1000 / 8 * len(samples) / self.sr
        low, high = 1e-4, float(np.abs(codes).max()) / 2 + 1e-3  # at `high` nearly every level is 0
        for _ in range(13):  # geometric bisection on the step
            middle = float(np.sqrt(low * high))
            if len(self._stream(codes, middle, len(samples))) <= budget_bytes:
                high = middle
            else:
                low = middle
        return self._stream(codes, high, len(samples))

    def decompress(self, data: bytes, max_samples: int = MAX_STREAM_SAMPLES) -> np.ndarray:
        """The samples of bytes written by :meth:`compress`; damaged bytes raise a ``SignalError``.

        The header's sizes are checked against ``max_samples`` (default
        :data:`MAX_STREAM_SAMPLES`), and LZMA inflates no more than they announce.
        """
        if (
            not isinstance(data, (bytes, bytearray, memoryview))
            or len(data) < _TRANSFORM_HEADER.size
        ):
            raise SignalError(
                "These bytes were not written by TransformCodec.compress (too short for its header)."
            )
        data = bytes(data)
        magic, n_samples, n_frames, code_size, step = _TRANSFORM_HEADER.unpack_from(data, 0)
        if magic != b"SAT1":
            raise SignalError("These bytes were not written by TransformCodec.compress.")
        if (
            n_frames == 0
            or code_size == 0
            or not (np.isfinite(step) and step > 0)
            or n_samples > n_frames * self.frame_length
        ):
            raise _damaged(
                f"a header of {n_frames} frames, {code_size} numbers each, step {step}, for "
                f"{n_samples} samples"
            )
        _check_stream_size(n_samples, n_frames, self.frame_length, max_samples)
        expected = n_frames * code_size
        inflater = lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=_LZMA_FILTERS)
        try:
            raw = inflater.decompress(data[_TRANSFORM_HEADER.size :], max_length=expected + 1)
        except lzma.LZMAError as error:
            raise _damaged(f"the levels are not LZMA data ({error})") from None
        if len(raw) != expected:
            raise _damaged(
                f"the levels hold {'more' if len(raw) > expected else len(raw)} bytes where the "
                f"header announces {expected}"
            )
        levels = np.frombuffer(raw, dtype=np.int8).reshape(code_size, n_frames).T
        return self._synthesise(levels.astype(np.float32) * np.float32(step), n_samples)


def pca_transform_codec(code_size: int = 96) -> TransformCodec:
    """PCA (96 components of 256-sample frames) in a :class:`TransformCodec`, fitted on all of the training speech.

    What entropy coding and rate control alone add to the baseline's
    transform (section 3 of the capstone); still a linear transform.

    Used in: 13_capstone.
    """
    from .baselines import PCACodec

    samples, _ = training_speech()
    pca = PCACodec(code_size=code_size, frame_length=FRAME, hop_length=HOP).fit(samples)
    return TransformCodec(pca.encode, pca.decode, frame_length=FRAME)


#: The trained lapped autoencoder the reference starts from (lesson 05; ``make weights``).
LAPPED_WEIGHTS = "lapped_speech.npz"


class LappedCodec(TransformCodec):
    """The autoencoder starting point: lesson 05's lapped autoencoder as the transform of a :class:`TransformCodec`.

    The encoder is the model's analysis (a learned window on overlapping
    512-sample frames every 256 samples, an MDCT: 256 coefficients per hop);
    every coefficient is rounded to a multiple of one step (most become 0:
    the code is sparse, its positions are where the levels are not 0), the
    levels are LZMA-compressed and the step searched to fit the budget, as in
    :class:`TransformCodec`. The decoder is the model's decoder: its learned
    gains, the refinement that fills in dropped coefficients, the synthesis
    window and the overlap-add.

    ``model`` is a :class:`~course_utils.lapped.LappedAutoencoder` (the
    course's trained one by default, or your fine-tuned copy). The codec
    travels to the scorer's processes as the model's settings and weights
    (NumPy arrays), and rebuilds the model there (that imports TensorFlow).

    Used in: 13_capstone.
    """

    def __init__(self, model=None, target_kbps: float = 0.98 * BUDGET_KBPS):
        from . import lapped

        if model is None:
            from .data import data_dir

            model = lapped.load_lapped_autoencoder(data_dir() / "weights" / LAPPED_WEIGHTS)
        if not isinstance(model, lapped.LappedAutoencoder):
            raise SettingError(
                f"LappedCodec needs a lapped.LappedAutoencoder; got {type(model).__name__}. Load the "
                "course's with lapped.load_lapped_autoencoder, or build one with "
                "lapped.build_lapped_autoencoder."
            )
        super().__init__(self._no_frames, self._no_frames, model.hop, SPEECH_RATE, target_kbps)
        self.model = model

    @staticmethod
    def _no_frames(_):  # the lapped codec codes whole signals, not frames
        raise SettingError("LappedCodec codes whole signals: call compress and decompress.")

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        model = state.pop("model")
        state["model_state"] = (
            {"hop": model.hop, "m": model.m, "refine": model.refine_width, "l2": model.l2},
            [w.numpy() for w in model.weights],
        )
        return state

    def __setstate__(self, state: dict) -> None:
        from . import lapped

        config, weights = state.pop("model_state")
        self.__dict__.update(state)
        self.model = lapped.build_lapped_autoencoder(**config)
        for variable, value in zip(self.model.weights, weights):
            variable.assign(value)

    def _analyse(self, samples: np.ndarray) -> np.ndarray:
        from .lapped import _padded

        padded = _padded(samples[None, :], self.model.hop)
        return self.model.analyse(padded).numpy()[0].astype(np.float64)

    def _synthesise(self, codes: np.ndarray, n_samples: int) -> np.ndarray:
        hop = self.model.hop
        kept = (codes != 0).astype(np.float32)
        decoded = self.model.decode(codes[None].astype(np.float32), kept[None]).numpy()[0]
        return decoded[hop : hop + n_samples].astype(np.float32)


def reference_codec() -> LappedCodec:
    """The reference solution and the starting point: :class:`LappedCodec` with the course's trained lapped autoencoder.

    Trained on the training speech only (``make weights``). On the
    held-out reader of lessons 05 and 07 (``data.HELD_OUT_READER``) it scores
    about 20.7 dB SNR at 7.8 kbps, against the baseline's 4.5 dB and PCA's
    14.2 dB with the same entropy coding (:func:`pca_transform_codec`).

    Used in: 13_capstone.
    """
    return LappedCodec()


# -- scoring ---------------------------------------------------------------------------------------
def _check_callable(value, name: str, example: str) -> None:
    if not callable(value):
        raise SettingError(
            f"{name} must be a function; got {type(value).__name__}. Pass the function itself, "
            f"without calling it: {example}."
        )


def _not_bytes_message(type_name, clip: str) -> str:
    return (
        f"compress() returned {type_name} for the {clip} clip; it must return bytes (what a "
        "file would hold), so that every bit is counted. Pack your code with capstone.pack_stream, "
        "or turn a uint8 array into bytes with array.tobytes()."
    )


def _as_bytes(data, clip: str) -> bytes:
    if isinstance(data, np.ndarray) and data.dtype == np.uint8:
        return data.tobytes()
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise SettingError(_not_bytes_message(type(data).__name__, clip))


def _checked_output(output, type_name: str, n_samples: int, clip: str) -> np.ndarray:
    """The decoded samples as float64 when they are a finite 1-D float array of exactly ``n_samples``."""
    kinds = {
        "c": "complex numbers (keep the real part of an inverse transform: np.real or irfft)",
        "b": "True/False values",
        "i": "integers",
        "u": "integers",
    }
    if not isinstance(output, np.ndarray):
        raise SettingError(
            f"decompress() returned {type_name} for the {clip} clip; it must return the decoded "
            "samples as a 1-D NumPy array of floats."
        )
    if output.dtype.kind != "f":
        what = kinds.get(output.dtype.kind, f"dtype {output.dtype}")
        raise SettingError(
            f"decompress() returned {what} for the {clip} clip; return the decoded samples as floats in "
            "[-1, 1] (16-bit integers: divide by 32768)."
        )
    if output.ndim != 1:
        raise SettingError(
            f"decompress() returned shape {output.shape} for the {clip} clip; return one 1-D array of "
            "samples (e.g. frames.reshape(-1))."
        )
    if len(output) < n_samples:
        raise SettingError(
            f"decompress() returned {len(output)} samples for the {clip} clip of {n_samples}: the "
            "decoder must give back the whole clip. Store the number of samples in the bytes "
            "(pack_stream does) and pad the last frame."
        )
    if len(output) > n_samples:
        raise SettingError(
            f"decompress() returned {len(output)} samples for the {clip} clip of {n_samples}: return "
            "exactly the clip's samples. Store the number of samples in the bytes (pack_stream does) "
            "and cut the padding: samples[:n_samples]."
        )
    decoded = output.astype(np.float64)
    if not np.all(np.isfinite(decoded)):
        raise SignalError(f"decompress() returned NaN or infinite samples for the {clip} clip.")
    return decoded


def _decoded(decompress, data: bytes, n_samples: int, clip: str) -> np.ndarray:
    output = decompress(data)
    try:
        array = np.asarray(output)
    except (TypeError, ValueError):
        array = None
    if array is not None and array.dtype.kind == "O":
        array = None
    return _checked_output(array, type(output).__name__, n_samples, clip)


#: The highest SNR a codec within the budget can honestly reach (dB). Speech at 8 kbps, half a
#: bit per sample, reaches 10-20 dB in the best waveform codecs; 40 dB is a hundred times less
#: noise than that. A higher score means the decoder got the audio some other way.
MAX_PLAUSIBLE_SNR_DB = 40.0


def _measure(
    samples: np.ndarray,
    decoded: np.ndarray,
    data: bytes,
    sr: int,
    clip: str,
    seconds: float,
    budget_kbps: float | None,
) -> dict:
    """The score's numbers as a dict, or a course error when the codec broke a rule."""
    from .metrics import log_spectral_distance, snr_db

    rate = _codec.kbps(8 * len(data), len(samples) / sr)
    if budget_kbps is not None and rate > budget_kbps:
        raise SettingError(
            f"The codec spent {rate:.2f} kbps ({len(data)} bytes for {len(samples) / sr:.1f} s) on the "
            f"{clip} clip, over the {budget_kbps:g} kbps budget. Send fewer code numbers per second "
            "(a smaller code or longer frames) or fewer bits per number."
        )
    snr, lsd = float(snr_db(samples, decoded)), float(log_spectral_distance(samples, decoded))
    if budget_kbps is not None and not (
        np.isfinite(snr) and np.isfinite(lsd) and snr <= MAX_PLAUSIBLE_SNR_DB
    ):
        raise SettingError(
            f"An SNR of {snr:.1f} dB at {rate:.2f} kbps on the {clip} clip is impossible for a codec "
            f"within {budget_kbps:g} kbps (at most {MAX_PLAUSIBLE_SNR_DB:g} dB is plausible): the decoder "
            "did not decode from the bytes alone. Decode only what compress() wrote."
        )
    return {
        "kbps": float(rate),
        "snr_db": snr,
        "lsd_db": lsd,
        "n_bytes": len(data),
        "seconds": float(seconds),
        "clip": clip,
    }


def _check_scored_samples(samples: np.ndarray, sr: int) -> None:
    if samples.ndim != 1 or len(samples) < sr // 2 or not np.all(np.isfinite(samples)):
        raise SignalError(
            f"samples must be a finite 1-D signal of at least 0.5 s; got shape {samples.shape}."
        )


def evaluate_codec(
    compress,
    decompress,
    samples,
    sr: int = SPEECH_RATE,
    clip: str = "given",
    budget_kbps: float | None = BUDGET_KBPS,
) -> CodecScore:
    """Measure a codec on ``samples``: bit rate from the bytes, SNR and log-spectral distance.

    Use it on your validation audio while you work: it runs the codec here,
    in your own Python, so it is quick but proves nothing about the bytes.
    :func:`score_codec` gives the capstone's score, with the encoder and the
    decoder in two separate processes. Raises a :class:`~course_utils.errors.SettingError`
    when the codec breaks a rule (not functions, no bytes, an output of the
    wrong length, dtype or shape, over ``budget_kbps``, an impossible SNR;
    ``None`` for no budget and no limit on the SNR).

    Used in: 13_capstone.
    """
    _check_callable(compress, "compress", "score_codec(codec.compress, codec.decompress)")
    _check_callable(decompress, "decompress", "score_codec(codec.compress, codec.decompress)")
    samples = np.asarray(samples, dtype=np.float32)
    _check_scored_samples(samples, sr)
    started = time.perf_counter()
    data = _as_bytes(compress(samples.copy()), clip)
    if not data:
        raise SettingError(
            f"compress() returned no bytes for the {clip} clip: nothing can be decoded from nothing."
        )
    _as_bytes(
        compress(_decoy(samples)), "decoy"
    )  # a decoder must use the bytes, not a remembered clip
    decoded = _decoded(decompress, data, len(samples), clip)
    return CodecScore(
        **_measure(samples, decoded, data, sr, clip, time.perf_counter() - started, budget_kbps)
    )


def _decoy(samples: np.ndarray) -> np.ndarray:
    """A different clip of the same length: the training speech, looped and reversed."""
    training, _ = training_speech()
    return np.resize(training[::-1], len(samples)).astype(np.float32)


def _clip_row(name: str) -> dict:
    from .data import _real_clip_rows

    return _real_clip_rows()[name]


def _ship(compress, decompress) -> tuple[dict, bytes]:
    """The codec as bytes a fresh process can load: cloudpickle if installed, else plain pickle."""
    import pickle

    advice = (
        "Define compress and decompress as methods of an object (like TransformCodec) or as "
        "functions in a module file (%%writefile my_codec.py, then from my_codec import ...)."
    )
    try:
        import cloudpickle
    except ImportError:
        cloudpickle = None
    try:
        if cloudpickle is not None:
            return {"kind": "cloudpickle"}, cloudpickle.dumps((compress, decompress))
        payload = pickle.dumps((compress, decompress))
    except Exception as error:  # noqa: BLE001 - any pickling failure gets the same advice
        raise SettingError(
            f"The codec cannot be sent to a fresh process ({type(error).__name__}: {error}). {advice}"
        ) from None
    if b"__main__" in payload:
        raise SettingError(
            "compress or decompress is defined in this notebook, and a fresh process cannot find it "
            f"(install cloudpickle to ship it). {advice}"
        )
    return {"kind": "pickle"}, payload


def _judged(codec: dict, payload: bytes, audio, time_limit) -> CodecScore:
    from . import _scoring, errors

    if not (
        isinstance(time_limit, (int, float))
        and not isinstance(time_limit, bool)
        and 0 < time_limit < 1e6
    ):
        raise SettingError(
            f"time_limit must be a positive number of seconds; got {time_limit!r}. For example 300."
        )
    if audio is not None:
        from pathlib import Path

        audio = str(Path(audio).resolve())
    request = {
        "codec": codec,
        "audio": audio,
        "time_limit": float(time_limit),
        "budget_kbps": BUDGET_KBPS,
    }
    returncode, stdout, tail, timed_out = _scoring.run_python(
        "judge",
        _scoring.frame(request, payload),
        2 * float(time_limit) + 300,
        _scoring.child_environment(),
    )
    try:
        result, _ = _scoring.unframe(stdout)
    except ValueError:
        last = tail.strip().splitlines()[-1] if tail.strip() else f"exit code {returncode}"
        raise SettingError(f"The capstone's scorer ended without a result ({last}).") from None
    if "error" in result:
        kinds = {
            "SettingError",
            "SignalError",
            "AudioFileError",
            "AudioFileNotFoundError",
            "DatasetLayoutError",
        }
        error_class = getattr(errors, result["error"]) if result["error"] in kinds else SettingError
        raise error_class(result["message"])
    score = CodecScore(
        **{key: result[key] for key in ("kbps", "snr_db", "lsd_db", "n_bytes", "seconds", "clip")}
    )
    _SCORED.add(score)
    return score


def score_codec(compress, decompress, audio=None, time_limit: float = 300.0) -> CodecScore:
    """The capstone's score: the codec measured on the hidden male reader (``speech_male``).

    ``compress(samples) -> bytes`` gets 16.7 s of 16 kHz speech the
    notebook never shows; ``decompress(data) -> samples`` gets only the
    bytes. Higher SNR wins; the codec must stay within 8 kbps.

    The two run in two separate fresh Python processes that share nothing
    but the bytes (the functions travel as a pickle: methods of an object,
    functions of a module file, or with cloudpickle functions defined in the
    notebook). The decoding process may not open the course's data (except
    ``data/weights/``), the scored recording or a file the encoder wrote; a
    third process, where none of your code runs, measures the result. Each
    step may take ``time_limit`` seconds. ``audio``: score on another
    recording instead (a path; instructors use recordings the learners never
    had, see ``docs/capstone_rubric.md``).

    Used in: 13_capstone.
    """
    _check_callable(compress, "compress", "score_codec(codec.compress, codec.decompress)")
    _check_callable(decompress, "decompress", "score_codec(codec.compress, codec.decompress)")
    codec, payload = _ship(compress, decompress)
    return _judged(codec, payload, audio, time_limit)


# -- the rubric ------------------------------------------------------------------------------------
#: The capstone's 100 points: ``part -> (points, full marks when)``. :func:`rubric_points`
#: measures the first four; an instructor grades the last three by reading the report.
RUBRIC = {
    "legal codec": (20, "score_codec accepts it: at most 8 kbps, decoded from the bytes alone"),
    "beats the baseline": (15, "hidden SNR above the PCA baseline's"),
    "autoencoder attempt": (
        20,
        "a trained autoencoder in the codec, measured with measure_autoencoder_attempt, that beats "
        "the baseline on validation audio (10 if it is measured but does not)",
    ),
    "improves on the reference": (10, "hidden SNR above the reference's"),
    "method": (10, "trains on the training speech only, tunes on validation audio, scores once"),
    "report": (15, "a table of every idea tried (rate, SNR, LSD, time), failures included"),
    "listening": (10, "says what the codec sounds like and links it to the numbers"),
}

# Scores and attempts this module measured (a hand-made CodecScore or attempt earns nothing).
_SCORED: weakref.WeakSet = weakref.WeakSet()
_MEASURED: weakref.WeakSet = weakref.WeakSet()


@dataclass(frozen=True)
class AutoencoderAttempt:
    """What :func:`measure_autoencoder_attempt` measured on validation audio.

    Used in: no notebook.
    """

    model: str
    n_weights: int
    kbps: float
    snr_db: float
    lsd_db: float
    baseline_snr_db: float

    @property
    def margin_db(self) -> float:
        """The codec's validation SNR minus the PCA baseline's on the same audio."""
        return self.snr_db - self.baseline_snr_db

    def __str__(self) -> str:
        return (
            f"autoencoder attempt ({self.model}, {self.n_weights:,} weights): {self.kbps:.2f} kbps, "
            f"SNR {self.snr_db:.2f} dB, LSD {self.lsd_db:.2f} dB; the baseline {self.baseline_snr_db:.2f} dB "
            f"on the same audio ({self.margin_db:+.2f} dB)"
        )


def _course_reference_weights():
    from .data import data_dir

    with np.load(data_dir() / "weights" / LAPPED_WEIGHTS) as stored:
        return [stored[key] for key in sorted(stored.files, key=lambda k: int(k[1:]))]


def measure_autoencoder_attempt(
    model, compress, decompress, validation_audio
) -> AutoencoderAttempt:
    """Measure a codec built on an autoencoder ``model`` (a Keras model) on validation audio.

    Runs the codec on ``validation_audio`` (16 kHz, within the budget) and the
    PCA baseline (:func:`baseline_codec`) on the same audio, and checks that
    the codec really uses the model: with the model's weights set to zero for
    a moment, its output must change. The course's trained lapped model,
    unchanged, is refused: fine-tune it or train your own. The result is what
    :func:`rubric_points` credits.

    Used in: 13_capstone.
    """
    weights = getattr(model, "weights", None)
    if not weights or not all(hasattr(w, "assign") for w in weights):
        raise SettingError(
            f"model must be the Keras model inside your codec (with weights); got "
            f"{type(model).__name__}. Pass the autoencoder itself, e.g. the LappedAutoencoder "
            "your LappedCodec holds (codec.model)."
        )
    values = [np.array(w.numpy()) for w in weights]
    reference = _course_reference_weights()
    if len(reference) == len(values) and all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(values, reference)
    ):
        raise SettingError(
            "This is the course's trained lapped autoencoder, unchanged: it is the reference, not "
            "your attempt. Fine-tune it on the training speech (lapped.train_lapped) or train "
            "an autoencoder of your own."
        )
    samples = np.asarray(validation_audio, dtype=np.float32)
    score = evaluate_codec(compress, decompress, samples, clip="validation")
    decoded = np.asarray(decompress(compress(samples.copy())), dtype=np.float64)
    try:
        for w in weights:
            w.assign(np.zeros_like(w.numpy()))
        without = np.asarray(decompress(compress(samples.copy())), dtype=np.float64)
    finally:
        for w, value in zip(weights, values):
            w.assign(value)
    if without.shape == decoded.shape and np.allclose(without, decoded, atol=1e-7):
        raise SettingError(
            f"The codec's output does not change when the weights of {type(model).__name__} are "
            "zeroed: the codec does not use this model. Pass the model your compress and "
            "decompress run."
        )
    baseline = baseline_codec()
    baseline_score = evaluate_codec(
        baseline.compress, baseline.decompress, samples, clip="validation", budget_kbps=None
    )
    attempt = AutoencoderAttempt(
        model=type(model).__name__,
        n_weights=int(sum(v.size for v in values)),
        kbps=score.kbps,
        snr_db=score.snr_db,
        lsd_db=score.lsd_db,
        baseline_snr_db=baseline_score.snr_db,
    )
    _MEASURED.add(attempt)
    return attempt


def rubric_points(
    score: CodecScore,
    baseline: CodecScore,
    reference: CodecScore,
    attempt: AutoencoderAttempt | None = None,
) -> dict:
    """The measured parts of :data:`RUBRIC`: ``part -> points``, ``None`` for the parts graded by hand.

    ``score``, ``baseline`` and ``reference`` are what :func:`score_codec`
    returned for the learner's codec, :func:`baseline_codec` and
    :func:`reference_codec` (on the same recording); ``attempt`` what
    :func:`measure_autoencoder_attempt` returned. Without a measured
    autoencoder attempt the codec cannot earn full marks.

    Used in: 13_capstone.
    """
    for name, value in (("score", score), ("baseline", baseline), ("reference", reference)):
        if not (isinstance(value, CodecScore) and value in _SCORED):
            raise SettingError(
                f"{name} must be what capstone.score_codec returned in this session; got "
                f"{type(value).__name__}. Score the codec with score_codec(codec.compress, codec.decompress)."
            )
    if len({score.clip, baseline.clip, reference.clip}) != 1:
        raise SettingError(
            f"score, baseline and reference were measured on different recordings "
            f"({score.clip}, {baseline.clip}, {reference.clip}); score all three on the same one."
        )
    if attempt is not None and attempt not in _MEASURED:
        raise SettingError(
            "attempt must be what capstone.measure_autoencoder_attempt returned in this session."
        )
    full = {part: points for part, (points, _) in RUBRIC.items()}
    autoencoder = 0
    if attempt is not None:
        autoencoder = full["autoencoder attempt"] if attempt.margin_db > 0 else 10
    return {
        "legal codec": full["legal codec"],
        "beats the baseline": full["beats the baseline"] if score.snr_db > baseline.snr_db else 0,
        "autoencoder attempt": autoencoder,
        "improves on the reference": (
            full["improves on the reference"] if score.snr_db > reference.snr_db else 0
        ),
        "method": None,
        "report": None,
        "listening": None,
    }


def score_codec_file(path, audio=None, time_limit: float = 300.0) -> CodecScore:
    """:func:`score_codec` for a codec written as a module file that defines ``compress`` and ``decompress``.

    The file is run afresh in the encoding and in the decoding process (so
    it must not read the course's audio at import: save what it fitted to
    a file beside it, outside ``data/``). ``python -m course_utils capstone
    my_codec.py [recording.wav ...]`` does the same from a shell.

    Used in: no notebook.
    """
    from pathlib import Path

    path = Path(path).resolve()
    if not path.is_file() or path.suffix != ".py":
        raise SettingError(
            f"'{path}' is not a Python file; pass the module file that defines compress and decompress."
        )
    return _judged({"kind": "module", "path": str(path)}, b"", audio, time_limit)


def main(argv=None) -> int:
    """``python -m course_utils capstone CODEC.py [RECORDING ...]``: score a codec file, one line per recording.

    Used in: ``python -m course_utils capstone`` (instructors scoring a learner's codec file).
    """
    import sys

    from .errors import CourseError

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-"):
        print(
            "usage: python -m course_utils capstone CODEC.py [RECORDING ...]\n"
            "  scores CODEC.py (defining compress and decompress) on each recording, "
            f"or on the hidden {HIDDEN_CLIP} clip",
            file=sys.stderr,
        )
        return 2
    failures = 0
    for recording in argv[1:] or [None]:
        try:
            print(score_codec_file(argv[0], audio=recording))
        except CourseError as error:
            failures += 1
            print(f"{recording or HIDDEN_CLIP}: not scored: {error}")
    return 1 if failures else 0
