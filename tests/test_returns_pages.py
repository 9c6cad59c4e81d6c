"""The return pages, and who may use them."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Target, Value
from indicators.periods import parse_period
from returns.workflow import Entry, save_entry
from tests.test_spc_page import words

Q3 = parse_period("Q3 2017/18")
FORM = "/returns/2017-18/Q3/"
REVIEW = "/returns/2017-18/Q3/review/"


@pytest.fixture
def returns(make_indicator, alice, bob):
    mine = make_indicator(owner=alice, title="Alice's measure", reference="A1")
    theirs = make_indicator(owner=bob, title="Bob's measure", reference="B1")
    return mine, theirs


URLS = [
    "/returns/",
    FORM,
    REVIEW,
    f"{FORM}workbook.xlsx",
    f"{FORM}upload/",
    "/returns/live-rating/?indicator=1&period=Q3+2017/18&value=1",
]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, returns, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("persona", ["martin", "clara"])
def test_members_and_clerks_may_not_use_returns(client, returns, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", URLS[:2] + URLS[3:])
def test_officers_use_their_return(client, returns, alice, url):
    client.force_login(alice)
    assert client.get(url).status_code in (200, 400)


def test_officer_cannot_review(client, returns, alice):
    client.force_login(alice)
    assert client.get(REVIEW).status_code == 403
    assert client.post(REVIEW, {"action": "publish", "confirm": "yes"}).status_code == 403


def test_the_form_lists_only_the_officers_indicators(client, returns, alice):
    client.force_login(alice)
    text = client.get(FORM).text
    assert "Alice&#x27;s measure" in text and "Bob&#x27;s measure" not in text


def test_an_unknown_quarter_is_not_found(client, alice):
    client.force_login(alice)
    assert client.get("/returns/2017-19/Q3/").status_code == 404
    assert client.get("/returns/2017-18/Q5/").status_code == 404


def line_data(**fields):
    data = {"l0-status": "final", "l0-value": "", "l0-missing_reason": ""}
    data.update({f"l0-{k}": v for k, v in fields.items()})
    return data


def test_officer_saves_a_draft_then_submits(client, returns, alice):
    client.force_login(alice)
    response = client.post(FORM, {**line_data(value="34.8%", issues="**Up**"), "save": "1"})
    assert response.status_code == 302
    value = Value.objects.get()
    assert (value.value, value.state, value.indicator.reference) == (Decimal("34.8"), "draft", "A1")
    data = {**line_data(value="34.8%", version=str(value.version)), "confirm": "1"}
    client.post(FORM, data)
    assert Value.objects.get().state == "submitted"


def test_a_bad_figure_is_named_and_nothing_is_saved(client, returns, alice):
    client.force_login(alice)
    response = client.post(FORM, {**line_data(value="41, 554"), "save": "1"})
    assert response.status_code == 200
    assert "A1 Q3 2017/18: &#x27;41, 554&#x27; is not a number." in response.text
    assert not Value.objects.exists()


def test_a_stale_form_is_refused_with_what_changed(client, returns, alice, priya):
    mine, _ = returns
    value = save_entry(indicator=mine, period=Q3, entry=Entry(Decimal("30")), by=alice)
    stale = value.version
    save_entry(indicator=mine, period=Q3, entry=Entry(Decimal("31")), by=priya)
    client.force_login(alice)
    response = client.post(
        FORM, {**line_data(value="32", version=str(stale)), "save": "1"}, follow=True
    )
    assert "someone else saved this figure" in response.text and "31.0%" in response.text
    assert Value.objects.get().value == Decimal("31")


def test_team_returns_signs_off_and_publishes_and_members_then_see_it(
    client, returns, alice, priya, martin
):
    mine, _ = returns
    save_entry(indicator=mine, period=Q3, entry=Entry(Decimal("34.8")), by=alice, submit=True)
    client.force_login(martin)
    assert "34.8%" not in client.get("/scorecard/?year=2017/18&period=Q3").text
    client.force_login(priya)
    key = f"{mine.pk}-{Q3.key}"
    client.post(REVIEW, {"action": "return", "line_key": key, "reason": "Too high?"})
    assert Value.objects.get().state == "returned"
    assert "Too high?" in client.get(REVIEW).text
    save_entry(indicator=mine, period=Q3, entry=Entry(Decimal("34.8")), by=alice, submit=True)
    client.post(REVIEW, {"action": "sign_off", "line": [key]})
    response = client.post(REVIEW, {"action": "publish", "confirm": "yes"}, follow=True)
    assert "1 figures now public" in response.text
    client.force_login(martin)
    assert "34.8%" in client.get("/scorecard/?year=2017/18&period=Q3").text


def test_publishing_shows_what_is_not_signed_off_and_asks_to_confirm(client, returns, alice, priya):
    mine, _ = returns
    save_entry(indicator=mine, period=Q3, entry=Entry(Decimal("34.8")), by=alice, submit=True)
    client.force_login(priya)
    client.post(REVIEW, {"action": "sign_off", "line": [f"{mine.pk}-{Q3.key}"]})
    page = words(client.get(REVIEW).text)
    assert "1 signed-off figure will be published." in page
    assert "Warning Not published, because not yet signed off: 1 not started" in page
    refused = client.post(REVIEW, {"action": "publish"}, follow=True)
    assert "Confirm: tick the box to publish Q3 2017/18" in words(refused.text)
    assert not Value.objects.published().exists()
    published = client.post(REVIEW, {"action": "publish", "confirm": "yes"}, follow=True)
    assert "1 figures now public" in published.text
    assert Value.objects.published().count() == 1


def test_review_filters_by_state(client, returns, alice, priya):
    mine, _ = returns
    save_entry(indicator=mine, period=Q3, entry=Entry(Decimal("34.8")), by=alice, submit=True)
    client.force_login(priya)
    text = client.get(REVIEW, {"state": "submitted"}).text
    assert "Alice&#x27;s measure" in text and "Bob&#x27;s measure" not in text
    assert "There is no such state" in client.get(REVIEW, {"state": "nonsense"}, follow=True).text


def test_live_rating_answers_while_typing(client, returns, alice):
    from indicators.services import set_target

    mine, _ = returns
    set_target(indicator=mine, year=parse_period("2017/18"), kind="year_end", value=Decimal(40))
    client.force_login(alice)
    url = "/returns/live-rating/"
    params = {"indicator": mine.pk, "period": "Q3 2017/18"}
    assert client.get(url, {**params, "value": "45%"}).json()["label"] == "On track"
    assert client.get(url, {**params, "value": "30"}).json()["label"] == "Requires improvement"
    assert "not a number" in client.get(url, {**params, "value": "4 5"}).json()["error"]
    assert client.get(url, {"indicator": "x", "period": "Q9"}).status_code == 400


def test_unpublished_commentary_and_history_stay_private(client, returns, alice, priya, martin):
    mine, _ = returns
    save_entry(
        indicator=mine, period=Q3, by=alice, entry=Entry(Decimal("34.8"), issues="Not yet public")
    )
    client.force_login(martin)
    text = client.get("/indicators/A1/").text
    assert "Not yet public" not in text and "History" not in text
    assert client.get("/indicators/A1/history.csv").status_code == 403
    client.force_login(priya)
    assert "History" in client.get("/indicators/A1/").text
    history = client.get("/indicators/A1/history.csv").content.decode("utf-8-sig")
    assert "alice" in history and "34.8" in history


@pytest.mark.parametrize("url", [FORM, REVIEW, "/returns/", f"{FORM}workbook.xlsx"])
def test_return_pages_do_not_query_per_indicator(
    client, make_indicator, priya, url, django_assert_max_num_queries
):
    from tests.factories import bulk_scorecard

    client.force_login(priya)
    bulk_scorecard(make_indicator, 3, periods=8)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    bulk_scorecard(make_indicator, 30, periods=8)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_the_figure_box_lets_a_phone_type_percent_slash_and_pound(client, returns, alice):
    """inputmode="decimal" gives a phone keypad without %, / or £, which figures need."""
    client.force_login(alice)
    page = client.get(FORM).content.decode()
    boxes = re.findall(r'<input[^>]*name="l\d+-value"[^>]*>', page)
    assert boxes and all("inputmode" not in box for box in boxes)


def test_a_figure_that_requires_improvement_needs_causes_and_actions_to_be_submitted(
    client, make_indicator, alice
):
    measure = make_indicator(owner=alice, title="Alice's red measure", reference="R1")
    Target.objects.create(indicator=measure, year=Q3.financial_year, kind="year_end", value=50)
    client.force_login(alice)
    refused = client.post(FORM, {**line_data(value="20%", causes="Staff vacancies"), "submit": "1"})
    assert refused.status_code == 200
    assert "R1 Q3 2017/18 requires improvement: give its actions before submitting it." in (
        words(refused.text)
    )
    assert not Value.objects.exists()
    # Saving it as a draft is fine; submitting with both is too.
    assert client.post(FORM, {**line_data(value="20%"), "save": "1"}).status_code == 302
    version = str(Value.objects.get().version)
    data = line_data(value="20%", causes="Staff vacancies", actions="Agency cover", version=version)
    assert client.post(FORM, {**data, "confirm": "1"}).status_code == 302
    assert Value.objects.get().state == "submitted"
