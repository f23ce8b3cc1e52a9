"""Memory bandwidth as PyTorch sees it, for the floor of an optimizer step.

An optimizer step updates its tensors in place, so the floor uses two
in-place kernels: add (``a += s * c``: read two arrays, write one of them
back) and scale (``a *= s``: read one, write it back). Two STREAM kernels,
copy (``b = a``) and triad (``a = b + s * c``), which write to a separate
array, are measured for context. Bytes are counted as STREAM counts them:
each array read or written once. The float32 tensors are much larger than
the caches (the caller picks the size). The kernels run in turn and
each rate is a median of repeats.
"""

import statistics
import time

import torch

SCALAR = 3.0   # STREAM's scalar
SIGN = -1.0    # scale by -1: the values keep their size however many runs
# The in-place kernels, the ones an optimizer step is made of.
IN_PLACE = ("in-place add", "in-place scale")


def measure(num_elements, repeats):
    """Median GB/s of each kernel on arrays of ``num_elements`` floats;
    the kernels run in turn, so that a burst of load slows them alike."""
    a, b, c = (torch.rand(num_elements) for _ in range(3))
    size = a.numel() * a.element_size()
    kernels = {  # name: (kernel, bytes it reads and writes)
        "in-place add": (lambda: a.add_(c, alpha=SCALAR), 3 * size),
        "in-place scale": (lambda: a.mul_(SIGN), 2 * size),
        "copy": (lambda: b.copy_(a), 2 * size),
        "triad": (lambda: torch.add(b, c, alpha=SCALAR, out=a), 3 * size),
    }
    for kernel, _ in kernels.values():  # a warm-up, not timed
        kernel()
    rates = {name: [] for name in kernels}
    for _ in range(repeats):
        for name, (kernel, num_bytes) in kernels.items():
            start = time.perf_counter()
            kernel()
            rates[name].append(num_bytes / (time.perf_counter() - start)
                               / 1e9)
    return {name: statistics.median(r) for name, r in rates.items()}


def floor_rate(rates):
    """The kernel the floor of a step uses, the faster in-place one, and
    its GB/s."""
    name = max(IN_PLACE, key=rates.get)
    return name, rates[name]
