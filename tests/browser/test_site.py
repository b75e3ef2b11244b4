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

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
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
    page.on("requestfailed", lambda request: failures.append(f"{request.url[:100]} {request.failure}"))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    media = page.evaluate(MEDIA_JS)
    page.screenshot(path=str(screenshot))
    base = urlsplit(url)
    outside = [r for r in requests if not r.startswith("data:") and urlsplit(r).netloc != base.netloc]
    assert not outside, f"{url} loads from the internet (the site must work offline): {outside[:5]}"
    assert not failures, f"{url}: requests failed: {failures[:5]}"
    broken_images = [i["src"] for i in media["images"] if not i["ok"]]
    assert not broken_images, f"{url}: images that did not load: {broken_images}"
    broken_audio = [a for a in media["audio"] if a["error"] is not None or not (a["duration"] or 0) > 0]
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
    if (SITE / lesson).read_text(encoding="utf-8").count("static-widget") and lesson.startswith("05"):
        # The code-size explorer, drawn as it was when the notebook ran: its figure and players.
        widget = checked["page"].locator(".static-widget").first
        assert widget.locator("img").count() and widget.locator("audio").count()
        widget.screenshot(path=str(screenshots / "site-05-explorer.png"))


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
    pending: list[tuple[str, str]] = []  # (page, address with #fragment) to check once pages are known
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
