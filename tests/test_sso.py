"""Signing in with the council's identity provider (OpenID Connect), against a real provider
on 127.0.0.1 (tests/oidc), and the local passwords that single sign-on may switch off."""

import socket
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.sso import local_password_allowed
from tests.oidc import CLIENT_ID, at_provider, begin, sign_in

PASSWORD = "correct-horse-battery"


def signed_in_as(client) -> str | None:
    from django.contrib.auth import get_user

    user = get_user(client)
    return user.username if user.is_authenticated else None


def _with_email(user, email):
    user.email = email
    user.save()
    return user


@pytest.fixture
def alice_at_council(alice):
    return _with_email(alice, "alice.smith@lancashire.example.gov.uk")


# Off unless configured ------------------------------------------------------------------------


def test_without_configuration_there_is_no_button_and_no_way_in(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in page
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_the_sign_in_page_shows_the_providers_button(client, sso, db, settings):
    settings.OIDC_PROVIDER_NAME = "your Lancashire account"
    page = client.get("/accounts/login/?next=/risks/").content.decode()
    assert "Sign in with your Lancashire account" in page
    assert 'href="/oidc/authenticate/?next=%2Frisks%2F"' in page


# The way through the provider -----------------------------------------------------------------


def test_the_provider_signs_in_the_account_with_that_email_and_keeps_its_roles(
    client, sso, alice_at_council
):
    groups = set(alice_at_council.groups.values_list("name", flat=True))
    people = get_user_model().objects.count()
    sso.will_say(email="Alice.Smith@Lancashire.Example.GOV.UK", sub="a1")
    authorize = begin(client)
    # The request to the provider carries state, nonce and a PKCE challenge.
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(sso.issuer + "/authorize?")
    assert {"state", "nonce", "code_challenge"} <= set(query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    response = client.get(at_provider(authorize))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(client) == "alice"
    alice_at_council.refresh_from_db()
    assert set(alice_at_council.groups.values_list("name", flat=True)) == groups
    assert get_user_model().objects.count() == people


def test_signing_in_returns_to_the_page_asked_for(client, sso, alice_at_council):
    sso.will_say(email=alice_at_council.email)
    response = sign_in(client, "/oidc/authenticate/?next=/risks/")
    assert response["Location"] == "/risks/"
    sso.will_say(email=alice_at_council.email)
    client.logout()
    assert sign_in(client, "/oidc/authenticate/?next=https://evil.example/")["Location"] == "/"


def test_entra_s_preferred_username_is_used_when_there_is_no_email(client, sso, alice_at_council):
    sso.will_say(email=None, preferred_username="ALICE.SMITH@lancashire.example.gov.uk")
    assert sign_in(client).status_code == 302
    assert signed_in_as(client) == "alice"


def test_an_email_the_provider_calls_unverified_is_not_trusted(client, sso, alice_at_council):
    sso.will_say(email=alice_at_council.email, email_verified=False)
    response = sign_in(client)
    assert response.status_code == 403
    assert "gave no e-mail address" in response.content.decode()
    assert signed_in_as(client) is None


def test_an_email_with_no_account_is_refused_with_the_way_to_get_one(client, sso, alice):
    people = get_user_model().objects.count()
    sso.will_say(email="new.starter@lancashire.example.gov.uk")
    response = sign_in(client)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You do not have a Scorecard account" in page
    assert "new.starter@lancashire.example.gov.uk" in page
    assert "Ask the performance team for an account" in page
    assert signed_in_as(client) is None
    assert get_user_model().objects.count() == people


def test_an_inactive_account_is_refused(client, sso, alice_at_council):
    alice_at_council.is_active = False
    alice_at_council.save()
    sso.will_say(email=alice_at_council.email)
    response = sign_in(client)
    assert response.status_code == 403
    assert "switched off" in response.content.decode()
    assert signed_in_as(client) is None


def test_two_accounts_with_the_email_are_refused_never_one_picked(
    client, sso, alice_at_council, bob
):
    _with_email(bob, alice_at_council.email.upper())
    sso.will_say(email=alice_at_council.email)
    response = sign_in(client)
    assert response.status_code == 403
    assert "more than one account" in response.content.decode()
    assert signed_in_as(client) is None


def test_an_account_switched_off_after_signing_in_is_signed_out(client, sso, alice_at_council):
    sso.will_say(email=alice_at_council.email)
    sign_in(client)
    assert signed_in_as(client) == "alice"
    get_user_model().objects.filter(pk=alice_at_council.pk).update(is_active=False)
    assert signed_in_as(client) is None


# Answers that are not for this sign-in --------------------------------------------------------


def _refused(response) -> None:
    assert response.status_code == 400
    assert "Signing in did not finish" in response.content.decode()


def test_a_callback_for_no_sign_in_begun_here_is_refused(client, sso, alice_at_council):
    sso.will_say(email=alice_at_council.email)
    callback = at_provider(begin(Client()))  # begun in another browser
    _refused(client.get(callback))
    _refused(client.get("/oidc/callback/?code=anything&state=forged"))
    assert signed_in_as(client) is None


def test_a_tampered_state_is_refused(client, sso, alice_at_council):
    sso.will_say(email=alice_at_council.email)
    callback = urlsplit(at_provider(begin(client)))
    query = parse_qs(callback.query)
    query["state"] = [query["state"][0] + "x"]
    _refused(client.get(f"{callback.path}?{urlencode(query, doseq=True)}"))
    assert signed_in_as(client) is None


def test_a_token_with_another_nonce_is_refused(client, sso, alice_at_council):
    sso.will_say(email=alice_at_council.email)
    authorize = urlsplit(begin(client))
    query = parse_qs(authorize.query)
    query["nonce"] = ["a-nonce-this-browser-never-asked-for"]
    tampered = urlunsplit(authorize._replace(query=urlencode(query, doseq=True)))
    _refused(client.get(at_provider(tampered)))
    assert signed_in_as(client) is None


def test_an_answer_is_used_once(client, sso, alice_at_council):
    sso.will_say(email=alice_at_council.email)
    callback = at_provider(begin(client))
    assert client.get(callback).status_code == 302
    client.logout()
    _refused(client.get(callback))
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    "claims",
    [{"aud": "another-application"}, {"iss": "https://login.example.net/other/v2.0"}],
    ids=["another client", "another issuer"],
)
def test_a_token_meant_for_another_client_or_from_another_issuer_is_refused(
    client, sso, alice_at_council, claims
):
    sso.will_say(email=alice_at_council.email, **claims)
    _refused(sign_in(client))
    assert signed_in_as(client) is None


def test_an_expired_token_is_refused(client, sso, alice_at_council):
    import time

    sso.will_say(email=alice_at_council.email, exp=int(time.time()) - 600)
    _refused(sign_in(client))
    assert signed_in_as(client) is None


def test_with_single_sign_on_on_anyone_may_set_off_and_a_bare_callback_is_refused(
    sso, alice, priya, clara, martin
):
    for person in (None, alice, priya, clara, martin):
        client = Client()
        if person:
            client.force_login(person)
        response = client.get("/oidc/authenticate/")
        assert response.status_code == 302
        assert response["Location"].startswith(sso.issuer + "/authorize?")
        assert client.get("/oidc/callback/").status_code == 400
        # Setting off to the provider needs no POST; a POST is refused without its token.
        assert Client(enforce_csrf_checks=True).post("/oidc/authenticate/").status_code == 403


def test_the_provider_refusing_the_person_is_said_plainly(client, sso, alice_at_council):
    authorize = parse_qs(urlsplit(begin(client)).query)
    state = authorize["state"][0]
    _refused(client.get(f"/oidc/callback/?error=access_denied&state={state}"))
    assert signed_in_as(client) is None


# A provider that is away ----------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_provider_that_is_away_gets_a_clear_page_and_the_app_runs_on(client, sso, settings, db):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{_closed_port()}"
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Signing in with your council account is not working at the moment" in page
    assert "Try again in a few minutes" in page
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 200


def test_a_provider_that_goes_away_before_the_callback_gets_the_same_page(
    client, sso, alice_at_council, monkeypatch
):
    from accounts import sso as sso_module

    sso.will_say(email=alice_at_council.email)
    callback = at_provider(begin(client))
    # The discovery document is cached; the provider's token endpoint is now unreachable.
    found = sso_module.provider()
    away = found.__class__(
        **{**found.__dict__, "token_endpoint": f"http://127.0.0.1:{_closed_port()}/token"}
    )
    monkeypatch.setattr(sso_module, "provider", lambda: away)
    response = client.get(callback)
    assert response.status_code == 503
    assert "not working at the moment" in response.content.decode()
    assert signed_in_as(client) is None


def test_the_discovery_document_is_fetched_once_and_kept(client, sso, alice_at_council):
    import requests

    from accounts import sso as sso_module

    calls = []
    real_get = requests.get

    def counting_get(url, *args, **kwargs):
        calls.append(url)
        return real_get(url, *args, **kwargs)

    sso_module.forget_provider()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sso_module.requests, "get", counting_get)
        for _ in range(3):
            begin(client)
    assert calls == [sso.issuer + "/.well-known/openid-configuration"]


# Local passwords ------------------------------------------------------------------------------


def _password(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.fixture
def staff_passwords_off(sso, settings):
    settings.SSO_REQUIRED_FOR_STAFF = True
    return sso


def test_staff_passwords_are_refused_with_the_way_in_when_switched_off(
    client, staff_passwords_off, alice, priya, clara
):
    for person in ("alice", "priya", "clara"):
        response = _password(client, person)
        assert response.status_code == 200, person
        page = response.content.decode()
        assert (
            "Use the “Sign in with your council account” button: your Scorecard account "
            "does not sign in with a password." in page
        )
        assert 'href="#sso-sign-in"' in page
        assert signed_in_as(client) is None


def test_committee_members_keep_their_passwords(client, staff_passwords_off, martin):
    assert _password(client, "martin").status_code == 302
    assert signed_in_as(client) == "martin"


def test_a_wrong_password_says_only_that_it_is_wrong(client, staff_passwords_off, alice):
    page = _password(client, "alice", "guess").content.decode()
    assert "Your username and password didn't match" in page
    assert "does not sign in with a password" not in page


def test_superusers_keep_a_password_only_through_the_break_glass_setting(
    client, staff_passwords_off, settings, db
):
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    assert _password(client, "root").status_code == 200
    assert signed_in_as(client) is None
    settings.SSO_SUPERUSER_PASSWORDS = True
    assert _password(client, "root").status_code == 302
    assert signed_in_as(client) == "root"


def test_the_admin_sign_in_refuses_staff_passwords_too(client, staff_passwords_off, priya):
    # The admin sends people to the app's sign-in page, with the provider's button...
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    # ...and a password posted to it directly is refused by the backend all the same.
    client.post("/admin/login/", {"username": "priya", "password": PASSWORD})
    assert signed_in_as(client) is None


def test_a_password_session_ends_when_passwords_are_switched_off(client, sso, settings, alice):
    assert _password(client, "alice").status_code == 302
    assert client.get("/returns/").status_code == 200
    settings.SSO_REQUIRED_FOR_STAFF = True
    assert signed_in_as(client) is None
    assert client.get("/returns/").status_code == 302


def test_throttling_still_counts_refused_staff_passwords(staff_passwords_off, alice):
    client = Client(REMOTE_ADDR="203.0.113.44")
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        assert _password(client, "alice", "guess").status_code == 200
    # The right password, refused because it must not be used, counts as a failure too:
    # the next attempt is the last before the pause.
    assert _password(client, "alice").status_code == 200
    assert _password(client, "alice").status_code == 429


def test_staff_who_sign_in_through_the_provider_are_offered_no_password_change(
    client, staff_passwords_off, alice_at_council
):
    staff_passwords_off.will_say(email=alice_at_council.email)
    sign_in(client)
    page = client.get("/risks/").content.decode()
    assert "Change password" not in page
    refused = client.get("/accounts/password/")
    assert refused.status_code == 403
    assert "Scorecard keeps no password of yours to change" in refused.content.decode()


def test_local_password_allowed_is_the_rule_for_every_kind_of_account(
    settings, sso, alice, priya, clara, martin
):
    superuser = get_user_model().objects.create_superuser("root", password=PASSWORD)
    no_role = get_user_model().objects.create_user("resident", password=PASSWORD)
    helper = get_user_model().objects.create_user("helper", password=PASSWORD, is_staff=True)
    everyone = [alice, priya, clara, martin, superuser, no_role, helper]
    assert all(local_password_allowed(u) for u in everyone)
    settings.SSO_REQUIRED_FOR_STAFF = True
    allowed = {u.username for u in everyone if local_password_allowed(u)}
    assert allowed == {"martin", "resident"}
    settings.SSO_SUPERUSER_PASSWORDS = True
    assert {u.username for u in everyone if local_password_allowed(u)} == {
        "martin",
        "resident",
        "root",
    }
    # Without single sign-on configured, nobody loses their password.
    settings.OIDC_ISSUER = ""
    assert all(local_password_allowed(u) for u in everyone)
