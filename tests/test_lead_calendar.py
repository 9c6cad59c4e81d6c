"""A lead's calendar address: the lead and the performance team turn it off or replace it,
and the old address stops working at once; nobody else can."""

import pytest
from django.test import Client

from recovery_plans.models import Lead

PASSWORD = "correct-horse-battery"


def _login(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def bobs_lead(bob):
    """Bob leads actions and has linked his login."""
    return Lead.objects.create(name="Bob Brown", job_title="Head of Reviews", user=bob)


def _settings(lead):
    return f"/recovery-plans/leads/{lead.pk}/calendar/"


def test_a_lead_turns_their_calendar_address_off_and_it_is_no_longer_found(client, bob, bobs_lead):
    old = bobs_lead.get_calendar_url()
    assert client.get(old).status_code == 200
    _login(client, bob)
    page = client.get(_settings(bobs_lead))
    assert page.status_code == 200 and old in page.content.decode()

    response = client.post(_settings(bobs_lead), {"action": "revoke"}, follow=True)
    text = response.content.decode()
    assert "The calendar address for Bob Brown is turned off." in text
    assert "This calendar address is turned off." in text and old not in text
    bobs_lead.refresh_from_db()
    assert bobs_lead.calendar_token is None
    client.logout()
    assert client.get(old).status_code == 404


def test_a_new_address_works_and_the_old_one_stops_working_at_once(client, bob, bobs_lead):
    old = bobs_lead.get_calendar_url()
    _login(client, bob)
    response = client.post(_settings(bobs_lead), {"action": "renew"}, follow=True)
    bobs_lead.refresh_from_db()
    new = bobs_lead.get_calendar_url()
    assert new != old
    text = response.content.decode()
    assert "Bob Brown has a new calendar address. The old address no longer works" in text
    assert new in text and old not in text
    client.logout()
    assert client.get(old).status_code == 404
    feed = client.get(new)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")


def test_a_turned_off_address_can_be_given_a_new_one(client, bob, bobs_lead):
    old = bobs_lead.get_calendar_url()
    _login(client, bob)
    client.post(_settings(bobs_lead), {"action": "revoke"})
    assert client.get(old).status_code == 404
    client.post(_settings(bobs_lead), {"action": "renew"})
    bobs_lead.refresh_from_db()
    assert bobs_lead.get_calendar_url() not in ("", old)
    assert client.get(bobs_lead.get_calendar_url()).status_code == 200
    assert client.get(old).status_code == 404


def test_the_performance_team_renews_any_leads_address(client, priya, bobs_lead):
    old = bobs_lead.get_calendar_url()
    _login(client, priya)
    assert client.get("/recovery-plans/due/").content.decode().count(_settings(bobs_lead)) == 1
    client.post(_settings(bobs_lead), {"action": "renew"})
    assert client.get(old).status_code == 404
    bobs_lead.refresh_from_db()
    assert client.get(bobs_lead.get_calendar_url()).status_code == 200


@pytest.mark.parametrize("attacker", ["alice", "clara", "martin", None])
@pytest.mark.parametrize("action", ["revoke", "renew"])
def test_nobody_else_can_turn_off_or_replace_someone_elses_calendar(
    request, client, bobs_lead, attacker, action
):
    token = bobs_lead.calendar_token
    if attacker:
        _login(client, request.getfixturevalue(attacker))
    page = client.get(_settings(bobs_lead))
    response = client.post(_settings(bobs_lead), {"action": action})
    if attacker:
        assert page.status_code == 403 and response.status_code == 403
        assert token not in page.content.decode()
    else:
        assert page.status_code == 302 and response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    bobs_lead.refresh_from_db()
    assert bobs_lead.calendar_token == token
    assert Client().get(bobs_lead.get_calendar_url()).status_code == 200


def test_a_forged_post_without_the_csrf_token_changes_nothing(bob, bobs_lead):
    token = bobs_lead.calendar_token
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(bob)
    assert browser.post(_settings(bobs_lead), {"action": "revoke"}).status_code == 403
    bobs_lead.refresh_from_db()
    assert bobs_lead.calendar_token == token


def test_an_unknown_choice_is_named_and_changes_nothing(client, bob, bobs_lead):
    token = bobs_lead.calendar_token
    _login(client, bob)
    response = client.post(_settings(bobs_lead), {"action": "delete"}, follow=True)
    assert "Choose whether to turn the address off or get a new one." in response.content.decode()
    bobs_lead.refresh_from_db()
    assert bobs_lead.calendar_token == token
