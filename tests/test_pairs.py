"""tests/pairs.py, which make sync and make execute use: the .md is the
source, the .ipynb is regenerated from it, and no edit is ever lost."""

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

import pairs
from notebooks import CHAPTERS, ROOT

CHAPTER = "gradient_descent"
PAIRS = [sys.executable, str(ROOT / "tests" / "pairs.py")]


@pytest.fixture
def pair(tmp_path):
    """A copy of a real chapter pair, with the project's jupytext.toml,
    synced once so that the notebook carries its fingerprint."""
    shutil.copy(ROOT / "jupytext.toml", tmp_path)
    for suffix in (".md", ".ipynb"):
        shutil.copy(CHAPTERS / f"{CHAPTER}{suffix}", tmp_path)
    md = tmp_path / f"{CHAPTER}.md"
    pairs.sync(md)
    return md


def run_sync(md, *options):
    return subprocess.run([*PAIRS, *options, str(md)], capture_output=True,
                          text=True)


def first_code_cell(nb):
    return next(c for c in nb.cells if c.cell_type == "code")


def edit_markdown(md, old="import lib", new="import lib  # edited"):
    text = md.read_text()
    assert old in text
    md.write_text(text.replace(old, new, 1))


def save_notebook_as_jupyter_would(md, new_line="x = 1  # edited"):
    """An edit saved by a Jupyter that writes only the .ipynb: a changed
    cell, new execution counts."""
    ipynb = md.with_suffix(".ipynb")
    nb = nbformat.read(ipynb, as_version=4)
    first_code_cell(nb).source += "\n" + new_line
    for number, cell in enumerate(c for c in nb.cells
                                  if c.cell_type == "code"):
        cell.execution_count = 100 + number
    nbformat.write(nb, ipynb)


def test_edited_md_wins_over_a_newer_notebook(pair):
    edit_markdown(pair)
    source = pair.read_text()
    ipynb = pair.with_suffix(".ipynb")
    stored = nbformat.read(ipynb, as_version=4)
    later = os.stat(pair).st_mtime + 60
    os.utime(ipynb, (later, later))  # the notebook looks newer

    result = run_sync(pair)

    assert result.returncode == 0, result.stderr
    assert pair.read_text() == source, "the .md edit was reverted"
    nb = nbformat.read(ipynb, as_version=4)
    assert "import lib  # edited" in first_code_cell(nb).source
    assert pairs.in_sync(pair)
    # Outputs of the cells that did not change are kept.
    unchanged = [(a.outputs, b.outputs) for a, b in zip(stored.cells,
                                                          nb.cells)
                 if a.cell_type == "code" and a.source == b.source]
    assert unchanged and all(a == b for a, b in unchanged)


def test_notebook_saved_alone_is_never_overwritten(pair):
    save_notebook_as_jupyter_would(pair)
    ipynb = pair.with_suffix(".ipynb")
    before = (pair.read_text(), ipynb.read_text())

    result = run_sync(pair)

    assert result.returncode == 1
    assert str(ipynb) in result.stderr
    assert "KEEP=md" in result.stderr and "KEEP=ipynb" in result.stderr
    assert (pair.read_text(), ipynb.read_text()) == before


def test_notebook_edited_after_the_md_is_a_conflict_too(pair):
    edit_markdown(pair)
    save_notebook_as_jupyter_would(pair)
    before = (pair.read_text(), pair.with_suffix(".ipynb").read_text())
    assert run_sync(pair).returncode == 1
    assert (pair.read_text(),
            pair.with_suffix(".ipynb").read_text()) == before


def test_keep_ipynb_writes_the_notebook_cells_into_the_md(pair):
    save_notebook_as_jupyter_would(pair)
    result = run_sync(pair, "--keep", "ipynb")
    assert result.returncode == 0, result.stderr
    assert "x = 1  # edited" in pair.read_text()
    assert pairs.in_sync(pair)
    assert run_sync(pair).returncode == 0  # and the conflict is gone


def test_keep_md_discards_the_notebook_edit(pair):
    source = pair.read_text()
    save_notebook_as_jupyter_would(pair)
    result = run_sync(pair, "--keep", "md")
    assert result.returncode == 0, result.stderr
    assert pair.read_text() == source
    assert pairs.in_sync(pair)


def test_notebook_saved_with_its_pair_is_accepted(pair):
    """JupyterLab with jupytext writes both files: nothing to resolve."""
    save_notebook_as_jupyter_would(pair)
    nb = nbformat.read(pair.with_suffix(".ipynb"), as_version=4)
    pair.write_text(pairs.as_markdown(nb, pair))
    result = run_sync(pair)
    assert result.returncode == 0, result.stderr
    assert run_sync(pair).stdout.strip().endswith("up to date")


def test_a_missing_notebook_is_created(pair):
    pair.with_suffix(".ipynb").unlink()
    assert run_sync(pair).returncode == 0
    assert pairs.in_sync(pair)


@pytest.mark.parametrize("change", [
    ("```{code-cell} ipython3\n#", "```{code-cell} ipython3\n"
     ":tags: [remove-input]\n\n#"),
    ("  display_name: Python 3 (ipykernel)", "  display_name: Python 3"),
], ids=["cell tag", "kernelspec"])
def test_metadata_only_in_the_md_breaks_the_pair(pair, change):
    """Tags and notebook metadata change how a chapter is rendered or run;
    the pair check sees them, not only cell types and sources."""
    assert pairs.in_sync(pair)
    edit_markdown(pair, *change)
    assert not pairs.in_sync(pair)


@pytest.mark.parametrize("target", ["sync", "execute"])
def test_make_targets_go_through_pairs(target):
    dry_run = subprocess.run(
        ["make", "-n", target, f"NB=chapters/{CHAPTER}.md"], cwd=ROOT,
        capture_output=True, text=True)
    assert dry_run.returncode == 0, dry_run.stderr
    assert "tests/pairs.py" in dry_run.stdout
    assert "jupytext --sync" not in dry_run.stdout
