"""The Chinese edition (中文版): ``notebooks/zh/`` twins of the English lessons.

A Chinese lesson has the same file name as its English lesson and the same cells,
cell for cell: the same ids, types and tags, the same code (comments may be
translated; the one difference is ``setup_notebook(..., language="zh")`` in the first
code cell, which makes the exercises' feedback, the doctor, widgets and plots Chinese),
and Chinese Markdown in place of the English. Each Chinese Markdown
cell records a digest of the English text it translates, so a test notices when
the English changes and the translation has not followed.

The website shows a Chinese lesson without running it again: the executed
English notebook with the Chinese Markdown cells put in their place
(:func:`localize`), since the code and so the outputs are the same.

Usage:
  python scripts/zh_edition.py --check            # every lesson has a current twin
  python scripts/zh_edition.py --restamp 05       # after updating 05's translation by hand
  python scripts/zh_edition.py --stale 05         # which English cells changed since
  python scripts/zh_edition.py --sync 05          # after changing 05's code or cells: copy its code
                                                  # and structure, keep the Chinese text by cell id
  python scripts/zh_edition.py --sync 05_going_further_transform_coding   # a "Going further" notebook
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import re
import sys
import tokenize
from collections.abc import Mapping
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from zh_style import house_style  # noqa: E402  (a script beside this one)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ZH_NOTEBOOKS = NOTEBOOKS / "zh"
DIGEST_KEY = "zh"  # a Chinese Markdown cell's metadata: {"zh": {"source_digest": ...}}
CJK = re.compile(r"[\u4e00-\u9fff]")
# A Chinese character or Chinese punctuation (。，、：；！？（）《》“” and full-width forms).
_CJK_END = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[*_`\[(]*[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_BLOCK_START = re.compile(r"^(#{1,6}\s|[-*+]\s|\d+[.)]\s|\||```|~~~|\$\$|<|>)")


def join_chinese_lines(text: str) -> str:
    """Join lines a paragraph breaks between two Chinese characters.

    Markdown turns a line break into a space, which Chinese does not put between
    words ("自编码 器"): a wrapped Chinese paragraph would show stray spaces in
    JupyterLab and on the site. Code blocks, display math, tables and new list
    items, headings and quotes are left alone; a quote or list continues across
    its own markers ("> ", indentation).
    """
    lines = text.split("\n")
    result: list[str] = []
    in_code = in_math = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_code = not in_code
        elif stripped == "$$" and not in_code:
            in_math = not in_math
        if stripped.startswith(("```", "~~~", "$$")) or in_code or in_math or not result:
            result.append(line)
            continue
        previous = result[-1]
        quoted = previous.lstrip().startswith(">") and line.lstrip().startswith(">")
        content = line.lstrip()[1:].lstrip() if quoted else line.lstrip()
        previous_content = previous.rstrip()
        if (
            content
            and previous_content
            and _CJK_END.search(previous_content)
            and _CJK_START.search(content)
            and not _BLOCK_START.match(content)
            and not previous_content.lstrip(">").strip().startswith(("|", "#"))
        ):
            result[-1] = previous_content + content
        else:
            result.append(line)
    return "\n".join(result)


def english_lessons() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def english_lesson(key: str) -> Path:
    """The English notebook ``key`` names: a full name (``05_going_further_transform_coding``) or a
    prefix; two digits name the lesson itself, not its "Going further" notebooks."""
    found = [p for p in english_lessons() if p.stem == key or p.name.startswith(key)]
    if len(found) > 1:
        found = [p for p in found if p.stem == key] or [
            p for p in found if "_going_further_" not in p.stem
        ]
    if len(found) != 1:
        raise SystemExit(f"{key!r} names {len(found)} lessons; give a notebook's full name")
    return found[0]


def chinese_twin(english: Path) -> Path:
    return ZH_NOTEBOOKS / english.name


# The Chinese lessons' first cell: setup_notebook(seed=0, language="zh").
LANGUAGE_ARGUMENT = 'language="zh"'
_SETUP_CALL = re.compile(r"\bsetup_notebook\((?P<args>[^()]*)\)")
_LANGUAGE = re.compile(r",?\s*\blanguage\s*=\s*[\"']zh[\"']\s*")


def chinese_code(source: str) -> str:
    """``source`` with ``language="zh"`` added to its ``setup_notebook(...)`` call (if it has one)."""

    def add(match: re.Match) -> str:
        args = match.group("args").strip()
        if "language" in args:
            return match.group(0)
        return f"setup_notebook({args + ', ' if args else ''}{LANGUAGE_ARGUMENT})"

    return _SETUP_CALL.sub(add, source)


def without_language(source: str) -> str:
    """``source`` without the Chinese lessons' ``language="zh"`` argument: the English code."""

    def drop(match: re.Match) -> str:
        args = _LANGUAGE.sub("", match.group("args")).strip().strip(",").strip()
        return f"setup_notebook({args})"

    return _SETUP_CALL.sub(drop, source)


def source_digest(text: str) -> str:
    """A short digest of an English Markdown cell, stored in its translation."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def code_without_comments(source: str) -> str:
    """Code as Python reads it: comments and trailing spaces dropped (comments may be translated)."""
    try:
        tokens = [
            token
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type != tokenize.COMMENT
        ]
        text = tokenize.untokenize(tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        text = source  # not plain Python (a magic, a half-written cell): compare it as it is
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def build_translation(english: Path, translations: Mapping[str, str]) -> nbformat.NotebookNode:
    """The Chinese twin of ``english``: its cells, outputs dropped, Markdown replaced by ``translations``.

    ``translations`` maps a Markdown cell's id to its Chinese text; every Markdown cell
    needs one. Code cells are copied unchanged.
    """
    notebook = nbformat.read(english, as_version=4)
    markdown_ids = [cell.id for cell in notebook.cells if cell.cell_type == "markdown"]
    missing = [cell_id for cell_id in markdown_ids if cell_id not in translations]
    unknown = sorted(set(translations) - set(markdown_ids))
    if missing or unknown:
        raise SystemExit(
            f"{english.name}: no translation for Markdown cells {missing}; "
            f"translations for cells that are not Markdown cells here: {unknown}"
        )
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.metadata[DIGEST_KEY] = {"source_digest": source_digest(cell.source)}
            cell.source = house_style(join_chinese_lines(translations[cell.id].strip("\n")))
        elif cell.cell_type == "code":
            cell.source = chinese_code(cell.source)
            cell.outputs = []
            cell.execution_count = None
    notebook.metadata.pop("widgets", None)
    return notebook


def write_translation(english: Path, translations: Mapping[str, str]) -> Path:
    """Build and write ``notebooks/zh/<name>``; return its path."""
    notebook = build_translation(english, translations)
    target = chinese_twin(english)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


def parity_problems(english: Path, chinese: Path | None = None) -> list[str]:
    """Everything that keeps ``chinese`` from being ``english``'s current twin (empty: none)."""
    chinese = chinese or chinese_twin(english)
    name = english.name
    if not chinese.exists():
        return [
            f"{name}: no Chinese twin at {chinese.relative_to(ROOT) if chinese.is_relative_to(ROOT) else chinese}"
        ]
    en = nbformat.read(english, as_version=4).cells
    zh = nbformat.read(chinese, as_version=4).cells
    problems = []
    if [(c.cell_type, c.get("id")) for c in en] != [(c.cell_type, c.get("id")) for c in zh]:
        problems.append(
            f"{name}: the Chinese lesson's cells (types and ids) are not the English lesson's, "
            f"cell for cell ({len(zh)} cells against {len(en)})"
        )
        return problems
    for index, (a, b) in enumerate(zip(en, zh)):
        where = f"{name} cell {index} ({a.get('id')})"
        if a.metadata.get("tags", []) != b.metadata.get("tags", []):
            problems.append(
                f"{where}: tags {b.metadata.get('tags', [])} differ from the English {a.metadata.get('tags', [])}"
            )
        if a.cell_type == "code" and code_without_comments(a.source) != code_without_comments(
            without_language(b.source)
        ):
            problems.append(f"{where}: the code differs from the English lesson's")
        elif a.cell_type == "code" and chinese_code(b.source) != b.source:
            problems.append(
                f"{where}: setup_notebook(...) needs {LANGUAGE_ARGUMENT} in the Chinese lesson, "
                "so that its exercises, plots and widgets speak Chinese"
            )
        if a.cell_type == "markdown":
            recorded = b.metadata.get(DIGEST_KEY, {}).get("source_digest")
            if recorded != source_digest(a.source):
                problems.append(
                    f"{where}: the English text changed since it was translated "
                    f"(update the Chinese, then `python scripts/zh_edition.py --restamp {name[:2]}`)"
                )
            if not CJK.search(b.source):
                problems.append(f"{where}: no Chinese in the translation")
    return problems


def localize(executed_english, chinese) -> nbformat.NotebookNode:
    """The executed English notebook with the Chinese Markdown in place: a Chinese page, not run again."""
    page = copy.deepcopy(executed_english)
    by_id = {cell.get("id"): cell for cell in chinese.cells}
    for cell in page.cells:
        twin = by_id.get(cell.get("id"))
        if twin is None or twin.cell_type != cell.cell_type:
            raise ValueError(
                f"cell {cell.get('id')} has no Chinese twin of its kind: run the parity test"
            )
        if cell.cell_type == "markdown":
            cell.source = twin.source
        elif cell.cell_type == "code":
            cell.source = twin.source  # translated comments, same code
    page.metadata["language"] = "zh-CN"
    return page


def restamp(number: str) -> Path:
    """Record that the Chinese cells of lesson ``number`` now translate the current English."""
    english = english_lesson(number)
    chinese = chinese_twin(english)
    en = nbformat.read(english, as_version=4)
    zh = nbformat.read(chinese, as_version=4)
    by_id = {cell.id: cell for cell in en.cells}
    for cell in zh.cells:
        if cell.cell_type == "markdown" and cell.id in by_id:
            cell.metadata[DIGEST_KEY] = {"source_digest": source_digest(by_id[cell.id].source)}
    nbformat.write(zh, chinese)
    return chinese


def sync(number: str) -> tuple[Path, list[str]]:
    """Rebuild lesson ``number``'s twin from the English: its cells, tags and code, the Chinese text kept.

    Use it after changing a lesson's code or adding, moving or deleting cells. Markdown cells
    keep their Chinese text (and digest) by id; a new English Markdown cell gets its English
    text and no digest, so the parity test names it until it is translated. Returns the twin's
    path and the ids of the cells still to translate.
    """
    english = english_lesson(number)
    chinese = chinese_twin(english)
    old = (
        {cell.get("id"): cell for cell in nbformat.read(chinese, as_version=4).cells}
        if chinese.exists()
        else {}
    )
    notebook = nbformat.read(english, as_version=4)
    untranslated = []
    for cell in notebook.cells:
        twin = old.get(cell.get("id"))
        if cell.cell_type == "markdown":
            if twin is not None and twin.cell_type == "markdown":
                cell.source = twin.source
                cell.metadata[DIGEST_KEY] = twin.metadata.get(DIGEST_KEY, {})
            else:
                untranslated.append(cell.id)
        elif cell.cell_type == "code":
            if twin is not None and code_without_comments(
                without_language(twin.source)
            ) == code_without_comments(cell.source):
                cell.source = twin.source  # the same code: keep its translated comments
            cell.source = chinese_code(cell.source)
            cell.outputs = []
            cell.execution_count = None
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, chinese)
    return chinese, untranslated


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="report every lesson whose twin is missing or stale"
    )
    parser.add_argument("--restamp", metavar="NN", help="mark lesson NN's translation as current")
    parser.add_argument(
        "--stale",
        metavar="NN",
        help="print the English cells of lesson NN changed since translated",
    )
    parser.add_argument(
        "--sync",
        metavar="NN",
        help="copy lesson NN's code and cells into its twin, keep the Chinese text",
    )
    args = parser.parse_args(argv)
    if args.sync:
        path, untranslated = sync(args.sync)
        print(
            f"synced {path.relative_to(ROOT)}"
            + (f"; translate the new cells {untranslated}" if untranslated else "")
        )
        return 0
    if args.restamp:
        print(f"restamped {restamp(args.restamp).relative_to(ROOT)}")
        return 0
    if args.stale:
        english = english_lesson(args.stale)
        for problem in parity_problems(english):
            print(problem)
        return 0
    problems = [problem for english in english_lessons() for problem in parity_problems(english)]
    for problem in problems:
        print(problem)
    print(f"{len(english_lessons())} lessons, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
