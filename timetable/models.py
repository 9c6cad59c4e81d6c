"""A quarter's return timetable, as the performance team sets it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from simple_history.models import HistoricalRecords

from indicators import periods
from indicators.fields import PeriodField
from meetings.models import Committee, Meeting
from timetable.working_days import why_not_working

# The dates in order: each may not come before the one above it.
DATE_FIELDS = ("opens_on", "due_on", "sign_off_on", "publication_on")


def _day(value) -> str:
    return formats.date_format(value, "j F Y")


class QuarterTimetable(models.Model):
    """When a quarter's returns open and are due, and when its figures are signed off and
    published, and for which committee."""

    quarter = PeriodField(period_kind=periods.FINANCIAL_QUARTER, unique=True)
    opens_on = models.DateField("Returns open")
    due_on = models.DateField("Returns due")
    sign_off_on = models.DateField("Sign-off")
    publication_on = models.DateField("Publication")
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timetables",
        help_text="The committee the quarter's report goes to.",
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="timetables",
        help_text="The committee's meeting that receives it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-quarter"]

    def __str__(self) -> str:
        return f"Timetable for {self.quarter}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        labels = {name: self._meta.get_field(name).verbose_name for name in DATE_FIELDS}
        for name in DATE_FIELDS:
            day = getattr(self, name)
            reason = why_not_working(day) if day else None
            if reason:
                errors[name] = f"{labels[name]} must be a working day: {_day(day)} is {reason}."
        quarter = self.quarter
        if quarter and self.opens_on and self.opens_on < quarter.end and "opens_on" not in errors:
            errors["opens_on"] = (
                f"Returns open must be on or after the quarter's last day, {_day(quarter.end)}."
            )
        for before, after in zip(DATE_FIELDS, DATE_FIELDS[1:], strict=False):
            first, then = getattr(self, before), getattr(self, after)
            if first and then and then < first and after not in errors:
                errors[after] = (
                    f"{labels[after]} must not be before {labels[before].lower()}, {_day(first)}."
                )
        if self.meeting_id:
            if self.committee_id is None:
                errors["committee"] = "Choose the committee whose meeting receives the report."
            elif self.meeting.committee_id != self.committee_id:
                errors["meeting"] = (
                    f"The meeting must be one of {self.committee}'s: {self.meeting} is not."
                )
            elif self.publication_on and self.publication_on > self.meeting.local_start.date():
                errors["publication_on"] = (
                    f"Publication must be on or before the meeting, "
                    f"{_day(self.meeting.local_start.date())}."
                )
        if errors:
            raise ValidationError(errors)
