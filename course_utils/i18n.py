"""The course's language at run time: English, or Chinese for the Chinese lessons.

The Chinese lessons call ``setup_notebook(language="zh")`` (which calls :func:`set_language`);
from then on the exercises' ``check()``, ``hint()`` and ``solution()``, the doctor's report,
widget labels and plot titles speak Chinese. English is the default and the fallback: a
message without a translation stays English.

The messages live in one gettext catalogue per language, with the standard machinery:
``course_utils/locale/zh/LC_MESSAGES/course_utils.po`` is the source (edit it), and the
``.mo`` beside it is its compiled form, committed so that learners need no build step.
``python scripts/i18n.py`` extracts the messages (``tr()`` and ``N_()`` calls) into the
catalogue and compiles it; ``tests/test_i18n.py`` fails when an English message has no
Chinese one, when the two disagree on placeholders or numbers, or when the ``.mo`` is stale.

In the code, a message with values has named placeholders, filled in after translation::

    raise Incorrect(tr("Your decoder outputs {n} numbers; each frame has {frame}.").format(n=n, frame=FRAME))

``N_()`` marks a string that is translated later, when it is shown (exercise names and hints,
defined when a module is imported).

This module imports only the standard library.

Used in: scripts/i18n.py.
"""

from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path

__all__ = ["LANGUAGES", "set_language", "get_language", "gettext", "ngettext", "tr", "N_"]

#: The languages the course speaks; the first is the default and the fallback.
LANGUAGES = ("en", "zh")

#: The gettext domain: course_utils/locale/<language>/LC_MESSAGES/course_utils.mo.
DOMAIN = "course_utils"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_state: dict = {"language": LANGUAGES[0], "translation": _gettext.NullTranslations()}


def set_language(language: str | None = None) -> str:
    """Make the course speak ``language`` ("en" or "zh"; None reads $COURSE_LANGUAGE, else "en").

    Returns the language now in force. An unknown language raises
    :class:`~course_utils.errors.SettingError`.

    Used in: no notebook.
    """
    if language is None:
        language = os.environ.get("COURSE_LANGUAGE") or LANGUAGES[0]
    code = str(language).strip().lower().replace("_", "-")
    if code in ("zh-cn", "zh-hans", "cn", "chinese", "中文"):
        code = "zh"
    if code in ("en-us", "en-gb", "english"):
        code = "en"
    if code not in LANGUAGES:
        from .errors import SettingError

        raise SettingError(
            f"language={language!r} is not one the course speaks. Use one of "
            f"{', '.join(repr(name) for name in LANGUAGES)}."
        )
    if code == LANGUAGES[0]:
        translation = _gettext.NullTranslations()
    else:
        translation = _gettext.translation(
            DOMAIN, localedir=str(LOCALE_DIR), languages=[code], fallback=True
        )
    _state.update(language=code, translation=translation)
    return code


def get_language() -> str:
    """The language in force: "en" or "zh".

    Used in: course_utils internals.
    """
    return _state["language"]


def gettext(message: str) -> str:
    """``message`` in the course's language (itself when there is no translation).

    Used in: course_utils internals.
    """
    if not message:
        return message
    return _state["translation"].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the course's language.

    Used in: course_utils internals.
    """
    return _state["translation"].ngettext(singular, plural, n)


tr = gettext


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (it is translated when shown).

    Used in: course_utils internals.
    """
    return message


if os.environ.get("COURSE_LANGUAGE"):
    try:
        set_language()
    except ValueError:
        pass
