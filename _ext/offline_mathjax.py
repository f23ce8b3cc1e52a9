"""Serve MathJax from the built site itself instead of a CDN.

Sphinx's default ``mathjax_path`` is a public CDN URL, so a reader without
network access (or behind a firewall that blocks the CDN) sees raw TeX.
``_config.yml`` points ``mathjax_path`` at ``_static/mathjax/`` instead, and
this extension copies MathJax 3 there after each HTML build, from the
``django-static-mathjax`` package on PyPI (its files are plain MathJax; the
package merely ships them in a wheel, so pip can install them).
"""

import shutil
from importlib.util import find_spec
from pathlib import Path

from sphinx.errors import ExtensionError

# The combined component the book loads, and the folders it loads lazily:
# fonts (output), TeX extensions (input), the menu (ui) and accessibility.
PARTS = ("tex-mml-chtml.js", "input", "output", "ui", "a11y", "sre")


def mathjax_source() -> Path:
    spec = find_spec("mathjax")
    locations = spec and spec.submodule_search_locations
    es5 = (Path(next(iter(locations))) / "static" / "mathjax" / "es5"
           if locations else None)
    if es5 is None or not (es5 / PARTS[0]).is_file():
        raise ExtensionError(
            "offline_mathjax: MathJax files not found. Install the pinned "
            "requirements (make install), which include "
            "django-static-mathjax.")
    return es5


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part,
                            dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)


def setup(app):
    mathjax_source()  # fail at start-up, not after a whole build
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
