"""A check's time limit speaks the course's words whatever the interrupt turns into.

The limit raises an exception from a signal handler. When it lands while TensorFlow runs C code,
the C code hands back a ``SystemError`` ("returned a result with an exception set") instead of the
course's interrupt, and some checkers wrap a learner's error into their own message: either way
the learner must read "The check stopped after N s", not a raw ``SystemError``.
"""

from __future__ import annotations

import signal
import time

from course_utils.exercises import _core, lesson05


def _endless_in_c_code(*args, **kwargs):
    """A learner's endless loop whose interrupt comes back as TensorFlow's C code returns it."""
    try:
        while True:
            pass
    except BaseException as interrupt:
        raise SystemError(
            "<built-in function TFE_Py_Execute> returned a result with an exception set"
        ) from interrupt


def _exercise():
    def checker(answer):
        answer()

    def solution():
        return None

    return _core.Exercise("An exercise", checker, "a hint", solution)


def test_a_system_error_from_the_interrupt_reads_as_the_time_limit(capsys):
    exercise = _exercise()
    exercise.time_limit = 0.3
    assert not exercise.check(_endless_in_c_code)
    shown = capsys.readouterr().out
    assert "stopped after 0.3 s" in shown and "SystemError" not in shown, shown


def test_a_checker_that_wraps_the_interrupted_error_still_says_the_time_limit(capsys):
    """lesson05's checks wrap a learner's error into "Your function raised ..."."""
    limit, lesson05.q1.time_limit = lesson05.q1.time_limit, 0.3
    try:
        assert not lesson05.q1.check(_endless_in_c_code)
    finally:
        lesson05.q1.time_limit = limit
    shown = capsys.readouterr().out
    assert "stopped after 0.3 s" in shown and "SystemError" not in shown, shown


def test_an_error_without_the_limit_is_still_reported_as_the_learners(capsys):
    def raises():
        raise SystemError("a real error of the learner's code")

    assert not _exercise().check(raises)
    shown = capsys.readouterr().out
    assert "SystemError" in shown and "stopped after" not in shown, shown


def _swallows_the_first_interrupt(*args, **kwargs):
    """Endless work whose first interrupt C code swallowed (it returns after 5 s, to stay testable)."""
    start, swallowed = time.monotonic(), False
    while time.monotonic() - start < 5:
        try:
            while time.monotonic() - start < 5:
                pass
        except BaseException:
            if swallowed:
                raise
            swallowed = True


def test_the_limit_fires_again_when_its_first_interrupt_was_swallowed(capsys):
    exercise = _exercise()
    exercise.time_limit = 0.3
    assert not exercise.check(_swallows_the_first_interrupt)
    shown = capsys.readouterr().out
    assert "stopped after 0.3 s" in shown, shown
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # nothing left running afterwards
