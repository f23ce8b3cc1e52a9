"""Re-execute every notebook a second time, under perturbed arithmetic.

The stored outputs are compared by nbval with a fresh run on the machine
at hand. That alone proves little: a value printed to more digits than it
has would still pass on the machine that stored it and fail on the next
reader's CPU. So every notebook nbval collects is also collected a second
time, as ``chapters/NAME.ipynb[perturbed]``, whose kernel starts with the
settings below. Each changes the order or the kind of floating-point
operations without changing the mathematics, as another CPU, library or
thread count would; an output that differs under them fails the suite.

This is a pytest plugin, loaded by the root ``conftest.py``; ``-p
tests.arithmetic`` loads it elsewhere. ``--no-perturbed`` turns the second
pass off (for a quick run; ``make test`` always runs it).
"""

import os

import pytest
from nbval.plugin import IPyNbFile

# The one place where the perturbation is defined.
PERTURBED = {
    # ATen's CPU kernels (sums, means, element-wise maths) are compiled
    # several times, for AVX-512, AVX2 and plain C++, and the fastest the
    # CPU supports is picked at start-up. "default" forces the plain one:
    # a different split of every reduction and no fused multiply-adds, as
    # on a CPU without those instructions.
    "ATEN_CPU_CAPABILITY": "default",
    # MKL (torch's BLAS on x86: matmul, nn.Linear) likewise picks kernels
    # by CPU, and so rounds differently on Intel and AMD. COMPATIBLE
    # selects the code path that MKL runs identically on every x86 CPU.
    "MKL_CBWR": "COMPATIBLE",
    # One thread instead of one per core: reductions and matrix products
    # are split into different partial sums.
    "OMP_NUM_THREADS": "1",
}
SUFFIX = "[perturbed]"


class PerturbedNotebook(IPyNbFile):
    """nbval's notebook collector, with PERTURBED in its kernel's
    environment (the kernel copies os.environ when it starts)."""

    def setup(self):
        saved = {name: os.environ.get(name) for name in PERTURBED}
        os.environ.update(PERTURBED)
        try:
            super().setup()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def pytest_addoption(parser):
    parser.getgroup("nbval").addoption(
        "--no-perturbed", action="store_true",
        help="do not re-execute notebooks under perturbed arithmetic")


def pytest_collect_file(file_path, parent):
    option = parent.config.option
    if (option.nbval and not option.no_perturbed
            and file_path.suffix == ".ipynb"):
        relative = file_path.relative_to(parent.config.rootpath) \
            if file_path.is_relative_to(parent.config.rootpath) \
            else file_path
        return PerturbedNotebook.from_parent(
            parent, path=file_path, name=file_path.name + SUFFIX,
            nodeid=relative.as_posix() + SUFFIX)
    return None
