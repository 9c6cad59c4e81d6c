"""The heat map in a real browser: every entry in its cell, reachable by keyboard."""

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
    cells = page.locator(".app-heatmap__cell")
    assert cells.count() == 25
    for entry in Entry.objects.all():
        row = 5 - entry.residual_impact  # highest impact first
        cell = cells.nth(row * 5 + entry.residual_likelihood - 1)
        assert cell.get_by_role("link", name=entry.reference, exact=True).count() == 1
        assert f"{entry.residual_score} ·" in cell.inner_text()
    reached = set()
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.className + '|' + document.activeElement.textContent"
        )
        if focused.startswith("app-heatmap__entry|"):
            reached.add(focused.split("|", 1)[1])
    assert reached == {e.reference for e in Entry.objects.all()}
    screenshot(page, "risk-heatmap")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/risks/")
    assert axe_violations(page) == []
