"""Argument checks shared by the optimizers, with ``torch.optim``'s messages.

The messages are copied from ``torch.optim`` so that an error reads the same
whichever implementation raised it.
"""

from numbers import Real


def check_number(name, value):
    # Without this, a string reaches ``value < 0`` and fails with a confusing
    # "'<' not supported between instances of 'str' and 'float'".
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"{name} must be a real number, not {type(value).__name__}"
        )


def check_lr(lr):
    check_number("lr", lr)
    # Written as ``not 0 <= lr`` so that NaN is rejected too.
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_non_negative(name, value, label=None):
    """Raise ``Invalid <label> value: <value>`` unless ``value >= 0``."""
    check_number(name, value)
    if not 0.0 <= value:
        raise ValueError(f"Invalid {label or name} value: {value}")


def check_betas(betas):
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair, got {betas!r}")
    for index, beta in enumerate(betas):
        check_number(f"betas[{index}]", beta)
        if not 0.0 <= beta < 1.0:
            raise ValueError(
                f"Invalid beta parameter at index {index}: {beta}"
            )
