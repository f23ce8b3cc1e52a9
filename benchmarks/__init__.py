"""Benchmarks of the book and of ``lib``: run ``python -m benchmarks``.

Sections (``--only NAME`` picks some):

- ``notebooks`` -- execution time of each chapter notebook and of the book
- ``build``     -- a fresh and a cached ``jupyter-book build`` of the site
- ``optim``     -- ``lib.optim`` against ``torch.optim``, per step, with the
  memory-bandwidth floor of a step for context
- ``trainer``   -- ``lib.fit`` against a plain ``DataLoader`` loop

Each section prints a table; all of them, with a description of the
machine, are written to a Markdown file (``benchmarks/RESULTS.md``).
"""
