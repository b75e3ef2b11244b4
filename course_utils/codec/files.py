"""The compressed file: a NumPy archive (read with ``allow_pickle=False``) holding a code and its metadata.

Part of :mod:`course_utils.codec`. Reading checks the layout, the metadata and
the unpacked size before trusting anything in the file.

Used in: 07_going_further_codecs.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from ..errors import CompressedFileError, CompressedFileNotFoundError

__all__ = [
    "FORMAT_VERSION",
    "REQUIRED_METADATA",
    "MAX_UNPACKED_BYTES",
    "save_compressed",
    "load_compressed",
]

#: Version of the archive layout written by :func:`save_compressed`.
FORMAT_VERSION = 1

#: Metadata every compressed archive must hold (small integer arrays).
REQUIRED_METADATA = ("sample_rate", "n_samples", "frame_length", "hop_length", "bits")

_RESERVED = "format_version"

#: Default cap on the unpacked size of an archive read by :func:`load_compressed` (64 MiB).
MAX_UNPACKED_BYTES = 64 * 2**20

_POSITIVE_METADATA = ("sample_rate", "frame_length", "hop_length", "bits")
# Largest sensible values: more is a damaged file or a slip (bits per number, samples of a day at 48 kHz).
_METADATA_LIMITS = {
    "bits": 32,
    "n_samples": 48000 * 86400,
    "frame_length": 2**24,
    "hop_length": 2**24,
    "sample_rate": 10**7,
}


def _check_metadata(arrays: dict, where: str) -> None:
    """Every required metadata entry must be one whole number; rates and sizes positive."""
    for key in REQUIRED_METADATA:
        value = np.asarray(arrays[key])
        ok = value.ndim == 0 and value.dtype.kind in "iuf" and bool(np.isfinite(value))
        ok = ok and float(value) == int(value)
        low = 1 if key in _POSITIVE_METADATA else 0
        high = _METADATA_LIMITS.get(key)
        if ok and high is not None and int(value) > high:
            raise CompressedFileError(
                f"{where}'{key}' is {int(value):,}, more than {high:,}: "
                + (
                    "a code number has at most 32 bits."
                    if key == "bits"
                    else "no clip the course codes is that long (a day of audio at 48 kHz is 4.1 billion samples)."
                )
            )
        if not ok or int(value) < low:
            raise CompressedFileError(
                f"{where}'{key}' must be one whole number >= {low}; got {arrays[key]!r}. "
                + (
                    "Pass the clip's sample rate in Hz, e.g. sample_rate=8000."
                    if key == "sample_rate"
                    else "Pass the value the decoder needs, as a Python int."
                )
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

    Used in: 07_going_further_codecs.
    """
    import os
    import uuid

    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    if _RESERVED in arrays:
        raise CompressedFileError(
            f"'{_RESERVED}' is written by save_compressed itself; do not pass it."
        )
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
        raise CompressedFileError(
            f"'{path}' is a folder; pass the name of a file inside it, e.g. '{path / 'clip.npz'}'."
        )
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
                    raise _not_a_codec_file(
                        path, f"its entry '{info.filename}' is not a NumPy array ({error})"
                    ) from None
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

    Used in: 07_going_further_codecs.
    """
    path = Path(path)
    if path.is_dir():
        raise CompressedFileError(
            f"'{path}' is a folder; pass the .npz file inside it that save_compressed wrote."
        )
    if not path.is_file():
        raise CompressedFileNotFoundError(
            f"No compressed file at '{path}' (the current folder is '{Path.cwd()}'). "
            "Write it first with save_compressed(path, ...), or check the spelling."
        )
    if (
        isinstance(max_bytes, bool)
        or not isinstance(max_bytes, (int, np.integer))
        or max_bytes <= 0
    ):
        raise CompressedFileError(
            f"max_bytes must be a positive whole number of bytes; got {max_bytes!r}."
        )
    with open(path, "rb") as stream:
        magic = stream.read(6)
    if magic.startswith(b"\x93NUMPY"):
        raise CompressedFileError(
            f"'{path}' holds a single NumPy array, not an archive from save_compressed."
        )
    if not magic.startswith(_ZIP_MAGIC):
        raise _not_a_codec_file(
            path, "it is not a zip archive (it may be a text file renamed to .npz)"
        )
    try:
        _check_unpacked_size(path, int(max_bytes))
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except CompressedFileError:
        raise
    except (
        RuntimeError
    ) as error:  # zipfile: "File ... is encrypted, password required for extraction"
        raise CompressedFileError(
            f"'{path}' is an encrypted zip archive ({error}); save_compressed never encrypts, so it was "
            "not written by save_compressed. Write it again with save_compressed."
        ) from None
    except ValueError as error:
        if "pickle" in str(error):
            raise CompressedFileError(
                f"'{path}' contains object arrays, which can only be read by unpickling, and "
                "unpickling a file can run arbitrary code. It was not written by save_compressed; "
                "re-create it with numeric arrays only."
            ) from None
        raise CompressedFileError(f"'{path}' is not a readable NumPy archive ({error}).") from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        KeyError,
        NotImplementedError,
    ) as error:
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
