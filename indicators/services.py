"""Every write to the scorecard goes through these functions.

Each validates the whole row (full_clean) inside a transaction and records who made the
change in the audit history, so the admin, forms, importers and the demo loader all obey
the same rules.
"""

from decimal import Decimal

from django.db import transaction

from indicators.models import Commentary, Comparator, Indicator, Target, Value, ValueState
from indicators.periods import Period


def _save(instance, by):
    instance.full_clean()
    if by is not None:
        instance._history_user = by
    instance.save()
    return instance


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
    (indicators.workflow) instead."""
    row = Value.objects.current().filter(indicator=indicator, period=period).first() or Value(
        indicator=indicator, period=period
    )
    row.value, row.count, row.status = value, count, status
    row.missing_reason, row.qualifier = missing_reason, qualifier
    row.state = ValueState.PUBLISHED
    return _save(row, by)


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
    """Create or update the commentary on a period."""
    row = Commentary.objects.filter(indicator=indicator, period=period).first() or Commentary(
        indicator=indicator, period=period
    )
    row.issues, row.causes, row.actions = issues, causes, actions
    return _save(row, by)


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
    return _save(row, by)


@transaction.atomic
def record_comparator(
    *,
    indicator: Indicator,
    period: Period,
    area: str,
    value: Decimal,
    value_period: str = "",
    by=None,
) -> Comparator:
    """Create or update a benchmark (e.g. the England average) for a period."""
    row = Comparator.objects.filter(indicator=indicator, period=period, area=area).first()
    row = row or Comparator(indicator=indicator, period=period, area=area)
    row.value, row.value_period = value, value_period
    return _save(row, by)


@transaction.atomic
def save_indicator(*, reference: str, by=None, **fields) -> Indicator:
    """Create or update an indicator by its reference."""
    row = Indicator.objects.filter(reference=reference).first() or Indicator(reference=reference)
    for name, value in fields.items():
        setattr(row, name, value)
    return _save(row, by)
