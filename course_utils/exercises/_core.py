"""The Exercise class behind every lesson's check(), hint() and solution().

In JupyterLab a check shows a coloured block that starts with the word
"Correct", "Not yet" or "Not answered yet" (words, not emoji: Debian's Chromium
has no emoji font); outside IPython the same words are printed as plain text.
"""

from __future__ import annotations

import html
import inspect
import re
import sys
import textwrap

__all__ = ["Exercise", "Incorrect", "NOT_ANSWERED"]

#: What an unanswered exercise cell holds: ``answer = ...``.
NOT_ANSWERED = Ellipsis

# (label, left border, background, text colour): readable in light and dark themes because
# the block sets its own background and text colour.
_STYLES = {
    "correct": ("Correct", "#1a7f37", "#e8f5eb", "#0b3d1a"),
    "wrong": ("Not yet", "#b35900", "#fff4e5", "#4a2500"),
    "unanswered": ("Not answered yet", "#57606a", "#f3f4f6", "#24292f"),
    "hint": ("Hint", "#0a5cad", "#eaf2fb", "#0b2545"),
}


class Incorrect(Exception):
    """Raised by a checker to say what is wrong with an answer."""


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def _inline_markdown_to_html(text: str) -> str:
    """Escape ``text`` and turn its `code` and *emphasis* spans into HTML."""
    escaped = html.escape(text, quote=False)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<em>\1</em>", escaped)


def _block_html(kind: str, title: str, body: str = "", footer: str = "") -> str:
    label, border, background, colour = _STYLES[kind]
    parts = [f'<strong style="font-size: 1.05em;">{label}</strong> &middot; {html.escape(title)}']
    if body:
        parts.append(f'<div style="margin-top: 0.3em;">{_inline_markdown_to_html(body)}</div>')
    if footer:
        parts.append(f'<div style="margin-top: 0.3em; opacity: 0.8; font-size: 0.92em;">{_inline_markdown_to_html(footer)}</div>')
    style = (
        f"border-left: 6px solid {border}; background: {background}; color: {colour}; "
        "padding: 0.5em 0.9em; margin: 0.3em 0; border-radius: 3px; max-width: 52em; "
        "font-family: system-ui, 'DejaVu Sans', sans-serif; font-size: 0.95em; line-height: 1.45; "
        "white-space: normal; overflow-wrap: break-word; word-break: normal; hyphens: none;"
    )
    return f'<div class="course-check course-check-{kind}" style="{style}">' + "".join(parts) + "</div>"


def _block_text(kind: str, title: str, body: str = "", footer: str = "") -> str:
    label = _STYLES[kind][0]
    return "\n".join([f"{label}: {title}", *(part for part in (body, footer) if part)])


def _show_block(kind: str, title: str, body: str = "", footer: str = "") -> None:
    """A styled HTML block in a notebook (with a plain-text copy), plain text elsewhere."""
    text = _block_text(kind, title, body, footer)
    if _in_ipython():
        from IPython.display import display

        display({"text/html": _block_html(kind, title, body, footer), "text/plain": text}, raw=True)
    else:
        print(text)


def _show_markdown(text: str) -> None:
    if _in_ipython():
        from IPython.display import Markdown, display

        display(Markdown(text))
    else:
        print(text)


class CheckResult:
    """True or False, like a bool, but shows nothing as a cell's last value.

    ``check`` already showed its verdict; without this, Jupyter would also
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


def _readable_name(function) -> str:
    """``_q1_solution`` -> ``solution``, ``_sample_rate_of`` -> ``sample_rate_of``."""
    name = re.sub(r"^_*(q\d+_)?", "", function.__name__)
    return name or "solution"


class Exercise:
    """One self-check exercise.

    Parameters
    ----------
    name : str
        Shown in messages, e.g. ``"Exercise 1: the sigmoid floor"``.
    checker : callable
        ``checker(answer, **context)`` raises :class:`Incorrect` with a message
        that says what is wrong with the answer (never the expected value, never
        the method: that is what the hints are for), and returns nothing when
        the answer is right.
    hint : str or sequence of str
        Markdown shown by :meth:`hint`; a sequence is a ladder of hints, one
        more step shown on each call (the last one stays). The first steps
        guide; no step states the answer.
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
    solution_name : str, optional
        The name :meth:`solution` shows the function under, e.g.
        ``"nyquist_frequency"``; by default the function's own name without a
        leading ``_`` or ``qN_`` (``_q2_solution`` shows as ``solution``).
    """

    def __init__(self, name: str, checker, hint, solution, *, context=None, wrong_answers=(), solution_name=None):
        self.name = name
        self._checker = checker
        self._hints = [hint] if isinstance(hint, str) else list(hint)
        if not self._hints:
            raise ValueError(f"{name}: give at least one hint.")
        self._hints_shown = 0
        self._solution = solution
        self.solution_name = solution_name or _readable_name(solution)
        self.context = context or dict
        self.wrong_answers = list(wrong_answers)

    def __repr__(self) -> str:
        return f"<{self.name}: call .check(answer), .hint() or .solution()>"

    @property
    def hints(self) -> list[str]:
        """Every step of the hint ladder, in order."""
        return list(self._hints)

    def _handle(self) -> str:
        """How a notebook reaches this exercise: ``exercises.q1`` (the lessons' import name)."""
        module = sys.modules.get(getattr(self._checker, "__module__", ""), None)
        for key, value in vars(module).items() if module else ():
            if value is self:
                return f"exercises.{key}"
        return "this exercise"

    def check(self, answer, **context) -> CheckResult:
        """Check an answer; show what is right or wrong, and return a true or false result."""
        if answer is NOT_ANSWERED:
            _show_block("unanswered", self.name, "Replace the `...` with your answer, then run the cell again.")
            return CheckResult(False)
        try:
            self._checker(answer, **context)
        except Incorrect as problem:
            _show_block("wrong", self.name, str(problem), f"Stuck? `{self._handle()}.hint()` shows a first step.")
            return CheckResult(False)
        _show_block("correct", self.name)
        return CheckResult(True)

    def hint(self) -> None:
        """Show the next hint; call again for the next step."""
        step = min(self._hints_shown, len(self._hints) - 1)
        self._hints_shown = step + 1
        steps = f" {step + 1} of {len(self._hints)}" if len(self._hints) > 1 else ""
        more = " Call `hint()` again for the next step." if step + 1 < len(self._hints) else ""
        _show_markdown(f"**Hint{steps} ({self.name}).** {self._hints[step]}{more}")

    def solution(self) -> None:
        """Show the reference solution's code, under a readable name."""
        source = textwrap.dedent(inspect.getsource(self._solution))
        source = re.sub(rf"\bdef {re.escape(self._solution.__name__)}\(", f"def {self.solution_name}(", source, count=1)
        _show_markdown(f"**Solution ({self.name}).**\n\n```python\n{source}```")

    def solve(self, *args, **kwargs):
        """Run the reference solution and return its answer."""
        return self._solution(*args, **kwargs)
