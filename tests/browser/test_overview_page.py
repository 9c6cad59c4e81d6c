"""The quarter at a glance in a real browser, as a councillor reads it at desktop, tablet and
phone widths: nothing off screen, nothing axe finds, and the way from a red measure to why."""

from tests.browser.conftest import axe_violations, screenshot


def test_the_overview_reads_at_every_width(demo_site, page):
    page.goto(f"{demo_site}/scorecard/")
    page.get_by_role("link", name="The quarter at a glance").click()
    assert page.get_by_role("heading", name="The quarter at a glance: Q4 2017/18").is_visible()
    for width in (1366, 820, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"overview-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == [], width
    red = page.locator(".app-overview__red").first
    assert "Requires improvement" in red.inner_text()
    red.get_by_role("link", name="Recovery plan needed").click()
    page.wait_for_load_state()
    assert "/indicators/SW06/" in page.url
