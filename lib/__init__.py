"""Helpers for the book *From Gradient Descent to Adam*.

Each piece is taught in a chapter first and imported afterwards:

- ``choose_device``  -- CUDA, then MPS, then CPU (``BOOK_DEVICE`` overrides)
- ``seed_everything`` -- repeatable random numbers
- ``fit``            -- a small training loop that returns a ``History``
- ``plot_curves``    -- loss curves with the book's look
"""

from .device import choose_device, describe_device
from .plotting import color_for, plot_curves, use_book_style
from .seeding import seed_everything
from .training import History, TrainingDiverged, evaluate, fit

__all__ = [
    "History",
    "TrainingDiverged",
    "choose_device",
    "color_for",
    "describe_device",
    "evaluate",
    "fit",
    "plot_curves",
    "seed_everything",
    "use_book_style",
]
