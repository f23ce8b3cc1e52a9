"""Two-dimensional test functions, and the paths optimizers take on them.

A *surface* here is any callable that maps a tensor of points of shape
``(..., 2)`` to their values, shape ``(...)``. The classes below are such
callables; ``trajectory`` runs any ``torch.optim``-compatible optimizer on
one and returns the visited points, and ``plot_contours`` draws the surface
with those paths on top, in the book's optimizer colours.
"""

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import torch

from lib.plotting import color_for


def _check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"Invalid {name}: {value} (expected a finite "
                         "number > 0)")
    return float(value)


def _split(points):
    points = torch.as_tensor(points)
    if points.ndim == 0 or points.shape[-1] != 2:
        raise ValueError("points must have shape (..., 2), got "
                         f"{tuple(points.shape)}")
    return points[..., 0], points[..., 1]


class Quadratic:
    r"""The bowl :math:`f(x, y) = (a x^2 + b y^2) / 2`.

    Its curvatures (the Hessian's eigenvalues) are ``a`` along x and ``b``
    along y, so its condition number is ``max(a, b) / min(a, b)``; the
    minimum is 0 at the origin.
    """

    def __init__(self, a=1.0, b=10.0):
        self.a = _check_positive("a", a)
        self.b = _check_positive("b", b)
        self.minimum = (0.0, 0.0)

    def __call__(self, points):
        x, y = _split(points)
        return (self.a * x**2 + self.b * y**2) / 2

    def gradient(self, points):
        """The exact gradient :math:`(a x, b y)`, same shape as ``points``."""
        x, y = _split(points)
        return torch.stack([self.a * x, self.b * y], dim=-1)

    @property
    def condition_number(self):
        return max(self.a, self.b) / min(self.a, self.b)

    def __repr__(self):
        return f"Quadratic(a={self.a:g}, b={self.b:g})"


class Rosenbrock:
    r"""Rosenbrock's banana valley :math:`(a - x)^2 + b (y - x^2)^2`.

    The minimum is 0 at ``(a, a**2)``, at the end of a long, curved, nearly
    flat valley: easy to find the valley, slow to follow it.
    """

    def __init__(self, a=1.0, b=100.0):
        if isinstance(a, bool) or not isinstance(a, (int, float)) \
                or not math.isfinite(a):
            raise ValueError(f"Invalid a: {a!r} (expected a finite number)")
        self.a = float(a)
        self.b = _check_positive("b", b)
        self.minimum = (self.a, self.a**2)

    def __call__(self, points):
        x, y = _split(points)
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def gradient(self, points):
        x, y = _split(points)
        dy = 2 * self.b * (y - x**2)
        return torch.stack([-2 * (self.a - x) - 2 * x * dy, dy], dim=-1)

    def __repr__(self):
        return f"Rosenbrock(a={self.a:g}, b={self.b:g})"


def trajectory(f, optimizer_class, start, num_steps, *,
               dtype=torch.float64, **hyper):
    """Run ``num_steps`` steps of ``optimizer_class(params, **hyper)`` on
    the surface ``f``, starting from the point ``start``.

    The parameter is one tensor of two elements, of ``dtype`` (float64 by
    default, so that paths from different optimizers can be compared to
    many digits). Returns the visited points as a ``(num_steps + 1, 2)``
    tensor whose first row is ``start``. A diverging run is returned as it
    is, with inf or nan in its later rows.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, not {type(f).__name__}")
    if not isinstance(optimizer_class, type):
        raise TypeError("optimizer_class must be an optimizer class such "
                        "as torch.optim.SGD, not "
                        f"{type(optimizer_class).__name__}")
    if isinstance(num_steps, bool) or not isinstance(num_steps, int):
        raise TypeError("num_steps must be an int, not "
                        f"{type(num_steps).__name__}")
    if num_steps < 0:
        raise ValueError(f"Invalid num_steps: {num_steps} (expected >= 0)")
    point = torch.as_tensor(start, dtype=dtype).detach().clone()
    if point.shape != (2,):
        raise ValueError("start must hold exactly two numbers (x, y), got "
                         f"shape {tuple(point.shape)}")
    if not torch.isfinite(point).all():
        raise ValueError(f"start must be finite, got {point.tolist()}")

    param = point.requires_grad_()
    optimizer = optimizer_class([param], **hyper)

    def closure():
        optimizer.zero_grad()
        value = f(param)
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            raise ValueError("f must return a one-element tensor for one "
                             "point of shape (2,)")
        value.backward()
        return value

    path = [param.detach().clone()]
    for _ in range(num_steps):
        optimizer.step(closure)
        path.append(param.detach().clone())
    return torch.stack(path)


def _check_limits(name, limits):
    try:
        low, high = (float(v) for v in limits)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high) of numbers, "
                         f"got {limits!r}") from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"Invalid {name}: {limits!r} (expected finite "
                         "low < high)")
    return low, high


def plot_contours(f, xlim, ylim, paths=None, ax=None, *, num_levels=15,
                  resolution=200):
    """Draw log-spaced contour lines of ``f`` over ``xlim`` x ``ylim`` and
    each path of ``paths`` ({label: (n, 2) points}) on top, in the book's
    colour for its label. Returns the axes.

    The levels are spaced evenly in log(f - min f) on the grid, so that
    both the flat floor of a valley and its steep walls get lines.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, not {type(f).__name__}")
    xlim = _check_limits("xlim", xlim)
    ylim = _check_limits("ylim", ylim)
    paths = {} if paths is None else paths
    if not isinstance(paths, Mapping):
        raise ValueError("paths must be a mapping of label -> (n, 2) points")
    checked = {}
    for label, path in paths.items():
        path = torch.as_tensor(path).detach().cpu().double()
        if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
            raise ValueError(f"path {label!r} must have shape (n, 2) with "
                             f"n >= 1, got {tuple(path.shape)}")
        checked[label] = path.numpy()

    xs = torch.linspace(*xlim, resolution, dtype=torch.float64)
    ys = torch.linspace(*ylim, resolution, dtype=torch.float64)
    grid_x, grid_y = torch.meshgrid(xs, ys, indexing="xy")
    with torch.no_grad():
        z = torch.as_tensor(f(torch.stack([grid_x, grid_y], dim=-1)))
    z = z.double().numpy()
    if z.shape != grid_x.shape or not np.isfinite(z).all():
        raise ValueError("f must return one finite value per grid point")
    floor = z.min()
    span = z.max() - floor
    if span <= 0:
        raise ValueError("f is constant over xlim x ylim: nothing to draw")
    levels = floor + np.geomspace(span * 1e-4, span, num_levels)

    if ax is None:
        _, ax = plt.subplots()
    ax.contour(grid_x.numpy(), grid_y.numpy(), z, levels=levels,
               colors="0.6", linewidths=0.7)
    minimum = getattr(f, "minimum", None)
    if minimum is not None:
        ax.plot(*minimum, marker="*", markersize=11, color="black",
                linestyle="none")
    for label, path in checked.items():
        ax.plot(path[:, 0], path[:, 1], marker="o", markersize=2.5,
                linewidth=1.2, label=label, color=color_for(label))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if checked:
        ax.legend()
    return ax
