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
  README becomes the front page, images it shows are copied, and links to
  other files of the repository point to the repository on GitHub.

Usage: python scripts/build_site.py [--out build/site] [--executed build/executed]
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
TEMPLATE_DIR = Path(__file__).resolve().parent / "site_template"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
DEFAULT_REPOSITORY = "sound-autoencoders/sound-autoencoders"
SITE_TITLE = "Sound Autoencoders"


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
            outputs = any(cell.get("outputs") for cell in executed.cells if cell.cell_type == "code")
            if code_of(executed) == code_of(notebook) and outputs:
                log(f"  {source.name}: reusing {candidate.relative_to(ROOT) if candidate.is_relative_to(ROOT) else candidate}")
                return executed
    from nbclient import NotebookClient

    log(f"  {source.name}: executing (not in {executed_dir or 'any folder'} or changed since)")
    started = time.monotonic()
    NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(source.parent)}},
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
        return value[len("IPY_MODEL_"):]
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
    if name in ("VBoxModel", "BoxModel", "GridBoxModel", "AccordionModel", "TabModel", "StackModel"):
        children = "".join(widget_html(_model_ref(c) or "", models, depth + 1) for c in state.get("children", ()))
        return f'<div class="static-widget-column">{children}</div>'
    if name == "HBoxModel":
        children = "".join(widget_html(_model_ref(c) or "", models, depth + 1) for c in state.get("children", ()))
        return f'<div class="static-widget-row">{children}</div>'
    if name == "OutputModel":
        return "".join(_output_html(output) for output in state.get("outputs", ()))
    if name in ("HTMLModel", "HTMLMathModel"):
        return f'<div class="static-widget-control">{label}<span>{state.get("value", "")}</span></div>'
    if name == "LabelModel":
        return f'<div class="static-widget-control">{html.escape(str(state.get("value", "")))}</div>'
    if name in ("SelectionSliderModel",):
        labels, index = _options_and_index(state)
        current = html.escape(labels[index]) if labels and index is not None else ""
        return (f'<label class="static-widget-control">{label}<input type="range" disabled min="0" '
                f'max="{max(len(labels) - 1, 0)}" value="{index or 0}"><output>{current}</output></label>')
    if name.endswith("SliderModel") and "RangeSlider" not in name:
        value = state.get("value", "")
        try:  # as the slider shows it, e.g. ".2f"
            shown = format(value, state.get("readout_format") or "")
        except (TypeError, ValueError):
            shown = str(value)
        return (f'<label class="static-widget-control">{label}<input type="range" disabled '
                f'min="{state.get("min", 0)}" max="{state.get("max", 100)}" step="{state.get("step", 1)}" '
                f'value="{value}"><output>{html.escape(shown)}</output></label>')
    if name in ("DropdownModel", "SelectModel", "RadioButtonsModel", "ToggleButtonsModel"):
        labels, index = _options_and_index(state)
        options = "".join(
            f'<option{" selected" if i == index else ""}>{html.escape(str(text))}</option>'
            for i, text in enumerate(labels)
        )
        return f'<label class="static-widget-control">{label}<select disabled>{options}</select></label>'
    if name == "ButtonModel":
        return f'<button disabled>{html.escape(str(state.get("description", "button")))}</button>'
    if name in ("CheckboxModel", "ToggleButtonModel"):
        checked = " checked" if state.get("value") else ""
        return f'<label class="static-widget-control"><input type="checkbox" disabled{checked}>{description}</label>'
    if "value" in state:
        return f'<div class="static-widget-control">{label}<span>{html.escape(str(state["value"]))}</span></div>'
    return ""


def render_widgets(notebook, binder_url: str | None) -> int:
    """Replace each widget view in the outputs by its static picture; return how many."""
    models = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    count = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", ()):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if not view:
                continue
            inner = widget_html(view.get("model_id", ""), models)
            run = f' <a href="{html.escape(binder_url)}">Run it on Binder</a> to use it.' if binder_url else ""
            if inner:
                note = f"Interactive in JupyterLab: shown here as it was when the notebook ran.{run}"
            else:
                note = f"An interactive widget: it works in JupyterLab, not on this page.{run}"
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


def build(notebooks_dir: Path, out: Path, executed_dir: Path | None, timeout: int = 180, log=print) -> dict:
    """Build the site into ``out``; return a summary (pages, widgets, unlinked references)."""
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
        mathjax_url = "_static/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"

    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8") if readme_path.exists() else f"# {SITE_TITLE}\n"
    repository = repository_of(readme)
    notebooks_rel = notebooks_dir.resolve().relative_to(ROOT).as_posix() if notebooks_dir.resolve().is_relative_to(ROOT) else "notebooks"

    log(f"Collecting {len(sources)} executed notebooks")
    executed = [(source, executed_notebook(source, executed_dir, timeout, log=log)) for source in sources]
    has_math = any(re.search(r"\$[^$\n]+\$", cell.source) for _, notebook in executed
                   for cell in notebook.cells if cell.cell_type == "markdown")
    if has_math and not mathjax_url:
        log("  warning: the notebooks contain $math$, which the site shows as TeX source: "
            "`pip install jupyter-server-mathjax` gives the site its own MathJax")
    pages = [{"href": "index.html", "title": "Home", "notebook": None}]
    for source, notebook in executed:
        pages.append({"href": source.stem + ".html", "title": title_of(notebook, source.stem),
                      "notebook": source.name})
    linker = Linker({f"{notebooks_rel}/{p['notebook']}": p["href"] for p in pages if p["notebook"]},
                    repository, out)

    exporter = HTMLExporter(template_name="course", extra_template_basedirs=[str(TEMPLATE_DIR)])
    if mathjax_url:
        exporter.mathjax_url = mathjax_url
    front = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(readme)])
    documents = [(pages[0], front, "")] + [
        (page, notebook, notebooks_rel) for page, (_, notebook) in zip(pages[1:], executed)
    ]
    widgets = 0
    for index, (page, notebook, base) in enumerate(documents):
        notebook = copy.deepcopy(notebook)
        binder = None
        if page["notebook"]:
            binder = (f"https://mybinder.org/v2/gh/{repository}/HEAD?urlpath=lab/tree/"
                      f"{notebooks_rel}/{page['notebook']}")
            widgets += render_widgets(notebook, binder)
            shutil.copyfile(notebooks_dir / page["notebook"], out / page["notebook"])
        notebook.metadata["title"] = f"{page['title']} · {SITE_TITLE}" if page["notebook"] else SITE_TITLE
        site = {
            "title": SITE_TITLE, "root": "", "pages": pages, "mathjax_url": mathjax_url,
            "page": {**page, "binder": binder,
                     "previous": pages[index - 1] if index > 0 else None,
                     "next": pages[index + 1] if index + 1 < len(pages) else None},
        }
        body, _ = exporter.from_notebook_node(notebook, resources={"site": site})
        body = linker.rewrite(body, base, page["href"])
        (out / page["href"]).write_text(body, encoding="utf-8")
    summary = {"pages": [p["href"] for p in pages], "widgets": widgets, "unlinked": linker.unlinked,
               "images": sorted(linker.copied), "seconds": time.monotonic() - started}
    log(f"Wrote {len(pages)} pages ({widgets} widgets drawn as pictures) to {out} "
        f"in {summary['seconds']:.0f} s")
    for reference in linker.unlinked:
        log(f"  not linked (no such page yet): {reference}")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--executed", type=Path, default=ROOT / "build" / "executed",
                        help="reuse executed notebooks from here (make notebooks writes them)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--timeout", type=int, default=180, help="seconds per cell when executing")
    args = parser.parse_args(argv)
    build(args.notebooks, args.out, args.executed if args.executed.exists() else None, args.timeout)
    print(f"Open {(args.out / 'index.html').resolve().as_uri()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
