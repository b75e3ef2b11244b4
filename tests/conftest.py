"""Shared fixtures: small signals and files made by the tests themselves, the notebook session,
and JupyterLab servers (used by tests/test_lab.py and tests/browser/test_jupyterlab.py)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass

import numpy as np
import pytest

from course_utils.session import apply_tf_environment

# TensorFlow reads its settings once, at import time: put them in the environment before any
# test imports it (defined once, in course_utils.session.TF_ENVIRONMENT).
apply_tf_environment()


@pytest.fixture(scope="session")
def notebook_session():
    """``setup_notebook(seed=0)`` once per test run, as a notebook's first cell does.

    Tests that build or train models take this fixture instead of calling
    ``setup_notebook`` when their module is imported.
    """
    from course_utils import setup_notebook

    return setup_notebook(seed=0, style=False)


@pytest.fixture
def seeded(notebook_session):
    """Python, NumPy, Keras and TensorFlow reseeded to 0 for one test."""
    import random

    import keras

    random.seed(0)
    np.random.seed(0)
    keras.utils.set_random_seed(0)
    return notebook_session


@pytest.fixture
def chinese():
    """The course in Chinese for one test, English again afterwards (even when the test fails)."""
    from course_utils import i18n

    i18n.set_language("zh")
    yield
    i18n.set_language("en")


@pytest.fixture
def tone():
    """One second of a 440 Hz tone at 8 kHz, float32."""
    sr = 8000
    t = np.arange(sr) / sr
    return (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), sr


@pytest.fixture
def wav_file(tmp_path, tone):
    import soundfile

    samples, sr = tone
    path = tmp_path / "tone.wav"
    soundfile.write(path, samples, sr, subtype="PCM_16")
    return path


# --- JupyterLab servers ---------------------------------------------------------------------------

LAB_TOKEN = "course-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab server: its base URL and token."""

    base: str
    token: str = LAB_TOKEN

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{self.base}{path}{separator}token={self.token}"

    def get_json(self, path: str):
        with urllib.request.urlopen(self.url(path), timeout=5) as response:
            return json.load(response)


@pytest.fixture
def jupyterlab(tmp_path):
    """Start JupyterLab servers for one test; each is stopped (its process group) afterwards.

    ``jupyterlab(command, cwd=...)`` runs ``command`` (a list; ``{port}`` and ``{token}`` in its
    parts are filled in), waits until the server answers on ``/api/status`` (90 s at most, else the
    test fails with the server's log) and returns a :class:`Lab`.
    """
    started = []

    def start(command, *, cwd, env=None, timeout: float = 90.0) -> Lab:
        port = free_port()
        command = [str(part).format(port=port, token=LAB_TOKEN) for part in command]
        log_path = tmp_path / f"jupyterlab-{len(started)}.log"
        log = open(log_path, "wb")  # noqa: SIM115 - closed at teardown
        environment = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
            "PYTHONHASHSEED": "0",
            **apply_tf_environment({}),
            **(env or {}),
        }
        server = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=environment,
        )
        started.append((server, log))
        lab = Lab(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + timeout
        while True:
            try:
                lab.get_json("/api/status")
                return lab
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        f"JupyterLab did not answer on {lab.base}: {log_path.read_text(errors='replace')[-2000:]}"
                    )
                time.sleep(0.5)

    yield start
    for server, log in started:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
