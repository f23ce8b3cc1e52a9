"""Printing a measured number so that every machine prints the same text.

A float32 training run ends with a loss whose last digits depend on the
CPU, the maths library and the thread count. Rounded to two digits, such a
loss still prints differently on two machines whenever it sits near a
rounding boundary (0.0850 against 0.0849). ``bracket`` prints it instead as
the two neighbouring *cut points* it lies between, and refuses a value that
lies too close to a cut point for that text to be the same everywhere.
"""

import math
import numbers


def _real(name, number):
    """``number`` as a float, or a TypeError that names it."""
    # numbers.Real covers int, float, Fraction and numpy's scalars
    # (np.float32, np.int64); bool is an int subclass but not a number here.
    if isinstance(number, bool) or not isinstance(number, numbers.Real):
        raise TypeError(f"{name} must be a real number, not "
                        f"{type(number).__name__}")
    return float(number)


def bracket(value, cuts, *, margin=1.02):
    """The two neighbouring cut points around ``value``, as ``"low to high"``.

    Args:
        value: a finite real number > 0, such as a loss: an ``int``, a
            ``float`` or a numpy scalar such as ``np.float32`` (anything
            registered as ``numbers.Real``); not a ``bool`` or a ``str``.
        cuts: the cut points, an increasing sequence of at least two
            finite real numbers > 0, each of the kinds ``value`` may be
            (round numbers read best: 0.01, 0.02, ...).
        margin: how far ``value`` must be from both of its cut points, as
            a real factor > 1: ``low * margin < value < high / margin``.
            The default, 2%, is far more than the round-off of a short
            float32 run, so the text cannot change from one machine to the
            next.

    Returns the text ``f"{low:g} to {high:g}"``, e.g. ``"0.08 to 0.09"``.

    Raises:
        TypeError: ``value`` or ``margin`` is not a real number (a ``bool``,
            a ``str`` or ``None`` is refused); ``cuts`` is a ``str`` or not
            iterable; or an element of ``cuts`` is not a real number (the
            message names it, e.g. ``cuts[2]``).
        ValueError: ``cuts`` has fewer than two points, holds a number
            that is not finite and > 0, or is not increasing (the message
            names the element); ``margin`` is not finite and > 1; ``value``
            is not finite and > 0, lies outside ``cuts``, or lies within
            ``margin`` of a cut point (then choose other cut points).

    >>> bracket(0.0853, [0.06, 0.08, 0.09, 0.11])
    '0.08 to 0.09'
    """
    value = _real("value", value)
    margin = _real("margin", margin)
    if isinstance(cuts, (str, bytes)):
        raise TypeError("cuts must be a sequence of numbers, not "
                        f"{type(cuts).__name__}")
    try:
        cuts = list(cuts)
    except TypeError:
        raise TypeError("cuts must be a sequence of numbers, not "
                        f"{type(cuts).__name__}") from None
    cuts = [_real(f"cuts[{i}]", cut) for i, cut in enumerate(cuts)]
    if len(cuts) < 2:
        raise ValueError(f"cuts must hold at least two points, got {cuts}")
    for i, cut in enumerate(cuts):
        if not (math.isfinite(cut) and cut > 0):
            raise ValueError(f"cuts[{i}] must be a finite number > 0, "
                             f"got {cut}")
    for i in range(1, len(cuts)):
        if not cuts[i - 1] < cuts[i]:
            raise ValueError(f"cuts must be increasing: cuts[{i}] = "
                             f"{cuts[i]:g} is not above cuts[{i - 1}] = "
                             f"{cuts[i - 1]:g}")
    if not (math.isfinite(margin) and margin > 1):
        raise ValueError(f"Invalid margin: {margin} (expected a finite "
                         "number > 1)")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"Invalid value: {value} (expected a finite "
                         "number > 0)")
    if not cuts[0] < value < cuts[-1]:
        raise ValueError(f"{value} lies outside the cuts, from {cuts[0]:g} "
                         f"to {cuts[-1]:g}")
    # A value equal to a cut point gets it as both ends, and is refused.
    low = max(cut for cut in cuts if cut <= value)
    high = min(cut for cut in cuts if cut >= value)
    if not low * margin < value < high / margin:
        nearest = low if value / low < high / value else high
        raise ValueError(f"{value} lies within a factor {margin:g} of the "
                         f"cut point {nearest:g}: choose cut points farther "
                         "from it")
    return f"{low:g} to {high:g}"


__all__ = ["bracket"]
