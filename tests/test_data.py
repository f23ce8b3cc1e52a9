import math

import pytest
import torch

from lib.data import Regression, make_regression


def test_shapes_and_dtype():
    X, y, weight, bias = make_regression(50, num_features=3)
    assert X.shape == (50, 3)
    assert y.shape == (50, 1)
    assert weight.shape == (3, 1)
    assert X.dtype == y.dtype == weight.dtype == torch.float32
    assert isinstance(bias, float)


def test_returns_a_named_tuple():
    data = make_regression(4)
    assert isinstance(data, Regression)
    assert data.X.shape == (4, 1)


def test_same_seed_same_data():
    first = make_regression(20, 2, seed=7)
    again = make_regression(20, 2, seed=7)
    for a, b in zip(first[:3], again[:3]):
        assert torch.equal(a, b)
    assert first.bias == again.bias


def test_different_seeds_differ():
    a = make_regression(20, 2, seed=1)
    b = make_regression(20, 2, seed=2)
    assert not torch.equal(a.X, b.X)
    assert not torch.equal(a.weight, b.weight)


def test_global_random_state_untouched():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    make_regression(100, 4, seed=3)
    assert torch.equal(torch.rand(3), expected)


def test_zero_noise_is_exactly_linear():
    X, y, weight, bias = make_regression(30, 4, noise=0.0)
    assert torch.equal(y, X @ weight + bias)


def test_noise_has_the_requested_size():
    X, y, weight, bias = make_regression(20_000, 2, noise=0.5)
    residual = y - (X @ weight + bias)
    assert residual.std().item() == pytest.approx(0.5, rel=0.03)
    # Least squares recovers the true weights from enough data.
    A = torch.cat([X, torch.ones(len(X), 1)], dim=1)
    solution = torch.linalg.lstsq(A, y).solution
    torch.testing.assert_close(solution[:2], weight, atol=0.02, rtol=0)
    assert solution[2].item() == pytest.approx(bias, abs=0.02)


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(num_samples=0), ValueError, "Invalid num_samples: 0"),
    (dict(num_samples=-3), ValueError, "Invalid num_samples: -3"),
    (dict(num_samples=2.0), TypeError, "num_samples must be an int"),
    (dict(num_samples=True), TypeError, "num_samples must be an int"),
    (dict(num_samples=5, num_features=0), ValueError,
     "Invalid num_features: 0"),
    (dict(num_samples=5, num_features="2"), TypeError,
     "num_features must be an int"),
    (dict(num_samples=5, noise=-0.1), ValueError, "Invalid noise: -0.1"),
    (dict(num_samples=5, noise=math.nan), ValueError, "Invalid noise: nan"),
    (dict(num_samples=5, noise=math.inf), ValueError, "Invalid noise: inf"),
    (dict(num_samples=5, noise="0.1"), TypeError, "noise must be a number"),
    (dict(num_samples=5, seed=-1), ValueError, "Invalid seed: -1"),
    (dict(num_samples=5, seed=2**63), ValueError, "Invalid seed"),
    (dict(num_samples=5, seed=1.5), TypeError, "seed must be an int"),
])
def test_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        make_regression(**kwargs)
