"""A councillor who forgot their password resets it by e-mail, in a real browser, through
a real SMTP server; then chooses which e-mails they receive."""

import re

import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import _user


@pytest.fixture
def councillor_site(live_server, transactional_db, settings):
    from indicators.roles import COMMITTEE_MEMBER

    settings.SITE_URL = live_server.url
    martin = _user("martin", COMMITTEE_MEMBER, staff=False)
    martin.email, martin.first_name = "martin.green@lancashire.gov.uk", "Martin"
    martin.save()
    return live_server.url


def _no_violations(page, name):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{width}")
        assert axe_violations(page) == [], (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_forgotten_password_is_reset_by_e_mail_and_e_mails_are_chosen(
    councillor_site, page, smtp_server
):
    site = councillor_site
    page.goto(f"{site}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    # A mistyped address is named, and what was typed is kept.
    page.get_by_label("Email address").fill("martin.green@lancashire")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_load_state()
    assert (
        "Enter an email address in the correct format"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert page.get_by_label("Email address").input_value() == "martin.green@lancashire"
    _no_violations(page, "password-reset-error")

    page.get_by_label("Email address").fill("Martin.Green@lancashire.gov.uk")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    _no_violations(page, "password-reset-sent")

    [message] = smtp_server.messages
    assert message["To"] == "martin.green@lancashire.gov.uk"
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(http://\S+/accounts/password/reset/\S+/)", text).group(1)
    page.goto(link)
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    page.get_by_label("New password", exact=True).fill("password1")
    page.get_by_label("Confirm new password").fill("password1")
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_load_state()
    assert "too common" in page.locator(".govuk-error-summary").inner_text()
    _no_violations(page, "password-reset-choose")
    page.get_by_label("New password", exact=True).fill("Pendle Hill at sunrise 1887")
    page.get_by_label("Confirm new password").fill("Pendle Hill at sunrise 1887")
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your password has been changed").is_visible()

    page.get_by_role("link", name="Sign in").last.click()
    page.fill("#id_username", "martin")
    page.fill("#id_password", "Pendle Hill at sunrise 1887")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_role("button", name=re.compile("Sign out")).is_visible()

    page.get_by_role("link", name="E-mails").click()
    assert page.get_by_role("heading", name="E-mails you receive").is_visible()
    box = page.get_by_label("Agenda papers published")
    assert box.is_checked()
    _no_violations(page, "notification-settings")
    box.uncheck()
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_load_state()
    assert "Your e-mail choices have been saved." in page.locator("main").inner_text()
    assert not page.get_by_label("Agenda papers published").is_checked()
    assert "Resetting your password" in page.locator(".govuk-summary-list").inner_text()
