"""Argument checks shared by the optimizers, with ``torch.optim``'s messages.

The messages are copied from ``torch.optim`` so that an error reads the same
whichever implementation raised it.
"""

from numbers import Real

import torch

from .loop import to_scalar


def check_number(name, value, kinds="a real number or a tensor"):
    """Refuse a non-number, naming the argument; accept any tensor.

    torch.optim takes a tensor wherever it takes a number (its checks
    compare, and its updates pass the value on), so a tensor is left to
    the same comparisons and operations as there: a 0-d tensor steps as
    in torch.optim, and one that torch.optim cannot use fails as there.
    """
    # Without this, a string reaches ``value < 0`` and fails with a confusing
    # "'<' not supported between instances of 'str' and 'float'".
    if torch.is_tensor(value):
        return
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be {kinds}, not {type(value).__name__}")


def check_lr(lr):
    """A number or, as torch.optim allows, a 1-element tensor, >= 0."""
    check_number("lr", lr, kinds="a real number or a 1-element tensor")
    if torch.is_tensor(lr) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    # Written as ``not 0 <= lr`` so that NaN is rejected too.
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_non_negative(name, value, label=None):
    """Raise ``Invalid <label> value: <value>`` unless ``value >= 0``."""
    check_number(name, value)
    if not 0.0 <= value:
        raise ValueError(f"Invalid {label or name} value: {value}")


def check_betas(betas):
    """Adam's betas: two numbers in [0, 1), both floats or both tensors.

    Returns them as torch.optim stores them: a tuple, each tensor squeezed
    to 0-d (``torch.optim.optimizer._to_scalar``).
    """
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair, got {betas!r}")
    for index, beta in enumerate(betas):
        check_number(f"betas[{index}]", beta)
        if not 0.0 <= beta < 1.0:
            raise ValueError(
                f"Invalid beta parameter at index {index}: {beta}"
            )
    # torch.optim.Adam's rule, and its message: an int such as 0 is refused.
    if not (all(isinstance(beta, float) for beta in betas)
            or all(torch.is_tensor(beta) for beta in betas)):
        raise ValueError("betas must be either both floats or both Tensors")
    for index, beta in enumerate(betas):
        if torch.is_tensor(beta) and beta.numel() != 1:
            raise ValueError(f"Tensor betas[{index}] must be 1-element")
    return tuple(to_scalar(beta) for beta in betas)
