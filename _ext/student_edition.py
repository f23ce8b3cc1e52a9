"""The student edition: the book with every solution taken out.

    BOOK_EDITION=student jupyter-book build . --path-output _build/student

(``make student``) builds the same chapters with each solution removed, on
the pages and in the notebooks the pages' download buttons serve; the
exercises stay. sphinx-exercise's own ``hide_solutions`` cannot do this for
these chapters: a gated solution (``solution-start`` ... ``solution-end``)
spans notebook cells, code cells among them, and with the option set
sphinx-exercise drops only the start marker and then fails on the end
marker (``NotImplementedError: unknown node type: solution_end_node``).

So the solutions are cut from the notebooks themselves, before Sphinx parses
them (the ``source-read`` event) and in the copies it serves for download
(``_sources/``, when the build has finished): everything from a
``solution-start`` fence through the matching ``solution-end`` fence goes,
whole cells where they lie inside, and the text around the fences stays.
Without BOOK_EDITION=student the extension does nothing.
"""

import os
import re
from pathlib import Path

import nbformat
from sphinx.errors import ExtensionError

START = re.compile(r"^```\{solution-start\}[^\n]*\n(?:[^\n]*\n)*?```[ \t]*$\n?",
                   re.M)
END = re.compile(r"^```\{solution-end\}[^\n]*\n```[ \t]*$\n?", re.M)
EDITION = "student"


def strip_solutions(nb):
    """A copy of notebook ``nb`` without its solutions.

    Raises ExtensionError where a solution is not closed, rather than
    dropping the rest of the chapter."""
    nb = nbformat.from_dict(nb)
    cells, inside = [], False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if not inside:
                cells.append(cell)
            continue
        text, kept, pos = cell.source, [], 0
        while True:
            fence = (END if inside else START).search(text, pos)
            if fence is None:
                if not inside:
                    kept.append(text[pos:])
                break
            if not inside:
                kept.append(text[pos:fence.start()])
            inside, pos = not inside, fence.end()
        source = "".join(kept).strip("\n")
        if source.strip():
            cell.source = source
            cells.append(cell)
    if inside:
        raise ExtensionError("student_edition: a solution-start has no "
                             "solution-end")
    nb.cells = cells
    return nb


def _strip_text(text):
    return nbformat.writes(strip_solutions(nbformat.reads(text, 4)))


def _on_source_read(app, docname, source):
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        source[0] = _strip_text(source[0])


def _strip_downloads(app, exception):
    if exception is None:
        for path in Path(app.outdir, "_sources").rglob("*.ipynb"):
            path.write_text(_strip_text(path.read_text(encoding="utf-8")),
                            encoding="utf-8")


def _on_config_inited(app, config):
    edition = os.environ.get("BOOK_EDITION", "").strip()
    if edition not in ("", EDITION):
        raise ExtensionError(f"BOOK_EDITION must be {EDITION!r} or unset, "
                             f"not {edition!r}")
    if edition == EDITION:
        config.html_title = f"{config.html_title} (student edition)"
        app.connect("source-read", _on_source_read)
        app.connect("build-finished", _strip_downloads)


def setup(app):
    app.connect("config-inited", _on_config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
