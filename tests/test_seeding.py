import random

import numpy as np
import pytest
import torch

from lib.seeding import seed_everything


def draw():
    return (random.random(), np.random.rand(), torch.rand(3).tolist())


def test_same_seed_same_numbers():
    seed_everything(123)
    first = draw()
    seed_everything(123)
    assert draw() == first


def test_different_seed_different_numbers():
    seed_everything(1)
    first = draw()
    seed_everything(2)
    assert draw() != first


@pytest.mark.parametrize("seed", [1.5, "0", None, True])
def test_non_integer_seed_is_a_type_error(seed):
    with pytest.raises(TypeError, match="seed must be an int"):
        seed_everything(seed)


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_out_of_range_seed_is_a_value_error(seed):
    with pytest.raises(ValueError, match="Invalid seed"):
        seed_everything(seed)
