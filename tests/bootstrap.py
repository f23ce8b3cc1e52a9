"""The lines that let a chapter run outside the book's repository.

A notebook opened in Colab, on Binder or from the site's download button
has no ``lib`` next to it. Every chapter's setup cell therefore starts with
the same few lines (``BOOTSTRAP``): where ``import lib`` works they do
nothing, so stored outputs and nbval are untouched; where it fails they
``pip install`` the book's package (distribution ``gd-to-adam``) from the
book's repository and the chapter runs unchanged.

The repository is named once, as ``Repository`` under ``[project.urls]``
in pyproject.toml. The chapters carry a copy of it (a notebook opened on
its own can read nothing else), and ``tests/test_outside_repo.py`` checks
that every copy matches; after changing the URL, ``python tests/bootstrap.py``
rewrites the chapters' setup cells and ``make execute`` refreshes them.
"""

import re
import sys
import tomllib
from pathlib import Path

from notebooks import ROOT, chapter_sources

DISTRIBUTION = "gd-to-adam"
FIRST_LINE = "# Outside the book's repository (Colab, Binder, a downloaded"
BOOTSTRAP = f"""\
{FIRST_LINE}
# notebook) `lib` is missing: install the book's package first.
try:
    import lib
except ModuleNotFoundError:
    BOOK_REPOSITORY = "{{url}}"
    %pip install --quiet "{DISTRIBUTION} @ git+{{{{BOOK_REPOSITORY}}}}"
"""


def repository_url(root: Path = ROOT) -> str:
    """The book's repository, from pyproject.toml's [project.urls]."""
    with open(root / "pyproject.toml", "rb") as f:
        urls = tomllib.load(f)["project"].get("urls", {})
    try:
        return urls["Repository"]
    except KeyError:
        raise KeyError("pyproject.toml names no [project.urls] Repository: "
                       "the chapters install lib from it") from None


def bootstrap_lines(url: str | None = None) -> str:
    """The text every chapter's setup cell starts with."""
    return BOOTSTRAP.format(url=url or repository_url())


def setup_cell(md_text: str) -> str:
    """The source of the first code cell of a chapter's MyST text."""
    match = re.search(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", md_text,
                      re.S | re.M)
    if match is None:
        raise ValueError("the chapter has no code cell")
    body = match.group(1)
    # Cell options (":tags: ...") sit at the top of the fence; not code.
    return re.sub(r"\A(?::[^\n]*\n)+", "", body)


def with_bootstrap(md_text: str, url: str | None = None) -> str:
    """``md_text`` with its setup cell starting with the current lines:
    replaced where an older copy stands, inserted where none does."""
    cell = setup_cell(md_text)
    start = md_text.index(cell)
    if cell.startswith(FIRST_LINE):
        old_end = cell.index("\n\n") + 2
        rest = cell[old_end:]
    else:
        rest = cell
    new = bootstrap_lines(url) + "\n" + rest
    return md_text[:start] + new + md_text[start + len(cell):]


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or chapter_sources()
    for md in paths:
        text = md.read_text()
        new = with_bootstrap(text)
        if new != text:
            md.write_text(new)
            print("updated", md)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
