"""The council beside the groups it compares itself with, read from the imported figures:
for the indicator page, the scorecard and recovery plans. A fixed number of queries for any
number of indicators (the groups, their members, the figures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from comparators import ranking
from comparators.models import Area, ComparatorGroup, ComparatorValue, GroupKind
from indicators.formatting import Unit, format_number
from indicators.models import Comparator, Indicator
from indicators.periods import Period


def figure(indicator: Indicator, value: Decimal | None) -> str:
    """A comparator figure as tables print it: "77.8%", "19.3" (a score without "out of")."""
    if value is None:
        return "-"
    if indicator.unit == Unit.SCORE:
        return format_number(value, indicator.decimal_places)
    return indicator.format(value)


def interval(indicator: Indicator, limits: tuple | None) -> str:
    """A published 95% confidence interval as printed beside its figure, or ""."""
    if not limits or limits == (None, None):
        return ""
    lower, upper = (figure(indicator, limit) if limit is not None else "?" for limit in limits)
    return f"95% CI {lower} to {upper}"


@dataclass(frozen=True)
class GroupLine:
    """One group's figures for an indicator and period, seen from the council."""

    group: ComparatorGroup
    indicator: Indicator
    period: Period
    figures: ranking.GroupFigures
    published: Decimal | None
    missing_names: tuple[str, ...] = ()
    published_interval: tuple | None = None  # (lower, upper) of the published average

    @property
    def differs(self) -> bool:
        """The published average and the mean of the members print differently."""
        return (
            self.published is not None
            and self.figures.mean is not None
            and not ranking.same_when_rounded(
                self.published, self.figures.mean, self.indicator.decimal_places
            )
        )

    def _averages(self) -> str:
        mean, published = self.figures.mean, self.published
        printed = with_interval(self.indicator, published, self.published_interval)
        if self.differs:
            return (
                f"published average {printed}; mean of the "
                f"{self.figures.present} councils {figure(self.indicator, mean)}"
            )
        if published is not None:
            return f"average {printed}"
        if mean is not None:
            return f"average {figure(self.indicator, mean)}"
        return ""

    def sentence(self) -> str:
        """ "North West: 5th of 23, 2nd quartile, average 18.9 (2011/12)"."""
        standing = self.figures.standing
        parts = [standing.describe()] if standing else []
        if averages := self._averages():
            parts.append(averages)
        return f"{self.group.name}: {', '.join(parts)} ({self.period})"

    def compact(self) -> str:
        """For the scorecard: the standing, or the average when there is none; a published
        average with its confidence interval is printed beside the standing too."""
        standing = self.figures.standing
        if standing and self.published_interval:
            return self.sentence()
        if standing:
            return f"{self.group.name}: {standing.describe()} ({self.period})"
        return self.sentence()

    @property
    def note(self) -> str:
        """Why the published average differs from the mean, when it does."""
        return self.group.published_note if self.differs else ""


@dataclass
class Comparison:
    """An indicator's imported figures for one period: the council's and each area's."""

    indicator: Indicator
    period: Period
    values: dict[int, Decimal]  # area id -> figure
    council: Area | None
    lines: list[GroupLine] = field(default_factory=list)
    intervals: dict[int, tuple] = field(default_factory=dict)  # area id -> (lower, upper)

    @property
    def council_value(self) -> Decimal | None:
        return self.values.get(self.council.pk) if self.council else None

    @property
    def council_interval(self) -> str:
        """The council's published confidence interval, printed, or ""."""
        return interval(self.indicator, self.intervals.get(self.council.pk)) if self.council else ""


class Benchmarks:
    """The groups and the latest imported figures of some indicators (up to a date)."""

    def __init__(self, indicators: list[Indicator], *, up_to: date | None = None):
        self.groups: list[ComparatorGroup] = list(
            ComparatorGroup.objects.select_related("published_area").prefetch_related("members")
        )
        self.by_indicator: dict[int, Comparison] = {}
        if self.groups and indicators:
            self._load({i.pk: i for i in indicators}, up_to)

    def _load(self, indicators: dict[int, Indicator], up_to: date | None) -> None:
        areas = {a.pk for g in self.groups for a in g.members.all()}
        areas |= {g.published_area_id for g in self.groups if g.published_area_id}
        # The latest period in which the council itself has a figure.
        latest = ComparatorValue.objects.filter(measure=OuterRef("measure"), area__is_council=True)
        if up_to is not None:
            latest = latest.filter(period_end__lte=up_to)
        latest = latest.order_by("-period_end").values("period")[:1]
        rows = (
            ComparatorValue.objects.filter(
                measure__indicator_id__in=list(indicators), period=Subquery(latest)
            )
            .filter(Q(area_id__in=areas) | Q(area__is_council=True))
            .select_related("area", "measure")
        )
        for row in rows:
            indicator = indicators[row.measure.indicator_id]
            comparison = self.by_indicator.get(indicator.pk)
            if comparison is None:
                comparison = Comparison(indicator, row.period, {}, None)
                self.by_indicator[indicator.pk] = comparison
            comparison.values[row.area_id] = row.value
            if row.lower_ci is not None or row.upper_ci is not None:
                comparison.intervals[row.area_id] = (row.lower_ci, row.upper_ci)
            if row.area.is_council:
                comparison.council = row.area
        for comparison in self.by_indicator.values():
            comparison.lines = [
                line for group in self.groups if (line := self._line(group, comparison))
            ]

    def _line(self, group: ComparatorGroup, comparison: Comparison) -> GroupLine | None:
        members = list(group.members.all())
        values = comparison.values
        published = values.get(group.published_area_id) if group.published_area_id else None
        council = comparison.council
        figures = ranking.group_figures(
            {area.pk: values.get(area.pk) for area in members},
            council=council.pk if council else None,
            council_value=comparison.council_value if members else None,
            polarity=comparison.indicator.polarity,
        )
        if figures.present == 0 and published is None:
            return None
        return GroupLine(
            group=group,
            indicator=comparison.indicator,
            period=comparison.period,
            figures=figures,
            published=published,
            published_interval=comparison.intervals.get(group.published_area_id),
            missing_names=tuple(a.name for a in members if a.pk in set(figures.missing)),
        )

    def lines(self, indicator: Indicator) -> list[GroupLine]:
        comparison = self.by_indicator.get(indicator.pk)
        return comparison.lines if comparison else []


@dataclass
class PlanTable:
    """A recovery plan's comparative table built from the imported figures."""

    columns: list[str]
    rows: list[list[str]]
    notes: list[str]
    periods: list[Period]

    def as_dict(self) -> dict:
        return {"columns": self.columns, "rows": self.rows}


def plan_table(plan_period: Period, performance: list) -> PlanTable | None:
    """The plan's table of the region's councils, the region's and England's averages and
    the council's own figure for the plan's period; None when no indicator of the plan has
    imported figures (the typed table, if any, stands). `performance` is the plan page's
    rows (indicator and the plan period's value)."""
    indicators = [row.indicator for row in performance]
    benchmarks = Benchmarks(indicators, up_to=plan_period.end)
    comparisons = [benchmarks.by_indicator.get(i.pk) for i in indicators]
    if not any(comparisons):
        return None
    with_members = [g for g in benchmarks.groups if g.members.all()]
    region = next((g for g in with_members if g.kind == GroupKind.REGION), None)
    region = region or (with_members[0] if with_members else None)
    england = next((g for g in benchmarks.groups if g.kind == GroupKind.ENGLAND), None)
    periods = sorted({c.period for c in comparisons if c})
    columns = ["Council"]
    for indicator, comparison in zip(indicators, comparisons, strict=True):
        title = indicator.title
        if len(periods) > 1 and comparison:
            title = f"{title} ({comparison.period})"
        columns.append(title)
    rows, notes = [], []
    if region is not None:
        for area in sorted(region.members.all(), key=lambda a: a.name):
            rows.append(
                [area.name]
                + [
                    with_interval(i, c.values.get(area.pk), c.intervals.get(area.pk))
                    if c
                    else figure(i, None)
                    for i, c in zip(indicators, comparisons, strict=True)
                ]
            )
    for group in (region, england):
        if group is None:
            continue
        cells = []
        for indicator, comparison in zip(indicators, comparisons, strict=True):
            line = (
                next((g for g in comparison.lines if g.group == group), None)
                if comparison
                else None
            )
            if line is None:
                cells.append("-")
                continue
            if line.published is not None:
                cells.append(with_interval(indicator, line.published, line.published_interval))
            else:
                cells.append(figure(indicator, line.figures.mean))
            if line.differs:
                notes.append(
                    f"{indicator.title}: {group.name} published average "
                    f"{figure(indicator, line.published)}; mean of the {line.figures.present} "
                    f"councils {figure(indicator, line.figures.mean)}"
                    + (f" — {group.published_note}" if group.published_note else "")
                )
        if any(cell != "-" for cell in cells):
            rows.append([f"{group.name} Average", *cells])
    council = next((c.council for c in comparisons if c and c.council), None)
    if council is not None:
        rows.append(
            [f"{council.name} {plan_period}"]
            + [figure(row.indicator, row.value.value if row.value else None) for row in performance]
        )
    return PlanTable(columns=columns, rows=rows, notes=notes, periods=periods)


def with_interval(indicator: Indicator, value, limits, *, text: str | None = None) -> str:
    """A published figure with its confidence interval beside it, as public-health papers
    print it: "65.3% (95% CI 63.6% to 66.9%)". The one way an interval is printed: plan
    tables, the scorecard, its exports, appendices and the indicator page. `text` is the
    figure as the caller prints it, if not as tables do."""
    printed = figure(indicator, value) if text is None else text
    ci = interval(indicator, limits) if value is not None else ""
    return f"{printed} ({ci})" if ci else printed


def benchmark_figure(indicator: Indicator, comparator: Comparator) -> str:
    """A hand-entered benchmark's figure with its published interval, or "" for a rank
    alone: "13.8% (95% CI 13.1% to 14.5%)"."""
    if comparator.value is None:
        return ""
    return with_interval(
        indicator,
        comparator.value,
        comparator.interval,
        text=indicator.format(comparator.value),
    )


def attach_rankings(rows: list, *, up_to: date) -> None:
    """Give each scorecard row (reporting.scorecard.Row) its compact comparator lines, in
    a fixed number of queries for the whole page."""
    benchmarks = Benchmarks([row.indicator for row in rows], up_to=up_to)
    for row in rows:
        row.rankings = [line.compact() for line in benchmarks.lines(row.indicator)]
