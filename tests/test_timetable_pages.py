"""The quarter's return timetable: the performance team sets it, officers see when their
return is due on /returns/, and the review page counts who has returned what."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from indicators.periods import parse_period
from meetings.models import Committee
from meetings.services import create_meeting
from returns.workflow import Entry, save_entry
from tests.test_spc_page import words
from timetable.models import QuarterTimetable

Q3 = parse_period("Q3 2017/18")
LIST = "/returns/?year=2017-18&period=Q3"
REVIEW = "/returns/2017-18/Q3/review/"
TIMETABLE = "/returns/2017-18/Q3/timetable/"


def on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def returns(make_indicator, alice, bob):
    mine = make_indicator(owner=alice, title="Alice's measure", reference="A1")
    second = make_indicator(owner=alice, title="Alice's other measure", reference="A2")
    theirs = make_indicator(owner=bob, title="Bob's measure", reference="B1")
    return mine, second, theirs


def dates(opens="2 1 2018", due="22 1 2018", sign_off="29 1 2018", publication="12 2 2018"):
    data = {}
    for name, text in (
        ("opens_on", opens),
        ("due_on", due),
        ("sign_off_on", sign_off),
        ("publication_on", publication),
    ):
        day, month, year = (text.split() + ["", "", ""])[:3]
        data.update({f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})
    return data


def test_without_a_timetable_officers_see_the_rules_dates_and_how_long_is_left(
    client, returns, alice
):
    client.force_login(alice)
    with on(date(2018, 1, 17)):
        text = words(client.get(LIST).text)
    assert "Returns open Tuesday 2 January 2018" in text
    assert "Returns due Monday 22 January 2018 Due in 3 working days" in text
    assert "Sign-off Monday 29 January 2018" in text
    assert "Publication Monday 12 February 2018" in text
    assert "the performance team has not set this quarter's timetable" in text
    assert "2 of your 2 figures for Q3 2017/18 are still to be submitted" in text


def test_an_officer_who_is_behind_sees_how_late_they_are(client, returns, alice):
    client.force_login(alice)
    with on(date(2018, 1, 24)):
        text = words(client.get(LIST).text)
    assert "Late by 2 working days" in text


def test_an_officer_who_has_submitted_everything_is_not_told_they_are_late(client, returns, alice):
    mine, second, _ = returns
    for indicator in (mine, second):
        save_entry(
            indicator=indicator, period=Q3, entry=Entry(Decimal("30")), by=alice, submit=True
        )
    client.force_login(alice)
    with on(date(2018, 1, 24)):
        text = words(client.get(LIST).text)
    assert "Nothing outstanding" in text and "Late by" not in text


def test_the_team_sets_the_timetable_and_history_names_them(client, returns, priya, alice):
    client.force_login(priya)
    page = client.get(TIMETABLE)
    assert page.status_code == 200
    # The form starts from the rule's dates.
    assert 'name="due_on_day" value="22"' in page.text
    response = client.post(TIMETABLE, dates(due="19 1 2018", sign_off="26 1 2018"))
    assert response.status_code == 302 and response["Location"] == REVIEW
    row = QuarterTimetable.objects.get()
    assert (row.quarter, row.due_on, row.sign_off_on) == (Q3, date(2018, 1, 19), date(2018, 1, 26))
    assert row.history.get().history_user == priya
    client.force_login(alice)
    with on(date(2018, 1, 17)):
        text = words(client.get(LIST).text)
    assert "Returns due Friday 19 January 2018 Due in 2 working days" in text
    assert "has not set this quarter's timetable" not in text
    # Setting it again changes the one row, with a second history record.
    client.force_login(priya)
    client.post(TIMETABLE, dates(due="19 1 2018", sign_off="26 1 2018", publication="13 2 2018"))
    assert QuarterTimetable.objects.get().publication_on == date(2018, 2, 13)
    assert QuarterTimetable.history.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (dates(due="1 1 2018"), "Returns due must be a working day: 1 January 2018 is a bank"),
        (dates(due="29 12 2017"), "Returns due must not be before returns open, 2 January 2018"),
        (dates(opens="29 12 2017"), "Returns open must be on or after the quarter's last day"),
        (dates(due="15 1 2018", opens="16 1 2018"), "Returns due must not be before returns open"),
        (dates(sign_off="19 1 2018"), "Sign-off must not be before returns due, 22 January 2018"),
        (dates(publication="26 1 2018"), "Publication must not be before sign-off, 29 January"),
        (dates(sign_off="27 1 2018"), "Sign-off must be a working day: 27 January 2018 is a Sat"),
        (dates(publication="12 2018"), "Publication must include a year"),
        (dates(opens=""), "Enter the returns open"),
    ],
)
def test_a_timetable_that_cannot_be_is_refused_naming_the_field(client, priya, data, message):
    client.force_login(priya)
    response = client.post(TIMETABLE, data)
    assert response.status_code == 200
    assert "There is a problem: nothing was saved" in response.text
    assert message in response.text.replace("&#x27;", "'")
    assert not QuarterTimetable.objects.exists()


def test_the_meeting_must_be_the_committees_and_after_publication(client, priya):
    cabinet = Committee.objects.create(name="Cabinet")
    scrutiny = Committee.objects.create(name="Scrutiny")
    meeting = create_meeting(
        committee=cabinet,
        starts_at=timezone.make_aware(datetime(2018, 2, 8, 14)),
        venue="County Hall",
    )
    client.force_login(priya)
    refused = client.post(
        TIMETABLE, {**dates(), "committee": scrutiny.pk, "meeting": meeting.pk}
    ).text.replace("&#x27;", "'")
    assert "The meeting must be one of Scrutiny's" in refused
    refused = client.post(TIMETABLE, {**dates(), "meeting": meeting.pk}).text
    assert "Choose the committee whose meeting receives the report" in refused
    refused = client.post(
        TIMETABLE, {**dates(), "committee": cabinet.pk, "meeting": meeting.pk}
    ).text
    assert "Publication must be on or before the meeting, 8 February 2018" in refused
    assert not QuarterTimetable.objects.exists()
    saved = client.post(
        TIMETABLE,
        {**dates(publication="7 2 2018"), "committee": cabinet.pk, "meeting": meeting.pk},
    )
    assert saved.status_code == 302
    assert QuarterTimetable.objects.get().meeting == meeting
    text = words(client.get(REVIEW).text)
    assert "Committee Cabinet, Thursday, 8 February 2018" in text


@pytest.mark.parametrize("persona", ["alice", "clara", "martin"])
def test_only_the_performance_team_sets_the_timetable(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(TIMETABLE).status_code == 403
    assert client.post(TIMETABLE, dates()).status_code == 403
    assert not QuarterTimetable.objects.exists()


def test_the_review_counts_each_officers_and_services_lines(client, returns, alice, bob, priya):
    mine, second, theirs = returns
    save_entry(indicator=mine, period=Q3, entry=Entry(Decimal("30")), by=alice, submit=True)
    save_entry(indicator=second, period=Q3, entry=Entry(Decimal("31")), by=alice)
    client.force_login(priya)
    with on(date(2018, 1, 23)):
        page = client.get(REVIEW).text
    text = words(page)
    # Officer, outstanding, late, submitted, returned, signed off, published.
    assert "By officer Officer" in text
    assert "alice 1 1 late 1 0 0 0" in text
    assert "bob 1 1 late 0 0 0 0" in text
    assert "By service Service" in text
    assert "Children's Social Care 2 2 late 1 0 0 0" in text.replace("&#x27;", "'")
    assert "All 2 2 1 0 0 0" in text
    assert "Late by 1 working day" in text
    with on(date(2018, 1, 22)):
        text = words(client.get(REVIEW).text)
    assert "alice 1 0 1 0 0 0" in text and "Due today" in text


def test_the_admin_sets_a_timetable_through_the_same_checks(client, priya):
    client.force_login(priya)
    url = "/admin/timetable/quartertimetable/add/"
    data = {
        "quarter": "Q3 2017/18",
        "opens_on": "2018-01-02",
        "due_on": "2018-01-22",
        "sign_off_on": "2018-01-19",
        "publication_on": "2018-02-12",
        "committee": "",
        "meeting": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Sign-off must not be before returns due, 22 January 2018." in refused.text
    assert not QuarterTimetable.objects.exists()
    saved = client.post(url, {**data, "sign_off_on": "2018-01-29"})
    assert saved.status_code == 302
    row = QuarterTimetable.objects.get()
    assert (row.quarter, row.sign_off_on) == (Q3, date(2018, 1, 29))
    assert row.history.get().history_user == priya


def test_a_quarter_with_nothing_outstanding_is_not_called_late(client, returns, alice, bob, priya):
    mine, second, theirs = returns
    submit = {"entry": Entry(Decimal("30")), "period": Q3, "submit": True}
    save_entry(indicator=mine, by=alice, **submit)
    save_entry(indicator=second, by=alice, **submit)
    save_entry(indicator=theirs, by=bob, **submit)
    client.force_login(priya)
    with on(date(2018, 3, 1)):
        text = words(client.get(REVIEW).text)
    assert "Nothing outstanding" in text and "Late by" not in text
