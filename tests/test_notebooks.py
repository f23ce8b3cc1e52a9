"""Every chapter is a .md/.ipynb pair, in sync, with outputs from one clean
top-to-bottom run. nbval (run on chapters/) then checks that re-executing
each notebook reproduces those outputs."""

import difflib
import json
import re

import nbformat
import pytest

from notebooks import (CHAPTERS, ROOT, chapter_notebooks, chapter_sources,
                       read_pair, toc_files)
from pairs import as_markdown

SOURCES = chapter_sources()
IDS = [p.stem for p in SOURCES]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def test_there_are_chapters():
    assert SOURCES, "no chapter sources found in chapters/"


def test_every_notebook_has_a_markdown_source():
    orphans = [nb.name for nb in chapter_notebooks()
               if not nb.with_suffix(".md").exists()]
    assert not orphans, f"notebooks without a .md pair: {orphans}"


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_pair_is_in_sync(md):
    """The .md that the .ipynb corresponds to is the .md we have: cell
    types, sources and metadata (tags...), and the notebook metadata."""
    assert md.with_suffix(".ipynb").exists(), f"{md.name} has no .ipynb pair"
    stored_nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    from_notebook = as_markdown(stored_nb, md).splitlines(keepends=True)
    source = md.read_text(encoding="utf-8").splitlines(keepends=True)
    diff = "".join(difflib.unified_diff(source, from_notebook, md.name,
                                        f"{md.stem}.ipynb", n=1))
    assert not diff, (
        f"{md.name} and its .ipynb differ: run `make execute "
        f"NB={md.relative_to(ROOT)}` (or `make sync` for prose)\n{diff}")


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_outputs_come_from_one_clean_run(md):
    _, nb = read_pair(md)
    cells = code_cells(nb)
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{md.stem}.ipynb was not executed top to bottom in a fresh kernel "
        f"(execution counts {counts}): run `make execute NB=...`")
    assert any(c.outputs for c in cells), f"{md.stem}.ipynb has no outputs"
    errors = [c.source.splitlines()[0] for c in cells
              if any(o.output_type == "error" for o in c.outputs)
              and "raises-exception" not in c.metadata.get("tags", [])]
    assert not errors, f"cells stored with an error: {errors}"


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_outputs_show_no_machine_paths(md):
    _, nb = read_pair(md)
    text = json.dumps([c.outputs for c in code_cells(nb)])
    found = re.findall(r"(/root/|/home/\w+|/tmp/|/work/|\.venv/)", text)
    assert not found, f"stored outputs show paths of this machine: {found}"


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_code_fits_in_80_columns(md):
    # The rendered book shows 80 columns without a sideways scroll bar
    # (_static/book.css, checked in test_browser.py); longer lines scroll.
    long = [line for cell in code_cells(read_pair(md)[1])
            for line in cell.source.splitlines() if len(line) > 80]
    assert long == [], f"lines over 80 characters: {long}"


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_chapter_has_one_title_and_a_label(md):
    text, _ = read_pair(md)
    first = text.cells[0].source if text.cells[0].cell_type == "markdown" \
        else ""
    assert re.match(r"\(\S+\)=\n# ", first), (
        f"{md.name} must open with a (label)= target and one # title")
    titles = [line for c in text.cells if c.cell_type == "markdown"
              for line in c.source.splitlines() if line.startswith("# ")]
    assert len(titles) == 1, f"{md.name} has {len(titles)} # titles"


def test_toc_and_chapters_agree():
    listed = {f for f in toc_files() if f.startswith("chapters/")}
    present = {f"chapters/{p.stem}" for p in SOURCES}
    assert listed == present, (
        f"in _toc.yml but missing: {sorted(listed - present)}; "
        f"chapters not in _toc.yml: {sorted(present - listed)}")


def test_snippets_are_not_mistaken_for_chapters():
    for md in CHAPTERS.glob("_*.md"):
        assert md not in SOURCES


def _printed_lines(nb):
    """The lines of the text a chapter prints (streams and plain-text
    results; not HTML, images or errors)."""
    for cell in code_cells(nb):
        for out in cell.outputs:
            if out.output_type == "stream":
                yield from out.text.splitlines()
            elif out.output_type == "execute_result" and set(
                    out.data) == {"text/plain"}:
                yield from out.data["text/plain"].splitlines()


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_printed_lines_fit_in_80_columns(md):
    # Like the code: an output line over 80 characters scrolls sideways on
    # a 1280px laptop (tests/test_browser.py), so the prints wrap or
    # reflow their text to fit.
    long = [line for line in _printed_lines(read_pair(md)[1])
            if len(line) > 80]
    assert long == [], f"{len(long)} printed lines over 80 characters: {long}"
