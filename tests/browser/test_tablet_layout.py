"""The scorecard on a tablet and a phone: nothing off the side of the screen (WCAG 1.4.10),
each measure a card with its figures, rating and direction in words."""

import pytest

from tests.browser.conftest import axe_violations, screenshot


@pytest.mark.parametrize("width", [390, 820])
def test_the_scorecard_fits_the_screen_as_cards(demo_site, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{demo_site}/scorecard/")
    page.locator(".scorecard-table").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    card = page.locator(".scorecard-table tbody tr").filter(has_text="SW02").first
    # Each figure is labelled with its column's name, drawn before it.
    labels = card.evaluate(
        """row => [...row.querySelectorAll('td')].map(
            td => getComputedStyle(td, '::before').content)"""
    )
    for label in ("Rating", "Direction of travel", "Target", "England average"):
        assert f'"{label}: "' in labels
    assert "Slightly below" in card.inner_text()
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    screenshot(page, f"scorecard-{width}")
    assert axe_violations(page) == []


def test_on_a_laptop_it_is_one_table_that_scrolls_in_its_box(demo_site, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{demo_site}/scorecard/")
    header = page.locator(".scorecard-table thead").first
    assert header.bounding_box()["height"] > 1  # column headings shown, not cards
    # The page itself does not scroll sideways; the table does, in its box, with a
    # shadow at the edge that hides columns.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("box => box.scrollWidth > box.clientWidth")
    assert "radial-gradient" in wrap.evaluate("box => getComputedStyle(box).backgroundImage")
    screenshot(page, "scorecard-1366")
    assert axe_violations(page) == []
