"""Keep each chapter's .ipynb in step with its .md, never losing an edit.

``chapters/NAME.md`` is the source: ``NAME.ipynb`` is regenerated from it,
keeping the stored outputs of every cell whose code did not change, until
the next re-execution. File times play no part (they are what made the old
``jupytext --sync`` revert an edited .md when the .ipynb was newer).

To know whether the .ipynb was edited by hand since it was last generated,
each generated notebook carries, in its metadata under ``book``, a hash of
the .md text it is equivalent to (``jupytext.writes`` of the notebook, with
the project's ``jupytext.toml``). Then, for a pair whose sides differ:

- the hash matches the notebook: only the .md changed, so the notebook is
  regenerated from it;
- it does not: the notebook was edited too (saved in a Jupyter that does
  not write the pair), and neither side is overwritten without
  ``--keep md`` (discard the notebook's edits) or ``--keep ipynb`` (write
  the .md from the notebook).

Usage: ``python tests/pairs.py [--keep md|ipynb] chapters/NAME.md ...``
(``make sync`` and ``make execute`` call it). Exit status 1 names each
pair it refused to touch.
"""

import argparse
import copy
import hashlib
import sys
from pathlib import Path

import jupytext
import nbformat
from jupytext.combine import combine_inputs_with_outputs
from jupytext.config import load_jupytext_config

FORMAT = "md:myst"
HASH_KEY = "inputs_sha256"


class PairConflict(Exception):
    """Both sides of a pair were edited since the notebook was generated."""


def _config(md: Path):
    return load_jupytext_config(str(md.resolve().parent))


def as_markdown(nb, md: Path) -> str:
    """The .md text equivalent to ``nb``: every cell's type, source and
    metadata, and the notebook metadata jupytext writes."""
    # A copy, because writes() records the config's filter in the metadata.
    return jupytext.writes(copy.deepcopy(nb), fmt=FORMAT, config=_config(md))


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def in_sync(md: Path) -> bool:
    """True when the .ipynb holds exactly the cells of the .md."""
    ipynb = md.with_suffix(".ipynb")
    return ipynb.exists() and as_markdown(
        nbformat.read(ipynb, as_version=4), md) == md.read_text("utf-8")


def _write_notebook(nb, md: Path):
    nb.metadata.setdefault("book", {})[HASH_KEY] = _fingerprint(
        as_markdown(nb, md))
    nbformat.write(nb, md.with_suffix(".ipynb"))


def sync(md: Path, keep: str | None = None) -> str:
    """Bring ``md``'s notebook up to date with it; return what was done.

    ``keep`` resolves a conflict: ``"md"`` regenerates the notebook from the
    .md even though the notebook was edited, ``"ipynb"`` writes the .md
    from the notebook. Raises PairConflict when both sides were edited and
    ``keep`` is None, FileNotFoundError when ``md`` does not exist.
    """
    md = Path(md)
    ipynb = md.with_suffix(".ipynb")
    source = md.read_text("utf-8")
    if not ipynb.exists():
        _write_notebook(jupytext.reads(source, fmt=FORMAT), md)
        return "created"
    stored = nbformat.read(ipynb, as_version=4)
    stored_text = as_markdown(stored, md)
    notebook_edited = (stored.metadata.get("book", {}).get(HASH_KEY)
                       != _fingerprint(stored_text))
    if stored_text == source:
        if notebook_edited:  # saved by a Jupyter that wrote both sides
            _write_notebook(stored, md)
        return "up to date"
    if keep == "ipynb":
        md.write_text(stored_text, "utf-8")
        _write_notebook(stored, md)
        return "wrote the .md from the notebook"
    if notebook_edited and keep != "md":
        raise PairConflict(
            f"{ipynb} was edited since it was generated from {md}, and the "
            f"two now differ; nothing was written. Either keep the .md and "
            f"discard the notebook's edits:\n"
            f"    make sync KEEP=md NB={md}\n"
            f"or keep the notebook's cells and overwrite the .md:\n"
            f"    make sync KEEP=ipynb NB={md}")
    text = jupytext.reads(source, fmt=FORMAT)
    _write_notebook(combine_inputs_with_outputs(text, stored), md)
    return "regenerated the notebook from the .md"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", choices=["md", "ipynb"])
    parser.add_argument("sources", nargs="+", type=Path)
    args = parser.parse_args(argv)
    status = 0
    for md in args.sources:
        if md.suffix != ".md":
            parser.error(f"{md}: give the chapter's .md, the source")
        try:
            print(f"{md}: {sync(md, args.keep)}")
        except PairConflict as conflict:
            print(f"error: {conflict}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
