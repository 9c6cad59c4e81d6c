"""Reporting periods as values: parsed from and printed as committee papers write them.

Plain Python, no Django. Every period knows its first and last day, sorts chronologically
against periods of any other kind, and knows the financial year and quarter it falls in
(those containing its last day, which is how a figure is reported).

Canonical labels:
    financial year      2017/18            (1 April to 31 March)
    financial quarter   Q3 2017/18         (Q1 Apr-Jun, Q2 Jul-Sep, Q3 Oct-Dec, Q4 Jan-Mar)
    month               Dec 2016           ("Sept" for September, as the papers write it)
    academic year       2016/17            (1 September to 31 August; parse with kind=)
    term                Autumn term 2012   (autumn Sep-Dec, spring Jan-Mar, summer Apr-Jul)
    calendar year       2017
    calendar quarters   Q1-3 2017, Q2 2017
    rolling window      Jul 16 - Jun 17
    snapshot            as at 31 March 2018
    year to date        2017/18 year to date (Apr - Dec)
                        (also read as "Apr - Dec 2017", "April to December 2017/18",
                        "Month 9 2017/18")
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, total_ordering
from typing import ClassVar

FINANCIAL_YEAR = "financial_year"
FINANCIAL_QUARTER = "financial_quarter"
MONTH = "month"
ACADEMIC_YEAR = "academic_year"
TERM = "term"
CALENDAR_YEAR = "calendar_year"
CALENDAR_QUARTERS = "calendar_quarters"
ROLLING = "rolling"
SNAPSHOT = "snapshot"
YEAR_TO_DATE = "year_to_date"

KIND_LABELS: dict[str, str] = {
    FINANCIAL_YEAR: "Financial year",
    FINANCIAL_QUARTER: "Quarter",
    MONTH: "Month",
    ACADEMIC_YEAR: "Academic year",
    TERM: "Term",
    CALENDAR_YEAR: "Calendar year",
    CALENDAR_QUARTERS: "Part of a calendar year",
    ROLLING: "Rolling window",
    SNAPSHOT: "Snapshot",
    YEAR_TO_DATE: "Year to date",
}
# Ties on dates are broken by kind, so that sorting a mixed list is deterministic.
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_LABELS)}

_MONTH_ABBR = [
    "",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
]
_MONTH_NAMES = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES.update(
    {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
)
_MONTH_NAMES["sept"] = 9
_SEASONS = {"autumn": (9, 12), "spring": (1, 3), "summer": (4, 7)}
_SEASON_ORDER = ["spring", "summer", "autumn"]

# Every form a period can be written in, with an example of each: the Instructions sheet
# and every "not a period" message list them, so nobody has to guess.
FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("financial or academic year", ("2017/18",)),
    ("quarter", ("Q3 2017/18",)),
    ("month", ("Dec 2016",)),
    (
        "year to date",
        ("Apr - Sept 2017", "April to September 2017/18", "Month 6 2017/18"),
    ),
    ("quarters of a calendar year", ("Q1-3 2017",)),
    ("calendar year", ("2017",)),
    ("term", ("Autumn term 2012",)),
    ("rolling window", ("Jul 16 - Jun 17",)),
    ("snapshot", ("as at 31 March 2018",)),
)


def _examples(examples: tuple[str, ...]) -> str:
    quoted = [f'"{example}"' for example in examples]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


ACCEPTED_FORMS = "; ".join(f"{name} {_examples(examples)}" for name, examples in FORMS)
EXAMPLES = f"one of: {ACCEPTED_FORMS}"


class PeriodError(ValueError):
    """A text or a set of numbers that is not a period, with the reason in plain English."""


def _error(text: str, reason: str) -> PeriodError:
    reason = reason.rstrip(".")
    return PeriodError(f'"{text}" is not a period: {reason}. Periods are written as {EXAMPLES}')


@lru_cache(maxsize=4096)
def _month_end(year: int, month: int) -> date:
    """The last day of a month (cached: scorecards ask for the same few thousands of times)."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _two_digits(year: int) -> str:
    return f"{year % 100:02d}"


@total_ordering
class Period:
    """A span of days that a figure is reported for."""

    kind: ClassVar[str]

    @property
    def start(self) -> date:
        raise NotImplementedError

    @property
    def end(self) -> date:
        raise NotImplementedError

    @property
    def label(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.label}"

    @staticmethod
    @lru_cache(maxsize=4096)
    def from_key(key: str) -> Period:
        # Periods are immutable, and a database holds few distinct ones: parse each once.
        kind, sep, label = key.partition(":")
        if not sep or kind not in KIND_LABELS:
            raise PeriodError(f'"{key}" is not a stored period key.')
        return parse_period(label, kind=kind)

    def _sort_key(self) -> tuple:
        return (self.end, self.start, _KIND_RANK[self.kind], self.label)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    @property
    def financial_year(self) -> FinancialYear:
        end = self.end
        return FinancialYear(end.year if end.month >= 4 else end.year - 1)

    @property
    def financial_quarter(self) -> FinancialQuarter:
        end = self.end
        fy = end.year if end.month >= 4 else end.year - 1
        return FinancialQuarter(fy, (end.month - 4) % 12 // 3 + 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def months(self) -> int:
        start, end = self.start, self.end
        return (end.year - start.year) * 12 + end.month - start.month + 1

    def shift_years(self, years: int) -> Period:
        raise NotImplementedError

    def previous(self) -> Period:
        raise NotImplementedError


@dataclass(frozen=True, eq=True, order=False)
class FinancialYear(Period):
    """A UK financial year, 1 April to 31 March."""

    start_year: int
    kind: ClassVar[str] = FINANCIAL_YEAR

    def __post_init__(self) -> None:
        if not 1900 <= self.start_year <= 2200:
            raise PeriodError(f"{self.start_year} is outside the years Scorecard handles.")

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{_two_digits(self.start_year + 1)}"

    def quarters(self) -> list[FinancialQuarter]:
        return [FinancialQuarter(self.start_year, q) for q in range(1, 5)]

    def month_periods(self) -> list[Month]:
        return [Month(*_add_months(self.start_year, 4, n)) for n in range(12)]

    def shift_years(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year + years)

    def previous(self) -> FinancialYear:
        return self.shift_years(-1)


@dataclass(frozen=True, eq=True, order=False)
class FinancialQuarter(Period):
    """A quarter of a financial year: Q1 is April to June."""

    start_year: int
    quarter: int
    kind: ClassVar[str] = FINANCIAL_QUARTER

    def __post_init__(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise PeriodError(f"a quarter must be Q1 to Q4, not Q{self.quarter}.")
        FinancialYear(self.start_year)

    @property
    def start(self) -> date:
        year, month = _add_months(self.start_year, 4, 3 * (self.quarter - 1))
        return date(year, month, 1)

    @property
    def end(self) -> date:
        year, month = _add_months(self.start_year, 4, 3 * self.quarter - 1)
        return _month_end(year, month)

    @property
    def label(self) -> str:
        return f"Q{self.quarter} {FinancialYear(self.start_year).label}"

    def shift_years(self, years: int) -> FinancialQuarter:
        return FinancialQuarter(self.start_year + years, self.quarter)

    def previous(self) -> FinancialQuarter:
        if self.quarter == 1:
            return FinancialQuarter(self.start_year - 1, 4)
        return FinancialQuarter(self.start_year, self.quarter - 1)


@dataclass(frozen=True, eq=True, order=False)
class Month(Period):
    """A calendar month."""

    year: int
    month: int
    kind: ClassVar[str] = MONTH

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(f"a month must be 1 to 12, not {self.month}.")
        if not 1900 <= self.year <= 2200:
            raise PeriodError(f"{self.year} is outside the years Scorecard handles.")

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return _month_end(self.year, self.month)

    @property
    def label(self) -> str:
        return f"{_MONTH_ABBR[self.month]} {self.year}"

    @property
    def short_label(self) -> str:
        return f"{_MONTH_ABBR[self.month]} {_two_digits(self.year)}"

    def plus(self, months: int) -> Month:
        return Month(*_add_months(self.year, self.month, months))

    def shift_years(self, years: int) -> Month:
        return Month(self.year + years, self.month)

    def previous(self) -> Month:
        return self.plus(-1)


@dataclass(frozen=True, eq=True, order=False)
class AcademicYear(Period):
    """A school year, 1 September to 31 August."""

    start_year: int
    kind: ClassVar[str] = ACADEMIC_YEAR

    def __post_init__(self) -> None:
        FinancialYear(self.start_year)

    @property
    def start(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 8, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{_two_digits(self.start_year + 1)}"

    def shift_years(self, years: int) -> AcademicYear:
        return AcademicYear(self.start_year + years)

    def previous(self) -> AcademicYear:
        return self.shift_years(-1)


@dataclass(frozen=True, eq=True, order=False)
class Term(Period):
    """A school term: autumn (Sep-Dec), spring (Jan-Mar) or summer (Apr-Jul).

    Real term dates move with Easter and vary by school; fixed months keep terms
    comparable from year to year.
    """

    season: str
    year: int
    kind: ClassVar[str] = TERM

    def __post_init__(self) -> None:
        if self.season not in _SEASONS:
            raise PeriodError(f"a term is autumn, spring or summer, not {self.season!r}.")
        FinancialYear(self.year)

    @property
    def start(self) -> date:
        return date(self.year, _SEASONS[self.season][0], 1)

    @property
    def end(self) -> date:
        return _month_end(self.year, _SEASONS[self.season][1])

    @property
    def label(self) -> str:
        return f"{self.season.capitalize()} term {self.year}"

    @property
    def academic_year(self) -> AcademicYear:
        return AcademicYear(self.year if self.season == "autumn" else self.year - 1)

    def shift_years(self, years: int) -> Term:
        return Term(self.season, self.year + years)

    def previous(self) -> Term:
        index = _SEASON_ORDER.index(self.season)
        if index == 0:
            return Term(_SEASON_ORDER[-1], self.year - 1)
        return Term(_SEASON_ORDER[index - 1], self.year)


@dataclass(frozen=True, eq=True, order=False)
class CalendarYear(Period):
    """A calendar year, January to December."""

    year: int
    kind: ClassVar[str] = CALENDAR_YEAR

    def __post_init__(self) -> None:
        FinancialYear(self.year)

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def label(self) -> str:
        return str(self.year)

    def shift_years(self, years: int) -> CalendarYear:
        return CalendarYear(self.year + years)

    def previous(self) -> CalendarYear:
        return self.shift_years(-1)


@dataclass(frozen=True, eq=True, order=False)
class CalendarQuarters(Period):
    """Consecutive quarters of a calendar year, such as "Q1-3 2017" (January to September)."""

    year: int
    first: int
    last: int
    kind: ClassVar[str] = CALENDAR_QUARTERS

    def __post_init__(self) -> None:
        for quarter in (self.first, self.last):
            if quarter not in (1, 2, 3, 4):
                raise PeriodError(f"a quarter must be Q1 to Q4, not Q{quarter}.")
        if self.first > self.last:
            raise PeriodError(f"Q{self.first} comes after Q{self.last}.")
        FinancialYear(self.year)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.first - 2, 1)

    @property
    def end(self) -> date:
        return _month_end(self.year, 3 * self.last)

    @property
    def label(self) -> str:
        span = f"Q{self.first}" if self.first == self.last else f"Q{self.first}-{self.last}"
        return f"{span} {self.year}"

    def shift_years(self, years: int) -> CalendarQuarters:
        return CalendarQuarters(self.year + years, self.first, self.last)

    def previous(self) -> CalendarQuarters:
        width = self.last - self.first + 1
        if width == 4:
            return self.shift_years(-1)
        if self.first > width:
            return CalendarQuarters(self.year, self.first - width, self.last - width)
        # The same quarters a year earlier: "Q1-3 2016" precedes "Q1-3 2017" in the papers.
        return self.shift_years(-1)


@dataclass(frozen=True, eq=True, order=False)
class RollingWindow(Period):
    """A run of whole months, such as "Jul 16 - Jun 17" (rolling twelve months)."""

    first: Month
    last: Month
    kind: ClassVar[str] = ROLLING

    def __post_init__(self) -> None:
        if not self.first < self.last:
            raise PeriodError(f"a window must start before it ends ({self.first} - {self.last}).")

    @property
    def start(self) -> date:
        return self.first.start

    @property
    def end(self) -> date:
        return self.last.end

    @property
    def label(self) -> str:
        return f"{self.first.short_label} - {self.last.short_label}"

    def shift_years(self, years: int) -> RollingWindow:
        return RollingWindow(self.first.shift_years(years), self.last.shift_years(years))

    def previous(self) -> RollingWindow:
        width = self.months
        return RollingWindow(self.first.plus(-width), self.last.plus(-width))


@dataclass(frozen=True, eq=True, order=False)
class Snapshot(Period):
    """A count on one day, such as "as at 31 March 2018"."""

    day: date
    kind: ClassVar[str] = SNAPSHOT

    @property
    def start(self) -> date:
        return self.day

    @property
    def end(self) -> date:
        return self.day

    @property
    def months(self) -> int:
        return 0

    @property
    def label(self) -> str:
        return f"as at {self.day.day} {calendar.month_name[self.day.month]} {self.day.year}"

    def shift_years(self, years: int) -> Snapshot:
        year = self.day.year + years
        day = min(self.day.day, calendar.monthrange(year, self.day.month)[1])
        return Snapshot(date(year, self.day.month, day))

    def previous(self) -> Snapshot:
        return self.shift_years(-1)


@dataclass(frozen=True, eq=True, order=False)
class YearToDate(Period):
    """From 1 April of a financial year to the end of one of its months."""

    start_year: int
    through_month: int
    kind: ClassVar[str] = YEAR_TO_DATE

    def __post_init__(self) -> None:
        if not 1 <= self.through_month <= 12:
            raise PeriodError(f"a month must be 1 to 12, not {self.through_month}.")
        FinancialYear(self.start_year)

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        year = self.start_year if self.through_month >= 4 else self.start_year + 1
        return _month_end(year, self.through_month)

    @property
    def label(self) -> str:
        last = _MONTH_ABBR[self.through_month]
        return f"{FinancialYear(self.start_year).label} year to date (Apr - {last})"

    def shift_years(self, years: int) -> YearToDate:
        return YearToDate(self.start_year + years, self.through_month)

    def previous(self) -> YearToDate:
        return self.shift_years(-1)


# Parsing ---------------------------------------------------------------------------------

_YEAR = r"(\d{4}|\d{2})"
_FY = r"(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})"
_MONTH_WORD = r"([a-z]+)\.?"


def _full_year(text: str) -> int:
    number = int(text)
    if len(text) == 4:
        return number
    return 2000 + number if number < 70 else 1900 + number


def _financial_start(original: str, first: str, second: str) -> int:
    start = _full_year(first)
    end = _full_year(second) if len(second) == 4 else int(second)
    if len(second) == 4 and end != start + 1 or len(second) != 4 and end != (start + 1) % 100:
        raise _error(
            original,
            f"a year's two halves must be consecutive ({start}/{_two_digits(start + 1)}).",
        )
    return start


def _month_number(original: str, word: str) -> int:
    number = _MONTH_NAMES.get(word.lower())
    if number is None:
        raise _error(original, f'"{word}" is not a month.')
    return number


def _parse_month(original: str, text: str) -> Month | None:
    match = re.fullmatch(_MONTH_WORD + r"\s*'?" + _YEAR, text)
    if not match or match.group(1).lower() not in _MONTH_NAMES:
        return None
    return Month(_full_year(match.group(2)), _month_number(original, match.group(1)))


def _parse_day(original: str, text: str) -> date | None:
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_WORD + r"\s+(\d{4})", text)
    if match:
        day, month, year = int(match.group(1)), match.group(2), int(match.group(3))
        month_number = _month_number(original, month)
    else:
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if not match:
            return None
        day, month_number, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if not 1 <= month_number <= 12:
            raise _error(original, f"a month must be 1 to 12, not {month_number}.")
    try:
        return date(year, month_number, day)
    except ValueError:
        raise _error(original, "that day does not exist.") from None


def _candidates(original: str, text: str):
    """Every reading of the text, most likely first, as (kind, builder)."""
    match = re.fullmatch(r"q\s*(\d)\s+" + _FY, text) or re.fullmatch(_FY + r"\s+q\s*(\d)", text)
    if match:
        if text.startswith("q"):
            quarter, first, second = match.groups()
        else:
            first, second, quarter = match.groups()
        start = _financial_start(original, first, second)
        yield FINANCIAL_QUARTER, lambda: FinancialQuarter(start, int(quarter))
        return
    match = re.fullmatch(_FY + r"\s+year to date\s*\(\s*apr\s*-\s*" + _MONTH_WORD + r"\s*\)", text)
    if match:
        start = _financial_start(original, match.group(1), match.group(2))
        month = _month_number(original, match.group(3))
        yield YEAR_TO_DATE, lambda: YearToDate(start, month)
        return
    match = re.fullmatch(r"q\s*(\d)\s+" + _FY + r"\s+year to date", text)
    if match:
        start = _financial_start(original, match.group(2), match.group(3))
        quarter = int(match.group(1))
        if quarter not in (1, 2, 3, 4):
            raise _error(original, f"a quarter must be Q1 to Q4, not Q{quarter}.")
        yield YEAR_TO_DATE, lambda: YearToDate(start, (3 * quarter + 3) % 12 or 12)
        return
    # "Apr - Sept 2011/12", "April to September 2011/12", "Apr - Sept 2011" (the year of
    # the last month, as the papers print it), "Month 6 2022/23".
    match = re.fullmatch(r"apr(?:il)?\s*(?:-|to)\s*" + _MONTH_WORD + r"\s+" + _FY, text)
    if match:
        month = _month_number(original, match.group(1))
        start = _financial_start(original, match.group(2), match.group(3))
        yield YEAR_TO_DATE, lambda: YearToDate(start, month)
        return
    match = re.fullmatch(r"apr(?:il)?\s*(?:-|to)\s*" + _MONTH_WORD + r"\s+(\d{4})", text)
    if match:
        month = _month_number(original, match.group(1))
        year = int(match.group(2))
        yield YEAR_TO_DATE, lambda: YearToDate(year if month >= 4 else year - 1, month)
        return
    match = re.fullmatch(r"month\s+(\d{1,2})\s+" + _FY, text)
    if match:
        number = int(match.group(1))
        if not 1 <= number <= 12:
            raise _error(original, f"a financial year has months 1 (April) to 12, not {number}")
        start = _financial_start(original, match.group(2), match.group(3))
        yield YEAR_TO_DATE, lambda: YearToDate(start, (number + 2) % 12 + 1)
        return
    match = re.fullmatch(_FY, text)
    if match:
        start = _financial_start(original, match.group(1), match.group(2))
        yield FINANCIAL_YEAR, lambda: FinancialYear(start)
        yield ACADEMIC_YEAR, lambda: AcademicYear(start)
        return
    match = re.fullmatch(r"(autumn|spring|summer)\s+term\s+(\d{4})", text)
    if match:
        yield TERM, lambda: Term(match.group(1), int(match.group(2)))
        return
    match = re.fullmatch(r"(\d{4})", text)
    if match:
        yield CALENDAR_YEAR, lambda: CalendarYear(int(match.group(1)))
        return
    match = re.fullmatch(r"q\s*(\d)(?:\s*-\s*q?(\d))?\s+(\d{4})", text)
    if match:
        first = int(match.group(1))
        last = int(match.group(2) or first)
        yield CALENDAR_QUARTERS, lambda: CalendarQuarters(int(match.group(3)), first, last)
        return
    if text.startswith("as at "):
        day = _parse_day(original, text[6:].strip())
        if day is None:
            raise _error(original, 'write the day like "as at 31 March 2018".')
        yield SNAPSHOT, lambda: Snapshot(day)
        return
    parts = re.split(r"\s*-\s*", text)
    if len(parts) == 2:
        first, last = (_parse_month(original, part) for part in parts)
        if first and last:
            yield ROLLING, lambda: RollingWindow(first, last)
            return
    month = _parse_month(original, text)
    if month:
        yield MONTH, lambda: month
        return
    day = _parse_day(original, text)
    if day:
        yield SNAPSHOT, lambda: Snapshot(day)
        return


def parse_period(text: str, *, kind: str | None = None) -> Period:
    """Read a period as the papers print it; `kind` forces one interpretation."""
    if kind is not None and kind not in KIND_LABELS:
        raise PeriodError(f"{kind!r} is not a kind of period.")
    original = " ".join(str(text).split())
    normalised = original.lower().replace("–", "-").replace("—", "-")
    normalised = (
        re.sub(r"([a-z])(\d)", r"\1 \2", normalised)
        if not normalised.startswith("q")
        else normalised
    )
    found = list(_candidates(original, normalised))
    if not found:
        raise PeriodError(f'"{original}" is not a period we recognise; write it as {EXAMPLES}')
    for candidate_kind, build in found:
        if kind is None or candidate_kind == kind:
            try:
                return build()
            except PeriodError as error:
                message = str(error)
                if message.startswith('"'):
                    raise
                raise _error(original, message) from None
    raise PeriodError(f'"{original}" is not a {KIND_LABELS[kind].lower()}.')


def financial_year_of(day: date) -> FinancialYear:
    return FinancialYear(day.year if day.month >= 4 else day.year - 1)


def month_span(first: date, last: date) -> list[Month]:
    """The months from the one containing `first` to the one containing `last`."""
    months, current = [], Month(first.year, first.month)
    while current.start <= last:
        months.append(current)
        current = current.plus(1)
    return months


__all__ = [
    "AcademicYear",
    "CalendarQuarters",
    "CalendarYear",
    "FinancialQuarter",
    "FinancialYear",
    "Month",
    "Period",
    "PeriodError",
    "RollingWindow",
    "Snapshot",
    "Term",
    "YearToDate",
    "parse_period",
    "ACCEPTED_FORMS",
    "FORMS",
]
