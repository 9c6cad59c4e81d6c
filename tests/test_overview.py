"""The quarter at a glance (/scorecard/overview/): per priority the counts by rating and
their trend, what changed since the last quarter, and why each red measure is red, with
its commentary and plan. Checked on the demo council's published Q4 2017/18, whose figures
are the seed papers'."""

from decimal import Decimal

import pytest

from indicators.rag import Polarity, TargetSpec, Tolerance, why_rated
from tests.test_scorecard_page import SCORECARD_QUERIES, bulk_scorecard
from tests.test_spc_page import words

URL = "/scorecard/overview/?year=2017/18&period=Q4"


def show(number: Decimal) -> str:
    return f"{number:.1f}%"


@pytest.mark.parametrize(
    ("value", "target", "polarity", "tolerance", "said"),
    [
        (
            "25.0",
            TargetSpec.between(Decimal("12.3"), Decimal("17.1")),
            Polarity.LOW,
            None,
            "25.0% is above the target range 12.3% to 17.1%; good is low.",
        ),
        (
            "15.0",
            TargetSpec.between(Decimal("12.3"), Decimal("17.1")),
            Polarity.LOW,
            None,
            "15.0% is within the target range 12.3% to 17.1%.",
        ),
        (
            "85.1",
            TargetSpec.year_end(Decimal("95")),
            Polarity.HIGH,
            Tolerance("relative", Decimal("5")),
            "85.1% is below the target of 95.0% by more than the tolerance of 4.8%; good is high.",
        ),
        (
            "92.0",
            TargetSpec.year_end(Decimal("95")),
            Polarity.HIGH,
            Tolerance("absolute", Decimal("5")),
            "92.0% is below the target of 95.0%, within the tolerance of 5.0%; good is high.",
        ),
        (
            "96.0",
            TargetSpec.year_end(Decimal("95")),
            Polarity.HIGH,
            None,
            "96.0% beats the target of 95.0%; good is high.",
        ),
        ("96.0", TargetSpec.year_end(Decimal("95")), Polarity.NONE, None, ""),
    ],
)
def test_why_a_figure_has_its_rating_in_words(value, target, polarity, tolerance, said):
    assert why_rated(Decimal(value), target, polarity, tolerance, show=show) == said


def test_a_member_reads_the_quarter_on_one_page(client, demo_council):
    response = client.get(URL)
    assert response.status_code == 200
    text = words(response.text)
    assert "The quarter at a glance: Q4 2017/18" in text
    summary = response.context["overview"].summary
    assert f"{summary.green} of {summary.total} measures" in text
    # Per priority, with its trend in words beside the sparkline.
    priorities = {p.section.name: p for p in response.context["overview"].priorities}
    assert set(priorities) == {"Start Well", "Live Well", "Age Well"}
    assert "Q1 2017/18: 1 of 4; Q2 2017/18: 0 of 4; Q3 2017/18: 1 of 4; Q4 2017/18: 1 of 4" in text
    assert 'aria-label="Trend of measures on track in Start Well' in response.text
    # Every red measure says why in words (the seed's 25.0% against 12.3% to 17.1%).
    assert (
        "25.0% is above the target range 12.3% to 17.1% by more than the tolerance of 3.0%; "
        "good is low." in text
    )
    red = response.context["overview"].red
    assert {r.row.indicator.reference for r in red} == {"SW06", "LW11"}
    # A plan needed is a link to where one is written.
    assert 'href="/indicators/SW06/#recovery-plan">Recovery plan needed' in response.text
    changes = response.context["overview"].changes
    assert "back_on_track" in changes
    assert "Back on track (3)" in text


def test_commentary_published_with_a_red_figure_is_shown_and_a_draft_never(
    client, make_indicator, alice, priya
):
    from indicators.periods import parse_period
    from indicators.services import set_target
    from returns.workflow import Entry, publish_quarter, save_entry, sign_off

    indicator = make_indicator(title="Assessments over 45 days", owner=alice, polarity="low")
    year, q4 = parse_period("2017/18"), parse_period("Q4 2017/18")
    set_target(indicator=indicator, year=year, kind="year_end", value=Decimal("15"))
    value = save_entry(
        indicator=indicator,
        period=q4,
        entry=Entry(
            Decimal("25"),
            causes="Staff vacancies in the north team.",
            actions="Agency staff from May.",
        ),
        by=alice,
        submit=True,
    )
    sign_off(values=[value], by=priya)
    publish_quarter(quarter=q4, by=priya)
    # A later draft's commentary stays unseen.
    save_entry(
        indicator=indicator,
        period=q4,
        entry=Entry(Decimal("25"), causes="DRAFT WORDING", actions="Agency staff from May."),
        by=alice,
    )
    text = words(client.get(URL).text)
    assert "Staff vacancies in the north team." in text
    assert "Agency staff from May." in text
    assert "DRAFT WORDING" not in text


def test_an_empty_council_says_so(client, db):
    assert "There are no published figures yet." in client.get("/scorecard/overview/").text


def test_query_count_is_flat_in_the_number_of_measures(
    client, make_indicator, django_assert_max_num_queries
):
    bulk_scorecard(make_indicator, 30)
    # The scorecard's queries, and one for the commentary of the red figures.
    with django_assert_max_num_queries(SCORECARD_QUERIES + 1):
        client.get("/scorecard/overview/")
    bulk_scorecard(make_indicator, 270)
    with django_assert_max_num_queries(SCORECARD_QUERIES + 1):
        response = client.get("/scorecard/overview/")
    assert response.context["overview"].summary.total == 300
