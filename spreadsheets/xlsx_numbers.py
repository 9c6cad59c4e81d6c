"""Figures as Excel numbers, with number formats that print them as the papers do.

Plain Python, no Django. A workbook cell holds the figure itself (so Excel can sum, sort
and chart it) and a number format that shows it the way `indicators.formatting` prints it:
"8,521", "29.1%", "£7.989m", "£174k", "426 days", "19 (out of 24)". The count of a
count-and-rate pair is a number of its own, in its own column.

Percentages are written as Excel holds them: the fraction with a percent format (0.291
shown as "29.1%"), so a percentage typed over one is what Excel stores too. The importers
read a percent-formatted cell as the percentage it shows (spreadsheets.excel_cells), so the
workbooks Scorecard reads back (the return and the catalogue) round-trip exactly;
`fraction=False` writes percentage points with a literal "%" ('0.0"%"') instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from indicators.formatting import Unit, format_number

COUNT_FORMAT = "#,##0"


@dataclass(frozen=True)
class NumberCell:
    """What an Excel cell holds for a figure: the number and the format that prints it."""

    value: int | float | str
    number_format: str


def _digits(decimal_places: int) -> str:
    return "#,##0" + ("." + "0" * decimal_places if decimal_places else "")


def _literal(text: str) -> str:
    return '"' + text.replace('"', "") + '"'


def figure_format(
    value: Decimal,
    *,
    unit: Unit | str,
    decimal_places: int = 0,
    out_of: Decimal | None = None,
    fraction: bool = True,
) -> str:
    """The Excel number format that prints `value` as `formatting.format_value` does.
    With `fraction`, a percentage is written as its fraction (0.291) in Excel's percent
    format; without, as its points (29.1) with a literal "%"."""
    unit = Unit(unit)
    digits = _digits(decimal_places)
    if unit is Unit.PERCENTAGE:
        places = digits.removeprefix("#,##")
        return f"{places}%" if fraction else places + _literal("%")
    if unit is Unit.DAYS:
        one = format_number(value, decimal_places) == "1"
        return digits + _literal(" day" if one else " days")
    if unit is Unit.SCORE and out_of is not None:
        return digits + _literal(f" (out of {format_number(out_of, 0)})")
    if unit is Unit.MONEY:
        # Each figure gets the format of its size, as the papers print £7.989m, £174k, £950;
        # the trailing commas of a format divide what is shown by a thousand each.
        size = abs(value)
        if size >= 1_000_000:
            return '"£"' + digits + ",," + _literal("m")
        if size >= 1_000:
            return '"£"#,##0,' + _literal("k")
        return '"£"#,##0'
    return digits


def excel_number(value: Decimal) -> int | float:
    """A Decimal as the int or float a workbook stores."""
    if value == value.to_integral_value() and abs(value) < 2**53:
        return int(value)
    return float(value)


def exact_in_excel(value: Decimal) -> bool:
    """Whether a workbook holds this figure exactly as the importers read it back: openpyxl
    writes 16 significant digits of the binary float, read as Decimal(str(float)). True of
    every figure of up to 15 significant digits."""
    written = "%.16g" % float(value)  # noqa: UP031 (openpyxl's own formatting of numbers)
    return Decimal(repr(float(written))) == value


def figure_cell(
    value: Decimal,
    *,
    unit: Unit | str,
    decimal_places: int = 0,
    out_of: Decimal | None = None,
    fraction: bool = True,
    exact: bool = False,
) -> NumberCell:
    """A figure as a number cell. With `exact` (a workbook that is imported again), a
    figure with more significant digits than Excel keeps is written as text, which the
    importers read to the last digit."""
    number_format = figure_format(
        value, unit=unit, decimal_places=decimal_places, out_of=out_of, fraction=fraction
    )
    stored = value / 100 if Unit(unit) is Unit.PERCENTAGE and fraction else value
    if exact and not exact_in_excel(stored):
        return NumberCell(f"{value:f}", "@")
    return NumberCell(excel_number(stored), number_format)


def count_cell(count: Decimal) -> NumberCell:
    """The count of a count-and-rate pair: a whole number with thousands separators."""
    return NumberCell(excel_number(count), COUNT_FORMAT)
