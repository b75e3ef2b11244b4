"""The course's kernel spec loads course_utils.ipython_extension: the NameError hint and TensorFlow's
settings are there from a kernel's start and come back after a restart."""

from __future__ import annotations

import json
import sys

import pytest

from course_utils import ipython_extension
from course_utils.session import NAME_ERROR_HINT, TF_ENVIRONMENT

EXT = f"--ext={ipython_extension.EXTENSION}"


def test_kernel_spec_adds_the_extension_once_and_keeps_the_rest():
    installed = {
        "argv": [
            "/venv/bin/python",
            "-Xfrozen_modules=off",
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
        ],
        "display_name": "Python 3 (Sound Autoencoders)",
        "language": "python",
        "metadata": {"debugger": True},
        "kernel_protocol_version": "5.5",
    }
    spec = ipython_extension.kernel_spec(existing=installed)
    assert spec["argv"] == [*installed["argv"], EXT]
    assert spec["kernel_protocol_version"] == "5.5"
    assert spec["env"] == {**TF_ENVIRONMENT, "PYTHONHASHSEED": "0"}
    again = ipython_extension.kernel_spec(existing=spec)
    assert again["argv"].count(EXT) == 1 and again == spec
    old_style = dict(installed, argv=[*installed["argv"], "--ext", ipython_extension.EXTENSION])
    assert ipython_extension.kernel_spec(existing=old_style)["argv"].count(EXT) == 1


def test_command_writes_the_kernel_json(tmp_path):
    from course_utils.__main__ import main

    assert main(["kernel", "--dir", str(tmp_path / "python3"), "--python", sys.executable]) == 0
    spec = json.loads((tmp_path / "python3" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable and spec["argv"][-1] == EXT


def _run(client, code: str) -> str:
    """Run ``code``; return everything the kernel sent back as text (streams, results, tracebacks)."""
    texts = []

    def hook(message):
        content = message["content"]
        if message["msg_type"] == "stream":
            texts.append(content["text"])
        elif message["msg_type"] == "error":
            texts.append("\n".join(content["traceback"]))
        elif message["msg_type"] in ("execute_result", "display_data"):
            texts.append(content["data"].get("text/plain", ""))

    client.execute_interactive(code, output_hook=hook, timeout=60)
    return "\n".join(texts)


@pytest.mark.slow
def test_the_hint_survives_a_restart_in_a_real_kernel(tmp_path):
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    ipython_extension.write_kernel_spec(tmp_path / "course", python=sys.executable)
    manager = KernelManager(
        kernel_name="course", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(tmp_path)])
    )
    manager.start_kernel()
    try:
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        assert NAME_ERROR_HINT in _run(client, "frames_before_restart")
        assert (
            _run(client, "import os; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])").strip()
            == TF_ENVIRONMENT["TF_CPP_MIN_LOG_LEVEL"]
        )
        client.stop_channels()

        manager.restart_kernel(now=True)
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        assert "NameError" in (text := _run(client, "model_trained_before_restart")), text
        assert NAME_ERROR_HINT in text
        # Other errors keep IPython's own traceback, without the hint.
        assert NAME_ERROR_HINT not in _run(client, "1 / 0")
        client.stop_channels()
    finally:
        manager.shutdown_kernel(now=True)


def test_lab_overrides_open_markdown_rendered_and_keep_other_settings(tmp_path):
    (tmp_path / "overrides.json").write_text(
        json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}})
    )
    path = ipython_extension.write_lab_overrides(tmp_path)
    settings = json.loads(path.read_text())
    assert settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"] == {
        "markdown": "Markdown Preview"
    }
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
