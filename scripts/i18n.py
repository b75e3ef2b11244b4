"""The course's message catalogues: extract the English messages, keep the Chinese ones, compile.

The package marks what a learner reads with ``tr("...")`` (translated now) and ``N_("...")``
(translated when shown: exercise names and hints). This script finds those messages with
Babel's Python extractor and keeps ``course_utils/locale/zh/LC_MESSAGES/course_utils.po`` in
step with them:

    python scripts/i18n.py            # add new English messages (empty Chinese), drop gone ones, compile .mo
    python scripts/i18n.py --check    # what is missing, mismatched or stale (tests/test_i18n.py runs this)

Translate a new message by filling in its ``msgstr`` in the ``.po`` file (the placeholders
``{name}`` and every number of the English text must appear in the Chinese one; run
``python scripts/zh_style.py``'s rules on it), then run this script again to compile the ``.mo``.
The ``.mo`` is committed: learners (and Binder) need no build step.
"""

from __future__ import annotations

import argparse
import datetime
import io
import re
import string
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_utils"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from course_utils.i18n import DOMAIN, LANGUAGES, LOCALE_DIR  # noqa: E402

KEYWORDS = {"tr": None, "N_": None, "gettext": None}
# A fixed date keeps the header (and the compiled .mo) the same from run to run.
FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
NUMBER = re.compile(r"(?<![A-Za-z_.])[0-9]+(?:\.[0-9]+)?")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extract() -> dict[str, list[tuple[str, int]]]:
    """Every marked English message in the package -> where it is (file, line)."""
    from babel.messages.extract import extract_from_file

    found: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "i18n.py":
            continue
        relative = path.relative_to(ROOT).as_posix()
        for lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS, comment_tags=()
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, []).append((relative, lineno))
    return found


def read_catalogue(language: str):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def updated_catalogue(language: str, messages: dict):
    """A catalogue with exactly ``messages``, keeping every translation the .po already has."""
    from babel.messages.catalog import Catalog

    old = read_catalogue(language)
    new = Catalog(
        locale=language,
        domain=DOMAIN,
        project="Sound Autoencoders course",
        version="1.0",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        language_team="Sound Autoencoders course",
        last_translator="Sound Autoencoders course",
        charset="utf-8",
    )
    for message, locations in messages.items():
        previous = old.get(message)
        new.add(
            message,
            previous.string if previous is not None and not previous.fuzzy else "",
            locations=locations,
        )
    return new


def po_bytes(catalogue) -> bytes:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=100, sort_by_file=True, include_lineno=False)
    return buffer.getvalue()


def mo_bytes(catalogue) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def placeholders(text: str) -> list[str]:
    """The named fields of a str.format template, sorted ("{n}" and "{n:.2f}" both give "n")."""
    try:
        return sorted(
            field.split(".")[0].split("[")[0]
            for _literal, field, _spec, _conversion in string.Formatter().parse(text)
            if field is not None
        )
    except ValueError as error:
        return [f"<broken template: {error}>"]


def numbers(text: str) -> list[str]:
    """The numbers a message states in digits, outside its placeholders and "1-D", sorted."""
    text = re.sub(r"\{[^{}]*\}", " ", text)
    text = re.sub(r"\b[1-3]-D\b", " ", text)  # "1-D" is a word: 一维
    return sorted(NUMBER.findall(text))


def problems(language: str = "zh") -> list[str]:
    """Why the ``language`` catalogue does not match the package's English messages."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from zh_style import style_problems

    messages = extract()
    catalogue = read_catalogue(language)
    found = []
    if not po_path(language).exists():
        return [f"{po_path(language).relative_to(ROOT)} does not exist: run python scripts/i18n.py"]
    known = {message.id for message in catalogue if message.id}
    for english, locations in messages.items():
        where = f"{locations[0][0]}:{locations[0][1]}"
        entry = catalogue.get(english)
        if entry is None:
            found.append(f"{where}: not in the catalogue (run python scripts/i18n.py): {english!r}")
            continue
        if not entry.string or entry.fuzzy:
            found.append(f"{where}: no {language} translation: {english!r}")
            continue
        if placeholders(english) != placeholders(entry.string):
            found.append(
                f"{where}: placeholders differ, {placeholders(english)} in English, "
                f"{placeholders(entry.string)} in {language}: {english!r}"
            )
        if numbers(english) != numbers(entry.string):
            found.append(
                f"{where}: numbers differ, {numbers(english)} in English, "
                f"{numbers(entry.string)} in {language}: {english!r}"
            )
        if language == "zh":
            for problem in style_problems(entry.string):
                found.append(f"{where}: house style: {problem}: {entry.string!r}")
    for gone in sorted(known - set(messages)):
        found.append(f"no longer in the package (run python scripts/i18n.py): {gone!r}")
    if not mo_path(language).exists():
        found.append(
            f"{mo_path(language).relative_to(ROOT)} is missing: run python scripts/i18n.py"
        )
    elif mo_path(language).read_bytes() != mo_bytes(catalogue):
        found.append(
            f"{mo_path(language).relative_to(ROOT)} is stale (not compiled from the .po): "
            "run python scripts/i18n.py"
        )
    return found


def update() -> list[Path]:
    """Bring every catalogue in step with the package and compile it; return the files written."""
    messages = extract()
    written = []
    for language in LANGUAGES[1:]:
        catalogue = updated_catalogue(language, messages)
        for path, data in ((po_path(language), po_bytes(catalogue)), (mo_path(language), None)):
            path.parent.mkdir(parents=True, exist_ok=True)
            if data is None:
                from babel.messages.pofile import read_po

                data = mo_bytes(read_po(io.BytesIO(po_bytes(catalogue)), locale=language))
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
                written.append(path)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="list problems, change nothing")
    args = parser.parse_args(argv)
    if args.check:
        found = [problem for language in LANGUAGES[1:] for problem in problems(language)]
        print("\n".join(found) or "The catalogues are complete and compiled.")
        return 1 if found else 0
    for path in update():
        print(f"wrote {path.relative_to(ROOT)}")
    untranslated = [p for language in LANGUAGES[1:] for p in problems(language)]
    if untranslated:
        print(f"{len(untranslated)} problems left; python scripts/i18n.py --check lists them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
