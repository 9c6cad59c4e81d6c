"""The notices that chase a quarter's returns, end to end through a real SMTP server: the
daily command sends returns open, the reminder and the late notice, each once; the review
page's Chase button e-mails the officers with figures outstanding or returned."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from indicators.models import Value
from indicators.periods import parse_period
from returns.workflow import Entry, return_figure, save_entry
from tests.test_notifications import with_email
from timetable.services import set_timetable

Q3 = parse_period("Q3 2017/18")
REVIEW = "/returns/2017-18/Q3/review/"
SITE = "https://scorecard.lancashire.gov.uk"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def lines(make_indicator, alice, bob, priya):
    with_email(alice, bob, priya)
    return {
        "A1": make_indicator(owner=alice, title="Contacts that lead to a referral", reference="A1"),
        "A2": make_indicator(owner=alice, title="Re-referrals", reference="A2"),
        "B1": make_indicator(owner=bob, title="Children looked after", reference="B1"),
    }


def submit(indicator, by):
    save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal("30")), by=by, submit=True)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(today: str) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_return_notices", today=today, stdout=out)
        return out.getvalue()

    return run


def received(smtp_server, since=0):
    return sorted((m["To"], m["Subject"]) for m in smtp_server.messages[since:])


def test_returns_open_tells_each_officer_what_is_due_once(lines, run, smtp_server):
    assert run("2017-12-29") == "Returns open: 0 sent; reminders: 0; late: 0.\n"
    assert smtp_server.messages == []
    # Tuesday 2 January 2018: the first working day after the quarter and New Year's Day.
    assert run("2018-01-02") == "Returns open: 2 sent; reminders: 0; late: 0.\n"
    assert received(smtp_server) == [
        (
            "alice@lancashire.gov.uk",
            "Returns for Q3 2017/18 are open: 2 figures due by 22 January 2018",
        ),
        (
            "bob@lancashire.gov.uk",
            "Returns for Q3 2017/18 are open: 1 figure due by 22 January 2018",
        ),
    ]
    text = smtp_server.text(smtp_server.to("alice@lancashire.gov.uk")[0])
    assert "by Monday 22 January 2018" in text
    assert "- A1 Contacts that lead to a referral (Q3 2017/18): Not started" in text
    assert "- A2 Re-referrals (Q3 2017/18): Not started" in text
    assert f"{SITE}/returns/2017-18/Q3/" in text
    assert f"{SITE}/returns/?year=2017-18&period=Q3" in text
    html = smtp_server.html(smtp_server.to("alice@lancashire.gov.uk")[0])
    assert f'href="{SITE}/returns/2017-18/Q3/"' in html
    # The same day again, and the next: nothing more.
    run("2018-01-02")
    run("2018-01-03")
    assert len(smtp_server.messages) == 2


def test_the_reminder_goes_to_officers_with_figures_outstanding_even_after_a_missed_day(
    lines, run, smtp_server, alice, bob
):
    run("2018-01-02")
    submit(lines["B1"], bob)
    submit(lines["A1"], alice)
    # The reminder falls on Wednesday 17 January (3 working days before the 22nd); the
    # command did not run that day, and the next day's run sends it.
    assert run("2018-01-16") == "Returns open: 0 sent; reminders: 0; late: 0.\n"
    assert run("2018-01-18") == "Returns open: 0 sent; reminders: 1; late: 0.\n"
    assert received(smtp_server, 2) == [
        ("alice@lancashire.gov.uk", "Reminder: 1 figure for Q3 2017/18 due by 22 January 2018"),
    ]
    text = smtp_server.text(smtp_server.messages[2])
    assert "(due in 2 working days)" in text
    assert "- A2 Re-referrals (Q3 2017/18): Not started" in text and "A1" not in text
    run("2018-01-19")
    run("2018-01-22")
    assert len(smtp_server.messages) == 3


def test_the_late_notice_goes_the_working_day_after_the_due_date_once(lines, run, smtp_server, bob):
    submit(lines["B1"], bob)
    # Nothing sent before: the first run after the due date sends the late notice only.
    assert run("2018-01-22") == "Returns open: 2 sent; reminders: 1; late: 0.\n"
    assert run("2018-01-23") == "Returns open: 0 sent; reminders: 0; late: 1.\n"
    assert received(smtp_server, 3) == [
        ("alice@lancashire.gov.uk", "Late: 2 figures for Q3 2017/18, due on 22 January 2018"),
    ]
    run("2018-01-23")
    run("2018-01-29")
    assert len(smtp_server.messages) == 4


def test_a_missed_due_date_still_sends_the_late_notice(lines, run, smtp_server):
    assert run("2018-01-25") == "Returns open: 0 sent; reminders: 0; late: 2.\n"
    assert sorted(m["Subject"] for m in smtp_server.messages) == [
        "Late: 1 figure for Q3 2017/18, due on 22 January 2018",
        "Late: 2 figures for Q3 2017/18, due on 22 January 2018",
    ]


def test_the_notices_follow_the_timetable_the_team_set(lines, run, smtp_server, priya):
    set_timetable(
        quarter=Q3,
        opens_on=date(2018, 1, 8),
        due_on=date(2018, 1, 26),
        sign_off_on=date(2018, 2, 2),
        publication_on=date(2018, 2, 16),
        by=priya,
    )
    assert run("2018-01-02") == "Returns open: 0 sent; reminders: 0; late: 0.\n"
    assert run("2018-01-08") == "Returns open: 2 sent; reminders: 0; late: 0.\n"
    assert run("2018-01-23") == "Returns open: 0 sent; reminders: 2; late: 0.\n"
    assert run("2018-01-29") == "Returns open: 0 sent; reminders: 0; late: 2.\n"
    # After publication the quarter is over: nothing more about it.
    assert run("2018-02-19") == "Returns open: 0 sent; reminders: 0; late: 0.\n"


def test_the_command_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="--today must be a date as YYYY-MM-DD"):
        call_command("send_return_notices", today="22/01/2018")


def on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def test_chase_emails_officers_with_figures_outstanding_or_returned_once_a_day(
    client, lines, alice, bob, priya, smtp_server, django_capture_on_commit_callbacks
):
    submit(lines["A1"], alice)
    submit(lines["A2"], alice)
    submit(lines["B1"], bob)
    b1 = Value.objects.get(indicator=lines["B1"])
    return_figure(value=b1, reason="Check the count against the LCS extract.", by=priya)
    client.force_login(priya)

    def chase(**data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(REVIEW, {"action": "chase", **data}, follow=True)
        return response.text.replace("&#x27;", "'")

    with on(date(2018, 1, 23)):
        assert "Confirm: tick the box to send the chase." in chase()
        assert smtp_server.messages == []
        assert "1 officer chased." in chase(confirm="yes")
        assert received(smtp_server) == [
            (
                "bob@lancashire.gov.uk",
                "The performance team is waiting for 1 figure for Q3 2017/18",
            ),
        ]
        text = smtp_server.text(smtp_server.messages[0])
        assert "- B1 Children looked after (Q3 2017/18): Returned" in text
        assert "due by Monday 22 January 2018 (late by 1 working day)" in text
        assert f"{SITE}/returns/2017-18/Q3/" in text
        # Twice the same day sends once, and says so.
        page = chase(confirm="yes")
        assert "0 officers chased. 1 had been chased today already" in page
        assert len(smtp_server.messages) == 1
    # A draft counts as outstanding too.
    save_entry(indicator=lines["A1"], period=Q3, entry=Entry(Decimal("31")), by=priya)
    with on(date(2018, 1, 24)):
        assert "2 officers chased." in chase(confirm="yes")
    assert received(smtp_server, 1) == [
        ("alice@lancashire.gov.uk", "The performance team is waiting for 1 figure for Q3 2017/18"),
        ("bob@lancashire.gov.uk", "The performance team is waiting for 1 figure for Q3 2017/18"),
    ]


def test_only_the_performance_team_may_chase(client, lines, alice, smtp_server):
    client.force_login(alice)
    assert client.post(REVIEW, {"action": "chase", "confirm": "yes"}).status_code == 403
    assert smtp_server.messages == []
