"""The PDF of the whole book (make pdf, _ext/pdf_book.py): every page of
the table of contents in it, its math typeset, its figures and its
solutions present."""

import html as html_lib
import os
import re
import unicodedata

import pypdf
import pytest

from notebooks import ROOT, build_book, chapter_notebooks, fence_count

# TeX that MathJax would have replaced had it run before printing.
RAW_TEX = ["$$", "\\frac", "\\eta", "\\begin{", "\\nabla"]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory, chromium_path):
    out = tmp_path_factory.mktemp("pdf")
    target = out / "book.pdf"
    result = build_book(ROOT, "--builder", "singlehtml", "--path-output",
                        str(out), env=dict(os.environ, BOOK_PDF=str(target),
                                           CHROMIUM=chromium_path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    html = (out / "_build" / "singlehtml" / "intro.html").read_text()
    reader = pypdf.PdfReader(target)
    # Each page's text ends with its number (the footer): drop it, so that
    # a sentence running over a page break reads on. NFKC undoes the
    # font's ligatures ("ﬁxed" is "fixed").
    text = unicodedata.normalize("NFKC", " ".join(
        re.sub(r"\s*\d+\s*$", "", page.extract_text())
        for page in reader.pages))
    return reader, text, html


@pytest.mark.slow
def test_pdf_has_every_chapter_and_enough_pages(pdf):
    reader, text, html = pdf
    chapters = chapter_notebooks()
    # About 30 A4 pages a chapter; far fewer means pages went missing.
    assert 15 * len(chapters) < len(reader.pages) < 1000
    words = " ".join(text.split())
    for ipynb in chapters:
        title = re.search(r"^# (.+)$", ipynb.with_suffix(".md").read_text(),
                          re.M).group(1).replace("`", "")
        assert title in words, title


@pytest.mark.slow
def test_pdf_math_is_typeset(pdf):
    _, text, html = pdf
    # Raw TeX may remain only where the page shows code (plot labels).
    code = html_lib.unescape(re.sub(r"<[^>]+>", "", "".join(
        re.findall(r"<pre>(.*?)</pre>", html, re.S))))
    for raw in RAW_TEX:
        assert text.count(raw) <= code.count(raw), raw
    assert text.count("η") > 100  # MathJax's glyphs, as text


@pytest.mark.slow
def test_pdf_has_the_figures_and_solutions(pdf):
    reader, text, html = pdf
    figures = re.findall(r'<img [^>]*src="[^"]+\.png"', html)
    assert figures
    assert sum(len(page.images) for page in reader.pages) >= len(figures)
    solutions = sum(fence_count(ipynb.with_suffix(".md").read_text(),
                                "solution-start")
                    for ipynb in chapter_notebooks())
    assert text.count("Solution to") == solutions
    # And their bodies, which the site folds away: the first words of
    # every solution that opens with a sentence.
    words = " ".join(text.split())
    for ipynb in chapter_notebooks():
        md = ipynb.with_suffix(".md").read_text()
        for opening in re.findall(
                r"^```\{solution-start\}[^\n]*\n(?::[^\n]*\n)*```\n\n"
                r"([A-Z][a-z]+(?: [a-z]+){3})", md, re.M):
            assert opening in words, (ipynb.stem, opening)
