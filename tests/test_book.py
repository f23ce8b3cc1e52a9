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


def _version():
    import tomllib
    from notebooks import ROOT
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"], ROOT


def test_licence_citation_and_about_page_agree():
    version, root = _version()
    assert "MIT License" in (root / "LICENSE").read_text()
    citation = (root / "CITATION.cff").read_text()
    assert f"\nversion: {version}\n" in citation
    assert "\nlicense: MIT\n" in citation
    assert f"## {version} (" in (root / "CHANGELOG.md").read_text()
    about = (root / "appendix" / "about.md").read_text()
    assert f"**Version {version}.**" in about and f"version {version}" in about
    assert (root / ".github" / "ISSUE_TEMPLATE"
            / "error-in-the-book.md").is_file()


@pytest.mark.slow
def test_about_page_is_on_the_site(build_log):
    version, _ = _version()
    page = (HTML / "appendix" / "about.html").read_text()
    assert "MIT License" in page and f"Version {version}." in page
