"""The student edition (make student, _ext/student_edition.py): every
solution gone from the pages and the downloadable notebooks, every exercise
and everything else kept."""

import os
import sys

import nbformat
import pytest
from sphinx.errors import ExtensionError

from notebooks import HTML, ROOT, build_book, chapter_notebooks, fence_count

sys.path.insert(0, str(ROOT / "_ext"))
import student_edition  # noqa: E402

NOTEBOOKS = chapter_notebooks()


def _fences(nb, name):
    return sum(fence_count(c.source, name)
               for c in nb.cells if c.cell_type == "markdown")


def _solution_code_cells(md_text):
    """Code cells between solution-start and solution-end in the .md."""
    count, inside = 0, False
    for line in md_text.splitlines():
        if line.startswith("```{solution-start}"):
            inside = True
        elif line.startswith("```{solution-end}"):
            inside = False
        elif line.startswith("```{code-cell}") and inside:
            count += 1
    return count


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_solutions_are_cut_and_nothing_else(ipynb):
    nb = nbformat.read(ipynb, 4)
    student = student_edition.strip_solutions(nb)
    assert _fences(nb, "solution-start") > 0
    for fence in ("solution-start", "solution-end"):
        assert _fences(student, fence) == 0, fence
    for fence in ("exercise-start", "exercise-end"):
        assert _fences(student, fence) == _fences(nb, fence), fence
    code = [c for c in nb.cells if c.cell_type == "code"]
    kept = [c for c in student.cells if c.cell_type == "code"]
    cut = _solution_code_cells(ipynb.with_suffix(".md").read_text())
    assert len(kept) == len(code) - cut
    # The kept cells are the chapter's own, in order, outputs and all.
    sources = [c.source for c in code]
    positions = [sources.index(c.source) for c in kept]
    assert positions == sorted(positions)
    assert all(c.outputs == code[i].outputs for c, i in zip(kept, positions))
    assert nb.cells == nbformat.read(ipynb, 4).cells  # input untouched


def test_an_unclosed_solution_is_an_error():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("```{solution-start} ex\n```\n\nText"),
        nbformat.v4.new_code_cell("1 + 1")])
    with pytest.raises(ExtensionError, match="no solution-end"):
        student_edition.strip_solutions(nb)


def test_text_around_the_fences_stays():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(
            "Before.\n\n```{solution-start} ex\n:class: dropdown\n```\n\n"
            "The answer.\n\n```{solution-end}\n```\n\nAfter.")])
    (cell,) = student_edition.strip_solutions(nb).cells
    assert "Before." in cell.source and "After." in cell.source
    assert "answer" not in cell.source


@pytest.mark.slow
def test_student_edition_has_exercises_and_no_solutions(tmp_path,
                                                        build_log):
    result = build_book(ROOT, "--path-output", str(tmp_path),
                        env=dict(os.environ, BOOK_EDITION="student"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    site = tmp_path / "_build" / "html"
    for ipynb in NOTEBOOKS:
        name = f"chapters/{ipynb.stem}"
        page = (site / f"{name}.html").read_text()
        book_page = (HTML / f"{name}.html").read_text()
        assert 'class="solution' in book_page  # the book has them
        assert 'class="solution' not in page, name
        assert page.count('class="exercise') == book_page.count(
            'class="exercise'), name
        assert "(student edition)" in page
        download = nbformat.read(site / "_sources" / f"{name}.ipynb", 4)
        assert _fences(download, "solution-start") == 0, name
        assert _fences(download, "exercise-start") == _fences(
            nbformat.read(ipynb, 4), "exercise-start")


def test_an_unknown_edition_is_refused(monkeypatch):
    from types import SimpleNamespace
    monkeypatch.setenv("BOOK_EDITION", "teacher")
    with pytest.raises(ExtensionError, match="BOOK_EDITION"):
        student_edition._on_config_inited(
            SimpleNamespace(connect=None), SimpleNamespace(html_title="T"))
