"""The review table: what the performance team reads beside each line, and returning a
figure from its own row."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Target, Value
from indicators.periods import parse_period
from returns.workflow import Entry, publish_quarter, save_entry, sign_off
from tests.test_spc_page import words

Q2 = parse_period("Q2 2017/18")
Q3 = parse_period("Q3 2017/18")
REVIEW = "/returns/2017-18/Q3/review/"


@pytest.fixture
def submitted(make_indicator, alice, priya):
    """A1 jumped from 41.0% to 58.2% and says why; A2 is not started."""
    measure = make_indicator(owner=alice, title="Contacts that lead to a referral", reference="A1")
    make_indicator(owner=alice, title="Referrals that are re-referrals", reference="A2")
    Target.objects.create(indicator=measure, year=Q3.financial_year, kind="year_end", value=40)
    save_entry(indicator=measure, period=Q2, entry=Entry(Decimal("41.0")), by=alice, submit=True)
    sign_off(values=list(Value.objects.all()), by=priya)
    publish_quarter(quarter=Q2, by=priya)
    entry = Entry(
        Decimal("58.2"),
        issues="A **new** referral route opened in October.",
        causes="Police referrals now come through the hub.",
        actions="Watch it for two quarters.",
    )
    save_entry(indicator=measure, period=Q3, entry=entry, by=alice, submit=True)
    return measure


def row_of(page: str, reference: str) -> str:
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S)
    [row] = [r for r in rows if f"{reference} · " in r]
    return words(row)


def test_each_line_shows_its_target_rating_previous_figure_change_and_commentary(
    client, submitted, priya
):
    client.force_login(priya)
    row = row_of(client.get(REVIEW).text, "A1")
    assert row.startswith("Sign off A1 Q3 2017/18 Contacts that lead to a referral A1 · Q3 2017/18")
    assert "alice 58.2% ● On track 40.0% Q2 2017/18: 41.0% Up 17.2 points, improving" in row
    assert "A new referral route opened in October." in row
    assert "Police referrals now come through the hub." in row
    assert "Watch it for two quarters." in row
    assert "Submitted Return A1 Q3 2017/18 to its officer" in row
    not_started = row_of(client.get(REVIEW).text, "A2")
    assert "No earlier figure published" in not_started and "Not started" in not_started
    assert "Return" not in not_started


def test_a_figure_is_returned_from_its_own_row(client, submitted, priya):
    client.force_login(priya)
    page = client.get(REVIEW).text
    form = re.search(r'<form method="post" id="return-(\d+)">(.*?)</form>', page, re.S)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    assert f'form="return-{form.group(1)}"' in page, "the row's reason box posts through it"
    response = client.post(
        REVIEW, {**fields, "action": "return", "reason": "A jump of 17 points?"}, follow=True
    )
    assert "A1 Q3 2017/18 returned to its officer." in words(response.text)
    value = Value.objects.current().get(period=Q3)
    assert (value.state, value.return_reason) == ("returned", "A jump of 17 points?")


def test_returning_from_a_row_without_a_reason_says_so_and_changes_nothing(
    client, submitted, priya
):
    client.force_login(priya)
    key = f"{submitted.pk}-{Q3.key}"
    data = {"line_key": key, "action": "return", "reason": " "}
    response = client.post(REVIEW, data, follow=True)
    assert "Say why the figure is being returned." in words(response.text)
    assert Value.objects.current().get(period=Q3).state == "submitted"


def test_select_all_is_offered_only_with_script_and_only_with_lines_to_sign_off(
    client, submitted, priya
):
    client.force_login(priya)
    page = client.get(REVIEW).text
    assert re.search(r'<div class="[^"]*app-select-all" hidden>', page)
    assert 'src="/static/js/select-all.mjs"' in page and 'type="module"' in page
    sign_off(values=[Value.objects.current().get(period=Q3)], by=priya)
    assert "app-select-all" not in client.get(REVIEW).text


def test_a_level_figure_says_no_change(client, make_indicator, alice, priya):
    measure = make_indicator(owner=alice, reference="L1", unit="count", decimal_places=0)
    for period, figure in ((Q2, "120"), (Q3, "120")):
        save_entry(indicator=measure, period=period, entry=Entry(Decimal(figure)), by=alice)
        save_entry(
            indicator=measure, period=period, entry=Entry(Decimal(figure)), by=alice, submit=True
        )
        if period == Q2:
            sign_off(values=list(Value.objects.filter(period=Q2)), by=priya)
            publish_quarter(quarter=Q2, by=priya)
    client.force_login(priya)
    assert "Q2 2017/18: 120 No change" in row_of(client.get(REVIEW).text, "L1")


def test_the_review_page_does_not_query_per_line(
    client, make_indicator, alice, priya, django_assert_max_num_queries
):
    def add(how_many: int) -> None:
        for _ in range(how_many):
            measure = make_indicator(owner=alice)
            entry = Entry(Decimal("40"), issues="Up", causes="Because", actions="Watch")
            save_entry(indicator=measure, period=Q3, entry=entry, by=alice, submit=True)

    client.force_login(priya)
    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(REVIEW)
    add(20)
    with django_assert_max_num_queries(len(few)):
        page = client.get(REVIEW).text
    assert page.count("<summary") >= 2 * 22
