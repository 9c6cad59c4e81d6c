"""Recovery plans: for indicators that miss their targets, why, and the actions that put
them back on track, each with its leads, completion date and status history."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from indicators.fields import PeriodField
from indicators.models import Indicator
from recovery_plans.dates import CompletionDateError, parse_completion


class PlanStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    UNDERWAY = "underway", "Underway"
    COMPLETE = "complete", "Complete"


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class Lead(models.Model):
    """Someone who leads actions: named as the plans name them, a login when they have one."""

    name = models.CharField(max_length=150, unique=True)
    job_title = models.CharField(max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recovery_lead",
        help_text="Their login, when they have one: they may then update their actions.",
    )
    # Kept as it is, not hashed: the lead must be able to find their address again (a new
    # phone, a second calendar program), and the feed shows nothing a copy of the database
    # does not already hold. None: the address is turned off (NULL, not "", so that any
    # number of turned-off leads satisfy the unique constraint).
    calendar_token = models.CharField(  # noqa: DJ001
        max_length=64,
        unique=True,
        null=True,
        default=_calendar_token,
        editable=False,
        help_text="The secret in the address of their calendar feed.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_calendar_url(self) -> str:
        if not self.calendar_token:
            return ""
        return reverse("recovery_plans:calendar", args=[self.calendar_token])

    def get_calendar_settings_url(self) -> str:
        return reverse("recovery_plans:lead_calendar", args=[self.pk])


class RecoveryPlan(models.Model):
    """A recovery plan for one indicator or a group of related ones."""

    title = models.CharField(max_length=300, help_text="What the plan sets out to put right.")
    indicators = models.ManyToManyField(Indicator, related_name="recovery_plans")
    period = PeriodField(
        help_text='The period whose figures it responds to, e.g. "2012/13" or "Q2 2018/19".'
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="recovery_plans",
        help_text="The officer accountable for the plan.",
    )
    why = models.TextField(
        "why is it under-performing?", help_text="Markdown: lists, emphasis, links."
    )
    comparative_intro = models.TextField(
        "comparative data: introduction", blank=True, help_text="Markdown."
    )
    comparative_table = models.JSONField(
        "comparative data",
        default=dict,
        blank=True,
        help_text='{"columns": [...], "rows": [[...], ...]}',
    )
    actions_intro = models.TextField(
        "what actions are required: introduction", blank=True, help_text="Markdown."
    )
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.OPEN)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["status", "-opened_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_on__isnull=True)
                | models.Q(status="closed", closed_on__isnull=False),
                name="recovery_plan_closed_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("recovery_plans:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == PlanStatus.OPEN

    def clean(self) -> None:
        table = self.comparative_table or {}
        if table:
            columns = table.get("columns")
            rows = table.get("rows")
            if not isinstance(columns, list) or not isinstance(rows, list):
                raise ValidationError({"comparative_table": "Give columns and rows."})
            for number, row in enumerate(rows, start=1):
                if not isinstance(row, list) or len(row) != len(columns):
                    raise ValidationError(
                        {
                            "comparative_table": f"Row {number} has {len(row)} cells; "
                            f"the table has {len(columns)} columns."
                        }
                    )


class ActionQuerySet(models.QuerySet):
    def overdue(self, today):
        return self.exclude(status=ActionStatus.COMPLETE).filter(due_on__lt=today)

    def due_between(self, first, last):
        return self.exclude(status=ActionStatus.COMPLETE).filter(due_on__range=(first, last))


class Action(models.Model):
    """An action to put a plan back on track: the plan's numbered rows."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveIntegerField()
    heading = models.CharField(
        max_length=300, blank=True, help_text="The group it is printed under, if any."
    )
    text = models.TextField("action to be taken", help_text="Markdown.")
    leads = models.ManyToManyField(Lead, through="ActionLead", related_name="actions")
    completion = models.CharField(
        "completion date",
        max_length=60,
        blank=True,
        help_text='As the plan writes it: "July 2013", "31 March 2014", "March 2014/15", '
        '"From July 2013", "Ongoing".',
    )
    # Derived from `completion` on save, for finding what falls due; never entered.
    due_on = models.DateField(null=True, blank=True, editable=False, db_index=True)
    expected_outcome = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_number_unique")
        ]

    def __str__(self) -> str:
        return f"Action {self.number} of {self.plan}"

    def save(self, *args, **kwargs):
        when = self.completion_date
        self.completion = when.label if when else ""
        self.due_on = when.due if when else None
        super().save(*args, **kwargs)

    @property
    def completion_date(self):
        return parse_completion(self.completion) if self.completion else None

    def is_overdue(self, today) -> bool:
        when = self.completion_date
        return when is not None and when.is_overdue(status=self.status, today=today)

    def clean(self) -> None:
        if self.completion:
            try:
                parse_completion(self.completion)
            except CompletionDateError as error:
                raise ValidationError({"completion": str(error)}) from None
        elif self.status != ActionStatus.COMPLETE:
            raise ValidationError(
                {"completion": "Give a completion date, or mark the action complete."}
            )


class ActionLead(models.Model):
    """A lead of an action, in the order the plan names them."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE)
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["action", "lead"], name="action_lead_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lead} on {self.action}"


def leads_in_order():
    """Leads as the plans name them, for prefetching an action's leads."""
    return models.Prefetch("leads", queryset=Lead.objects.order_by("actionlead__position"))


class StatusChange(models.Model):
    """Who changed an action's status, when, and why: the whole trail is kept."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=10, choices=ActionStatus.choices, blank=True)
    new_status = models.CharField(max_length=10, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.old_status or 'new'} to {self.new_status}"


class Presentation(models.Model):
    """When the plan went to a committee meeting."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="presentations")
    committee = models.CharField(max_length=200)
    meeting_date = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_presentations",
        help_text="The meeting's papers, when they are kept here.",
    )

    class Meta:
        ordering = ["meeting_date", "pk"]

    def __str__(self) -> str:
        return f"{self.committee}, {self.meeting_date:%-d %B %Y}"


class ProgressUpdate(models.Model):
    """A progress report on the plan, as given to a later meeting."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="updates")
    written_on = models.DateField()
    text = models.TextField(help_text="Markdown.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_on", "pk"]

    def __str__(self) -> str:
        return f"Update of {self.written_on:%-d %B %Y} on {self.plan}"
