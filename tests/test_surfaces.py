import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lib.plotting import color_for  # noqa: E402
from lib.optim.reference import regression_trajectory  # noqa: E402
from lib.surfaces import (FAR_MINIMUM, VALLEY, VALLEY_START,  # noqa: E402
                          Quadratic, Rosenbrock, SeparableQuadratic,
                          plot_contours, trajectory)

POINTS = torch.tensor([[1.5, -2.0], [0.0, 0.0], [-0.3, 0.7]],
                      dtype=torch.float64)


@pytest.mark.parametrize("f", [Quadratic(1.0, 25.0), Quadratic(3, 0.5),
                               Quadratic(1.0, 20.0, angle=45),
                               Quadratic(2.0, 0.5, angle=-100),
                               SeparableQuadratic([2.0, 0.5], minimum=[1, -3]),
                               Rosenbrock(), Rosenbrock(0.5, 10)])
def test_gradient_matches_autograd(f):
    for point in POINTS:
        p = point.clone().requires_grad_()
        f(p).backward()
        torch.testing.assert_close(f.gradient(point), p.grad)


def test_quadratic_values_and_hand_gradient():
    f = Quadratic(2.0, 8.0)
    torch.testing.assert_close(
        f(POINTS), (2.0 * POINTS[:, 0]**2 + 8.0 * POINTS[:, 1]**2) / 2)
    torch.testing.assert_close(f.gradient(POINTS),
                               POINTS * torch.tensor([2.0, 8.0],
                                                     dtype=torch.float64))
    assert f.condition_number == 4.0
    assert f(torch.tensor(f.minimum)) == 0


def test_separable_quadratic_values_gradient_and_minimum():
    f = SeparableQuadratic([0.01, 1.0, 100.0], minimum=1.0)
    w = torch.tensor([[3.0, -1.0, 2.0], [1.0, 1.0, 1.0]],
                     dtype=torch.float64)
    c = torch.tensor([0.01, 1.0, 100.0], dtype=torch.float64)
    torch.testing.assert_close(f(w), 0.5 * (c * (w - 1)**2).sum(dim=1))
    torch.testing.assert_close(f.gradient(w), c * (w - 1))
    assert f(w)[1] == 0
    assert f.minimum == (1.0, 1.0, 1.0)
    assert f.condition_number == pytest.approx(1e4)
    assert f(w.float()).dtype == torch.float32
    # The 2-D case is Quadratic's bowl, bit for bit.
    torch.testing.assert_close(SeparableQuadratic([2.0, 8.0])(POINTS),
                               Quadratic(2.0, 8.0)(POINTS), rtol=0, atol=0)


@pytest.mark.parametrize("kwargs, error", [
    (dict(curvatures=[]), ValueError),
    (dict(curvatures=[1.0, 0.0]), ValueError),
    (dict(curvatures=[1.0, float("nan")]), ValueError),
    (dict(curvatures=5.0), TypeError),
    (dict(curvatures=[1.0, 2.0], minimum=[1.0]), ValueError),
    (dict(curvatures=[1.0], minimum=float("inf")), ValueError),
    (dict(curvatures=[1.0], minimum=None), TypeError),
])
def test_separable_quadratic_bad_arguments(kwargs, error):
    with pytest.raises(error):
        SeparableQuadratic(**kwargs)
    with pytest.raises(ValueError, match=r"\(\.\.\., 3\)"):
        SeparableQuadratic([1.0, 2.0, 3.0])(torch.zeros(2))


def test_rotated_quadratic():
    f = Quadratic(1.0, 20.0, angle=45)
    # Same curvatures, turned: the Hessian's eigenvalues are a and b, and
    # its eigenvector for a points along 45 degrees.
    values, vectors = torch.linalg.eigh(f.hessian)
    torch.testing.assert_close(values, torch.tensor([1.0, 20.0],
                                                    dtype=torch.float64))
    assert abs(abs(vectors[0, 0]) - abs(vectors[1, 0])) < 1e-12
    torch.testing.assert_close(f.gradient(POINTS), POINTS @ f.hessian.T)
    torch.testing.assert_close(f(POINTS),
                               0.5 * ((POINTS @ f.hessian) * POINTS).sum(1))
    # Turning by 90 degrees swaps the axes.
    torch.testing.assert_close(Quadratic(1.0, 20.0, angle=90)(POINTS),
                               Quadratic(20.0, 1.0)(POINTS))
    assert "angle=45" in repr(f) and f.condition_number == 20
    with pytest.raises(ValueError, match="Invalid angle"):
        Quadratic(1.0, 2.0, angle=float("nan"))


def test_named_problems():
    assert (VALLEY.a, VALLEY.b, VALLEY.angle) == (1.0, 20.0, 0.0)
    assert VALLEY_START == (-4.0, 1.5)
    assert FAR_MINIMUM.minimum == (10.0,)
    path = trajectory(FAR_MINIMUM, torch.optim.SGD, [0.0], 3, lr=0.5)
    # GD halves the distance to 10 each step.
    torch.testing.assert_close(path[:, 0], torch.tensor(
        [0.0, 5.0, 7.5, 8.75], dtype=torch.float64))


def test_trajectory_in_more_dimensions():
    f = SeparableQuadratic([1.0, 2.0, 4.0])
    path = trajectory(f, torch.optim.SGD, [1.0, 1.0, 1.0], 2, lr=0.25)
    assert path.shape == (3, 3)
    torch.testing.assert_close(path[2], torch.tensor(
        [0.75**2, 0.5**2, 0.0], dtype=torch.float64))


def test_regression_trajectory():
    ours = regression_trajectory(torch.optim.SGD, num_steps=5, lr=0.1)
    assert ours.shape == (5, 4) and ours.dtype == torch.float64
    # Repeatable, and a different optimizer gives a different path.
    torch.testing.assert_close(
        ours, regression_trajectory(torch.optim.SGD, num_steps=5, lr=0.1),
        rtol=0, atol=0)
    assert not torch.allclose(
        ours, regression_trajectory(torch.optim.Adam, num_steps=5, lr=0.1))
    # Full-batch SGD on the MSE lowers the loss: the weights move toward
    # the true ones [1, -2, 0.5] and bias 0.3.
    target = torch.tensor([1.0, -2.0, 0.5, 0.3], dtype=torch.float64)
    long = regression_trajectory(torch.optim.SGD, num_steps=200, lr=0.1)
    assert (long[-1] - target).abs().max() < 1e-3
    with pytest.raises(ValueError):
        regression_trajectory(torch.optim.SGD, num_steps=0, lr=0.1)
    with pytest.raises(TypeError):
        regression_trajectory(torch.optim.SGD, num_steps=2.0, lr=0.1)


def test_rosenbrock_minimum():
    f = Rosenbrock(1.0, 100.0)
    assert f(torch.tensor(f.minimum)) == 0
    assert f.gradient(torch.tensor(f.minimum)).abs().max() == 0


def test_trajectory_shape_and_first_sgd_step():
    f = Quadratic(1.0, 10.0)
    start = torch.tensor([2.0, 1.0], dtype=torch.float64)
    path = trajectory(f, torch.optim.SGD, start, 7, lr=0.05)
    assert path.shape == (8, 2)
    assert path.dtype == torch.float64
    torch.testing.assert_close(path[0], start)
    torch.testing.assert_close(path[1], start - 0.05 * f.gradient(start))
    # The caller's start is not modified in place.
    assert start.tolist() == [2.0, 1.0]


def test_trajectory_plain_gd_is_geometric():
    # On a quadratic, GD multiplies each coordinate by (1 - lr * curvature).
    f = Quadratic(1.0, 10.0)
    lr, num_steps = 0.05, 20
    path = trajectory(f, torch.optim.SGD, (1.0, 1.0), num_steps, lr=lr)
    steps = torch.arange(num_steps + 1, dtype=torch.float64)
    expected = torch.stack([(1 - lr * 1.0) ** steps,
                            (1 - lr * 10.0) ** steps], dim=1)
    torch.testing.assert_close(path, expected)


def test_trajectory_passes_hyperparameters_and_closure():
    f = Quadratic(1.0, 4.0)
    plain = trajectory(f, torch.optim.SGD, (1.0, 1.0), 5, lr=0.1)
    heavy = trajectory(f, torch.optim.SGD, (1.0, 1.0), 5, lr=0.1,
                       momentum=0.9)
    assert not torch.equal(plain, heavy)
    # LBFGS needs the closure; one step of it (many inner iterations)
    # all but solves a quadratic.
    path = trajectory(f, torch.optim.LBFGS, (1.0, 1.0), 1, lr=1)
    assert path[-1].abs().max() < 1e-4


def test_trajectory_zero_steps_and_dtype():
    path = trajectory(Quadratic(), torch.optim.SGD, [0.5, -0.5], 0, lr=0.1,
                      dtype=torch.float32)
    assert path.shape == (1, 2) and path.dtype == torch.float32


def test_diverging_trajectory_is_returned():
    path = trajectory(Quadratic(1.0, 10.0), torch.optim.SGD, (1.0, 1.0),
                      50, lr=0.5)
    assert path.shape == (51, 2)
    assert path[-1, 1].abs() > 1e10


@pytest.mark.parametrize("kwargs, error", [
    (dict(start=(1.0, 2.0, 3.0)), ValueError),
    (dict(start=[[1.0, 2.0]]), ValueError),
    (dict(start=(float("nan"), 0.0)), ValueError),
    (dict(num_steps=-1), ValueError),
    (dict(num_steps=2.5), TypeError),
    (dict(num_steps=True), TypeError),
    (dict(optimizer_class=torch.optim.SGD([torch.zeros(1,
                                                       requires_grad=True)],
                                          lr=0.1)), TypeError),
    (dict(f="not a function"), TypeError),
    (dict(f=lambda p: p * 2), ValueError),
])
def test_trajectory_bad_input(kwargs, error):
    args = dict(f=Quadratic(), optimizer_class=torch.optim.SGD,
                start=(1.0, 1.0), num_steps=3)
    args.update(kwargs)
    with pytest.raises(error):
        trajectory(args["f"], args["optimizer_class"], args["start"],
                   args["num_steps"], lr=0.1)


def test_optimizer_validates_its_own_hyperparameters():
    with pytest.raises(ValueError, match="Invalid learning rate"):
        trajectory(Quadratic(), torch.optim.SGD, (1.0, 1.0), 3, lr=-1.0)


@pytest.mark.parametrize("a, b", [(0, 1), (1, -2), (float("inf"), 1),
                                  ("1", 1), (True, 1)])
def test_quadratic_bad_curvatures(a, b):
    with pytest.raises((TypeError, ValueError)):
        Quadratic(a, b)


def test_bad_points():
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        Quadratic()(torch.zeros(3))
    with pytest.raises(ValueError):
        Rosenbrock().gradient(torch.tensor(1.0))


def test_plot_returns_axes_with_book_colours():
    f = Quadratic(1.0, 10.0)
    paths = {
        "GD": trajectory(f, torch.optim.SGD, (-2.0, 1.0), 10, lr=0.1),
        "Momentum": trajectory(f, torch.optim.SGD, (-2.0, 1.0), 10, lr=0.1,
                               momentum=0.5),
    }
    ax = plot_contours(f, (-2.5, 2.5), (-1.5, 1.5), paths)
    assert isinstance(ax, plt.Axes)
    lines = {line.get_label(): line for line in ax.get_lines()}
    for label in paths:
        assert matplotlib.colors.same_color(lines[label].get_color(),
                                            color_for(label))
        assert len(lines[label].get_xdata()) == 11
    assert ax.get_xlim() == (-2.5, 2.5)
    plt.close("all")


def test_plot_on_given_axes_without_paths():
    _, given = plt.subplots()
    ax = plot_contours(Rosenbrock(), (-2, 2), (-1, 3), ax=given)
    assert ax is given
    plt.close("all")


@pytest.mark.parametrize("kwargs", [
    dict(xlim=(1, 1)),
    dict(xlim=(2, -2)),
    dict(ylim="ab"),
    dict(ylim=(0, float("inf"))),
    dict(paths=[[0.0, 0.0]]),
    dict(paths={"GD": torch.zeros(5)}),
    dict(paths={"GD": torch.zeros(0, 2)}),
    dict(f=lambda p: torch.ones(p.shape[:-1])),
])
def test_plot_bad_input(kwargs):
    args = dict(f=Quadratic(), xlim=(-1, 1), ylim=(-1, 1), paths={})
    args.update(kwargs)
    with pytest.raises(ValueError):
        plot_contours(args["f"], args["xlim"], args["ylim"], args["paths"])
    plt.close("all")
