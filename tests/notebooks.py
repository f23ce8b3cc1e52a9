"""Find the book's chapters and read both sides of each jupytext pair."""

import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
HTML = ROOT / "_build" / "html"


def is_notebook_source(md: Path) -> bool:
    """A chapter source starts with a jupytext header; included snippets
    (like _gpu_note.md) do not."""
    return "jupytext:" in md.read_text(encoding="utf-8")[:400]


def chapter_sources() -> list[Path]:
    return sorted(p for p in CHAPTERS.glob("*.md") if is_notebook_source(p))


def chapter_notebooks() -> list[Path]:
    return sorted(CHAPTERS.glob("*.ipynb"))


def fence_count(text: str, directive: str) -> int:
    """How many MyST fences of ``directive`` (``exercise-start``,
    ``solution-start``, ...) open a line of ``text``."""
    return len(re.findall(rf"^```\{{{re.escape(directive)}\}}", text, re.M))


def read_pair(md: Path):
    return (jupytext.read(md),
            nbformat.read(md.with_suffix(".ipynb"), as_version=4))


def toc_files() -> list[str]:
    """Every file named in _toc.yml, without extension."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def build_book(book: Path, *options: str, env=None):
    """Build ``book`` with make book's command (warnings are errors) and
    return the finished process, its output captured as text."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    return subprocess.run(
        [str(jupyter_book), "build", str(book), *options, "-W", "-n",
         "--keep-going"],
        capture_output=True, text=True, cwd=book, env=env)
