"""What a cell of an Excel workbook means: its value read with its number format, the way
Excel shows it. Plain Python, no Django; the one place the importers learn what Excel did.

Excel keeps what was typed as a number and a format, not as text. "47%" typed into a
General cell is stored as 0.47 formatted "0%"; "Sep 2011" and "2011/12" are stored as the
dates 1 Sep 2011 and 1 Dec 2011 formatted "mmm-yy"; a formula that fails holds an error
such as #N/A. `spreadsheets.workbooks.read_sheets` hands such cells over as `Percent`,
`ShownDate` and `ExcelError`, and the readers below turn a cell into what the column wants
(a figure in an indicator's unit, a period, a financial year) or refuse it with a reason
that says what Excel did.

A percent-formatted number is a percentage (0.47 is 47%). A number with any other format is
the number the cell shows: 47 is 47%, and 0.47 on a percentage indicator is 0.47%, as the
cell shows it (a percentage under 1% is a real figure, so it is not refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from indicators.formatting import Unit
from indicators.numbers import Figure, FigureError, parse_figure
from indicators.periods import (
    ACADEMIC_YEAR,
    FINANCIAL_YEAR,
    Month,
    Period,
    PeriodError,
    parse_period,
)
from indicators.periods import EXAMPLES as PERIOD_EXAMPLES


class CellError(ValueError):
    """A cell's value that cannot be right; the message is the reason."""


# Number formats ------------------------------------------------------------------------------

PERCENT, DATE, TIME = "percent", "date", "time"
# Excel's built-in formats by id (ECMA-376 18.8.30); a workbook names only custom formats.
BUILTIN_FORMATS = {
    9: "0%",
    10: "0.00%",
    14: "dd/mm/yyyy",  # the short date of the reader's locale: day, month and year
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "dd/mm/yyyy h:mm",
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    **{number: "yyyy-mm-dd" for number in (*range(27, 37), *range(50, 59))},  # East Asian
}
# Literal text ("%" in quotes is a percent sign, not a percentage), escaped characters,
# padding and fill characters, and [Red] or [$-809] sections show no part of the value.
_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?!h\]|m\]|s\]|hh\]|mm\]|ss\])[^\]]*\]', re.I)


def format_kind(code: str) -> str | None:
    """PERCENT, DATE or TIME for a number format that changes what a number means; None for
    General, text and plain number formats."""
    shown = _LITERALS.sub("", code.split(";")[0]).lower()
    if not shown or shown == "general" or shown == "@":
        return None
    if "%" in shown:
        return PERCENT
    of_a_time = re.search("[hs]", shown) is not None  # "m" is minutes beside h or s
    if "y" in shown or "d" in shown or ("m" in shown and not of_a_time):
        return DATE
    return TIME if of_a_time else None


def shows(code: str) -> tuple[bool, bool]:
    """Whether a date format shows the day, and the year."""
    shown = _LITERALS.sub("", code.split(";")[0]).lower()
    return "d" in shown, "y" in shown or "e" in shown


# Cells whose format changes what their value means --------------------------------------------


def exact(number: int | float) -> Decimal:
    """A number as Excel shows it in the formula bar: 15 significant digits, so that 0.47
    stored as 0.47000000000000003 is 0.47."""
    return Decimal(format(number, ".15g"))


def plain(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True, slots=True)
class Percent:
    """A number in a percent-formatted cell: 0.47 shows as 47%."""

    stored: int | float

    @property
    def percent(self) -> Decimal:
        return exact(self.stored) * 100

    def __str__(self) -> str:
        return f"{plain(self.percent)}%"


@dataclass(frozen=True, slots=True)
class ShownDate:
    """A date cell, with what its number format shows of it."""

    value: date
    number_format: str

    def __str__(self) -> str:
        return day_text(self.value)


@dataclass(frozen=True, slots=True)
class ExcelError:
    """A cell holding one of Excel's errors, such as #N/A or #DIV/0!."""

    code: str

    def __str__(self) -> str:
        return self.code


def cell_text(cell) -> str:
    """A cell as the text it shows: 12.0 is "12"; a percent-formatted 0.47 is "47%"."""
    if type(cell) is str:  # most cells: the fast path, called for every cell of a workbook
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, date):
        return day_text(cell)
    return str(cell).strip()


_MONTHS = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def day_text(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month]} {day.year}"


def _refuse_other_values(cell, what: str) -> None:
    """Refuse a cell that holds a date, a time, TRUE or FALSE, or an error, saying which."""
    if isinstance(cell, bool):
        raise CellError(f"this cell holds {str(cell).upper()}, not {what}")
    if isinstance(cell, ExcelError):
        raise CellError(f"this cell shows the error {cell.code}, not {what}")
    if isinstance(cell, ShownDate | date):
        raise CellError(
            f"this cell holds the date {day_text(getattr(cell, 'value', cell))}, not {what}: "
            f"type {what} as text"
        )
    if isinstance(cell, time | timedelta):
        raise CellError(f"this cell holds a time or duration, not {what}")


def _unit_words(unit: Unit) -> str:
    return unit.label.split(" (")[0].lower()


def figure(cell, unit: Unit | str) -> Figure:
    """A figure for an indicator of `unit`, read as the cell shows it."""
    unit = Unit(unit)
    if isinstance(cell, Percent):
        if unit is not Unit.PERCENTAGE:
            raise CellError(
                f"this cell holds {plain(exact(cell.stored))} formatted as a percentage, "
                f"so it shows {cell}, but the indicator is a {_unit_words(unit)}: remove the "
                "percent format or type the figure as text"
            )
        return Figure(cell.percent)
    _refuse_other_values(cell, "a figure")
    if isinstance(cell, int | float):
        return Figure(exact(cell))
    try:
        return parse_figure(cell_text(cell), unit)
    except FigureError as error:
        raise CellError(str(error)) from None


def number(cell, unit: Unit | str) -> Decimal | None:
    """One number in the indicator's unit (a target, a baseline), or None if the cell is
    empty."""
    if not cell_text(cell):
        return None
    read = figure(cell, unit)
    if read.count is not None:
        raise CellError(f"'{cell_text(cell)}' is two numbers: give one")
    return read.value


def plain_number(cell) -> Decimal | None:
    """A number that has no unit (places, a rate's base), or None if the cell is empty."""
    if not cell_text(cell):
        return None
    _refuse_other_values(cell, "a number")
    if isinstance(cell, Percent):
        raise CellError(f"this cell shows {cell}, a percentage: give a number")
    if isinstance(cell, int | float):
        return exact(cell)
    text = cell_text(cell).replace(",", "")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", text):
        raise CellError(f"'{cell_text(cell)}' is not a number")
    return Decimal(text)


# Periods -------------------------------------------------------------------------------------

# Indicators whose periods are months: a month-year date is the month it shows.
_BY_MONTH = {"monthly", "rolling"}


def _looks_like_a_year(day: date) -> bool:
    """Whether the date is the one Excel makes of a financial year typed as "2011/12"
    (year 2011, month 12): the years 2000/01 to 2011/12."""
    return day.day == 1 and day.month == (day.year + 1) % 100


def _year_text(day: date) -> str:
    return f"{day.year}/{day.month:02d}"


def period_of_date(
    day: date, *, shows_day: bool, shows_year: bool, frequency: str, holds: str
) -> Month:
    """The month a date cell stands for, or why it cannot be told. `holds` begins the
    reason: "this cell holds the date" or, for a CSV, what Excel wrote."""
    if isinstance(day, datetime):
        day = day.date()
    if _looks_like_a_year(day) and frequency not in _BY_MONTH:
        raise CellError(f"{holds} {day_text(day)}: type the year as text, {_year_text(day)}")
    if not shows_year:
        # "Sept 16" typed into a cell is 16 September of the year it was typed in.
        raise CellError(
            f'{holds} {day_text(day)} (Excel reads "{_MONTHS[day.month]} {day.day:02d}" '
            f"as a day of this year): type the period as text, e.g. "
            f"{_MONTHS[day.month]} 20{day.day:02d}"
        )
    if shows_day and day.day != 1:
        raise CellError(
            f"{holds} {day_text(day)}, a day, not a period: type the period as text, e.g. "
            f"{_MONTHS[day.month]} {day.year}; periods are written as {PERIOD_EXAMPLES}"
        )
    return Month(day.year, day.month)


def period(cell, *, frequency: str) -> Period:
    """The period of a figure or target of an indicator of `frequency` (a Frequency value)."""
    if isinstance(cell, ShownDate):
        day_shown, year_shown = shows(cell.number_format)
        return period_of_date(
            cell.value,
            shows_day=day_shown,
            shows_year=year_shown,
            frequency=frequency,
            holds="this cell holds the date",
        )
    if isinstance(cell, date):  # a date whose format was not read: it shows the day
        return period_of_date(
            cell,
            shows_day=True,
            shows_year=True,
            frequency=frequency,
            holds="this cell holds the date",
        )
    _refuse_other_values(cell, "a period")
    if isinstance(cell, Percent):
        raise CellError(
            f"this cell shows {cell}, a percentage, not a period; periods are written as "
            f"{PERIOD_EXAMPLES}"
        )
    text = cell_text(cell)
    if not text:
        raise CellError("the period is empty")
    return period_text(text, frequency=frequency)


# How Excel writes a date cell into a CSV file: "Dec-11" (mmm-yy), "1-Dec-11" (d-mmm-yy).
_CSV_MONTH = re.compile(r"([A-Za-z]{3})-(\d{2})")
_CSV_DAY = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4})")


def period_text(text: str, *, frequency: str) -> Period:
    """A period typed as text, or as Excel writes a date cell into a CSV file."""
    if frequency == "academic_year":
        try:
            return parse_period(text, kind=ACADEMIC_YEAR)
        except PeriodError:
            pass
    try:
        return parse_period(text)
    except PeriodError as error:
        period = excel_date_text(text, frequency=frequency)
        if period is None:
            raise CellError(str(error).rstrip(".")) from None
        return period


def excel_date_text(text: str, *, frequency: str) -> Month | None:
    """The month of a date as Excel writes it into a CSV file ("Dec-11": Excel made the
    date of "Dec 2011" or of "2011/12"), None for text that is no such date, or CellError
    when the date cannot be told from a year."""
    shown = _excel_date_text(text.strip())
    if shown is None:
        return None
    day, shows_day = shown
    return period_of_date(
        day,
        shows_day=shows_day,
        shows_year=True,
        frequency=frequency,
        holds=f'"{text.strip()}" is how Excel writes the date',
    )


def _excel_date_text(text: str) -> tuple[date, bool] | None:
    months = {name.lower(): number for number, name in enumerate(_MONTHS) if name}
    if match := _CSV_MONTH.fullmatch(text):
        month, year, day = match[1].lower(), match[2], "1"
    elif match := _CSV_DAY.fullmatch(text):
        day, month, year = match[1], match[2].lower(), match[3]
    else:
        return None
    if month not in months:
        return None
    try:
        full_year = int(year) if len(year) == 4 else 2000 + int(year)
        return date(full_year, months[month], int(day)), match.re is _CSV_DAY
    except ValueError:
        return None


def year(cell, what: str = "the financial year"):
    """A financial year ("2017/18"), typed as text."""
    if isinstance(cell, ShownDate | date):
        day = getattr(cell, "value", cell)
        if isinstance(day, datetime):
            day = day.date()
        example = _year_text(day) if _looks_like_a_year(day) else "2017/18"
        raise CellError(
            f"this cell holds the date {day_text(day)}: type the year as text, {example}"
        )
    _refuse_other_values(cell, what)
    text = cell_text(cell)
    if not text:
        raise CellError(f'give {what}, e.g. "2017/18"')
    try:
        return parse_period(text, kind=FINANCIAL_YEAR)
    except PeriodError as error:
        raise CellError(str(error).rstrip(".")) from None
