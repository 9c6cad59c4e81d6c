"""Recovery plans as members read them: which plans cover a page of indicators (one
query), and everything a plan's page, its PDF and a meeting's plan appendix show."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from indicators.models import Indicator, Value
from indicators.periods import Period
from indicators.rag import Rag
from recovery_plans.models import Action, PlanStatus, RecoveryPlan, leads_in_order
from recovery_plans.rules import PlanRef
from reporting.assessment import assess, previous_value
from reporting.comparators import plan_table


@dataclass
class Performance:
    """An indicator of the plan: the figure for the plan's period beside its target."""

    indicator: Indicator
    previous: Value | None
    value: Value | None
    target: str
    rag: Rag | None


def value_for(indicator: Indicator, period: Period) -> Value | None:
    """The figure for the plan's period: for exactly it, or the latest ending within it."""
    candidates = [v for v in indicator.values.all() if period.start <= v.period.end <= period.end]
    if not candidates:
        return None
    return max(candidates, key=lambda v: (v.period == period, v.period.end, -v.period.months))


def performance(plan: RecoveryPlan) -> list[Performance]:
    rows = []
    for indicator in Indicator.objects.for_report().filter(recovery_plans=plan):
        value = value_for(indicator, plan.period)
        assessment = assess(indicator, value)
        rows.append(
            Performance(
                indicator=indicator,
                previous=previous_value(indicator, value) if value else None,
                value=value,
                target=assessment.target_text,
                rag=assessment.rag,
            )
        )
    return rows


def plan_queryset():
    """Plans with everything their page, PDF or a meeting appendix shows."""
    return RecoveryPlan.objects.select_related("owner").prefetch_related(
        "indicators",
        Prefetch(
            "actions",
            queryset=Action.objects.prefetch_related(
                leads_in_order(), "status_changes__changed_by"
            ).order_by("number"),
        ),
        "presentations",
        "updates__author",
    )


def plan_context(plan: RecoveryPlan, *, meeting_day=None) -> dict:
    """What a plan's page, PDF and meeting appendix show. Actions are overdue as at today
    on the page and the PDF; in a meeting's papers, as at the meeting once it is held, and
    at publication before then. `overdue_when` says which, in words."""
    today = timezone.localdate()
    if meeting_day is not None and meeting_day <= today:
        as_at, when = meeting_day, f"at the meeting on {meeting_day:%-d %B %Y}"
    elif meeting_day is not None:
        as_at, when = today, f"on {today:%-d %B %Y}, when the papers were published"
    else:
        as_at, when = today, f"today, {today:%-d %B %Y}"
    actions = list(plan.actions.all())
    for action in actions:
        action.overdue = action.is_overdue(as_at)
    rows = performance(plan)
    # Built from the imported national figures when the plan's indicators have them;
    # otherwise the table typed into the plan stands.
    generated = plan_table(plan.period, rows)
    return {
        "plan": plan,
        "performance": rows,
        "comparative_table": generated.as_dict() if generated else plan.comparative_table,
        "comparative_generated": generated,
        "actions": actions,
        "overdue_count": sum(a.overdue for a in actions),
        "today": as_at,
        "overdue_when": when,
    }


def plans_by_indicator(indicator_ids) -> dict[int, list[PlanRef]]:
    """Every plan of the given indicators, newest first: one query."""
    through = RecoveryPlan.indicators.through
    found: dict[int, list[PlanRef]] = {}
    rows = (
        through.objects.filter(indicator_id__in=list(indicator_ids))
        .order_by("-recoveryplan__opened_on", "-recoveryplan_id")
        .values_list(
            "indicator_id",
            "recoveryplan_id",
            "recoveryplan__title",
            "recoveryplan__status",
            "recoveryplan__closed_on",
        )
    )
    for indicator_id, pk, title, status, closed_on in rows:
        found.setdefault(indicator_id, []).append(
            PlanRef(pk, title, status == PlanStatus.OPEN, closed_on)
        )
    return found
