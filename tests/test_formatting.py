"""Figures print exactly as the council's papers print them."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.formatting import (
    Unit,
    format_change,
    format_number,
    format_value,
    validate_value_for_unit,
)


@pytest.mark.parametrize(
    ("value", "unit", "places", "extra", "printed"),
    [
        ("34.8", Unit.PERCENTAGE, 1, {}, "34.8%"),
        ("19", Unit.PERCENTAGE, 1, {"count": D(1890)}, "1,890/19.0%"),
        ("2491", Unit.COUNT, 0, {}, "2,491"),
        ("4007475", Unit.COUNT, 0, {}, "4,007,475"),
        ("403.9", Unit.RATE, 1, {"count": D(9907)}, "9,907/403.9"),
        ("79.6", Unit.RATE, 1, {"count": D(1966)}, "1,966/79.6"),
        ("32.3", Unit.RATE, 1, {}, "32.3"),
        ("426", Unit.DAYS, 0, {}, "426 days"),
        ("1", Unit.DAYS, 0, {}, "1 day"),
        ("4.6", Unit.DAYS, 1, {}, "4.6 days"),
        ("19", Unit.SCORE, 0, {"out_of": D(24)}, "19 (out of 24)"),
        ("7989000", Unit.MONEY, 3, {}, "£7.989m"),
        ("174000", Unit.MONEY, 3, {}, "£174k"),
        ("950", Unit.MONEY, 0, {}, "£950"),
        ("-1200000", Unit.MONEY, 3, {}, "-£1.200m"),
        # No places fixed: millions as exactly as given, to the thousand at most.
        ("1500000.000000", Unit.MONEY, 0, {}, "£1.5m"),
        ("7989000", Unit.MONEY, 0, {}, "£7.989m"),
        ("1234567", Unit.MONEY, 0, {}, "£1.235m"),
        ("2000000", Unit.MONEY, 0, {}, "£2m"),
        ("1250000", Unit.MONEY, 1, {}, "£1.3m"),  # one place fixed by the indicator
        ("20.8", Unit.NUMBER, 1, {}, "20.8"),
        ("0.05", Unit.NUMBER, 1, {}, "0.1"),  # half up, not to even
        ("0.25", Unit.NUMBER, 1, {}, "0.3"),
        ("-0.04", Unit.NUMBER, 1, {}, "0.0"),
        (None, Unit.PERCENTAGE, 1, {"missing_reason": "Available in Q4"}, "Available in Q4"),
        (None, Unit.PERCENTAGE, 1, {}, "-"),
    ],
)
def test_figures_print_as_in_the_papers(value, unit, places, extra, printed):
    figure = None if value is None else D(value)
    assert format_value(figure, unit=unit, decimal_places=places, **extra) == printed


@pytest.mark.parametrize(
    ("change", "percent", "places", "printed"),
    [
        ("3.77", True, 2, "+3.77%"),
        ("-14", True, 1, "-14.0%"),
        ("0", True, 1, "0.0%"),
        ("-644", False, 0, "-644"),
        (None, True, 1, "-"),
    ],
)
def test_changes_are_signed(change, percent, places, printed):
    figure = None if change is None else D(change)
    assert format_change(figure, percent=percent, decimal_places=places) == printed


def test_a_fractional_count_is_refused():
    with pytest.raises(ValueError, match="whole number"):
        format_value(D("1.5"), unit=Unit.RATE, decimal_places=1, count=D("1.5"))


def test_decimal_places_are_bounded():
    with pytest.raises(ValueError, match="0 to 6"):
        format_number(D(1), 7)


@pytest.mark.parametrize(
    ("value", "unit", "out_of", "message"),
    [
        ("104.2", Unit.PERCENTAGE, None, "A percentage cannot be over 100: 104.2 was entered."),
        ("-1", Unit.PERCENTAGE, None, "A percentage cannot be negative: -1 was entered."),
        ("-3", Unit.COUNT, None, "A count figure cannot be negative: -3 was entered."),
        ("2.5", Unit.COUNT, None, "A count must be a whole number: 2.5 was entered."),
        ("25", Unit.SCORE, D(24), "A score cannot be more than 24: 25 was entered."),
        ("100", Unit.PERCENTAGE, None, None),
        ("-14", Unit.NUMBER, None, None),
    ],
)
def test_figures_impossible_for_their_unit_are_named(value, unit, out_of, message):
    assert validate_value_for_unit(D(value), unit, out_of=out_of) == message


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False),
    st.integers(0, 6),
)
def test_format_number_round_trips_to_the_rounded_value(value, places):
    printed = format_number(value, places)
    number = D(printed.replace(",", ""))
    assert abs(number - value) <= D(1).scaleb(-places) / 2
    assert len(printed.partition(".")[2]) == places
    assert "," not in printed.partition(".")[0] or abs(value) >= 999
