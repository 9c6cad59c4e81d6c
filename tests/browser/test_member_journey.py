"""A committee member's journey through the scorecard, in a real browser."""

import csv
import io
import json

from openpyxl import load_workbook

from tests.browser.conftest import axe_violations, screenshot


def test_member_reads_the_scorecard_filters_it_and_opens_an_indicator(demo_site, page):
    page.goto(f"{demo_site}/")
    assert page.title().startswith("Corporate scorecard Q4 2017/18")
    summary = page.locator("#summary").inner_text()
    assert "indicators" in summary and "require improvement" in summary
    screenshot(page, "scorecard")
    assert axe_violations(page) == []

    page.get_by_role("link", name="require improvement").click()
    page.wait_for_url("**/scorecard/?rag=red")
    ratings = page.locator(".app-scorecard tbody td:nth-child(8)").all_inner_texts()
    assert ratings and all("Requires improvement" in r for r in ratings)
    screenshot(page, "scorecard-requires-improvement")
    assert axe_violations(page) == []

    page.get_by_role(
        "link", name="Percentage of completed assessments which took over 45 days", exact=True
    ).click()
    page.wait_for_selector("#trend-chart .main-svg")
    assert page.locator("h1").inner_text() == (
        "Percentage of completed assessments which took over 45 days"
    )
    # A chart per kind of period: the quarters first (the indicator's own frequency),
    # then the month and the years, so a year's figure is never read as a quarter's.
    charts = page.locator("[data-chart-source^='trend-data']")
    titles = page.locator(".app-chart h3").all_inner_texts()
    assert titles[0] == "Quarter figures" and "Financial year figures" in titles
    drawn = expected = 0
    for index in range(charts.count()):
        chart = charts.nth(index)
        source = chart.get_attribute("data-chart-source")
        figure = json.loads(page.locator(f"#{source}").text_content())
        expected += sum(
            len([y for y in trace["y"] if y is not None])
            for trace in figure["data"]
            if "markers" in trace.get("mode", "")
        )
        chart.locator(".main-svg").first.wait_for()
        drawn += chart.locator(".scatterlayer path.point").count()
    # Six figures (Dec 2016, three quarters, two years) and four comparator points.
    assert drawn == expected == 10
    # Every comparator the charts draw is also in words, in a table.
    assert page.locator("#comparators + .table-wrap tbody tr").count() == 4
    page.locator("#trend-chart").focus()
    assert page.evaluate("document.activeElement.id") == "trend-chart"
    screenshot(page, "indicator")
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_member_downloads_both_exports_of_the_filtered_list(demo_site, page):
    page.goto(f"{demo_site}/scorecard/?rag=green")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert len(rows) > 1
    ratings = {row[rows[0].index("Rating")] for row in rows[1:]}
    assert ratings == {"On track"}
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    # The same indicators and ratings; the workbook holds the figures as numbers.
    header = [c.value for c in sheet[1]]
    assert [
        [row[header.index(column)].value for column in ("Reference", "Rating")]
        for row in sheet.iter_rows(min_row=2)
    ] == [[row[rows[0].index(column)] for column in ("Reference", "Rating")] for row in rows[1:]]


def test_scorecard_reads_on_a_360_pixel_phone(demo_site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{demo_site}/scorecard/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Each figure carries its column's name on a phone, the name of its column's heading.
    named = page.locator(".app-scorecard").first.evaluate(
        """table => {
          const headings = [...table.querySelectorAll("thead th a")].map(
            a => a.firstChild.textContent.trim());
          const cells = [...table.querySelector("tbody tr").children].slice(1);
          return cells.map((cell, n) => [headings[n + 1],
            getComputedStyle(cell, "::before").content, getComputedStyle(cell).textAlign]);
        }"""
    )
    assert len(named) >= 12
    for heading, label, align in named:
        assert label == f'"{heading}: "', (heading, label)
        # A card reads down its left edge: no figure pushed to the right beside its name.
        assert align in ("left", "start"), (heading, align)
    screenshot(page, "scorecard-phone")
    assert axe_violations(page) == []
    context.close()
