"""The indicator page's trend chart as a plotly figure (JSON for plotly.js in the page).

Each rating has its own marker shape as well as colour, so the chart reads without colour;
the values table beside it is the chart's text alternative."""

from collections import defaultdict
from dataclasses import dataclass

import plotly.graph_objects as go
from django.conf import settings

from indicators import spc
from indicators.models import ComparatorArea, Indicator, Value
from indicators.periods import KIND_LABELS, Period
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
    notes: tuple[str, ...] = ()  # how the limits were drawn, in words, beside the chart
    trial: bool = False


@dataclass(frozen=True)
class SpcPoint:
    """One period of the SPC series: its figure, or a gap where it has none."""

    period: Period
    value: Value | None = None  # None: no figure recorded for the period

    @property
    def figure(self):
        return self.value.value if self.value is not None else None


def spc_method() -> dict:
    """The SPC settings, read in this one place: whether moving ranges are screened and
    how many figures the chart needs (README, "Statistical process control")."""
    return {"screen": settings.SPC_SCREEN_MOVING_RANGES, "minimum": settings.SPC_MINIMUM_POINTS}


def _missing_between(before: Period, after: Period) -> list[Period]:
    """The periods of the same kind strictly between two, oldest first."""
    missing = []
    try:
        period = after.previous()
        while period != before and period.end > before.end and len(missing) < 240:
            missing.insert(0, period)
            period = period.previous()
    except NotImplementedError:  # a kind with no notion of the period before
        return []
    return missing


def spc_series(indicator: Indicator) -> list[SpcPoint]:
    """The periods of the indicator's own frequency (its quarters, its months...), in
    order, from its first figure to its latest. A period with no figure, recorded as
    missing or not recorded at all, is a gap, as in the reference."""
    by_kind = defaultdict(list)
    for value in indicator.values.all():
        by_kind[value.period.kind].append(value)
    figures = {k: [v for v in vs if v.value is not None] for k, vs in by_kind.items()}
    figures = {k: vs for k, vs in figures.items() if vs}
    if not figures:
        return []
    wanted = FREQUENCY_KINDS.get(indicator.frequency)
    kind = wanted if wanted in figures else max(figures, key=lambda k: len(figures[k]))
    # Periods of one kind are in order of their end dates, which compare faster.
    present = sorted(figures[kind], key=lambda v: v.period_end)
    first, last = present[0].period_end, present[-1].period_end
    recorded = {v.period: v for v in by_kind[kind] if first <= v.period_end <= last}
    for value in present:  # the figure wins over a missing-figure row of the same period
        recorded[value.period] = value
    ordered = sorted(recorded.values(), key=lambda v: v.period_end)
    series: list[SpcPoint] = []
    for value in ordered:
        if series:
            series += [SpcPoint(p) for p in _missing_between(series[-1].period, value.period)]
        series.append(SpcPoint(value.period, value if value.value is not None else None))
    return series


def spc_chart(indicator: Indicator) -> tuple[list[SpcPoint], spc.Chart]:
    """The indicator's series and its XmR chart, the target taken from its latest period.
    Raises spc.NotEnoughData for too few figures."""
    series = spc_series(indicator)
    latest_target = target_for(indicator, series[-1].period) if series else None
    point = latest_target.spec().point() if latest_target else None
    chart = spc.xmr(
        [p.figure for p in series], polarity=indicator.polarity, target=point, **spc_method()
    )
    return series, chart


def spc_notes(chart: spc.Chart, series: list[SpcPoint]) -> tuple[str, ...]:
    """How the chart's limits were drawn, in words, for the caption beside it."""
    notes = []
    if chart.trial:
        short = min(lim.points for _, lim in chart.phases if lim.trial)
        notes.append(
            f"Trial limits: drawn from {short} figure{'s' if short != 1 else ''}, fewer than "
            f"{spc.TRIAL_BELOW}, so they will be revised as each new figure arrives."
        )
    if chart.screen:
        left_out = chart.left_out
        notes.append(
            f"Limits leave out moving ranges above {float(spc.SCREEN):g} × the mean moving "
            f"range ({left_out} left out), as NHS England's Making Data Count method does."
            if left_out
            else f"Limits leave out moving ranges above {float(spc.SCREEN):g} × the mean "
            "moving range (none here), as NHS England's Making Data Count method does."
        )
    else:
        notes.append("Limits use every moving range, as the Making Data Count Excel tool does.")
    gaps = [p for p in series if p.figure is None]
    if gaps:
        notes.append(
            f"{len(gaps)} period{'s' if len(gaps) != 1 else ''} without a figure "
            f"({', '.join(str(p.period) for p in gaps[:3])}{', ...' if len(gaps) > 3 else ''}) "
            "leave a gap: the moving ranges either side are not used."
        )
    return tuple(notes)


def spc_view(indicator: Indicator) -> SpcView:
    try:
        series, chart = spc_chart(indicator)
    except spc.NotEnoughData as error:
        return SpcView(None, str(error))
    x = [p.period.end.isoformat() for p in series]
    figure = go.Figure()
    trial = " (trial)" if chart.trial else ""
    for name, pick, dash in (
        (f"Mean{trial}", lambda lim: lim.mean, "solid"),
        (f"Upper process limit{trial}", lambda lim: lim.upper, "dot" if trial else "dash"),
        (f"Lower process limit{trial}", lambda lim: lim.lower, "dot" if trial else "dash"),
    ):
        xs, ys = [], []
        for i, when in enumerate(x):
            if i and any(start == i for start, _ in chart.phases):
                xs.append(when)  # a new phase starts a new line: None breaks the old one
                ys.append(None)
            xs.append(when)
            ys.append(float(pick(chart.limits_at(i))))
        figure.add_trace(
            go.Scatter(
                name=name,
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#505a5f", "dash": dash, "width": 1.5},
                hoverinfo="skip",
            )
        )
    signals = chart.signals
    figure.add_trace(
        go.Scatter(
            name="Figures (special cause: orange diamond)",
            x=x,
            y=[float(p.figure) if p.figure is not None else None for p in series],
            text=[
                f"{p.period}: {p.value.display if p.value else 'no figure'}"
                f"{f' – special cause, {s.label}' if s else ''}"
                for p, s in zip(series, signals, strict=True)
            ],
            hoverinfo="text",
            mode="lines+markers",
            connectgaps=False,
            line={"color": "#0b0c0c", "width": 2},
            marker={
                "size": [13 if s else 9 for s in signals],
                "symbol": ["diamond" if s else "circle" for s in signals],
                "color": ["#f47738" if s else "#1d70b8" for s in signals],
                "line": {"color": "#0b0c0c", "width": 1},
            },
        )
    )
    if chart.trial:
        figure.add_annotation(
            text="Trial limits",
            xref="paper",
            yref="paper",
            x=0,
            y=1,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 14, "color": "#0b0c0c"},
        )
    figure.update_layout(
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        height=340,
        font={"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        legend={"orientation": "h", "y": -0.25},
        plot_bgcolor="#ffffff",
        xaxis={"type": "date", "gridcolor": "#e6e6e6"},
        yaxis={"gridcolor": "#e6e6e6"},
    )
    return SpcView(
        figure.to_plotly_json(),
        "",
        chart.variation,
        chart.assurance,
        notes=spc_notes(chart, series),
        trial=chart.trial,
    )


FREQUENCY_KINDS = {
    "quarterly": "financial_quarter",
    "monthly": "month",
    "annual": "financial_year",
    "academic_year": "academic_year",
    "termly": "term",
    "rolling": "rolling",
}
