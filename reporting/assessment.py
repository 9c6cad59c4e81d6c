"""What a scorecard row says about an indicator in a period: figure, target, RAG, direction.

Works on indicators fetched with IndicatorQuerySet.for_report(), so building any number of
rows costs no further queries.
"""

from dataclasses import dataclass

from indicators.formatting import Unit, format_number
from indicators.models import (
    COMPARATOR_YEARS,
    Aggregation,
    Comparator,
    ComparatorKind,
    Indicator,
    Target,
    Value,
)
from indicators.periods import FinancialQuarter, Period, YearToDate
from indicators.rag import Direction, Polarity, Rag, direction_of_travel, rate
from reporting.comparators import benchmark_figure


def _year_target(targets: list[Target], year: Period) -> Target | None:
    """The financial year's own target (not a profile of it, not a stretch goal)."""
    for target in targets:
        if target.period is None and target.year == year and target.kind != "stretch":
            return target
    return None


def stretch_goal(indicator: Indicator, period: Period) -> Target | None:
    """The stretch goal the period's year works toward: set in or before that year and due
    in it or a later one."""
    year = period.financial_year
    for target in indicator.targets.all():
        if target.kind == "stretch" and target.year <= year <= (target.by_year or target.year):
            return target
    return None


def target_for(indicator: Indicator, period: Period) -> Target | None:
    """The target a figure for `period` is judged against, or None.

    A profiled target for that exact period wins. Otherwise the financial year's target
    applies, except to the periods of an indicator whose year figure is a sum of its
    periods (a quarter's count cannot be held to a whole year's target). A stretch goal
    is judged against in the year it is due; before then only the path toward it (the
    profiled and year targets of the years between) rates a figure.
    """
    year = period.financial_year
    targets = list(indicator.targets.all())
    for target in targets:
        if target.period is not None and target.period == period:
            return target
    summed_part_of_year = indicator.aggregation == Aggregation.SUM and period != year
    if (target := _year_target(targets, year)) is not None:
        return None if summed_part_of_year else target
    goal = stretch_goal(indicator, period)
    if goal is not None and (goal.by_year or goal.year) == year:
        return None if summed_part_of_year else goal
    return None


def _span(period: Period) -> str:
    """A profiled target's period as papers print it beside the figure: "Apr-Oct"."""
    if isinstance(period, YearToDate):
        return f"Apr-{period.label.rsplit('- ', 1)[1].rstrip(')')}"
    return str(period)


def _describe(indicator: Indicator, target: Target) -> str:
    places = indicator.decimal_places
    if target.kind == "none" and indicator.polarity_enum is not Polarity.NONE:
        # No number, but the papers still say which way is better.
        return f"No target set; {indicator.polarity_enum.label.lower()}"
    if indicator.unit == Unit.PERCENTAGE:

        def show_change(change):
            return f"{format_number(change, places)} percentage points"

    else:
        show_change = indicator.format
    return target.spec().describe(places, show=indicator.format, show_change=show_change)


def describe_target(indicator: Indicator, period: Period, target: Target | None = None) -> str:
    """The target of a period's figure in the figure's unit, as pages and exports print it:
    a profiled target with the year's ("49.6 (Apr-Oct); year end 55.1"), and a stretch goal
    years away beside whatever rates the figure until then. "-" when there is none."""
    target = target if target is not None else target_for(indicator, period)
    parts = []
    if target is not None:
        text = _describe(indicator, target)
        if target.period is not None:
            text = f"{text} ({_span(target.period)})"
            year_end = _year_target(list(indicator.targets.all()), target.year)
            if year_end is not None:
                text = f"{text}; year end {_describe(indicator, year_end)}"
        parts.append(text)
    goal = stretch_goal(indicator, period)
    if goal is not None and goal != target:
        parts.append(f"stretch goal {_describe(indicator, goal)}")
    return "; ".join(parts) or "-"


def target_words(indicator: Indicator, period: Period, target: Target | None) -> str:
    """The target as a return form or workbook prints it beside the line: "No target"."""
    text = describe_target(indicator, period, target)
    return "No target" if text == "-" else text


def stretch_goals(indicator: Indicator) -> list[str]:
    """Every stretch goal of the indicator as printed: "8.0 days by 2025/26 (set in 2021/22)"."""
    return [
        f"{_describe(indicator, target)} (set in {target.year})"
        for target in sorted(indicator.targets.all(), key=lambda t: t.year)
        if target.kind == "stretch"
    ]


def unrated_reason(indicator: Indicator, period: Period, target: Target | None) -> str:
    """Why a figure has no rating when it is not for want of a figure or a target."""
    goal = stretch_goal(indicator, period)
    if target is None and goal is not None:
        due = goal.by_year or goal.year
        return f"stretch goal for {due}; no path set for {period.financial_year}"
    return ""


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
    """A figure judged: its target, RAG rating and direction of travel; `target_text` the
    target as printed and `reason` why a figure with no rating is not rated."""

    value: Value | None
    target: Target | None
    rag: Rag | None
    direction: Direction | None
    target_text: str = "-"
    reason: str = ""
    judged: bool = False


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
    target_text = describe_target(indicator, value.period, target)
    if value.judged_rag:
        # The performance team's judgement stands in for the computed rating everywhere,
        # the summary's counts included, and is always printed as one.
        return Assessment(
            value,
            target,
            Rag(value.judged_rag),
            direction,
            target_text=target_text,
            reason=value.judgement_reason,
            judged=True,
        )
    reason = unrated_reason(indicator, value.period, target) if value.value is not None else ""
    return Assessment(value, target, rag, direction, target_text=target_text, reason=reason)


def comparators_for(indicator: Indicator, period: Period) -> dict[str, Comparator]:
    """The benchmark of each comparator (by its name as printed, in the order papers
    print them: England, regions, neighbours, peer groups) shown beside a period's figure:
    the one for that period,
    else the latest available, the newest ending by the period's end (an annual England
    average applies to the quarters after its year until a newer one arrives, for up to
    COMPARATOR_YEARS)."""
    chosen: dict[str, Comparator] = {}
    oldest = period.end.replace(year=period.end.year - COMPARATOR_YEARS)
    for comparator in indicator.comparators.all():
        if not oldest <= comparator.period.end <= period.end:
            continue
        held = chosen.get(comparator.label)
        if (
            held is None
            or held.period != period
            and (
                comparator.period == period
                or (comparator.period.end, -comparator.period.months)
                > (held.period.end, -held.period.months)
            )
        ):
            chosen[comparator.label] = comparator
    return dict(sorted(chosen.items(), key=lambda item: item[1].order))


def comparator_period(comparator: Comparator, period: Period | None = None) -> str:
    """The benchmark's own period, as printed beside it: the one it was published for
    ("2014-17"), else the reporting period it is held for, unless that is `period`."""
    if comparator.value_period:
        return comparator.value_period
    return "" if comparator.period == period else str(comparator.period)


def comparator_text(indicator: Indicator, comparator: Comparator, period: Period | None) -> str:
    """A benchmark as printed, with its own period when it is not the figure's and the
    council's published rank among them: "13.8% (2009/10)", "16.7%; 110th of 150",
    "13.8% (95% CI 13.1% to 14.5%); 110th of 150 (2019/20)"."""
    parts = [benchmark_figure(indicator, comparator)] if comparator.value is not None else []
    if comparator.standing:
        parts.append(comparator.standing)
    text = "; ".join(parts)
    own = comparator_period(comparator, period)
    return f"{text} ({own})" if own else text


def england_comparator(indicator: Indicator, period: Period) -> Comparator | None:
    """The England (or national) average shown beside a period's figure, if any."""
    return next(
        (
            comparator
            for comparator in comparators_for(indicator, period).values()
            if comparator.kind == ComparatorKind.ENGLAND and comparator.value is not None
        ),
        None,
    )


def england_average(indicator: Indicator, period: Period) -> str:
    """The England average shown beside a period's figure, as printed."""
    england = england_comparator(indicator, period)
    return comparator_text(indicator, england, period) if england else ""
