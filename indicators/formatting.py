"""Figures formatted the way the council's papers print them.

Plain Python, no Django: "34.8%", "9,907/403.9", "£7.989m", "19 (out of 24)", "426 days",
"2,491". Rounding is half-up, as people round by hand, not Python's banker's rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

MISSING = "-"


class Unit(StrEnum):
    """What an indicator's figures measure."""

    PERCENTAGE = "percentage"
    COUNT = "count"
    RATE = "rate"
    DAYS = "days"
    SCORE = "score"
    MONEY = "money"
    NUMBER = "number"

    @property
    def label(self) -> str:
        return {
            "percentage": "Percentage",
            "count": "Count",
            "rate": "Rate per population",
            "days": "Days",
            "score": "Score (out of a maximum)",
            "money": "Money (£)",
            "number": "Number",
        }[self.value]


def _check_places(decimal_places: int) -> None:
    if not 0 <= decimal_places <= 6:
        raise ValueError(f"Decimal places must be 0 to 6, not {decimal_places}.")


def format_number(value: Decimal, decimal_places: int) -> str:
    """Half-up rounding with thousands separators: 2491 -> "2,491"."""
    _check_places(decimal_places)
    quantum = Decimal(1).scaleb(-decimal_places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never print "-0.0"
    return f"{rounded:,f}"


def _money(value: Decimal, decimal_places: int) -> str:
    """Millions as "£7.989m", thousands as "£174k". An indicator that fixes no decimal
    places (0) shows a figure in millions as exactly as it was given, up to three places
    (thousands): "£1.5m" stays "£1.5m", not "£2m"."""
    sign, size = ("-" if value < 0 else ""), abs(value)
    if size >= 1_000_000:
        millions = size / 1_000_000
        if decimal_places == 0:
            exponent = millions.normalize().as_tuple().exponent
            decimal_places = min(3, max(0, -exponent)) if isinstance(exponent, int) else 0
        return f"{sign}£{format_number(millions, decimal_places)}m"
    if size >= 1_000:
        return f"{sign}£{format_number(size / 1_000, 0)}k"
    return f"{sign}£{format_number(size, 0)}"


def format_value(
    value: Decimal | None,
    *,
    unit: Unit,
    decimal_places: int = 0,
    count: Decimal | None = None,
    out_of: Decimal | None = None,
    missing_reason: str = "",
) -> str:
    """One figure as printed in a report; a missing one shows its reason or "-"."""
    _check_places(decimal_places)
    if value is None:
        return missing_reason or MISSING
    unit = Unit(unit)
    if unit is Unit.PERCENTAGE:
        text = f"{format_number(value, decimal_places)}%"
    elif unit is Unit.DAYS:
        number = format_number(value, decimal_places)
        text = f"{number} day" if number == "1" else f"{number} days"
    elif unit is Unit.SCORE:
        text = format_number(value, decimal_places)
        if out_of is not None:
            text = f"{text} (out of {format_number(out_of, 0)})"
    elif unit is Unit.MONEY:
        text = _money(value, decimal_places)
    else:
        text = format_number(value, decimal_places)
    if count is not None:
        if count != count.to_integral_value():
            raise ValueError(f"A count must be a whole number, not {count}.")
        text = f"{format_number(count, 0)}/{text}"
    return text


def format_change(change: Decimal | None, *, percent: bool, decimal_places: int) -> str:
    """A signed change: "+3.77%", "-14.0%", "0.0%"."""
    if change is None:
        return MISSING
    text = format_number(change, decimal_places)
    if not text.startswith("-") and Decimal(text.replace(",", "")) != 0:
        text = f"+{text}"
    return f"{text}%" if percent else text


def _shown(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def validate_value_for_unit(
    value: Decimal, unit: Unit, *, out_of: Decimal | None = None
) -> str | None:
    """What is wrong with a figure for its unit, in words, or None when it is fine."""
    unit = Unit(unit)
    if unit is Unit.PERCENTAGE:
        if value > 100:
            return f"A percentage cannot be over 100: {_shown(value)} was entered."
        if value < 0:
            return f"A percentage cannot be negative: {_shown(value)} was entered."
    if unit in (Unit.COUNT, Unit.DAYS, Unit.RATE) and value < 0:
        return f"A {unit.label.lower()} figure cannot be negative: {_shown(value)} was entered."
    if unit is Unit.COUNT and value != value.to_integral_value():
        return f"A count must be a whole number: {_shown(value)} was entered."
    if unit is Unit.SCORE and out_of is not None and value > out_of:
        return f"A score cannot be more than {out_of.normalize():f}: {_shown(value)} was entered."
    return None


def ordinal(number: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    if number < 1:
        raise ValueError(f"A rank starts at 1, not {number}.")
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
