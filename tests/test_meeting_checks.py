"""What a clerk checks before publishing an agenda (each problem a link to fix it), the
meeting as a calendar entry, and searching the words of published generated appendices."""

import re

import pytest
from icalendar import Calendar

from meetings.models import Appendix, ItemKind
from tests.factories import agenda

pytestmark = pytest.mark.django_db


def test_the_clerk_sees_each_problem_as_a_link_and_no_button_until_they_are_fixed(client, clara):
    meeting = agenda(reports=["Performance Report"])
    report_item = meeting.items.get(kind=ItemKind.REPORT)
    report_item.report.executive_summary = ""
    report_item.report.background = ""
    report_item.report.save()
    next_meeting = meeting.items.get(kind=ItemKind.NEXT_MEETING)
    next_meeting.body = ""
    next_meeting.save()
    client.force_login(clara)
    page = client.get(meeting.get_absolute_url()).text
    blocking = page.split("Put these right before publishing")[1].split("</ul>")[0]
    edit_report = f"/meetings/{meeting.pk}/items/{report_item.number}/report/"
    assert f'href="{edit_report}"' in blocking
    assert "the report is empty" in blocking
    assert "Publish the agenda</button>" not in page
    advisory = page.split("Worth checking before publishing")[1].split("</ul>")[0]
    assert f'href="/meetings/{meeting.pk}/items/{next_meeting.number}/edit/"' in advisory
    assert "give the date of the next meeting" in advisory

    # Fixed: the report is written; only the advisory check remains and the button is back.
    report_item.report.executive_summary = "An overview of performance."
    report_item.report.background = "Performance is set out below."
    report_item.report.save()
    page = client.get(meeting.get_absolute_url()).text
    assert "Put these right before publishing" not in page
    assert "Worth checking before publishing" in page
    assert "Publish the agenda</button>" in page
    # The server still refuses what the page would not offer.
    report_item.report.executive_summary = report_item.report.background = ""
    report_item.report.save()
    client.post(f"/meetings/{meeting.pk}/publish/")
    assert meeting.issues.count() == 0


def test_a_report_without_a_summary_is_worth_checking_not_refused(client, clara):
    meeting = agenda(reports=["Performance Report"])
    item = meeting.items.get(kind=ItemKind.REPORT)
    item.report.executive_summary = ""
    item.report.save()
    client.force_login(clara)
    page = client.get(meeting.get_absolute_url()).text
    assert "the report has no executive summary" in page.split("Worth checking")[1]
    assert "Publish the agenda</button>" in page


def test_the_meeting_is_a_calendar_entry(client, clara):
    from meetings import services

    meeting = agenda()
    services.request_publication(meeting, by=clara)
    page = client.get(meeting.get_absolute_url()).text
    assert f'href="/meetings/{meeting.pk}/meeting.ics"' in page
    response = client.get(f"/meetings/{meeting.pk}/meeting.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="2018-06-27-meeting.ics"' in response["Content-Disposition"]
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "Cabinet Committee on Performance Improvement"
    assert event.decoded("dtstart") == meeting.starts_at
    assert str(event["location"]) == "Committee Room 'B' - County Hall, Preston"
    assert str(event["url"]).endswith(f"/meetings/{meeting.pk}/")
    assert str(event["uid"]) == f"meeting-{meeting.pk}@scorecard"


def test_search_finds_words_in_published_generated_appendices_but_not_their_markup(
    client, demo_council_with_meetings
):
    appendix = Appendix.objects.exclude(frozen_html="").select_related("report__item").first()
    assert appendix is not None, "the demo's published meeting freezes its appendices"
    item = appendix.report.item
    own_words = " ".join(
        [item.title, item.body, appendix.report.executive_summary, appendix.report.background]
    ).lower()
    words = re.findall(r"[A-Za-z]{9,}", re.sub(r"<[^>]*>", " ", appendix.frozen_html))
    only_there = next(w for w in words if w.lower() not in own_words)
    found = client.get("/meetings/search/", {"q": only_there}).text
    assert item.title in found
    assert "govuk-table__cell" in appendix.frozen_html
    markup = client.get("/meetings/search/", {"q": "govuk-table__cell"}).text
    assert "0 items mention" in markup
