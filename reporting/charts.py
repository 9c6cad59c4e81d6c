"""The indicator page's trend chart as a plotly figure (JSON for plotly.js in the page).

Each rating has its own marker shape as well as colour, so the chart reads without colour;
the values table beside it is the chart's text alternative.

The figures are built as the plain dicts and lists plotly.js reads, not through
plotly.graph_objects: validating every property there cost more than the rest of the
page. tests/test_chart_figures.py holds them equal, as data, to what graph_objects made."""

import html
import json
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from importlib.resources import files
from itertools import cycle

from django.conf import settings

from indicators import spc
from indicators.models import Indicator, ProcessChange, Value
from indicators.periods import KIND_LABELS, Period
from indicators.rag import Rag
from reporting.assessment import assess, comparator_period, target_for
from reporting.comparators import benchmark_figure

NOT_RATED_COLOUR = "#505a5f"
SHAPES = {Rag.GREEN: "circle", Rag.AMBER: "triangle-up", Rag.RED: "square", None: "diamond"}
COMPARATOR_COLOURS = ["#1d70b8", "#4c2c92", "#28a197", "#f499be"]

# plotly's default template ("plotly"), which graph_objects put in every figure's layout:
# its colours, grid and hover defaults are part of how the charts look. Read once; shared
# by every figure and never changed.
TEMPLATE = json.loads(
    files("plotly").joinpath("package_data", "templates", "plotly.json").read_text("utf-8")
)


def _figure(data: list[dict], **layout) -> dict:
    """A figure as plotly.js reads it: its traces, and its layout on plotly's template."""
    return {"data": data, "layout": {"template": TEMPLATE, **layout}}


def _scatter(**properties) -> dict:
    return {"type": "scatter", **properties}


# Each comparator area its own line pattern and marker as well as colour, so the lines
# are told apart in greyscale and by those who do not see colour (WCAG 1.4.1).
COMPARATOR_STYLES = [
    ("dot", "x"),
    ("dashdot", "cross"),
    ("longdash", "star"),
    ("longdashdot", "hexagram"),
]


@dataclass(frozen=True)
class TrendChart:
    """One kind of period's figures (the quarters, or the years...), charted on their own so
    a year's figure is never read against a quarter's."""

    kind: str
    title: str
    figure: dict
    points: int

    @property
    def element_id(self) -> str:
        return "trend-chart" if self.primary else f"trend-chart-{self.kind.replace('_', '-')}"

    @property
    def data_id(self) -> str:
        return "trend-data" if self.primary else f"trend-data-{self.kind.replace('_', '-')}"

    primary: bool = False


@dataclass(frozen=True)
class ComparatorPoint:
    """A benchmark as the indicator page's table lists it, with its own period."""

    area: str  # the comparator's name as printed: "North West average"
    period: str  # its own period: "2014-17", else the reporting period it is held for
    text: str  # the figure, or "-" for a rank alone
    standing: str = ""  # the council's published rank among them: "110th of 150"
    source: str = ""


def trend_charts(indicator: Indicator) -> list[TrendChart]:
    """A chart per kind of period the indicator has figures for, its own frequency first;
    each with the targets, and the comparators of the same kind of period (those of
    another kind go on the first chart)."""
    by_kind = defaultdict(list)
    for value in indicator.values.all():
        if value.value is not None:
            by_kind[value.period.kind].append((value, assess(indicator, value).rag))
    if not by_kind:
        return []
    own = FREQUENCY_KINDS.get(indicator.frequency)
    kinds = sorted(by_kind, key=lambda k: (k != own, -len(by_kind[k]), k))
    comparators = defaultdict(list)
    for comparator in indicator.comparators.all():
        if comparator.value is None:
            continue  # a rank alone: in the table, not on the chart
        kind = comparator.period.kind
        comparators[kind if kind in by_kind else kinds[0]].append(comparator)
    charts = []
    for index, kind in enumerate(kinds):
        points = by_kind[kind]
        title = f"{KIND_LABELS[kind]} figures"
        traces = [
            _scatter(
                name=title,
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
            ),
            *_targets(
                indicator,
                min(v.period.start for v, _ in points),
                max(v.period.end for v, _ in points),
            ),
            *_comparators(indicator, comparators[kind]),
        ]
        xaxis = {"type": "date", "gridcolor": "#e6e6e6", "tickformat": "%b %Y"}
        ends = sorted({v.period.end for v, _ in points})
        if len(ends) == 1:
            # One date alone: a season either side, not the hours around midnight.
            xaxis["range"] = [
                (ends[0] - timedelta(days=92)).isoformat(),
                (ends[0] + timedelta(days=92)).isoformat(),
            ]
        figure = _figure(
            traces,
            margin={"l": 60, "r": 20, "t": 20, "b": 40},
            height=360,
            font={"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"},
            legend={"orientation": "h", "y": -0.2},
            plot_bgcolor="#ffffff",
            paper_bgcolor="#ffffff",
            xaxis=xaxis,
            yaxis={"gridcolor": "#e6e6e6", "title": {"text": indicator.get_unit_display()}},
        )
        charts.append(
            TrendChart(
                kind=kind,
                title=title,
                figure=figure,
                points=len(points) + len(comparators[kind]),
                primary=index == 0,
            )
        )
    return charts


def comparator_points(indicator: Indicator) -> list[ComparatorPoint]:
    """Every comparator the charts draw, as text: the table beside the charts."""
    rows = sorted(indicator.comparators.all(), key=lambda c: (c.order, c.period))
    return [
        ComparatorPoint(
            c.label,
            comparator_period(c),
            benchmark_figure(indicator, c) or "-",
            c.standing,
            c.source,
        )
        for c in rows
    ]


def _targets(indicator: Indicator, first=None, last=None) -> list[dict]:
    """The targets as dashed lines over their periods: those overlapping the chart's
    figures (from `first`, up to `last`), when given, so a chart is not stretched to
    targets of years it has no figure for."""
    xs, ys, lows, highs = [], [], [], []
    for target in indicator.targets.all():
        spec = target.spec()
        span = target.period or target.year
        if first is not None and (span.end < first or span.start > last):
            continue
        start, end = span.start.isoformat(), span.end.isoformat()
        if (point := spec.point()) is not None:
            xs += [start, end, None]
            ys += [float(point), float(point), None]
        elif (bounds := spec.bounds()) is not None:
            lows += [(start, float(bounds[0])), (end, float(bounds[0])), (None, None)]
            highs += [(start, float(bounds[1])), (end, float(bounds[1])), (None, None)]
    dash = {"color": "#d4351c", "width": 2, "dash": "dash"}
    traces = []
    if xs:
        traces.append(_scatter(name="Target", x=xs, y=ys, mode="lines", line=dash))
    for name, line in (("Target range (low)", lows), ("Target range (high)", highs)):
        if line:
            traces.append(
                _scatter(
                    name=name,
                    x=[x for x, _ in line],
                    y=[y for _, y in line],
                    mode="lines",
                    line=dash,
                )
            )
    return traces


def _comparators(indicator: Indicator, comparators: list) -> list[dict]:
    by_name = defaultdict(list)
    for comparator in sorted(comparators, key=lambda c: c.order):
        by_name[comparator.label].append(comparator)
    # More comparators than styles: the styles go round again (with another's colour).
    styles = cycle(zip(COMPARATOR_COLOURS, COMPARATOR_STYLES, strict=True))
    traces = []
    for (colour, (dash, symbol)), (name, rows) in zip(styles, by_name.items(), strict=False):
        rows.sort(key=lambda c: c.period)
        traces.append(
            _scatter(
                name=name,
                x=[c.period.end.isoformat() for c in rows],
                y=[float(c.value) for c in rows],
                text=[f"{name} {comparator_period(c)}: {indicator.format(c.value)}" for c in rows],
                hoverinfo="text",
                mode="lines+markers",
                line={"color": colour, "width": 2, "dash": dash},
                marker={"size": 9, "symbol": symbol, "color": colour},
            )
        )
    return traces


@dataclass(frozen=True)
class SpcPhase:
    """One phase of the chart as the page lists it: from when, why, and its limits."""

    start: Period
    change: ProcessChange | None  # None for the first phase
    limits: spc.Limits | None  # None while the phase has too few figures
    figures: int
    latest: bool = False  # the phase the process is in now

    def describe(self, indicator: Indicator) -> str:
        fmt = indicator.format
        since = f"From {self.start}" + (f" ({self.change.reason})" if self.change else "")
        figures = f"{self.figures} figure{'s' if self.figures != 1 else ''}"
        if self.limits is None and self.latest:
            return (
                f"{since}: {figures} so far, too few for limits; variation and assurance "
                "are judged once there are enough."
            )
        if self.limits is None:
            return f"{since}: {figures}, too few for limits."
        lim = self.limits
        return (
            f"{since}: mean {fmt(_decimal(lim.mean))}, process limits "
            f"{fmt(_decimal(lim.lower))} to {fmt(_decimal(lim.upper))}"
            f"{' (trial)' if lim.trial else ''}."
        )


def _decimal(exact: Fraction) -> Decimal:
    return Decimal(exact.numerator) / Decimal(exact.denominator)


@dataclass(frozen=True)
class SpcView:
    """An indicator's SPC chart for its page, or why there is none."""

    figure: dict | None
    message: str
    variation: spc.Variation | None = None
    assurance: spc.Assurance | None = None
    notes: tuple[str, ...] = ()  # how the limits were drawn, in words, beside the chart
    trial: bool = False
    # Each phase in words, when a process change has split the chart into phases.
    phases: tuple[str, ...] = ()

    @property
    def pending(self) -> bool:
        """The chart is drawn but the current phase has no limits yet."""
        return self.figure is not None and self.variation is None


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


def phase_starts(indicator: Indicator, series: list[SpcPoint]) -> dict[int, ProcessChange]:
    """Where each recorded process change starts a phase: at the first period of the
    series that starts on or after the change's period (a change recorded for a quarter
    starts a monthly indicator's phase at the quarter's first month). A change before the
    second figure, or after the latest, starts nothing yet."""
    starts: dict[int, ProcessChange] = {}
    changes = sorted(indicator.process_changes.all(), key=lambda c: c.period_start)
    for change in changes:
        at = next((i for i, p in enumerate(series) if p.period.start >= change.period.start), None)
        if at:  # neither None (after the series) nor 0 (at its start)
            starts.setdefault(at, change)
    return starts


def spc_chart(indicator: Indicator) -> tuple[list[SpcPoint], spc.Chart]:
    """The indicator's series and its XmR chart, a phase for each process change, the
    target taken from its latest period. Raises spc.NotEnoughData for too few figures."""
    series = spc_series(indicator)
    latest_target = target_for(indicator, series[-1].period) if series else None
    point = latest_target.spec().point() if latest_target else None
    chart = spc.xmr(
        [p.figure for p in series],
        polarity=indicator.polarity,
        target=point,
        baseline=indicator.spc_fix_after,
        rephase_at=tuple(phase_starts(indicator, series)),
        **spc_method(),
    )
    return series, chart


def spc_phases(
    indicator: Indicator, chart: spc.Chart, series: list[SpcPoint]
) -> tuple[SpcPhase, ...]:
    starts = phase_starts(indicator, series)
    bounds = [start for start, _ in chart.phases] + [len(series)]
    return tuple(
        SpcPhase(
            start=series[start].period,
            change=starts.get(start),
            limits=lim,
            figures=sum(p.figure is not None for p in series[start : bounds[n + 1]]),
            latest=n == len(chart.phases) - 1,
        )
        for n, (start, lim) in enumerate(chart.phases)
    )


def spc_notes(
    chart: spc.Chart, series: list[SpcPoint], fix_after: int | None = None
) -> tuple[str, ...]:
    """How the chart's limits were drawn, in words, for the caption beside it."""
    notes = []
    if chart.trial:
        short = min(lim.points for _, lim in chart.phases if lim is not None and lim.trial)
        notes.append(
            f"Trial limits: drawn from {short} figure{'s' if short != 1 else ''}, fewer than "
            f"{spc.TRIAL_BELOW}, so they will be revised as each new figure arrives."
        )
    if fix_after:
        notes.append(
            f"Limits are fixed from the first {fix_after} figures of "
            f"{'each phase' if len(chart.phases) > 1 else 'the series'}; later figures are "
            "judged against them without moving them."
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


def _limit_lines(chart: spc.Chart, x: list[str]) -> list[dict]:
    """The mean and the process limits, a separate line for each phase."""
    trial = " (trial)" if chart.trial else ""
    starts = {start for start, _ in chart.phases}
    traces = []
    for name, pick, dash in (
        (f"Mean{trial}", lambda lim: lim.mean, "solid"),
        (f"Upper process limit{trial}", lambda lim: lim.upper, "dot" if trial else "dash"),
        (f"Lower process limit{trial}", lambda lim: lim.lower, "dot" if trial else "dash"),
    ):
        xs, ys = [], []
        for i, when in enumerate(x):
            if i and i in starts:
                xs.append(when)  # a new phase starts a new line: None breaks the old one
                ys.append(None)
            lim = chart.limits_at(i)
            xs.append(when)
            ys.append(float(pick(lim)) if lim is not None else None)
        traces.append(
            _scatter(
                name=name,
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#505a5f", "dash": dash, "width": 1.5},
                hoverinfo="skip",
            )
        )
    return traces


def _wrapped(text: str, width: int = 24, lines: int = 3) -> list[str]:
    """The text in short lines, so that a note above a phone-width chart stays on it."""
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], textwrap.shorten(" ".join(wrapped[lines - 1 :]), width)]
    return wrapped


def _process_change_marks(
    starts: dict[int, ProcessChange], x: list[str]
) -> tuple[list[dict], list[dict], int]:
    """A vertical line where each process change starts its phase, with its reason above
    the chart (on the line's left when the change is in the chart's right half): the
    lines (layout shapes), the notes (annotations) and the lines of text the tallest
    note needs."""
    shapes, notes, tallest = [], [], 0
    for at, change in sorted(starts.items()):
        # A line across the plot's height, as plotly's add_vline draws it.
        shapes.append(
            {
                "type": "line",
                "x0": x[at],
                "x1": x[at],
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "line": {"color": "#0b0c0c", "width": 1.5, "dash": "dashdot"},
            }
        )
        lines = _wrapped(f"Process change: {change.reason}")
        tallest = max(tallest, len(lines))
        notes.append(
            {
                "x": x[at],
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "right" if at > len(x) / 2 else "left",
                "align": "right" if at > len(x) / 2 else "left",
                "text": "<br>".join(html.escape(line) for line in lines),
                "hovertext": f"From {change.period}: {change.reason}",
                "showarrow": False,
                "font": {"size": 13, "color": "#0b0c0c"},
                "bgcolor": "#ffffff",
            }
        )
    return shapes, notes, tallest


def spc_view(indicator: Indicator) -> SpcView:
    try:
        series, chart = spc_chart(indicator)
    except spc.NotEnoughData as error:
        return SpcView(None, str(error))
    x = [p.period.end.isoformat() for p in series]
    signals = chart.signals
    traces = [
        *_limit_lines(chart, x),
        _scatter(
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
        ),
    ]
    starts = phase_starts(indicator, series)
    shapes, notes, note_lines = _process_change_marks(starts, x)
    if chart.trial:
        notes.append(
            {
                "text": "Trial limits",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14, "color": "#0b0c0c"},
            }
        )
    marks = {"shapes": shapes} if shapes else {}
    if notes:
        marks["annotations"] = notes
    figure = _figure(
        traces,
        **marks,
        margin={"l": 60, "r": 20, "t": 30 + 18 * note_lines, "b": 40},
        height=340 + 18 * note_lines,
        font={"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        legend={"orientation": "h", "y": -0.25},
        plot_bgcolor="#ffffff",
        xaxis={"type": "date", "gridcolor": "#e6e6e6"},
        yaxis={"gridcolor": "#e6e6e6"},
    )
    return SpcView(
        figure,
        "",
        chart.variation,
        chart.assurance,
        notes=spc_notes(chart, series, indicator.spc_fix_after),
        trial=chart.trial,
        phases=(
            tuple(p.describe(indicator) for p in spc_phases(indicator, chart, series))
            if starts
            else ()
        ),
    )


FREQUENCY_KINDS = {
    "quarterly": "financial_quarter",
    "monthly": "month",
    "annual": "financial_year",
    "academic_year": "academic_year",
    "termly": "term",
    "rolling": "rolling",
}
