"""The course's help in every kernel, from its first cell and after every restart.

``setup_notebook()`` installs the NameError hint and TensorFlow's quiet settings, but a kernel
restart forgets them: a learner who restarts and runs a cell in the middle gets a bare
``NameError``. The course's kernel spec (written by ``python -m course_utils kernel``, which
``make lab``'s install step and ``binder/postBuild`` run) starts every kernel with
``--ext course_utils.ipython_extension``, so IPython loads this extension at each start:

- a ``NameError`` ends with the hint to run the cells above (Run > Run All Cells);
- TensorFlow's environment (:data:`course_utils.session.TF_ENVIRONMENT`) is in place before
  anything imports TensorFlow, whatever the kernel was started from.

It imports nothing heavy (no NumPy, no TensorFlow) and prints nothing, so notebooks' outputs do
not change. In a plain IPython: ``%load_ext course_utils.ipython_extension``.

Used in: every kernel started from the course's kernel spec (``--ext course_utils.ipython_extension``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .session import TF_ENVIRONMENT, _install_name_error_hint, apply_tf_environment

__all__ = [
    "load_ipython_extension",
    "kernel_spec",
    "write_kernel_spec",
    "write_lab_overrides",
    "EXTENSION",
    "LAB_OVERRIDES",
]

#: The dotted name the kernel spec passes to ``--ext``.
EXTENSION = "course_utils.ipython_extension"
DISPLAY_NAME = "Python 3 (Sound Autoencoders)"
#: JupyterLab settings for the course: a Markdown file (the glossary) opens rendered, so a lesson's
#: link ``../docs/glossary.md#snr`` lands on the term (the editor ignores ``#snr``; the preview
#: scrolls to the element whose ``data-jupyter-id`` is ``snr``, which docs/glossary.md gives each term).
LAB_OVERRIDES = {
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Markdown Preview"}}
}


def load_ipython_extension(ipython) -> None:
    """Install the NameError hint and TensorFlow's settings in this kernel (IPython calls this).

    Used in: the course's kernel spec (``--ext course_utils.ipython_extension``).
    """
    apply_tf_environment()
    _install_name_error_hint()


def kernel_spec(python: str | None = None, existing: dict | None = None) -> dict:
    """The course's kernel spec: ipykernel with this extension and TensorFlow's environment.

    ``existing`` (what ``ipykernel install`` wrote) keeps its other keys and interpreter flags.

    Used in: course_utils internals (``python -m course_utils kernel``).
    """
    spec = dict(existing or {})
    argv = list(
        spec.get("argv")
        or [python or sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    )
    if python:
        argv[0] = python
    # Leave out an --ext of ours from an earlier run, then add it once.
    cleaned = []
    for arg in argv:
        if cleaned and cleaned[-1] == "--ext" and arg == EXTENSION:
            cleaned.pop()
            continue
        if arg != f"--ext={EXTENSION}":
            cleaned.append(arg)
    spec["argv"] = [*cleaned, f"--ext={EXTENSION}"]
    spec.setdefault("display_name", DISPLAY_NAME)
    spec.setdefault("language", "python")
    spec.setdefault("metadata", {"debugger": True})
    spec["env"] = {**spec.get("env", {}), **TF_ENVIRONMENT, "PYTHONHASHSEED": "0"}
    return spec


def write_kernel_spec(kernel_dir, python: str | None = None) -> Path:
    """Write (or update) ``kernel_dir/kernel.json`` with :func:`kernel_spec`; return its path.

    Used in: course_utils internals (``python -m course_utils kernel``).
    """
    path = Path(kernel_dir) / "kernel.json"
    existing = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(kernel_spec(python, existing), indent=1) + "\n", encoding="utf-8")
    return path


def write_lab_overrides(settings_dir) -> Path:
    """Merge :data:`LAB_OVERRIDES` into ``settings_dir/overrides.json`` (JupyterLab's app settings).

    Used in: course_utils internals (``python -m course_utils kernel --lab-settings``).
    """
    path = Path(settings_dir) / "overrides.json"
    settings = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for plugin, values in LAB_OVERRIDES.items():
        settings.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
    return path


def main(argv=None) -> int:
    """``python -m course_utils kernel --dir KERNEL_DIR``: write the course's kernel spec there.

    Used in: ``python -m course_utils kernel``: the Makefile's set-up of .venv, binder/postBuild.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course_utils kernel", description=main.__doc__)
    parser.add_argument(
        "--dir",
        required=True,
        type=Path,
        help="the kernel's folder, e.g. .venv/share/jupyter/kernels/python3",
    )
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter the kernel runs (this one)"
    )
    parser.add_argument(
        "--lab-settings",
        type=Path,
        metavar="DIR",
        help="also write JupyterLab's overrides.json there (e.g. .venv/share/jupyter/lab/settings): "
        "Markdown opens rendered, so glossary links land on the term",
    )
    args = parser.parse_args(argv)
    print(f"kernel spec with the course's help: {write_kernel_spec(args.dir, args.python)}")
    if args.lab_settings:
        print(f"JupyterLab settings: {write_lab_overrides(args.lab_settings)}")
    return 0
