"""The indicator page's trend chart as a plotly figure (JSON for plotly.js in the page).

Each rating has its own marker shape as well as colour, so the chart reads without colour;
the values table beside it is the chart's text alternative."""

from collections import defaultdict
from dataclasses import dataclass

import plotly.graph_objects as go

from indicators import spc
from indicators.models import ComparatorArea, Indicator
from indicators.periods import KIND_LABELS
from indicators.rag import Rag
from reporting.assessment import assess, target_for

NOT_RATED_COLOUR = "#505a5f"
SHAPES = {Rag.GREEN: "circle", Rag.AMBER: "triangle-up", Rag.RED: "square", None: "diamond"}
COMPARATOR_COLOURS = ["#1d70b8", "#4c2c92", "#28a197", "#f499be"]


def trend_figure(indicator: Indicator) -> dict | None:
    """Every figure by the end date of its period, one line per kind of period."""
    by_kind = defaultdict(list)
    for value in indicator.values.all():
        if value.value is not None:
            by_kind[value.period.kind].append((value, assess(indicator, value).rag))
    if not by_kind:
        return None
    figure = go.Figure()
    for kind, points in by_kind.items():
        figure.add_trace(
            go.Scatter(
                name=f"Figures: {KIND_LABELS[kind].lower()}",
                x=[v.period.end.isoformat() for v, _ in points],
                y=[float(v.value) for v, _ in points],
                text=[
                    f"{v.period}: {v.display} – {rag.label if rag else 'Not rated'}"
                    for v, rag in points
                ],
                hoverinfo="text",
                mode="lines+markers",
                line={"color": "#0b0c0c", "width": 2},
                marker={
                    "size": 12,
                    "color": [rag.colour if rag else NOT_RATED_COLOUR for _, rag in points],
                    "symbol": [SHAPES[rag] for _, rag in points],
                    "line": {"color": "#0b0c0c", "width": 1},
                },
            )
        )
    _add_targets(figure, indicator)
    _add_comparators(figure, indicator)
    figure.update_layout(
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        height=360,
        font={"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        legend={"orientation": "h", "y": -0.2},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        xaxis={"type": "date", "gridcolor": "#e6e6e6"},
        yaxis={"gridcolor": "#e6e6e6", "title": {"text": indicator.get_unit_display()}},
    )
    return figure.to_plotly_json()


def _add_targets(figure: go.Figure, indicator: Indicator) -> None:
    xs, ys, lows, highs = [], [], [], []
    for target in indicator.targets.all():
        spec = target.spec()
        span = target.period or target.year
        start, end = span.start.isoformat(), span.end.isoformat()
        if (point := spec.point()) is not None:
            xs += [start, end, None]
            ys += [float(point), float(point), None]
        elif (bounds := spec.bounds()) is not None:
            lows += [(start, float(bounds[0])), (end, float(bounds[0])), (None, None)]
            highs += [(start, float(bounds[1])), (end, float(bounds[1])), (None, None)]
    dash = {"color": "#d4351c", "width": 2, "dash": "dash"}
    if xs:
        figure.add_trace(go.Scatter(name="Target", x=xs, y=ys, mode="lines", line=dash))
    for name, line in (("Target range (low)", lows), ("Target range (high)", highs)):
        if line:
            figure.add_trace(
                go.Scatter(
                    name=name,
                    x=[x for x, _ in line],
                    y=[y for _, y in line],
                    mode="lines",
                    line=dash,
                )
            )


def _add_comparators(figure: go.Figure, indicator: Indicator) -> None:
    by_area = defaultdict(list)
    for comparator in indicator.comparators.all():
        by_area[comparator.area].append(comparator)
    labels = dict(ComparatorArea.choices)
    for colour, (area, rows) in zip(COMPARATOR_COLOURS, sorted(by_area.items()), strict=False):
        rows.sort(key=lambda c: c.period)
        figure.add_trace(
            go.Scatter(
                name=labels[area],
                x=[c.period.end.isoformat() for c in rows],
                y=[float(c.value) for c in rows],
                text=[f"{labels[area]} {c.period}: {indicator.format(c.value)}" for c in rows],
                hoverinfo="text",
                mode="lines+markers",
                line={"color": colour, "width": 2, "dash": "dot"},
                marker={"size": 8, "symbol": "x", "color": colour},
            )
        )


@dataclass(frozen=True)
class SpcView:
    """An indicator's SPC chart for its page, or why there is none."""

    figure: dict | None
    message: str
    variation: spc.Variation | None = None
    assurance: spc.Assurance | None = None


def spc_series(indicator: Indicator) -> list:
    """The figures of the indicator's own frequency (its quarters, its months...), in order."""
    by_kind = defaultdict(list)
    for value in indicator.values.all():
        if value.value is not None:
            by_kind[value.period.kind].append(value)
    if not by_kind:
        return []
    wanted = FREQUENCY_KINDS.get(indicator.frequency)
    kind = wanted if wanted in by_kind else max(by_kind, key=lambda k: len(by_kind[k]))
    # Periods of one kind are in order of their end dates, which compare faster.
    return sorted(by_kind[kind], key=lambda v: v.period_end)


def spc_chart(indicator: Indicator) -> tuple[list, spc.Chart]:
    """The indicator's series and its XmR chart, the target taken from its latest period.
    Raises spc.NotEnoughData for fewer than 12 points."""
    series = spc_series(indicator)
    latest_target = target_for(indicator, series[-1].period) if series else None
    point = latest_target.spec().point() if latest_target else None
    return series, spc.xmr([v.value for v in series], polarity=indicator.polarity, target=point)


def spc_view(indicator: Indicator) -> SpcView:
    try:
        series, chart = spc_chart(indicator)
    except spc.NotEnoughData as error:
        return SpcView(None, str(error))
    x = [v.period.end.isoformat() for v in series]
    figure = go.Figure()
    for name, pick, dash in (
        ("Mean", lambda lim: lim.mean, "solid"),
        ("Upper process limit", lambda lim: lim.upper, "dash"),
        ("Lower process limit", lambda lim: lim.lower, "dash"),
    ):
        figure.add_trace(
            go.Scatter(
                name=name,
                x=x,
                y=[float(pick(chart.limits_at(i))) for i in range(len(x))],
                mode="lines",
                line={"color": "#505a5f", "dash": dash, "width": 1.5},
                hoverinfo="skip",
            )
        )
    special = [i in chart.special for i in range(len(x))]
    figure.add_trace(
        go.Scatter(
            name="Figures (special cause: orange diamond)",
            x=x,
            y=[float(v.value) for v in series],
            text=[
                f"{v.period}: {v.display}{' – special cause' if s else ''}"
                for v, s in zip(series, special, strict=True)
            ],
            hoverinfo="text",
            mode="lines+markers",
            line={"color": "#0b0c0c", "width": 2},
            marker={
                "size": [13 if s else 9 for s in special],
                "symbol": ["diamond" if s else "circle" for s in special],
                "color": ["#f47738" if s else "#1d70b8" for s in special],
                "line": {"color": "#0b0c0c", "width": 1},
            },
        )
    )
    figure.update_layout(
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        height=340,
        font={"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        legend={"orientation": "h", "y": -0.25},
        plot_bgcolor="#ffffff",
        xaxis={"type": "date", "gridcolor": "#e6e6e6"},
        yaxis={"gridcolor": "#e6e6e6"},
    )
    return SpcView(figure.to_plotly_json(), "", chart.variation, chart.assurance)


FREQUENCY_KINDS = {
    "quarterly": "financial_quarter",
    "monthly": "month",
    "annual": "financial_year",
    "academic_year": "academic_year",
    "termly": "term",
    "rolling": "rolling",
}
