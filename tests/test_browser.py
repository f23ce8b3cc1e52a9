"""The built book, opened page by page in a real browser, with no network.

The book is built (the session fixture in conftest.py), served from
_build/html on 127.0.0.1 and opened in headless Chromium driven by
Playwright. Any request that does not go to that server is blocked and
counted as a failure, so the checks below also prove that the site works
offline: MathJax, fonts, scripts, images and animations all come from the
site itself.

For every page of the table of contents: no console errors or uncaught
exceptions, no failed, blocked or 4xx/5xx requests, every formula typeset
by MathJax (no raw TeX left), every image loaded with a non-zero size, no
code cell wider than the text column on a 1280px-wide screen, a
working animation player where the chapter has one, and a screenshot in
_build/screenshots/ (CI keeps them as an artifact). At 1280px and at
390px (a phone): no page scrolls sideways, nothing is cut off at the
screen's edge (wide formulas, outputs and tables scroll in their own box),
one search box, and on the laptop every displayed formula fits the column.
Across pages: the
sidebar links every chapter in order, the next/previous buttons walk the
book, the offline search finds a chapter, and each chapter's
download-as-notebook button serves its .ipynb with outputs.

Chromium comes from the system (Debian's `chromium`, installed by `make
test` through tests/install_chromium.sh) or from $CHROMIUM. Where none
exists the tests skip with instructions, except under CI, where they fail.
"""

import functools
import http.server
import json
import threading
import urllib.request

import pytest

from notebooks import HTML, ROOT, chapter_notebooks, toc_files

# The browser and chromium_path fixtures are in conftest.py.
SCREENSHOTS = ROOT / "_build" / "screenshots"
# Raw TeX that MathJax would have replaced had it run.
RAW_TEX = ["$$", "\\(", "\\)", "\\[", "\\]", "\\begin{", "\\frac", "\\nabla"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site(build_log):
    """Serve _build/html on a free port of 127.0.0.1 for the session."""
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class Visit:
    """One page opened in a fresh tab, with everything that went wrong."""

    def __init__(self, browser, base, path, width=1280):
        self.base, self.problems = base, []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.set_default_timeout(30_000)
        self.page.on("console", self._console)
        self.page.on("pageerror",
                     lambda error: self.problems.append(f"uncaught: {error}"))
        self.page.on("requestfailed", lambda request: self.problems.append(
            f"request failed: {request.url} ({request.failure})"))
        self.page.on("response", self._response)
        self.page.route("**/*", self._only_local)
        self.response = self.page.goto(base + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _only_local(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:"):
            route.continue_()
        else:
            self.problems.append(f"external request blocked: {url}")
            route.abort()

    def close(self):
        self.page.close()


@pytest.fixture
def visit(browser, site):
    opened = []

    def open_page(path, width=1280):
        page = Visit(browser, site, path, width)
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()


def book_pages():
    """The home page, then every page of the table of contents, in order."""
    return ["intro"] + toc_files()


def page_path(name):
    return f"{name}.html"


def neighbours(name):
    pages = book_pages()
    i = pages.index(name)
    return (pages[i - 1] if i > 0 else None,
            pages[i + 1] if i + 1 < len(pages) else None)


def chapters_with_animations():
    """Chapters whose stored outputs hold a matplotlib JS animation."""
    found = []
    for path in chapter_notebooks():
        notebook = json.loads(path.read_text(encoding="utf-8"))
        html = "".join(
            "".join(output.get("data", {}).get("text/html", ""))
            for cell in notebook["cells"] if cell["cell_type"] == "code"
            for output in cell["outputs"])
        if 'class="animation"' in html:
            found.append(f"chapters/{path.stem}")
    return found


def wait_for_math(page):
    """Wait until MathJax has typeset the page; False if it has no math."""
    if page.locator(".math").count() == 0:
        return False
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    return True


PAGE_REPORT = """() => {
  const main = document.querySelector('main') || document.body;
  const maths = [...main.querySelectorAll('.math')];
  const clone = main.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container')
       .forEach(node => node.remove());
  const images = [...document.querySelectorAll('img')].map(img => ({
    src: img.currentSrc.slice(0, 120), complete: img.complete,
    width: img.naturalWidth, height: img.naturalHeight,
    shown: img.getBoundingClientRect().width}));
  const link = selector => {
    const a = document.querySelector(selector);
    return a ? a.href : null;
  };
  return {
    previous: link('a.left-prev'),
    next: link('a.right-next'),
    downloads: [...document.querySelectorAll("a[href$='.ipynb']")]
                 .map(a => a.href),
    scrolling: [...main.querySelectorAll('div.cell_input pre')]
                 .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
                 .map(pre => pre.textContent.split('\\n')[0]),
    untypeset: maths.filter(m => !m.querySelector('mjx-container'))
                    .map(m => m.textContent.slice(0, 80)),
    mathErrors: main.querySelectorAll('mjx-merror').length,
    text: clone.textContent,
    images: images,
  };
}"""


# The two screens the book is checked on: a common laptop and a phone.
SCREENS = {"laptop": 1280, "phone": 390}

LAYOUT_REPORT = """(width) => {
  const visible = e => e.offsetParent !== null
      && e.getBoundingClientRect().width > 0
      && !e.closest('.bd-sidebar-secondary, dialog')
      && (width > 960 || !e.closest('.bd-sidebar-primary'));
  const scrolls = e => ['auto', 'scroll'].includes(
      getComputedStyle(e).overflowX);
  // Whatever sticks out of the viewport must sit in a box that scrolls
  // and itself fits: otherwise it is cut off, or it widens the page.
  const cut = [];
  document.querySelectorAll('main *').forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1
        || e.closest('.bd-sidebar-secondary, .bd-sidebar-primary, dialog'))
      return;
    for (let p = e.parentElement; p; p = p.parentElement)
      if (scrolls(p) && p.getBoundingClientRect().right <= width + 1)
        return;
    cut.push(`${e.tagName}: ${(e.textContent || '').trim().slice(0, 60)}`);
  });
  const searches = [...document.querySelectorAll(
      'form.bd-search, button.search-button, .search-button-field')]
    .filter(visible);
  // A figure squeezed to a small part of its size has unreadable text.
  const squeezed = [...document.querySelectorAll('main img')]
    .filter(img => img.src.includes('_images/') && img.style.width
            && img.getBoundingClientRect().width > 0
            && img.getBoundingClientRect().width
               < 0.4 * parseFloat(img.style.width))
    .map(img => img.src.split('/').pop().slice(0, 12));
  const wideMath = [...document.querySelectorAll(
      'main mjx-container[display="true"]')]
    .filter(m => m.scrollWidth > m.clientWidth + 1)
    .map(m => (m.textContent || '').slice(0, 60));
  return {pageWidth: document.documentElement.scrollWidth,
          cut: [...new Set(cut)].slice(0, 10), squeezed: squeezed,
          searches: searches.length, wideMath: wideMath};
}"""


def assert_page_fits(page, name, width):
    """At ``width`` px (the page's math typeset): the page never scrolls
    sideways, nothing is cut off at its edge (a wide formula, output or
    table scrolls inside its own box), there is one search box, no figure
    is shrunk below 40% of its size, and on the laptop every displayed
    formula fits the column."""
    report = page.evaluate(LAYOUT_REPORT, width)
    assert report["pageWidth"] <= width, f"{name}: the page scrolls sideways"
    assert report["cut"] == [], f"{name}: cut off at {width}px"
    assert report["searches"] == 1, f"{name}: {report['searches']} searches"
    # On a phone no figure is shown below 40% of its size (10-point text
    # would be under 6px tall): wide figures have two panels a row at most.
    assert report["squeezed"] == [], f"{name}: figures too wide for {width}px"
    if width >= SCREENS["laptop"]:
        assert report["wideMath"] == [], f"{name}: formulas scroll"


@pytest.mark.slow
@pytest.mark.parametrize("name", book_pages())
def test_page_fits_a_phone(visit, name):
    # The laptop's width is checked with the rest of each page, below.
    width = SCREENS["phone"]
    page = visit(page_path(name), width).page
    wait_for_math(page)
    assert_page_fits(page, name, width)
    page.screenshot(path=SCREENSHOTS / f"{name.replace('/', '__')}"
                    f"-{width}.png")


@pytest.mark.slow
@pytest.mark.parametrize("name", book_pages())
def test_page_renders_completely_offline(visit, site, name):
    view = visit(page_path(name))
    page = view.page
    assert view.response.ok, f"{name}: HTTP {view.response.status}"
    has_math = wait_for_math(page)
    report = page.evaluate(PAGE_REPORT)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name.replace('/', '__')}.png",
                    full_page=True)

    assert view.problems == [], f"{name}: " + "\n".join(view.problems)
    if name.startswith("chapters/"):
        assert has_math, f"{name}: a chapter without any typeset math?"
    assert report["untypeset"] == [], f"{name}: formulas left as raw TeX"
    assert report["mathErrors"] == 0, f"{name}: MathJax reported errors"
    raw = [tex for tex in RAW_TEX if tex in report["text"]]
    assert raw == [], f"{name}: raw TeX in the rendered text: {raw}"
    broken = [img for img in report["images"]
              if not img["complete"] or img["width"] == 0
              or img["height"] == 0]
    assert broken == [], f"{name}: images that did not load: {broken}"
    if name.startswith("chapters/"):
        figures = [img for img in report["images"]
                   if "_images/" in img["src"] or "data:image" in img["src"]]
        assert figures, f"{name}: a chapter page with no figure"
        # Figures carry twice the pixels they are shown with (sharp on
        # phones and HiDPI screens; lib.use_book_style stores them so).
        soft = [img["src"] for img in figures if "_images/" in img["src"]
                and img["width"] < 1.9 * img["shown"]]
        assert soft == [], f"{name}: figures stored at screen resolution"
        # The download button offers the notebook with its outputs.
        assert site + f"_sources/{name}.ipynb" in report["downloads"]

    # The code (80 columns at most) fits the column on a 1280px screen,
    # and so does the rest of the page.
    assert report["scrolling"] == [], f"{name}: code scrolls sideways"
    assert_page_fits(page, name, SCREENS["laptop"])

    # The previous/next buttons follow the table of contents.
    before, after = neighbours(name)
    assert report["previous"] == (before and site + page_path(before))
    assert report["next"] == (after and site + page_path(after))


@pytest.mark.slow
def test_chinese_is_drawn_in_the_sites_own_font(visit):
    """The glossary's Chinese column uses the CJK font the site serves
    (not whatever the reader's system may have): it loads, from the site."""
    view = visit(page_path("appendix/glossary"))
    faces = view.page.evaluate("""async () => {
        await document.fonts.ready;
        const cell = [...document.querySelectorAll('td')]
            .find(td => /[\u4e00-\u9fff]/.test(td.textContent));
        await document.fonts.load('16px "Book CJK"', cell.textContent);
        return {
          used: document.fonts.check('16px "Book CJK"', cell.textContent),
          status: [...document.fonts].filter(f => f.family.includes(
              'Book CJK')).map(f => f.status),
          family: getComputedStyle(cell).fontFamily};
    }""")
    assert faces["status"] == ["loaded"], faces
    assert faces["used"] and faces["family"].startswith('"Book CJK"'), faces
    assert view.problems == []


@pytest.mark.slow
def test_sidebar_links_every_page_in_book_order(visit, site):
    page = visit(page_path("intro")).page
    links = page.eval_on_selector_all(
        "nav.bd-docs-nav a.reference.internal",
        "links => links.map(a => [a.href, a.textContent.trim()])")
    linked = [href.removeprefix(site).split("#")[0].removesuffix(".html")
              for href, _ in links]
    assert linked == book_pages()

    # Chapters are numbered 1, 2, ... straight through the parts.
    chapters = [text for (href, text), name in zip(links, linked)
                if name.startswith("chapters/")]
    numbers = [text.split(".")[0] for text in chapters]
    assert numbers == [str(n) for n in range(1, len(chapters) + 1)], chapters
    parts = page.eval_on_selector_all(
        "nav.bd-docs-nav p.caption",
        "captions => captions.map(c => c.textContent.trim())")
    numbered = [p for p in parts if p.startswith("Part ")]
    assert [p.split(":")[0] for p in numbered] == [
        "Part I", "Part II", "Part III", "Part IV"], parts


@pytest.mark.slow
def test_next_button_leads_to_the_first_chapter(visit, site):
    # Every page's buttons are checked above by address; this clicks one.
    page = visit(page_path("intro")).page
    page.locator("a.right-next").click()
    page.wait_for_load_state("load")
    assert page.url == site + page_path(toc_files()[0])


@pytest.mark.slow
@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("name", chapters_with_animations())
def test_animation_plays(visit, name, screen):
    width = SCREENS[screen]
    view = visit(page_path(name), width)
    page = view.page
    player = page.locator("div.animation").first
    player.scroll_into_view_if_needed()
    # The whole player fits the column: frame, slider and every button.
    box = player.evaluate("""a => {
        const column = a.closest('.cell_output').getBoundingClientRect();
        const parts = [a.querySelector('img'), ...a.querySelectorAll(
            'button, input.anim-slider')];
        return parts.filter(e => {
            const r = e.getBoundingClientRect();
            return r.left < column.left - 1 || r.right > column.right + 1;
        }).map(e => e.title || e.tagName);
    }""")
    assert box == [], f"{name}: outside the column at {width}px: {box}"
    # Frames with at least the pixels they are shown with, and twice as
    # many on a phone (whose screens have two or three pixels per px).
    natural, shown = player.locator("img").first.evaluate(
        "img => [img.naturalWidth, img.getBoundingClientRect().width]")
    assert natural >= (1.9 if screen == "phone" else 1) * shown, (
        natural, shown)
    frame = player.locator("img").first
    slider = player.locator("input.anim-slider")
    assert frame.evaluate("img => img.naturalWidth") > 0, "no first frame"
    first = frame.get_attribute("src")
    assert int(slider.get_attribute("max")) > 1, "a one-frame animation"
    player.locator("button[title='Next frame']").click()
    assert slider.input_value() == "1"
    assert frame.get_attribute("src") != first, "'next frame' changed nothing"
    assert view.problems == []


def test_some_chapter_has_an_animation():
    # Keeps test_animation_plays from passing by having nothing to check.
    assert chapters_with_animations()


@pytest.mark.slow
@pytest.mark.parametrize("query, chapter", [
    ("Nesterov", "chapters/momentum"),
    ("bias correction", "chapters/adam"),
])
def test_search_works_offline(visit, site, query, chapter):
    view = visit(f"search.html?q={query.replace(' ', '+')}")
    page = view.page
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for()
    found = [href.removeprefix(site).split(".html")[0]
             for href in results.evaluate_all("links => links.map(a => a.href)")]
    assert chapter in found, f"searching {query!r} found {found}"
    assert view.problems == []


@pytest.mark.slow
def test_downloaded_notebooks_carry_their_outputs(site):
    chapters = [name for name in toc_files() if name.startswith("chapters/")]
    for name in chapters:
        with urllib.request.urlopen(site + f"_sources/{name}.ipynb") as reply:
            notebook = json.load(reply)
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert code and any(cell["outputs"] for cell in code), name
