"""Differences between the library versions the course supports, handled in one place.

The lock installs librosa 0.11 on Python 3.10-3.11 and librosa 1.0 on 3.12
and newer (``make test-pythons`` tests each). Where their APIs differ, the
course calls the function here instead of librosa directly, so no
``FutureWarning`` about a renamed argument reaches a learner's notebook.

* ``griffinlim``: librosa 1.0 renamed ``random_state`` to ``rng``.

Used in: no notebook.
"""

from __future__ import annotations

import functools
import inspect

__all__ = ["librosa_major_version", "griffinlim"]


def librosa_major_version() -> int:
    """librosa's major version number (0 or 1).

    Used in: tests.
    """
    import librosa

    return int(librosa.__version__.split(".")[0])


@functools.cache
def _griffinlim_seed_name() -> str:
    import librosa

    parameters = inspect.signature(librosa.griffinlim).parameters
    return "rng" if "rng" in parameters else "random_state"


def griffinlim(S, *, seed: int = 0, **kwargs):
    """``librosa.griffinlim(S=S, **kwargs)`` with its random start seeded by ``seed``.

    Passes the seed as ``rng`` on librosa 1.0 and as ``random_state`` on
    0.10/0.11; both accept an integer seed, so each version is deterministic.

    Used in: no notebook.
    """
    import librosa

    return librosa.griffinlim(S=S, **{_griffinlim_seed_name(): seed}, **kwargs)
