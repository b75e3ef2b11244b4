"""The course website (`make site`) in a real browser, served from 127.0.0.1.

Opens the front page and a lesson in Debian's Chromium and checks that every
image and every audio player loads, that the page asks nothing of the
internet (the site works offline), that the navigation leads from the front
page to the lesson, and that no internal link on any page of the site is
broken (pages, downloads and #anchors).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SITE_DIR", ROOT / "build" / "site"))
LESSON = os.environ.get("SITE_TEST_LESSON", "05_evaluating.html")

pytestmark = [pytest.mark.network, pytest.mark.browser]


@pytest.fixture(scope="module")
def site() -> str:
    """Serve the built site on 127.0.0.1; yield its base URL."""
    if not (SITE / "index.html").exists():
        message = f"No site in {SITE}: run `make site` first (`make test` does)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def lesson_page() -> str:
    if (SITE / LESSON).exists():
        return LESSON
    lessons = sorted(p.name for p in SITE.glob("[0-9][0-9]_*.html"))
    assert lessons, f"the site in {SITE} has no lesson pages"
    return lessons[0]


MEDIA_JS = """async () => {
  const images = [...document.images].map(i => ({src: i.src.slice(0, 80), ok: i.complete && i.naturalWidth > 0}));
  const audio = await Promise.all([...document.querySelectorAll('audio')].map(a => new Promise(resolve => {
      const done = () => resolve({src: (a.currentSrc || '').slice(0, 60), duration: a.duration,
                                  error: a.error ? a.error.code : null});
      if (a.readyState >= 1 || a.error) return done();
      a.addEventListener('loadedmetadata', done, {once: true});
      a.addEventListener('error', done, {once: true});
      a.preload = 'metadata';
      a.load();
      setTimeout(done, 10000);
  })));
  return {images, audio};
}"""


def open_and_check_media(browser, url: str, screenshot: Path) -> dict:
    page = browser.new_page()
    requests, failures = [], []
    page.on("request", lambda request: requests.append(request.url))
    # MathJax measures text with a blank font whose source is about:blank: not a request to anywhere.
    page.on(
        "requestfailed",
        lambda request: (
            request.url.startswith("about:")
            or failures.append(f"{request.url[:100]} {request.failure}")
        ),
    )
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    media = page.evaluate(MEDIA_JS)
    page.screenshot(path=str(screenshot))
    base = urlsplit(url)
    outside = [
        r
        for r in requests
        if not r.startswith(("data:", "about:")) and urlsplit(r).netloc != base.netloc
    ]
    assert not outside, f"{url} loads from the internet (the site must work offline): {outside[:5]}"
    assert not failures, f"{url}: requests failed: {failures[:5]}"
    broken_images = [i["src"] for i in media["images"] if not i["ok"]]
    assert not broken_images, f"{url}: images that did not load: {broken_images}"
    broken_audio = [
        a for a in media["audio"] if a["error"] is not None or not (a["duration"] or 0) > 0
    ]
    assert not broken_audio, f"{url}: audio players that do not play: {broken_audio}"
    return {"page": page, **media}


def test_front_page_and_a_lesson_show_their_plots_and_play_their_audio(site, browser, screenshots):
    front = open_and_check_media(browser, site + "index.html", screenshots / "site-index.png")
    page = front["page"]
    lesson = lesson_page()
    assert page.title() == "Sound Autoencoders"
    # The lesson list leads to the lesson, and the lesson's pager back to the previous page.
    page.locator(f'.site-nav a[href$="{lesson}"]').click()
    page.wait_for_url(site + lesson)
    assert page.locator(".site-nav li.current a").get_attribute("href").endswith(lesson)
    assert page.locator("h1").first.inner_text().strip().startswith(lesson[:2])

    checked = open_and_check_media(browser, site + lesson, screenshots / f"site-{lesson[:-5]}.png")
    assert checked["images"], f"{lesson} shows no plot"
    assert checked["audio"], f"{lesson} has no audio player"
    if (SITE / lesson).read_text(encoding="utf-8").count("static-widget") and lesson.startswith(
        "05"
    ):
        # The code-size explorer, drawn as it was when the notebook ran: its figure and players.
        widget = checked["page"].locator(".static-widget").first
        assert widget.locator("img").count() and widget.locator("audio").count()
        widget.screenshot(path=str(screenshots / "site-05-explorer.png"))


# Chinese drawn in the page's own font, compared with two characters no font has: equal
# pictures mean both came out as the same empty boxes ("tofu").
CHINESE_GLYPHS_JS = """() => {
  const family = getComputedStyle(document.querySelector('.jp-MarkdownOutput')).fontFamily;
  const draw = text => {
    const canvas = document.createElement('canvas');
    canvas.width = 80; canvas.height = 40;
    const context = canvas.getContext('2d');
    context.font = '28px ' + family;
    context.fillText(text, 2, 30);
    return canvas.toDataURL();
  };
  return draw('中文') !== draw('\\uE000\\uE001');
}"""


def test_a_chinese_lesson_shows_chinese_text_with_the_plots_and_players(
    site, chinese_font, browser, screenshots
):
    """Issue #14: the Chinese page of a lesson (its text over the English run's outputs)."""
    lesson = lesson_page()
    chinese = lesson.replace(".html", ".zh.html")
    if not (SITE / chinese).exists():
        message = (
            f"No {chinese} in {SITE}: the Chinese edition (notebooks/zh/) is not in this site."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    checked = open_and_check_media(
        browser, site + chinese, screenshots / f"site-{chinese[:-5]}.png"
    )
    page = checked["page"]
    assert checked["images"] and checked["audio"], f"{chinese}: no plot or no player"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    heading = page.locator("h1").first.inner_text()
    assert heading.startswith(lesson[:2]) and re.search(r"[\u4e00-\u9fff]", heading), heading
    prose = page.locator(".jp-MarkdownOutput").all_inner_texts()
    chinese_characters = sum(len(re.findall(r"[\u4e00-\u9fff]", text)) for text in prose)
    assert chinese_characters > 500, (
        f"{chinese}: only {chinese_characters} Chinese characters of prose"
    )
    assert "程序输出" in page.locator(".language-note").inner_text()
    assert page.evaluate(CHINESE_GLYPHS_JS), (
        f"{chinese}: the Chinese text is drawn as boxes, not characters"
    )
    assert page.locator('.site-nav a[href="index.zh.html"]').count() == 1
    # The switch leads to the same lesson in English, and back.
    page.locator(".language-switch").click()
    page.wait_for_url(site + lesson)
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".language-switch").click()
    page.wait_for_url(site + chinese)
    page.goto(site + "glossary.zh.html#snr", wait_until="load")
    assert page.locator("#snr").count() == 1
    assert "信噪比" in page.locator("#snr").locator("xpath=../following-sibling::*[1]").inner_text()


def page_targets(html: str) -> tuple[set[str], list[str]]:
    """The element ids of a page and the addresses it links to or loads."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    ids = {element["id"] for element in soup.find_all(id=True)}
    ids |= {element["name"] for element in soup.find_all("a", attrs={"name": True})}
    links = [a["href"] for a in soup.find_all("a", href=True)]
    links += [element["src"] for element in soup.find_all(["img", "source", "script"], src=True)]
    links += [link["href"] for link in soup.find_all("link", href=True)]
    return ids, links


def test_no_internal_link_is_broken(site):
    import urllib.error
    import urllib.request

    def fetch(url: str) -> tuple[int, bytes, str]:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            return error.code, b"", ""

    pages: dict[str, set[str]] = {}
    queue, broken, checked = [site + "index.html"], [], 0
    pending: list[
        tuple[str, str]
    ] = []  # (page, address with #fragment) to check once pages are known
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        status, body, kind = fetch(url)
        if status != 200:
            broken.append(f"{url}: HTTP {status}")
            pages[url] = set()
            continue
        if kind != "text/html":
            pages[url] = set()
            continue
        ids, links = page_targets(body.decode("utf-8"))
        pages[url] = ids
        for link in links:
            if link.startswith(("data:", "mailto:", "javascript:")):
                continue
            target = urljoin(url, link)
            if urlsplit(target).netloc != urlsplit(site).netloc:
                continue  # external: GitHub, Binder (not fetched: the tests are offline)
            checked += 1
            address, _, fragment = target.partition("#")
            if fragment:
                pending.append((url, target))
            if address not in pages:
                queue.append(address)
    for source, target in pending:
        address, _, fragment = target.partition("#")
        # As a browser does: the fragment as written, then percent-decoded (nbconvert's
        # heading ids keep their percent-escapes, e.g. "00-%C2%B7-Welcome").
        spellings = {fragment, unquote(fragment), quote(unquote(fragment), safe="")}
        if address in pages and pages[address] and not spellings & pages[address]:
            broken.append(f"{source} -> {target}: no element with id '{unquote(fragment)}'")
    html_pages = [u for u in pages if u.endswith(".html")]
    assert len(html_pages) >= 2, f"the site has too few pages: {html_pages}"
    assert checked > 0
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def math_page() -> str:
    """A page of the site with display math ($$...$$) in it: the capstone, or the first one found."""
    preferred = os.environ.get("SITE_MATH_PAGE", "13_capstone.html")
    candidates = [preferred] + sorted(p.name for p in SITE.glob("*.html"))
    for name in candidates:
        path = SITE / name
        if path.exists() and "$$" in path.read_text(encoding="utf-8"):
            return name
    pytest.fail(f"no page of {SITE} has display math ($$...$$) to typeset", pytrace=False)


MATH_JS = """() => new Promise(resolve => {
  const report = () => {
    const main = document.querySelector('main') || document.body;
    resolve({mathjax: !!window.MathJax, rendered: document.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_CHTML, mjx-container').length,
             errors: document.querySelectorAll('.mjx-merror, merror').length, raw: (main.innerText.match(/\\$\\$/g) || []).length});
  };
  if (!window.MathJax || !window.MathJax.Hub) return report();
  window.MathJax.Hub.Queue(report);  // after the typesetting that startup queued
})"""


def test_equations_are_typeset_by_the_sites_own_mathjax(site, browser, screenshots):
    name = math_page()
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(site + name, wait_until="load")
    assert response is not None and response.ok
    page.wait_for_function(
        "() => !window.MathJax || window.MathJax.isReady === true", timeout=30_000
    )
    math = page.evaluate(MATH_JS)
    assert math["mathjax"], (
        f"{name}: MathJax did not load (is jupyter-server-mathjax installed when the site is built?)"
    )
    assert math["rendered"] > 0 and math["errors"] == 0, f"{name}: {math}"
    assert math["raw"] == 0, f"{name} still shows {math['raw']} raw $$ after typesetting"
    mathjax_requests = [r for r in requests if "mathjax" in r.lower()]
    assert mathjax_requests and all(r.startswith(site) for r in mathjax_requests), mathjax_requests[
        :5
    ]
    page.locator(".MathJax_Display").first.screenshot(path=str(screenshots / "site-math.png"))


def test_docs_pages_and_glossary_anchors_are_on_the_site(site, browser):
    if not (SITE / "glossary.html").exists():
        pytest.skip("docs/glossary.md is not in this site")
    page = browser.new_page()
    page.goto(site + "glossary.html#snr", wait_until="load")
    target = page.locator("#snr")
    assert target.count() == 1, "the glossary page has no #snr anchor (GitHub's slug of '### SNR')"
    assert "SNR" in target.locator("xpath=..").inner_text()


SLIDES = Path(os.environ.get("SLIDES_DIR", ROOT / "build" / "slides"))


def test_slides_open_offline_and_show_a_slide(browser, screenshots):
    """`make slides`: reveal.js slides of lessons 03 and 05, served from their own folder."""
    decks = sorted(SLIDES.glob("*.slides.html"))
    if not decks:
        message = f"No slides in {SLIDES}: run `make slides` first (`make browser` does)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    assert {d.name[:2] for d in decks} >= {"03", "05"}, [d.name for d in decks]

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(SLIDES))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        page = browser.new_page()
        requests, failures = [], []
        page.on("request", lambda request: requests.append(request.url))
        page.on(
            "requestfailed",
            lambda request: (
                request.url.startswith("about:")
                or failures.append(f"{request.url[:100]} {request.failure}")
            ),
        )
        deck = decks[0].name
        response = page.goto(base + deck, wait_until="load")
        assert response is not None and response.ok
        page.wait_for_selector(".reveal.ready", timeout=30_000)  # reveal.js marks itself ready
        state = page.evaluate("""() => ({total: [...document.querySelectorAll('.reveal .slides section')].filter(s => !s.querySelector('section')).length,
            title: (document.querySelector('.reveal .slides section.present h1') || {}).innerText || '',
            visible: !!document.querySelector('.reveal .slides section.present')})""")
        assert state["visible"] and state["total"] >= 4, state
        assert state["title"].strip().startswith(deck[:2]), state
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => !(document.querySelector('.reveal .slides section.present h1') || {}).innerText"
        )
        page.screenshot(path=str(screenshots / f"slides-{deck[:2]}.png"))
        outside = [
            r for r in requests if not r.startswith(("data:", "about:")) and not r.startswith(base)
        ]
        assert not outside, f"the slides load from the internet: {outside[:5]}"
        assert not failures, f"requests failed: {failures[:5]}"
    finally:
        server.shutdown()
        server.server_close()
