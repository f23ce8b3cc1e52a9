"""Chinese text on the site, in a font the site serves itself.

The glossary gives every term in Chinese, and a few pages quote the source
articles. A reader whose system has no CJK font (most Linux desktops, many
phones set to English) would see empty boxes, and the site must stay
offline-complete, so no web-font service: ``_static/fonts/`` holds a WOFF
subset of Noto Sans CJK SC (SIL Open Font License, text beside it) with
exactly the characters the book uses, and ``_static/book.css`` puts it first
in the font stack for CJK code points only (``unicode-range``).

At every build this extension reads the finished pages and fails the build
(a warning under ``-W``) when a page uses a CJK character the subset lacks,
naming the characters. To add them, regenerate the subset from the full
font (Debian's fonts-noto-cjk):

    .venv/bin/python _ext/cjk_font.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

which collects the characters from the built site (_build/html; run
``make book`` first) and writes the WOFF file.
"""

import re
import sys
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

FONT = Path(__file__).resolve().parents[1] / "_static" / "fonts" / (
    "NotoSansSC-book-subset.woff")
# CJK punctuation, kana, unified ideographs (and extension A),
# compatibility ideographs, full-width forms: the ranges the CSS maps to the
# font.
CJK = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                 "\uf900-\ufaff\uff00-\uffef]")
SC_FACE = "Noto Sans CJK SC"


def cjk_characters(html_dir: Path) -> set[str]:
    """Every CJK character in the text of the pages under ``html_dir``."""
    found = set()
    for page in html_dir.rglob("*.html"):
        found.update(CJK.findall(page.read_text(encoding="utf-8")))
    return found


def font_characters(font: Path = FONT) -> set[str]:
    from fontTools.ttLib import TTFont
    with TTFont(font) as ttf:
        return {chr(code) for code in ttf.getBestCmap()}


def _check_coverage(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    missing = cjk_characters(Path(app.outdir)) - font_characters()
    if missing:
        logger.warning(
            "cjk_font: %d CJK characters on the site are not in %s: %s; "
            "regenerate it (see _ext/cjk_font.py)", len(missing),
            FONT.name, "".join(sorted(missing)))


def write_subset(source: Path, characters: set[str], target: Path = FONT):
    """Write the WOFF subset of the SC face of ``source`` (a .ttc/.otf)."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont
    if source.suffix == ".ttc":
        faces = TTCollection(source).fonts
        font = next(f for f in faces if f["name"].getDebugName(1) == SC_FACE)
    else:
        font = TTFont(source)
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(characters)))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff"
    font.save(target)


def setup(app):
    app.connect("build-finished", _check_coverage)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    html = Path(__file__).resolve().parents[1] / "_build" / "html"
    chars = cjk_characters(html)
    write_subset(Path(sys.argv[1]), chars)
    print(f"wrote {FONT} with {len(chars)} characters")
