"""A PDF of the whole book, printed by Chromium from the one-page HTML.

    BOOK_PDF=_build/book.pdf jupyter-book build . --builder singlehtml \\
        --path-output _build/pdf

(``make pdf``). jupyter-book's own ``pdfhtml`` builder prints with a
Chromium that Playwright downloads (none can be downloaded here, and it
starts without the flags Chromium needs as root); this extension does the
same printing with the system's Chromium, the one the browser tests use
(``$CHROMIUM``, else ``chromium`` on the PATH, as tests/install_chromium.sh
installs it).

When the singlehtml build has finished and BOOK_PDF names a file, the page
is served from 127.0.0.1 (so MathJax loads its fonts as it does on the
site), every solution dropdown is opened (a printed book shows them),
MathJax is awaited, and the page is printed to A4 with page numbers.
Raises ExtensionError when no Chromium is found or typesetting fails.
"""

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Chromium headless as root in a sandbox with no network (see the env
# notes in tests/test_browser.py, which imports these).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-dev-shm-usage",
]
A4_MARGINS = {"top": "15mm", "bottom": "18mm", "left": "12mm",
              "right": "12mm"}
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center">'
          '<span class="pageNumber"></span></div>')
# On paper nothing scrolls: code wraps instead of being cut at the right
# edge, the text takes the page's width, and a long cell may break across
# pages rather than leave the rest of one empty.
PRINT_CSS = """
pre { white-space: pre-wrap !important; overflow-wrap: anywhere;
      font-size: 0.8em; }
.bd-main, .bd-content, .bd-article-container, .bd-page-width {
    max-width: none !important; width: 100% !important; }
div.cell, div.cell_input, div.cell_output, div.highlight, pre {
    break-inside: auto !important; }
"""
# Opens what the site folds away: sphinx-togglebutton's dropdowns
# (solutions) and <details> boxes.
EXPAND = """() => {
    document.querySelectorAll('.toggle-hidden').forEach(
        e => e.classList.remove('toggle-hidden'));
    document.querySelectorAll('details').forEach(d => { d.open = true; });
}"""


def find_chromium():
    """Chromium's path: $CHROMIUM, else a Chromium or Chrome on the PATH;
    None when there is none."""
    candidates = [os.environ.get("CHROMIUM", "")]
    candidates += [shutil.which(name) or "" for name in (
        "chromium", "chromium-browser", "google-chrome",
        "google-chrome-stable")]
    return next((c for c in candidates if c and Path(c).exists()), None)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def print_pdf(html_dir: Path, page: str, pdf: Path, chromium: str) -> None:
    """Print ``html_dir/page`` to ``pdf`` (A4) with ``chromium``."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        functools.partial(_QuietHandler, directory=str(html_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium,
                                        args=CHROMIUM_ARGS)
            tab = browser.new_page()
            tab.goto(f"http://127.0.0.1:{server.server_port}/{page}",
                     wait_until="load", timeout=300_000)
            tab.wait_for_function(
                "window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=120_000)
            tab.evaluate("MathJax.startup.promise")
            tab.evaluate(EXPAND)
            tab.add_style_tag(content=PRINT_CSS)
            pdf.parent.mkdir(parents=True, exist_ok=True)
            tab.pdf(path=str(pdf), format="A4", margin=A4_MARGINS,
                    print_background=True, display_header_footer=True,
                    header_template="<span></span>", footer_template=FOOTER)
            browser.close()
    finally:
        server.shutdown()


def _on_build_finished(app, exception):
    target = os.environ.get("BOOK_PDF", "").strip()
    if exception is not None or not target or app.builder.name != (
            "singlehtml"):
        return
    chromium = find_chromium()
    if chromium is None:
        raise ExtensionError("pdf_book: no Chromium found for BOOK_PDF: "
                             "install Debian's chromium (make browser) or "
                             "set CHROMIUM=/path/to/chrome")
    page = f"{app.config.root_doc}.html"  # singlehtml's one page
    pdf = Path(target).resolve()
    try:
        print_pdf(Path(app.outdir), page, pdf, chromium)
    except Exception as error:  # Playwright's errors have no common base
        raise ExtensionError(f"pdf_book: printing {page} failed: "
                             f"{error}") from error
    logger.info(f"pdf_book: wrote {pdf}")


def setup(app):
    app.connect("build-finished", _on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
