"""One call that makes a chapter's random numbers repeatable."""

import random

import numpy as np
import torch


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's generators (CPU and CUDA).

    Chapters call this once in their setup cell, so every rerun draws the
    same data, the same initial weights and the same mini-batch order.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"Invalid seed: {seed} (expected 0 <= seed < 2**32)")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
