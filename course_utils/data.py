"""The course's data: bundled clips, spoken digits and their splits.

Everything here works offline on the small data in ``data/``, written by
``scripts/make_data.py`` and checked against ``data/manifest.csv``. The data
come in two parts:

* **real recordings** (``data/real/``): spoken digits from the Free Spoken
  Digit Dataset (:func:`load_real_digits`) and seven clips of music, speech
  and nature (:func:`load_real_clip`, :func:`real_clip_names`);
* **synthetic sounds** the course generates, where control matters:
  espeak-ng digits (:func:`load_synthetic_digits`), instrument notes
  (:func:`load_instrument_notes`) and a music excerpt (:func:`load_music`).

The whole FSDD comes on request through :mod:`course_utils.fetch`; any folder
in its layout can replace the bundled digits, by ``root=`` or by the
environment variable ``COURSE_DIGITS_DIR``.

Used in: 00_welcome, 01_loading_audio, 02_standardizing, 03_building_the_autoencoder, 04_training,
05_evaluating, 05_going_further_transform_coding, 06_troubleshooting, 07_compression,
07_going_further_codecs, 08_denoising, 10_recognition, 11_synthesis, 12_efficiency_and_scale,
13_capstone, benchmarks/codes.py, benchmarks/recognition.py, benchmarks/trainers.py,
scripts/make_data.py, scripts/make_weights.py, scripts/measure_lapped.py,
scripts/recognition_on_folder.py.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .audio import load_audio
from .errors import AudioFileNotFoundError, DatasetLayoutError
from .settings import DIGITS_RATE

__all__ = [
    "data_dir",
    "data_path",
    "load_manifest",
    "record_manifest",
    "verify_data",
    "save_weights",
    "load_weights",
    "SpokenDigits",
    "load_spoken_digits",
    "load_real_digits",
    "load_synthetic_digits",
    "real_clip_names",
    "load_real_clip",
    "HELD_OUT_READER",
    "load_reader",
    "split_in_time",
    "standard_split",
    "leave_one_speaker_out",
    "load_instrument_notes",
    "load_music",
    "fetch_fsdd",
]

# {digit}_{speaker}_{take}.wav: a speaker is letters of any alphabet, digits or hyphens (no
# underscore, which separates the parts); the extension may be in any case (.wav, .WAV).
DIGIT_FILE_PATTERN = re.compile(
    r"^(?P<digit>[0-9])_(?P<speaker>(?:[^\W_]|-)+)_(?P<take>[0-9]+)\.(?i:wav)$"
)
DIGIT_NAMING_RULE = (
    "'{digit}_{speaker}_{take}.wav', for example '7_jackson_12.wav' or '7_张伟_3.WAV': digit is "
    "one of 0 to 9; speaker is letters of any alphabet, digits or hyphens, with no underscore "
    "and no space; take is a whole number; the extension is .wav in any case"
)


def data_dir() -> Path:
    """The folder of bundled data: ``$COURSE_DATA_DIR`` or ``data/`` beside the package.

    Used in: 05_evaluating, 05_going_further_transform_coding, 07_compression, 10_recognition,
    13_capstone.
    """
    configured = os.environ.get("COURSE_DATA_DIR")
    folder = Path(configured) if configured else Path(__file__).resolve().parent.parent / "data"
    if not (folder / "manifest.csv").is_file():
        raise AudioFileNotFoundError(
            f"The course data folder '{folder}' has no manifest.csv. Run the notebooks from a "
            "clone of the course repository, or set COURSE_DATA_DIR to its data/ folder."
        )
    return folder


def data_path(*parts: str) -> Path:
    """Path of a bundled file, e.g. ``data_path("music", "excerpt.wav")``.

    Used in: 00_welcome, 01_loading_audio, 08_denoising, benchmarks/recognition.py.
    """
    path = data_dir().joinpath(*parts)
    if not path.exists():
        raise AudioFileNotFoundError(
            f"'{path}' is not in the bundled data. Run course_utils.data.load_manifest() "
            "to list what is there, or `make data` to regenerate it."
        )
    return path


_REQUIRED_MANIFEST_COLUMNS = ("path", "kind", "label", "sha256")
#: The SHA-256 of the manifest this version of the course ships (written by record_manifest).
_MANIFEST_RECORD = Path(__file__).resolve().parent / "registry" / "data_manifest.txt"
# File endings counted as audio when verify_data looks for files the manifest does not list.
_AUDIO_SUFFIXES = frozenset(
    {".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff", ".au", ".m4a"}
)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_RESTORE = (
    "Restore it with `git checkout -- data/manifest.csv`, or regenerate data/ with `make data`."
)


def load_manifest() -> list[dict]:
    """The rows of ``data/manifest.csv`` as dictionaries (one per bundled file).

    Raises :class:`~course_utils.errors.DatasetLayoutError` when the manifest
    cannot be read (not UTF-8, not a CSV table, no ``path`` or ``sha256``
    column, a row without a path or with a malformed SHA-256).

    Used in: 00_welcome, 01_loading_audio.
    """
    manifest = data_dir() / "manifest.csv"
    try:
        with open(manifest, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames
            rows = list(reader)
    except UnicodeDecodeError as error:
        raise DatasetLayoutError(
            f"'{manifest}' is not a UTF-8 text file (byte {error.start} cannot be decoded), so "
            f"it is damaged or was replaced. {_RESTORE}"
        ) from None
    except (OSError, csv.Error) as error:
        raise DatasetLayoutError(f"'{manifest}' cannot be read ({error}). {_RESTORE}") from None
    if not columns:
        raise DatasetLayoutError(
            f"'{manifest}' is empty: it has no header line and lists no files. {_RESTORE}"
        )
    absent = [column for column in _REQUIRED_MANIFEST_COLUMNS if column not in columns]
    if absent:
        raise DatasetLayoutError(
            f"'{manifest}' lacks the columns {absent} (its first line is {','.join(columns)[:80]!r}), "
            f"so it is not the course's manifest. {_RESTORE}"
        )
    seen = {}
    for number, row in enumerate(rows, start=2):
        path, digest = row.get("path") or "", row.get("sha256") or ""
        if not path.strip() or not _SHA256.match(digest):
            raise DatasetLayoutError(
                f"'{manifest}' line {number} has path {path!r} and sha256 {digest!r}; every line needs "
                f"a file path and a SHA-256 of 64 hex digits. {_RESTORE}"
            )
        relative = _inside_data(path)
        if relative is None:
            raise DatasetLayoutError(
                f"'{manifest}' line {number} has path {path!r}, which points outside data/; every row "
                f"must name a file inside the data folder, relative to it (e.g. music/excerpt.wav). {_RESTORE}"
            )
        if relative in seen:
            raise DatasetLayoutError(
                f"'{manifest}' lists {relative} twice (lines {seen[relative]} and {number}); each file "
                f"has one row. {_RESTORE}"
            )
        seen[relative] = number
    return rows


def _inside_data(path: str) -> str | None:
    """The row's path as a clean relative POSIX path inside data/, or None when it leaves the folder."""
    from pathlib import PurePosixPath, PureWindowsPath

    windows = PureWindowsPath(path)
    posix = PurePosixPath(path.replace("\\", "/"))
    if windows.drive or windows.root or posix.is_absolute() or ".." in posix.parts or "\0" in path:
        return None
    return posix.as_posix()


def _bundled_folder() -> Path:
    return Path(__file__).resolve().parent.parent / "data"


def record_manifest() -> Path:
    """Record the SHA-256 of the bundled ``data/manifest.csv`` as the one this course version ships.

    :func:`verify_data` compares the manifest with it, so a manifest cut down
    (with the files it no longer lists deleted) does not pass. ``make data``
    and ``make weights`` call it; call it yourself after changing data/ on purpose.

    Used in: scripts/make_data.py, scripts/make_weights.py.
    """
    digest = hashlib.sha256((_bundled_folder() / "manifest.csv").read_bytes()).hexdigest()
    _MANIFEST_RECORD.write_text(digest + "\n", encoding="utf-8")
    return _MANIFEST_RECORD


def verify_data() -> list[str]:
    """Check the bundled data against ``data/manifest.csv``.

    Every listed file must exist and match its SHA-256, and every audio file
    and trained weight in ``data/`` must be listed; rows stay inside ``data/``,
    each file once, and the bundled manifest is the one this course version
    ships (:func:`record_manifest`). Returns a list of problems (empty when all is
    well), each with its fix. Raises :class:`~course_utils.errors.DatasetLayoutError`
    when the manifest cannot be read or lists no files.

    Used in: no notebook.
    """
    folder = data_dir()
    rows = load_manifest()
    if not rows:
        raise DatasetLayoutError(f"'{folder / 'manifest.csv'}' lists no files. {_RESTORE}")
    problems = []
    listed = set()
    for row in rows:
        path = folder / row["path"]
        listed.add(Path(row["path"]).as_posix())
        if not path.is_file():
            problems.append(f"missing {row['path']}: run `git checkout -- data` or `make data`")
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != row["sha256"]:
            problems.append(
                f"{row['path']} differs from the manifest (changed or corrupted): "
                "run `git checkout -- data` to restore it"
            )
    if folder.resolve() == _bundled_folder().resolve() and _MANIFEST_RECORD.is_file():
        recorded = _MANIFEST_RECORD.read_text(encoding="utf-8").strip()
        if hashlib.sha256((folder / "manifest.csv").read_bytes()).hexdigest() != recorded:
            problems.append(
                "manifest.csv differs from the one this version of the course ships (rows removed or "
                "changed): run `git checkout -- data` to restore it (after changing data/ on purpose, "
                "`make data` records the new manifest)"
            )
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        shipped = path.suffix.lower() in _AUDIO_SUFFIXES or relative.startswith("weights/")
        if shipped and path.is_file() and relative not in listed:
            problems.append(
                f"{relative} is not listed in manifest.csv: move it out of data/ "
                "(keep your own audio elsewhere), or run `make data` to regenerate data/"
            )
    return problems


@dataclass
class SpokenDigits:
    """Spoken digit recordings with their labels.

    ``audio[i]`` is a float32 array at ``sample_rate``; ``labels[i]`` its digit,
    ``speakers[i]`` who said it and ``takes[i]`` which take. ``paths[i]`` is the file.

    Used in: no notebook.
    """

    audio: list
    labels: np.ndarray
    speakers: np.ndarray
    takes: np.ndarray
    sample_rate: int
    paths: list = field(repr=False)
    root: Path = None

    def __len__(self) -> int:
        return len(self.audio)

    def __repr__(self) -> str:
        names = ", ".join(sorted(set(self.speakers.tolist())))
        return (
            f"SpokenDigits({len(self)} clips, {self.sample_rate} Hz, "
            f"speakers: {names}, from '{self.root}')"
        )


REAL_DIGITS_FOLDER = ("real", "digits")
SYNTHETIC_DIGITS_FOLDER = ("digits",)


# --- trained weights: data/weights/NAME.npz and NAME.json (the record, with the .npz's SHA-256) ---


def save_weights(
    path, arrays: dict, record: dict, *, overwrite: bool = False, compressed: bool = True
) -> Path:
    """Write ``arrays`` to ``path`` (.npz) and ``record`` to the ``.json`` beside it, with the SHA-256.

    The ``.json`` holds ``{"file": NAME.npz, "sha256": ..., **record}``: the SHA-256 of exactly
    the bytes written. An existing ``.npz`` or ``.json`` is replaced only with
    ``overwrite=True``. ``compressed=False`` writes ``np.savez``'s plain archive.
    :func:`load_weights` reads both back after checking the SHA-256.

    Used in: course_utils internals (lapped, sparse and denoising save their trained models).
    """
    import io
    import json

    from .errors import OutputExistsError, SettingError

    path = Path(path)
    if path.is_dir() or path.suffix != ".npz":
        raise SettingError(
            f"'{path}' is {'a folder' if path.is_dir() else 'not an .npz file name'}; pass the weights "
            "file's path ending in .npz, e.g. data/weights/ksparse_music.npz (the .json is written beside it)."
        )
    record_path = path.with_suffix(".json")
    for target in (path, record_path):
        if target.exists() and not overwrite:
            raise OutputExistsError(
                f"{target} exists (the weights and their .json record are written together); pass "
                "overwrite=True to replace both, or choose another file name."
            )
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    written = buffer.getvalue()
    record = {"file": path.name, "sha256": hashlib.sha256(written).hexdigest(), **record}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(written)
    record_path.write_text(json.dumps(record, indent=1, default=float) + "\n", encoding="utf-8")
    return path


def load_weights(path) -> tuple[dict, dict]:
    """``(arrays, record)`` saved by :func:`save_weights` at ``path``, after checking the SHA-256.

    Raises :class:`~course_utils.errors.AudioFileNotFoundError` when the ``.npz`` or its ``.json``
    is missing and :class:`~course_utils.errors.DatasetLayoutError` when the ``.npz`` does not
    match the SHA-256 in the ``.json``; both say to run ``make weights``.

    Used in: course_utils internals (lapped, sparse and denoising load the shipped models).
    """
    import json

    path = Path(path)
    record_path = path.with_suffix(".json")
    if not path.is_file() or not record_path.is_file():
        raise AudioFileNotFoundError(
            f"No trained weights at {path} (with {record_path.name} beside it). Run `make weights` "
            "to train them."
        )
    record = json.loads(record_path.read_text(encoding="utf-8"))
    if hashlib.sha256(path.read_bytes()).hexdigest() != record["sha256"]:
        raise DatasetLayoutError(
            f"{path} does not match the SHA-256 in {record_path.name}: it was changed or corrupted. "
            "Run `git checkout -- data/weights` or `make weights`."
        )
    with np.load(path) as stored:
        arrays = {name: stored[name] for name in stored.files}
    return arrays, record


def _digits_folder(root) -> Path:
    if root is not None:
        source = f"root={root!r}"
        fix = "Pass root= the folder that holds the '{digit}_{speaker}_{take}.wav' files (for FSDD, its recordings/ folder)"
        if isinstance(root, (str, bytes)) and not os.fsdecode(root).strip():
            raise DatasetLayoutError(
                f"root is empty ({root!r}). {fix}, or root=None for the bundled digits."
            )
    elif os.environ.get("COURSE_DIGITS_DIR"):
        root = os.environ["COURSE_DIGITS_DIR"]
        source = f"the environment variable COURSE_DIGITS_DIR={root!r}"
        fix = (
            "Set COURSE_DIGITS_DIR to the folder that holds the '{digit}_{speaker}_{take}.wav' files "
            "(for FSDD, its recordings/ folder), or unset it to use the bundled digits"
        )
    else:
        root = data_dir().joinpath(*REAL_DIGITS_FOLDER)
        source = "the bundled data"
        fix = "Restore the bundled data with `git checkout -- data`, or run `make data`"
    root = Path(os.fsdecode(root)).expanduser()
    if root.is_file():
        raise DatasetLayoutError(
            f"The digits folder '{root}' (from {source}) is a file, not a folder. {fix}; "
            f"perhaps its folder, '{root.parent}'."
        )
    if not root.is_dir():
        raise AudioFileNotFoundError(
            f"The digits folder '{root}' (from {source}) does not exist. {fix}."
        )
    return root


def load_spoken_digits(root=None, sr: int = DIGITS_RATE, speakers=None) -> SpokenDigits:
    """Load a folder of spoken digits in the Free Spoken Digit Dataset layout.

    Files are named ``{digit}_{speaker}_{take}.wav``: ``digit`` is 0 to 9,
    ``speaker`` is letters of any alphabet (``张伟``, ``josé``), digits or
    hyphens, without underscores, and ``take`` a whole number; the extension
    may be ``.wav`` or ``.WAV``. By default ``$COURSE_DIGITS_DIR`` is loaded
    when it is set, otherwise the bundled real digits (:func:`load_real_digits`);
    ``root`` points to another folder, such as the whole FSDD from
    :func:`fetch_fsdd` or the synthetic voices (:func:`load_synthetic_digits`).
    ``speakers`` is one name (``"george"``) or a list of names. Every clip is
    resampled to ``sr`` (FSDD's own rate is 8 kHz). Files that are not
    ``.wav`` are ignored; a ``.wav`` file with another name is an error.

    Used in: 10_recognition, benchmarks/recognition.py, scripts/recognition_on_folder.py.
    """
    import unicodedata

    def nfc(name) -> str:  # macOS stores file names decomposed (e + accent); compare them composed
        return unicodedata.normalize("NFC", str(name))

    folder = _digits_folder(root)
    if speakers is None:
        wanted = None
    elif isinstance(speakers, (str, bytes)):
        wanted = {nfc(os.fsdecode(speakers))}  # one name is one speaker, not a set of letters
    else:
        wanted = {nfc(name) for name in speakers}
    parsed = []
    found = set()
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".wav":
            continue
        match = DIGIT_FILE_PATTERN.match(nfc(path.name))
        if match is None:
            raise DatasetLayoutError(
                f"'{path.name}' in '{folder}' does not follow the naming rule {DIGIT_NAMING_RULE}. "
                "Rename it or move it out of the folder."
            )
        found.add(match["speaker"])
        if wanted is not None and match["speaker"] not in wanted:
            continue
        parsed.append((int(match["digit"]), match["speaker"], int(match["take"]), path))
    if not parsed:
        if wanted and found:
            raise DatasetLayoutError(
                f"No recordings of the speaker(s) {', '.join(sorted(wanted))} in '{folder}'. "
                f"Its speakers are: {', '.join(sorted(found))}."
            )
        raise DatasetLayoutError(
            f"No '{{digit}}_{{speaker}}_{{take}}.wav' files in '{folder}'. "
            "Point root at the folder that directly contains them."
        )
    audio = [load_audio(path, sr=sr)[0] for *_, path in parsed]
    return SpokenDigits(
        audio=audio,
        labels=np.array([p[0] for p in parsed]),
        speakers=np.array([p[1] for p in parsed]),
        takes=np.array([p[2] for p in parsed]),
        sample_rate=sr,
        paths=[p[3] for p in parsed],
        root=folder,
    )


def load_real_digits(speakers=None, sr: int = DIGITS_RATE) -> SpokenDigits:
    """The bundled real spoken digits: FSDD speakers george, jackson, lucas and nicolas.

    800 recordings (every digit, takes 0-19 of each speaker), CC BY-SA 4.0
    (see ``data/LICENSE.md``). Unlike :func:`load_spoken_digits` this ignores
    ``$COURSE_DIGITS_DIR``: it is always the bundled set.

    Used in: 11_synthesis.
    """
    return load_spoken_digits(
        root=data_dir().joinpath(*REAL_DIGITS_FOLDER), sr=sr, speakers=speakers
    )


def load_synthetic_digits(speakers=None, sr: int = DIGITS_RATE) -> SpokenDigits:
    """The bundled synthetic spoken digits: 11 espeak-ng voices x 8 takes (880 clips, CC0).

    Useful where control matters, and as a second, labelled test set: a
    model that does well on them may still fail on human voices.

    Used in: 10_recognition, benchmarks/recognition.py, scripts/recognition_on_folder.py.
    """
    return load_spoken_digits(
        root=data_dir().joinpath(*SYNTHETIC_DIGITS_FOLDER), sr=sr, speakers=speakers
    )


_CLIP_KINDS = ("real_music", "real_speech", "real_nature")


def _real_clip_rows() -> dict:
    return {row["label"]: row for row in load_manifest() if row["kind"] in _CLIP_KINDS}


def real_clip_names(kind: str | None = None) -> list[str]:
    """Names of the bundled real clips, optionally of one kind: ``"music"``, ``"speech"`` or ``"nature"``.

    Used in: 00_welcome, 01_loading_audio.
    """
    rows = _real_clip_rows()
    if kind is not None and f"real_{kind}" not in {row["kind"] for row in rows.values()}:
        raise DatasetLayoutError(f"kind must be 'music', 'speech' or 'nature'; got {kind!r}.")
    return sorted(
        name for name, row in rows.items() if kind is None or row["kind"] == f"real_{kind}"
    )


def load_real_clip(
    name: str, sr: int | None = None, duration: float | None = None
) -> tuple[np.ndarray, int]:
    """A bundled real recording by name, e.g. ``load_real_clip("trumpet")``, as ``(samples, sample_rate)``.

    Music and nature clips are stored at 22050 Hz, speech at 16 kHz; ``sr``
    resamples, ``duration`` keeps only the first seconds. Who made each
    clip and under which licence: ``data/README.md`` and ``data/LICENSE.md``.

    Used in: 00_welcome, 01_loading_audio, 02_standardizing, 03_building_the_autoencoder,
    04_training, 05_evaluating, 05_going_further_transform_coding, 06_troubleshooting,
    07_compression, 07_going_further_codecs, 11_synthesis, 12_efficiency_and_scale,
    benchmarks/codes.py, scripts/make_weights.py, scripts/measure_lapped.py.
    """
    rows = _real_clip_rows()
    if name not in rows:
        raise AudioFileNotFoundError(
            f"There is no bundled real clip called {name!r}. The real clips are: "
            f"{', '.join(sorted(rows))}."
        )
    return load_audio(data_dir() / rows[name]["path"], sr=sr, duration=duration)


#: The reader that lessons 05 and 07 (and the capstone's guide) hold out for speech:
#: LibriSpeech speaker 78, a man, 14.4 s. No course model trains on him (08's denoiser holds
#: him out too), and he is not the capstone's scored reader, which no lesson loads.
HELD_OUT_READER = "78"


def load_reader(
    speaker: str, sr: int | None = None, duration: float | None = None
) -> tuple[np.ndarray, int]:
    """One bundled LibriSpeech reader's utterance (``data/real/speech/``), as ``(samples, sample_rate)``.

    ``speaker`` is the LibriSpeech id, e.g. ``load_reader(HELD_OUT_READER, sr=8000)``;
    stored at 16 kHz, ``sr`` resamples, ``duration`` keeps only the first seconds.

    Used in: 05_evaluating, 05_going_further_transform_coding, 07_compression,
    07_going_further_codecs, 13_capstone, benchmarks/codes.py, scripts/make_weights.py,
    scripts/measure_lapped.py.
    """
    rows = {row["speaker"]: row for row in load_manifest() if row["kind"] == "real_reader"}
    if str(speaker) not in rows:
        raise AudioFileNotFoundError(
            f"There is no bundled reader {speaker!r}; the readers are {', '.join(sorted(rows))}."
        )
    return load_audio(data_dir() / rows[str(speaker)]["path"], sr=sr, duration=duration)


def split_in_time(samples, train_fraction: float = 0.75) -> tuple[np.ndarray, np.ndarray]:
    """``(train, held_out)``: the first ``train_fraction`` of a signal, and the rest.

    The course holds music out *in time*: neighbouring frames are nearly
    copies of each other, so frames drawn at random for the test set would
    have near-twins in the training set and flatter the model.

    Used in: 00_welcome, 02_standardizing, 03_building_the_autoencoder, 04_training, 05_evaluating,
    05_going_further_transform_coding, 06_troubleshooting, 07_compression, 07_going_further_codecs,
    12_efficiency_and_scale, 13_capstone, benchmarks/codes.py, scripts/make_weights.py,
    scripts/measure_lapped.py.
    """
    from .checks import is_number

    samples = np.asarray(samples)
    if samples.ndim == 0 or samples.dtype.kind not in "biuf":
        raise DatasetLayoutError(
            f"samples must be a signal (an array of numbers); got {type(samples).__name__ if samples.ndim else samples!r}."
        )
    if not is_number(train_fraction) or not 0.0 < float(train_fraction) < 1.0:
        raise DatasetLayoutError(f"train_fraction must be between 0 and 1; got {train_fraction!r}.")
    cut = int(round(train_fraction * samples.shape[-1]))
    if cut == 0 or cut == samples.shape[-1]:
        raise DatasetLayoutError(
            f"A signal of {samples.shape[-1]} samples is too short to split at {train_fraction}."
        )
    return samples[..., :cut], samples[..., cut:]


def standard_split(digits: SpokenDigits, test_takes=range(5)) -> tuple[np.ndarray, np.ndarray]:
    """FSDD's standard split: takes 0-4 of every speaker and digit are the test set.

    Returns ``(train_indices, test_indices)``. Every speaker is in both parts,
    so this measures how well a model knows *these* voices.

    Used in: 10_recognition.
    """
    is_test = np.isin(digits.takes, list(test_takes))
    if is_test.all() or not is_test.any():
        raise DatasetLayoutError(
            f"The standard split needs takes inside and outside {list(test_takes)}; "
            f"this set has takes {sorted(set(digits.takes.tolist()))}."
        )
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


def leave_one_speaker_out(digits: SpokenDigits):
    """Splits that each hold out every clip of one speaker.

    Yields ``(speaker, train_indices, test_indices)``, built on scikit-learn's
    ``LeaveOneGroupOut`` with the speakers as groups. This measures how well a
    model does on a voice it has never heard, which is what matters for real use.

    Used in: no notebook.
    """
    from sklearn.model_selection import LeaveOneGroupOut

    if len(set(digits.speakers.tolist())) < 2:
        raise DatasetLayoutError("Leave-one-speaker-out needs at least two speakers.")
    splitter = LeaveOneGroupOut()
    for train, test in splitter.split(digits.labels, groups=digits.speakers):
        yield str(digits.speakers[test[0]]), train, test


def load_instrument_notes(instruments=None) -> tuple[list, list[dict], int]:
    """The bundled synthesized instrument notes.

    Returns ``(clips, rows, sample_rate)``: the float32 clips, their manifest
    rows (instrument, note, dynamic) and the sample rate (22050 Hz).

    Used in: 01_loading_audio, 11_synthesis.
    """
    rows = [r for r in load_manifest() if r["kind"] == "instrument"]
    if instruments is not None:
        rows = [r for r in rows if r["label"] in set(instruments)]
    if not rows:
        raise DatasetLayoutError(f"No bundled notes for instruments {instruments}.")
    folder = data_dir()
    clips, rates = zip(*(load_audio(folder / r["path"]) for r in rows))
    return list(clips), rows, int(rates[0])


def load_music() -> tuple[np.ndarray, int]:
    """The bundled *synthetic* music excerpt (about 25 s at 22050 Hz) as ``(samples, sample_rate)``.

    For real music use :func:`load_real_clip` (``"jazz"``, ``"orchestra"``, ``"trumpet"``).

    Used in: benchmarks/codes.py, benchmarks/trainers.py.
    """
    return load_audio(data_path("music", "excerpt.wav"))


def fetch_fsdd(*args, **kwargs) -> Path:
    """Download the real Free Spoken Digit Dataset; see :func:`course_utils.fetch.fetch_fsdd`.

    Used in: scripts/recognition_on_folder.py.
    """
    from .fetch import fetch_fsdd as _fetch_fsdd

    return _fetch_fsdd(*args, **kwargs)
