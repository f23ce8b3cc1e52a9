"""Small synthetic data sets for the book's experiments.

``make_regression`` draws a linear-regression problem with known answer:
inputs ``X``, targets ``y = X @ weight + bias + noise``, and the ``weight``
and ``bias`` that produced them. It draws from its own seeded
``torch.Generator``, so calling it never changes PyTorch's global random
state (and the initial weights a chapter draws next stay the same).
"""

import math
from typing import NamedTuple

import torch


class Regression(NamedTuple):
    """A regression data set and the true parameters behind it.

    Unpack it like a tuple: ``X, y, weight, bias = make_regression(...)``.
    """

    X: torch.Tensor       # (num_samples, num_features), float32
    y: torch.Tensor       # (num_samples, 1), float32
    weight: torch.Tensor  # (num_features, 1), float32
    bias: float


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"Invalid {name}: {value} "
                         f"(must be at least {minimum})")


def make_regression(num_samples, num_features=1, noise=0.1, *, seed=0):
    """Draw a linear-regression problem ``y = X @ weight + bias + noise``.

    - ``X`` has standard-normal entries, shape ``(num_samples,
      num_features)``;
    - ``weight`` (shape ``(num_features, 1)``) and ``bias`` are drawn from a
      standard normal too;
    - ``noise`` is the standard deviation of the Gaussian noise added to
      each target (``noise=0`` gives an exact linear relation).

    The same ``seed`` always gives the same data. Returns a
    :class:`Regression` named tuple ``(X, y, weight, bias)`` of float32
    tensors (``bias`` is a Python float).
    """
    _check_int("num_samples", num_samples, 1)
    _check_int("num_features", num_features, 1)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)):
        raise TypeError(f"noise must be a number, not {type(noise).__name__}")
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"Invalid noise: {noise} (must be finite and >= 0)")
    _check_int("seed", seed, 0)
    if seed >= 2**63:
        raise ValueError(f"Invalid seed: {seed} (must be below 2**63)")

    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(num_features, 1, generator=gen)
    bias = torch.randn((), generator=gen).item()
    X = torch.randn(num_samples, num_features, generator=gen)
    y = X @ weight + bias
    if noise > 0:
        y = y + noise * torch.randn(num_samples, 1, generator=gen)
    return Regression(X, y, weight, bias)


__all__ = ["Regression", "make_regression"]
