"""How long the book takes: executing each chapter, and building the site.

Both run on a snapshot of the committed files (``git archive HEAD``) in a
temporary folder, so the committed notebooks are never touched and edits
in progress in the working tree are not measured. The kernels import
``lib`` from the environment (the working tree, with ``pip install -e``).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

from .machine import ROOT
from .report import Goal, Section

GOAL_BOOK_SECONDS = 240
GOAL_NOTEBOOK_SECONDS = 45
CELL_TIMEOUT = 600
# The notebook of --quick: one trivial cell, so that the smoke test checks
# the kernel start and the timing in a few seconds.
QUICK_CELL = "sum(range(10))"

SNAPSHOT_NOTE = ("Run on a copy of the committed files (`git archive HEAD`), "
                 "so uncommitted edits are not measured; the kernels import "
                 "lib from the environment (the working tree).")


def snapshot(folder):
    """Extract the committed files into ``folder``."""
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive,
                   check=True)


def toc_files(node):
    """Every file named in a ``_toc.yml`` tree, in order, at any depth
    (parts, chapters, sections), as tests/notebooks.py lists them."""
    if isinstance(node, dict):
        own = [node["file"]] if "file" in node else []
        return own + toc_files(list(node.values()))
    if isinstance(node, list):
        return [name for item in node for name in toc_files(item)]
    return []


def chapter_names(book):
    """The chapters in ``_toc.yml`` order, e.g. 'chapters/ewa'."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    return [name for name in toc_files(toc) if name.startswith("chapters/")]


def _cell_seconds(cell):
    timing = cell.metadata.get("execution", {})
    start = timing.get("iopub.execute_input")
    end = timing.get("shell.execute_reply")
    if start is None or end is None:
        return 0.0
    return (datetime.fromisoformat(end.replace("Z", "+00:00"))
            - datetime.fromisoformat(start.replace("Z", "+00:00"))
            ).total_seconds()


def execute(path):
    """Run a notebook as nbval does, on the CPU; return its timings."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    env = dict(os.environ, BOOK_DEVICE="cpu")
    start = time.perf_counter()
    client.execute(env=env)
    wall = time.perf_counter() - start
    code = [(index, cell) for index, cell in enumerate(nb.cells)
            if cell.cell_type == "code"]
    cells = [(_cell_seconds(cell), index) for index, cell in code]
    return dict(wall=wall, cells=sum(s for s, _ in cells),
                slowest=max(cells, default=(0.0, -1)))


def quick_notebook(folder):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(QUICK_CELL)],
        metadata={"kernelspec": {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}})
    path = folder / "quick.ipynb"
    nbformat.write(nb, path)
    return path


def time_notebook(path, repeats):
    """Median timings of ``repeats`` runs, the slowest cell of the median
    run; None if the notebook fails."""
    try:
        runs = [execute(path) for _ in range(repeats)]
    except Exception as error:  # report it and go on with the others
        print(f"  {path.name} failed: {str(error)[-1000:]}",
              file=sys.stderr)
        return None
    # The run of median wall time (the lower one of two middle runs).
    median_run = sorted(runs, key=lambda r: r["wall"])[(len(runs) - 1) // 2]
    return dict(wall=statistics.median(r["wall"] for r in runs),
                cells=statistics.median(r["cells"] for r in runs),
                slowest=median_run["slowest"])


def run_notebooks(quick=False, repeats=1):
    section = Section(
        "notebooks", "Executing the notebooks (CPU, BOOK_DEVICE=cpu)",
        ["notebook", "wall s", "cells s", "slowest cell", "status"])
    walls, failed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp)
        if quick:
            names = ["quick (one trivial cell)"]
            paths = [quick_notebook(book)]
        else:
            snapshot(book)
            names = chapter_names(book)
            paths = [book / f"{name}.ipynb" for name in names]
        for name, path in zip(names, paths):
            timing = time_notebook(path, repeats)
            if timing is None:
                section.rows.append([name, "", "", "", "FAILED"])
                failed.append(name)
                continue
            seconds, index = timing["slowest"]
            walls.append((timing["wall"], name))
            section.rows.append([name, f"{timing['wall']:.1f}",
                                 f"{timing['cells']:.1f}",
                                 f"#{index}: {seconds:.1f} s", "ok"])
            print(f"  {name}: {timing['wall']:.1f} s", file=sys.stderr)
    total = sum(wall for wall, _ in walls)
    section.rows.append(["whole book (sum)", f"{total:.1f}", "", "", ""])
    section.failures += [f"{name} raised an error or timed out (printed "
                         "on stderr)" for name in failed]
    # A notebook that fails misses both goals: the book does not run.
    missing = f"{', '.join(failed)} failed; " if failed else ""
    slowest = max(walls, default=(0.0, "none"))
    book_time = (f"the others took {total:.1f} s" if failed
                 else f"{total:.1f} s")
    notebook_time = (f"slowest {slowest[1]}, {slowest[0]:.1f} s" if walls
                     else "none ran")
    section.goals += [
        Goal(f"whole book under {GOAL_BOOK_SECONDS} s",
             None if quick else not failed and total < GOAL_BOOK_SECONDS,
             "--quick runs no chapter" if quick else missing + book_time),
        Goal(f"no notebook over {GOAL_NOTEBOOK_SECONDS} s",
             None if quick
             else not failed and slowest[0] <= GOAL_NOTEBOOK_SECONDS,
             missing + notebook_time),
    ]
    section.notes += [
        "wall = starting a fresh kernel and running every cell, as "
        "nbval and `make execute` do (one notebook after another); cells "
        "= the cells' own run times; slowest cell = its index in the "
        "notebook (code and markdown cells counted), in the run of median "
        "wall time.",
        f"Median of {repeats} run(s) per notebook (the default is one: "
        "executing the book is slow). The whole book is the sum of the "
        "notebooks' wall times.",
        SNAPSHOT_NOTE,
    ]
    if quick:
        section.notes.append(
            "--quick: a notebook with one trivial cell, not the chapters; "
            "it checks that starting a kernel and the timing work.")
    return section


def build(book, output):
    """Seconds taken by ``make book``'s build command, and its log."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(book), "-W", "-n",
               "--keep-going", "--path-output", str(output)]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    return (time.perf_counter() - start, result.returncode,
            result.stdout + result.stderr)


def run_build(quick=False, repeats=1):
    section = Section("build", "Building the site (jupyter-book build)",
                      ["build", "seconds", "status"])
    if quick:
        section.notes.append("--quick: not run (a build takes tens of "
                             "seconds).")
        return section
    times = {"first build (empty output folder)": [],
             "cached rebuild (nothing changed)": []}
    failed, log = set(), ""
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        book.mkdir()
        snapshot(book)
        expected = ["index"] + chapter_names(book)
        for index in range(repeats):
            output = Path(tmp) / f"output{index}"
            html = output / "_build" / "html"
            pages = [html / f"{name}.html" for name in expected]
            for kind in times:  # the same output folder twice
                seconds, code, log = build(book, output)
                times[kind].append(seconds)
                if code != 0 or not all(p.exists() for p in pages):
                    failed.add(kind)
                    print(f"  {kind} failed:\n{log[-3000:]}",
                          file=sys.stderr)
    unchanged = "0 added, 0 changed, 0 removed" in log
    section.failures += [f"{kind}: jupyter-book failed or left out a "
                         "chapter's page (its log is on stderr)"
                         for kind in times if kind in failed]
    for kind, seconds in times.items():
        section.rows.append([kind, f"{statistics.median(seconds):.1f}",
                             "FAILED" if kind in failed else "ok"])
    section.notes += [
        "The command of `make book` (`jupyter-book build . -W -n "
        "--keep-going`) with `--path-output` in a temporary folder; the "
        "build renders stored outputs and executes nothing.",
        SNAPSHOT_NOTE,
        f"Median of {repeats} pair(s) of builds. In the second build "
        "Sphinx " + ("found no source changed" if unchanged else
                     "did not report '0 added, 0 changed, 0 removed'")
        + ".",
    ]
    return section
