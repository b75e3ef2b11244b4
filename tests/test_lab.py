"""`make lab` serves the notebooks: start it exactly as the README says and ask its API."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.network
def test_make_lab_answers_on_its_api(jupyterlab, tmp_path):
    args = (
        "--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token} "
        f"--ServerApp.runtime_dir={tmp_path / 'runtime'}"
    )
    lab = jupyterlab(
        ["make", "--no-print-directory", "lab", "PORT={port}", f"LAB_ARGS={args}"], cwd=ROOT
    )
    assert "started" in lab.get_json("/api/status")
    # The server's root is the repository (so lessons can link to ../README.md) or notebooks/.
    top = {item["name"] for item in lab.get_json("/api/contents")["content"]}
    folder = "notebooks/" if "notebooks" in top else ""
    names = {item["name"] for item in lab.get_json(f"/api/contents/{folder}")["content"]}
    expected = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert expected and expected <= names
    notebook = lab.get_json(f"/api/contents/{folder}{sorted(expected)[0]}")
    assert notebook["type"] == "notebook" and notebook["content"]["cells"]
    assert "python3" in lab.get_json("/api/kernelspecs")["kernelspecs"]
    page = urllib.request.urlopen(lab.url("/lab"), timeout=10).read().decode()
    assert "JupyterLab" in page
