"""The heat map in a real browser: every entry in its cell, reachable by keyboard."""

import re

from tests.browser.conftest import axe_violations, screenshot


def test_heat_map_entries_are_in_their_cells_and_reachable_by_keyboard(
    live_server, transactional_db, page, martin
):
    from risks.demo import load_register
    from risks.models import Entry

    load_register()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "martin")
    page.fill("#id_password", "correct-horse-battery")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/risks/heatmap/")
    # Risks and opportunities each have their grid, with the axes named on the page.
    for kind in ("risk", "opportunity"):
        grid = page.locator(f".app-heatmap--{kind}")
        assert grid.locator(".app-heatmap__cell").count() == 25
        assert "Likelihood" in grid.inner_text() and "Impact" in grid.inner_text()
    for entry in Entry.objects.all():
        grid = page.locator(f".app-heatmap--{entry.kind}")
        row = 5 - entry.residual_impact  # highest impact first
        cell = grid.locator(".app-heatmap__cell").nth(row * 5 + entry.residual_likelihood - 1)
        link = cell.locator(".app-heatmap__entry").filter(
            has=page.locator(".app-heatmap__code", has_text=re.compile(f"^{entry.reference}$"))
        )
        assert link.count() == 1
        # The start of the title is shown beside the reference, not only on hover.
        assert entry.title.split()[0] in link.inner_text()
        assert cell.inner_text().startswith(str(entry.residual_score))
    opportunity = page.locator(".app-heatmap--opportunity .app-heatmap__cell").first
    assert "opportunity-" in opportunity.get_attribute("class")
    reached = set()
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.className + '|' + "
            "(document.activeElement.querySelector('.app-heatmap__code') || {}).textContent"
        )
        if focused.startswith("app-heatmap__entry|"):
            reached.add(focused.split("|", 1)[1])
    assert reached == {e.reference for e in Entry.objects.all()}
    # A focused GOV.UK link drops its underline for the focus style; axe judges links at rest.
    page.evaluate("document.activeElement.blur()")
    screenshot(page, "risk-heatmap")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/risks/")
    assert axe_violations(page) == []
