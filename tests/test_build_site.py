"""scripts/build_site.py: pages, links, widgets drawn as pictures, offline, reuse of executed notebooks.

These tests build a site from two tiny notebooks whose outputs are written by
hand, so no kernel starts; tests/browser/test_site.py checks the real site in
a browser.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def build_site():
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "scripts" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png() -> str:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    figure.subplots().plot([0, 1], [1, 0])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


AUDIO = '<audio controls="controls"><source src="data:audio/wav;base64,UklGRg==" type="audio/wav"></audio>'


def widget_state(image: str) -> dict:
    """What nbclient stores for a code-size explorer: a box, a menu, a slider, a line, an output."""

    def model(name, **state):
        return {
            "model_name": name,
            "model_module": "@jupyter-widgets/controls",
            "model_module_version": "2.0.0",
            "state": state,
        }

    return {
        "box": model("VBoxModel", children=["IPY_MODEL_row", "IPY_MODEL_line", "IPY_MODEL_out"]),
        "row": model("HBoxModel", children=["IPY_MODEL_menu", "IPY_MODEL_slider"]),
        "menu": model(
            "DropdownModel", description="clip", _options_labels=["tone", "bell"], index=1
        ),
        "slider": model(
            "SelectionSliderModel",
            description="code size",
            _options_labels=["4", "8", "16"],
            index=2,
        ),
        "line": model("HTMLModel", value="<b>bell</b>, code size <b>16</b>: 12.0 dB SNR"),
        "out": {
            "model_name": "OutputModel",
            "model_module": "@jupyter-widgets/output",
            "state": {
                "outputs": [
                    {
                        "output_type": "display_data",
                        "data": {"image/png": image, "text/plain": "<figure>"},
                        "metadata": {},
                    },
                    {
                        "output_type": "display_data",
                        "data": {"text/html": AUDIO, "text/plain": ""},
                        "metadata": {},
                    },
                ]
            },
        },
    }


def make_course(tmp_path: Path):
    """notebooks/ (clean) and executed/ (with outputs) for lessons 00 and 05."""
    notebooks, executed = tmp_path / "notebooks", tmp_path / "executed"
    notebooks.mkdir()
    executed.mkdir()
    image = png()
    lessons = {
        "00_welcome.ipynb": [
            nbformat.v4.new_markdown_cell(
                "# 00 · Welcome\n\nGo on to [evaluating](05_evaluating.ipynb#1.-Explore), "
                "skip [training](04_training.ipynb), read [the data](../data/README.md)."
            ),
            nbformat.v4.new_code_cell("print('hello')"),
        ],
        "05_evaluating.ipynb": [
            nbformat.v4.new_markdown_cell("# 05 · Evaluating\n\n## 1. Explore"),
            nbformat.v4.new_code_cell("explorer"),
            nbformat.v4.new_code_cell("plot"),
        ],
    }
    for name, cells in lessons.items():
        clean = nbformat.v4.new_notebook(cells=cells)
        nbformat.write(clean, notebooks / name)
        ran = nbformat.from_dict(clean)
        code = [cell for cell in ran.cells if cell.cell_type == "code"]
        code[0].outputs = [nbformat.v4.new_output("stream", text="hello\n")]
        if name.startswith("05"):
            code[0].outputs = [
                nbformat.v4.new_output(
                    "display_data",
                    data={
                        "application/vnd.jupyter.widget-view+json": {
                            "model_id": "box",
                            "version_major": 2,
                            "version_minor": 0,
                        },
                        "text/plain": "VBox(...)",
                    },
                )
            ]
            code[1].outputs = [nbformat.v4.new_output("display_data", data={"image/png": image})]
            ran.metadata["widgets"] = {
                "application/vnd.jupyter.widget-state+json": {
                    "state": widget_state(image),
                    "version_major": 2,
                    "version_minor": 0,
                }
            }
        nbformat.write(ran, executed / name)
    return notebooks, executed


def test_widget_state_becomes_a_static_picture(build_site):
    models = widget_state(png())
    markup = build_site.widget_html("box", models)
    assert markup.count("<img") == 1 and AUDIO in markup
    assert re.search(r"<option selected>bell</option>", markup)
    assert re.search(
        r'<input type="range" disabled min="0" max="2" value="2"><output>16</output>', markup
    )
    assert "12.0 dB SNR" in markup
    assert build_site.widget_html("missing", models) == ""


def test_build_reuses_executed_notebooks_and_links_pages(build_site, tmp_path):
    notebooks, executed = make_course(tmp_path)
    out = tmp_path / "site"
    log = []
    summary = build_site.build(notebooks, out, executed, log=log.append)
    assert summary["pages"] == ["index.html", "00_welcome.html", "05_evaluating.html"]
    assert any("reusing" in line for line in log) and not any("executing" in line for line in log)
    welcome = (out / "00_welcome.html").read_text()
    lesson = (out / "05_evaluating.html").read_text()
    # Links between notebooks go to pages; a lesson not written yet is plain text; other files to GitHub.
    assert 'href="05_evaluating.html#1.-Explore"' in welcome
    assert "04_training" not in re.findall(r'href="([^"]+)"', welcome).__str__()
    assert re.search(r'href="https://github.com/[^"]+/blob/HEAD/data/README.md"', welcome)
    assert "00_welcome.html: 04_training.ipynb" in summary["unlinked"]
    # Navigation on every page, previous/next links, and a download of the clean notebook.
    for page in (welcome, lesson):
        assert (
            'href="index.html"' in page
            and 'href="00_welcome.html"' in page
            and 'href="05_evaluating.html"' in page
        )
    assert re.search(r'<a class="pager-next" href="05_evaluating.html" rel="next">', welcome)
    assert re.search(r'<a class="pager-previous" href="00_welcome.html" rel="prev">', lesson)
    assert (out / "05_evaluating.ipynb").read_text() == (
        notebooks / "05_evaluating.ipynb"
    ).read_text()
    # The widget is drawn from its saved state; nothing is loaded from the internet.
    assert summary["widgets"] == 1
    assert (
        "static-widget" in lesson
        and "<audio" in lesson
        and "data:audio/wav;base64,UklGRg==" in lesson
    )
    assert lesson.count('src="data:image/png') == 2
    assert "application/vnd.jupyter.widget" not in lesson
    for page in (welcome, lesson, (out / "index.html").read_text()):
        assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', page)
    assert (out / "_static" / "site.css").exists()


def test_a_changed_notebook_is_executed_again(build_site, tmp_path, monkeypatch):
    notebooks, executed = make_course(tmp_path)
    changed = nbformat.read(notebooks / "00_welcome.ipynb", as_version=4)
    changed.cells[1].source = "print('changed')"
    nbformat.write(changed, notebooks / "00_welcome.ipynb")
    ran = []

    class FakeClient:
        def __init__(self, notebook, **kwargs):
            self.notebook = notebook
            ran.append(kwargs["resources"]["metadata"]["path"])

        def execute(self):
            self.notebook.cells[1].outputs = [nbformat.v4.new_output("stream", text="changed\n")]

    import nbclient

    monkeypatch.setattr(nbclient, "NotebookClient", FakeClient)
    notebook = build_site.executed_notebook(
        notebooks / "00_welcome.ipynb", executed, timeout=10, log=lambda _: None
    )
    assert ran == [str(notebooks)] and notebook.cells[1].outputs[0].text == "changed\n"
    same = build_site.executed_notebook(
        notebooks / "05_evaluating.ipynb", executed, timeout=10, log=lambda _: None
    )
    assert len(ran) == 1 and same.metadata.get("widgets")


def test_a_float_slider_shows_its_readout_format(build_site):
    models = {
        "z": {
            "model_name": "FloatSliderModel",
            "state": {
                "description": "z[4]",
                "value": -0.2920043468475342,
                "min": -3.0,
                "max": 3.0,
                "step": 0.25,
                "readout_format": ".2f",
            },
        }
    }
    markup = build_site.widget_html("z", models)
    assert "<span>z[4]</span>" in markup and "<output>-0.29</output>" in markup


def test_docs_become_pages_links_are_rewritten_math_is_local_and_checks_are_hidden(
    build_site, tmp_path
):
    notebooks, executed = make_course(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "glossary.md").write_text(
        "# Glossary\n\n### SNR\n\nSee [lesson 05](../notebooks/05_evaluating.ipynb).\n\n"
        "$$\\text{SNR} = 10 \\log_{10} \\frac{P_s}{P_e}$$\n"
    )
    lesson = nbformat.read(executed / "05_evaluating.ipynb", as_version=4)
    lesson.cells[0].source += "\n\nThe [SNR](../docs/glossary.md#snr) of $x$."
    check = nbformat.v4.new_code_cell("assert True\nprint('checks passed: section 1')")
    check.metadata = {"tags": ["check"], "jupyter": {"source_hidden": True}}
    check.outputs = [nbformat.v4.new_output("stream", text="checks passed: section 1\n")]
    lesson.cells.append(check)
    nbformat.write(lesson, executed / "05_evaluating.ipynb")
    clean = nbformat.read(notebooks / "05_evaluating.ipynb", as_version=4)
    clean.cells[0].source = lesson.cells[0].source
    clean.cells.append(nbformat.v4.new_code_cell(check.source, metadata=check.metadata))
    nbformat.write(clean, notebooks / "05_evaluating.ipynb")

    summary = build_site.build(notebooks, tmp_path / "site", executed, log=lambda _: None)
    site = tmp_path / "site"
    assert summary["pages"][-1] == "glossary.html"
    page = (site / "05_evaluating.html").read_text()
    glossary = (site / "glossary.html").read_text()
    assert 'href="glossary.html#snr"' in page and 'href="05_evaluating.html"' in glossary
    assert re.search(r'<span class="github-anchor" id="snr">', glossary) or 'id="snr"' in glossary
    assert "checks passed" not in page and "assert True" not in page  # the check cell is left out
    if build_site.find_mathjax():
        assert summary["math"] and (site / "_static" / "mathjax" / "MathJax.js").exists()
        assert 'src="_static/mathjax/MathJax.js?config=' in glossary
        assert "STIX-Web" in glossary  # the only fonts jupyter-server-mathjax ships
    assert '<li class="nav-group">Reference</li>' in page


def test_github_slugs_match_the_glossary_anchors(build_site):
    assert build_site.github_slug("SNR") == "snr"
    assert build_site.github_slug("Log-spectral distance") == "log-spectral-distance"
    assert build_site.github_slug("k-Sparse autoencoder") == "k-sparse-autoencoder"
    assert build_site.github_slug("Bit rate (kbps)") == "bit-rate-kbps"


def test_lessons_without_slide_metadata_get_a_slide_per_section(build_site):
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 03 · Title"),
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_markdown_cell("Some prose.\n\n## 1. A section"),
            nbformat.v4.new_markdown_cell("### Detail"),
        ]
    )
    assert build_site.slide_types(notebook) == 2
    assert [c.metadata["slideshow"]["slide_type"] for c in notebook.cells] == [
        "slide",
        "-",
        "slide",
        "subslide",
    ]


def test_chinese_twins_become_chinese_pages_with_the_english_outputs(build_site, tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import zh_edition

    notebooks, executed = make_course(tmp_path)
    lesson = nbformat.read(notebooks / "05_evaluating.ipynb", as_version=4)
    lesson.cells[0].source += "\n\nThe [SNR](../docs/glossary.md#snr)."
    nbformat.write(lesson, notebooks / "05_evaluating.ipynb")
    ran = nbformat.read(executed / "05_evaluating.ipynb", as_version=4)
    ran.cells[0].source = lesson.cells[0].source
    nbformat.write(ran, executed / "05_evaluating.ipynb")
    (notebooks / "zh").mkdir()
    title_id = lesson.cells[0].id
    translation = zh_edition.build_translation(
        notebooks / "05_evaluating.ipynb",
        {
            title_id: "# 05 · 评估\n\n## 1. 探索\n\n[信噪比 (SNR)](../../docs/zh/glossary.md#snr)，"
            "回到[首页](../../README.zh-CN.md)。"
        },
    )
    nbformat.write(translation, notebooks / "zh" / "05_evaluating.ipynb")
    docs = tmp_path / "docs"
    (docs / "zh").mkdir(parents=True)
    (docs / "glossary.md").write_text("# Glossary\n\n### SNR\n\nSignal to noise.\n")
    (docs / "zh" / "glossary.md").write_text("# 术语表 · Glossary\n\n### SNR\n\n**信噪比** · SNR\n")
    front = tmp_path / "README.zh-CN.md"
    front.write_text("# 声音自编码器\n\n从[第 05 课](notebooks/zh/05_evaluating.ipynb)开始。\n")

    summary = build_site.build(
        notebooks, tmp_path / "site", executed, log=lambda _: None, zh_front=front
    )
    site = tmp_path / "site"
    assert summary["languages"] == ["en", "zh"]
    assert {"index.zh.html", "05_evaluating.zh.html", "glossary.zh.html"} <= set(summary["pages"])
    assert "00_welcome.zh.html" not in summary["pages"], (
        "a lesson without a twin gets no Chinese page"
    )
    english, chinese = (
        (site / "05_evaluating.html").read_text(),
        (site / "05_evaluating.zh.html").read_text(),
    )
    # The Chinese page: Chinese text, the English run's outputs (the widget and the figure), marked zh-CN.
    assert (
        '<html lang="zh-CN">' in chinese
        and "05 · 评估" in chinese
        and "05 · Evaluating" not in chinese
    )
    assert (
        "static-widget" in chinese
        and "在 Binder 上运行</a>即可使用" in chinese
        and chinese.count('src="data:image/png') == 2
    )
    assert "程序输出" in chinese and "程序输出" not in english
    assert 'href="glossary.zh.html#snr"' in chinese and 'href="index.zh.html"' in chinese
    assert (
        '<a download="" href="zh/05_evaluating.ipynb">' in chinese
        and (site / "zh" / "05_evaluating.ipynb").exists()
    )
    assert "notebooks/zh/05_evaluating.ipynb" in chinese  # Binder opens the Chinese notebook
    # A language switch on every page, to the same page in the other language or to its home.
    switch = re.compile(r'<a class="language-switch" href="([^"]+)"')
    assert switch.findall(english) == ["05_evaluating.zh.html"] and switch.findall(chinese) == [
        "05_evaluating.html"
    ]
    assert switch.findall((site / "00_welcome.html").read_text()) == ["index.zh.html"]
    assert switch.findall((site / "glossary.zh.html").read_text()) == ["glossary.html"]
    assert switch.findall((site / "index.zh.html").read_text()) == ["index.html"]
    # Each language's navigation lists its own pages.
    navigation = chinese.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert (
        '<li class="nav-group">课程</li>' in navigation
        and 'href="05_evaluating.html"' not in navigation
    )
    assert 'href="05_evaluating.zh.html"' in (site / "index.zh.html").read_text()
