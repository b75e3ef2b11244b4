"""Command line: ``python -m course_utils doctor``, ``env``, ``capstone`` and ``kernel``.

``capstone CODEC.py [RECORDING ...]`` scores a capstone codec file in fresh processes
(:func:`course_utils.capstone.score_codec_file`), on recordings an instructor chose.

``env`` prints TensorFlow's environment (:data:`course_utils.session.TF_ENVIRONMENT`) as
``export`` lines for a shell (``eval "$(python -m course_utils env)"``), or with ``--make`` as
``KEY=value`` words for the Makefile. It needs only the standard library.

``kernel --dir DIR`` writes the course's kernel spec (``DIR/kernel.json``): every kernel loads
:mod:`course_utils.ipython_extension`, so its help survives a restart.

Used in: ``python -m course_utils``: the Makefile (``doctor``, ``env --make``, ``kernel``),
binder/start (``env``) and instructors scoring a capstone (``capstone``).
"""

import sys

from .doctor import main as doctor_main
from .ipython_extension import main as kernel_main
from .session import main as session_main


def _env_main(argv) -> int:
    return session_main(["--env", "make" if "--make" in argv else "sh"])


def _capstone_main(argv) -> int:
    from .capstone import main as capstone

    return capstone(argv)


COMMANDS = {
    "doctor": doctor_main,
    "env": _env_main,
    "capstone": _capstone_main,
    "kernel": kernel_main,
}


def main(argv=None) -> int:
    """Run one command, ``python -m course_utils COMMAND [options]``; 2 and a usage line for no command.

    Used in: ``python -m course_utils doctor``, ``env``, ``capstone`` and ``kernel``; ``make doctor``.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m course_utils {{{','.join(COMMANDS)}}} [options]", file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
