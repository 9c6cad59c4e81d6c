"""Completion dates of recovery plan actions, as officers write them. Plain Python.

Forms, from the council's plans: a day ("31 March 2014"), a month ("July 2013",
"Sept 2018", "Mar 2018", "End of July 2013", "By March 2014"), a month of a financial
year ("March 2014/15"), a calendar year ("2013", "During 2013", "By 2015"), a span of
years ("2013-2016"), an open start ("From July 2013") and "Ongoing". Each prints back as
it was written, sorts by when it falls due, and knows whether an action is overdue.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9

DAY, MONTH, FINANCIAL_YEAR_MONTH, YEAR, YEARS, FROM, ONGOING = (
    "day",
    "month",
    "financial_year_month",
    "year",
    "years",
    "from",
    "ongoing",
)


class CompletionDateError(ValueError):
    """A completion date that cannot be understood, saying why."""


@dataclass(frozen=True, order=False)
class CompletionDate:
    """When an action is due: a day, a month, a month of a financial year, "from" a month
    (it starts then and has no end), or ongoing."""

    kind: str
    start: date | None = None  # the first day it covers
    due: date | None = None  # the last day it may be completed by; None: no deadline
    label: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.label

    @property
    def sort_key(self) -> tuple:
        # Dated actions by their deadline; open-ended ones after them, "from" by its start.
        if self.due is not None:
            return (0, self.due, self.label)
        if self.start is not None:
            return (1, self.start, self.label)
        return (2, date.max, self.label)

    def is_overdue(self, *, status: str, today: date) -> bool:
        """Overdue: not complete and its deadline has passed. Never typed, always computed."""
        return status != "complete" and self.due is not None and self.due < today


def _month(word: str, original: str) -> int:
    number = _MONTHS.get(word.lower().rstrip("."))
    if number is None:
        raise CompletionDateError(f'"{original}": "{word}" is not a month.')
    return number


def _end_of(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_completion(text: str) -> CompletionDate:
    """Read a completion date as written; anything else is refused with the reason."""
    original = " ".join(str(text).split())
    if not original:
        raise CompletionDateError("The completion date is empty.")
    lowered = original.lower()
    if lowered in {"ongoing", "on-going", "on going"}:
        return CompletionDate(ONGOING, label="Ongoing")
    match = re.fullmatch(r"(end of|by( the end of)?)\s+(.+)", original, flags=re.IGNORECASE)
    if match:
        # "End of July 2013", "By March 2014", "By 2015": due by the end of what follows.
        inner = parse_completion(match.group(3))
        if inner.kind not in (DAY, MONTH, YEAR):
            raise CompletionDateError(
                f'"{original}": "{match.group(1)}" needs a day, a month or a year after it.'
            )
        return CompletionDate(inner.kind, start=inner.start, due=inner.due, label=original)
    match = re.fullmatch(r"(during\s+)?(\d{4})", original, flags=re.IGNORECASE)
    if match:
        year = int(match.group(2))
        return CompletionDate(YEAR, start=date(year, 1, 1), due=date(year, 12, 31), label=original)
    match = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{4})", original)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        if last <= first:
            raise CompletionDateError(f'"{original}": the second year must be after the first.')
        return CompletionDate(
            YEARS, start=date(first, 1, 1), due=date(last, 12, 31), label=original
        )
    match = re.fullmatch(r"from\s+(.+)", original, flags=re.IGNORECASE)
    if match:
        inner = parse_completion(match.group(1))
        if inner.kind not in (DAY, MONTH):
            raise CompletionDateError(f'"{original}": "from" needs a day or a month after it.')
        return CompletionDate(FROM, start=inner.start, label=f"From {inner.label}")
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z.]+)\s+(\d{4})", original)
    if match:
        day, month, year = (
            int(match.group(1)),
            _month(match.group(2), original),
            int(match.group(3)),
        )
        try:
            when = date(year, month, day)
        except ValueError:
            raise CompletionDateError(f'"{original}": that day does not exist.') from None
        return CompletionDate(DAY, start=when, due=when, label=original)
    match = re.fullmatch(r"([A-Za-z.]+)\s+(\d{4})\s*/\s*(\d{2})", original)
    if match:
        month = _month(match.group(1), original)
        first = int(match.group(2))
        if int(match.group(3)) != (first + 1) % 100:
            raise CompletionDateError(
                f'"{original}": a financial year\'s two halves must be consecutive.'
            )
        # "March 2014/15" is the March that falls in the financial year 2014/15.
        year = first if month >= 4 else first + 1
        return CompletionDate(
            FINANCIAL_YEAR_MONTH,
            start=date(year, month, 1),
            due=_end_of(year, month),
            label=original,
        )
    match = re.fullmatch(r"([A-Za-z.]+)\s+(\d{4})", original)
    if match:
        month, year = _month(match.group(1), original), int(match.group(2))
        return CompletionDate(
            MONTH, start=date(year, month, 1), due=_end_of(year, month), label=original
        )
    raise CompletionDateError(
        f'"{original}" is not a completion date; write it like "July 2013", "31 March 2014", '
        '"March 2014/15", "During 2013", "From July 2013" or "Ongoing".'
    )
