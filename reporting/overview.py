"""The quarter on one page, for a councillor: per priority (section) how many measures are
on track with the trend over the last four quarters, what changed since the last quarter,
and for every measure requiring improvement why, what its officers say is causing it and
being done, and its recovery plan. Built from the scorecard's rows: no writes."""

from dataclasses import dataclass, field
from decimal import Decimal

from indicators.models import Commentary, Indicator, Section
from indicators.periods import FinancialQuarter
from indicators.rag import Rag, why_rated
from reporting.assessment import assess
from reporting.scorecard import Row, Summary, quarter_columns, summarise
from reporting.sparkline import sparkline_svg

# From the worst to the best; "not rated" is outside the order.
_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


@dataclass
class Priority:
    section: Section
    summary: Summary
    # (quarter, measures on track, measures rated), oldest first.
    trend: list[tuple[FinancialQuarter, int, int]]
    sparkline: str


@dataclass
class Change:
    row: Row
    before: Rag
    kind: str  # newly_red, back_on_track, worsened, improved


CHANGE_TITLES = {
    "newly_red": "Newly requiring improvement",
    "back_on_track": "Back on track",
    "worsened": "Worsened",
    "improved": "Improved",
}


@dataclass
class RedMeasure:
    row: Row
    why: str
    commentary: Commentary | None


@dataclass
class Overview:
    quarter: FinancialQuarter
    summary: Summary
    priorities: list[Priority]
    changes: dict[str, list[Change]] = field(default_factory=dict)
    red: list[RedMeasure] = field(default_factory=list)


def _rag_in(row: Row, index: int) -> Rag | None:
    """The rating of the row's figure in one of its earlier columns."""
    cell = row.history[index]
    return assess(row.indicator, cell.figure).rag if cell.figure is not None else None


def _why(row: Row) -> str:
    indicator: Indicator = row.indicator
    if row.value is None or row.value.value is None or row.target_spec is None:
        return ""
    if row.judged:
        return f"Judged {row.rag.label.lower()}: {row.rag_reason}" if row.rag else ""
    return why_rated(
        row.value.value,
        row.target_spec,
        indicator.polarity_enum,
        indicator.tolerance,
        show=lambda number: indicator.format(Decimal(number)),
    )


def red_commentary(rows: list[Row]) -> dict[tuple[int, str], Commentary]:
    """The published commentary on each red figure, in one query."""
    red = [row for row in rows if row.rag is Rag.RED and row.value is not None]
    if not red:
        return {}
    notes = Commentary.objects.published().filter(
        indicator__in=[row.indicator for row in red],
        period__in={row.value.period for row in red},
    )
    return {(n.indicator_id, n.period.key): n for n in notes if n.said}


def _change(before: Rag | None, now: Rag | None) -> str | None:
    if before is None or now is None or before == now:
        return None
    if now is Rag.RED:
        return "newly_red"
    if now is Rag.GREEN:
        return "back_on_track"
    return "worsened" if _ORDER[now] < _ORDER[before] else "improved"


def build_overview(rows: list[Row], quarter: FinancialQuarter) -> Overview:
    notes = red_commentary(rows)
    columns = quarter_columns(quarter)
    priorities = []
    by_section: dict[int, list[Row]] = {}
    for row in rows:
        by_section.setdefault(row.indicator.section_id, []).append(row)
    for section_rows in by_section.values():
        trend = []
        for index, column in enumerate(columns):
            rags = [
                row.rag if index == len(columns) - 1 else _rag_in(row, index)
                for row in section_rows
            ]
            rated = [rag for rag in rags if rag is not None]
            trend.append((column, sum(rag is Rag.GREEN for rag in rated), len(rated)))
        section = section_rows[0].indicator.section
        points = [
            (str(q), Decimal(on), f"{on} of {rated} on track") for q, on, rated in trend if rated
        ]
        priorities.append(
            Priority(
                section=section,
                summary=summarise(section_rows),
                trend=trend,
                sparkline=sparkline_svg(points, label=f"measures on track in {section.name}"),
            )
        )
    priorities.sort(key=lambda p: (p.section.order, p.section.name))
    overview = Overview(quarter, summarise(rows), priorities)
    changes: dict[str, list[Change]] = {kind: [] for kind in CHANGE_TITLES}
    for row in rows:
        before = _rag_in(row, -1) if row.history else None
        kind = _change(before, row.rag)
        if kind:
            changes[kind].append(Change(row, before, kind))
        if row.rag is Rag.RED:
            note = notes.get((row.indicator.pk, row.value.period.key)) if row.value else None
            overview.red.append(RedMeasure(row, _why(row), note))
    overview.changes = {kind: found for kind, found in changes.items() if found}
    return overview
