"""The capstone's isolated scorer: compress and decompress in two fresh processes.

:func:`course_utils.capstone.score_codec` does not run the learner's codec in the
learner's own Python. It starts a fresh *judge* process (``python -m
course_utils._scoring judge``) that loads the scored recording and starts two
more fresh processes:

- the **encoder** gets the codec and the samples, and returns only bytes;
- the **decoder** gets the codec and those bytes, and returns samples. The
  scored recording never exists in it, and a Python audit hook refuses to open
  any file under ``data/`` (except ``data/weights/``), the scored recording
  (however it is linked), and any file the encoder wrote; it also refuses to run
  a program on those files or to open network connections.

The judge, where no learner code ever runs, checks the decoded samples and
computes the bit rate, SNR and log-spectral distance; the learner's process
gets only the numbers (JSON). The codec reaches the workers as a pickle (plain
``pickle``, or ``cloudpickle`` when it is installed, for functions defined in a
notebook) or as a module file defining ``compress`` and ``decompress``.

What this guarantees and what it does not is written in ``docs/capstone_rubric.md``:
an audit hook catches honest mistakes and easy cheats, not a determined attacker
who controls the machine.

This module does not import TensorFlow.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import time
import traceback

# -- framing: a JSON header and one raw payload, never a pickle between processes ------------------
_LENGTHS = struct.Struct("<IQ")
#: The largest JSON header a process accepts from another (bytes).
_MAX_HEADER = 1 << 20


def frame(header: dict, payload: bytes = b"") -> bytes:
    encoded = json.dumps(header).encode("utf-8")
    return _LENGTHS.pack(len(encoded), len(payload)) + encoded + bytes(payload)


def unframe(data: bytes) -> tuple[dict, bytes]:
    """``(header, payload)`` of a :func:`frame`; ``ValueError`` when ``data`` is not one."""
    if len(data) < _LENGTHS.size:
        raise ValueError("no answer")
    header_length, payload_length = _LENGTHS.unpack_from(data, 0)
    if header_length > _MAX_HEADER or _LENGTHS.size + header_length + payload_length != len(data):
        raise ValueError("a malformed answer")
    header = json.loads(data[_LENGTHS.size : _LENGTHS.size + header_length].decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("a malformed answer")
    return header, data[_LENGTHS.size + header_length :]


# -- starting a fresh Python -----------------------------------------------------------------------
def child_environment() -> dict:
    """The environment of a worker: this process's import path, no bytecode written, TF quiet."""
    from .session import TF_ENVIRONMENT

    environment = dict(os.environ)
    paths = [os.path.abspath(p or os.getcwd()) for p in sys.path]
    environment["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(p for p in paths if os.path.isdir(p)))
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    for key, value in TF_ENVIRONMENT.items():
        environment.setdefault(key, value)
    return environment


def run_python(
    role: str, message: bytes, time_limit: float, environment: dict
) -> tuple[int, bytes, str, bool]:
    """Run ``python -m course_utils._scoring ROLE`` on ``message``: ``(returncode, stdout, stderr tail, timed out)``.

    The process starts its own session, and everything it left behind is killed when it ends.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "course_utils._scoring", role],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        start_new_session=True,
    )
    timed_out = False
    try:
        stdout, stderr = process.communicate(message, timeout=time_limit)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(process.pid)
        stdout, stderr = process.communicate()
    _kill_group(process.pid)
    tail = stderr.decode("utf-8", "replace")[-3000:]
    return process.returncode, stdout, tail, timed_out


def _kill_group(pid: int) -> None:
    if not hasattr(os, "killpg"):
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _protocol_stdout():
    """Keep the real stdout for the answer; the learner's prints go to stderr."""
    sys.stdout.flush()
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return answer


# -- the workers -----------------------------------------------------------------------------------
def _load_codec(spec: dict, payload: bytes):
    kind = spec.get("kind")
    if kind == "module":
        import importlib.util

        path = spec["path"]
        module_spec = importlib.util.spec_from_file_location("capstone_codec", path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules["capstone_codec"] = module
        module_spec.loader.exec_module(module)
        return module.compress, module.decompress
    if kind == "cloudpickle":
        import cloudpickle  # noqa: F401  (registers what the pickle needs)
    import pickle

    return pickle.loads(payload)


def _describe(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    where = (
        f" (at {os.path.basename(frames[-1].filename)}, line {frames[-1].lineno})" if frames else ""
    )
    return f"{type(error).__name__}: {error}{where}"


class _Guard:
    """The audit hook of a worker: records files written, refuses protected reads in the decoder."""

    SPAWN_EVENTS = (
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "pty.spawn",
    )

    def __init__(self, protected: dict | None):
        self.protected = protected  # None in the encoder
        self.inodes = set()
        self.written = []
        self.refused = []
        self.pid = str(os.getpid())
        if protected is not None:
            self._collect()

    def _collect(self) -> None:
        def add(path):
            try:
                status = os.stat(path)
            except OSError:
                return
            self.inodes.add((status.st_dev, status.st_ino))

        for path in self.protected.get("files", []):
            add(path)
        allowed = [os.path.realpath(p) for p in self.protected.get("allowed", [])]
        for root in self.protected.get("folders", []):
            for folder, subfolders, files in os.walk(root):
                if any(
                    os.path.realpath(folder) == a or os.path.realpath(folder).startswith(a + os.sep)
                    for a in allowed
                ):
                    subfolders[:] = []
                    continue
                for name in files:
                    add(os.path.join(folder, name))

    def refuse(self, what: str) -> None:
        self.refused.append(what)
        raise PermissionError(
            f"the capstone's decoder may not {what}: it must decode from the bytes alone"
        )

    def __call__(self, event: str, args) -> None:
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            if isinstance(path, int) or path is None:
                return
            path = os.fsdecode(path)
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int)
                and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC)
            )
            if self.protected is None:
                if writing:
                    self.written.append(os.path.abspath(path))
                return
            self._check_read(path)
        elif (
            event in ("os.link", "os.rename", "shutil.copyfile", "shutil.move")
            and self.protected is None
        ):
            if len(args) >= 2 and not isinstance(args[1], int):
                self.written.append(os.path.abspath(os.fsdecode(args[1])))
        elif self.protected is not None and event.startswith(self.SPAWN_EVENTS):
            # Libraries start programs (ctypes.util.find_library runs ldconfig): allowed, but not on a protected file.
            for word in _words(args):
                if self._protected_inode(word):
                    self.refuse(f"run a program on {word}")
        elif self.protected is not None and event == "socket.connect":
            self.refuse("open a network connection")

    def _check_read(self, path: str) -> None:
        real = os.path.realpath(path)
        parts = real.split(os.sep)
        if len(parts) > 2 and parts[1] == "proc" and parts[2].isdigit() and parts[2] != self.pid:
            self.refuse(f"read another process's memory or files ({path})")
        if self._protected_inode(real):
            self.refuse(
                f"open {path} (the course's data, the scored recording, or a file compress wrote)"
            )

    def _protected_inode(self, path: str) -> bool:
        try:
            status = os.stat(path)
        except (OSError, ValueError):
            return False
        return (status.st_dev, status.st_ino) in self.inodes


def _words(args) -> list[str]:
    """The strings and paths in an audit event's arguments (a command line), flattened."""
    words = []
    for arg in args:
        if isinstance(arg, (str, bytes, os.PathLike)):
            words.append(os.fsdecode(arg))
        elif isinstance(arg, (list, tuple)):
            words += [os.fsdecode(a) for a in arg if isinstance(a, (str, bytes, os.PathLike))]
    return words


def _guard_soundfile(guard) -> None:
    """libsndfile opens files in C, unseen by the audit hook: route soundfile's opens through it."""
    try:
        import soundfile
    except ImportError:  # pragma: no cover - soundfile is a course dependency
        return
    original = soundfile.SoundFile.__init__

    def guarded(self, file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)):
            sys.audit("open", os.fspath(file), mode, 0)
        return original(self, file, mode, *args, **kwargs)

    soundfile.SoundFile.__init__ = guarded


class _TimeUp(BaseException):
    """The learner's function ran out of time (a BaseException: ``except Exception`` does not catch it)."""


def _time_up(signum, frame):
    raise _TimeUp


def worker(role: str) -> int:
    import numpy as np

    answer = _protocol_stdout()
    request, payload = unframe(sys.stdin.buffer.read())
    codec_length = int(request["codec_length"])
    codec_payload, data = payload[:codec_length], payload[codec_length:]
    guard = _Guard(request["protected"] if role == "decode" else None)
    sys.addaudithook(guard)
    _guard_soundfile(guard)

    def reply(header: dict, body: bytes = b"") -> int:
        header["written"] = list(guard.written)
        header["refused"] = list(guard.refused)
        answer.write(frame(header, body))
        answer.flush()
        return 0

    try:
        compress, decompress = _load_codec(request["codec"], codec_payload)
    except Exception as error:  # noqa: BLE001 - reported to the learner, with its cause
        return reply(
            {"error": f"the codec could not be loaded in a fresh process ({_describe(error)})"}
        )
    started = time.process_time()
    timer = hasattr(
        signal, "setitimer"
    )  # POSIX; elsewhere the judge's outer time limit stops the process
    if timer:
        signal.signal(signal.SIGALRM, _time_up)
        signal.setitimer(signal.ITIMER_REAL, float(request["time_limit"]))
    try:
        if role == "encode":
            samples = np.frombuffer(data, dtype=np.float32).copy()
            output = compress(samples)
        else:
            output = decompress(bytes(data))
    except _TimeUp:
        return reply({"timeout": True})
    except Exception as error:  # noqa: BLE001
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return reply(
            {
                "error": f"{'compress' if role == 'encode' else 'decompress'}() raised {_describe(error)}"
            }
        )
    if timer:
        signal.setitimer(signal.ITIMER_REAL, 0)
    cpu = time.process_time() - started
    if role == "encode":
        if isinstance(output, np.ndarray) and output.dtype == np.uint8:
            output = output.tobytes()
        if not isinstance(output, (bytes, bytearray, memoryview)):
            return reply({"type": type(output).__name__, "cpu": cpu})
        return reply({"type": "bytes", "cpu": cpu}, bytes(output))
    try:
        array = np.asarray(output)
    except Exception as error:  # noqa: BLE001
        return reply({"type": type(output).__name__, "error_kind": _describe(error), "cpu": cpu})
    if array.dtype.kind not in "biufc":
        return reply(
            {
                "type": type(output).__name__,
                "dtype": str(array.dtype),
                "shape": list(array.shape),
                "cpu": cpu,
            }
        )
    array = np.ascontiguousarray(array)
    return reply(
        {
            "type": type(output).__name__,
            "dtype": array.dtype.str,
            "shape": list(array.shape),
            "cpu": cpu,
        },
        array.tobytes(),
    )


# -- the judge -------------------------------------------------------------------------------------
class _Refusal(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def _step(
    role: str,
    request: dict,
    codec_payload: bytes,
    data: bytes,
    time_limit: float,
    environment: dict,
):
    name = "compress" if role == "encode" else "decompress"
    header = dict(request, codec_length=len(codec_payload), time_limit=time_limit)
    # The worker stops the learner's function after time_limit; the extra minute is for starting Python.
    returncode, stdout, tail, timed_out = run_python(
        role, frame(header, codec_payload + data), time_limit + 60, environment
    )
    answer = {}
    if not timed_out:
        try:
            answer, body = unframe(stdout)
        except ValueError:
            answer = None
    if timed_out or (answer or {}).get("timeout"):
        raise _Refusal(
            "SettingError",
            f"{name}() did not finish within the time limit of {time_limit:g} s; "
            "make it faster, or pass a larger time_limit to score_codec.",
        )
    if answer is None:
        last = tail.strip().splitlines()[-1] if tail.strip() else f"exit code {returncode}"
        raise _Refusal(
            "SettingError",
            f"the process running {name}() ended without an answer ({last}). "
            "Does your code call sys.exit or crash the interpreter?",
        )
    if answer.get("refused"):
        raise _Refusal(
            "SettingError",
            f"decompress() tried to {answer['refused'][0]}. A decoder gets only the "
            "bytes: anything it needs besides them (weights, tables) must ship with the codec, "
            "not be read from data/ or from a file compress wrote.",
        )
    if "error" in answer:
        raise _Refusal(
            "SettingError",
            f"{answer['error']}. The encoder and the decoder run in two separate "
            "fresh processes that share only the bytes: keep no state between them.",
        )
    return answer, body


def judge() -> int:
    import numpy as np

    answer = _protocol_stdout()
    try:
        request, codec_payload = unframe(sys.stdin.buffer.read())
        result = _judge(request, codec_payload, np)
    except _Refusal as refusal:
        result = {"error": refusal.kind, "message": str(refusal)}
    except Exception as error:  # noqa: BLE001 - course errors from loading the recording, with their class
        from . import errors

        kind = type(error).__name__ if isinstance(error, errors.CourseError) else "SettingError"
        result = {"error": kind, "message": str(error)}
    answer.write(frame(result))
    answer.flush()
    return 0


def _judge(request: dict, codec_payload: bytes, np) -> dict:
    from . import capstone, data
    from .audio import load_audio
    from .settings import SPEECH_RATE

    started = time.perf_counter()
    if request.get("audio"):
        path = os.path.abspath(request["audio"])
        samples, sr = load_audio(path, sr=SPEECH_RATE)
        clip = os.path.basename(path)
    else:
        path = str(data.data_dir() / capstone._clip_row(capstone.HIDDEN_CLIP)["path"])
        samples, sr = capstone._hidden_speech()
        clip = capstone.HIDDEN_CLIP
    samples = np.asarray(samples, dtype=np.float32)
    capstone._check_scored_samples(samples, sr)
    environment = os.environ.copy()
    time_limit = float(request["time_limit"])
    codec = {"codec": request["codec"]}

    encoded, stream = _step(
        "encode",
        dict(codec, protected=None),
        codec_payload,
        samples.tobytes(),
        time_limit,
        environment,
    )
    if encoded.get("type") != "bytes":
        raise _Refusal("SettingError", capstone._not_bytes_message(encoded.get("type"), clip))
    if not stream:
        raise _Refusal(
            "SettingError",
            f"compress() returned no bytes for the {clip} clip: nothing can be decoded "
            "from nothing.",
        )
    folder = str(data.data_dir())
    protected = {
        "folders": [folder],
        "allowed": [os.path.join(folder, "weights")],
        "files": [path] + [p for p in encoded.get("written", []) if _regular_file(p)],
    }
    decoded, body = _step(
        "decode", dict(codec, protected=protected), codec_payload, stream, time_limit, environment
    )
    array = _rebuild(decoded, body, np)
    output = capstone._checked_output(array, decoded.get("type", "?"), len(samples), clip)
    return capstone._measure(
        samples, output, stream, sr, clip, time.perf_counter() - started, request.get("budget_kbps")
    )


def _regular_file(path) -> bool:
    """A file compress wrote that the decoder may not read: a regular file, not /dev/null or /proc."""
    import stat

    if not isinstance(path, str) or path.startswith(("/dev/", "/proc/", "/sys/")):
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _rebuild(header: dict, body: bytes, np):
    """The decoder's answer as an array rebuilt here from its dtype, shape and bytes, or what it was."""
    described = header.get("type", "?") + (
        f" of dtype {header['dtype']}" if "dtype" in header else ""
    )
    try:
        dtype = np.dtype(header["dtype"])
        shape = tuple(int(n) for n in header["shape"])
    except (KeyError, TypeError, ValueError):
        return described
    if dtype.kind not in "biufc" or dtype.hasobject or any(n < 0 for n in shape):
        return described
    if int(np.prod(shape, dtype=np.int64)) * dtype.itemsize != len(body):
        return described
    return np.frombuffer(body, dtype=dtype).reshape(shape)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    role = argv[0] if argv else ""
    if role == "judge":
        return judge()
    if role in ("encode", "decode"):
        return worker(role)
    print(
        "usage: python -m course_utils._scoring {judge,encode,decode} (started by capstone.score_codec)",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
