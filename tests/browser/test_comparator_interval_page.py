"""A benchmark published with its confidence interval and the council's rank, as a reader
sees it on the scorecard and the indicator page at desktop, tablet and phone widths: the
figure, interval, rank and period together, nothing off screen, nothing axe finds."""

import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.factories import obese_adults

PRINTED = "13.8% (95% CI 13.1% to 14.5%); 110th of 150 (2016/17)"


@pytest.fixture
def site(live_server, transactional_db, make_indicator):
    obese_adults(make_indicator)
    return live_server.url


def test_the_comparator_reads_with_its_interval_rank_and_period_at_every_width(site, page):
    page.goto(f"{site}/scorecard/?year=2017/18&period=Q4")
    row = page.locator(".scorecard-table tbody tr").filter(has_text="Obese adults").first
    for width in (1366, 820, 390):
        page.set_viewport_size({"width": width, "height": 900})
        cell = row.locator("td").filter(has_text="95% CI")
        assert " ".join(cell.inner_text().split()) == PRINTED, width
        if width < 1000:
            # A card: the figure is labelled with its comparator's name, and fits.
            label = cell.evaluate("td => getComputedStyle(td, '::before').content")
            assert label == '"England average: "', width
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"comparator-interval-scorecard-{width}")
        assert axe_violations(page) == [], width

    for width in (1366, 820, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{site}/indicators/LW03/")
        table = page.locator("table").filter(has_text="95% CI").first
        text = " ".join(table.inner_text().split())
        assert "England average 2016/17 13.8% (95% CI 13.1% to 14.5%) 110th of 150" in text
        assert "OHID Fingertips, May 2018" in text
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"comparator-interval-indicator-{width}")
        assert axe_violations(page) == [], width
