"""Memory bandwidth as PyTorch sees it, for the floor of an optimizer step.

Two STREAM-like kernels on float32 tensors much larger than the caches:
copy (``b = a``: read one array, write one) and triad (``a = b + s * c``:
read two, write one). Bytes moved are counted as STREAM counts them.
"""

import statistics
import time

import torch


def _gigabytes_per_second(kernel, num_bytes, repeats):
    for _ in range(2):  # fault the pages in, wake the threads: not timed
        kernel()
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        kernel()
        rates.append(num_bytes / (time.perf_counter() - start) / 1e9)
    return statistics.median(rates)


def measure(num_elements, repeats):
    """Median GB/s of copy and triad on arrays of ``num_elements`` floats."""
    a, b, c = (torch.rand(num_elements) for _ in range(3))
    size = a.numel() * a.element_size()
    copy = _gigabytes_per_second(lambda: b.copy_(a), 2 * size, repeats)
    triad = _gigabytes_per_second(
        lambda: torch.add(b, c, alpha=3.0, out=a), 3 * size, repeats)
    return {"copy": copy, "triad": triad}
