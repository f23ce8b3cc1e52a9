"""Settings for every pytest run in this repository."""

import os

# Every notebook is executed twice: natively and under the perturbed
# arithmetic that tests/arithmetic.py defines.
pytest_plugins = ["tests.arithmetic"]

# The notebooks' stored outputs were computed on a CPU. nbval's kernels
# inherit this environment, so on a GPU machine they still run on the CPU
# and can reproduce those outputs; tests/test_gpu.py covers the CUDA path.
os.environ.setdefault("BOOK_DEVICE", "cpu")
