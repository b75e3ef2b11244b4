"""The Exercise class behind every lesson's check(), hint() and solution().

In JupyterLab a check shows a coloured block that starts with the word
"Correct", "Not yet" or "Not answered yet" (words, not emoji: Debian's Chromium
has no emoji font); outside IPython the same words are printed as plain text.
"""

from __future__ import annotations

import functools
import html
import inspect
import math
import os
import re
import signal
import sys
import textwrap
import threading
import types
from contextlib import contextmanager

import numpy as np

from ..checks import is_number
from ..i18n import N_, gettext, tr

__all__ = ["Exercise", "Incorrect", "NOT_ANSWERED", "TIME_LIMIT"]

#: What an unanswered exercise cell holds: ``answer = ...``.
NOT_ANSWERED = Ellipsis

#: Seconds a check may spend running the learner's code (``Exercise.time_limit`` changes one exercise's).
TIME_LIMIT = 60.0

# (label, left border, background, text colour): readable in light and dark themes because
# the block sets its own background and text colour.
_STYLES = {
    "correct": (N_("Correct"), "#1a7f37", "#e8f5eb", "#0b3d1a"),
    "wrong": (N_("Not yet"), "#b35900", "#fff4e5", "#4a2500"),
    "unanswered": (N_("Not answered yet"), "#57606a", "#f3f4f6", "#24292f"),
    "hint": (N_("Hint"), "#0a5cad", "#eaf2fb", "#0b2545"),
}


class Incorrect(Exception):
    """Raised by a checker to say what is wrong with an answer.

    Used in: course_utils internals (the checkers of course_utils.exercises.lessonNN).
    """


class _TimeUp(BaseException):
    """The check ran out of time (a BaseException, so the learner's ``except Exception`` lets it through)."""


def _refuse_uncalled_layers(model) -> None:
    """Raise :class:`Incorrect` naming the first layer ``model`` creates but never calls.

    Run after the model's first call: a layer that data passed through is built, one the
    model's call never reached is not (Keras only warns, at ``build()``).
    """
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if not layer.built:
            raise Incorrect(
                tr(
                    "Your model creates the layer `{name}` but never calls it: each layer must "
                    "take the previous one's output."
                ).format(name=layer.name)
            )


def _mistaken_training(model, batches, loss, learning_rate, *, training=False, apply=True,
                       record="each", tape="inside", returns=True, log_every=None):  # fmt: skip
    """Train ``model`` over ``batches`` with one typical learner's mistake; the losses (or None).

    The tests' stand-in for a learner's training loop in lessons 03 and 04: ``apply=False``
    never steps the optimizer, ``record="last"`` keeps one loss, ``tape="outside"`` runs the
    forward pass before the tape starts, ``loss="mae"`` uses the mean absolute error.
    ``log_every`` prints ``epoch N: loss x`` every that many batches, as lesson 03's loop does.
    """
    import keras
    import tensorflow as tf

    loss_function = (
        keras.losses.MeanSquaredError() if loss == "mse" else keras.losses.MeanAbsoluteError()
    )
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    losses, value = [], None
    for number, x in enumerate(batches, start=1):
        if tape == "inside":
            with tf.GradientTape() as recorder:
                value = loss_function(x, model(x, training=training))
        else:
            value = loss_function(x, model(x, training=training))
            with tf.GradientTape() as recorder:
                pass
        grads = recorder.gradient(value, model.trainable_variables)
        if apply:
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
        if record == "each":
            losses.append(float(value))
        if log_every and number % log_every == 0:
            print(f"epoch {number}: loss {float(value):.4f}")
    if record == "last":
        losses.append(float(value))
    return losses if returns else None


@contextmanager
def _time_limit(seconds):
    """Stop the code inside after ``seconds`` (POSIX main thread; elsewhere no limit).

    Yields a list that holds ``True`` once the limit fired: whatever error then comes out (a
    ``SystemError`` when the interrupt lands in TensorFlow's C code, or a checker's
    :class:`Incorrect` that wraps it) is the limit's doing. The interrupt comes again every
    second until the code stops, in case C code swallowed it.
    """
    fired = []
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield fired
        return

    over = []

    def time_up(signum, frame):
        if not over:  # never once the code inside is done
            fired.append(True)
            raise _TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, float(seconds), 1.0)
    try:
        yield fired
    finally:
        over.append(True)
        while True:  # an interrupt landing here must not leave the timer running
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except _TimeUp:
                continue


def _problem_with(value, depth: int = 0) -> str | None:
    """Why ``value`` cannot be an answer (NaN, inf, complex, objects, a number beyond float), or None."""
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        return None
    if isinstance(value, (complex, np.complexfloating)):
        return tr(
            "a complex number; the exercise asks for a real number (take np.abs or .real where you "
            "meant it)"
        )
    if is_number(value):
        if isinstance(value, (int, np.integer)) and abs(int(value)) >= 2**63:
            return tr("a whole number too large for any count or size in this exercise")
        x = float(value)
        if math.isnan(x):
            return tr("NaN (not a number): a computation above divided 0 by 0 or used a NaN")
        if math.isinf(x):
            return tr("infinite: a computation above divided by 0 or overflowed")
        return None
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            return tr(
                "an array of Python objects (dtype object), not of numbers: were its rows of different "
                "lengths?"
            )
        if value.dtype.kind == "c":
            return tr(
                "an array of complex numbers; the exercise asks for real numbers (np.abs or .real)"
            )
        if value.dtype.kind == "f" and value.size and not np.all(np.isfinite(value)):
            return tr(
                "an array with NaN or infinite values: a computation above divided by 0 or overflowed"
            )
        return None
    if isinstance(value, (tuple, list)) and depth < 2 and len(value) <= 10000:
        for item in value:
            problem = _problem_with(item, depth + 1)
            if problem:
                return tr("a {kind} holding {problem}").format(
                    kind=type(value).__name__, problem=problem
                )
    if isinstance(value, dict) and depth < 2 and len(value) <= 10000:
        for item in value.values():
            problem = _problem_with(item, depth + 1)
            if problem:
                return tr("a dict holding {problem}").format(problem=problem)
    return None


def _screened(function):
    """The learner's plain function, with what it returns checked for NaN, inf, complex and objects."""
    if not (
        inspect.isfunction(function)
        or inspect.ismethod(function)
        or isinstance(function, functools.partial)
    ):
        return function

    @functools.wraps(function)
    def screened(*args, **kwargs):
        result = function(*args, **kwargs)
        problem = _problem_with(result)
        if problem:
            raise Incorrect(tr("Your function returned {problem}.").format(problem=problem))
        return result

    return screened


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _raised_message(error: Exception, answer) -> str:
    """What to tell the learner when checking raised a Python error: whose code, which line."""
    learner = None
    for frame in traceback_frames(error):
        filename = os.path.abspath(frame.filename)
        if (
            not filename.startswith(_PACKAGE)
            and "site-packages" not in filename
            and "/lib/python" not in filename
        ):
            learner = frame
    text = f"{type(error).__name__}: {error}"
    if len(text) > 300:
        text = text[:300] + "..."
    if learner is not None:
        return tr(
            "Your code raised {error} (in `{function}`, line {line}). Run your function on "
            "its own to see the whole error, fix it, then check again."
        ).format(error=text, function=learner.name, line=learner.lineno)
    return tr(
        "This answer could not be checked ({error}). Is it the kind of value the exercise asks for? "
        "You gave a `{kind}`."
    ).format(error=text, kind=type(answer).__name__)


def traceback_frames(error: BaseException):
    import traceback

    return traceback.extract_tb(error.__traceback__)


def _forbidden(names) -> list:
    """``(module, attribute, object)`` for each ``"module:function"`` in ``names``."""
    import importlib

    found = []
    for name in names:
        module_name, path = name.split(":")
        owner = importlib.import_module(module_name)
        *outer, attribute = path.split(".")  # "VAE.elbo_terms": a method of a class
        for part in outer:
            owner = getattr(owner, part)
        found.append((owner, attribute, getattr(owner, attribute)))
    return found


def _is_learners(function) -> bool:
    """Whether ``function`` was written outside the course package and the installed libraries."""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    filename = os.path.abspath(code.co_filename)
    return not (
        filename.startswith(_PACKAGE) or "site-packages" in filename or "/lib/python" in filename
    )


def _reached(function, targets):
    """The first of ``targets`` that ``function`` reaches without a run, or None (compared by ``is``).

    Followed: the function itself; every global its code names (a from-import binds the course's
    own function object to a name of the learner's namespace); module attributes its code names
    (``codec.quantized_roundtrip``, through any alias or an import inside the function); its closure
    and its default arguments; and, the same way, every other function of the learner's it reaches
    (a helper, a method of the learner's class, a ``functools.partial``). The course's and the
    libraries' own functions are not entered: calling those the exercise allows stays allowed.
    A learner's own function that has the same *name* as a target is a different object: not refused.
    """
    targets = list(targets)

    def target(value):
        return next((t for t in targets if value is t), None)

    stack, seen = [(function, True)], set()
    while stack:
        value, first = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        hit = target(value)
        if hit is not None:
            return hit
        if isinstance(value, functools.partial):
            stack.append((value.func, first))
            stack.extend((v, False) for v in (*value.args, *value.keywords.values()))
            continue
        if isinstance(value, (tuple, list, set, frozenset)):
            stack.extend((v, False) for v in list(value)[:100])
            continue
        if isinstance(value, dict):
            stack.extend((v, False) for v in list(value.values())[:100])
            continue
        if inspect.ismethod(value):
            stack.append((value.__func__, first))
            continue
        if isinstance(value, type):
            methods = [v for v in vars(value).values() if inspect.isfunction(v)]
            if any(_is_learners(v) for v in methods):  # a class of the learner's
                stack.extend((v, False) for v in (*methods, *value.__bases__))
            continue
        if not inspect.isfunction(value):
            if callable(value) and not isinstance(value, types.ModuleType):
                stack.append((type(value), False))  # a callable object: its class's methods
            continue
        wrapped = getattr(value, "__wrapped__", None)
        if wrapped is not None:  # check()'s screening wrapper, or a decorator
            stack.append((wrapped, first))
            if not _is_learners(value):
                continue
        elif not (first or _is_learners(value)):
            continue
        codes, names = [value.__code__], set()
        while codes:
            code = codes.pop()
            names.update(code.co_names)
            codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        scope = value.__globals__
        stack.extend((scope[name], False) for name in names if name in scope)
        stack.extend((cell.cell_contents, False) for cell in value.__closure__ or () if _full(cell))
        stack.extend((v, False) for v in value.__defaults__ or ())
        stack.extend((v, False) for v in (value.__kwdefaults__ or {}).values())
        # attributes the code names, of the modules, classes and objects it names:
        # `codec.quantized_roundtrip`, `c.x` after `import course_utils.codec as c`,
        # `from course_utils.codec import x` inside the function, `vae.elbo_terms`
        owners = [scope[name] for name in names if name in scope]
        owners += [cell.cell_contents for cell in value.__closure__ or () if _full(cell)]
        owners += [sys.modules[name] for name in names if name in sys.modules]
        done = set()
        while owners:
            owner = owners.pop()
            if id(owner) in done or len(done) > 1000:
                continue
            done.add(id(owner))
            for name in names:
                attribute = _static_attribute(owner, name)
                if isinstance(attribute, (staticmethod, classmethod)):
                    attribute = attribute.__func__
                hit = target(attribute)
                if hit is not None:
                    return hit
                if isinstance(attribute, (types.ModuleType, type)):
                    owners.append(attribute)
    return None


def _static_attribute(owner, name):
    """``owner.name`` without running any code (a submodule imported elsewhere counts), or None."""
    if isinstance(owner, types.ModuleType):
        return vars(owner).get(name, sys.modules.get(f"{owner.__name__}.{name}"))
    try:
        return inspect.getattr_static(owner if isinstance(owner, type) else type(owner), name, None)
    except Exception:  # noqa: BLE001 - an exotic object: nothing to find there
        return None


def _full(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises ValueError
    except ValueError:
        return False
    return True


@contextmanager
def _refusing(*names, message, function=None):
    """Refuse the shortcut of calling the course's own function that the exercise asks the learner
    to write: ``Incorrect(message)`` for each ``"module:function"`` in ``names``.

    Before the learner's code runs, ``function`` (the learner's) is refused when it reaches one of
    them by object identity (:func:`_reached`: a from-import, an alias, a closure, a default
    argument, a helper of the learner's). While the code inside runs, each ``module.function`` is
    a stand-in that raises, for calls that look the function up in its module at run time.
    ``message`` may be a dict: one message per name.
    Every exercise that refuses a shortcut uses this (or :func:`_refuse_shortcut`, its reasons
    per function).
    """
    saved = _forbidden(names)
    messages = message if isinstance(message, dict) else dict.fromkeys(names, message)
    messages = [messages[name] for name in names]
    if function is not None:
        hit = _reached(function, [obj for *_, obj in saved])
        for (*_, obj), text in zip(saved, messages):
            if hit is obj:
                raise Incorrect(text)

    def refusing(text):
        def refused(*args, **kwargs):
            raise Incorrect(text)

        return refused

    try:
        for (module, attribute, _), text in zip(saved, messages):
            setattr(module, attribute, refusing(text))
        yield
    finally:
        for module, attribute, original in saved:
            setattr(module, attribute, original)


def _refuse_shortcut(function, forbidden: dict) -> None:
    """Raise :class:`Incorrect` when ``function`` reaches one of ``forbidden``
    (``"module:function"`` -> reason) without running it (see :func:`_reached`)."""
    found = _forbidden(forbidden)
    hit = _reached(function, [obj for *_, obj in found])
    for (_, attribute, obj), reason in zip(found, forbidden.values()):
        if hit is obj:
            raise Incorrect(
                tr("Your function calls `{name}`: {reason}").format(
                    name=attribute, reason=gettext(reason)
                )
            )


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
    label = gettext(label)
    parts = [f'<strong style="font-size: 1.05em;">{label}</strong> &middot; {html.escape(title)}']
    if body:
        parts.append(f'<div style="margin-top: 0.3em;">{_inline_markdown_to_html(body)}</div>')
    if footer:
        parts.append(
            f'<div style="margin-top: 0.3em; opacity: 0.8; font-size: 0.92em;">{_inline_markdown_to_html(footer)}</div>'
        )
    style = (
        f"border-left: 6px solid {border}; background: {background}; color: {colour}; "
        "padding: 0.5em 0.9em; margin: 0.3em 0; border-radius: 3px; max-width: 52em; "
        "font-family: system-ui, 'DejaVu Sans', sans-serif; font-size: 0.95em; line-height: 1.45; "
        "white-space: normal; overflow-wrap: break-word; word-break: normal; hyphens: none;"
    )
    return (
        f'<div class="course-check course-check-{kind}" style="{style}">'
        + "".join(parts)
        + "</div>"
    )


def _block_text(kind: str, title: str, body: str = "", footer: str = "") -> str:
    first = tr("{label}: {title}").format(label=gettext(_STYLES[kind][0]), title=title)
    return "\n".join([first, *(part for part in (body, footer) if part)])


def _show_block(kind: str, title: str, body: str = "", footer: str = "") -> None:
    """A styled HTML block in a notebook (with a plain-text copy), plain text elsewhere."""
    title = gettext(title)
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

    Used in: course_utils internals (every exercise of course_utils.exercises.lessonNN is one).
    """

    def __init__(
        self,
        name: str,
        checker,
        hint,
        solution,
        *,
        context=None,
        wrong_answers=(),
        solution_name=None,
    ):
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
        self.time_limit = TIME_LIMIT

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

    def _context_problem(self, context: dict) -> str | None:
        """Which arguments ``check`` needs besides the answer, when ``context`` does not match them."""
        try:
            signature = inspect.signature(self._checker)
        except (TypeError, ValueError):
            return None
        parameters = list(signature.parameters.values())[1:]
        needed = [
            p.name
            for p in parameters
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        known = {p.name for p in parameters}
        missing = [name for name in needed if name not in context]
        unknown = [name for name in context if name not in known]
        if any(p.kind == p.VAR_KEYWORD for p in parameters):
            unknown = []
        if not missing and not unknown:
            return None
        call = ", ".join(["answer"] + [f"{name}={name}" for name in needed])
        parts = []
        if missing:
            parts.append(
                tr("This check also needs {names}").format(
                    names=", ".join(f"`{name}`" for name in missing)
                )
            )
        if unknown:
            names = ", ".join(f"`{name}`" for name in unknown)
            if parts:
                parts.append(tr("it does not take {names}").format(names=names))
            else:
                parts.append(tr("It does not take {names}").format(names=names))
        return tr(
            "{problems}. Call it as in the exercise cell: `{call}`, with the values the lesson "
            "defined above."
        ).format(problems="; ".join(parts), call=f"{self._handle()}.check({call})")

    def check(self, answer, **context) -> CheckResult:
        """Check an answer; show what is right or wrong, and return a true or false result.

        The check stops the learner's code after :attr:`time_limit` seconds
        (``TIME_LIMIT``, 60 s) and turns any error into a "Not yet" that says whose
        code raised it; NaN, infinite, complex and object answers are "Not yet" too.
        """
        if answer is NOT_ANSWERED:
            _show_block(
                "unanswered",
                self.name,
                tr("Replace the `...` with your answer, then run the cell again."),
            )
            return CheckResult(False)
        stuck = tr("Stuck? `{call}` shows a first step.").format(call=f"{self._handle()}.hint()")
        context_problem = self._context_problem(context)
        if context_problem:
            _show_block("wrong", self.name, context_problem)
            return CheckResult(False)
        problem = _problem_with(answer)
        if problem:
            _show_block(
                "wrong", self.name, tr("Your answer is {problem}.").format(problem=problem), stuck
            )
            return CheckResult(False)
        limit = getattr(self, "time_limit", TIME_LIMIT)
        fired = []
        try:
            with _time_limit(limit) as fired:
                self._checker(_screened(answer), **context)
        except (_TimeUp, Exception) as problem:  # noqa: BLE001 - no raw Python error reaches the learner
            if fired or isinstance(problem, _TimeUp):  # whatever the interrupt turned into
                message = tr(
                    "The check stopped after {limit:g} s: your code did not finish. Look for a loop "
                    "that never ends (a `while` whose condition stays true) or work far larger than "
                    "the exercise needs. (`{handle}.time_limit = 120` allows more time.)"
                ).format(limit=limit, handle=self._handle())
            elif isinstance(problem, Incorrect):
                message = str(problem)
            else:
                message = _raised_message(problem, answer)
            _show_block("wrong", self.name, message, stuck)
            return CheckResult(False)
        _show_block("correct", self.name)
        return CheckResult(True)

    def hint(self) -> None:
        """Show the next hint; call again for the next step."""
        step = min(self._hints_shown, len(self._hints) - 1)
        self._hints_shown = step + 1
        name, text = gettext(self.name), gettext(self._hints[step])
        if len(self._hints) > 1:
            heading = tr("**Hint {step} of {steps} ({name}).**").format(
                step=step + 1, steps=len(self._hints), name=name
            )
        else:
            heading = tr("**Hint ({name}).**").format(name=name)
        if step + 1 < len(self._hints):
            text = tr("{hint} Call `hint()` again for the next step.").format(hint=text)
        elif "solution()" not in text:  # the last step: say where the course's answer is
            text = tr(
                "{hint} That was the last hint: `{handle}.solution()` shows the course's answer."
            ).format(hint=text, handle=self._handle())
        _show_markdown(tr("{heading} {hint}").format(heading=heading, hint=text))

    def solution(self) -> None:
        """Show the reference solution's code, under a readable name."""
        source = textwrap.dedent(inspect.getsource(self._solution))
        source = re.sub(
            rf"\bdef {re.escape(self._solution.__name__)}\(",
            f"def {self.solution_name}(",
            source,
            count=1,
        )
        heading = tr("**Solution ({name}).**").format(name=gettext(self.name))
        _show_markdown(f"{heading}\n\n```python\n{source}```")

    def solve(self, *args, **kwargs):
        """Run the reference solution and return its answer."""
        return self._solution(*args, **kwargs)
