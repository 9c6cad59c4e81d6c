"""What a scorecard row says about an indicator in a period: figure, target, RAG, direction.

Works on indicators fetched with IndicatorQuerySet.for_report(), so building any number of
rows costs no further queries.
"""

from dataclasses import dataclass

from indicators.models import (
    COMPARATOR_YEARS,
    Aggregation,
    Comparator,
    ComparatorArea,
    Indicator,
    Target,
    Value,
)
from indicators.periods import FinancialQuarter, Period
from indicators.rag import Direction, Rag, direction_of_travel, rate


def target_for(indicator: Indicator, period: Period) -> Target | None:
    """The target a figure for `period` is judged against, or None.

    A profiled target for that exact period wins. Otherwise the financial year's target
    applies, except to the periods of an indicator whose year figure is a sum of its
    periods (a quarter's count cannot be held to a whole year's target). A stretch goal
    applies from the year it was set until the year it should be met by.
    """
    year = period.financial_year
    targets = list(indicator.targets.all())
    for target in targets:
        if target.period is not None and target.period == period:
            return target
    summed_part_of_year = indicator.aggregation == Aggregation.SUM and period != year
    for target in targets:
        if target.period is None and target.year == year and target.kind != "stretch":
            return None if summed_part_of_year else target
    for target in targets:
        if target.kind == "stretch" and target.year <= year <= (target.by_year or target.year):
            return None if summed_part_of_year else target
    return None


def value_in_quarter(indicator: Indicator, quarter: FinancialQuarter) -> Value | None:
    """The indicator's figure reported for a quarter: the latest one ending within it."""
    candidates = [
        v
        for v in indicator.values.all()
        if quarter.start <= v.period.end <= quarter.end and v.period.months <= 12
    ]
    if not candidates:
        return None
    # Prefer the figure for exactly the quarter, then the shortest period ending last.
    return max(candidates, key=lambda v: (v.period == quarter, v.period.end, -v.period.months))


def previous_value(indicator: Indicator, value: Value) -> Value | None:
    """The figure for the period before, of the same kind (for direction of travel)."""
    wanted = value.period.previous()
    for candidate in indicator.values.all():
        if candidate.period == wanted:
            return candidate
    return None


@dataclass(frozen=True)
class Assessment:
    """A figure judged: its target, RAG rating and direction of travel."""

    value: Value | None
    target: Target | None
    rag: Rag | None
    direction: Direction | None


def assess(indicator: Indicator, value: Value | None) -> Assessment:
    if value is None:
        return Assessment(None, None, None, None)
    target = target_for(indicator, value.period)
    rag = rate(
        value.value,
        target.spec() if target else None,
        indicator.polarity_enum,
        indicator.tolerance,
    )
    before = previous_value(indicator, value)
    direction = direction_of_travel(
        value.value,
        before.value if before else None,
        indicator.polarity_enum,
        decimal_places=indicator.decimal_places,
    )
    return Assessment(value, target, rag, direction)


def comparators_for(indicator: Indicator, period: Period) -> dict[str, Comparator]:
    """The benchmark of each area shown beside a period's figure: the one for that period,
    else the latest available, the newest ending by the period's end (an annual England
    average applies to the quarters after its year until a newer one arrives, for up to
    COMPARATOR_YEARS)."""
    chosen: dict[str, Comparator] = {}
    oldest = period.end.replace(year=period.end.year - COMPARATOR_YEARS)
    for comparator in indicator.comparators.all():
        if not oldest <= comparator.period.end <= period.end:
            continue
        held = chosen.get(comparator.area)
        if (
            held is None
            or held.period != period
            and (
                comparator.period == period
                or (comparator.period.end, -comparator.period.months)
                > (held.period.end, -held.period.months)
            )
        ):
            chosen[comparator.area] = comparator
    return chosen


def comparator_text(indicator: Indicator, comparator: Comparator, period: Period) -> str:
    """A benchmark as printed, with its own period when it is not the figure's."""
    text = indicator.format(comparator.value)
    if comparator.value_period:
        return f"{text} ({comparator.value_period})"
    return text if comparator.period == period else f"{text} ({comparator.period})"


def england_average(indicator: Indicator, period: Period) -> str:
    """The England average shown beside a period's figure, as printed."""
    england = comparators_for(indicator, period).get(ComparatorArea.ENGLAND)
    return comparator_text(indicator, england, period) if england else ""
