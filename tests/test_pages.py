"""The scorecard overview and the indicator page, as a member or the public sees them."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.periods import parse_period
from indicators.services import record_value, set_target, write_commentary


def rated_indicator(make_indicator, **fields):
    indicator = make_indicator(**fields)
    for period, figure in [("Q2 2017/18", "29.6"), ("Q3 2017/18", "34.8")]:
        record_value(indicator=indicator, period=parse_period(period), value=Decimal(figure))
    set_target(
        indicator=indicator, year=parse_period("2017/18"), kind="year_end", value=Decimal("40")
    )
    return indicator


def test_scorecard_shows_the_latest_quarter_with_rating_in_words(client, make_indicator):
    rated_indicator(make_indicator, title="Percentage of contacts that lead to a referral")
    response = client.get("/")
    assert response.status_code == 200
    text = response.text
    assert "Corporate scorecard: Q3 2017/18" in text
    assert "Percentage of contacts that lead to a referral" in text
    assert "34.8%" in text
    # Below 40 with no tolerance: requires improvement, said in words, improving on Q2.
    assert "Requires improvement" in text and "Improving" in text


def test_scorecard_for_a_chosen_quarter(client, make_indicator):
    rated_indicator(make_indicator)
    text = client.get("/", {"period": "Q2 2017/18"}).text
    assert "Corporate scorecard: Q2 2017/18" in text and "29.6%" in text
    assert "34.8%" not in text


def test_scorecard_with_a_quarter_that_does_not_exist_is_not_found(client, make_indicator):
    assert client.get("/", {"period": "Q5 2017/18"}).status_code == 404


def test_scorecard_query_count_does_not_grow_with_indicators(client, make_indicator):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        return len(queries)

    rated_indicator(make_indicator)
    few = count()
    for _ in range(10):
        rated_indicator(make_indicator)
    assert count() == few <= 6


def test_indicator_page_shows_definition_figures_and_commentary(client, make_indicator):
    indicator = rated_indicator(make_indicator, definition="Contacts that become referrals.")
    write_commentary(
        indicator=indicator,
        period=parse_period("Q3 2017/18"),
        issues="A third of all contacts originated from the police.",
    )
    response = client.get(f"/indicators/{indicator.reference}/")
    assert response.status_code == 200
    text = response.text
    assert "Contacts that become referrals." in text
    assert "29.6%" in text and "34.8%" in text
    assert "A third of all contacts originated from the police." in text


def test_indicator_page_with_no_figures(client, make_indicator):
    indicator = make_indicator()
    assert client.get(f"/indicators/{indicator.reference}/").status_code == 200


def test_unknown_indicator_is_not_found(client, db):
    assert client.get("/indicators/NOPE/").status_code == 404


def test_commentary_is_escaped_not_run(client, make_indicator):
    indicator = make_indicator()
    write_commentary(
        indicator=indicator, period=parse_period("Q1 2017/18"), issues="<script>alert(1)</script>"
    )
    text = client.get(f"/indicators/{indicator.reference}/").text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
