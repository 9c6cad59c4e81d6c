"""Every write to the scorecard goes through these functions.

Each validates the whole row (full_clean) inside a transaction and records who made the
change in the audit history, so the admin, forms, importers and the demo loader all obey
the same rules.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from indicators.models import (
    Commentary,
    Comparator,
    Indicator,
    ProcessChange,
    Target,
    Value,
    ValueState,
)
from indicators.periods import Period
from scorecard.saving import changed_by, save_checked


@transaction.atomic
def record_value(
    *,
    indicator: Indicator,
    period: Period,
    value: Decimal | None,
    count: Decimal | None = None,
    status: str = "final",
    missing_reason: str = "",
    qualifier: str = "",
    by=None,
) -> Value:
    """Record a figure that is already published (history from past reports, the demo
    council): it is visible at once. Figures entered for a period go through the return
    (returns.workflow) instead."""
    row = Value.objects.current().filter(indicator=indicator, period=period).first() or Value(
        indicator=indicator, period=period
    )
    row.value, row.count, row.status = value, count, status
    row.missing_reason, row.qualifier = missing_reason, qualifier
    row.state = ValueState.PUBLISHED
    return save_checked(row, by)


def figure_written_about(indicator: Indicator, period: Period) -> Value | None:
    """The published figure a report's commentary for `period` speaks about: the figure
    for that period, else the one its quarter's scorecard row reads (the latest ending
    within it, shortest period first), else the latest ending in the year before. A Q4
    report's commentary on an annual indicator is about the year's figure."""
    figures = list(Value.objects.published().filter(indicator=indicator))
    exact = [v for v in figures if v.period == period]
    if exact:
        return exact[0]
    within = [
        v for v in figures if period.start <= v.period.end <= period.end and v.period.months <= 12
    ]
    if within:
        return max(within, key=lambda v: (v.period.end, -v.period.months))
    year_before = period.end.replace(year=period.end.year - 1)
    before = [v for v in figures if year_before < v.period.end <= period.end]
    return max(before, key=lambda v: (v.period.end, -v.period.months)) if before else None


@transaction.atomic
def write_commentary(
    *,
    indicator: Indicator,
    period: Period,
    issues: str = "",
    causes: str = "",
    actions: str = "",
    by=None,
) -> Commentary:
    """Record the commentary published with a figure, as past reports printed it (like
    record_value, for history and the demo). Commentary on figures being reported goes
    through the return (workflow.save_entry), with its figure."""
    figure = figure_written_about(indicator, period)
    if figure is None:
        raise ValidationError(
            f"{indicator.reference} has no published figure for {period} or the year "
            "before it, so there is nothing for this commentary to be published with."
        )
    row = Commentary.objects.filter(figure=figure).first() or Commentary(
        indicator=indicator, period=period, figure=figure
    )
    if row.period != period:
        raise ValidationError(
            f"{indicator.reference}: the commentary for {period} would be published with "
            f"the {figure.period} figure, which has the commentary for {row.period}."
        )
    row.issues, row.causes, row.actions = issues, causes, actions
    return save_checked(row, by)


@transaction.atomic
def set_judgement(*, value: Value, rag: str, reason: str, by) -> Value:
    """The performance team's own rating of a published figure, with the reason, in place
    of the computed one (an empty `rag` goes back to the computed rating). Recorded in the
    figure's history like any other change."""
    if value.state != ValueState.PUBLISHED or not value.is_current:
        raise ValidationError(
            {"judged_rag": "Only the published figure of a period can be rated by judgement."}
        )
    value.judged_rag, value.judgement_reason = rag, reason.strip() if rag else ""
    return save_checked(value, by)


@transaction.atomic
def set_target(
    *, indicator: Indicator, year: Period, period: Period | None = None, by=None, **fields
) -> Target:
    """Create or update the target for a year (or, profiled, for one period)."""
    existing = Target.objects.filter(indicator=indicator, year=year, period=period)
    if period is None:
        existing = Target.objects.filter(indicator=indicator, year=year, period__isnull=True)
    row = existing.first() or Target(indicator=indicator, year=year, period=period)
    for name, value in fields.items():
        setattr(row, name, value)
    return save_checked(row, by)


@transaction.atomic
def record_comparator(
    *,
    indicator: Indicator,
    period: Period,
    kind: str,
    name: str = "",
    value: Decimal | None,
    value_period: str = "",
    rank: int | None = None,
    rank_of: int | None = None,
    source: str = "",
    lower_ci: Decimal | None = None,
    upper_ci: Decimal | None = None,
    by=None,
) -> Comparator:
    """Create or update a benchmark for a period, matched by its name as printed whatever
    its case (empty: its kind's, "England average"): a figure (with its published 95%
    confidence interval, if any), the council's rank among them, or both."""
    row = Comparator(indicator=indicator, period=period, kind=kind, name=name)
    row.clean_name()
    held = Comparator.objects.filter(indicator=indicator, period=period, name__iexact=row.name)
    name, row = row.name, held.first() or row
    row.kind, row.name = kind, name
    row.value, row.value_period, row.rank, row.rank_of = value, value_period, rank, rank_of
    row.source, row.lower_ci, row.upper_ci = source, lower_ci, upper_ci
    return save_checked(row, by)


@transaction.atomic
def save_indicator(*, reference: str, by=None, **fields) -> Indicator:
    """Create or update an indicator by its reference."""
    row = Indicator.objects.filter(reference=reference).first() or Indicator(reference=reference)
    for name, value in fields.items():
        setattr(row, name, value)
    return save_checked(row, by)


@transaction.atomic
def record_process_change(change: ProcessChange, *, by) -> ProcessChange:
    """Record (or correct) a change to how a service works; SPC works out the indicator's
    limits afresh from its period. Who recorded it is kept, and the history has the rest."""
    if change.pk is None:
        change.recorded_by = by
    return save_checked(change, by)


@transaction.atomic
def withdraw_process_change(change: ProcessChange, *, by) -> None:
    """Take back a process change recorded by mistake; the history keeps it and who took
    it back, and the limits run on as one phase again."""
    changed_by(change, by)
    change.delete()
