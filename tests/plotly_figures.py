"""The indicator page's chart figures built through plotly.graph_objects, as the page built
them before it wrote the JSON itself: the reference reporting/charts.py is held to. The
data each figure draws comes from the same helpers; only the building differs."""

import html
from collections import defaultdict
from datetime import timedelta
from itertools import cycle

import plotly.graph_objects as go

from indicators import spc
from reporting import charts
from reporting.assessment import assess, comparator_period


def trend_figures(indicator) -> list[dict]:
    by_kind = defaultdict(list)
    for value in indicator.values.all():
        if value.value is not None:
            by_kind[value.period.kind].append((value, assess(indicator, value).rag))
    if not by_kind:
        return []
    own = charts.FREQUENCY_KINDS.get(indicator.frequency)
    kinds = sorted(by_kind, key=lambda k: (k != own, -len(by_kind[k]), k))
    comparators = defaultdict(list)
    for comparator in indicator.comparators.all():
        if comparator.value is None:
            continue
        kind = comparator.period.kind
        comparators[kind if kind in by_kind else kinds[0]].append(comparator)
    figures = []
    for kind in kinds:
        points = by_kind[kind]
        title = f"{charts.KIND_LABELS[kind]} figures"
        figure = go.Figure()
        figure.add_trace(
            go.Scatter(
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
                    "color": [rag.colour if rag else charts.NOT_RATED_COLOUR for _, rag in points],
                    "symbol": [charts.SHAPES[rag] for _, rag in points],
                    "line": {"color": "#0b0c0c", "width": 1},
                },
            )
        )
        _add_targets(
            figure,
            indicator,
            min(v.period.start for v, _ in points),
            max(v.period.end for v, _ in points),
        )
        _add_comparators(figure, indicator, comparators[kind])
        xaxis = {"type": "date", "gridcolor": "#e6e6e6", "tickformat": "%b %Y"}
        ends = sorted({v.period.end for v, _ in points})
        if len(ends) == 1:
            xaxis["range"] = [
                (ends[0] - timedelta(days=92)).isoformat(),
                (ends[0] + timedelta(days=92)).isoformat(),
            ]
        figure.update_layout(
            margin={"l": 60, "r": 20, "t": 20, "b": 40},
            height=360,
            font={"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"},
            legend={"orientation": "h", "y": -0.2},
            plot_bgcolor="#ffffff",
            paper_bgcolor="#ffffff",
            xaxis=xaxis,
            yaxis={"gridcolor": "#e6e6e6", "title": {"text": indicator.get_unit_display()}},
        )
        figures.append(figure.to_plotly_json())
    return figures


def _add_targets(figure, indicator, first, last) -> None:
    xs, ys, lows, highs = [], [], [], []
    for target in indicator.targets.all():
        spec = target.spec()
        span = target.period or target.year
        if span.end < first or span.start > last:
            continue
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


def _add_comparators(figure, indicator, comparators) -> None:
    by_name = defaultdict(list)
    for comparator in sorted(comparators, key=lambda c: c.order):
        by_name[comparator.label].append(comparator)
    styles = cycle(zip(charts.COMPARATOR_COLOURS, charts.COMPARATOR_STYLES, strict=True))
    for (colour, (dash, symbol)), (name, rows) in zip(styles, by_name.items(), strict=False):
        rows.sort(key=lambda c: c.period)
        figure.add_trace(
            go.Scatter(
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


def spc_figure(indicator) -> dict | None:
    try:
        series, chart = charts.spc_chart(indicator)
    except spc.NotEnoughData:
        return None
    x = [p.period.end.isoformat() for p in series]
    figure = go.Figure()
    trial = " (trial)" if chart.trial else ""
    starts = {start for start, _ in chart.phases}
    for name, pick, dash in (
        (f"Mean{trial}", lambda lim: lim.mean, "solid"),
        (f"Upper process limit{trial}", lambda lim: lim.upper, "dot" if trial else "dash"),
        (f"Lower process limit{trial}", lambda lim: lim.lower, "dot" if trial else "dash"),
    ):
        xs, ys = [], []
        for i, when in enumerate(x):
            if i and i in starts:
                xs.append(when)
                ys.append(None)
            lim = chart.limits_at(i)
            xs.append(when)
            ys.append(float(pick(lim)) if lim is not None else None)
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
    tallest = 0
    for at, change in sorted(charts.phase_starts(indicator, series).items()):
        figure.add_vline(x=x[at], line={"color": "#0b0c0c", "width": 1.5, "dash": "dashdot"})
        lines = charts._wrapped(f"Process change: {change.reason}")
        tallest = max(tallest, len(lines))
        figure.add_annotation(
            x=x[at],
            y=1,
            xref="x",
            yref="paper",
            yanchor="bottom",
            xanchor="right" if at > len(x) / 2 else "left",
            align="right" if at > len(x) / 2 else "left",
            text="<br>".join(html.escape(line) for line in lines),
            hovertext=f"From {change.period}: {change.reason}",
            showarrow=False,
            font={"size": 13, "color": "#0b0c0c"},
            bgcolor="#ffffff",
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
        margin={"l": 60, "r": 20, "t": 30 + 18 * tallest, "b": 40},
        height=340 + 18 * tallest,
        font={"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        legend={"orientation": "h", "y": -0.25},
        plot_bgcolor="#ffffff",
        xaxis={"type": "date", "gridcolor": "#e6e6e6"},
        yaxis={"gridcolor": "#e6e6e6"},
    )
    return figure.to_plotly_json()
