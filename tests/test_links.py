"""Every relative link in the lessons, docs/ and the README leads somewhere (issue #11 item 8).

`make lab` and Binder serve the repository's root, so a lesson's `../README.md` or
`../docs/glossary.md#snr` must name a file inside the repository, and an anchor must name a
heading that exists in it (GitHub's slugs for Markdown files, JupyterLab's for notebooks).
The glossary must define every term the lessons may link to, and every lesson ends with
2-4 items to read more.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHINESE_NOTEBOOKS = sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb"))  # issue #14
MARKDOWN_FILES = [
    ROOT / "README.md",
    ROOT / "README.zh-CN.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "zh").glob("*.md")),
]

# The terms lessons link to as ../docs/glossary.md#<slug> (the shared brief of issue #11).
GLOSSARY_TERMS = """
autoencoder encoder decoder code latent-space bottleneck compression-ratio dense-layer
activation-function relu sigmoid mse loss-function gradient-descent backpropagation adam
learning-rate batch step epoch overfitting underfitting early-stopping training-set
validation-set test-set regularization dropout pca sample-rate nyquist frame hop
standardization snr log-spectral-distance stft spectrogram mel mfcc cmvn griffin-lim
kl-divergence vae k-sparse-autoencoder quantization bit-rate codec cross-validation seed
speaker-independent
""".split()

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
HTML_LINK = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.I)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", re.M)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # https:, mailto:, data:, ...


def strip_code(text: str) -> str:
    """Links inside code blocks and code spans are code, not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links_in(text: str) -> list[str]:
    text = strip_code(text)
    return INLINE_LINK.findall(text) + REFERENCE_DEF.findall(text) + HTML_LINK.findall(text)


def heading_text(raw: str) -> str:
    """A heading as rendered: links reduced to their text, code spans to their content."""
    raw = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    return raw.replace("`", "")


def github_slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = heading_text(heading).strip().lower()
    kept = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return kept.replace(" ", "-")


def jupyter_slug(heading: str) -> str:
    """JupyterLab's anchor for a notebook heading: the text, spaces to hyphens (case kept)."""
    return heading_text(heading).strip().replace(" ", "-")


def notebook_markdown(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    ]


def anchors_of(path: Path) -> set[str]:
    if path.suffix == ".ipynb":
        texts, slug = notebook_markdown(path), jupyter_slug
    else:
        texts, slug = [path.read_text(encoding="utf-8")], github_slug
    anchors: set[str] = set()
    for text in texts:
        counts: dict[str, int] = {}
        for _, heading in HEADING.findall(FENCE.sub("", text)):
            base = slug(heading)
            n = counts.get(base, 0)
            counts[base] = n + 1
            anchors.add(base if n == 0 else f"{base}-{n}")
        anchors |= set(re.findall(r"<a\s+(?:id|name)=[\"']([^\"']+)[\"']", text))
    return anchors


def sources() -> list[tuple[Path, str]]:
    found = [
        (path, text) for path in NOTEBOOKS + CHINESE_NOTEBOOKS for text in notebook_markdown(path)
    ]
    found += [(path, path.read_text(encoding="utf-8")) for path in MARKDOWN_FILES if path.exists()]
    return found


def broken_links() -> list[str]:
    problems = []
    for source, text in sources():
        where = source.relative_to(ROOT)
        for link in links_in(text):
            if EXTERNAL.match(link) or link.startswith("//"):
                continue
            target, _, anchor = link.partition("#")
            target = unquote(target.split("?")[0])
            path = (source.parent / target).resolve() if target else source
            if target.startswith("/"):
                problems.append(f"{where}: {link} is absolute; use a path relative to {where}")
                continue
            if ROOT not in path.parents and path != ROOT:
                problems.append(
                    f"{where}: {link} leaves the repository (JupyterLab and Binder serve only it)"
                )
                continue
            if not path.exists():
                problems.append(
                    f"{where}: {link} names {path.relative_to(ROOT)}, which does not exist"
                )
                continue
            if (
                anchor
                and path.suffix in (".md", ".ipynb")
                and unquote(anchor) not in anchors_of(path)
            ):
                problems.append(
                    f"{where}: {link}: no heading with the anchor #{anchor} in {path.relative_to(ROOT)}"
                )
    return problems


def test_the_files_to_check_exist():
    assert len(NOTEBOOKS) >= 11, NOTEBOOKS
    for name in ("glossary", "cheatsheet", "references", "instructors"):
        assert (ROOT / "docs" / f"{name}.md").exists(), f"docs/{name}.md is missing"


def test_every_relative_link_resolves_to_a_file_and_a_heading():
    problems = broken_links()
    assert not problems, "broken links:\n" + "\n".join(problems)


def test_the_readme_links_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = {link.partition("#")[0] for link in links_in(readme)}
    for name in ("glossary", "cheatsheet", "references", "instructors"):
        assert f"docs/{name}.md" in targets, f"README.md does not link docs/{name}.md"
    assert "README.zh-CN.md" in targets, "README.md does not link its Chinese edition"


def test_the_glossary_defines_every_term_once():
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    terms = [github_slug(heading) for hashes, heading in HEADING.findall(text) if hashes == "###"]
    duplicates = sorted({term for term in terms if terms.count(term) > 1})
    assert not duplicates, f"defined twice: {duplicates}"
    missing = sorted(set(GLOSSARY_TERMS) - set(terms))
    assert not missing, f"docs/glossary.md has no '### Term' heading for: {missing}"


def test_the_chinese_glossary_keeps_the_english_anchors():
    """Chinese lessons link ../../docs/zh/glossary.md#snr: the same anchors in both languages."""

    def terms(path):
        return [
            github_slug(h)
            for hashes, h in HEADING.findall(path.read_text(encoding="utf-8"))
            if hashes == "###"
        ]

    assert terms(ROOT / "docs" / "zh" / "glossary.md") == terms(ROOT / "docs" / "glossary.md")


def test_the_corrections_in_lesson_00_quote_numbers_their_lessons_state():
    """Each number in 00's table of the article's corrected claims is in the prose of a lesson the
    row links, where that lesson's check cells assert it: the table cannot drift from the lessons."""
    table = [
        text
        for text in notebook_markdown(ROOT / "notebooks" / "00_welcome.ipynb")
        if "| the article |" in text
    ]
    assert table, "lesson 00 has no table of the article's corrected claims"
    from test_zh_edition import NUMBER, numbers_in  # one reading of "a number" for both tests

    problems, numbers_seen = [], 0
    for row in re.findall(r"^\|(.+)\|\s*$", table[0], re.M)[2:]:
        claim, shown, lessons = [cell.strip() for cell in row.split("|")][-3:]
        linked = re.findall(r"\(([0-9]{2}_[^)#]+\.ipynb)", lessons)
        prose = "\n".join(
            text for name in linked for text in notebook_markdown(ROOT / "notebooks" / name)
        )
        stated = numbers_in(prose)
        for value in NUMBER.findall(strip_code(shown)):
            numbers_seen += 1
            if value.replace(",", "") not in stated:
                problems.append(f"{value} (row '{claim[:40]}') is in none of {linked}")
    assert numbers_seen >= 8, "the table should show the measured numbers"
    assert not problems, "\n".join(problems)


def test_the_checker_catches_a_broken_link_and_a_missing_anchor(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "glossary.md").write_text(
        "# Glossary\n\n### SNR\n\n### Log-spectral distance\n"
    )
    (tmp_path / "README.md").write_text(
        "[ok](docs/glossary.md#snr) [ok too](docs/glossary.md#log-spectral-distance)\n"
        "[missing file](docs/nothing.md) [missing anchor](docs/glossary.md#lsd)\n"
        "`[in code](nowhere.md)` [web](https://example.org/x.md)\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "NOTEBOOKS", [])
    monkeypatch.setattr(sys.modules[__name__], "CHINESE_NOTEBOOKS", [])
    monkeypatch.setattr(sys.modules[__name__], "MARKDOWN_FILES", [tmp_path / "README.md"])
    problems = broken_links()
    assert len(problems) == 2, problems
    assert "docs/nothing.md" in problems[0] and "#lsd" in problems[1]


@pytest.mark.parametrize(
    "heading, slug",
    [
        ("SNR", "snr"),
        ("Log-spectral distance", "log-spectral-distance"),
        ("KL divergence", "kl-divergence"),
        ("k-sparse autoencoder", "k-sparse-autoencoder"),
        ("`make lab` (JupyterLab)", "make-lab-jupyterlab"),
    ],
)
def test_github_slugs(heading, slug):
    assert github_slug(heading) == slug


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lesson_ends_with_two_to_four_items_to_read_more(notebook):
    cells = notebook_markdown(notebook)
    # The section runs from its heading to the next heading or the end of its cell.
    sections = [
        m.group(1)
        for text in cells
        for m in re.finditer(r"^##\s+Read more\s*$(.*?)(?=^#|\Z)", text, re.M | re.S)
    ]
    assert sections, f"{notebook.name} has no '## Read more' section"
    items = re.findall(r"^\s*[-*]\s+\S", sections[-1], re.M)
    assert 2 <= len(items) <= 4, f"{notebook.name}: 'Read more' has {len(items)} items, not 2-4"


def test_glossary_terms_carry_the_anchor_jupyterlab_scrolls_to():
    """JupyterLab's Markdown preview finds `glossary.md#snr` by an element whose data-jupyter-id is
    `snr` (its own heading ids keep the case, `SNR`): each term carries its GitHub slug as one."""
    for path in (ROOT / "docs" / "glossary.md", ROOT / "docs" / "zh" / "glossary.md"):
        text = path.read_text(encoding="utf-8")
        anchors = re.findall(r'<span data-jupyter-id="([^"]+)"></span>\n\n### (.+)', text)
        headings = [heading for hashes, heading in HEADING.findall(text) if hashes == "###"]
        assert [heading for _, heading in anchors] == headings, (
            f"{path.name}: a term without its anchor line"
        )
        assert all(anchor == github_slug(heading) for anchor, heading in anchors), path
