"""E-mail notices, end to end: the action that triggers each one, through a real SMTP
server (the `smtp_server` fixture), to the message received; preferences, retries, the
record of each send, and password reset by e-mail."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from indicators.models import Value
from indicators.periods import parse_period
from notifications.models import Delivery, DeliveryStatus
from notifications.services import notify
from recovery_plans import services as plans
from returns.workflow import Entry, return_figure, save_entry
from tests.factories import agenda

pytestmark = pytest.mark.django_db

Q3 = parse_period("Q3 2017/18")
FORM = "/returns/2017-18/Q3/"
REVIEW = "/returns/2017-18/Q3/review/"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://scorecard.lancashire.gov.uk"


def with_email(*users):
    for user in users:
        user.email = f"{user.username}@lancashire.gov.uk"
        user.first_name = user.username.capitalize()
        user.save()


@pytest.fixture
def measure(make_indicator, alice, bob, priya):
    with_email(alice, bob, priya)
    indicator = make_indicator(
        owner=alice, title="Children's social care assessments", reference="1C"
    )
    indicator.delegates.add(bob)
    return indicator


def submit_as_alice(client, alice):
    client.force_login(alice)
    data = {"l0-status": "final", "l0-value": "34.8%", "l0-missing_reason": "", "confirm": "1"}
    return client.post(FORM, data)


def test_a_returned_figure_tells_its_officer_and_delegate_why(
    client, measure, alice, bob, priya, smtp_server, django_capture_on_commit_callbacks
):
    save_entry(indicator=measure, period=Q3, entry=Entry(Decimal("34.8")), by=alice, submit=True)
    client.force_login(priya)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            REVIEW,
            {
                "action": "return",
                "line_key": f"{measure.pk}-{Q3.key}",
                "reason": "Q2 was 12.1%: check the extract & resubmit",
            },
        )
    assert response.status_code == 302
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "alice@lancashire.gov.uk",
        "bob@lancashire.gov.uk",
    ]
    message = smtp_server.to("alice@lancashire.gov.uk")[0]
    assert message["Subject"] == "Returned: 1C Children's social care assessments, Q3 2017/18"
    text = smtp_server.text(message)
    # Plain text as typed (no HTML escaping), with the absolute link to the return.
    assert "Q2 was 12.1%: check the extract & resubmit" in text
    assert "Priya has returned your figure" in text
    assert "https://scorecard.lancashire.gov.uk/returns/2017-18/Q3/" in text
    assert "check the extract &amp; resubmit" in smtp_server.html(message)
    assert message["Auto-Submitted"] == "auto-generated"
    delivery = Delivery.objects.get(to="alice@lancashire.gov.uk")
    assert (delivery.kind, delivery.status, delivery.attempts) == ("figure_returned", "sent", 1)
    assert delivery.sent_at is not None


def test_a_submission_tells_the_performance_team_once(
    client, measure, alice, priya, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert submit_as_alice(client, alice).status_code == 302
    [message] = smtp_server.messages
    assert message["To"] == "priya@lancashire.gov.uk"
    assert message["Subject"] == "1 figure submitted for Q3 2017/18 by Alice"
    text = smtp_server.text(message)
    assert "1C Children's social care assessments (Q3 2017/18)" in text
    assert "https://scorecard.lancashire.gov.uk/returns/2017-18/Q3/review/" in text


def test_saving_a_draft_tells_nobody(
    client, measure, alice, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            FORM, {"l0-status": "final", "l0-value": "34.8%", "l0-missing_reason": "", "save": "1"}
        )
    assert smtp_server.messages == []


def test_a_notice_switched_off_is_not_sent_and_a_mandatory_one_is(
    client, measure, alice, priya, smtp_server, settings, django_capture_on_commit_callbacks
):
    client.force_login(priya)
    page = client.get("/accounts/notifications/").text
    assert "A return submitted" in page and "Agenda papers published" not in page
    response = client.post("/accounts/notifications/", {})  # every box unticked
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        submit_as_alice(client, alice)
    assert smtp_server.messages == []
    # The council makes it mandatory: sent regardless, and shown as always sent.
    settings.MANDATORY_NOTICES = frozenset({"return_submitted"})
    client.force_login(priya)
    page = client.get("/accounts/notifications/").text
    assert re.search(r"Always sent.*A return submitted", page, re.S)
    assert 'name="return_submitted"' not in page
    value = return_figure(value=Value.objects.get(), reason="Check it", by=priya)
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(alice)
        response = client.post(
            FORM,
            {
                "l0-status": "final",
                "l0-value": "31%",
                "l0-missing_reason": "",
                "l0-version": str(value.version),
                "confirm": "1",
            },
        )
    assert response.status_code == 302
    assert [m["To"] for m in smtp_server.messages] == ["priya@lancashire.gov.uk"]


def test_preferences_page_needs_sign_in_and_says_when_there_is_no_address(client, martin):
    assert client.get("/accounts/notifications/").status_code == 302
    client.force_login(martin)
    page = client.get("/accounts/notifications/").text
    assert "Your account has no e-mail address" in page
    assert "Agenda papers published" in page


# Recovery plan actions ---------------------------------------------------------------------


@pytest.fixture
def actions(make_indicator, alice, bob):
    with_email(alice, bob)
    indicator = make_indicator(owner=alice, title="Reviews on time")
    plan = plans.save_plan(
        title="Put reviews back on time",
        indicators=[indicator],
        period=parse_period("2017/18"),
        owner=alice,
        why="Vacancies.",
        opened_on=date(2017, 5, 1),
    )
    helen, mike = plans.leads_named(["Helen Smith", "Mike Snelson"])
    helen.user = alice
    helen.save()
    mike.user = bob
    mike.save()
    due = plans.save_action(
        plan=plan,
        text="Recruit two reviewers",
        leads=[helen],
        completion="30 September 2017",
        status="planned",
        by=alice,
    )
    late = plans.save_action(
        plan=plan,
        text="Review the rota",
        leads=[helen, mike],
        completion="July 2017",
        status="underway",
        by=alice,
    )
    plans.save_action(
        plan=plan,
        text="Train the team",
        leads=[helen],
        completion="31 August 2017",
        status="complete",
        by=alice,
    )
    return plan, due, late


def test_leads_hear_of_actions_due_and_overdue_once(
    actions, smtp_server, django_capture_on_commit_callbacks
):
    plan, due, late = actions

    def send_notices(today):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_notices", today=today)

    send_notices("2017-09-25")
    received = {(m["To"], m["Subject"]) for m in smtp_server.messages}
    assert received == {
        ("alice@lancashire.gov.uk", "1 recovery plan action due by 2 October 2017"),
        ("alice@lancashire.gov.uk", "1 recovery plan action overdue"),
        ("bob@lancashire.gov.uk", "1 recovery plan action overdue"),
    }
    text = smtp_server.text(smtp_server.to("bob@lancashire.gov.uk")[0])
    assert "Put reviews back on time, action 2: Review the rota" in text
    assert f"https://scorecard.lancashire.gov.uk{plan.get_absolute_url()}" in text
    # The next day, and again: nothing new to say.
    send_notices("2017-09-26")
    send_notices("2017-09-26")
    assert len(smtp_server.messages) == 3
    # A new completion date is a new reminder.
    plans.save_action(
        plan=plan,
        action=late,
        text=late.text,
        leads=list(late.leads.all()),
        completion="December 2017",
        status="underway",
        by=late.plan.owner,
    )
    # By late December the rota review is due again, and the recruitment is overdue.
    send_notices("2017-12-27")
    later = {(m["To"], m["Subject"]) for m in smtp_server.messages[3:]}
    assert later == {
        ("alice@lancashire.gov.uk", "1 recovery plan action due by 3 January 2018"),
        ("bob@lancashire.gov.uk", "1 recovery plan action due by 3 January 2018"),
        ("alice@lancashire.gov.uk", "1 recovery plan action overdue"),
    }


def test_send_notices_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(
        CommandError, match="--today must be a date as YYYY-MM-DD, not '25/09/2017'"
    ):
        call_command("send_notices", today="25/09/2017")


# Agenda papers -----------------------------------------------------------------------------


def test_publishing_papers_tells_members_and_clerks_without_part_two(
    clara, martin, alice, smtp_server, django_capture_on_commit_callbacks
):
    from meetings import services as meetings

    with_email(clara, martin, alice)
    meeting = agenda(reports=["Performance Report"], exempt=["Care Home Contract"])
    with django_capture_on_commit_callbacks(execute=True):
        meetings.request_publication(meeting, by=clara)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "clara@lancashire.gov.uk",
        "martin@lancashire.gov.uk",
    ]
    message = smtp_server.to("martin@lancashire.gov.uk")[0]
    assert message["Subject"] == (
        "Agenda pack published: Cabinet Committee on Performance Improvement, "
        "Wednesday, 27 June 2018"
    )
    for body in (smtp_server.text(message), smtp_server.html(message)):
        assert "Performance Report" in body
        assert "Care Home Contract" not in body
        assert "1 exempt item (Part II) is in the papers for members only" in body
    assert f"https://scorecard.lancashire.gov.uk{meeting.get_absolute_url()}" in smtp_server.text(
        message
    )


def test_a_supplementary_agenda_names_only_its_new_items(
    clara, martin, smtp_server, django_capture_on_commit_callbacks
):
    from meetings import selectors
    from meetings import services as meetings

    with_email(martin)
    meeting = agenda(reports=["Corporate Risk Register"])
    with django_capture_on_commit_callbacks(execute=True):
        meetings.request_publication(meeting, by=clara)
    meeting.refresh_from_db()
    late = meetings.add_item(
        meeting,
        number=selectors.next_report_number(meeting),
        kind="report",
        title="Key Stage 4 Recovery Plan",
    )
    late.report.executive_summary = "Progress 8 scores are below the national average."
    late.report.background = "The plan sets out the actions."
    late.report.save()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.request_publication(meeting, by=clara)
    first, second = smtp_server.to("martin@lancashire.gov.uk")
    assert first["Subject"].startswith("Agenda pack published: ")
    assert second["Subject"].startswith("Supplementary agenda published: ")
    text = smtp_server.text(second)
    assert "Key Stage 4 Recovery Plan" in text and "Corporate Risk Register" not in text
    assert "exempt" not in text


# Retries and the record ---------------------------------------------------------------------


def test_a_refused_send_is_tried_again_later_and_recorded(martin, smtp_server):
    with_email(martin)
    smtp_server.refuse = 1
    [delivery] = notify(
        "pack_published", [martin], context={"meeting": None, "issue_label": "agenda pack"}
    )
    from notifications.tasks import send_delivery

    assert send_delivery(delivery.pk) == DeliveryStatus.QUEUED
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and "451" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    call_command("send_notices")  # not due yet
    assert smtp_server.messages == []
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    call_command("send_notices")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert len(smtp_server.messages) == 1


def test_after_five_refusals_a_send_has_failed(martin, smtp_server):
    from notifications.tasks import send_delivery

    with_email(martin)
    smtp_server.refuse = 5
    [delivery] = notify(
        "pack_published", [martin], context={"meeting": None, "issue_label": "agenda pack"}
    )
    for _ in range(5):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        send_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 5, None)


def test_a_mail_server_that_is_away_loses_nothing(martin, settings):
    from notifications.tasks import send_delivery

    with_email(martin)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    [delivery] = notify(
        "pack_published", [martin], context={"meeting": None, "issue_label": "agenda pack"}
    )
    assert send_delivery(delivery.pk) == DeliveryStatus.QUEUED
    delivery.refresh_from_db()
    assert "ConnectionRefusedError" in delivery.last_error and delivery.subject


def test_the_record_can_be_read_but_not_changed_in_the_admin(client, admin_user, martin):
    with_email(martin)
    [delivery] = notify(
        "pack_published", [martin], context={"meeting": None, "issue_label": "agenda pack"}
    )
    client.force_login(admin_user)
    assert client.get("/admin/notifications/delivery/").status_code == 200
    assert client.get(f"/admin/notifications/delivery/{delivery.pk}/change/").status_code == 200
    assert client.post(f"/admin/notifications/delivery/{delivery.pk}/delete/").status_code == 403


# Password reset ------------------------------------------------------------------------------


def reset_link(smtp_server, address) -> str:
    [message] = smtp_server.to(address)
    return re.search(
        r"https://scorecard.lancashire.gov.uk(/accounts/password/reset/\S+/)",
        smtp_server.text(message),
    ).group(1)


def test_a_forgotten_password_is_reset_by_e_mail(
    client, alice, smtp_server, django_capture_on_commit_callbacks
):
    with_email(alice)
    assert "Forgotten your password?" in client.get("/accounts/login/").text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/reset/", {"email": "ALICE@lancashire.gov.uk"}, follow=True
        )
    assert "Check your e-mail" in response.text
    link = reset_link(smtp_server, "alice@lancashire.gov.uk")
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    short = client.post(
        form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert "This password is too short" in short.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long new passphrase 42", "new_password2": "a long new passphrase 42"},
        follow=True,
    )
    assert "Your password has been changed" in done.text
    signed_in = client.post(
        "/accounts/login/", {"username": "alice", "password": "a long new passphrase 42"}
    )
    assert signed_in.status_code == 302
    # The link worked once.
    client.logout()
    assert "This link has expired" in client.get(link, follow=True).text
    # The record keeps who and when, not the link.
    delivery = Delivery.objects.get(kind="password_reset")
    assert delivery.status == "sent"
    assert link not in delivery.text and "/accounts/password/reset/" not in delivery.text


def test_an_unknown_address_gets_the_same_page_and_no_e_mail(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/reset/", {"email": "nobody@example.gov.uk"}, follow=True
        )
    assert "Check your e-mail" in response.text
    assert smtp_server.messages == []


def test_a_bad_address_is_named(client):
    response = client.post("/accounts/password/reset/", {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.text


def test_reset_links_are_throttled_per_account_and_per_network(
    client, alice, smtp_server, settings, django_capture_on_commit_callbacks
):
    with_email(alice)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.post("/accounts/password/reset/", {"email": "alice@lancashire.gov.uk"})
    assert len(smtp_server.messages) == settings.PASSWORD_RESET_PER_HOUR == 3
    for n in range(5, settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR):
        client.post("/accounts/password/reset/", {"email": f"someone{n}@example.gov.uk"})
    refused = client.post("/accounts/password/reset/", {"email": "alice@lancashire.gov.uk"})
    assert refused.status_code == 429
    assert "too many requests to reset a password from your network" in refused.text


def test_no_reset_link_for_staff_who_must_sign_in_with_the_council_account(
    client, alice, martin, smtp_server, settings, django_capture_on_commit_callbacks
):
    with_email(alice, martin)
    settings.OIDC_ISSUER = "https://login.microsoftonline.com/0000-tenant/v2.0"
    settings.SSO_REQUIRED_FOR_STAFF = True
    with django_capture_on_commit_callbacks(execute=True):
        for address in ("alice@lancashire.gov.uk", "martin@lancashire.gov.uk"):
            response = client.post("/accounts/password/reset/", {"email": address}, follow=True)
            assert "Check your e-mail" in response.text
    assert [m["To"] for m in smtp_server.messages] == ["martin@lancashire.gov.uk"]
