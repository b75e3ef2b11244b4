"""The Exercise class behind every lesson's check(), hint() and solution()."""

from __future__ import annotations

import inspect
import textwrap

__all__ = ["Exercise", "Incorrect", "NOT_ANSWERED"]

#: What an unanswered exercise cell holds: ``answer = ...``.
NOT_ANSWERED = Ellipsis


class Incorrect(Exception):
    """Raised by a checker to say what is wrong with an answer."""


def _show_markdown(text: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display

        if get_ipython() is not None:
            display(Markdown(text))
            return
    except ImportError:
        pass
    print(text)


class CheckResult:
    """True or False, like a bool, but shows nothing as a cell's last value.

    ``check`` already printed its verdict; without this, Jupyter would also
    print ``False`` under every exercise a learner has not answered yet.
    """

    def __init__(self, passed: bool):
        self.passed = bool(passed)

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other) -> bool:
        return bool(self) == bool(other)

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self.passed)

    def _ipython_display_(self) -> None:
        pass


class Exercise:
    """One self-check exercise.

    Parameters
    ----------
    name : str
        Shown in messages, e.g. ``"Exercise 1: the sigmoid floor"``.
    checker : callable
        ``checker(answer, **context)`` raises :class:`Incorrect` with a helpful
        message when the answer is wrong, and returns nothing when it is right.
    hint : str or sequence of str
        Markdown shown by :meth:`hint`; a sequence is a ladder of hints, one
        more step shown on each call (the last one stays). A hint guides; it
        never states the answer.
    solution : callable
        A function whose *source* :meth:`solution` shows and whose result
        :meth:`solve` returns: the reference answer, called with the same
        arguments the notebook would use.
    context : callable, optional
        Returns the keyword arguments (small, fast to build) that the test
        suite passes to both ``solve`` and ``check``.
    wrong_answers : sequence of (answer, fragment)
        Typical mistakes. ``answer`` is a value or a callable taking the
        context dict; the test suite asserts that ``check`` rejects each one
        and that its message contains ``fragment``.
    """

    def __init__(self, name: str, checker, hint: str, solution, *, context=None, wrong_answers=()):
        self.name = name
        self._checker = checker
        self._hints = [hint] if isinstance(hint, str) else list(hint)
        if not self._hints:
            raise ValueError(f"{name}: give at least one hint.")
        self._hints_shown = 0
        self._solution = solution
        self.context = context or dict
        self.wrong_answers = list(wrong_answers)

    def __repr__(self) -> str:
        return f"<{self.name}: call .check(answer), .hint() or .solution()>"

    def check(self, answer, **context) -> CheckResult:
        """Check an answer; print what is right or wrong, and return a true or false result."""
        if answer is NOT_ANSWERED:
            print(f"{self.name}: not answered yet. Replace the ... with your answer, then run the cell again.")
            return CheckResult(False)
        try:
            self._checker(answer, **context)
        except Incorrect as problem:
            print(f"❌ {self.name}: not yet. {problem}")
            return CheckResult(False)
        print(f"✅ {self.name}: correct!")
        return CheckResult(True)

    def hint(self) -> None:
        """Show the next hint; call again for the next step."""
        step = min(self._hints_shown, len(self._hints) - 1)
        self._hints_shown = step + 1
        steps = f" {step + 1} of {len(self._hints)}" if len(self._hints) > 1 else ""
        _show_markdown(f"**Hint{steps} ({self.name}).** {self._hints[step]}")

    def solution(self) -> None:
        """Show the reference solution's code."""
        source = textwrap.dedent(inspect.getsource(self._solution))
        _show_markdown(f"**Solution ({self.name}).**\n\n```python\n{source}```")

    def solve(self, *args, **kwargs):
        """Run the reference solution and return its answer."""
        return self._solution(*args, **kwargs)
