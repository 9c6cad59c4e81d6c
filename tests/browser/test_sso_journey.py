"""Signing in with the council's account in a real browser: the button, the provider (a real
OpenID Connect provider on 127.0.0.1) and back, signed in with the account's own role."""

import socket

import pytest

from tests.browser.conftest import axe_violations, screenshot

BUTTON = "Sign in with your council account"


@pytest.fixture
def sso_site(demo_site, sso, settings):
    settings.SSO_REQUIRED_FOR_STAFF = True
    return demo_site


def test_an_officer_signs_in_through_the_provider_and_lands_on_their_return(sso_site, sso, page):
    page.goto(f"{sso_site}/accounts/login/")
    screenshot(page, "sign-in-sso")
    assert axe_violations(page) == []
    sso.will_say(email="Officer@Example.org", sub="officer-at-the-council")
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url("**/returns/**")
    assert page.get_by_role("button", name="Sign out").count() == 1
    # Signed in through the provider, the officer has no password here to change.
    assert page.get_by_role("link", name="Change password").count() == 0
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_a_member_asked_for_a_page_comes_back_to_it(sso_site, sso, page):
    page.goto(f"{sso_site}/risks/")
    page.wait_for_url("**/accounts/login/?next=/risks/")
    sso.will_say(email="member@example.org")
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url(f"{sso_site}/risks/")
    assert page.locator("h1").inner_text() != "Sign in"


def test_someone_without_an_account_is_told_to_ask_for_one(sso_site, sso, page, browser):
    sso.will_say(email="new.starter@example.org")
    page.goto(f"{sso_site}/accounts/login/")
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url("**/oidc/callback/**")
    assert page.locator("h1").inner_text() == "You do not have a Scorecard account"
    assert "Ask the performance team for an account" in page.locator("main").inner_text()
    screenshot(page, "sign-in-sso-no-account")
    assert axe_violations(page) == []

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    small = phone.new_page()
    small.goto(f"{sso_site}/accounts/login/")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(small, "sign-in-sso-phone")
    small.get_by_role("button", name=BUTTON).click()
    small.wait_for_url("**/oidc/callback/**")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(small, "sign-in-sso-no-account-phone")
    phone.close()


def test_an_officers_password_is_refused_with_the_way_in(sso_site, page):
    page.goto(f"{sso_site}/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("scorecard-demo")
    page.get_by_role("button", name="Sign in with a password").click()
    summary = page.locator(".govuk-error-summary")
    assert "Use the “Sign in with your council account” button" in summary.inner_text()
    # The summary's link goes to the button.
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "sso-sign-in"
    screenshot(page, "sign-in-sso-password-refused")
    assert axe_violations(page) == []


def test_a_provider_that_is_away_gets_a_clear_page(sso_site, settings, page):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        settings.OIDC_ISSUER = f"http://127.0.0.1:{s.getsockname()[1]}"
    page.goto(f"{sso_site}/accounts/login/")
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url("**/oidc/authenticate/")
    assert "is not working at the moment" in page.locator("h1").inner_text()
    screenshot(page, "sign-in-sso-provider-away")
    assert axe_violations(page) == []
