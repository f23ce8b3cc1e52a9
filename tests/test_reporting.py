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


@pytest.mark.parametrize("value, margin", [
    ("0.05", 1.02), (None, 1.02), (True, 1.02), (0.05, "2%")])
def test_non_numbers_are_a_type_error(value, margin):
    with pytest.raises(TypeError, match="must be a number"):
        bracket(value, CUTS, margin=margin)


def test_cuts_must_be_a_sequence_of_numbers():
    with pytest.raises(TypeError, match="cuts must be a sequence"):
        bracket(0.05, 0.1)


@pytest.mark.parametrize("cuts, message", [
    ([0.1], "at least two"),
    ([], "at least two"),
    ([0.1, 0.05, 0.2], "increasing"),
    ([0.1, 0.1, 0.2], "increasing"),
    ([0.0, 0.1], "finite numbers > 0"),
    ([0.1, float("inf")], "finite numbers > 0"),
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
