"""Settings for every pytest run in this repository."""

import os

# Every notebook is executed twice: natively and under the perturbed
# arithmetic that tests/arithmetic.py defines.
pytest_plugins = ["tests.arithmetic"]

# The notebooks' stored outputs were computed on a CPU, and print only what
# every CPU reproduces. nbval's kernels inherit this environment, so on a
# GPU machine they run on the CPU too; tests/test_gpu.py covers CUDA.
os.environ.setdefault("BOOK_DEVICE", "cpu")
