"""Prepare a notebook: quiet TensorFlow, seed everything, fix threads, set the plot style.

Call ``course_utils.setup_notebook()`` in the first code cell, before
anything imports TensorFlow: TensorFlow reads its logging and oneDNN settings
once, at import time. The Chinese lessons call ``setup_notebook(seed=0, language="zh")``:
the exercises' feedback, the doctor, widgets and plots then speak Chinese (``course_utils.i18n``).

:data:`TF_ENVIRONMENT` is the one definition of those settings. The Makefile,
``binder/start``, the tests and the benchmarks read it from here; in a shell::

    eval "$(python -m course_utils env)"

This module imports nothing outside the standard library at import time, so
the command above works with any Python 3, before the course's packages are installed.

Used in: every notebook, benchmarks/__main__.py, benchmarks/anomaly.py, benchmarks/codec.py,
benchmarks/codes.py, benchmarks/denoising.py, benchmarks/recognition.py, benchmarks/trainers.py,
scripts/make_weights.py, scripts/measure_lapped.py, scripts/recognition_on_folder.py,
scripts/test_pythons.py.
"""

from __future__ import annotations

import os
import random
import sys
import warnings

from .i18n import N_, gettext

__all__ = ["setup_notebook", "TF_ENVIRONMENT", "apply_tf_environment", "SessionInfo"]

#: Environment variables set before TensorFlow is imported.
TF_ENVIRONMENT = {
    # Hide TensorFlow's C++ INFO/WARNING lines (CPU feature notices, oneDNN).
    "TF_CPP_MIN_LOG_LEVEL": "3",
    # oneDNN's fused kernels change float rounding from run to run; off for determinism.
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
}

#: The line a NameError in a notebook gets under its traceback.
NAME_ERROR_HINT = N_(
    "Hint: a name from an earlier cell is not defined in this session (after a restart, or when "
    "cells run out of order). Run the cells above this one first, or use Run > Run All Cells."
)


def apply_tf_environment(environ=None) -> dict:
    """Put :data:`TF_ENVIRONMENT` into ``environ`` (default ``os.environ``) where a key is unset.

    Used in: benchmarks/__main__.py, scripts/test_pythons.py.
    """
    environ = os.environ if environ is None else environ
    for key, value in TF_ENVIRONMENT.items():
        environ.setdefault(key, value)
    return environ


class SessionInfo(dict):
    """The versions and settings in force: a dict that shows itself as one readable line.

    Used in: course_utils internals (the value the session setup returns).
    """

    def __repr__(self) -> str:
        from .i18n import tr

        parts = [tr("seed {seed}").format(seed=self["seed"]), f"NumPy {self['numpy']}"]
        if "tensorflow" in self:
            parts += [f"TensorFlow {self['tensorflow']}", f"Keras {self['keras']}"]
        return tr("Notebook ready: {parts}.").format(parts=tr(", ").join(parts))

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


def _name_error_hint(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: the usual traceback, then one line saying what to do."""
    traceback = [
        *shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset),
        gettext(NAME_ERROR_HINT),
    ]
    # IPython leaves showing the error to the handler; _showtraceback is what its own
    # showtraceback() calls (ipykernel sends it to the notebook as the cell's error output).
    shell._showtraceback(etype, value, traceback)
    return traceback


def _install_name_error_hint() -> bool:
    """In IPython (a notebook), add :data:`NAME_ERROR_HINT` under every NameError's traceback."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((NameError,), _name_error_hint)
    return True


def setup_notebook(
    seed: int = 0,
    threads: int = 2,
    tensorflow: bool = True,
    style: bool = True,
    language: str | None = None,
) -> SessionInfo:
    """Make a notebook quiet, deterministic and sized for a 2-core machine.

    Parameters
    ----------
    seed : int
        Seeds Python's ``random``, NumPy and (through ``keras.utils.set_random_seed``)
        Keras and TensorFlow.
    threads : int
        Threads TensorFlow may use inside one operation. Two matches Binder
        and the course's CI machine; more threads can change float rounding.
    tensorflow : bool
        Import and configure TensorFlow now (about 3 s and 600 MB). Notebooks
        that never train a model pass ``False``.
    style : bool
        Set the course's matplotlib style.
    language : str, optional
        The language of the course's messages: ``"en"`` (English) or ``"zh"`` (Chinese: the
        Chinese lessons pass it). None reads ``$COURSE_LANGUAGE``, else English.

    Returns
    -------
    SessionInfo
        The versions and settings in force (a dict), shown as one line, e.g.
        ``Notebook ready: seed 0, NumPy 2.4.6, TensorFlow 2.21.0, Keras 3.15.1.``

    In a notebook, a ``NameError`` (a cell run before the cells that define
    its names) also gets a one-line hint: run the cells above, or Run > Run All Cells.

    Used in: every notebook, benchmarks/anomaly.py, benchmarks/codec.py, benchmarks/codes.py,
    benchmarks/denoising.py, benchmarks/recognition.py, benchmarks/trainers.py,
    scripts/make_weights.py, scripts/measure_lapped.py, scripts/recognition_on_folder.py.
    """
    import numpy as np

    # TensorFlow imported earlier is harmless when its settings were already in the environment
    # (the Makefile, binder/start and the tests' conftest put them there before it loaded).
    settings_were_set = all(os.environ.get(key) == value for key, value in TF_ENVIRONMENT.items())
    tensorflow_was_imported = "tensorflow" in sys.modules and not settings_were_set
    apply_tf_environment()
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    from .i18n import set_language

    set_language(language)
    info = SessionInfo(seed=seed, numpy=np.__version__)
    _install_name_error_hint()

    if style:
        from .plotting import use_course_style

        use_course_style()

    if tensorflow:
        if tensorflow_was_imported:
            warnings.warn(
                "TensorFlow was imported before setup_notebook(); its log settings are already "
                "fixed. Restart the kernel and call setup_notebook() first to keep outputs quiet.",
                stacklevel=2,
            )
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:
            # Threads can only be set before TensorFlow runs its first operation.
            pass
        tf.config.experimental.enable_op_determinism()
        import keras

        keras.utils.set_random_seed(seed)
        info.update(tensorflow=tf.__version__, keras=keras.__version__)
    return info


def main(argv=None) -> int:
    """Print TF_ENVIRONMENT for a shell or make (``python -m course_utils env [--make]`` calls this).

    Used in: ``python -m course_utils env``: the Makefile (``--make``) and binder/start.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course_utils env", description=main.__doc__)
    parser.add_argument(
        "--env",
        nargs="?",
        const="sh",
        choices=("sh", "make"),
        required=True,
        help="print `export KEY=value` lines (sh, the default) or KEY=value words (make)",
    )
    args = parser.parse_args(argv)
    if args.env == "make":
        print(" ".join(f"{key}={value}" for key, value in TF_ENVIRONMENT.items()))
    else:
        for key, value in TF_ENVIRONMENT.items():
            print(f"export {key}={value}")
    return 0
