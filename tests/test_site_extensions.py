"""The book's own Sphinx extensions in _ext/ (the build-level checks are in
test_book.py and test_browser.py)."""

import os
import shutil
import sys
from types import SimpleNamespace

import nbformat
import pytest
from sphinx.builders.html._assets import _JavaScript
from sphinx.errors import ExtensionError

from notebooks import ROOT, build_book

sys.path.insert(0, str(ROOT / "_ext"))
import cjk_font  # noqa: E402
import launch_buttons  # noqa: E402
import unique_scripts  # noqa: E402

REPO = "https://github.com/someone/gd-to-adam"


def test_launch_options_for_a_github_repository():
    options = launch_buttons.launch_options(REPO + ".git/", branch="trunk")
    assert options["repository_url"] == REPO
    assert options["repository_branch"] == "trunk"
    assert options["use_repository_button"] is True
    assert options["launch_buttons"]["colab_url"] == launch_buttons.COLAB_URL
    assert options["launch_buttons"]["binderhub_url"] == (
        launch_buttons.BINDERHUB_URL)


@pytest.mark.parametrize("url", [
    "github.com/someone/gd-to-adam",          # no scheme
    "https://gitlab.com/someone/gd-to-adam",  # Colab reads GitHub only
    "https://github.com/someone",             # no repository
    "https://github.com/a/b/tree/main",       # not the repository's root
])
def test_a_url_the_buttons_cannot_use_is_refused(url):
    with pytest.raises(ExtensionError, match="BOOK_REPOSITORY_URL"):
        launch_buttons.launch_options(url)


def fake_config(**theme_options):
    return SimpleNamespace(html_theme_options=theme_options)


def test_without_the_variable_nothing_changes(monkeypatch):
    monkeypatch.delenv("BOOK_REPOSITORY_URL", raising=False)
    config = fake_config(repository_url="", launch_buttons={})
    launch_buttons.apply_repository_url(None, config)
    assert config.html_theme_options == {"repository_url": "",
                                         "launch_buttons": {}}


def test_the_variable_turns_the_buttons_on(monkeypatch):
    monkeypatch.setenv("BOOK_REPOSITORY_URL", REPO)
    monkeypatch.delenv("BOOK_REPOSITORY_BRANCH", raising=False)
    config = fake_config(
        repository_url="https://github.com/executablebooks/jupyter-book",
        launch_buttons={"jupyterhub_url": "https://hub.example.org",
                        "colab_url": ""})
    launch_buttons.apply_repository_url(None, config)
    options = config.html_theme_options
    assert options["repository_url"] == REPO
    assert options["repository_branch"] == "main"
    assert options["launch_buttons"] == {
        "jupyterhub_url": "https://hub.example.org",  # kept
        "colab_url": launch_buttons.COLAB_URL,
        "binderhub_url": launch_buttons.BINDERHUB_URL,
        "notebook_interface": "jupyterlab",
    }


def test_duplicate_inline_scripts_are_dropped():
    body = "const THEBE_JS_URL = 1"
    context = {"script_files": [
        _JavaScript("_static/a.js"), _JavaScript(None, body=body),
        _JavaScript("", body=body), _JavaScript("_static/a.js"),
        _JavaScript("", body="const other = 2")]}
    unique_scripts.drop_duplicate_scripts(None, "page", "page.html",
                                          context, None)
    assert [(s.filename, s.attributes.get("body"))
            for s in context["script_files"]] == [
        ("_static/a.js", None), (None, body), ("", "const other = 2")]


@pytest.mark.slow
def test_a_book_built_with_a_repository_url_has_launch_buttons(tmp_path):
    # A two-page copy of the book, so that this build takes seconds.
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(ROOT / "_config.yml", book)
    for folder in ("_ext", "_static"):
        shutil.copytree(ROOT / folder, book / folder)
    (book / "intro.md").write_text("# Home\n\nA two-page book.\n")
    (book / "chapters").mkdir()
    # A one-cell notebook rather than a real chapter: real chapters link to
    # each other, and those links would be broken (fatal under -W) here.
    page_source = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# A chapter"),
               nbformat.v4.new_code_cell("1 + 1")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}})
    nbformat.write(page_source, book / "chapters" / "gradient_descent.ipynb")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n"
        "  - file: chapters/gradient_descent\n")
    result = build_book(book, env=dict(os.environ, BOOK_REPOSITORY_URL=REPO))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    page = (book / "_build" / "html" / "chapters" /
            "gradient_descent.html").read_text()
    notebook = "chapters/gradient_descent.ipynb"
    assert (f"{launch_buttons.COLAB_URL}/github/someone/gd-to-adam/blob/main/"
            f"{notebook}") in page
    assert (f"{launch_buttons.BINDERHUB_URL}/v2/gh/someone/gd-to-adam/main"
            f"?urlpath=lab/tree/{notebook}") in page
    assert f'href="{REPO}"' in page


def test_cjk_coverage_names_what_the_font_lacks(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>参数 and 權</p>", encoding="utf-8")  # 權: traditional
    found = cjk_font.cjk_characters(tmp_path)
    assert found == {"参", "数", "權"}
    assert found - cjk_font.font_characters() == {"權"}


@pytest.mark.slow
def test_every_cjk_character_on_the_site_is_in_its_font(build_log):
    from notebooks import HTML
    used = cjk_font.cjk_characters(HTML)
    assert len(used) > 100  # the glossary's Chinese column at least
    assert used <= cjk_font.font_characters(), used - cjk_font.font_characters()
