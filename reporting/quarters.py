"""Which quarter members see by default: the latest one with published figures whose
publication is complete, and the newer one still being published, if any."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q

from indicators.models import Indicator, Publication, Value, due_periods
from indicators.periods import FINANCIAL_QUARTER, FINANCIAL_YEAR, FinancialQuarter, Snapshot


def latest_reported(up_to: date | None = None) -> FinancialQuarter | None:
    """The quarter of the latest published quarterly or year figure (up to a date).
    Rolling windows and snapshots published out of step with the quarters do not move
    the scorecard on by themselves."""
    figures = Value.objects.published().filter(value__isnull=False)
    figures = figures.filter(
        Q(period__startswith=f"{FINANCIAL_QUARTER}:") | Q(period__startswith=f"{FINANCIAL_YEAR}:")
    )
    if up_to is not None:
        figures = figures.filter(period_end__lte=up_to)
    latest = figures.aggregate(latest=Max("period_end"))["latest"]
    return Snapshot(latest).financial_quarter if latest else None


@dataclass(frozen=True)
class PartPublished:
    """A quarter whose publication has begun but not finished."""

    quarter: FinancialQuarter
    published: int
    due: int


def part_published(quarter: FinancialQuarter) -> PartPublished | None:
    """How far a quarter the performance team has begun to publish has got, or None once
    every figure due in it is published. A quarter loaded from past papers, with no
    publication recorded, is complete as it stands."""
    if not Publication.objects.filter(quarter=quarter).exists():
        return None
    year = quarter.financial_year
    indicators = Indicator.objects.in_scorecard(year).distinct()
    due = {(i.pk, p) for i in indicators for p in due_periods(i, quarter)}
    shown = set(
        Value.objects.published()
        .filter(indicator_id__in={pk for pk, _ in due}, period__in={p for _, p in due})
        .values_list("indicator_id", "period")
    )
    published = len(due & shown)
    return PartPublished(quarter, published, len(due)) if published < len(due) else None


def latest_complete(up_to: date | None = None):
    """The latest quarter with figures whose publication is complete, and the newer one
    still being published, if any."""
    latest, partial = latest_reported(up_to), None
    while latest is not None:
        part = part_published(latest)
        if part is None:
            break
        partial = partial or part
        latest = latest_reported(up_to=latest.start - timedelta(days=1))
    return latest or (partial.quarter if partial else None), partial
