"""The indicator page's charts, written as the JSON plotly.js reads, are the figures
plotly.graph_objects made of the same data (tests/plotly_figures.py): the same traces,
layout, colours and template, for every indicator of the demo council and for the cases
the demo lacks (a process change, a target range, a lone figure, figures of two kinds,
more comparators than line styles, a gap)."""

import json
import re
from decimal import Decimal

import plotly.graph_objects as go

from indicators.models import Indicator, ProcessChange, Target
from indicators.periods import FinancialQuarter, FinancialYear
from indicators.services import record_comparator, record_process_change, record_value
from tests import plotly_figures

SCRIPT = re.compile(r'<script id="([\w-]+)" type="application/json">(.*?)</script>', re.S)


def page_figures(client, reference: str) -> dict[str, dict]:
    """The figures the page carries for its charts, by the id of their script element."""
    response = client.get(f"/indicators/{reference}/")
    assert response.status_code == 200
    return {name: json.loads(text) for name, text in SCRIPT.findall(response.text)}


def as_json(figure) -> dict:
    """A figure as the browser receives it: written as JSON and read back."""
    return json.loads(json.dumps(figure))


def expected_figures(reference: str) -> dict[str, dict]:
    indicator = Indicator.objects.for_report().get(reference=reference)
    trend = plotly_figures.trend_figures(indicator)
    names = ["trend-data"] + [None] * (len(trend) - 1)
    figures = {}
    for index, figure in enumerate(trend):
        if index:
            kind = _kind_of(figure)
            names[index] = f"trend-data-{kind}"
        figures[names[index]] = as_json(figure)
    if (spc := plotly_figures.spc_figure(indicator)) is not None:
        figures["spc-data"] = as_json(spc)
    return figures


def _kind_of(figure) -> str:
    """The kind of period a further chart is named by, from its first trace's title."""
    title = figure["data"][0]["name"].removesuffix(" figures")
    kinds = {label: kind for kind, label in plotly_figures.charts.KIND_LABELS.items()}
    return kinds[title].replace("_", "-")


def assert_same_charts(client, reference: str) -> dict[str, dict]:
    shown = page_figures(client, reference)
    assert shown == expected_figures(reference), reference
    for figure in shown.values():  # plotly accepts every property as it stands
        assert as_json(go.Figure(figure).to_plotly_json()) == figure
    return shown


def test_every_demo_indicator_s_charts_are_what_plotly_made_of_them(client, demo_council):
    references = list(Indicator.objects.order_by("reference").values_list("reference", flat=True))
    assert len(references) > 10
    charted = 0
    for reference in references:
        charted += bool(assert_same_charts(client, reference))
    assert charted > 10


def test_a_process_change_a_range_a_lone_figure_and_many_comparators(client, make_indicator):
    indicator = make_indicator(polarity="high", title="Measure with everything")
    figures = [50, 52, 49, 51, 50, 53, None, 52, 51, 70, 71, 69, 72, 70, 71, 73]
    for n, figure in enumerate(figures):
        if figure is not None:  # a quarter never recorded: a gap in the SPC chart
            record_value(
                indicator=indicator,
                period=FinancialQuarter(2014 + n // 4, n % 4 + 1),
                value=Decimal(figure),
            )
    record_value(indicator=indicator, period=FinancialYear(2016), value=Decimal("55.5"))
    Target.objects.create(indicator=indicator, year=FinancialYear(2015), kind="year_end", value=60)
    Target.objects.create(
        indicator=indicator, year=FinancialYear(2016), kind="range", low=45, high=65
    )
    areas = [
        ("england", ""),
        ("region", "North West"),
        ("statistical_neighbours", ""),
        ("nearest_neighbours", ""),
        ("peer_group", "Core cities"),
    ]
    for order, (kind, name) in enumerate(areas):
        for quarter in (1, 2):
            record_comparator(
                indicator=indicator,
                period=FinancialQuarter(2016, quarter),
                kind=kind,
                name=name,
                value=Decimal(40 + order + quarter),
            )
    record_process_change(
        ProcessChange(
            indicator=indicator,
            period=FinancialQuarter(2016, 2),
            reason="A new triage service, with a reason long enough to wrap on a phone",
        ),
        by=None,
    )
    shown = assert_same_charts(client, indicator.reference)
    assert set(shown) == {"trend-data", "trend-data-financial-year", "spc-data"}
    assert len(shown["spc-data"]["layout"]["shapes"]) == 1
    assert [t["name"] for t in shown["trend-data"]["data"]][1:4] == [
        "Target",
        "Target range (low)",
        "Target range (high)",
    ]
    assert len(shown["trend-data"]["data"]) == 9  # figures, three target lines, five areas
    assert "range" in shown["trend-data-financial-year"]["layout"]["xaxis"]
