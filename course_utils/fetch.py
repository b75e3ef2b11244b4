"""Real recordings on request: the Free Spoken Digit Dataset.

Nothing in the course needs these downloads: every notebook runs on the small
bundled data in ``data/``. When you want real recordings, :func:`fetch_fsdd`
downloads the Free Spoken Digit Dataset (FSDD; 3,000 WAV files, 21 MB,
CC BY-SA 4.0).

Downloads go through `pooch <https://www.fatiando.org/pooch/>`_: every file is
checked against the SHA-256 hash in a registry shipped with this package
(``course_utils/registry/``), kept in a cache (:func:`cache_dir`) and reused
without any network access on the next call. A download whose hash does not
match is never saved (pooch writes it to a temporary file, checks it, and only
then moves it into place). A file *found* in the folder whose hash does not
match (corrupt, truncated, or a file of your own) is never deleted and never
used: it is moved to a ``set_aside/`` folder beside the downloads, with a
warning, and a fresh copy is downloaded.

Environment variables:

``COURSE_CACHE_DIR``
    where downloads are kept (default: the user cache, ``sound-autoencoders``).
``COURSE_FSDD_URL``
    a mirror of the FSDD repository (the URL that ``recordings/...`` follows).

Used in: no notebook.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import logging
import os
import warnings
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path

import pooch

from .errors import CourseError, CourseWarning, SettingError

__all__ = [
    "DownloadError",
    "FSDD_COMMIT",
    "FSDD_URL",
    "cache_dir",
    "fetch_fsdd",
]

#: The FSDD commit the shipped registry was made from; files are fetched from it.
FSDD_COMMIT = "26eb9aaf76e81b692f806f9140c2d2777410d7a1"
#: Where FSDD files are downloaded from unless ``base_url`` or ``$COURSE_FSDD_URL`` says otherwise.
FSDD_URL = f"https://raw.githubusercontent.com/Jakobovski/free-spoken-digit-dataset/{FSDD_COMMIT}/"
_BUNDLED_HINT = (
    "The course runs on the bundled data in data/ without any download; "
    "see course_utils.data.load_spoken_digits()."
)
_TIMEOUT = 30  # seconds, for connecting and between received bytes
_RETRIES = 1  # pooch waits a second before a retry
_WORKERS = 8  # parallel downloads for FSDD's many small files


class DownloadError(CourseError, RuntimeError):
    """A download failed: no network, host unreachable, or a file that fails its hash check.

    Used in: course_utils internals (raised by fetch_fsdd).
    """


def cache_dir() -> Path:
    """The folder downloads are kept in: ``$COURSE_CACHE_DIR`` or the user cache.

    The user cache is ``pooch.os_cache("sound-autoencoders")``, for example
    ``~/.cache/sound-autoencoders`` on Linux. The folder is created on the first download.

    Used in: no notebook.
    """
    override = os.environ.get("COURSE_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    return Path(pooch.os_cache("sound-autoencoders"))


def _load_shipped_registry(pup: pooch.Pooch, filename: str) -> None:
    try:
        resource = importlib.resources.files(__package__) / "registry" / filename
    except (NotADirectoryError, TypeError):
        # A stale editable install can make course_utils a namespace package, which
        # importlib.resources rejects; the files sit beside this module all the same.
        resource = Path(__file__).with_name("registry") / filename
    with resource.open("r", encoding="utf-8") as registry_file:
        pup.load_registry(registry_file)


def _make_pooch(base_url: str, dest, registry, filename: str) -> pooch.Pooch:
    pup = pooch.create(
        path=Path(dest),
        base_url=base_url,
        registry=None if registry is None else dict(registry),
        retry_if_failed=_RETRIES,
        allow_updates=False,  # a found file is never overwritten by pooch: _set_aside_if_bad handles it
    )
    if registry is None:
        _load_shipped_registry(pup, filename)
    return pup


def _fsdd_pooch(base_url: str, dest, registry=None) -> pooch.Pooch:
    """A Pooch for FSDD; ``registry`` ({path: hash}) replaces the shipped one (for tests)."""
    return _make_pooch(base_url, dest, registry, "fsdd.txt")


def _has_tqdm() -> bool:
    return importlib.util.find_spec("tqdm") is not None


def _downloader(progressbar: bool) -> pooch.HTTPDownloader:
    return pooch.HTTPDownloader(progressbar=progressbar and _has_tqdm(), timeout=_TIMEOUT)


@contextmanager
def _quiet_pooch():
    """Silence pooch's one log line per file (FSDD has 3,000 of them)."""
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _matches(path: Path, known_hash: str) -> bool:
    if not path.is_file():
        return False
    algorithm, _, digest = known_hash.rpartition(":")
    return pooch.file_hash(str(path), alg=algorithm or "sha256") == digest.lower()


def _set_aside_if_bad(pup: pooch.Pooch, fname: str) -> Path | None:
    """Move a found file whose hash does not match out of the way; return where it went.

    Nothing found is ever deleted: it may be a learner's own file. It goes to
    ``set_aside/`` beside the downloads (under a new name if that is taken),
    where no loader looks.
    """
    local = Path(pup.abspath) / fname
    if not local.exists() or _matches(local, pup.registry[fname]):
        return None
    target = Path(pup.abspath) / "set_aside" / fname
    target.parent.mkdir(parents=True, exist_ok=True)
    number = 1
    while target.exists():
        number += 1
        target = target.with_name(f"{local.stem}-{number}{local.suffix}")
    os.replace(local, target)
    return target


def _warn_set_aside(moved: dict) -> None:
    if not moved:
        return
    shown = ", ".join(f"'{Path(name).name}' -> '{path}'" for name, path in list(moved.items())[:3])
    more = f" (and {len(moved) - 3} more)" if len(moved) > 3 else ""
    warnings.warn(
        f"{len(moved)} file(s) found in the download folder did not match their known SHA-256 "
        f"hash (corrupt, truncated, or not the published file), so they were moved, not deleted, "
        f"and are not used: {shown}{more}. Fresh copies will be downloaded in their place. Delete the "
        "set_aside folder when you no longer need those files.",
        CourseWarning,
        stacklevel=3,
    )


def _fetch_one(pup: pooch.Pooch, fname: str, downloader, url_variable: str, moved=None) -> Path:
    """Fetch one registry entry, turning network and hash failures into DownloadError.

    A found file that matches its hash is returned as it is; one that does not is
    moved aside first (see :func:`_set_aside_if_bad`). ``moved`` ({name: new path})
    records the files set aside, for the messages.
    """
    import requests

    url = pup.get_url(fname)  # ValueError here means a name missing from the registry
    local = Path(pup.abspath) / fname
    moved = {} if moved is None else moved
    aside = _set_aside_if_bad(pup, fname)
    if aside is not None:
        moved[fname] = aside
        _warn_set_aside({fname: aside})
    elif local.is_file():
        return local
    aside = moved.get(fname)
    found = (
        f"The copy of '{fname}' found in {local.parent} does not match its known SHA-256 hash "
        f"(corrupt, truncated, or not the published file), so it was moved, not deleted, to "
        f"'{aside}', where no loader looks. "
        if aside is not None
        else ""
    )
    try:
        return Path(pup.fetch(fname, downloader=downloader))
    except requests.exceptions.HTTPError as exc:
        response = exc.response
        status = "" if response is None else f" (HTTP {response.status_code} {response.reason})"
        raise DownloadError(
            f"{found}Could not download '{fname}' from {url}: the host is unreachable or does not "
            f"serve this file{status}. Check the address (or ${url_variable}) and try again "
            f"later. {_BUNDLED_HINT}"
        ) from exc
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        raise DownloadError(
            f"{found}Could not download '{fname}' from {url}: this machine seems to be offline, or "
            f"the host is unreachable ({type(exc).__name__}). Check the internet connection "
            f"(or ${url_variable}) and try again. {_BUNDLED_HINT}"
        ) from exc
    except requests.exceptions.RequestException as exc:
        raise DownloadError(
            f"{found}The download of '{fname}' from {url} was interrupted ({type(exc).__name__}: "
            f"{exc}). Run the same call again to retry. {_BUNDLED_HINT}"
        ) from exc
    except ValueError as exc:
        # pooch downloads to a temporary file, checks its hash, and removes it when the
        # hash does not match: nothing was written under the file's own name.
        raise DownloadError(
            f"{found}The downloaded file '{fname}' from {url} does not match its known SHA-256 "
            "hash: it was corrupted on the way or has changed on the server. It was not saved "
            f"(the temporary download was deleted). Run the same call again to retry; if it "
            f"fails again, the file on the server has changed. {_BUNDLED_HINT}"
        ) from exc


def _progress(iterable: Iterable, total: int, enabled: bool, desc: str) -> Iterable:
    if enabled and _has_tqdm():
        from tqdm.auto import tqdm

        return tqdm(iterable, total=total, desc=desc, unit="file")
    return iterable


def _speaker_of(path: str) -> str:
    # recordings/{digit}_{speaker}_{take}.wav; speaker names contain no underscore
    return Path(path).stem.split("_")[1]


def fetch_fsdd(dest=None, *, speakers=None, progress: bool = True, base_url=None) -> Path:
    """Download the Free Spoken Digit Dataset and return its ``recordings`` folder.

    FSDD holds 3,000 WAV files at 8 kHz (6 speakers x 10 digits x 50 takes,
    about 21 MB, CC BY-SA 4.0, by Zohar Jackson and contributors). Files are
    downloaded one by one from a pinned commit of
    https://github.com/Jakobovski/free-spoken-digit-dataset and checked against
    their SHA-256 hashes. Files already in the cache are checked and reused,
    so a second call works offline. A file found in ``dest`` that fails its
    check is moved to ``dest/set_aside/`` (never deleted, never used) with a
    :class:`~course_utils.errors.CourseWarning`, and downloaded again.

    Parameters
    ----------
    dest : folder to download into; default ``cache_dir() / "fsdd"``.
    speakers : speaker names to fetch (for example ``["george", "jackson"]``);
        default all six. The returned folder may also hold files fetched before.
    progress : show progress (a bar if tqdm is installed, else a line of text).
    base_url : where to download from; default ``$COURSE_FSDD_URL`` or GitHub.

    Returns the folder that directly holds the ``{digit}_{speaker}_{take}.wav``
    files, ready for ``course_utils.data.load_spoken_digits(root=...)``.
    Raises :class:`DownloadError` when offline or when a download fails its hash
    check; its message says what happened to any file found that failed its check.

    Used in: no notebook.
    """
    base_url = base_url or os.environ.get("COURSE_FSDD_URL") or FSDD_URL
    dest = Path(dest).expanduser() if dest is not None else cache_dir() / "fsdd"
    pup = _fsdd_pooch(base_url, dest)
    names = sorted(pup.registry)
    if speakers is not None:
        if not isinstance(speakers, str) and not (
            isinstance(speakers, (list, tuple, set, frozenset))
            and all(isinstance(s, str) for s in speakers)
        ):
            raise SettingError(
                f"speakers must be a speaker's name or a list of names, e.g. speakers=['george', 'jackson']; "
                f"got {speakers!r}."
            )
        wanted = {speakers} if isinstance(speakers, str) else set(speakers)
        known = {_speaker_of(name) for name in names}
        unknown = wanted - known
        if unknown:
            raise ValueError(
                f"Unknown FSDD speaker(s) {sorted(unknown)}; the speakers are {sorted(known)}."
            )
        names = [name for name in names if _speaker_of(name) in wanted]

    folder = Path(pup.abspath) / "recordings"
    # Created up front: pooch would otherwise race to create it from several threads.
    folder.mkdir(parents=True, exist_ok=True)
    # Check every file already there before any download, so that whatever stops the
    # run later (no network, a bad server), no file with a wrong hash is left where a
    # loader looks. Bad ones are moved aside, never deleted, and downloaded again.
    moved = {}
    for name in names:
        aside = _set_aside_if_bad(pup, name)
        if aside is not None:
            moved[name] = aside
    _warn_set_aside(moved)
    missing = [name for name in names if not (Path(pup.abspath) / name).is_file()]
    if progress and missing and not _has_tqdm():
        print(f"Downloading {len(missing)} of {len(names)} FSDD files into {folder} ...")

    downloader = _downloader(progressbar=False)  # one bar per file would be 3,000 bars
    if not missing:
        return folder
    with _quiet_pooch():
        # One file first: when offline, this fails once and fast, with a clear message.
        _fetch_one(pup, missing[0], downloader, "COURSE_FSDD_URL", moved)
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            futures = [
                pool.submit(_fetch_one, pup, name, downloader, "COURSE_FSDD_URL", moved)
                for name in missing[1:]
            ]
            try:
                for future in _progress(
                    as_completed(futures),
                    total=len(futures),
                    enabled=progress,
                    desc="FSDD",
                ):
                    future.result()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise  # leaving the pool waits for running downloads to clean up
    if progress and missing and not _has_tqdm():
        print("Done.")
    return folder
