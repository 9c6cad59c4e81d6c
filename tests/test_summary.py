"""The executive summary drafted from the data: one plain sentence per indicator with its
figures, under "Highlights" and "However", and how a drafter puts it into a report."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator
from indicators.periods import FinancialQuarter, parse_period
from indicators.services import record_comparator, record_value, set_target
from reporting.scorecard import build_rows
from reporting.summary import draft
from tests.factories import agenda

pytestmark = pytest.mark.django_db

Q4 = parse_period("Q4 2017/18")


def _figures(indicator, figures: dict[str, str]) -> None:
    for period, figure in figures.items():
        record_value(indicator=indicator, period=parse_period(period), value=Decimal(figure))


def _draft(quarter=Q4):
    rows = build_rows(list(Indicator.objects.for_report(quarter)), quarter)
    return draft(rows, str(quarter))


def test_improving_and_better_than_england_is_a_highlight(make_indicator):
    reablement = make_indicator(
        title="Proportion of older people (65 and over) who were still at home 91 days after "
        "discharge from hospital into reablement/rehabilitation services",
        frequency="annual",
    )
    _figures(reablement, {"2016/17": "83.8", "2017/18": "88.1"})
    record_comparator(
        indicator=reablement, period=parse_period("2017/18"), kind="england", value=Decimal("82")
    )
    result = _draft()
    assert result.highlights == [
        "The proportion of older people (65 and over) who were still at home 91 days after "
        "discharge from hospital into reablement/rehabilitation services improved from 83.8% "
        "to 88.1%, above the England average of 82.0%."
    ]
    assert result.concerns == []
    text = result.markdown()
    assert text.index("Highlights:") < text.index("- The proportion of older people")
    assert "However" not in text


def test_newly_requiring_improvement_and_back_on_target(make_indicator):
    year = parse_period("2017/18")
    slipping = make_indicator(title="Percentage of reviews completed on time")
    _figures(slipping, {"Q3 2017/18": "41.0", "Q4 2017/18": "30.5"})
    set_target(indicator=slipping, year=year, kind="year_end", value=Decimal("40"))
    recovered = make_indicator(
        title="Carers assessed in the quarter", unit="count", decimal_places=0
    )
    _figures(recovered, {"Q3 2017/18": "20", "Q4 2017/18": "45"})
    set_target(indicator=recovered, year=year, kind="year_end", value=Decimal("40"))
    result = _draft()
    assert result.concerns == [
        "The percentage of reviews completed on time worsened from 41.0% to 30.5%, now "
        "requiring improvement against a target of 40.0%."
    ]
    assert result.highlights == [
        "Carers assessed in the quarter improved from 20 to 45, back on target (40)."
    ]


def test_special_cause_improvement_is_named(make_indicator):
    steady = make_indicator(title="Rate of contacts per 10,000", decimal_places=0, unit="number")
    quarters = [FinancialQuarter(2015 + n // 4, n % 4 + 1) for n in range(12)]
    for quarter, figure in zip(
        quarters, [50, 52, 49, 51, 50, 60, 61, 62, 63, 64, 65, 66], strict=True
    ):
        record_value(indicator=steady, period=quarter, value=Decimal(figure))
    result = _draft(quarters[-1])
    (sentence,) = result.highlights
    assert sentence == (
        "The rate of contacts per 10,000 improved from 65 to 66, a special cause improvement, "
        "not normal variation."
    )


def test_nothing_to_say_says_so(make_indicator):
    level = make_indicator(title="Number of visits")
    _figures(level, {"Q3 2017/18": "10.0", "Q4 2017/18": "10.0"})
    result = _draft()
    assert result.highlights == result.concerns == []
    assert "No indicator changed enough to call out." in result.markdown()


def test_the_demo_draft_reads_like_the_council_report(demo_council):
    rows = build_rows(
        list(Indicator.objects.for_report(Q4).filter(scorecards__year=Q4.financial_year)), Q4
    )
    text = draft(rows, "Q4 2017/18").markdown()
    assert "improved from 83.8% to 88.1%, above the England average of 82.0%." in text
    assert (
        "CQC Community Care Service ratings improved from 80.1% to 91.0%, above the England "
        "average of 84.8%." in text
    )
    assert text.index("Highlights:") < text.index("However,")


def test_drafters_put_the_draft_into_a_report_they_are_drafting(
    client, alice, bob, martin, clara, make_indicator
):
    _figures(make_indicator(title="Number of visits"), {"Q3 2017/18": "9", "Q4 2017/18": "12"})
    meeting = agenda(author=alice)
    report = meeting.items.get(kind="report").report
    url = reverse("indicators:summary")
    assert client.get(url).status_code == 302
    client.force_login(martin)
    assert client.get(url).status_code == 403
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert "You are not drafting any report" in page
    response = client.post(url, {"report": report.pk, "text": "Bob's words"}, follow=True)
    assert "Choose a report you are drafting" in response.content.decode()
    report.refresh_from_db()
    assert "Bob's words" not in report.executive_summary
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert f'<option value="{report.pk}">' in page
    before = report.executive_summary
    response = client.post(url, {"report": report.pk, "text": "Highlights:\n\n- Better."})
    assert response["Location"] == reverse(
        "meetings:report_edit", args=[meeting.pk, report.item.number]
    )
    report.refresh_from_db()
    assert report.executive_summary == f"{before}\n\nHighlights:\n\n- Better."
    # Once published, the report takes no more drafts.
    from meetings import services

    services.request_publication(meeting, by=clara)
    assert f'<option value="{report.pk}">' not in client.get(url).content.decode()
