"""The performance team sets a quarter's timetable and officers see it on their return, in a
real browser, on a desktop and on a phone."""

import time
from datetime import UTC, datetime

import time_machine

from indicators.models import Section, Service
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_return_journey import sign_in, sign_out

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def both_sizes(page, name):
    """Axe-checks the page and keeps a screenshot at desktop and phone widths."""
    for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], f"{name} at {suffix}"
        screenshot(page, f"{name}-{suffix}")
        # Nothing spills off the side of a phone: a wide table scrolls in its own box.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} at {suffix} is {width} px wide"
    page.set_viewport_size(DESKTOP)


def test_the_team_sets_the_timetable_and_officers_see_when_it_is_due(
    live_server, transactional_db, page, alice, bob, priya, smtp_server, settings
):
    from indicators.services import save_indicator

    for user in (alice, bob):
        user.email = f"{user.username}@lancashire.gov.uk"
        user.save()

    section = Section.objects.create(name="Start Well", order=1)
    service = Service.objects.create(name="Children's Social Care")
    for reference, title, owner in (
        ("SW02", "Contacts that lead to a referral", alice),
        ("SW05", "Referrals that are re-referrals", alice),
        ("SW06", "Children looked after", bob),
    ):
        save_indicator(
            reference=reference,
            title=title,
            unit="percentage",
            decimal_places=1,
            polarity="high",
            frequency="quarterly",
            section=section,
            service=service,
            owner=owner,
        )
    site = live_server.url
    # Wednesday 17 January 2018, while Q3 2017/18's returns are open.
    with time_machine.travel(datetime(2018, 1, 17, 10, tzinfo=UTC)):
        sign_in(page, site, "priya")
        page.goto(f"{site}/returns/?year=2017-18&period=Q3")
        page.get_by_role("link", name="Set the timetable for Q3 2017/18").click()
        page.get_by_role("heading", name="Timetable for Q3 2017/18").wait_for()
        assert page.input_value("#id_due_on_0") == "22"  # the rule's date, to start from
        both_sizes(page, "timetable-form")

        # A date with no month is refused, naming the field, and nothing typed is lost.
        page.fill("#id_due_on_0", "19")
        page.fill("#id_due_on_1", "")
        page.get_by_role("button", name="Save the timetable").click()
        page.locator(".govuk-error-summary").get_by_text(
            "Returns due must include a month"
        ).wait_for()
        assert page.input_value("#id_due_on_0") == "19"
        both_sizes(page, "timetable-form-error")

        page.fill("#id_due_on_1", "1")
        page.fill("#id_sign_off_on_0", "26")
        page.get_by_role("button", name="Save the timetable").click()
        page.get_by_text("The timetable for Q3 2017/18 is saved.").wait_for()
        timetable = page.locator(".app-timetable")
        assert "Friday 19 January 2018" in timetable.inner_text()
        assert timetable.locator(".govuk-tag").inner_text() == "Due in 2 working days"
        progress = page.locator("table.app-progress").first
        assert "alice" in progress.inner_text() and "bob" in progress.inner_text()
        both_sizes(page, "review-timetable")

        # Chase: nothing is sent until the box is ticked; then both officers are e-mailed.
        chase = page.locator("form", has=page.get_by_role("button", name="Chase"))
        chase.get_by_role("button", name="Chase").click()
        page.get_by_text("Confirm: tick the box to send the chase.").wait_for()
        assert smtp_server.messages == []
        page.get_by_label("Send the chase to the officers with figures outstanding").check()
        page.get_by_role("button", name="Chase").click()
        page.get_by_text("2 officers chased.").wait_for()
        deadline = time.monotonic() + 10
        while len(smtp_server.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sorted(m["To"] for m in smtp_server.messages) == [
            "alice@lancashire.gov.uk",
            "bob@lancashire.gov.uk",
        ]
        both_sizes(page, "review-chased")
        sign_out(page)

        sign_in(page, site, "alice")
        page.goto(f"{site}/returns/?year=2017-18&period=Q3")
        timetable = page.locator(".app-timetable")
        assert "Returns due" in timetable.inner_text()
        assert "Friday 19 January 2018" in timetable.inner_text()
        assert timetable.locator(".govuk-tag").inner_text() == "Due in 2 working days"
        page.get_by_text("2 of your 2 figures for Q3 2017/18 are still to be submitted").wait_for()
        both_sizes(page, "returns-timetable")
