"""Build the book exactly as `make book` does, with warnings as errors."""

import pytest

from notebooks import HTML, toc_files


@pytest.mark.slow
def test_build_has_no_warnings(build_log):
    assert "WARNING" not in build_log
    assert "multiple files found" not in build_log


@pytest.mark.slow
def test_build_does_not_execute_notebooks(build_log):
    assert "Executing" not in build_log


@pytest.mark.slow
def test_every_toc_page_is_rendered(build_log):
    for name in toc_files():
        assert (HTML / f"{name}.html").exists(), f"{name}.html not built"


@pytest.mark.slow
def test_first_chapter_shows_figures_and_math(build_log):
    page = (HTML / "chapters" / "gradient_descent.html").read_text()
    assert page.count("<img") >= 3
    for image in HTML.glob("_images/*.png"):
        assert image.stat().st_size > 1000
    assert 'class="math' in page
    assert "Gradient descent by hand" in page


@pytest.mark.slow
def test_math_is_served_from_the_site(build_log):
    page = (HTML / "chapters" / "gradient_descent.html").read_text()
    assert "_static/mathjax/tex-mml-chtml.js" in page
    assert "cdn.jsdelivr.net" not in page
    assert (HTML / "_static" / "mathjax" / "tex-mml-chtml.js").is_file()
    fonts = HTML / "_static" / "mathjax" / "output" / "chtml" / "fonts"
    assert any(fonts.rglob("*.woff"))
