from fractions import Fraction

import numpy as np
import pytest

from lib.reporting import bracket

CUTS = [0.01, 0.02, 0.04, 0.06, 0.08, 0.09, 0.11]


@pytest.mark.parametrize("value, text", [
    (0.0853, "0.08 to 0.09"),
    (0.015, "0.01 to 0.02"),
    (0.1, "0.09 to 0.11"),
    (0.05, "0.04 to 0.06"),
])
def test_value_between_its_two_neighbouring_cuts(value, text):
    assert bracket(value, CUTS) == text


def test_an_int_value_and_a_tuple_of_cuts_work():
    assert bracket(15, (10, 20)) == "10 to 20"


def test_numpy_scalars_and_fractions_are_numbers():
    # A loss read back from a float32 tensor is often an np.float32.
    assert bracket(np.float32(0.0853), CUTS) == "0.08 to 0.09"
    assert bracket(np.float64(0.0853), CUTS) == "0.08 to 0.09"
    assert bracket(np.int64(15), (np.int64(10), 20)) == "10 to 20"
    assert bracket(Fraction(3, 20), [Fraction(1, 10), 0.2]) == "0.1 to 0.2"
    assert bracket(0.0815, CUTS, margin=np.float32(1.01)) == "0.08 to 0.09"
    cuts32 = np.array(CUTS, dtype=np.float32)
    assert bracket(0.0853, cuts32) == "0.08 to 0.09"


@pytest.mark.parametrize("value", [0.0815, 0.0885, 0.08, 0.09])
def test_value_near_a_cut_is_refused(value):
    # 0.0815 is within 2% of 0.08, 0.0885 within 2% of 0.09.
    with pytest.raises(ValueError, match="choose cut points"):
        bracket(value, CUTS)


def test_margin_sets_how_near_is_too_near():
    assert bracket(0.0815, CUTS, margin=1.01) == "0.08 to 0.09"
    with pytest.raises(ValueError, match="factor 1.05 of the cut point 0.06"):
        bracket(0.062, CUTS, margin=1.05)


@pytest.mark.parametrize("value", [0.005, 0.2])
def test_value_outside_the_cuts_is_refused(value):
    with pytest.raises(ValueError, match="outside the cuts"):
        bracket(value, CUTS)


@pytest.mark.parametrize("value", [0.0, -0.05, float("nan"), float("inf")])
def test_value_must_be_finite_and_positive(value):
    with pytest.raises(ValueError, match="Invalid value"):
        bracket(value, CUTS)


@pytest.mark.parametrize("value, margin, name, kind", [
    ("0.05", 1.02, "value", "str"),
    (None, 1.02, "value", "NoneType"),
    (True, 1.02, "value", "bool"),
    (np.bool_(True), 1.02, "value", "bool"),
    (0.05, "2%", "margin", "str"),
    (0.05, None, "margin", "NoneType"),
    (0.05, True, "margin", "bool"),
])
def test_non_numbers_are_a_type_error(value, margin, name, kind):
    with pytest.raises(TypeError,
                       match=f"^{name} must be a real number, not {kind}"):
        bracket(value, CUTS, margin=margin)


@pytest.mark.parametrize("cuts", [0.1, None, "0.01 0.1"])
def test_cuts_must_be_a_sequence_of_numbers(cuts):
    with pytest.raises(TypeError, match="^cuts must be a sequence"):
        bracket(0.05, cuts)


@pytest.mark.parametrize("cuts, message", [
    (["0.01", "0.1"], r"^cuts\[0\] must be a real number, not str"),
    ([0.01, 0.04, None], r"^cuts\[2\] must be a real number, not NoneType"),
    ([0.01, True, 0.1], r"^cuts\[1\] must be a real number, not bool"),
])
def test_a_cut_that_is_not_a_number_is_named(cuts, message):
    with pytest.raises(TypeError, match=message):
        bracket(0.05, cuts)


@pytest.mark.parametrize("cuts, message", [
    ([0.1], "at least two"),
    ([], "at least two"),
    ([0.1, 0.05, 0.2],
     r"increasing: cuts\[1\] = 0.05 is not above cuts\[0\] = 0.1$"),
    ([0.01, 0.1, 0.1, 0.2],
     r"increasing: cuts\[2\] = 0.1 is not above cuts\[1\] = 0.1$"),
    ([0.0, 0.1], r"^cuts\[0\] must be a finite number > 0, got 0.0$"),
    ([0.01, 0.1, float("inf")],
     r"^cuts\[2\] must be a finite number > 0, got inf$"),
    ([0.01, float("nan"), 0.2],
     r"^cuts\[1\] must be a finite number > 0, got nan$"),
])
def test_bad_cuts_are_a_value_error(cuts, message):
    with pytest.raises(ValueError, match=message):
        bracket(0.05, cuts)


@pytest.mark.parametrize("margin", [1.0, 0.5, float("nan"), float("inf")])
def test_margin_must_be_above_one(margin):
    with pytest.raises(ValueError, match="Invalid margin"):
        bracket(0.05, CUTS, margin=margin)


def test_exported_from_lib():
    import lib

    assert lib.bracket is bracket
