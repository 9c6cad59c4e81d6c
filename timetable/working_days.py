"""Working days, and the return timetable a quarter gets when none has been set.

Plain Python, no Django. A working day is Monday to Friday and not a bank holiday in
England, as the maintained `holidays` package has them: substitute days when Christmas or
New Year falls at a weekend, and one-off days such as the 2022 jubilee and state funeral.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holiday(day: date) -> str | None:
    """The name of the English bank holiday on a day, or None."""
    return _bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and bank_holiday(day) is None


def why_not_working(day: date) -> str | None:
    """Why a day is not a working day ("a Saturday", "Christmas Day"), or None if it is."""
    if day.weekday() >= 5:
        return "a Saturday" if day.weekday() == 5 else "a Sunday"
    name = bank_holiday(day)
    return f"a bank holiday ({name})" if name else None


def add_working_days(day: date, days: int) -> date:
    """The `days`-th working day after `day` (before it, for a negative number); `day`
    itself for 0."""
    step = timedelta(days=1 if days >= 0 else -1)
    left = abs(days)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days come after `start` up to and including `end`; negative when
    `end` is before `start` (the working days from `end`, excluded, to `start`, included)."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


@dataclass(frozen=True)
class TimetableRule:
    """How many working days after the quarter's end returns open and are due, and after
    that sign-off and publication come."""

    open_after: int = 1
    due_after: int = 15
    sign_off_after: int = 5
    publication_after: int = 10

    def __post_init__(self) -> None:
        if self.open_after < 1:
            raise ValueError("Returns open at the earliest 1 working day after the quarter.")
        if self.due_after < self.open_after:
            raise ValueError("Returns cannot be due before they open.")
        if self.sign_off_after < 0 or self.publication_after < 0:
            raise ValueError("Sign-off and publication cannot come before what precedes them.")


@dataclass(frozen=True)
class Dates:
    """A quarter's four dates."""

    opens: date
    due: date
    sign_off: date
    publication: date


def default_dates(quarter_end: date, rule: TimetableRule = TimetableRule()) -> Dates:
    """The dates the rule gives a quarter ending on `quarter_end`."""
    due = add_working_days(quarter_end, rule.due_after)
    sign_off = add_working_days(due, rule.sign_off_after)
    return Dates(
        opens=add_working_days(quarter_end, rule.open_after),
        due=due,
        sign_off=sign_off,
        publication=add_working_days(sign_off, rule.publication_after),
    )


def reminder_day(due: date, days_before: int) -> date:
    """The working day `days_before` working days before returns are due."""
    return add_working_days(due, -days_before)


def late_day(due: date) -> date:
    """The working day after returns were due: the first day they are late."""
    return add_working_days(due, 1)


NOT_OPEN, OPEN, DUE_TODAY, LATE = "not_open", "open", "due_today", "late"


@dataclass(frozen=True)
class Countdown:
    """Where a day stands against a return's dates, in words."""

    state: str
    working_days: int
    words: str


def _plural(count: int) -> str:
    return f"{count} working day{'s' if count != 1 else ''}"


def countdown(today: date, opens: date, due: date) -> Countdown:
    """ "Opens in 2 working days", "Due in 3 working days", "Due today", "Late by 2 working
    days"."""
    if today < opens:
        days = working_days_between(today, opens)
        return Countdown(NOT_OPEN, days, f"Opens in {_plural(days)}" if days else "Not open yet")
    if today <= due:
        days = working_days_between(today, due)
        return Countdown(
            DUE_TODAY if days == 0 else OPEN,
            days,
            f"Due in {_plural(days)}" if days else "Due today",
        )
    days = working_days_between(due, today)
    # The weekend after a Friday deadline: late, though no working day has passed.
    return Countdown(LATE, days, f"Late by {_plural(days)}" if days else "Late")
