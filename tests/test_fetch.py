"""course_utils.fetch against a real HTTP server on 127.0.0.1 serving a small fake dataset."""

from __future__ import annotations

import functools
import hashlib
import http.server
import importlib.resources
import re
import socket
import threading
from pathlib import Path

import numpy as np
import pooch
import pytest

from course_utils import fetch
from course_utils.errors import CourseWarning
from course_utils.fetch import DownloadError, fetch_fsdd

FAKE_SPEAKERS = ["george", "jackson"]
FAKE_NAMES = [
    f"recordings/{digit}_{speaker}_{take}.wav"
    for speaker in FAKE_SPEAKERS
    for digit in range(2)
    for take in range(2)
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


class LocalServer:
    """A ThreadingHTTPServer on 127.0.0.1 serving ``root``, started in a thread."""

    def __init__(self, root: Path):
        self.root = root
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()
        self.running = True

    def stop(self):
        if self.running:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(timeout=5)
            self.running = False


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Keep every download in tmp_path and every failure immediate (no retry wait)."""
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COURSE_FSDD_URL", raising=False)
    monkeypatch.setattr(fetch, "_RETRIES", 0)


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "server"
    root.mkdir()
    srv = LocalServer(root)
    yield srv
    srv.stop()


@pytest.fixture
def fake_fsdd(server, monkeypatch):
    """Tiny WAV files in the FSDD layout on the server, and their registry injected into fetch."""
    import soundfile

    rng = np.random.default_rng(0)
    (server.root / "recordings").mkdir()
    registry = {}
    for name in FAKE_NAMES:
        path = server.root / name
        soundfile.write(path, rng.uniform(-0.5, 0.5, 400).astype(np.float32), 8000)
        registry[name] = f"sha256:{sha256(path)}"
    real = fetch._fsdd_pooch
    monkeypatch.setattr(fetch, "_fsdd_pooch", functools.partial(real, registry=registry))
    return registry


def cached_recordings(tmp_path) -> Path:
    return tmp_path / "cache" / "fsdd" / "recordings"


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.network
def test_fetch_fsdd_downloads_every_file(server, fake_fsdd, tmp_path):
    folder = fetch_fsdd(base_url=server.url, progress=False)

    assert folder == cached_recordings(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(n).name for n in FAKE_NAMES)
    for name in FAKE_NAMES:
        assert (folder / Path(name).name).read_bytes() == (server.root / name).read_bytes()


@pytest.mark.network
def test_fetch_fsdd_into_dest_and_from_environment_url(server, fake_fsdd, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_FSDD_URL", server.url)
    folder = fetch_fsdd(tmp_path / "elsewhere", progress=False)

    assert folder == tmp_path / "elsewhere" / "recordings"
    assert len(list(folder.glob("*.wav"))) == len(FAKE_NAMES)
    assert not (tmp_path / "cache").exists()


@pytest.mark.network
def test_second_call_uses_the_cache_without_network(server, fake_fsdd, tmp_path):
    first = fetch_fsdd(base_url=server.url, progress=False)
    server.stop()

    second = fetch_fsdd(base_url=server.url, progress=False)

    assert second == first
    for name in FAKE_NAMES:
        assert sha256(second / Path(name).name) == fake_fsdd[name].removeprefix("sha256:")


@pytest.mark.network
def test_a_tampered_cached_file_is_downloaded_again(server, fake_fsdd, tmp_path):
    folder = fetch_fsdd(base_url=server.url, progress=False)
    (folder / "1_jackson_1.wav").write_bytes(b"not the original")

    with pytest.warns(CourseWarning, match="set_aside"):
        fetch_fsdd(base_url=server.url, progress=False)

    served = (server.root / "recordings" / "1_jackson_1.wav").read_bytes()
    assert (folder / "1_jackson_1.wav").read_bytes() == served


@pytest.mark.network
def test_a_corrupted_download_is_rejected_and_not_cached(server, fake_fsdd, tmp_path):
    bad = server.root / "recordings" / "1_george_0.wav"
    data = bytearray(bad.read_bytes())
    data[-1] ^= 0xFF
    bad.write_bytes(bytes(data))

    with pytest.raises(DownloadError, match="1_george_0.wav") as caught:
        fetch_fsdd(base_url=server.url, progress=False)

    message = str(caught.value)
    assert "corrupted" in message and "deleted" in message and "retry" in message
    folder = cached_recordings(tmp_path)
    assert not (folder / "1_george_0.wav").exists()
    # No temporary files left behind either: only good files with registry names.
    registry_names = {Path(n).name for n in FAKE_NAMES}
    for path in folder.iterdir():
        assert path.name in registry_names
        assert sha256(path) == fake_fsdd[f"recordings/{path.name}"].removeprefix("sha256:")


@pytest.mark.network
def test_a_bad_cached_copy_is_deleted_when_the_server_copy_is_bad_too(server, fake_fsdd, tmp_path):
    folder = fetch_fsdd(base_url=server.url, progress=False)
    (folder / "0_jackson_1.wav").write_bytes(b"stale")
    (server.root / "recordings" / "0_jackson_1.wav").write_bytes(b"changed upstream")

    with (
        pytest.warns(CourseWarning, match="set_aside"),
        pytest.raises(DownloadError, match="0_jackson_1.wav"),
    ):
        fetch_fsdd(base_url=server.url, progress=False)

    assert not (folder / "0_jackson_1.wav").exists()


@pytest.mark.network
def test_an_unreachable_host_says_so_and_points_to_the_bundled_data(fake_fsdd):
    url = f"http://127.0.0.1:{unused_port()}/"

    with pytest.raises(DownloadError) as caught:
        fetch_fsdd(base_url=url, progress=False)

    message = str(caught.value)
    assert "offline" in message or "unreachable" in message
    assert url in message
    assert "bundled data in data/" in message and "load_spoken_digits()" in message


@pytest.mark.network
def test_a_missing_file_on_the_server_names_the_http_status(server, fake_fsdd):
    (server.root / "recordings" / "0_george_1.wav").unlink()

    with pytest.raises(DownloadError, match="0_george_1.wav") as caught:
        fetch_fsdd(base_url=server.url, progress=False)

    assert "HTTP 404" in str(caught.value)
    assert "load_spoken_digits()" in str(caught.value)


@pytest.mark.network
def test_the_speakers_filter(server, fake_fsdd, tmp_path):
    folder = fetch_fsdd(base_url=server.url, speakers=["jackson"], progress=False)

    names = sorted(p.name for p in folder.iterdir())
    assert names == ["0_jackson_0.wav", "0_jackson_1.wav", "1_jackson_0.wav", "1_jackson_1.wav"]

    fetch_fsdd(base_url=server.url, speakers="george", progress=False)
    assert len(list(folder.iterdir())) == len(FAKE_NAMES)


def test_an_unknown_speaker_lists_the_speakers(fake_fsdd):
    with pytest.raises(ValueError, match="george") as caught:
        fetch_fsdd(base_url="http://127.0.0.1:9/", speakers=["george", "alice"], progress=False)
    assert "alice" in str(caught.value)


@pytest.mark.network
def test_progress_without_tqdm_prints_a_line(server, fake_fsdd, monkeypatch, capsys):
    monkeypatch.setattr(fetch, "_has_tqdm", lambda: False)

    fetch_fsdd(base_url=server.url)
    assert (
        f"Downloading {len(FAKE_NAMES)} of {len(FAKE_NAMES)} FSDD files" in capsys.readouterr().out
    )

    fetch_fsdd(base_url=server.url)  # everything cached: nothing to say
    assert capsys.readouterr().out == ""


def test_cache_dir(tmp_path, monkeypatch):
    assert fetch.cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("COURSE_CACHE_DIR")
    assert fetch.cache_dir() == Path(pooch.os_cache("sound-autoencoders"))


def test_the_shipped_fsdd_registry(tmp_path):
    pup = fetch._fsdd_pooch(fetch.FSDD_URL, tmp_path)

    assert len(pup.registry) == 3000
    pattern = re.compile(r"recordings/([0-9])_([a-z]+)_([0-9]+)\.wav")
    triples = set()
    for name, known_hash in pup.registry.items():
        match = pattern.fullmatch(name)
        assert match, name
        triples.add((int(match[1]), match[2], int(match[3])))
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", known_hash), (name, known_hash)
    speakers = {speaker for _, speaker, _ in triples}
    assert len(speakers) == 6
    assert triples == {(d, s, t) for d in range(10) for s in speakers for t in range(50)}
    assert len(set(pup.registry.values())) == 3000  # no copy-paste duplicates

    header = (importlib.resources.files("course_utils") / "registry" / "fsdd.txt").read_text()
    assert f"commit {fetch.FSDD_COMMIT}" in header.splitlines()[1]
    assert fetch.FSDD_COMMIT in pup.base_url


def set_aside_files(dest: Path) -> list[Path]:
    return sorted(p for p in (dest / "set_aside").rglob("*") if p.is_file())


@pytest.mark.network
def test_a_file_of_the_learner_in_dest_is_never_deleted(server, fake_fsdd, tmp_path):
    dest = tmp_path / "my_audio"
    (dest / "recordings").mkdir(parents=True)
    mine = dest / "recordings" / "0_george_0.wav"
    mine.write_bytes(b"my own recording of zero")
    # The server's copy is bad too: the learner's file must survive the failed download.
    (server.root / "recordings" / "0_george_0.wav").write_bytes(b"changed upstream")

    with (
        pytest.warns(CourseWarning),
        pytest.raises(DownloadError, match="0_george_0.wav") as caught,
    ):
        fetch_fsdd(dest, base_url=server.url, progress=False)

    message = str(caught.value)
    assert "moved" in message and "not deleted" in message and "set_aside" in message
    assert "nothing wrong is left" not in message
    kept = set_aside_files(dest)
    assert [p.read_bytes() for p in kept] == [b"my own recording of zero"]
    assert not mine.exists()  # out of the loader's way


@pytest.mark.network
def test_a_file_of_the_learner_is_moved_aside_and_replaced_by_the_real_one(
    server, fake_fsdd, tmp_path
):
    dest = tmp_path / "my_audio"
    (dest / "recordings").mkdir(parents=True)
    (dest / "recordings" / "1_jackson_0.wav").write_bytes(b"mine")

    with pytest.warns(CourseWarning, match="1_jackson_0.wav.*set_aside"):
        folder = fetch_fsdd(dest, base_url=server.url, progress=False)

    assert sha256(folder / "1_jackson_0.wav") == fake_fsdd[
        "recordings/1_jackson_0.wav"
    ].removeprefix("sha256:")
    assert [p.read_bytes() for p in set_aside_files(dest)] == [b"mine"]
    # A second time: a second different file is kept too, under another name.
    (folder / "1_jackson_0.wav").write_bytes(b"mine again")
    with pytest.warns(CourseWarning):
        fetch_fsdd(dest, base_url=server.url, progress=False)
    assert sorted(p.read_bytes() for p in set_aside_files(dest)) == [b"mine", b"mine again"]


@pytest.mark.network
def test_a_corrupt_cached_file_offline_is_reported_as_corrupt_and_never_loaded(
    server, fake_fsdd, tmp_path
):
    from course_utils.data import load_spoken_digits

    folder = fetch_fsdd(base_url=server.url, progress=False)
    (folder / "1_george_1.wav").write_bytes((folder / "1_george_1.wav").read_bytes()[:-100])
    server.stop()

    with (
        pytest.warns(CourseWarning),
        pytest.raises(DownloadError, match="1_george_1.wav") as caught,
    ):
        fetch_fsdd(base_url=server.url, progress=False)

    message = str(caught.value)
    assert "does not match its known SHA-256" in message and "moved" in message
    assert "offline" in message  # the download of a fresh copy failed too, and says why
    assert not (folder / "1_george_1.wav").exists()
    digits = load_spoken_digits(root=folder)
    assert "1_george_1.wav" not in {p.name for p in digits.paths}
    assert len(digits) == len(FAKE_NAMES) - 1


@pytest.mark.network
def test_every_requested_cached_file_is_checked_before_any_download(server, fake_fsdd, tmp_path):
    folder = fetch_fsdd(base_url=server.url, progress=False)
    for name in ("0_george_1.wav", "1_jackson_1.wav"):
        (folder / name).write_bytes(b"corrupt")
    (server.root / "recordings" / "0_george_1.wav").write_bytes(b"bad server")

    with (
        pytest.warns(CourseWarning),
        pytest.raises(DownloadError, match="0_george_1.wav") as caught,
    ):
        fetch_fsdd(base_url=server.url, progress=False)

    # Whatever stopped the run, no corrupt file is left where a loader looks.
    for path in folder.iterdir():
        assert sha256(path) == fake_fsdd[f"recordings/{path.name}"].removeprefix("sha256:")
    assert "was not saved" in str(caught.value)


@pytest.mark.network
def test_fetch_fsdd_into_a_folder_with_a_chinese_name(server, fake_fsdd, tmp_path):
    """Issue #14: a Chinese learner's download folder, e.g. ~/下载/数字."""
    folder = fetch_fsdd(tmp_path / "下载" / "数字", base_url=server.url, progress=False)
    assert folder == tmp_path / "下载" / "数字" / "recordings"
    assert len(list(folder.glob("*.wav"))) == len(FAKE_NAMES)
