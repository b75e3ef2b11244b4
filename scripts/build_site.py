"""Build the course website: every notebook, executed, as an HTML page (`make site`).

The site is plain nbconvert HTML (JupyterLab's look) with a lesson list, previous
and next links, and nothing fetched from the internet when it is built or read:

- Notebooks are taken already executed from ``build/executed`` (what
  ``make notebooks`` wrote) when their code there is the same as in
  ``notebooks/``; any other notebook is executed here, with nbclient.
- Plots are inline PNGs and audio players inline WAVs (``data:`` URIs), so
  every page works from a USB stick.
- ipywidgets (the explorers, the training monitor) need a running kernel to
  move; on the site each is drawn as it was when the notebook ran (its figure,
  its players, its controls greyed out) with a link to run it on Binder.
- Links between notebooks (``04_training.ipynb``) point to their pages, the
  README becomes the front page, ``docs/*.md`` (glossary, cheat sheet,
  references, instructors' notes) become pages too, images they show are
  copied, and links to other files of the repository point to the repository
  on GitHub. Every heading also carries GitHub's anchor (``#snr``), so links
  written for GitHub (``../docs/glossary.md#snr``) land on the right line.
- Equations (``$...$``, ``$$...$$``) are typeset by MathJax 2, copied into
  the site from the ``jupyter-server-mathjax`` package at build time.
- Cells tagged ``check`` (a lesson's collapsed asserts) are left out.
- ``--slides`` builds reveal.js slides of lessons 03 and 05 instead
  (``make slides``), with reveal.js, require.js and jQuery copied from npm
  packages at build time into the slides' folder: nothing is fetched when
  they are shown.

Usage: python scripts/build_site.py [--out build/site] [--executed build/executed]
       python scripts/build_site.py --slides [--out build/slides]
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # zh_edition, beside this script
TEMPLATE_DIR = Path(__file__).resolve().parent / "site_template"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
DEFAULT_REPOSITORY = "sound-autoencoders/sound-autoencoders"
SITE_TITLE = "Sound Autoencoders"
DOCS_ORDER = ("glossary", "cheatsheet", "references", "instructors", "capstone_rubric")
HIDDEN_TAGS = {"check"}  # cells left out of the site: a lesson's collapsed asserts
#: The site's languages: page suffix, HTML language code, the switch's label, the chrome's words.
LANGUAGES = {
    "en": {
        "suffix": "",
        "code": "en",
        "name": "English",
        "title": SITE_TITLE,
        "labels": {
            "home": "Home",
            "lessons": "Lessons",
            "reference": "Reference",
            "download": "Download notebook",
            "binder": "Run on Binder",
            "note": "",
        },
    },
    "zh": {
        "suffix": ".zh",
        "code": "zh",
        "html_lang": "zh-CN",
        "name": "中文",
        "title": "声音自编码器 · Sound Autoencoders",
        "labels": {
            "home": "首页",
            "lessons": "课程",
            "reference": "参考",
            "download": "下载笔记本",
            "binder": "在 Binder 上运行",
            "note": (
                "中文页面与英文页面运行的是同一份代码，这里显示的是英文版运行的结果："
                "程序输出（数字、提示、check() 的反馈）保持英文。"
            ),
        },
    },
}


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


# -- which notebooks, executed ---------------------------------------------------------------------
def code_of(notebook) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def executed_notebook(source: Path, executed_dir: Path | None, timeout: int, log=print):
    """The executed version of ``source``: reused from ``executed_dir`` if its code is current."""
    notebook = nbformat.read(source, as_version=4)
    if executed_dir is not None:
        candidate = executed_dir / source.name
        if candidate.exists():
            executed = nbformat.read(candidate, as_version=4)
            outputs = any(
                cell.get("outputs") for cell in executed.cells if cell.cell_type == "code"
            )
            if code_of(executed) == code_of(notebook) and outputs:
                log(
                    f"  {source.name}: reusing {candidate.relative_to(ROOT) if candidate.is_relative_to(ROOT) else candidate}"
                )
                return executed
    from nbclient import NotebookClient

    log(f"  {source.name}: executing (not in {executed_dir or 'any folder'} or changed since)")
    started = time.monotonic()
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(source.parent)}},
    ).execute()
    log(f"  {source.name}: executed in {time.monotonic() - started:.0f} s")
    return notebook


def title_of(notebook, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+?)\s*$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1)
    return fallback


# -- widgets as pictures ---------------------------------------------------------------------------
def _output_html(output: dict) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre>{html.escape(output.get('text', ''))}</pre>"
    data = output.get("data", {})
    if "text/html" in data:
        value = data["text/html"]
        return "".join(value) if isinstance(value, list) else value
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            return f'<img src="data:{mime};base64,{"".join(data[mime]).strip()}" alt="figure">'
    if "image/svg+xml" in data:
        return "".join(data["image/svg+xml"])
    if "text/plain" in data:
        return f"<pre>{html.escape(''.join(data['text/plain']))}</pre>"
    return ""


def _model_ref(value) -> str | None:
    if isinstance(value, str) and value.startswith("IPY_MODEL_"):
        return value[len("IPY_MODEL_") :]
    return None


def _options_and_index(state: dict):
    labels = list(state.get("_options_labels", ()))
    index = state.get("index")
    return labels, index


def widget_html(model_id: str, models: dict, depth: int = 0) -> str:
    """Static HTML for one widget model and its children, as the notebook left it."""
    model = models.get(model_id)
    if model is None or depth > 20:
        return ""
    state = model.get("state", {})
    name = model.get("model_name", "")
    description = html.escape(str(state.get("description", "")))
    label = f"<span>{description}</span>" if description else ""
    if name in (
        "VBoxModel",
        "BoxModel",
        "GridBoxModel",
        "AccordionModel",
        "TabModel",
        "StackModel",
    ):
        children = "".join(
            widget_html(_model_ref(c) or "", models, depth + 1) for c in state.get("children", ())
        )
        return f'<div class="static-widget-column">{children}</div>'
    if name == "HBoxModel":
        children = "".join(
            widget_html(_model_ref(c) or "", models, depth + 1) for c in state.get("children", ())
        )
        return f'<div class="static-widget-row">{children}</div>'
    if name == "OutputModel":
        return "".join(_output_html(output) for output in state.get("outputs", ()))
    if name in ("HTMLModel", "HTMLMathModel"):
        return (
            f'<div class="static-widget-control">{label}<span>{state.get("value", "")}</span></div>'
        )
    if name == "LabelModel":
        return (
            f'<div class="static-widget-control">{html.escape(str(state.get("value", "")))}</div>'
        )
    if name in ("SelectionSliderModel",):
        labels, index = _options_and_index(state)
        current = html.escape(labels[index]) if labels and index is not None else ""
        return (
            f'<label class="static-widget-control">{label}<input type="range" disabled min="0" '
            f'max="{max(len(labels) - 1, 0)}" value="{index or 0}"><output>{current}</output></label>'
        )
    if name.endswith("SliderModel") and "RangeSlider" not in name:
        value = state.get("value", "")
        try:  # as the slider shows it, e.g. ".2f"
            shown = format(value, state.get("readout_format") or "")
        except (TypeError, ValueError):
            shown = str(value)
        return (
            f'<label class="static-widget-control">{label}<input type="range" disabled '
            f'min="{state.get("min", 0)}" max="{state.get("max", 100)}" step="{state.get("step", 1)}" '
            f'value="{value}"><output>{html.escape(shown)}</output></label>'
        )
    if name in ("DropdownModel", "SelectModel", "RadioButtonsModel", "ToggleButtonsModel"):
        labels, index = _options_and_index(state)
        options = "".join(
            f"<option{' selected' if i == index else ''}>{html.escape(str(text))}</option>"
            for i, text in enumerate(labels)
        )
        return f'<label class="static-widget-control">{label}<select disabled>{options}</select></label>'
    if name == "ButtonModel":
        return f"<button disabled>{html.escape(str(state.get('description', 'button')))}</button>"
    if name in ("CheckboxModel", "ToggleButtonModel"):
        checked = " checked" if state.get("value") else ""
        return f'<label class="static-widget-control"><input type="checkbox" disabled{checked}>{description}</label>'
    if "value" in state:
        return f'<div class="static-widget-control">{label}<span>{html.escape(str(state["value"]))}</span></div>'
    return ""


WIDGET_NOTES = {
    "en": (
        "Interactive in JupyterLab: shown here as it was when the notebook ran.{run}",
        "An interactive widget: it works in JupyterLab, not on this page.{run}",
        ' <a href="{url}">Run it on Binder</a> to use it.',
    ),
    "zh": (
        "在 JupyterLab 中可以交互：这里显示的是笔记本运行时的样子。{run}",
        "交互控件：在 JupyterLab 中可用，本页面上不可用。{run}",
        ' <a href="{url}">在 Binder 上运行</a>即可使用。',
    ),
}


def render_widgets(notebook, binder_url: str | None, lang: str = "en") -> int:
    """Replace each widget view in the outputs by its static picture; return how many."""
    shown, inert, run_link = WIDGET_NOTES[lang]
    models = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    count = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", ()):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if not view:
                continue
            inner = widget_html(view.get("model_id", ""), models)
            run = run_link.format(url=html.escape(binder_url)) if binder_url else ""
            note = (shown if inner else inert).format(run=run)
            output["data"] = {
                "text/html": f'<div class="static-widget"><div class="static-widget-note">{note}</div>{inner}</div>',
            }
            count += 1
    notebook.metadata.pop("widgets", None)
    return count


# -- links -----------------------------------------------------------------------------------------
def repository_of(readme: str) -> str:
    match = re.search(r"mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/", readme)
    return match.group(1) if match else DEFAULT_REPOSITORY


class Linker:
    """Rewrites the links and images of one page so they work on the site."""

    def __init__(self, pages: dict[str, str], repository: str, out: Path):
        self.pages = pages  # repository path of a notebook -> its page
        self.repository = repository
        self.out = out
        self.copied: set[str] = set()
        self.unlinked: list[str] = []

    def _repo_path(self, href: str, base: str) -> str:
        path = (Path(base) / href).as_posix() if base else href
        parts: list[str] = []
        for part in path.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(part)
        return "/".join(parts)

    def href(self, href: str, base: str) -> str | None:
        """The site's address for ``href`` found in a file in folder ``base``; None to unlink."""
        split = urlsplit(href)
        if split.scheme or href.startswith(("#", "//", "mailto:", "data:")):
            return href
        path = self._repo_path(split.path, base)
        fragment = f"#{split.fragment}" if split.fragment else ""
        if path in self.pages:
            return self.pages[path] + fragment
        if path.endswith(".ipynb") and path.startswith("notebooks/"):
            return None  # a lesson that is still being written
        if path in ("README.md", ""):
            return "index.html" + fragment
        if (ROOT / path).is_dir():
            return f"https://github.com/{self.repository}/tree/HEAD/{path}"
        return f"https://github.com/{self.repository}/blob/HEAD/{path}{fragment}"

    def image(self, src: str, base: str) -> str | None:
        split = urlsplit(src)
        if split.scheme in ("data",):
            return src
        if split.scheme or src.startswith("//"):
            return None  # the site works offline: no images from elsewhere
        path = self._repo_path(split.path, base)
        if not (ROOT / path).is_file():
            return None
        target = self.out / "_static" / "images" / path.replace("/", "_")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / path, target)
        self.copied.add(path)
        return f"_static/images/{target.name}"

    def rewrite(self, page_html: str, base: str, page: str) -> str:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(page_html, "html.parser")
        main = soup.find("main") or soup
        chrome = ["site-header", "site-nav", "site-pager"]  # the template's own links are right
        for anchor in main.find_all("a", href=True):
            if "anchor-link" in (anchor.get("class") or []) or anchor.find_parent(class_=chrome):
                continue
            new = self.href(anchor["href"], base)
            if new is None:
                self.unlinked.append(f"{page}: {anchor['href']}")
                anchor.unwrap()
            else:
                anchor["href"] = new
        seen: dict[str, int] = {}
        ids = {element["id"] for element in soup.find_all(id=True)}
        for heading in main.find_all(re.compile(r"^h[1-6]$")):
            for link in heading.find_all("a", class_="anchor-link"):
                link.extract()
                text = heading.get_text()
                heading.append(link)
                break
            else:
                text = heading.get_text()
            slug = github_slug(text)
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            slug = f"{slug}-{count}" if count else slug
            if slug and slug not in ids:
                ids.add(slug)
                heading.insert(0, soup.new_tag("span", id=slug, attrs={"class": "github-anchor"}))
        for image in main.find_all("img", src=True):
            new = self.image(image["src"], base)
            if new is None:
                alt = image.get("alt") or ""
                image.replace_with(alt)
            else:
                image["src"] = new
        return str(soup)


# -- the build -------------------------------------------------------------------------------------
def find_mathjax() -> str | None:
    """The folder of a local MathJax 2 (from jupyter-server-mathjax), if installed."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        return None
    folder = Path(jupyter_server_mathjax.__file__).parent / "static"
    return str(folder) if (folder / "MathJax.js").exists() else None


def doc_sources(docs_dir: Path) -> list[Path]:
    """The Markdown files of ``docs_dir`` that become pages: the known ones first, then the rest."""
    if not docs_dir.is_dir():
        return []
    found = {
        path.stem: path
        for path in docs_dir.glob("*.md")
        if path.stem.lower() not in ("readme", "index")
    }
    ordered = [found.pop(stem) for stem in DOCS_ORDER if stem in found]
    return ordered + [found[stem] for stem in sorted(found)]


def _language_pages(
    lang: str, notebooks: list, docs: list, front: tuple[str, str] | None
) -> list[dict]:
    """The pages of one language: its home (``front``: source path, text), lessons, reference pages."""
    suffix = LANGUAGES[lang]["suffix"]
    labels = LANGUAGES[lang]["labels"]
    pages = []
    if front is not None:
        source, text = front
        pages.append(
            {
                "href": f"index{suffix}.html",
                "title": labels["home"],
                "notebook": None,
                "group": None,
                "lang": lang,
                "source": source,
                "base": "",
                "document": nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)]),
            }
        )
    for name, notebook, base, download in notebooks:
        pages.append(
            {
                "href": Path(name).stem + suffix + ".html",
                "title": title_of(notebook, Path(name).stem),
                "notebook": name,
                "group": labels["lessons"],
                "lang": lang,
                "document": notebook,
                "base": base,
                "download": download,
                "source": f"{base}/{name}",
            }
        )
    for doc, base in docs:
        text = doc.read_text(encoding="utf-8")
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
        pages.append(
            {
                "href": doc.stem + suffix + ".html",
                "title": title_of(notebook, doc.stem),
                "notebook": None,
                "group": labels["reference"],
                "lang": lang,
                "document": notebook,
                "base": base,
                "source": f"{base}/{doc.name}",
            }
        )
    return pages


def build(
    notebooks_dir: Path,
    out: Path,
    executed_dir: Path | None,
    timeout: int = 180,
    log=print,
    docs_dir: Path | None = None,
    zh_front: Path | None = None,
) -> dict:
    """Build the site into ``out``; return a summary (pages, widgets, unlinked references).

    English pages are ``NAME.html``. When ``notebooks_dir/zh`` holds Chinese twins of the
    lessons (issue #14), each also gets ``NAME.zh.html``: the executed English notebook
    with the Chinese text in place (same code, so the same outputs: nothing runs twice),
    and every page links to its twin in the other language.
    """
    from nbconvert import HTMLExporter

    started = time.monotonic()
    sources = sorted(notebooks_dir.glob("*.ipynb"))
    if not sources:
        raise SystemExit(f"No notebooks in {notebooks_dir}: nothing to build.")
    if out.exists():
        shutil.rmtree(out)
    (out / "_static").mkdir(parents=True)
    shutil.copyfile(TEMPLATE_DIR / "course" / "site.css", out / "_static" / "site.css")
    mathjax = find_mathjax()
    mathjax_url = None
    if mathjax:
        shutil.copytree(mathjax, out / "_static" / "mathjax")
        mathjax_url = "_static/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"

    readme_path = ROOT / "README.md"
    readme = (
        readme_path.read_text(encoding="utf-8") if readme_path.exists() else f"# {SITE_TITLE}\n"
    )
    repository = repository_of(readme)
    notebooks_rel = (
        notebooks_dir.resolve().relative_to(ROOT).as_posix()
        if notebooks_dir.resolve().is_relative_to(ROOT)
        else "notebooks"
    )

    log(f"Collecting {len(sources)} executed notebooks")
    executed = [
        (source, executed_notebook(source, executed_dir, timeout, log=log)) for source in sources
    ]
    docs_dir = notebooks_dir.parent / "docs" if docs_dir is None else docs_dir
    docs_rel = (
        docs_dir.resolve().relative_to(ROOT).as_posix()
        if docs_dir.resolve().is_relative_to(ROOT)
        else "docs"
    )

    pages = _language_pages(
        "en",
        [(s.name, nb, notebooks_rel, s.name) for s, nb in executed],
        [(doc, docs_rel) for doc in doc_sources(docs_dir)],
        ("README.md", readme),
    )
    zh_dir = notebooks_dir / "zh"
    twins = [
        (source, notebook, zh_dir / source.name)
        for source, notebook in executed
        if (zh_dir / source.name).exists()
    ]
    if twins:
        from zh_edition import localize

        zh_front = zh_front or ROOT / "README.zh-CN.md"
        zh_lessons = []
        for source, notebook, twin in twins:
            (out / "zh").mkdir(exist_ok=True)
            shutil.copyfile(twin, out / "zh" / source.name)
            zh_lessons.append(
                (
                    source.name,
                    localize(notebook, nbformat.read(twin, as_version=4)),
                    f"{notebooks_rel}/zh",
                    f"zh/{source.name}",
                )
            )
        pages += _language_pages(
            "zh",
            zh_lessons,
            [(doc, f"{docs_rel}/zh") for doc in doc_sources(docs_dir / "zh")],
            ("README.zh-CN.md", zh_front.read_text(encoding="utf-8"))
            if zh_front.exists()
            else None,
        )
        log(f"  Chinese edition: {len(twins)} lessons, shown with the English notebooks' outputs")
    hrefs = {page["href"] for page in pages}
    for page in (
        pages
    ):  # the same page in the other language (X.html <-> X.zh.html), else that language's home
        other = "zh" if page["lang"] == "en" else "en"
        stem = page["href"].removesuffix(".html").removesuffix(LANGUAGES[page["lang"]]["suffix"])
        twin = stem + LANGUAGES[other]["suffix"] + ".html"
        home = next((p["href"] for p in pages if p["lang"] == other), None)
        page["alternate"] = twin if twin in hrefs else home
        page["alternate_label"] = LANGUAGES[other]["name"]

    has_math = any(
        re.search(r"\$[^$\n]+\$", cell.source)
        for page in pages
        for cell in page["document"].cells
        if cell.cell_type == "markdown"
    )
    if has_math and not mathjax_url:
        log(
            "  warning: the notebooks contain $math$, which the site shows as TeX source: "
            "`pip install jupyter-server-mathjax` gives the site its own MathJax"
        )
    targets = {page["source"]: page["href"] for page in pages}
    linker = Linker(targets, repository, out)

    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="course", extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS), enabled=True
    )
    if mathjax_url:
        exporter.mathjax_url = mathjax_url
    widgets = 0
    for page in pages:
        language = LANGUAGES[page["lang"]]
        same_language = [p for p in pages if p["lang"] == page["lang"]]
        index = same_language.index(page)
        notebook = copy.deepcopy(page["document"])
        binder = None
        if page["notebook"]:
            binder = (
                f"https://mybinder.org/v2/gh/{repository}/HEAD?urlpath=lab/tree/"
                f"{page['base']}/{page['notebook']}"
            )
            widgets += render_widgets(notebook, binder, page["lang"])
            if page["lang"] == "en":
                shutil.copyfile(notebooks_dir / page["notebook"], out / page["notebook"])
        title = language["title"]
        notebook.metadata["title"] = f"{page['title']} · {title}" if index else title
        site = {
            "title": title,
            "root": "",
            "pages": same_language,
            "mathjax_url": mathjax_url,
            "labels": language["labels"],
            "page": {
                **{k: v for k, v in page.items() if k != "document"},
                "binder": binder,
                "previous": same_language[index - 1] if index > 0 else None,
                "next": same_language[index + 1] if index + 1 < len(same_language) else None,
            },
        }
        exporter.language_code = language[
            "code"
        ]  # nbconvert takes ISO 639-1 only; the page says zh-CN
        body, _ = exporter.from_notebook_node(notebook, resources={"site": site})
        if "html_lang" in language:
            body = body.replace(
                f'<html lang="{language["code"]}">', f'<html lang="{language["html_lang"]}">', 1
            )
        body = linker.rewrite(body, page["base"], page["href"])
        (out / page["href"]).write_text(body, encoding="utf-8")
    summary = {
        "pages": [p["href"] for p in pages],
        "widgets": widgets,
        "unlinked": linker.unlinked,
        "math": bool(has_math and mathjax_url),
        "languages": sorted({p["lang"] for p in pages}),
        "images": sorted(linker.copied),
        "seconds": time.monotonic() - started,
    }
    log(
        f"Wrote {len(pages)} pages ({widgets} widgets drawn as pictures) to {out} "
        f"in {summary['seconds']:.0f} s"
    )
    for reference in linker.unlinked:
        log(f"  not linked (no such page yet): {reference}")
    return summary


# -- slides (make slides) -------------------------------------------------------------------------
SLIDE_LESSONS = ("03_building_the_autoencoder", "05_evaluating")
#: npm packages the slides need, copied into the slides' folder: (package@version, file or folder, to).
SLIDE_VENDOR = (
    ("reveal.js@4.6.0", ".", "reveal.js"),
    ("requirejs@2.3.7", "require.js", "vendor/require.js"),
    ("jquery@3.7.1", "dist/jquery.min.js", "vendor/jquery.min.js"),
)


def npm_package(spec: str, cache: Path, log=print) -> Path:
    """The unpacked folder of an npm package (``name@version``), packed by ``npm pack`` into ``cache``."""
    import subprocess
    import tarfile

    name, _, version = spec.rpartition("@")
    folder = cache / f"{name}-{version}"
    if (folder / "package" / "package.json").exists():
        return folder / "package"
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            f"The slides need the npm package {spec} and there is no `npm` here: "
            "install Node.js (`apt-get install npm`), or copy the package into "
            f"{folder}/package yourself."
        )
    cache.mkdir(parents=True, exist_ok=True)
    log(f"  npm pack {spec}")
    result = subprocess.run(
        [npm, "pack", spec, "--silent", "--pack-destination", str(cache)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise SystemExit(f"`npm pack {spec}` failed: {(result.stderr or result.stdout)[-600:]}")
    tarball = cache / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(folder, filter="data")
    tarball.unlink()
    return folder / "package"


def slide_types(notebook) -> int:
    """Give a lesson without slideshow metadata its slides: a slide per ``##`` section.

    The title cell and every ``##`` section start a slide, ``###`` a sub-slide
    (below it); everything else continues the slide, which scrolls. Cells
    that already say their slide type keep it. Returns how many slides start.
    """
    marked = any(cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells)
    count = 0
    for index, cell in enumerate(notebook.cells):
        if marked:
            count += cell.metadata.get("slideshow", {}).get("slide_type") == "slide"
            continue
        kind = "-"
        if cell.cell_type == "markdown" and (
            index == 0 or re.search(r"^##\s", cell.source, flags=re.MULTILINE)
        ):
            kind = "slide"
        elif cell.cell_type == "markdown" and re.search(r"^###\s", cell.source, flags=re.MULTILINE):
            kind = "subslide"
        cell.metadata["slideshow"] = {"slide_type": kind}
        count += kind == "slide"
    return count


def build_slides(
    notebooks_dir: Path,
    out: Path,
    executed_dir: Path | None,
    lessons=SLIDE_LESSONS,
    timeout: int = 180,
    log=print,
    npm_cache: Path | None = None,
) -> dict:
    """reveal.js slides of ``lessons`` into ``out``, with everything they load beside them."""
    from nbconvert import SlidesExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    started = time.monotonic()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cache = npm_cache or ROOT / "build" / "npm"
    for spec, inside, target in SLIDE_VENDOR:
        source = npm_package(spec, cache, log=log) / inside
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(
                source,
                out / target,
                ignore=shutil.ignore_patterns("node_modules", "test", "examples"),
            )
        else:
            shutil.copyfile(source, out / target)
    for theme in (out / "reveal.js" / "dist" / "theme").glob(
        "*.css"
    ):  # themes @import web fonts: drop them
        css = theme.read_text(encoding="utf-8")
        theme.write_text(re.sub(r"@import url\([^)]*//[^)]*\);?", "", css), encoding="utf-8")
    mathjax = find_mathjax()
    exporter = SlidesExporter(
        template_name="course_slides",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        reveal_url_prefix="reveal.js",
        reveal_scroll=True,
        require_js_url="vendor/require.js",
        jquery_url="vendor/jquery.min.js",
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS), enabled=True
    )
    if mathjax:
        shutil.copytree(mathjax, out / "mathjax")
        exporter.mathjax_url = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
    written = {}
    for lesson in lessons:
        source = notebooks_dir / f"{lesson}.ipynb"
        if not source.exists():
            raise SystemExit(f"No {source}: the slides are made from lessons {', '.join(lessons)}.")
        notebook = copy.deepcopy(executed_notebook(source, executed_dir, timeout, log=log))
        render_widgets(notebook, None)
        slides = slide_types(notebook)
        body, _ = exporter.from_notebook_node(notebook)
        page = out / f"{lesson}.slides.html"
        page.write_text(body, encoding="utf-8")
        written[page.name] = slides
    log(
        f"Wrote slides {', '.join(f'{name} ({n} slides)' for name, n in written.items())} to {out} "
        f"in {time.monotonic() - started:.0f} s"
    )
    return {"slides": written, "math": bool(mathjax)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument(
        "--executed",
        type=Path,
        default=ROOT / "build" / "executed",
        help="reuse executed notebooks from here (make notebooks writes them)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="default: build/site, or build/slides with --slides"
    )
    parser.add_argument("--timeout", type=int, default=180, help="seconds per cell when executing")
    parser.add_argument(
        "--slides", action="store_true", help="build the reveal.js slides of lessons 03 and 05"
    )
    args = parser.parse_args(argv)
    executed = args.executed if args.executed.exists() else None
    if args.slides:
        out = args.out or ROOT / "build" / "slides"
        build_slides(args.notebooks, out, executed, timeout=args.timeout)
        print(f"Open {(out / (SLIDE_LESSONS[0] + '.slides.html')).resolve().as_uri()}")
        return 0
    out = args.out or ROOT / "build" / "site"
    build(args.notebooks, out, executed, args.timeout)
    print(f"Open {(out / 'index.html').resolve().as_uri()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
