"""Every change to a recovery plan goes through here: checked whole, saved whole.

Each function refuses bad input with a ValidationError naming the field and the problem,
and saves nothing unless everything it was given is right.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from indicators.models import Indicator
from indicators.periods import Period
from indicators.rag import Rag
from recovery_plans.models import (
    Action,
    ActionLead,
    ActionStatus,
    Lead,
    PlanStatus,
    Presentation,
    ProgressUpdate,
    RecoveryPlan,
    StatusChange,
    _calendar_token,
)
from reporting.assessment import assess
from scorecard.saving import changed_by

logger = logging.getLogger(__name__)


def _full_clean(instance, exclude=None) -> None:
    instance.full_clean(exclude=exclude, validate_constraints=False)


@transaction.atomic
def save_plan(
    *,
    plan: RecoveryPlan | None = None,
    title: str,
    indicators: list[Indicator],
    period: Period,
    owner,
    why: str,
    opened_on: date,
    comparative_intro: str = "",
    comparative_table: dict | None = None,
    actions_intro: str = "",
    by=None,
) -> RecoveryPlan:
    """Create a plan, or change one; a plan must cover at least one indicator."""
    if not indicators:
        raise ValidationError({"indicators": "A recovery plan needs at least one indicator."})
    plan = plan or RecoveryPlan()
    plan.title = title
    plan.period = period
    plan.owner = owner
    plan.why = why
    plan.opened_on = opened_on
    plan.comparative_intro = comparative_intro
    plan.comparative_table = comparative_table or {}
    plan.actions_intro = actions_intro
    _full_clean(plan)
    changed_by(plan, by).save()
    plan.indicators.set(indicators)
    return plan


def leads_named(names: list[str]) -> list[Lead]:
    """The leads with these names, created when new (names as the plans write them)."""
    leads = []
    for name in names:
        name = " ".join(name.split())
        if name:
            leads.append(Lead.objects.get_or_create(name=name)[0])
    return leads


@transaction.atomic
def save_action(
    *,
    plan: RecoveryPlan,
    action: Action | None = None,
    text: str,
    leads: list[Lead],
    completion: str,
    status: str,
    by,
    heading: str = "",
    expected_outcome: str = "",
    note: str = "",
    number: int | None = None,
) -> Action:
    """Add an action to a plan (numbered after the last), or change one. A change of
    status is recorded with who made it, when, and the note."""
    if not leads:
        raise ValidationError({"leads": "An action needs at least one lead."})
    if action is None:
        action = Action(plan=plan)
        if number is None:
            number = (plan.actions.aggregate(last=Max("number"))["last"] or 0) + 1
    old_status = "" if action.pk is None else action.status
    if number is not None:
        action.number = number
    action.heading = heading
    action.text = text
    action.completion = completion.strip()
    action.expected_outcome = expected_outcome
    action.status = status
    _full_clean(action, exclude=["plan"])
    if plan.actions.filter(number=action.number).exclude(pk=action.pk).exists():
        raise ValidationError({"number": f"The plan already has an action {action.number}."})
    changed_by(action, by).save()
    ActionLead.objects.filter(action=action).delete()
    ActionLead.objects.bulk_create(
        ActionLead(action=action, lead=lead, position=position)
        for position, lead in enumerate(dict.fromkeys(leads))
    )
    if status != old_status:
        StatusChange.objects.create(
            action=action, old_status=old_status, new_status=status, note=note, changed_by=by
        )
    return action


@transaction.atomic
def set_action_status(action: Action, *, status: str, note: str, by) -> Action:
    """Move an action to a new status, keeping who, when and why."""
    if status not in ActionStatus.values:
        raise ValidationError({"status": f'"{status}" is not a status of an action.'})
    if status == action.status:
        raise ValidationError({"status": f"The action is already {action.get_status_display()}."})
    old = action.status
    action.status = status
    _full_clean(action, exclude=["plan"])
    changed_by(action, by).save()
    StatusChange.objects.create(
        action=action, old_status=old, new_status=status, note=note, changed_by=by
    )
    return action


@dataclass(frozen=True)
class Standing:
    """An indicator's latest published figure and its rating, for closing a plan."""

    indicator: Indicator
    figure: str
    period: str
    rag: Rag | None

    @property
    def back_on_track(self) -> bool:
        return self.rag is Rag.GREEN


def standings(plan: RecoveryPlan) -> list[Standing]:
    """Where each of the plan's indicators stands now, by its latest published figure."""
    found = []
    for indicator in Indicator.objects.for_report().filter(recovery_plans=plan):
        values = list(indicator.values.all())
        latest = max(values, key=lambda v: (v.period.end, -v.period.months), default=None)
        if latest is None:
            found.append(Standing(indicator, "", "", None))
            continue
        found.append(
            Standing(indicator, latest.display, str(latest.period), assess(indicator, latest).rag)
        )
    return found


@transaction.atomic
def close_plan(plan: RecoveryPlan, *, closed_on: date, reason: str, by) -> RecoveryPlan:
    """Close a plan. Its indicators should be back on track; closing it while any still
    requires improvement needs the reason why."""
    if not plan.is_open:
        raise ValidationError(f"The plan was already closed on {plan.closed_on:%-d %B %Y}.")
    if closed_on < plan.opened_on:
        raise ValidationError({"closed_on": "A plan cannot close before it was opened."})
    reason = reason.strip()
    behind = [s for s in standings(plan) if not s.back_on_track]
    if behind and not reason:
        names = "; ".join(s.indicator.title for s in behind)
        raise ValidationError(
            {
                "reason": "Say why the plan is closing: these indicators are not back on "
                f"track: {names}."
            }
        )
    if not reason:
        reason = "Back on track: " + "; ".join(
            f"{s.indicator.title} {s.figure} ({s.period}), {s.rag.label.lower()}"
            for s in standings(plan)
        )
    plan.status = PlanStatus.CLOSED
    plan.closed_on = closed_on
    plan.close_reason = reason
    _full_clean(plan)
    changed_by(plan, by).save()
    return plan


@transaction.atomic
def reopen_plan(plan: RecoveryPlan, *, by=None) -> RecoveryPlan:
    """Open a closed plan again: its actions carry on from where they were."""
    plan.status, plan.closed_on = PlanStatus.OPEN, None
    _full_clean(plan)
    changed_by(plan, by).save()
    return plan


def record_presentation(
    plan: RecoveryPlan, *, committee: str, meeting_date: date, note: str = "", meeting=None
) -> Presentation:
    """The plan went to a committee meeting. A meeting whose papers are kept here links an
    earlier record of the same meeting, typed in by hand, rather than repeating it."""
    if meeting is not None:
        same = Presentation.objects.filter(
            plan=plan, committee=committee, meeting_date=meeting_date
        ).first()
        if same is not None:
            same.meeting = meeting
            same.save(update_fields=["meeting"])
            return same
    presentation = Presentation(
        plan=plan, committee=committee, meeting_date=meeting_date, note=note, meeting=meeting
    )
    _full_clean(presentation, exclude=["plan", "meeting"])
    presentation.save()
    return presentation


def record_update(plan: RecoveryPlan, *, written_on: date, text: str, by) -> ProgressUpdate:
    update = ProgressUpdate(plan=plan, written_on=written_on, text=text, author=by)
    _full_clean(update, exclude=["plan", "author"])
    update.save()
    return update


@transaction.atomic
def revoke_calendar(lead: Lead, *, by) -> Lead:
    """Turn the lead's calendar address off: it answers "not found" from now on."""
    Lead.objects.filter(pk=lead.pk).update(calendar_token=None)
    lead.calendar_token = None
    logger.info("Calendar address of lead %s turned off by %s", lead.pk, by.get_username())
    return lead


@transaction.atomic
def renew_calendar(lead: Lead, *, by) -> Lead:
    """Give the lead a new calendar address; the old one stops working at once."""
    lead.calendar_token = _calendar_token()
    Lead.objects.filter(pk=lead.pk).update(calendar_token=lead.calendar_token)
    logger.info("Calendar address of lead %s renewed by %s", lead.pk, by.get_username())
    return lead
