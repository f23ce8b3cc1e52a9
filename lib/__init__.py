"""Helpers for the book *From Gradient Descent to Adam*.

Each piece is taught in a chapter first and imported afterwards:

- ``choose_device``   -- CUDA, then MPS, then CPU (``BOOK_DEVICE`` overrides);
  ``float64_device`` -- the CPU in place of MPS, which has no float64
- ``seed_everything`` -- repeatable random numbers
- ``make_regression`` -- a seeded linear-regression data set
- ``fit``             -- a small training loop that returns a ``History``
- ``plot_curves``     -- loss curves with the book's look
- ``lib.optim``       -- SGD, Adagrad, RMSprop, Adadelta, Adam and AdamW
  written from scratch, equal to ``torch.optim``
- ``lib.surfaces``    -- 2-D test functions, optimizer paths, contour plots
- ``bracket``         -- a measured loss printed as the two cut points it lies
  between, the same text on every machine
"""

from . import optim, surfaces
from .data import make_regression
from .device import (choose_device, describe_device, float64_device,
                     supports_float64)
from .plotting import color_for, plot_curves, use_book_style
from .reporting import bracket
from .seeding import seed_everything
from .training import History, TrainingDiverged, evaluate, fit

__all__ = [
    "History",
    "TrainingDiverged",
    "bracket",
    "choose_device",
    "color_for",
    "describe_device",
    "evaluate",
    "float64_device",
    "fit",
    "make_regression",
    "optim",
    "plot_curves",
    "seed_everything",
    "supports_float64",
    "surfaces",
    "use_book_style",
]
