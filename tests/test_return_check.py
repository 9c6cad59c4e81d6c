"""Checking a return before submitting it: the check page, submitting from it, going back."""

import html
import re
from decimal import Decimal

import pytest

from indicators.models import Target, Value
from indicators.periods import parse_period
from returns.workflow import Entry, save_entry
from tests.test_spc_page import words

Q3 = parse_period("Q3 2017/18")
FORM = "/returns/2017-18/Q3/"


@pytest.fixture
def measures(make_indicator, alice):
    first = make_indicator(owner=alice, title="Contacts that lead to a referral", reference="A1")
    second = make_indicator(owner=alice, title="Referrals that are re-referrals", reference="A2")
    for measure in (first, second):
        Target.objects.create(indicator=measure, year=Q3.financial_year, kind="year_end", value=30)
    return first, second


def form_data(client) -> dict:
    """Every line of the return form as the browser would post it, unchanged."""
    rows = client.get(FORM).context["rows"]
    data = {}
    for row in rows:
        form = row["form"]
        for name in form.fields:
            value = form.initial.get(name, "")
            data[f"{form.prefix}-{name}"] = "" if value is None else value
    return data


def hidden_fields(page: str) -> dict:
    """What the check page carries to the next step, read from its hidden fields."""
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    return {html.unescape(name): html.unescape(value) for name, value in found}


def check_page(client, **fields):
    data = {**form_data(client), **fields, "submit": "1"}
    response = client.post(FORM, data)
    assert response.status_code == 200
    return response


def test_submitting_shows_what_will_be_submitted_and_what_will_not(client, measures, alice):
    client.force_login(alice)
    response = check_page(
        client, **{"l0-value": "34.8%", "l0-issues": "A third came from the police."}
    )
    page = words(response.text)
    assert "Check your figures before submitting them" in page
    assert "1 figure to submit" in page
    assert (
        "Contacts that lead to a referral A1 · Q3 2017/18 34.8% ● On track "
        "A third came from the police. Change A1 Q3 2017/18" in page
    )
    assert "Not submitted" in page
    assert "Referrals that are re-referrals A2 · Q3 2017/18 Not started Change A2 Q3 2017/18" in (
        page
    )
    assert "Submit this figure" in page and "Go back" in page
    assert not Value.objects.exists(), "the check page saves nothing"


def test_submitting_from_the_check_page_submits_and_counts_what_changed(client, measures, alice):
    client.force_login(alice)
    checked = check_page(client, **{"l0-value": "34.8%", "l1-value": "40%"})
    assert "Submit these 2 figures" in words(checked.text)
    response = client.post(FORM, {**hidden_fields(checked.text), "confirm": "1"}, follow=True)
    assert "2 figures submitted." in words(response.text)
    assert sorted(Value.objects.values_list("value", "state")) == [
        (Decimal("34.8"), "submitted"),
        (Decimal("40"), "submitted"),
    ]


def test_a_figure_posted_back_unchanged_is_not_counted(client, measures, alice, priya):
    first, second = measures
    save_entry(indicator=first, period=Q3, entry=Entry(Decimal("34.8")), by=alice, submit=True)
    client.force_login(priya)  # the team may change submitted lines, so posts them back
    checked = check_page(client, **{"l1-value": "40%"})
    page = words(checked.text)
    assert "1 figure to submit" in page and "A1 · Q3 2017/18" not in page
    response = client.post(FORM, {**hidden_fields(checked.text), "confirm": "1"}, follow=True)
    assert "1 figure submitted." in words(response.text)


def test_go_back_keeps_what_was_typed(client, measures, alice):
    client.force_login(alice)
    checked = check_page(client, **{"l0-value": "34.8%", "l0-causes": "Line one\r\nLine two"})
    response = client.post(FORM, {**hidden_fields(checked.text), "back": "l0"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0]["form"]["value"].value() == "34.8%"
    assert rows[0]["form"]["causes"].value() == "Line one\r\nLine two"
    assert 'value="34.8%"' in response.text
    assert not Value.objects.exists()


def test_a_figure_saved_by_someone_else_between_check_and_submit_is_refused(
    client, measures, alice, priya
):
    first, _ = measures
    save_entry(indicator=first, period=Q3, entry=Entry(Decimal("30")), by=alice)
    client.force_login(alice)
    checked = check_page(client, **{"l0-value": "34.8%"})
    save_entry(indicator=first, period=Q3, entry=Entry(Decimal("31")), by=priya)
    response = client.post(FORM, {**hidden_fields(checked.text), "confirm": "1"})
    assert response.status_code == 200
    page = words(response.text)
    assert "A1 Q3 2017/18: someone else saved this figure while you were editing it." in page
    assert 'value="34.8%"' in response.text, "what was typed is still on the form"
    value = Value.objects.get()
    assert (value.value, value.state) == (Decimal("31"), "draft")


def test_a_figure_saved_by_someone_else_before_the_check_is_refused_on_the_form(
    client, measures, alice, priya
):
    first, _ = measures
    save_entry(indicator=first, period=Q3, entry=Entry(Decimal("30")), by=alice)
    client.force_login(alice)
    data = {**form_data(client), "l0-value": "34.8%"}
    save_entry(indicator=first, period=Q3, entry=Entry(Decimal("31")), by=priya)
    response = client.post(FORM, {**data, "submit": "1"})
    assert "someone else saved this figure" in words(response.text)
    assert "Check your figures" not in response.text


def test_a_bad_figure_is_refused_on_the_form_not_checked(client, measures, alice):
    client.force_login(alice)
    response = client.post(FORM, {**form_data(client), "l0-value": "41, 554", "submit": "1"})
    assert response.status_code == 200
    assert "A1 Q3 2017/18: &#x27;41, 554&#x27; is not a number." in response.text
    assert "Check your figures" not in response.text
    assert not Value.objects.exists()


def test_a_red_figure_without_causes_is_refused_before_the_check(client, measures, alice):
    client.force_login(alice)
    response = client.post(FORM, {**form_data(client), "l0-value": "12%", "submit": "1"})
    page = words(response.text)
    assert "A1 Q3 2017/18 requires improvement: give its causes and actions" in page
    assert "Check your figures" not in page
    assert not Value.objects.exists()


def test_a_tampered_check_page_is_validated_again(client, measures, alice):
    client.force_login(alice)
    checked = check_page(client, **{"l0-value": "34.8%"})
    data = {**hidden_fields(checked.text), "l0-value": "not a figure", "confirm": "1"}
    response = client.post(FORM, data)
    assert response.status_code == 200
    assert "is not a number" in response.text
    assert not Value.objects.exists()


def test_nothing_to_submit_says_so(client, measures, alice):
    client.force_login(alice)
    response = client.post(FORM, {**form_data(client), "submit": "1"}, follow=True)
    assert "Nothing had changed, so nothing was submitted." in words(response.text)


def test_what_was_typed_is_carried_as_text_not_markup(client, measures, alice):
    client.force_login(alice)
    typed = '"><script>alert(1)</script>'
    checked = check_page(client, **{"l0-value": "34.8%", "l0-issues": typed})
    assert "<script>alert" not in checked.text
    assert hidden_fields(checked.text)["l0-issues"] == typed
    client.post(FORM, {**hidden_fields(checked.text), "confirm": "1"})
    assert Value.objects.get().commentary.issues == typed
