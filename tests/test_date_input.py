"""Dates typed in GOV.UK's three boxes: a real date is read, and each refusal names the
part that is wrong, keeping what was typed."""

import pytest
from django import forms

from meetings.models import Committee, Meeting
from scorecard.dates import GovukDateField
from tests.test_spc_page import words


class _Form(forms.Form):
    when = GovukDateField(label="Meeting date")


@pytest.mark.parametrize(
    ("day", "month", "year", "problem"),
    [
        ("15", "", "2018", "Meeting date must include a month."),
        ("", "", "2018", "Meeting date must include a day and a month."),
        ("31", "2", "2018", "Meeting date must be a real date."),
        ("15", "Nov", "2018", "Meeting date must be a real date, in numbers: 27 6 2018."),
        ("15", "11", "18", "Meeting date: the year must have four numbers, like 2018."),
    ],
)
def test_a_date_that_is_not_whole_or_real_is_refused_naming_the_part(day, month, year, problem):
    form = _Form({"when_day": day, "when_month": month, "when_year": year})
    assert not form.is_valid()
    assert form.errors["when"] == [problem]


def test_a_real_date_is_read_day_first_whatever_the_browser():
    form = _Form({"when_day": "15", "when_month": "11", "when_year": "2018"})
    assert form.is_valid() and form.cleaned_data["when"].isoformat() == "2018-11-15"
    # A date sent whole, as ISO, is read too.
    assert _Form({"when": "2018-11-15"}).is_valid()


def test_the_clerk_types_a_meeting_date_in_three_boxes(client, clara):
    committee = Committee.objects.create(name="Cabinet Committee on Performance Improvement")
    client.force_login(clara)
    data = {"committee": committee.pk, "time": "14:00", "venue": "County Hall"}
    refused = client.post("/meetings/new/", {**data, "date_day": "15", "date_year": "2018"})
    page = words(refused.text)
    assert "There is a problem: nothing was saved Date must include a month." in page
    assert 'name="date_day" value="15"' in refused.text
    assert 'href="#id_date_0"' in refused.text
    saved = client.post(
        "/meetings/new/", {**data, "date_day": "15", "date_month": "11", "date_year": "2018"}
    )
    assert saved.status_code == 302
    assert Meeting.objects.get(committee=committee).starts_at.date().isoformat() == "2018-11-15"


def test_a_required_date_left_empty_says_so():
    form = _Form({"when_day": "", "when_month": "", "when_year": ""})
    assert form.errors["when"] == ["Enter the meeting date."]
