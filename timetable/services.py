"""The quarter's return timetable: the one set by the performance team, or the rule's
default; and the one writer of it."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indicators.periods import FinancialQuarter
from meetings.models import Committee, Meeting
from scorecard.saving import save_checked
from timetable.models import QuarterTimetable
from timetable.working_days import (
    Countdown,
    TimetableRule,
    countdown,
    default_dates,
    late_day,
    reminder_day,
)


def rule() -> TimetableRule:
    """The default timetable's rule, from the settings."""
    return TimetableRule(
        open_after=settings.RETURNS_OPEN_WORKING_DAYS,
        due_after=settings.RETURNS_DUE_WORKING_DAYS,
        sign_off_after=settings.RETURNS_SIGN_OFF_WORKING_DAYS,
        publication_after=settings.RETURNS_PUBLICATION_WORKING_DAYS,
    )


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Timetable:
    """A quarter's dates, set by the performance team (`is_set`) or from the rule."""

    quarter: FinancialQuarter
    opens: date
    due: date
    sign_off: date
    publication: date
    committee: Committee | None = None
    meeting: Meeting | None = None
    is_set: bool = False

    @property
    def reminder(self) -> date:
        return reminder_day(self.due, settings.RETURNS_REMINDER_WORKING_DAYS)

    @property
    def late(self) -> date:
        return late_day(self.due)

    def countdown(self, on: date | None = None) -> Countdown:
        return countdown(on or today(), self.opens, self.due)


def timetable_for(quarter: FinancialQuarter) -> Timetable:
    row = (
        QuarterTimetable.objects.select_related("committee", "meeting__committee")
        .filter(quarter=quarter)
        .first()
    )
    if row is not None:
        return Timetable(
            quarter=quarter,
            opens=row.opens_on,
            due=row.due_on,
            sign_off=row.sign_off_on,
            publication=row.publication_on,
            committee=row.committee,
            meeting=row.meeting,
            is_set=True,
        )
    dates = default_dates(quarter.end, rule())
    return Timetable(quarter, dates.opens, dates.due, dates.sign_off, dates.publication)


@transaction.atomic
def set_timetable(
    *,
    quarter: FinancialQuarter,
    opens_on: date,
    due_on: date,
    sign_off_on: date,
    publication_on: date,
    committee: Committee | None = None,
    meeting: Meeting | None = None,
    by=None,
) -> QuarterTimetable:
    """Set a quarter's timetable, validated whole (each refusal names its field), with its
    audit record naming who set it."""
    row = QuarterTimetable.objects.select_for_update().filter(quarter=quarter).first()
    row = row or QuarterTimetable(quarter=quarter)
    row.opens_on, row.due_on = opens_on, due_on
    row.sign_off_on, row.publication_on = sign_off_on, publication_on
    row.committee, row.meeting = committee, meeting
    return save_checked(row, by)
