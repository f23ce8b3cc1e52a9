"""Settings for every pytest run in this repository."""

import os

from nbval.plugin import IPyNbCell

# Every notebook is executed twice: natively and under the perturbed
# arithmetic that tests/arithmetic.py defines.
pytest_plugins = ["tests.arithmetic"]

# The notebooks' stored outputs were computed on a CPU, and print only what
# every CPU reproduces. nbval's kernels inherit this environment, so on a
# GPU machine they run on the CPU too; tests/test_gpu.py covers CUDA.
os.environ.setdefault("BOOK_DEVICE", "cpu")


def _run_order(item):
    """Longest work first, so that under pytest-xdist the short unit tests
    fill the gaps at the end: the notebooks (each a chain of cells in one
    kernel), then the tests of the built book (one build, then a browser),
    then everything else. The runs in fresh virtual environments
    (tests/test_outside_repo.py, minutes of installing) start first."""
    if isinstance(item, IPyNbCell) or item.module.__name__.endswith(
            "test_outside_repo"):
        return 0
    return 1 if "build_log" in item.fixturenames else 2


def pytest_collection_modifyitems(items):
    # A stable sort: each notebook's cells keep their order.
    items.sort(key=_run_order)
