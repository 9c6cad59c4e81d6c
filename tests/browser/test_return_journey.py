"""An officer's return through to publication, in a real browser."""

from decimal import Decimal

from indicators.models import Indicator, Section, Service, Value
from tests.browser.conftest import axe_violations, screenshot

PASSWORD = "correct-horse-battery"


def sign_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def look_at_both_widths(page, name: str) -> None:
    """Accessible, and no wider than the screen, on a desktop and on a phone."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{width}")
        assert axe_violations(page) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})


def test_return_from_entry_to_publication(
    live_server, transactional_db, page, alice, priya, martin
):
    from indicators.periods import parse_period
    from indicators.services import save_indicator, set_target

    section = Section.objects.create(name="Start Well", order=1)
    service = Service.objects.create(name="Children's Social Care")
    for reference, title in (
        ("SW02", "Contacts that lead to a referral"),
        ("SW05", "Referrals that are re-referrals"),
    ):
        indicator = save_indicator(
            reference=reference,
            title=title,
            unit="percentage",
            decimal_places=1,
            polarity="high",
            frequency="quarterly",
            section=section,
            service=service,
            owner=alice,
        )
        set_target(
            indicator=indicator, year=parse_period("2017/18"), kind="year_end", value=Decimal(30)
        )
    site = live_server.url

    # Before publication a member sees nothing for the quarter.
    sign_in(page, site, "martin")
    page.goto(f"{site}/scorecard/?year=2017/18&period=Q3")
    assert "34.8%" not in page.content()
    sign_out(page)

    # The officer fills the return; the rating updates while typing.
    sign_in(page, site, "alice")
    page.goto(f"{site}/returns/2017-18/Q3/")
    page.fill("#id_l0-value", "34.8%")
    rating = page.locator(".app-live-rating").first
    rating.filter(has_text="On track").wait_for()
    page.fill("#id_l0-issues", "A third of all contacts came from the **police**.")
    page.fill("#id_l1-value", "12.0%")
    screenshot(page, "return-form")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Submit to the performance team").click()
    # 12.0% requires improvement: it goes with its causes and actions, as papers give them.
    summary = page.locator(".govuk-error-summary")
    summary.get_by_text(
        "SW05 Q3 2017/18 requires improvement: give its causes and actions"
    ).wait_for()
    assert page.input_value("#id_l1-value") == "12.0%"  # nothing typed is lost
    assert page.input_value("#id_l0-value") == "34.8%"
    page.fill("#id_l1-causes", "A change in how re-referrals are counted.")
    page.fill("#id_l1-actions", "Recount from the LCS extract by the end of January.")
    page.get_by_role("button", name="Submit to the performance team").click()
    # Before anything is submitted, the officer checks what will go.
    page.get_by_role("heading", name="Check your figures before submitting them").wait_for()
    checked = page.locator(".govuk-summary-list").first
    assert "34.8%" in checked.inner_text() and "On track" in checked.inner_text()
    assert "12.0%" in checked.inner_text() and "Requires improvement" in checked.inner_text()
    assert not Value.objects.exists()
    look_at_both_widths(page, "return-check")
    # "Change" goes back to that line with everything typed still there.
    page.get_by_role("button", name="Change SW05 Q3 2017/18").click()
    page.wait_for_url("**#id_l1-value")
    assert page.input_value("#id_l1-value") == "12.0%"
    assert page.input_value("#id_l1-causes") == "A change in how re-referrals are counted."
    page.get_by_role("button", name="Submit to the performance team").click()
    page.get_by_role("button", name="Submit these 2 figures").click()
    page.get_by_text("2 figures submitted.").wait_for()
    sign_out(page)

    # The performance team returns one figure with a reason.
    sign_in(page, site, "priya")
    page.goto(f"{site}/returns/2017-18/Q3/review/")
    row = page.locator("tr", has_text="SW05 · Q3 2017/18")
    assert "Requires improvement" in row.inner_text()
    row.get_by_text("A change in how re-referrals are counted.").first.click()  # the details
    assert row.get_by_text("Recount from the LCS extract").is_visible()
    row.get_by_text("Return SW05 Q3 2017/18 to its officer").click()
    look_at_both_widths(page, "return-review")
    row.get_by_label("Why are you returning SW05 Q3 2017/18?").fill(
        "12% looks low: check the LCS extract"
    )
    row.get_by_role("button", name="Return SW05 Q3 2017/18").click()
    page.get_by_text("SW05 Q3 2017/18 returned to its officer.").wait_for()
    sign_out(page)

    # The officer sees why, corrects it and resubmits.
    sign_in(page, site, "alice")
    page.goto(f"{site}/returns/")
    assert "12% looks low" in page.content()
    page.goto(f"{site}/returns/2017-18/Q3/")
    page.fill("#id_l1-value", "21.0%")
    page.get_by_role("button", name="Submit to the performance team").click()
    page.get_by_role("button", name="Submit this figure").click()
    page.get_by_text("1 figure submitted.").wait_for()
    sign_out(page)

    # The team signs both off and publishes the quarter.
    sign_in(page, site, "priya")
    page.goto(f"{site}/returns/2017-18/Q3/review/")
    page.get_by_label("Select all").check()
    assert all(box.is_checked() for box in page.locator("input[name=line]").all())
    page.get_by_label("Sign off SW02 Q3 2017/18").uncheck()
    assert page.evaluate("document.querySelector('#select-all').indeterminate")
    page.get_by_label("Select all").check()
    page.get_by_role("button", name="Sign off the chosen figures").click()
    page.get_by_text("2 figures signed off.").wait_for()
    page.get_by_label("I have checked what is not yet signed off").check()
    page.get_by_role("button", name="Publish Q3 2017/18").click()
    page.get_by_text("Q3 2017/18 published: 2 figures now public.").wait_for()
    sign_out(page)

    # Now the member sees the figures, with the officer's commentary.
    sign_in(page, site, "martin")
    page.goto(f"{site}/scorecard/?year=2017/18&period=Q3")
    text = page.content()
    assert "34.8%" in text and "21.0%" in text
    page.get_by_role("link", name="Contacts that lead to a referral").click()
    assert page.locator("strong", has_text="police").count() == 1
    assert Indicator.objects.count() == 2


def test_the_check_page_lists_what_stays_behind_and_going_back_keeps_it(
    live_server, transactional_db, page, alice
):
    section = Section.objects.create(name="Start Well", order=1)
    service = Service.objects.create(name="Children's Social Care")
    from indicators.services import save_indicator

    for reference, title in (("SW02", "Contacts"), ("SW05", "Re-referrals")):
        save_indicator(
            reference=reference,
            title=title,
            unit="percentage",
            decimal_places=1,
            polarity="high",
            frequency="quarterly",
            section=section,
            service=service,
            owner=alice,
        )
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/returns/2017-18/Q3/")
    page.fill("#id_l0-value", "34.8%")
    page.fill("#id_l0-issues", "Line one\nLine two")
    page.get_by_role("button", name="Submit to the performance team").click()
    left = page.locator(".govuk-summary-list").nth(1)
    assert "Re-referrals" in left.inner_text() and "Not started" in left.inner_text()
    look_at_both_widths(page, "return-check-not-submitted")
    page.get_by_role("button", name="Go back").click()
    assert page.input_value("#id_l0-value") == "34.8%"
    assert page.input_value("#id_l0-issues") == "Line one\nLine two"
    assert not Value.objects.exists()
