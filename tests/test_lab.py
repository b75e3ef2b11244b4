"""`make lab` serves the notebooks: start it exactly as the README says and ask its API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "course-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


@pytest.mark.network
def test_make_lab_answers_on_its_api(tmp_path):
    port = free_port()
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={TOKEN} --ServerApp.runtime_dir={tmp_path}"
    server = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_ARGS={args}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config")},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status = get_json(f"{base}/api/status?token={TOKEN}")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode(errors="replace") if server.poll() is not None else ""
                    pytest.fail(f"JupyterLab did not answer on {base}: {output[-2000:]}")
                time.sleep(0.5)
        assert "started" in status
        listing = get_json(f"{base}/api/contents?token={TOKEN}")
        names = {item["name"] for item in listing["content"]}
        expected = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
        assert expected and expected <= names
        notebook = get_json(f"{base}/api/contents/{sorted(expected)[0]}?token={TOKEN}")
        assert notebook["type"] == "notebook" and notebook["content"]["cells"]
        kernels = get_json(f"{base}/api/kernelspecs?token={TOKEN}")
        assert "python3" in kernels["kernelspecs"]
        page = urllib.request.urlopen(f"{base}/lab?token={TOKEN}", timeout=10).read().decode()
        assert "JupyterLab" in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
