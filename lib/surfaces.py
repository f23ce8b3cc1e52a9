"""Test functions, and the paths optimizers take on them.

A *surface* here is any callable that maps a tensor of points of shape
``(..., n)`` to their values, shape ``(...)``. The book uses one family of
test problems, defined here once:

- ``SeparableQuadratic`` -- the bowl ``1/2 sum_i c_i (w_i - m_i)**2`` in
  any number of coordinates, one curvature per coordinate;
- ``Quadratic``          -- its two-dimensional case, optionally rotated;
- ``Rosenbrock``         -- the curved banana valley;
- ``VALLEY`` and ``VALLEY_START`` -- the badly scaled valley of Part III,
  ``Quadratic(1, 20)`` from ``(-4, 1.5)``;
- ``FAR_MINIMUM``        -- ``1/2 (w - 10)**2`` from ``w = 0``: a minimum
  far away, where AdaGrad's shrinking steps show.

``trajectory`` runs any ``torch.optim``-compatible optimizer on a surface
and returns the visited points, and ``plot_contours`` draws a 2-D surface
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


def _curvatures(values):
    try:
        values = tuple(float(v) for v in values)
    except TypeError:
        raise TypeError("curvatures must be a sequence of numbers, not "
                        f"{type(values).__name__}") from None
    if not values:
        raise ValueError("curvatures must hold at least one number")
    return tuple(_check_positive("curvature", v) for v in values)


class SeparableQuadratic:
    r"""The bowl :math:`f(w) = \tfrac12 \sum_i c_i (w_i - m_i)^2`.

    Args:
        curvatures: the :math:`c_i`, a sequence of ``n`` finite numbers
            > 0. They are the Hessian's eigenvalues: the gradient is
            :math:`c_i (w_i - m_i)`, and gradient descent with learning
            rate ``lr`` is stable exactly when ``lr * max(c) < 2``.
        minimum: the :math:`m_i`, one number for all coordinates or a
            sequence of ``n``; default 0. The minimum value is 0.

    Points are tensors of shape ``(..., n)`` (any float dtype; the result
    has the points' dtype), values have shape ``(...)``.

    Raises:
        TypeError: curvatures or minimum are not numbers.
        ValueError: a curvature is not finite and > 0, the minimum has the
            wrong length or is not finite, or points do not end in ``n``.
    """

    def __init__(self, curvatures, minimum=0.0):
        self.curvatures = _curvatures(curvatures)
        n = len(self.curvatures)
        if isinstance(minimum, (int, float)) and not isinstance(minimum,
                                                                 bool):
            minimum = (float(minimum),) * n
        try:
            minimum = tuple(float(m) for m in minimum)
        except TypeError:
            raise TypeError("minimum must be a number or a sequence of "
                            f"numbers, not {type(minimum).__name__}") from None
        if len(minimum) != n or not all(map(math.isfinite, minimum)):
            raise ValueError(f"minimum must hold {n} finite numbers, got "
                             f"{minimum!r}")
        self.minimum = minimum

    def _offsets(self, points):
        points = torch.as_tensor(points)
        n = len(self.curvatures)
        if points.ndim == 0 or points.shape[-1] != n:
            raise ValueError(f"points must have shape (..., {n}), got "
                             f"{tuple(points.shape)}")
        c = torch.tensor(self.curvatures, dtype=points.dtype,
                         device=points.device)
        m = torch.tensor(self.minimum, dtype=points.dtype,
                         device=points.device)
        return c, points - m

    def __call__(self, points):
        c, d = self._offsets(points)
        return 0.5 * (c * d**2).sum(dim=-1)

    def gradient(self, points):
        """The exact gradient :math:`c_i (w_i - m_i)`, shape of ``points``."""
        c, d = self._offsets(points)
        return c * d

    @property
    def condition_number(self):
        return max(self.curvatures) / min(self.curvatures)

    def __repr__(self):
        curvatures = ", ".join(f"{c:g}" for c in self.curvatures)
        text = f"SeparableQuadratic([{curvatures}]"
        if any(self.minimum):
            text += ", minimum=[" + ", ".join(f"{m:g}" for m in
                                               self.minimum) + "]"
        return text + ")"


def _split(points):
    points = torch.as_tensor(points)
    if points.ndim == 0 or points.shape[-1] != 2:
        raise ValueError("points must have shape (..., 2), got "
                         f"{tuple(points.shape)}")
    return points[..., 0], points[..., 1]


class Quadratic:
    r"""The two-dimensional bowl :math:`f = (a u^2 + b v^2) / 2`.

    Unrotated (``angle=0``, the default) :math:`(u, v) = (x, y)`: the
    curvatures (the Hessian's eigenvalues) are ``a`` along x and ``b``
    along y, the bowl is :class:`SeparableQuadratic` ``([a, b])`` and its
    condition number is ``max(a, b) / min(a, b)``. With ``angle`` (in
    degrees) the bowl is turned counter-clockwise: :math:`u` runs along
    the direction ``angle`` degrees from the x-axis, :math:`v` across it.
    Turning changes nothing for gradient descent, which is
    rotation-invariant, but a lot for per-coordinate methods (AdaGrad,
    RMSProp, Adam), whose axes no longer match the curvatures'.
    The minimum is 0 at the origin.

    Raises:
        TypeError, ValueError: ``a`` or ``b`` is not a finite number > 0,
            ``angle`` is not a finite number, or points are not
            ``(..., 2)``.
    """

    def __init__(self, a=1.0, b=10.0, *, angle=0.0):
        self.a = _check_positive("a", a)
        self.b = _check_positive("b", b)
        if isinstance(angle, bool) or not isinstance(angle, (int, float)) \
                or not math.isfinite(angle):
            raise ValueError(f"Invalid angle: {angle!r} (expected a finite "
                             "number of degrees)")
        self.angle = float(angle)
        self.minimum = (0.0, 0.0)

    @property
    def hessian(self):
        """The 2 x 2 Hessian matrix, float64: R diag(a, b) R^T."""
        theta = math.radians(self.angle)
        cos, sin = math.cos(theta), math.sin(theta)
        rotation = torch.tensor([[cos, -sin], [sin, cos]],
                                dtype=torch.float64)
        return rotation @ torch.diag(torch.tensor([self.a, self.b],
                                                  dtype=torch.float64)) \
            @ rotation.T

    def _rotated(self, points):
        # (u, v): the coordinates along and across the turned axes.
        x, y = _split(points)
        theta = math.radians(self.angle)
        cos, sin = math.cos(theta), math.sin(theta)
        return cos * x + sin * y, -sin * x + cos * y

    def __call__(self, points):
        if self.angle == 0.0:
            x, y = _split(points)
            return (self.a * x**2 + self.b * y**2) / 2
        u, v = self._rotated(points)
        return (self.a * u**2 + self.b * v**2) / 2

    def gradient(self, points):
        """The exact gradient, same shape as ``points``: ``(a x, b y)``
        unrotated."""
        if self.angle == 0.0:
            x, y = _split(points)
            return torch.stack([self.a * x, self.b * y], dim=-1)
        u, v = self._rotated(points)
        theta = math.radians(self.angle)
        cos, sin = math.cos(theta), math.sin(theta)
        du, dv = self.a * u, self.b * v
        return torch.stack([cos * du - sin * dv, sin * du + cos * dv],
                           dim=-1)

    @property
    def condition_number(self):
        return max(self.a, self.b) / min(self.a, self.b)

    def __repr__(self):
        angle = f", angle={self.angle:g}" if self.angle else ""
        return f"Quadratic(a={self.a:g}, b={self.b:g}{angle})"


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

    Args:
        f: a surface, called on the parameter (shape ``(n,)``); it must
            return a one-element tensor. Gradients come from autograd.
        optimizer_class: any ``torch.optim.Optimizer`` subclass, such as
            ``torch.optim.SGD`` or ``lib.optim.Adagrad``; ``step`` is
            called with a closure, so L-BFGS-style optimizers work too.
        start: the ``n`` starting coordinates (a sequence or tensor).
        num_steps: int >= 0.
        dtype: the parameter's dtype, float64 by default, so that paths
            from different optimizers can be compared to many digits.
        **hyper: passed to ``optimizer_class`` (``lr=...`` and so on).

    Returns the visited points as a ``(num_steps + 1, n)`` tensor whose
    first row is ``start``. A diverging run is returned as it is, with inf
    or nan in its later rows.

    Raises:
        TypeError: ``f`` is not callable, ``optimizer_class`` is not a
            class, or ``num_steps`` is not an int.
        ValueError: ``num_steps < 0``, ``start`` is not a finite vector,
            or ``f`` does not return one value. Invalid hyperparameters
            raise the optimizer's own error.
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
    if point.ndim != 1 or len(point) == 0:
        raise ValueError("start must be a vector of coordinates, got "
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
                             f"point of shape {tuple(param.shape)}")
        value.backward()
        return value

    path = [param.detach().clone()]
    for _ in range(num_steps):
        optimizer.step(closure)
        path.append(param.detach().clone())
    return torch.stack(path)


# The book's named test problems (see the module docstring).
VALLEY = Quadratic(a=1.0, b=20.0)
VALLEY_START = (-4.0, 1.5)
FAR_MINIMUM = SeparableQuadratic([1.0], minimum=10.0)


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
