"""One indicator's page: definition, chart, figures and commentary."""

import json
from decimal import Decimal

from indicators.numbers import parse_figure
from indicators.periods import FinancialQuarter, parse_period
from indicators.services import record_comparator, record_value, write_commentary
from tests.factories import bulk_scorecard, rated_indicator


def chart_of(response) -> dict:
    text = response.text
    start = text.index('<script id="trend-data" type="application/json">') + len(
        '<script id="trend-data" type="application/json">'
    )
    return json.loads(text[start : text.index("</script>", start)])


def test_indicator_page_shows_definition_figures_and_commentary(client, make_indicator):
    indicator = rated_indicator(make_indicator, definition="Contacts that become referrals.")
    write_commentary(
        indicator=indicator,
        period=parse_period("Q3 2017/18"),
        issues="A third of all contacts originated from the police.",
    )
    write_commentary(
        indicator=indicator, period=parse_period("Q2 2017/18"), causes="An earlier cause."
    )
    response = client.get(f"/indicators/{indicator.reference}/")
    text = response.text
    assert "Contacts that become referrals." in text
    assert "29.6%" in text and "34.8%" in text and "Requires improvement" in text
    assert text.index("A third of all contacts") < text.index("Earlier commentary (1)")
    assert text.index("Earlier commentary (1)") < text.index("An earlier cause.")


def test_chart_has_a_point_per_figure_rated_by_colour_and_shape(client, make_indicator):
    indicator = rated_indicator(make_indicator)
    record_comparator(
        indicator=indicator,
        period=parse_period("Q3 2017/18"),
        kind="england",
        value=Decimal("32.0"),
    )
    chart = chart_of(client.get(f"/indicators/{indicator.reference}/"))
    figures, target, england = chart["data"]
    assert figures["y"] == [29.6, 34.8]
    assert figures["marker"]["symbol"] == ["square", "square"]
    assert figures["marker"]["color"] == ["#d4351c", "#d4351c"]
    assert target["name"] == "Target" and target["y"][:2] == [40.0, 40.0]
    assert england["name"] == "England average" and england["y"] == [32.0]


def test_indicator_with_no_figures(client, make_indicator):
    indicator = make_indicator()
    response = client.get(f"/indicators/{indicator.reference}/")
    assert response.status_code == 200
    assert "There are no figures to chart yet." in response.text
    assert "plotly.min.js" not in response.text


def test_indicator_with_one_figure_gaps_and_no_target(client, make_indicator):
    indicator = make_indicator()
    record_value(indicator=indicator, period=parse_period("Q1 2017/18"), value=Decimal(5))
    record_value(
        indicator=indicator,
        period=parse_period("Q2 2017/18"),
        value=None,
        missing_reason="Available in Q4",
    )
    response = client.get(f"/indicators/{indicator.reference}/")
    assert response.status_code == 200
    assert chart_of(response)["data"][0]["y"] == [5.0]
    assert "Available in Q4" in response.text and "Not rated" in response.text


def test_unknown_indicator_is_not_found(client, db):
    assert client.get("/indicators/NOPE/").status_code == 404


def test_commentary_markdown_is_rendered_and_scripts_removed(client, make_indicator):
    indicator = rated_indicator(make_indicator)
    write_commentary(
        indicator=indicator,
        period=parse_period("Q3 2017/18"),
        issues="**Up** on Q2, see [the plan](https://example.org/plan). "
        "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))",
    )
    text = client.get(f"/indicators/{indicator.reference}/").text
    assert "<strong>Up</strong>" in text
    assert (
        '<a href="https://example.org/plan" rel="noopener noreferrer nofollow">the plan</a>' in text
    )
    assert "alert(" not in text and "onerror" not in text and "javascript:" not in text


def test_indicator_page_queries_do_not_grow_with_its_history(
    client, make_indicator, django_assert_num_queries
):
    bulk_scorecard(make_indicator, 2, periods=4)
    bulk_scorecard(make_indicator, 1, periods=40)
    from indicators.models import Indicator

    short, long = (Indicator.objects.order_by("pk")[n] for n in (0, 2))
    with django_assert_num_queries(INDICATOR_QUERIES):
        client.get(f"/indicators/{short.reference}/")
    with django_assert_num_queries(INDICATOR_QUERIES):
        client.get(f"/indicators/{long.reference}/")


# The indicator with section, service and owner; its figures, targets, comparators,
# process changes and commentary; the recovery plans covering it; the comparator groups
# (with groups, their members and the imported figures, 2 more).
INDICATOR_QUERIES = 8


def test_spc_chart_and_icons_with_enough_points(client, make_indicator):
    from tests.factories import bulk_scorecard

    bulk_scorecard(make_indicator, 1, periods=16)
    from indicators.models import Indicator

    indicator = Indicator.objects.get()
    response = client.get(f"/indicators/{indicator.reference}/")
    text = response.text
    spc = response.context["spc"]
    assert spc.figure is not None and spc.variation.label in text
    assert spc.assurance is not None and spc.assurance.label in text
    names = [trace["name"] for trace in spc.figure["data"]]
    assert names[:3] == ["Mean", "Upper process limit", "Lower process limit"]
    assert len(spc.figure["data"][3]["y"]) == 16


def test_spc_says_when_there_is_not_enough_data(client, make_indicator):
    # Two figures now give trial limits, as in the reference; one is not enough.
    indicator = rated_indicator(make_indicator, figures=(("Q2 2017/18", "29.6"),))
    text = client.get(f"/indicators/{indicator.reference}/").text
    assert "Not enough data for SPC: 1 figure, at least 2 needed." in text


def test_money_typed_in_millions_prints_as_typed(client, make_indicator):
    indicator = make_indicator(unit="money", decimal_places=0, title="Savings delivered")
    figure = parse_figure("£1.5m", "money")
    record_value(indicator=indicator, period=FinancialQuarter(2017, 4), value=figure.value)
    page = client.get(f"/indicators/{indicator.reference}/").text
    assert "£1.5m" in page and "£2m" not in page


def test_each_kind_of_period_has_its_own_chart_and_every_comparator_is_in_a_table(
    client, make_indicator
):
    indicator = rated_indicator(
        make_indicator,
        figures=(("Q2 2017/18", "29.6"), ("Q3 2017/18", "34.8"), ("2016/17", "31.0")),
    )
    for kind, name, period, value in (
        ("england", "", "Q3 2017/18", "32.0"),
        ("region", "North West average", "Q3 2017/18", "30.5"),
        ("england", "", "2016/17", "33.3"),
    ):
        record_comparator(
            indicator=indicator,
            period=parse_period(period),
            kind=kind,
            name=name,
            value=Decimal(value),
        )
    response = client.get(f"/indicators/{indicator.reference}/")
    charts = response.context["charts"]
    assert [c.title for c in charts] == ["Quarter figures", "Financial year figures"]
    quarters, years = (c.figure["data"] for c in charts)
    # The year's figure is charted with the years, never among the quarters.
    assert quarters[0]["y"] == [29.6, 34.8] and years[0]["y"] == [31.0]
    by_name = {trace["name"]: trace for trace in quarters}
    england, north_west = by_name["England average"], by_name["North West average"]
    assert england["y"] == [32.0] and north_west["y"] == [30.5]
    # Told apart without colour: each its own line pattern and marker.
    assert england["line"]["dash"] != north_west["line"]["dash"]
    assert england["marker"]["symbol"] != north_west["marker"]["symbol"]
    assert {t["name"]: t for t in years}["England average"]["y"] == [33.3]
    # Every plotted comparator is also in words.
    table = response.text.split('id="comparators"')[1].split("</table>")[0]
    for words in ("England average", "North West average", "32.0%", "30.5%", "33.3%", "2016/17"):
        assert words in table
    assert 'data-chart-source="trend-data-financial-year"' in response.text
    # The figures are in a table per kind of period, under their own headings.
    assert '<h3 class="govuk-heading-s">Quarter figures</h3>' in response.text
    assert '<h3 class="govuk-heading-s">Financial year figures</h3>' in response.text


def test_a_named_comparator_prints_its_own_period_rank_and_source_in_the_table(
    client, make_indicator
):
    indicator = rated_indicator(make_indicator, figures=(("Q3 2017/18", "34.8"),))
    record_comparator(
        indicator=indicator,
        period=parse_period("Q3 2017/18"),
        kind="region",
        name="East Midlands average",
        value=Decimal("30.5"),
        value_period="2016/17",
        rank=110,
        rank_of=150,
        source="DfE, March 2018",
    )
    response = client.get(f"/indicators/{indicator.reference}/")
    table = response.text.split('id="comparators"')[1].split("</table>")[0]
    cells = [cell.strip() for cell in table.split("<td")[1:]]
    words = " ".join(cell.split(">", 1)[1].split("<")[0] for cell in cells)
    assert words == "East Midlands average 2016/17 30.5% 110th of 150 DfE, March 2018"
    assert "Q3 2017/18" not in table  # the benchmark's own period, not the reporting one
