"""GOV.UK Frontend's JavaScript runs under the app's Content-Security-Policy: on a phone
the service navigation folds behind a Menu button, and a refused form moves focus to its
error summary."""

from tests.browser.conftest import axe_violations, screenshot


def test_on_a_phone_the_navigation_folds_behind_a_menu_button(demo_site, page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{demo_site}/scorecard/")
    menu = page.get_by_role("button", name="Menu")
    menu.wait_for()
    assert not page.locator("#navigation").is_visible()
    # The header and navigation take a strip of the screen, not a third of it.
    heading = page.locator("h1").bounding_box()
    assert heading["y"] < 160
    screenshot(page, "navigation-phone-closed")
    assert axe_violations(page) == []
    menu.click()
    assert page.get_by_role("link", name="Meetings").is_visible()
    assert menu.get_attribute("aria-expanded") == "true"
    screenshot(page, "navigation-phone-open")
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 1280, "height": 800})
    assert not menu.is_visible()
    assert page.get_by_role("link", name="Meetings").is_visible()
    assert page.console_errors == []


def test_a_refused_sign_in_moves_focus_to_the_error_summary(demo_site, page):
    page.goto(f"{demo_site}/accounts/login/")
    page.fill("#id_username", "member")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains('govuk-error-summary')"
    )
    # Its link takes the reader to the field.
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_the_help_page_reads_well_on_a_phone(demo_site, page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{demo_site}/scorecard/")
    page.get_by_role("link", name="What the words mean").click()
    page.wait_for_url("**/help/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "help-phone")
    assert axe_violations(page) == []
