"""Plot helpers that give every figure in the book the same look."""

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt

BOOK_STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "legend.frameon": False,
    "lines.linewidth": 1.8,
}

# One colour per optimizer, used in every chapter, so "Adam" is always the
# same colour wherever it appears.
OPTIMIZER_COLORS = {
    "GD": "#4c72b0",
    "SGD": "#4c72b0",
    "Mini-batch": "#8172b3",
    "Momentum": "#dd8452",
    "Nesterov": "#c44e52",
    "AdaGrad": "#55a868",
    "RMSProp": "#937860",
    "Adadelta": "#da8bc3",
    # Near-black: the contour lines of lib.surfaces are grey, and Adam's
    # path must stand out on them.
    "Adam": "#222222",
    "AdamW": "#ccb974",
}


def use_book_style() -> None:
    """Apply the book's matplotlib settings (call once per chapter).

    In a Jupyter kernel, figures are also stored as PNGs at twice their
    pixel size, shown at their normal size ("retina"): sharp on phones and
    HiDPI screens, where 100-dpi images looked soft. Outside a kernel
    nothing but the rcParams changes."""
    mpl.rcParams.update(BOOK_STYLE)
    try:
        from IPython import get_ipython
    except ImportError:  # matplotlib without IPython: no inline backend
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        set_matplotlib_formats("retina")


def color_for(name: str) -> str | None:
    """The book's colour for an optimizer name, or None to let matplotlib
    choose."""
    return OPTIMIZER_COLORS.get(name)


def plot_curves(curves: Mapping[str, Sequence[float]], *, xlabel: str,
                ylabel: str, logy: bool = False, title: str | None = None,
                ax=None):
    """Plot one line per entry of ``curves`` ({label: values}) and return
    the axes. ``logy`` puts the y axis on a log scale, which is how loss
    curves are easiest to compare."""
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("curves must be a non-empty mapping of "
                         "label -> sequence of values")
    if ax is None:
        _, ax = plt.subplots()
    for label, values in curves.items():
        values = list(values)
        if not values:
            raise ValueError(f"curve {label!r} has no values")
        ax.plot(range(len(values)), values, label=label,
                color=color_for(label))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    return ax
